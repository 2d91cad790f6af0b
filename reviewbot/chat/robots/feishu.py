"""The Feishu / Lark (飞书) custom bot: `POST …/open-apis/bot/v2/hook/ID` (open.feishu.cn or
open.larksuite.com), signed with 签名校验 when a secret is configured: `timestamp` (s) and
`sign` = base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b"")) in the JSON body (the
key is the joined string and the message empty, the opposite of DingTalk). Cards are
interactive cards (JSON 1.0) with link buttons; a custom bot cannot receive their taps."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Any, ClassVar

from reviewbot.chat.robots.base import Robot, user_id
from reviewbot.chat.robots.text import Card, Link


def feishu_sign(secret: str, timestamp: str) -> str:
    digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _text(content: str) -> dict[str, Any]:
    return {"tag": "div", "text": {"tag": "lark_md", "content": content}}


def _buttons(links: list[Link]) -> dict[str, Any]:
    return {
        "tag": "action",
        "actions": [
            {
                "tag": "button",
                "text": {"tag": "plain_text", "content": link.label},
                "type": "primary" if index == 0 else "default",
                "url": link.url,
            }
            for index, link in enumerate(links)
        ],
    }


class FeishuRobot(Robot):
    kind = "feishu_robot"
    service = "Feishu custom bot"
    rate_limited = frozenset({9499, 11232})
    bad_credentials: ClassVar[dict[int, str]] = {
        19021: "the signature failed: is the 签名校验 secret right, and is this machine's "
        "clock correct (within an hour)?",
        19001: "the webhook is wrong or the bot was removed from its group",
        19022: "this machine's IP address is not on the bot's allow list",
        19024: "the message lacks the bot's custom keyword: use 签名校验 instead",
    }
    limit = 19_000  # bytes of body (Feishu refuses more than 20 KB)
    per_second = 5
    people_service = "feishu"
    clock: Callable[[], float] = staticmethod(time.time)

    def sign(self, url: str, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        if not self.secret:
            return url, body
        timestamp = str(int(self.clock()))
        return url, {"timestamp": timestamp, "sign": feishu_sign(self.secret, timestamp), **body}

    def mention(self, user: str, name: str) -> str:
        """An @ in a card's lark_md, by open_id: Feishu shows the name and pings them."""
        return f"<at id={user}></at>" if user_id(user) else super().mention(user, name)

    @staticmethod
    def _card(title: str, template: str, elements: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "msg_type": "interactive",
            "card": {
                "config": {"wide_screen_mode": True},
                "header": {"title": {"tag": "plain_text", "content": title}, "template": template},
                "elements": elements,
            },
        }

    def render_card(self, card: Card) -> dict[str, Any]:
        lines = [
            f"<font color='grey'>{value}</font>" if label == "meta" else f"**{label}**：{value}"
            for label, value in card.lines
        ]
        elements = [_text("\n".join(lines))]
        if card.links:
            elements.append(_buttons(card.links))
        return self._card(card.title, "red" if card.urgent else "orange", elements)

    def render_text(self, title: str, lines: list[str], urgent: bool) -> dict[str, Any]:
        return self._card(title, "red" if urgent else "blue", [_text("\n".join(lines) or " ")])

    def render_summary(self, title: str, lines: list[tuple[str, str | None]]) -> dict[str, Any]:
        content = "\n".join(f"{line} [查看]({url})" if url else line for line, url in lines)
        return self._card(title, "orange", [_text(content)])
