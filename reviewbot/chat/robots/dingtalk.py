"""The DingTalk (钉钉) custom robot: `POST …/robot/send?access_token=TOKEN`, signed with 加签
when a secret is configured: `timestamp` (ms) and `sign` = urlencode(base64(HMAC-SHA256(
key=secret, msg=f"{timestamp}\\n{secret}"))) appended to the URL. Cards are markdown, or an
actionCard with one button per link when there are links."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Any, ClassVar
from urllib.parse import quote_plus

from reviewbot.chat.notices import Notice
from reviewbot.chat.robots.base import Robot, user_id
from reviewbot.chat.robots.text import Card, Link


def dingtalk_sign(secret: str, timestamp: str) -> str:
    """DingTalk's 加签, URL-encoded as it goes in the query string."""
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


class DingTalkRobot(Robot):
    kind = "dingtalk_robot"
    service = "DingTalk custom robot"
    rate_limited = frozenset({130101, 660026})
    bad_credentials: ClassVar[dict[int, str]] = {
        310000: "the signature, keyword or IP check failed: is the 加签 secret right "
        "(it starts with SEC), and does the robot use 加签?",
        300001: "the access_token in the webhook is wrong or the robot was removed",
        300005: "the access_token in the webhook is wrong or the robot was removed",
    }
    rate_limit_retry = 601.0  # past 20 a minute, DingTalk throttles the robot for 10 minutes
    limit = 4000  # characters of markdown text (DingTalk refuses about 5000)
    clock: Callable[[], float] = staticmethod(time.time)
    people_service = "dingtalk"

    def sign(self, url: str, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        if not self.secret:
            return url, body  # the robot is secured by a keyword or an IP list instead
        timestamp = str(round(self.clock() * 1000))
        joiner = "&" if "?" in url else "?"
        return (
            f"{url}{joiner}timestamp={timestamp}&sign={dingtalk_sign(self.secret, timestamp)}",
            body,
        )

    def mention(self, user: str, name: str) -> str:
        """DingTalk pings the userIds listed in `at` and shows `@userId` in the text."""
        return f"@{user}" if user_id(user) else super().mention(user, name)

    def mentioned(self, body: dict[str, Any], notice: Notice) -> dict[str, Any]:
        users = [user for user, _ in notice.mentions if user_id(user)]
        return {**body, "at": {"atUserIds": users}} if users else body

    def size(self, body: dict[str, Any]) -> int:
        return len((body.get("markdown") or body.get("actionCard"))["text"])

    @staticmethod
    def _message(title: str, text: str, links: list[Link]) -> dict[str, Any]:
        if not links:
            return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
        return {
            "msgtype": "actionCard",
            "actionCard": {
                "title": title,
                "text": text,
                "btnOrientation": "1" if len(links) > 1 else "0",
                "btns": [{"title": link.label, "actionURL": link.url} for link in links],
            },
        }

    def render_card(self, card: Card) -> dict[str, Any]:
        head = f"### {'🚨 ' if card.urgent else ''}{card.title}"
        out = [head]
        for label, value in card.lines:
            out.append(f"> {value}" if label == "meta" else f"**{label}**：{value}")
        return self._message(card.title, "\n\n".join(out), card.links)

    def render_text(self, title: str, lines: list[str], urgent: bool) -> dict[str, Any]:
        head = f"### {'🚨 ' if urgent else ''}{title}"
        return self._message(title, "\n\n".join([head, *lines]), [])

    def render_summary(self, title: str, lines: list[tuple[str, str | None]]) -> dict[str, Any]:
        out = [f"### {title}"]
        out += [f"- {line} [查看]({url})" if url else f"- {line}" for line, url in lines]
        return self._message(title, "\n\n".join(out), [])
