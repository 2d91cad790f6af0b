"""The DingTalk front end: one enterprise app's stream connection, its card buttons and the
@-messages its robot receives, turned into workflow calls (`workflow/apps.py`,
`workflow/desk.py`); what is allowed and recorded is the workflow's.

A card button's callback names the card (`outTrackId`), the presser (`userId`) and what
was pressed (`cardPrivateData`: the action and, for ✏️, the edit box's text; for ✅, the
card's `draft_id` as the presser's screen showed it, so a draft a colleague replaced since
is not posted). The answer goes back in the ack as the presser's own `notice` on the card
(private data: colleagues do not see it); the card itself is redrawn for everyone through
the outbox, showing who did what. Every press gets an answer, a stranger's too (a refusal
with their id).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import Any

import dingtalk_stream
from dingtalk_stream import AckMessage, CallbackMessage, CardCallbackMessage, ChatbotMessage

from reviewbot.chat.apps import batches as batch_words
from reviewbot.chat.apps.buttons import ACTIONS, DRAFT_ID, shown_draft
from reviewbot.chat.dingtalk import batches
from reviewbot.chat.dingtalk.api import DingTalkApi
from reviewbot.chat.dingtalk.channel import card_params, copy_track_id, is_copy, token_of
from reviewbot.chat.dingtalk.commands import Commands
from reviewbot.chat.dingtalk.stream import StreamClient
from reviewbot.chat.robots.base import RobotError
from reviewbot.workflow.actions import Outcome
from reviewbot.workflow.apps import AppDesk, Where

log = logging.getLogger(__name__)

SERVICE, KIND = "dingtalk", "dingtalk_app"
EDIT = "edit"
REFUSAL = "抱歉，您还没有权限使用这个机器人。如需开通，请把下面的编号发给店主加入配置。"


def refusal_text(user_id: str) -> str:
    return f"{REFUSAL}\n钉钉用户 ID：{user_id or '?'}"


def private_answer(text: str) -> dict[str, Any]:
    """The callback's answer: the presser's own `notice` on the card."""
    return {
        "cardUpdateOptions": {"updatePrivateDataByKey": True},
        "userPrivateData": {"cardParamMap": {"notice": text}},
    }


class _Handler(dingtalk_stream.CallbackHandler):
    """The SDK's callback handler: its `process` answers (code, data for the ack)."""

    def __init__(self, handle: Any) -> None:
        super().__init__()
        self.handle = handle

    async def process(self, message: CallbackMessage) -> tuple[int, Any]:
        try:
            return AckMessage.STATUS_OK, await self.handle(message.data)
        except Exception:  # a tap must be answered even when handling it fails
            log.exception("handling a DingTalk callback failed")
            return AckMessage.STATUS_OK, private_answer("出错了，请稍后再试。")


