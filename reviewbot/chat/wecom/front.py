"""The WeCom front end: one AI bot's long connection, its card clicks and the messages it
receives, turned into workflow calls (`workflow/apps.py`, `workflow/desk.py`); what is
allowed and recorded is the workflow's.

A click (`aibot_event_callback`, event `template_card_event`) names the card (`task_id`),
the presser (`from.userid`), the group (`chatid`) and the button (`event_key`: for ✅, with
the draft the card showed, never one a colleague's 🔁 or edit put in its place). It is
answered, within WeCom's 5 s, by the card redrawn for everyone (`aibot_respond_update_msg`)
with where the review now stands, who did it, and one line for the presser (what happened,
or why not). ✏️ opens an edit: the presser's next message to the bot in that group is the
new reply, taken through the guardrails and held; it is answered with the text as it will
be posted and a preview card whose ✅ posts it and ✖ keeps the draft (only its author's
press counts; another message replaces it, and one left undecided expires). The open edit
is the workflow's, in the database: a restart or another replica in between takes the
message the same. `/edit 编号 回复` does it in one message.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

from reviewbot.chat.apps import batches as batch_words
from reviewbot.chat.apps.buttons import ACTIONS
from reviewbot.chat.apps.commands import edit_answer
from reviewbot.chat.wecom.batches import batch_card
from reviewbot.chat.wecom.cards import (
    CANCEL,
    CONFIRM,
    EDIT,
    REFRESH,
    edit_card,
    new_task_id,
    parse_key,
    review_card,
    token_of_task,
)
from reviewbot.chat.wecom.commands import Commands, refusal_text
from reviewbot.chat.wecom.link import Link, WeComError, req_id
from reviewbot.workflow.actions import Actor, Outcome
from reviewbot.workflow.apps import AppDesk, Where
from reviewbot.workflow.cards import CardRef

log = logging.getLogger(__name__)

SERVICE, KIND = "wecom", "wecom_bot"
_MENTION = re.compile(r"^(?:@\S+\s*)+")  # "@评价助手 /pending": the bot's name first


def stream(text: str) -> dict[str, Any]:
    """A finished stream message: how the AI bot answers a message on this connection."""
    return {"msgtype": "stream", "stream": {"id": req_id("s"), "finish": True, "content": text}}


class WeComFront:
    """One WeCom AI bot (bot id): its long connection's callbacks and their answers."""

    def __init__(self, apps: AppDesk, link: Link, public_url: str | None = None) -> None:
        self.apps = apps
        self.desk = apps.desk
        self.link = link
        self.public_url = public_url
        self.commands = Commands(apps, self.show, self.edit_command)
        self.edit_timeout: timedelta = self.desk.edits.timeout
        link.on_callback = self.on_callback

    @property
    def connected(self) -> Any:
        return self.link.connected

    async def start(self) -> None:
        self.link.start()

    async def stop(self) -> None:
        await self.link.stop()

    async def on_callback(self, frame: dict[str, Any]) -> None:
        body = frame.get("body") or {}
        rid = str((frame.get("headers") or {}).get("req_id") or "")
        user = str((body.get("from") or {}).get("userid") or "")
        group = body.get("chattype") == "group"
        where = Where(str(body.get("chatid") or "") or None if group else None, user)
        await self.apps.expire_held(self.desk.clock.now() - self.edit_timeout)
        if frame.get("cmd") == "aibot_event_callback":
            event = body.get("event") or {}
            if event.get("eventtype") == "template_card_event":
                await self.on_click(rid, where, event.get("template_card_event") or {})
            return
        text = str((body.get("text") or {}).get("content") or "")
        answer = await self.on_message(where, _MENTION.sub("", text.strip()).strip())
        if answer:
            await self._respond(rid, answer)

    # -- card clicks -------------------------------------------------------------------------

    async def on_click(self, rid: str, where: Where, click: dict[str, Any]) -> None:
        task = str(click.get("task_id") or "")
        parsed = parse_key(str(click.get("event_key") or ""))
        action, token, shown = parsed if parsed else ("", token_of_task(task) or "", None)
        if action in batch_words.ACTIONS or action == batch_words.REFRESH:
            await self.on_batch_click(rid, where, action, token, task)
            return
        actor = self.apps.actor(where.user_id)
        card = await self.desk.card(token) if token else None
        if card is None:
            await self.apps.refused(where, f"button {action}", public=False)
            return  # nothing to redraw: a card not ours, or a stranger on one
        if not self.apps.card_allowed(actor, card.store_id, where):
            await self.apps.refused(where, f"button {action}", card, public=False)
            await self._redraw(rid, card, task, refusal_text(where.user_id))
            return
        assert actor is not None
        if action in (CONFIRM, CANCEL):
            await self._decide(rid, where, card, task, action == CONFIRM, shown)
            return
        if action == REFRESH:
            notice = None
        elif action == EDIT:
            notice = await self._open_edit(where, card)
        elif action in ACTIONS:
            if action == "regenerate":
                await self.desk.edits.expire()  # an abandoned edit must not hold the draft
            shown = shown if action == "approve" else None  # the draft ✅'s card showed
            outcome = await self.desk.act(ACTIONS[action], card, actor, draft_id=shown)
            notice = ("" if outcome.ok else "⚠️ ") + outcome.message
            if action == "malicious" and outcome.ok:
                await self._appeal(card)
        else:
            notice = "⚠️ 无法识别的按钮。"
        await self._redraw(rid, card, task, notice)

    async def on_batch_click(
        self, rid: str, where: Where, action: str, token: str, task: str
    ) -> None:
        """✅ 全部发布 / 🙈 全部忽略 / 🔄 on a thank-you batch: the workflow decides (who,
        each draft); the card is redrawn for everyone with the outcome."""
        notice = ""
        if action in batch_words.ACTIONS:
            answer = await self.apps.batch_press(token, batch_words.ACTIONS[action], where)
            if answer is None:
                notice = refusal_text(where.user_id)
            else:
                notice = ("⚠️ " if answer.alert else "") + answer.text
                if batch_words.ACTIONS[action] == "post":
                    self.desk.kick_outbox()  # the replies go out now
        elif self.apps.actor(where.user_id) is None:
            await self.apps.refused(where, f"button {action}", public=False)
            notice = refusal_text(where.user_id)
        found = await self.apps.batch_view(token)
        if found is None:
            return  # not a batch of ours: nothing to redraw
        try:
            await self.link.update_card(rid, batch_card(*found, task, token, notice))
        except WeComError as exc:
            log.warning("could not redraw a thank-you batch in WeCom: %s", exc)

    async def _open_edit(self, where: Where, card: CardRef) -> str:
        view = await self.desk.view(card.alert_id)
        if not view.open:
            return "⚠️ 这条评价已经处理过了。"
        await self.apps.open_edit(where, card, self.edit_timeout)
        minutes = max(1, int(self.edit_timeout.total_seconds() // 60))
        return (
            f"请在 {minutes} 分钟内 @我 发送修改后的完整回复（{where.user_id}），"
            f"或发送：/edit {card.review_id} 新的回复"
        )

    async def _preview(self, where: Where, card: CardRef, draft_id: int, text: str) -> bool:
        """The held edit's preview card under the review's card, in the group."""
        if where.conversation is None:
            return False
        view = await self.desk.view(card.alert_id)
        drawing = edit_card(view, text, new_task_id(card.token), draft_id)
        try:
            await self.link.send(
                where.conversation, {"msgtype": "template_card", "template_card": drawing}
            )
        except WeComError as exc:
            log.warning("could not preview an edit of review #%d: %s", card.review_id, exc)
            return False
        return True

    async def _decide(
        self, rid: str, where: Where, card: CardRef, task: str, post: bool, draft_id: int | None
    ) -> None:
        """✅ or ✖ on an edit's preview: the author's press posts the held edit (or drops
        it); the preview is redrawn with what became of it."""
        actor = self.apps.actor(where.user_id)
        assert actor is not None
        if draft_id is None:
            outcome = Outcome(False, "无法识别的按钮。")
        elif post:
            outcome = await self.apps.confirm(card, actor, draft_id)
        else:
            outcome = await self.apps.cancel(card, actor, draft_id)
        if outcome.ok and draft_id is not None:
            await self.apps.end_edit(where, draft_id)
        text, waiting = await self.apps.held(draft_id) if draft_id is not None else ("", False)
        view = await self.desk.view(card.alert_id)
        notice = ("" if outcome.ok else "⚠️ ") + outcome.message
        drawing = edit_card(view, text, task, draft_id or 0, notice, open_=waiting)
        try:
            await self.link.update_card(rid, drawing)
        except WeComError as exc:
            log.warning("could not redraw an edit's preview in WeCom: %s", exc)

    async def _redraw(self, rid: str, card: CardRef, task: str, notice: str | None) -> None:
        view = await self.desk.view(card.alert_id)
        drawing = review_card(view, self.public_url, task, notice)
        try:
            await self.link.update_card(rid, drawing)
        except WeComError as exc:  # the action stands; the card catches up on a later click
            log.warning("could not redraw review #%d in WeCom: %s", card.review_id, exc)

    async def show(self, where: Where, actor: Any, review_id: int) -> str:
        """/review 编号: the review's card pushed to the group again, as it stands now."""
        stores = self.apps.stores_here(actor, where)
        alert_id = await self.desk.card_for(actor, review_id, stores)
        if alert_id is None or where.conversation is None:
            return f"找不到评价 #{review_id}（只能查看本群门店的评价）。"
        view = await self.desk.view(alert_id)
        card = review_card(view, self.public_url, new_task_id(view.token or f"a{alert_id}"))
        try:
            await self.link.send(
                where.conversation, {"msgtype": "template_card", "template_card": card}
            )
        except WeComError as exc:
            log.warning("could not push review #%d's card again: %s", review_id, exc)
            return "卡片发送失败，请稍后再试。"
        return f"已重新发出评价 #{review_id} 的卡片。"

    async def _appeal(self, card: CardRef) -> None:
        """🚩 sends the appeal's text and checklist to the group: a message that stays."""
        review_id = card.review_id
        sheet = await self.desk.appeal(review_id)
        if sheet is None:
            return
        chats = {
            c.conversation_id
            for store in self.desk.settings.stores
            for c in store.channels
            if c.kind == KIND and c.bot_id == self.link.bot_id and store.id == card.store_id
        }
        for chat in sorted(c for c in chats if c):
            text = self.commands.appeal_text(review_id, sheet)
            try:
                await self.link.send(chat, {"msgtype": "markdown", "markdown": {"content": text}})
            except WeComError as exc:
                log.warning("could not send the appeal of review #%d: %s", review_id, exc)

    # -- messages ----------------------------------------------------------------------------

    async def on_message(self, where: Where, text: str) -> str | None:
        """The answer to a message to the bot: a command's, or an edit's verdict."""
        if where.conversation and not self.apps.stores_of(where.conversation):
            log.info(
                "a message to the WeCom bot from group %s, which no channel names yet",
                where.conversation,
            )
        actor = self.apps.actor(where.user_id)
        if actor is None:
            attempted = text.split()[0] if text.startswith("/") and text.split() else "message"
            told = await self.apps.refused(where, attempted)
            return refusal_text(where.user_id) if told else None
        editing = await self.apps.take_edit(where) if not text.startswith("/") else None
        if editing is not None:
            card, late, earlier = editing
            if late:
                return "⚠️ 修改已超时，请在卡片上重新点 ✏️ 修改。"
            return await self.hold(where, actor, card, text, earlier)
        return await self.commands.handle(where, actor, text)

    async def edit_command(self, where: Where, actor: Actor, card: CardRef, text: str) -> str:
        """/edit 编号 新的回复 in a group: as a reply to ✏️ (it replaces the author's own
        preview of the same card, if one is out)."""
        editing = await self.apps.take_edit(where)
        earlier = editing[2] if editing and editing[0].alert_id == card.alert_id else None
        return await self.hold(where, actor, card, text, earlier)

    async def hold(
        self, where: Where, actor: Actor, card: CardRef, text: str, earlier: int | None = None
    ) -> str:
        """A new reply (after ✏️, or with /edit 编号 in a group): checked, held and previewed
        with ✅ / ✖ under the card; `earlier` is the author's preview it replaces."""
        review_id = card.review_id
        held = await self.apps.hold(card, actor, text)
        if not held.ok or held.draft_id is None:
            if held.code == "blocked":  # try again with the suggestion in mind
                await self.apps.open_edit(where, card, self.edit_timeout, earlier)
            return edit_answer(review_id, held)
        if earlier is not None:  # an earlier preview's text is replaced
            await self.apps.cancel(card, actor, earlier)
        if not await self._preview(where, card, held.draft_id, text):
            await self.apps.cancel(card, actor, held.draft_id)
            return f"⚠️ 评价 #{review_id}：修改预览没能发出，请稍后重新发送修改后的回复。"
        await self.apps.open_edit(where, card, self.edit_timeout, held.draft_id)
        return (
            f"✏️ 评价 #{review_id} 的修改已通过检查，将发布为：\n\n{text}\n\n"
            "确认发布吗？请在下方的预览卡片上点“确认发布”，或点“取消”保持原草稿。"
        )

    async def _respond(self, rid: str, text: str) -> None:
        try:
            await self.link.respond(rid, stream(text))
        except WeComError as exc:
            log.warning("could not answer in WeCom: %s", exc)
