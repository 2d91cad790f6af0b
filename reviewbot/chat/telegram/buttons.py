"""The buttons of a review's card, each routed to its own small handler where it is
registered (`CallbackQueryHandler(pattern=…)`): the data is `rb:<token>:<code>`, an opaque
token of the card and one letter for the button, and the workflow does the rest.

🙈 closes a review for good, so it asks first (a message under the card with its own
confirm and keep buttons), and the ignore can be taken back for a short while (↩️)."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from reviewbot.chat.telegram import render
from reviewbot.chat.telegram.access import Front
from reviewbot.chat.telegram.cases import CaseFlow
from reviewbot.chat.telegram.edits import EditConversation
from reviewbot.workflow.actions import UNDO_IGNORE, Actor, Outcome
from reviewbot.workflow.cards import CardRef
from reviewbot.workflow.desk import CardAction

ACTIONS: dict[str, CardAction] = {
    render.REGENERATE: "regenerate",
    render.SNOOZE: "snooze",
    render.ASK_MANAGER: "ask_manager",
    render.NOT_MALICIOUS: "not_malicious",
}
Press = Callable[[Update, CardRef, Actor], Awaitable[Outcome]]
log = logging.getLogger(__name__)


def pattern(code: str) -> re.Pattern[str]:
    return re.compile(rf"^{render.CALLBACK_PREFIX}:[A-Za-z0-9_-]+:{re.escape(code)}(:\d+)?$")


class CardButtons:
    def __init__(self, front: Front, edits: EditConversation, cases: CaseFlow) -> None:
        self.front = front
        self.edits = edits
        self.cases = cases

    def handlers(self) -> list[BaseHandler]:
        """One handler per button; anything else that looks like a card's button is
        answered too (every press is), by `unknown`."""
        routes: dict[str, Press] = {code: self._action(action) for code, action in ACTIONS.items()}
        routes[render.APPROVE] = self._approve
        routes[render.REGENERATE] = self._regenerate
        routes[render.CONTACTED] = self._contacted
        routes[render.EDIT] = self.edits.start
        routes[render.CONFIRM] = self.edits.confirm
        routes[render.CANCEL] = self._cancel
        routes[render.MALICIOUS] = self._malicious
        routes[render.IGNORE] = self._ask_ignore
        routes[render.IGNORE_CONFIRM] = self._ignore
        routes[render.IGNORE_KEEP] = self._keep
        routes[render.IGNORE_UNDO] = self._undo_ignore
        # Updates are handled one at a time, in order; 🔁 alone runs beside them, since
        # with AI drafting it waits for the model (up to its timeout): a colleague's ✅
        # meanwhile is handled at once (the workflow then drops the late draft).
        return [
            *(
                CallbackQueryHandler(
                    self._card(press), pattern=pattern(c), block=c != render.REGENERATE
                )
                for c, press in routes.items()
            ),
            CallbackQueryHandler(self.unknown),
        ]

    def _card(self, press: Press) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]:
        """Find the card and check the presser may act on it here, then `press`."""

        async def handle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            query = update.callback_query
            assert query is not None
            token, code = render.parse_callback(query.data) or ("", "")
            actor = self.front.actor(update)
            card = await self.front.desk.card(token)
            if card is None:
                if actor is None:
                    await self.front.refuse(update, f"button {query.data!r}")
                else:
                    await query.answer("这个按钮已失效。", show_alert=True)
                return
            chat_id = query.message.chat.id if query.message is not None else None
            if actor is None or not self.front.desk.access.card_allowed(
                actor, card.store_id, chat_id
            ):
                await self.front.refuse(update, f"button {code}", card)
                return
            outcome = await press(update, card, actor)
            await query.answer(outcome.message[:190], show_alert=not outcome.ok)

        return handle

    def _action(self, action: CardAction) -> Press:
        async def press(update: Update, card: CardRef, actor: Actor) -> Outcome:
            return await self.front.desk.act(action, card, actor)

        return press

    async def _approve(self, update: Update, card: CardRef, actor: Actor) -> Outcome:
        """✅ posts the draft the card showed when pressed, never one that replaced it."""
        query = update.callback_query
        shown = render.shown_draft(query.data if query is not None else None)
        return await self.front.desk.act("approve", card, actor, draft_id=shown)

    async def _regenerate(self, update: Update, card: CardRef, actor: Actor) -> Outcome:
        # An abandoned edit must not hold the draft: close expired ones (and say so)
        # before the redraw looks for edits in progress.
        await self.edits.expire()
        return await self.front.desk.act("regenerate", card, actor)

    async def _contacted(self, update: Update, card: CardRef, actor: Actor) -> Outcome:
        """☎️ records the contact, then asks under the card how the call went."""
        outcome = await self.front.desk.act("contacted", card, actor)
        if outcome.ok:
            await self.cases.ask_outcome(update, card)
        return outcome

    async def _cancel(self, update: Update, card: CardRef, actor: Actor) -> Outcome:
        return await self.edits.cancel(update)

    async def _malicious(self, update: Update, card: CardRef, actor: Actor) -> Outcome:
        """🚩 starts an appeal: its text and checklist go to the chat as a message that
        stays (a pop-up vanishes and holds 200 characters)."""
        outcome = await self.front.desk.act("malicious", card, actor)
        query = update.callback_query
        sheet = await self.front.desk.appeal(card.review_id) if outcome.ok else None
        if sheet is not None and query is not None and query.message is not None:
            await self.front.bot.send_message(
                query.message.chat.id,
                render.appeal_html(sheet),
                parse_mode=ParseMode.HTML,
                reply_to_message_id=query.message.message_id,
            )
        return outcome

    async def _ask_ignore(self, update: Update, card: CardRef, actor: Actor) -> Outcome:
        """🙈 sits next to 🚩 on a phone: ask before closing the review for good."""
        query = update.callback_query
        assert query is not None and query.message is not None
        seconds = int(UNDO_IGNORE.total_seconds())
        await self.front.bot.send_message(
            query.message.chat.id,
            f"🙈 确定忽略评价 #{card.review_id} 吗？"
            f"忽略后不会回复顾客（确认后 {seconds} 秒内可撤销）。",
            reply_markup=render.ignore_ask_keyboard(card.token),
            reply_to_message_id=query.message.message_id,
        )
        return Outcome(True, "请在下方确认是否忽略。")

    async def _ignore(self, update: Update, card: CardRef, actor: Actor) -> Outcome:
        outcome = await self.front.desk.act("ignore", card, actor)
        if outcome.ok:
            seconds = int(UNDO_IGNORE.total_seconds())
            await self._say(
                update,
                f"🙈 {actor.name} 忽略了评价 #{card.review_id}。{seconds} 秒内可撤销，之后生效。",
                render.ignore_undo_keyboard(card.token),
            )
        else:
            await self._say(update, f"🙈 评价 #{card.review_id}：{outcome.message}")
        return outcome

    async def _keep(self, update: Update, card: CardRef, actor: Actor) -> Outcome:
        await self._say(update, f"评价 #{card.review_id} 没有忽略，仍待处理。")
        return Outcome(True, "好的，不忽略。")

    async def _undo_ignore(self, update: Update, card: CardRef, actor: Actor) -> Outcome:
        outcome = await self.front.desk.act("undo_ignore", card, actor)
        if outcome.ok:
            await self._say(
                update, f"↩️ {actor.name} 撤销了忽略，评价 #{card.review_id} 重新待处理。"
            )
        elif outcome.code == "handled":  # the undo window has passed: the ignore is final
            await self._say(update, f"🙈 评价 #{card.review_id} 已忽略（已超过撤销时限）。")
        return outcome

    async def _say(
        self, update: Update, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> None:
        """Rewrite the pressed ignore message (its buttons replaced or gone)."""
        query = update.callback_query
        if query is None or query.message is None:
            return
        try:
            await query.edit_message_text(text, reply_markup=markup)
        except TelegramError as exc:
            log.info("could not update an ignore message: %s", exc)

    async def unknown(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        if self.front.actor(update) is None:
            await self.front.refuse(update, f"button {query.data!r}")
        else:
            await query.answer("无法识别的按钮。")
