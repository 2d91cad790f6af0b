"""✏️ in Telegram: the prompt a person replies to (removed once it is answered), their text
previewed with its ✅, a preview retired (its buttons gone) once it is confirmed, cancelled
or replaced, and edits nobody finished announced as expired. What is held,
checked and posted is the workflow's (`workflow/edits.py`)."""

from __future__ import annotations

import logging

from telegram import ForceReply, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from reviewbot.chat.telegram import render
from reviewbot.chat.telegram.access import Front
from reviewbot.text import clip_utf16
from reviewbot.workflow.actions import Actor, Outcome
from reviewbot.workflow.cards import CardRef

log = logging.getLogger(__name__)


class EditConversation:
    def __init__(self, front: Front) -> None:
        self.front = front
        self.edits = front.desk.edits
        self.started = lambda: True  # whether the bot can speak (set by the bot)

    async def start(self, update: Update, card: CardRef, actor: Actor) -> Outcome:
        chat, user = update.effective_chat, update.effective_user
        assert chat is not None and user is not None
        refusal = await self.edits.refusal(card)
        if refusal is not None:
            return refusal
        minutes = self.front.tg.edit_timeout_seconds // 60
        # The mention makes the selective ForceReply open a reply box for this person in a
        # group; a reply to the bot's message reaches it even with privacy mode on.
        prompt = await self.front.bot.send_message(
            chat.id,
            f'✏️ <a href="tg://user?id={user.id}">{render.escape(actor.name)}</a>，'
            f"请<b>回复本消息</b>发送修改后的完整回复"
            f"（{minutes} 分钟内有效，发送 /cancel 取消）。",
            parse_mode=ParseMode.HTML,
            reply_markup=ForceReply(selective=True, input_field_placeholder="修改后的回复"),
        )
        return await self.edits.begin(card, actor, chat.id, user.id, prompt.message_id)

    async def confirm(self, update: Update, card: CardRef, actor: Actor) -> Outcome:
        chat, user, query = update.effective_chat, update.effective_user, update.callback_query
        if chat is None or user is None:
            return Outcome(False, "没有待确认的修改，可能已超时。")
        pressed = query.message.message_id if query and query.message else None
        outcome = await self.front.desk.confirm_edit(card, actor, chat.id, user.id, pressed)
        if outcome.ok:
            await self._retire(update, f"✅ 已确认：{outcome.message}")
        elif pressed is not None and await self.edits.preview_of(chat.id, user.id) != pressed:
            await self._retire(update, "⌛ 这个预览已失效，不会发布。")
        return outcome

    async def cancel(self, update: Update) -> Outcome:
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return Outcome(False, "没有正在进行的修改。")
        shown = await self.edits.shown(chat.id, user.id)
        outcome = await self.edits.cancel(chat.id, user.id)
        if outcome.ok and shown is not None and shown[1] is not None:
            if shown[0] == "awaiting_confirm":
                await self._retire(update, "✖ 已取消，这一版不会发布。", shown[1])
            else:  # cancelled before any text: the prompt goes
                await self._remove_prompt(chat.id, shown[1])
        return outcome

    async def _retire(self, update: Update, note: str, message_id: int | None = None) -> None:
        """A preview that can no longer confirm: its text stays (to copy from), its
        buttons go, and a line says what became of it."""
        query, chat = update.callback_query, update.effective_chat
        shown = query.message if query is not None and query.message is not None else None
        if message_id is None and shown is not None:
            message_id = shown.message_id
        if chat is None or message_id is None:
            return
        text = getattr(shown, "text", None) if shown and shown.message_id == message_id else None
        held = (text or "").split("\n确认发布吗？")[0] or "修改后的回复"
        try:
            await self.front.bot.edit_message_text(
                f"{render.escape(clip_utf16(held, 3000))}\n{note}",
                chat_id=chat.id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
            )
        except TelegramError as exc:
            log.info("could not retire an edit preview: %s", exc)

    async def _remove_prompt(self, chat_id: int, prompt_id: int) -> None:
        """The prompt was answered: its reply box must not keep opening."""
        try:
            await self.front.bot.delete_message(chat_id, prompt_id)
        except TelegramError as exc:
            log.info("could not remove an answered edit prompt: %s", exc)

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The text of an edit in progress. Sent while an earlier text waits for its confirm,
        it replaces that one: checked again, previewed again, and only the newest preview's
        ✅ posts (an older preview cannot confirm a text it does not show)."""
        message, chat, user = update.effective_message, update.effective_chat, update.effective_user
        actor = self.front.actor(update)
        if message is None or actor is None or not message.text or chat is None or user is None:
            return  # ordinary group chatter, or someone the bot does not serve
        answered = message.reply_to_message
        if answered is not None and (
            answered.from_user is None or answered.from_user.id != self.front.bot.id
        ):
            return  # a reply to a colleague is conversation, not an edit
        reply = await self.edits.text(actor, chat.id, user.id, message.text)
        if reply.step == "ignored":
            return
        if reply.step != "held":
            await message.reply_text(reply.message)
            return
        shown = render.escape(clip_utf16(reply.text, 3000))
        preview = await message.reply_text(
            f"修改后的回复：\n<blockquote>{shown}</blockquote>\n"
            "确认发布吗？（确认前卡片上的草稿不变；还想改的话，回复本消息发送新的完整回复）",
            parse_mode=ParseMode.HTML,
            reply_markup=render.confirm_keyboard(reply.token),
        )
        await self.edits.previewed(reply, preview.message_id)
        if reply.prompt is not None:
            await self._remove_prompt(chat.id, reply.prompt)
        if reply.replaced_text is not None and reply.replaced_preview is not None:
            replaced = render.escape(clip_utf16(reply.replaced_text, 3000))
            try:  # the replaced preview keeps its text (to copy from) but loses its buttons
                await self.front.bot.edit_message_text(
                    "↪️ 这一版已被你后来发送的修改替换，不会发布（见下方新的预览）：\n"
                    f"<blockquote>{replaced}</blockquote>",
                    chat_id=preview.chat_id,
                    message_id=reply.replaced_preview,
                    parse_mode=ParseMode.HTML,
                )
            except TelegramError as exc:
                log.info("could not retire a replaced edit preview: %s", exc)

    async def expire(self) -> int:
        """Close edits nobody finished, and say so in the chat they were started in."""
        if not self.started():
            return 0  # they expire once the bot is up and can say so
        expired = await self.edits.expire()
        for chat_id, prompt_id in expired:
            try:
                await self.front.bot.send_message(
                    chat_id,
                    "⌛ 一个修改已超时，没有发布，草稿没有变化。",
                    reply_to_message_id=prompt_id,
                )
            except TelegramError as exc:
                log.info("could not announce an expired edit: %s", exc)
        return len(expired)