class DingTalkFront:
    """One DingTalk app (Client ID): its stream connection and its answers."""

    def __init__(
        self,
        apps: AppDesk,
        api: DingTalkApi,
        client_secret: str,
        templates: Mapping[str, str] | None = None,
        public_url: str | None = None,
    ) -> None:
        """`templates`: the card template of each group (conversation id) of this app, for
        the cards /review sends again."""
        self.apps = apps
        self.desk = apps.desk
        self.api = api
        self.templates = dict(templates or {})
        self.public_url = public_url
        self.client = StreamClient(api.client_id, client_secret, endpoint=api.endpoint)
        self.client.register_callback_handler(
            dingtalk_stream.Card_Callback_Router_Topic, _Handler(self.on_card)
        )
        self.client.register_callback_handler(ChatbotMessage.TOPIC, _Handler(self.on_message))
        self.commands = Commands(apps, self.tell, self.show)
        self._task: asyncio.Task[None] | None = None

    @property
    def connected(self) -> asyncio.Event:
        return self.client.connected

    async def start(self) -> None:
        """Connect in the background: DingTalk out of reach holds nothing else up."""
        self._task = asyncio.create_task(self.client.run(), name=f"dingtalk:{self.api.client_id}")

    async def stop(self) -> None:
        await self.client.stop()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    # -- card buttons ----------------------------------------------------------------------

    async def on_card(self, data: dict[str, Any]) -> dict[str, Any]:
        callback = CardCallbackMessage.from_dict(data)
        private = callback.content.get("cardPrivateData") or {}
        params = private.get("params") or {}
        action = str(params.get("action") or next(iter(private.get("actionIds") or []), ""))
        where = Where(data.get("spaceId") or None, callback.user_id)
        if data.get("spaceType", "IM_GROUP") != "IM_GROUP":
            where = Where(None, callback.user_id)
        batch = batches.token_of(callback.card_instance_id or "")
        if batch is not None:
            return await self.on_batch(batch, callback.card_instance_id, action, where)
        actor = self.apps.actor(callback.user_id)
        token = token_of(callback.card_instance_id or "")
        card = await self.desk.card(token) if token else None
        if card is None:
            if actor is None:
                return await self._refuse(where, f"button {action}")
            return private_answer("这个按钮已失效。")
        if not self.apps.card_allowed(actor, card.store_id, where):
            return await self._refuse(where, f"button {action}", card)
        if action == EDIT:
            outcome = await self.apps.edit(card, actor, str(params.get("reply") or ""))
        elif action in ACTIONS:
            shown = shown_draft(params.get(DRAFT_ID)) if action == "approve" else None
            outcome = await self.desk.act(ACTIONS[action], card, actor, draft_id=shown)
            await self._after(action, card.review_id, where, outcome)
        else:
            outcome = Outcome(False, "无法识别的按钮。")
        if is_copy(callback.card_instance_id or ""):  # the outbox redraws only the original
            await self._redraw_copy(callback.card_instance_id, card.alert_id)
        return private_answer(("" if outcome.ok else "⚠️ ") + outcome.message)

    async def _redraw_copy(self, track: str, alert_id: int) -> None:
        try:
            await self.api.update_card(
                track, card_params(await self.desk.view(alert_id), self.public_url)
            )
        except RobotError as exc:  # the press stands; the next one redraws it
            log.warning("could not redraw a copy of a card in DingTalk: %s", exc)

    async def show(self, where: Where, actor: Any, review_id: int) -> str:
        """/review 编号: the review's card sent to the group again, as it stands now."""
        conversation = where.conversation or ""
        template = self.templates.get(conversation)
        stores = self.apps.stores_here(actor, where)
        alert_id = await self.desk.card_for(actor, review_id, stores) if template else None
        if alert_id is None or template is None:
            return f"找不到评价 #{review_id}（只能查看本群门店的评价）。"
        view = await self.desk.view(alert_id)
        track = copy_track_id(view.token or f"a{alert_id}", conversation)
        try:
            await self.api.send_card(
                template, track, conversation, card_params(view, self.public_url)
            )
        except RobotError as exc:
            log.warning("could not send review #%d's card again: %s", review_id, exc)
            return "卡片发送失败，请稍后再试。"
        return f"已重新发出评价 #{review_id} 的卡片。"

    async def on_batch(self, token: str, track: str, action: str, where: Where) -> dict[str, Any]:
        """✅ 全部发布 / 🙈 全部忽略 on a thank-you batch's card: the workflow decides (who,
        each draft); the card is redrawn for everyone, the presser told privately."""
        if action not in batch_words.ACTIONS:
            return private_answer("⚠️ 无法识别的按钮。")
        answer = await self.apps.batch_press(token, batch_words.ACTIONS[action], where)
        if answer is None:
            return private_answer(refusal_text(where.user_id))
        found = await self.apps.batch_view(token) if answer.view is not None else None
        if found is not None:
            try:
                await self.api.update_card(track, batches.decided_params(*found))
            except RobotError as exc:  # the outbox redraws it as the replies go out
                log.warning("could not redraw a thank-you batch in DingTalk: %s", exc)
        if batch_words.ACTIONS[action] == "post":
            self.desk.kick_outbox()  # after this redraw: the replies' own come later
        return private_answer(("⚠️ " if answer.alert else "") + answer.text)

    async def _after(self, action: str, review_id: int, where: Where, outcome: Outcome) -> None:
        """🚩 sends the appeal's text and checklist to the group, a message that stays."""
        if action != "malicious" or not outcome.ok:
            return
        sheet = await self.desk.appeal(review_id)
        if sheet is not None:
            await self.tell(where, "平台申诉", self.commands.appeal_text(review_id, sheet))

    async def _refuse(self, where: Where, what: str, card: Any = None) -> dict[str, Any]:
        # The answer to a press is the presser's own, never public: always told.
        await self.apps.refused(where, what, card, public=False)
        return private_answer(refusal_text(where.user_id))

    # -- @-messages --------------------------------------------------------------------------

    async def on_message(self, data: dict[str, Any]) -> dict[str, Any]:
        message = ChatbotMessage.from_dict(data)
        user = message.sender_staff_id or ""
        group = message.conversation_type == "2"
        where = Where(message.conversation_id if group else None, user)
        text = (message.text.content if message.text else "") or ""
        if group and not self.apps.stores_of(message.conversation_id):
            log.info(
                "DingTalk @-message from group %r (conversation_id %s), not a store's channel",
                message.conversation_title,
                message.conversation_id,
            )
        await self.commands.handle(where, text.strip())
        return {"msgId": message.message_id}

    async def tell(self, where: Where, title: str, text: str) -> bool:
        """The robot's answer where it was asked (a group, or the person's private chat);
        False when DingTalk refused it."""
        try:
            await self.api.say(where.conversation, where.user_id, title, text)
        except RobotError as exc:
            log.warning("could not answer in DingTalk: %s", exc)
            return False
        return True
