"""After ☎️: how the call went, what was agreed, and a follow-up reminder, in Telegram.

A press of ☎️ that records the contact sends a message under the card asking for the
call's outcome (接通了 / 没接 / 号码不对); once reached, what was agreed in private; then a
follow-up reminder a few days on (the days are `[cases] follow_up_days`). The message is
rewritten at each step. Its buttons carry the card's opaque token and a code
(`cs:<token>:<code>`; an outcome's also the calls recorded when it was drawn,
`cs:<token>:<code>:<calls>`, so a double tap or a stale copy records its call once),
routed each to its own handler; who may press them is decided as for
the card's own buttons, and what a press does is `workflow/cases.py`'s.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from reviewbot.chat.telegram.access import Front
from reviewbot.vocab import Agreement, ContactOutcome
from reviewbot.workflow.actions import Actor, Outcome
from reviewbot.workflow.cards import CardRef
from reviewbot.workflow.cases import AGREEMENT_NAMES, OUTCOME_NAMES, CaseView

log = logging.getLogger(__name__)

PREFIX = "cs"
OUTCOMES: dict[str, ContactOutcome] = {"h": "reached", "n": "no_answer", "w": "wrong_number"}
AGREEMENTS: dict[str, Agreement] = {"o": "apology_only", "v": "remedy_offered", "f": "refused"}
OUTCOME_LABELS = {"h": "✅ 接通了", "n": "📵 没接", "w": "❌ 号码不对"}
AGREEMENT_LABELS = {"o": "🙏 只道歉", "v": "🎁 给了补偿", "f": "🙅 顾客不接受"}
NO_FOLLOW_UP = "d0"
Press = Callable[[Update, CardRef, Actor], Awaitable[Outcome]]


def callback_data(token: str, code: str) -> str:
    return f"{PREFIX}:{token}:{code}"


def pattern(code: str) -> re.Pattern[str]:
    """A button's data; an outcome's may end with the calls seen (`:<n>`)."""
    return re.compile(rf"^{PREFIX}:([A-Za-z0-9_-]+):{code}(?::(\d{{1,6}}))?$")


def _token(data: str | None) -> str:
    parts = (data or "").split(":")
    return parts[1] if len(parts) in (3, 4) else ""


def _seen(data: str | None) -> int | None:
    """The calls recorded when an outcome button was drawn (None: a button drawn before
    its data carried them)."""
    parts = (data or "").split(":")
    return int(parts[3]) if len(parts) == 4 and parts[3].isdigit() else None


def outcome_keyboard(token: str, calls: int) -> InlineKeyboardMarkup:
    """The outcome buttons of the next call on a card, `calls` being those recorded so far
    (under ☎️'s prompt and on a follow-up reminder alike)."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(label, callback_data=callback_data(token, f"{code}:{calls}"))
                for code, label in OUTCOME_LABELS.items()
            ]
        ]
    )


def _calls(case: CaseView | None) -> int:
    return case.attempts if case is not None else 0


def case_lines(review_id: int, case: CaseView | None, zone: ZoneInfo) -> list[str]:
    """The case so far, as the prompt message shows it."""
    lines = [f"☎️ 评价 #{review_id} 的顾客回访记录"]
    if case is None:
        return lines
    if case.outcome:
        tries = f"（第 {case.attempts} 次联系）" if case.attempts > 1 else ""
        lines.append(f"联系结果：{OUTCOME_NAMES[case.outcome]}{tries} · {case.outcome_by or ''}")
    if case.agreement:
        lines.append(f"私下商定：{AGREEMENT_NAMES[case.agreement]} · {case.agreement_by or ''}")
    if case.follow_up_at:
        lines.append(f"⏰ 回访提醒：{case.follow_up_at.astimezone(zone):%m-%d %H:%M}")
    return lines


