"""The WeCom (企业微信) group robot: `POST …/cgi-bin/webhook/send?key=KEY`. The key in the
URL is the only credential (no signing); cards are markdown (≤ 4096 bytes of content) with
the links as markdown links, since a group robot's message cannot carry a callback."""

from __future__ import annotations

from typing import Any, ClassVar

from reviewbot.chat.robots.base import Robot, user_id
from reviewbot.chat.robots.text import Card


class WeComRobot(Robot):
    kind = "wecom_robot"
    service = "WeCom group robot"
    rate_limited = frozenset({45009})
    bad_credentials: ClassVar[dict[int, str]] = {
        93000: "the webhook key is wrong or the robot was removed from its group",
        93008: "the robot is not in the group any more",
    }
    limit = 4096  # bytes of markdown content
    people_service = "wecom"

    def size(self, body: dict[str, Any]) -> int:
        return len(body["markdown"]["content"].encode())

    def mention(self, user: str, name: str) -> str:
        """WeCom markdown's @ by userid (`<@userid>`), which pings the member."""
        return f"<@{user}>" if user_id(user) else super().mention(user, name)

    @staticmethod
    def _markdown(content: str) -> dict[str, Any]:
        return {"msgtype": "markdown", "markdown": {"content": content}}

    def render_card(self, card: Card) -> dict[str, Any]:
        color = "warning" if card.urgent else "info"
        out = [f'**<font color="{color}">{card.title}</font>**']
        for label, value in card.lines:
            if label == "meta":
                out.append(f'<font color="comment">{value}</font>')
            else:
                out.append(f"**{label}**：{value}")
        if card.links:
            out.append("　".join(f"[{link.label}]({link.url})" for link in card.links))
        return self._markdown("\n".join(out))

    def render_text(self, title: str, lines: list[str], urgent: bool) -> dict[str, Any]:
        color = "warning" if urgent else "info"
        return self._markdown("\n".join([f'**<font color="{color}">{title}</font>**', *lines]))

    def render_summary(self, title: str, lines: list[tuple[str, str | None]]) -> dict[str, Any]:
        out = [f'**<font color="warning">{title}</font>**']
        out += [f"{line} [查看]({url})" if url else line for line, url in lines]
        return self._markdown("\n".join(out))
