"""The WeCom AI bot as a channel of the outbox: each alert of its group's stores goes out
as a template card with buttons (`aibot_send_msg` over the long connection, see link.py),
notices and merged summaries as the bot's markdown messages, drawn as the WeCom group
robot draws them. It is delivered like a group robot (jobs/robots.py): its own queue per
store, in order, held while the connection is down and sent once each afterwards.

A sent card cannot be redrawn at will: WeCom takes a new drawing only in answer to a click
on it (front.py), so `update_alert` leaves the card as it is and a click (🔄 刷新状态 at
least) shows where the review stands.
"""

from __future__ import annotations

from typing import Any, ClassVar

import aiohttp

from reviewbot.chat.apps.channel import AppChannel
from reviewbot.chat.notices import Notice
from reviewbot.chat.robots.base import RobotError
from reviewbot.chat.robots.wecom import WeComRobot
from reviewbot.chat.wecom import batches
from reviewbot.chat.wecom.cards import new_task_id, review_card
from reviewbot.chat.wecom.link import Link, WeComError
from reviewbot.workflow.cards import AlertView

# errcodes worth telling apart (the rest are retried with the outbox's usual backoff)
RATE_LIMITED = frozenset({45009, 45033})
BAD_CREDENTIALS: dict[int, str] = {
    93006: "the bot is not in the group any more: add it to the group again",
    40058: "the chat id is wrong: check conversation_id",
}


class WeComBotChannel(AppChannel, WeComRobot):
    kind = "wecom_bot"
    service = "WeCom AI bot"
    limit = 4096  # bytes of markdown content, as the group robot
    takes_batches = True  # a thank-you batch is a card with ✅ 全部发布 and 🙈 全部忽略
    reposts = True  # /review 编号

    def __init__(self, http: aiohttp.ClientSession, *, link: Link, **options: Any) -> None:
        """`options`: AppChannel's (key, conversation, per_minute, public_url, timeout)."""
        super().__init__(http, app_secret_env=link.secret_env, **options)
        self.link = link

    rate_limited: ClassVar[frozenset[int]] = RATE_LIMITED
    bad_credentials: ClassVar[dict[int, str]] = BAD_CREDENTIALS

    async def send_alert(self, alert: AlertView) -> dict[str, Any]:
        task = new_task_id(alert.token or f"a{alert.alert_id}")
        card = review_card(alert, self.public_url, task)
        await self._request({"msgtype": "template_card", "template_card": card})
        return {"robot": self.kind, "task_id": task}

    async def send_thanks(self, notice: Notice, token: str) -> dict[str, Any]:
        """The batch as a card whose buttons post it (redrawn in answer to a click)."""
        task = batches.new_task_id(token)
        card = batches.offer_card(notice, token, task)
        await self._request({"msgtype": "template_card", "template_card": card})
        return {"robot": self.kind, "task_id": task}

    async def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        """A notice or a summary: the group robot's markdown, sent by the bot."""
        if body.get("msgtype") != "markdown":
            raise RobotError("nothing to send", "empty")
        await self._request(body)
        return {"robot": self.kind}

    async def _request(self, body: dict[str, Any]) -> None:
        try:
            await self.link.send(self.conversation, body)
        except WeComError as exc:
            if exc.code == "network":
                raise RobotError(
                    f"{self.service} unreachable ({exc})",
                    "network",
                    maybe_delivered=exc.maybe_delivered,
                ) from None
            self._refusal(exc.code, str(exc), 200)
