"""Sending and redrawing alert cards and notices through the Telegram Bot API.

Telegram's failures are translated for the outbox: flood control (429 with retry_after),
5xx and network errors are retried later, in order; a request Telegram will never accept
(a chat the bot was removed from, malformed markup) is reported and not retried forever.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
from telegram import Bot, InputFile
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from reviewbot.chat.base import DeliveryError
from reviewbot.chat.notices import Notice
from reviewbot.chat.pictures import Picture
from reviewbot.chat.telegram.cases import outcome_keyboard
from reviewbot.chat.telegram.render import alert_html, alert_keyboard, escape
from reviewbot.chat.telegram.thanks import batch_html
from reviewbot.text import clip_utf16, utf16_len
from reviewbot.workflow.cards import AlertView
from reviewbot.workflow.directory import Directory
from reviewbot.workflow.thanks import View as BatchView

log = logging.getLogger(__name__)

NOTICE_ICONS = {"info": "ℹ️", "warning": "⚠️", "critical": "🚨"}
CAPTION_LIMIT = 1024  # characters (UTF-16 code units) a photo caption may have
TEXT_LIMIT = 4096


def chunks(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """`text` in messages of at most `limit`, cut between lines (an overlong line is clipped)."""
    out: list[str] = []
    current = ""
    for line in text.splitlines():
        line = clip_utf16(line, limit)
        candidate = f"{current}\n{line}" if current else line
        if utf16_len(candidate) > limit:
            out.append(current)
            candidate = line
        current = candidate
    if current.strip():
        out.append(current)
    return out


def split_caption(caption: str, text: str | None) -> tuple[str, list[str]]:
    """The photo's caption, and the messages that must follow it: everything goes in the
    caption when it fits, otherwise the text follows as messages of its own."""
    combined = f"{caption}\n\n{text}" if text else caption
    if utf16_len(combined) <= CAPTION_LIMIT:
        return combined, []
    if utf16_len(caption) > CAPTION_LIMIT:  # the caption itself too long: repeat it in full
        return clip_utf16(caption, CAPTION_LIMIT), chunks(combined)
    return caption, chunks(text or "")


def seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def delivery_error(exc: TelegramError) -> DeliveryError:
    """The outbox's view of a Telegram failure."""
    if isinstance(exc, RetryAfter):
        return DeliveryError(f"telegram flood control: {exc}", retry_after=seconds(exc.retry_after))
    if isinstance(exc, ChatMigrated):
        return DeliveryError(
            f"the chat became a supergroup; set telegram_chat_id = {exc.new_chat_id} in the config",
            retryable=False,
        )
    if isinstance(exc, Forbidden):
        return DeliveryError(
            f"telegram refused (is the bot still in the chat?): {exc}", retryable=False
        )
    if isinstance(exc, BadRequest):
        return DeliveryError(f"telegram rejected the request: {exc}", retryable=False)
    return DeliveryError(
        f"telegram unavailable: {type(exc).__name__}: {exc}", maybe_delivered=sent_unanswered(exc)
    )


def sent_unanswered(exc: TelegramError) -> bool:
    """A timeout waiting for the answer to a request that went out: Telegram may have
    taken it (the card may be in the chat). Not a connect or pool timeout: that request
    never left."""
    if not isinstance(exc, TimedOut):
        return False
    return not isinstance(exc.__cause__, httpx.ConnectTimeout | httpx.PoolTimeout)


def not_modified(exc: BadRequest) -> bool:
    return "message is not modified" in str(exc).lower()


def gone(exc: BadRequest) -> bool:
    text = str(exc).lower()
    return "message to edit not found" in text or "message can't be edited" in text


