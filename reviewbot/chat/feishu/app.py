"""The Feishu / Lark internal app bot (企业自建应用 with its bot): review cards with buttons
posted to the stores' groups, taps over the long connection, each turned into one workflow
call, and every copy of the card redrawn in place (PATCH) to show who did what.

`FeishuApp` is one app (one secret, one long connection, any number of groups);
`FeishuAppChannel` is one of its groups as the outbox sees it: the group robots' delivery
(jobs/robots.py: order, mutes, holds while Feishu is out of reach, a minute's budget) with
the app's REST API instead of a webhook, so what the owner knows of robots holds here.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any

import aiohttp

from reviewbot.chat.apps.buttons import DRAFT_ID, shown_draft
from reviewbot.chat.feishu import batches, cards
from reviewbot.chat.feishu.api import FeishuApi
from reviewbot.chat.feishu.commands import Commands
from reviewbot.chat.feishu.stream import LongConnection
from reviewbot.chat.notices import Notice
from reviewbot.chat.robots.base import RobotError
from reviewbot.chat.robots.feishu import FeishuRobot
from reviewbot.workflow.actions import Actor, Outcome
from reviewbot.workflow.apps import AppDesk, Where
from reviewbot.workflow.cards import AlertView, CardRef
from reviewbot.workflow.desk import CardAction
from reviewbot.workflow.thanks import View as BatchView

log = logging.getLogger(__name__)

KIND = "feishu_app"
# Buttons that are one workflow action each (the card's value "a" → the desk's action).
ACTIONS: dict[str, CardAction] = {
    cards.APPROVE: "approve",
    cards.REGENERATE: "regenerate",
    cards.CONTACTED: "contacted",
    cards.SNOOZE: "snooze",
    cards.ASK: "ask_manager",
    cards.IGNORE: "ignore",
    cards.UNDO: "undo_ignore",
    cards.MALICIOUS: "malicious",
    cards.NOT_MALICIOUS: "not_malicious",
}


def toast(text: str, ok: bool = True) -> dict[str, Any]:
    return {"toast": {"type": "success" if ok else "error", "content": text[:200]}}


class FeishuApp:
    def __init__(
        self,
        *,
        app_id: str,
        app_secret: str,
        secret_env: str,
        domain: str,
        desk: AppDesk,
        public_url: str | None,
        timeout: float,
    ) -> None:
        self.app_id = app_id
        self.desk = desk
        self.public_url = public_url
        self.api = FeishuApi(
            app_id, app_secret, domain=domain, secret_env=secret_env, timeout=timeout
        )
        self.stream = LongConnection(
            app_id, app_secret, secret_env, domain, self.on_card, self.on_message
        )
        self.commands = Commands(desk, self.say, self.whisper, self.show)
        self.channels: dict[str, str] = {}  # channel key -> its group's chat id

    def key(self, chat_id: str) -> str:
        return f"{KIND}:{self.app_id}:{chat_id}"

    async def start(self) -> None:
        await self.stream.start()

    async def stop(self) -> None:
        await self.stream.stop()

    async def say(self, chat_id: str, text: str) -> None:
        """A text in a group (a command's answer); a failure is logged, not retried."""
        try:
            await self.api.send(chat_id, "text", {"text": text})
        except RobotError as exc:
            log.warning("could not answer in Feishu chat %s: %s", chat_id, exc)

    async def whisper(self, open_id: str, text: str) -> bool:
        """A text to one person, in their private chat with the bot (False: not sent)."""
        try:
            await self.api.send(open_id, "text", {"text": text}, id_type="open_id")
        except RobotError as exc:
            log.warning("could not write to %s privately in Feishu: %s", open_id, exc)
            return False
        return True

    async def show(self, chat: str, actor: Actor, review_id: int, stores: list[str]) -> str:
        """/review 编号: the review's card posted again at the bottom of the group, its
        buttons working and redrawn with the others ('' when it was posted)."""
        alert_id = await self.desk.desk.card_for(actor, review_id, stores)
        if alert_id is None:
            return f"找不到评价 #{review_id}（只能查看本群门店的评价）。"
        view = await self.desk.desk.view(alert_id)
        card = cards.alert_card(view, self.desk.desk.clock.now(), self.public_url)
        try:
            message_id = await self.api.send(chat, "interactive", card)
        except RobotError as exc:
            log.warning("could not post review #%d's card again in Feishu: %s", review_id, exc)
            return "卡片发送失败，请稍后再试。"
        ref = CardRef(view.alert_id, view.store_id, view.review_id, view.token or "")
        await self.desk.card_posted(ref, self.key(chat), chat, message_id)
        return ""

    # -- cards ------------------------------------------------------------------------

    async def redraw(self, view: AlertView, channels: Collection[str] | None = None) -> None:
        """Redraw every copy of this alert's card in this app's groups (or in `channels`)."""
        card = cards.alert_card(view, self.desk.desk.clock.now(), self.public_url)
        where = self.channels if channels is None else channels
        found = await self.desk.copies(view.review_id, where)
        for alert_id, message_id in found:
            if alert_id == view.alert_id:
                await self.api.patch(message_id, card)

    async def refresh(self, review_id: int) -> None:
        """After a tap: every card of the review, current (a failure waits for the
        redraw queue, which tries again)."""
        seen: set[int] = set()
        for alert_id, _ in await self.desk.copies(review_id, self.channels):
            if alert_id in seen:
                continue
            seen.add(alert_id)
            try:
                await self.redraw(await self.desk.desk.view(alert_id))
            except RobotError as exc:
                log.warning("could not redraw a Feishu card of review %d: %s", review_id, exc)

    # -- taps ---------------------------------------------------------------------------

    async def on_card(self, data: Any) -> dict[str, Any]:
        """A tap on a card's button (or a form's submit): who, on which card, in which
        group; the workflow decides; the answer is a toast for the one who tapped."""
        event = data.event
        user = event.operator.open_id if event and event.operator else None
        chat = event.context.open_chat_id if event and event.context else None
        message_id = event.context.open_message_id if event and event.context else None
        value = (event.action.value if event and event.action else None) or {}
        token, action = str(value.get("rb", "")), str(value.get("a", ""))
        if action in batches.ACTIONS:
            return await self._thanks(token, action, Where(chat, user), message_id)
        actor = self.desk.actor(user)
        card = await self.desk.desk.card(token) if token else None
        if card is None and actor is not None:
            return toast("这个按钮已失效。", False)
        where = Where(chat, user)
        if card is None or not self.desk.card_allowed(actor, card.store_id, where):
            await self.desk.refused(where, f"button {action}", card, public=False)
            return toast(f"{cards.REFUSAL}\n用户 ID：{user or '?'}", False)
        assert actor is not None and chat is not None
        form = (event.action.form_value or {}) if event.action else {}
        shown = shown_draft(value.get(DRAFT_ID)) if action == cards.APPROVE else None
        outcome = await self._press(action, card, actor, chat, message_id, form, shown)
        return toast(outcome.message, outcome.ok)

    async def _thanks(
        self, token: str, action: str, where: Where, message_id: str | None
    ) -> dict[str, Any]:
        """✅ or 🙈 on a thank-you batch (the workflow checks who, item by item); the card
        redrawn with each one's outcome."""
        answer = await self.desk.batch_press(token, batches.ACTIONS[action], where)
        if answer is None:
            return toast(f"{cards.REFUSAL}\n用户 ID：{where.user_id or '?'}", False)
        if answer.view is not None and message_id is not None:
            found = await self.desk.batch_view(token)
            name = found[1] if found else ""
            await self._patch(message_id, batches.decided_card(answer.view, name))
        if batches.ACTIONS[action] == "post":
            # Only now: the outbox's redraws, as the replies go out, must come after this one.
            self.desk.desk.kick_outbox()
        return toast(answer.text, not answer.alert)

    async def _press(
        self,
        action: str,
        card: CardRef,
        actor: Actor,
        chat: str,
        message_id: str | None,
        form: dict[str, Any],
        shown: int | None = None,
    ) -> Outcome:
        """`shown`: the draft ✅'s card showed (None on a card drawn before it was carried)."""
        if action == cards.EDIT:
            return await self._edit(card, actor, chat)
        if action == cards.SUBMIT:
            text = str(form.get(cards.REPLY_FIELD) or "")
            return await self._submit(card, actor, message_id, text)
        if action == cards.CANCEL:
            if message_id is not None:
                view = await self.desk.desk.view(card.alert_id)
                note = f"✖ {actor.name} 取消了修改，草稿没有变化。"
                await self._patch(message_id, cards.edit_done(view, note, None))
            return Outcome(True, "已取消修改，草稿保持不变。")
        if action not in ACTIONS:
            return Outcome(False, "无法识别的按钮。")
        outcome = await self.desk.desk.act(ACTIONS[action], card, actor, draft_id=shown)
        if outcome.ok and action == cards.MALICIOUS:
            sheet = await self.desk.desk.appeal(card.review_id)
            if sheet is not None:
                await self._send(chat, cards.appeal_card(sheet))
        if outcome.changed or outcome.ok:
            await self.refresh(card.review_id)
        return outcome

    async def _edit(self, card: CardRef, actor: Actor, chat: str) -> Outcome:
        """✏️: a form under the card, the current draft in it to change."""
        refusal = await self.desk.desk.edits.refusal(card)
        if refusal is not None:
            return refusal
        view = await self.desk.desk.view(card.alert_id)
        await self._send(chat, cards.edit_form(view, actor.name, None))
        return Outcome(True, "请在下方的表单里修改回复，然后点“提交并发布”。")

    async def _submit(
        self, card: CardRef, actor: Actor, message_id: str | None, text: str
    ) -> Outcome:
        """The form's submit: through the guardrails; a refusal is shown in the form with
        its suggestion and the text kept, a good edit is posted and the form retired."""
        outcome = await self.desk.edit(card, actor, text)
        view = await self.desk.desk.view(card.alert_id)
        if message_id is not None:
            if outcome.ok:
                note = f"✅ {actor.name} 提交了修改：{outcome.message}"
                await self._patch(message_id, cards.edit_done(view, note, text))
            elif outcome.code == "blocked" or not text.strip():
                form = cards.edit_form(view, actor.name, text, outcome.message)
                await self._patch(message_id, form)
            else:
                await self._patch(message_id, cards.edit_done(view, f"⚠️ {outcome.message}", text))
        if outcome.ok:
            await self.refresh(card.review_id)
        return outcome

    async def _send(self, chat: str, card: dict[str, Any]) -> None:
        try:
            await self.api.send(chat, "interactive", card)
        except RobotError as exc:
            log.warning("could not send a Feishu card to %s: %s", chat, exc)

    async def _patch(self, message_id: str, card: dict[str, Any]) -> None:
        try:
            await self.api.patch(message_id, card)
        except RobotError as exc:
            log.warning("could not update Feishu message %s: %s", message_id, exc)

    # -- group messages -------------------------------------------------------------------

    async def on_message(self, data: Any) -> None:
        await self.commands.handle(data)


class FeishuAppChannel(FeishuRobot):
    """One group of an app, delivered like a group robot: alerts as cards with buttons
    (recorded, so taps anywhere redraw them), notices and merged summaries as cards, and
    thank-you batches with buttons that post them."""

    kind = KIND
    service = "Feishu app bot"
    takes_batches = True
    reposts = True  # /review 编号
    takes_taps = True

    def __init__(
        self,
        app: FeishuApp,
        http: aiohttp.ClientSession,
        *,
        key: str,
        chat_id: str,
        secret_env: str,
        per_minute: int,
    ) -> None:
        super().__init__(
            http,
            key=key,
            webhook=chat_id,
            webhook_env=secret_env,
            per_minute=per_minute,
            public_url=app.public_url,
        )
        self.app = app
        self.chat_id = chat_id
        app.channels[key] = chat_id

    async def send_alert(self, alert: AlertView) -> dict[str, Any]:
        card = cards.alert_card(alert, self.app.desk.desk.clock.now(), self.public_url)
        message_id = await self.app.api.send(
            self.chat_id, "interactive", card, dedupe=f"alert:{alert.alert_id}:{self.chat_id}"
        )
        ref = CardRef(alert.alert_id, alert.store_id, alert.review_id, alert.token or "")
        await self.app.desk.card_posted(ref, self.name, self.chat_id, message_id)
        return {"robot": self.kind, "message_id": message_id}

    async def update_alert(self, alert: AlertView, ref: dict[str, Any]) -> dict[str, Any]:
        await self.app.redraw(alert, [self.name])
        return ref

    async def send_thanks(self, notice: Notice, token: str) -> dict[str, Any]:
        card = batches.offer_card(notice, token)
        message_id = await self.app.api.send(self.chat_id, "interactive", card)
        await self.app.desk.desk.thanks_offered(token, self.name, message_id)
        return {"robot": self.kind, "message_id": message_id}

    async def update_batch(self, batch: BatchView, ref: dict[str, Any]) -> dict[str, Any]:
        """The batch's card redrawn with each reply's fate on the platform."""
        card = batches.decided_card(batch, str(ref.get("store_name", "")))
        await self.app.api.patch(str(ref["message_id"]), card)
        return ref

    async def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        """A notice or a merged summary (drawn by the custom bot's renderer), as a card."""
        card = dict(body["card"])
        card["config"] = {**card.get("config", {}), "update_multi": True}
        message_id = await self.app.api.send(self.chat_id, "interactive", card)
        return {"robot": self.kind, "message_id": message_id}
