"""The DingTalk enterprise robot as a channel of the outbox: each alert of its group's
stores goes out as an interactive card (with buttons that answer over the stream
connection, see stream.py), notices and merged summaries as the robot's markdown messages.
It is delivered like a group robot (jobs/robots.py): its own queue per store, in order,
held while DingTalk is down and sent once each afterwards, within the robot's rate limit.

A card's id (`outTrackId`) is made from the alert's token and the group, so a redraw needs
nothing stored: every change of the review redraws the card in place (`update_alert`). A
copy asked for with /review has a suffix of its own and is redrawn when it is pressed.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

import aiohttp

from reviewbot.chat.alerts import status_lines
from reviewbot.chat.apps.buttons import DRAFT_ID
from reviewbot.chat.apps.channel import AppChannel
from reviewbot.chat.dingtalk import batches
from reviewbot.chat.dingtalk.api import DingTalkApi
from reviewbot.chat.notices import Notice
from reviewbot.chat.robots.base import Robot, RobotError
from reviewbot.chat.robots.dingtalk import DingTalkRobot
from reviewbot.chat.robots.text import alert_card
from reviewbot.text import clip_utf16
from reviewbot.workflow.cards import AlertView
from reviewbot.workflow.thanks import View as BatchView

DRAFT_UNITS = 1000  # the draft put in the card's edit box


def out_track_id(token: str, conversation: str) -> str:
    """The card of an alert in a group: `rb.<alert token>.<group digest>`."""
    digest = hashlib.sha256(conversation.encode()).hexdigest()[:10]
    return f"rb.{token}.{digest}"


def copy_track_id(token: str, conversation: str) -> str:
    """A copy of the card asked for again (/review): `rb.<token>.<digest>.<copy>`."""
    return f"{out_track_id(token, conversation)}.{secrets.token_hex(4)}"


def is_copy(out_track_id: str) -> bool:
    return len(out_track_id.split(".")) == 4


def token_of(out_track_id: str) -> str | None:
    parts = out_track_id.split(".")
    return parts[1] if len(parts) in (3, 4) and parts[0] == "rb" and parts[1] else None


def card_params(alert: AlertView, public_url: str | None) -> dict[str, str]:
    """The card template's variables (all strings, as DingTalk's cardParamMap takes them):
    `title`, `markdown` (the review, its analysis, the draft, where it stands), `status`
    (who did what), `draft` (what the edit box starts with), `draft_id` (which draft that
    is: ✅ sends it back, so a draft replaced since is not posted), `open` ("true" while
    the buttons apply), `undo` ("true" once the review is ignored: the ↩️ button, which the
    workflow honours for 30 s), `flagged` ("true" while 「不是恶意」 applies: an open review
    flagged malicious or under appeal; its button's `action` is `not_malicious`) and
    `review` (its number)."""
    card = alert_card(alert, public_url)
    lines = [f"### {'🚨 ' if card.urgent else ''}{card.title}"]
    for label, value in card.lines:
        lines.append(f"> {value}" if label == "meta" else f"**{label}**：{value}")
    lines += [f"[{link.label}]({link.url})" for link in card.links]
    status = status_lines(alert)
    return {
        "title": card.title,
        "markdown": "\n\n".join(lines),
        "status": "\n".join(status) or "待处理",
        "draft": clip_utf16(alert.draft_text or "", DRAFT_UNITS) if alert.open else "",
        DRAFT_ID: str(alert.draft_id) if alert.open and alert.draft_id is not None else "",
        "open": "true" if alert.open else "false",
        "undo": "true" if alert.review_status == "ignored" else "false",
        "flagged": "true" if alert.clearable else "false",
        "review": f"#{alert.review_id}",
    }


class DingTalkAppChannel(AppChannel, DingTalkRobot):
    """Markdown and summaries as the custom robot draws them; sent through the OpenAPI."""

    kind = "dingtalk_app"
    service = "DingTalk enterprise robot"
    rate_limited = frozenset()  # the OpenAPI client tells throttling apart itself
    bad_credentials: ClassVar[dict[int, str]] = {}
    rate_limit_retry = 61.0

    def __init__(
        self,
        http: aiohttp.ClientSession,
        *,
        api: DingTalkApi,
        template: str,
        thanks_template: str | None = None,
        **options: Any,
    ) -> None:
        """`options`: AppChannel's (key, conversation, per_minute, public_url, timeout).
        With `thanks_template`, thank-you batches are cards whose buttons post them."""
        super().__init__(http, app_secret_env=api.secret_env, **options)
        self.api = api
        self.template = template
        self.thanks_template = thanks_template
        self.takes_batches = thanks_template is not None  # type: ignore[misc]
        # Where a batch's card was offered is recorded through this (the daemon binds
        # the workflow's), so the outbox redraws it as its replies reach the platform.
        self.offered: Callable[[str, str, str], Awaitable[None]] | None = None

    async def send_alert(self, alert: AlertView) -> dict[str, Any]:
        track = out_track_id(alert.token or f"a{alert.alert_id}", self.conversation)
        await self.api.send_card(
            self.template, track, self.conversation, card_params(alert, self.public_url)
        )
        return {"robot": self.kind, "card": track}

    async def update_alert(self, alert: AlertView, ref: dict[str, Any]) -> dict[str, Any]:
        track = out_track_id(alert.token or f"a{alert.alert_id}", self.conversation)
        await self.api.update_card(track, card_params(alert, self.public_url))
        return ref

    async def send_thanks(self, notice: Notice, token: str) -> dict[str, Any]:
        if self.thanks_template is None:  # (not offered as a batch without the template)
            return await self.send_notice(notice)
        track = batches.track_id(token, self.conversation)
        await self.api.send_card(
            self.thanks_template, track, self.conversation, batches.offer_params(notice)
        )
        if self.offered is not None:
            await self.offered(token, self.name, track)
        return {"robot": self.kind, "card": track}

    async def update_batch(self, batch: BatchView, ref: dict[str, Any]) -> dict[str, Any]:
        """The batch's card redrawn with each reply's fate on the platform."""
        params = batches.decided_params(batch, str(ref.get("store_name", "")))
        await self.api.update_card(str(ref["message_id"]), params)
        return ref

    # The OpenAPI's group message cannot ping anyone: the people are named instead.
    mention = Robot.mention
    mentioned = Robot.mentioned

    async def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        """A notice or a summary: the robot's markdown message in the group."""
        markdown = body.get("markdown") or body.get("actionCard") or {}
        try:
            await self.api.say(
                self.conversation, "", str(markdown.get("title", "")), str(markdown["text"])
            )
        except KeyError:
            raise RobotError("nothing to send", "empty") from None
        return {"robot": self.kind}