class TelegramNotifier:
    name = "telegram"

    def __init__(
        self, bot: Bot, directory: Directory, ready: Callable[[], bool] = lambda: True
    ) -> None:
        self.bot = bot
        self.directory = directory
        self.ready = ready

    def _check_ready(self) -> None:
        """Until the bot has started (Telegram was out of reach), everything waits."""
        if not self.ready():
            raise DeliveryError("the telegram bot has not started yet (Telegram out of reach)")

    async def send_alert(self, alert: AlertView) -> dict[str, Any]:
        self._check_ready()
        chat_id = self.directory.staff_chat(alert.store_id)
        if chat_id is None:
            raise DeliveryError(f"store {alert.store_id} has no telegram_chat_id", retryable=False)
        try:
            message = await self.bot.send_message(
                chat_id,
                alert_html(alert),
                parse_mode=ParseMode.HTML,
                reply_markup=alert_keyboard(alert),
                disable_web_page_preview=True,
            )
        except TelegramError as exc:
            raise delivery_error(exc) from exc
        return {"messages": [[message.chat_id, message.message_id]]}

    async def update_alert(self, alert: AlertView, ref: dict[str, Any]) -> dict[str, Any]:
        self._check_ready()
        kept = []
        for chat_id, message_id in ref.get("messages", []):
            try:
                await self.bot.edit_message_text(
                    alert_html(alert),
                    chat_id=chat_id,
                    message_id=message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=alert_keyboard(alert),
                    disable_web_page_preview=True,
                )
            except BadRequest as exc:
                if not_modified(exc):
                    pass
                elif gone(exc):
                    log.info("alert message %s/%s is gone; no longer redrawn", chat_id, message_id)
                    continue
                else:
                    raise delivery_error(exc) from exc
            except TelegramError as exc:
                raise delivery_error(exc) from exc
            kept.append([chat_id, message_id])
        return {**ref, "messages": kept}

    async def update_batch(self, batch: BatchView, ref: dict[str, Any]) -> dict[str, Any]:
        self._check_ready()
        try:
            await self.bot.edit_message_text(
                batch_html(batch),
                chat_id=ref["chat_id"],
                message_id=ref["message_id"],
                parse_mode=ParseMode.HTML,
                disable_web_page_preview=True,
            )
        except BadRequest as exc:
            if gone(exc):
                log.info("/thanks message %s is gone; no longer redrawn", ref)
            elif not not_modified(exc):
                raise delivery_error(exc) from exc
        except TelegramError as exc:
            raise delivery_error(exc) from exc
        return ref

    def _notice_chats(self, notice: Notice) -> list[int]:
        if notice.audience == "owner":
            chat = self.directory.owner_chat(notice.store_id)
        elif notice.audience == "manager":
            return self.directory.manager_chats(notice.store_id)
        else:
            chat = self.directory.staff_chat(notice.store_id)
        return [chat] if chat is not None else []

    async def send_notice(self, notice: Notice) -> dict[str, Any]:
        self._check_ready()
        chats = self._notice_chats(notice)
        if not chats:
            raise DeliveryError(f"store {notice.store_id} has no chat configured", retryable=False)
        header = f"{NOTICE_ICONS.get(notice.level, '')} {clip_utf16(notice.store_name, 64)}"
        body = clip_utf16(notice.text, TEXT_LIMIT - 96 - utf16_len(header))
        text = f"<b>{escape(header)}</b>\n{escape(body)}"
        if notice.review_ids:  # a tap on one shows the review's card here
            text += "\n查看并处理：" + " ".join(f"/review_{n}" for n in notice.review_ids[:10])
        # A follow-up reminder: the next call's result buttons, as under ☎️'s prompt.
        markup = outcome_keyboard(*notice.next_call) if notice.next_call else None
        sent = []
        for chat_id in chats:
            try:
                message = await self.bot.send_message(
                    chat_id,
                    text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    disable_web_page_preview=True,
                )
            except TelegramError as exc:
                if sent and isinstance(exc, Forbidden):  # one manager blocked the bot
                    log.warning("notice not delivered to %s: %s", chat_id, exc)
                    continue
                raise delivery_error(exc) from exc
            sent.append([message.chat_id, message.message_id])
        return {"messages": sent}

    async def send_image(self, picture: Picture) -> dict[str, Any]:
        self._check_ready()
        chat_id = (
            self.directory.owner_chat(picture.store_id)
            if picture.audience == "owner"
            else self.directory.staff_chat(picture.store_id)
        )
        if chat_id is None:
            raise DeliveryError(f"store {picture.store_id} has no chat configured", retryable=False)
        caption, following = split_caption(picture.caption, picture.text)
        sent = []
        try:
            message = await self.bot.send_photo(
                chat_id, InputFile(picture.image, filename=picture.filename), caption=caption
            )
            sent.append([message.chat_id, message.message_id])
            for text in following:
                message = await self.bot.send_message(chat_id, text, disable_web_page_preview=True)
                sent.append([message.chat_id, message.message_id])
        except TelegramError as exc:
            raise delivery_error(exc) from exc
        return {"messages": sent}