class CaseFlow:
    def __init__(self, front: Front) -> None:
        self.front = front
        self.days = list(front.settings.cases.follow_up_days)

    def handlers(self) -> list[BaseHandler]:
        """One handler per kind of button (before the cards' catch-all)."""
        routes: list[tuple[str, Press]] = [
            *((code, self._outcome(o)) for code, o in OUTCOMES.items()),
            *((code, self._agreement(a)) for code, a in AGREEMENTS.items()),
            (r"d(\d{1,2})", self._follow_up),
        ]
        return [CallbackQueryHandler(self._card(press), pattern=pattern(c)) for c, press in routes]

    # -- the prompt ---------------------------------------------------------------------

    def _keyboard(self, token: str, rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(label, callback_data=callback_data(token, c))
                    for label, c in row
                ]
                for row in rows
            ]
        )

    def _follow_up_row(self, *, again: bool = False) -> list[tuple[str, str]]:
        verb = "再打" if again else "回访"
        return [(f"⏰ {d}天后{verb}", f"d{d}") for d in self.days] + [("不用了", NO_FOLLOW_UP)]

    async def ask_outcome(self, update: Update, card: CardRef) -> None:
        """Under the card: how did the call go?"""
        query = update.callback_query
        if query is None or query.message is None:
            return
        zone = self.front.desk.zone(card.store_id)
        case = await self.front.desk.cases.case(card.review_id)
        text = "\n".join([*case_lines(card.review_id, case, zone), "电话结果如何？"])
        try:
            await self.front.bot.send_message(
                query.message.chat.id,
                text,
                reply_markup=outcome_keyboard(card.token, _calls(case)),
                reply_to_message_id=query.message.message_id,
            )
        except TelegramError as exc:  # the contact is recorded; the card still has ☎️
            log.warning("could not ask for a call's outcome: %s", exc)

    async def _show(
        self, update: Update, card: CardRef, question: str, rows: list[list[tuple[str, str]]]
    ) -> None:
        """Rewrite the pressed prompt: the case so far, the next question, its buttons."""
        query = update.callback_query
        if query is None or query.message is None:
            return
        zone = self.front.desk.zone(card.store_id)
        case = await self.front.desk.cases.case(card.review_id)
        lines = case_lines(card.review_id, case, zone) + ([question] if question else [])
        markup = self._keyboard(card.token, rows) if rows else None
        try:
            await query.edit_message_text("\n".join(lines), reply_markup=markup)
        except TelegramError as exc:
            log.info("could not update a call's prompt: %s", exc)

    # -- the presses --------------------------------------------------------------------

    def _card(self, press: Press) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]:
        """Find the card the prompt belongs to and check the presser may act on it here."""

        async def handle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            query = update.callback_query
            assert query is not None
            actor = self.front.actor(update)
            card = await self.front.desk.card(_token(query.data))
            chat_id = query.message.chat.id if query.message is not None else None
            if card is None:
                if actor is None:
                    await self.front.refuse(update, f"button {query.data!r}")
                else:
                    await query.answer("这个按钮已失效。", show_alert=True)
                return
            if actor is None or not self.front.desk.access.card_allowed(
                actor, card.store_id, chat_id
            ):
                await self.front.refuse(update, f"case button {query.data!r}", card)
                return
            outcome = await press(update, card, actor)
            await query.answer(outcome.message[:190], show_alert=not outcome.ok)
            if outcome.changed:
                code = (query.data or "").rsplit(":", 1)[-1]
                await self.front.desk.redraw(card.review_id, f"button:case:{code}")

        return handle

    def _outcome(self, outcome: ContactOutcome) -> Press:
        async def press(update: Update, card: CardRef, actor: Actor) -> Outcome:
            query = update.callback_query
            seen = _seen(query.data if query is not None else None)
            cases = self.front.desk.cases
            done = await cases.record_outcome(actor, card.review_id, outcome, seen=seen)
            if not done.ok:
                return done
            if outcome == "reached":
                rows = [[(label, code) for code, label in AGREEMENT_LABELS.items()]]
                await self._show(update, card, "私下商定了什么？", rows)
            elif outcome == "no_answer":
                calls = _calls(await cases.case(card.review_id))
                rows = [self._follow_up_row(again=True), [("✅ 后来接通了", f"h:{calls}")]]
                await self._show(update, card, "要提醒再打一次吗？", rows)
            else:
                await self._show(update, card, "号码不对：可在平台商家后台给顾客留言。", [])
            return done

        return press

    def _agreement(self, agreement: Agreement) -> Press:
        async def press(update: Update, card: CardRef, actor: Actor) -> Outcome:
            done = await self.front.desk.cases.record_agreement(actor, card.review_id, agreement)
            if done.ok:
                await self._show(update, card, "需要回访提醒吗？", [self._follow_up_row()])
            return done

        return press

    async def _follow_up(self, update: Update, card: CardRef, actor: Actor) -> Outcome:
        query = update.callback_query
        assert query is not None
        match = pattern(r"d(\d{1,2})").match(query.data or "")
        days = int(match.group(2)) if match else 0
        if days and days not in self.days:
            return Outcome(False, "这个按钮已失效。")
        done = await self.front.desk.cases.follow_up_in(actor, card.review_id, days or None)
        if done.ok:
            await self._show(update, card, "" if days else "不需要回访。", [])
        return done
