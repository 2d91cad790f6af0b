"""Follow-up reminders of customer cases: when a case's follow-up date comes, the store's
staff chat is told whom to call back.

At least once and never twice: the reminder's outbox message (unique dedupe key per case
and date) and the case's `follow_up_reminded` flag are written in one transaction, with the
case row locked (another replica skips it), so a restart or a second replica finds it
already reminded; the outbox then delivers it at least once.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.clock import Clock
from reviewbot.store import audit
from reviewbot.store.alerts import queue_notice
from reviewbot.store.cases import due_follow_ups
from reviewbot.store.db import SessionFactory
from reviewbot.store.schema import Alert, CustomerCase, Review
from reviewbot.workflow.cases import AGREEMENT_NAMES, OUTCOME_NAMES

log = logging.getLogger(__name__)


def reminder_text(case: CustomerCase, review: Review | None) -> str:
    """What staff read: which customer, what happened so far, what to do."""
    snippet = ((review.text if review else None) or "（只有评分）").replace("\n", " ")
    snippet = snippet if len(snippet) <= 30 else snippet[:30] + "…"
    said = []
    if case.outcome:
        said.append(f"上次联系：{OUTCOME_NAMES[case.outcome]}")
    if case.agreement:
        said.append(f"商定：{AGREEMENT_NAMES[case.agreement]}")
    story = f"（{'，'.join(said)}）" if said else ""
    who = f"（由 {case.follow_up_by} 设置）" if case.follow_up_by else ""
    return (
        f"📞 回访提醒：差评 #{case.review_id}「{snippet}」的顾客今天该回访了{story}{who}。"
        "回访后请记录这次联系的结果。"
    )


async def card_token(session: AsyncSession, review_id: int) -> str | None:
    """The token of the review's latest card (its buttons act on the review), if any."""
    return await session.scalar(
        select(Alert.token)
        .where(Alert.review_id == review_id, Alert.token.is_not(None))
        .order_by(Alert.id.desc())
        .limit(1)
    )


class FollowUps:
    def __init__(self, sessions: SessionFactory, clock: Clock) -> None:
        self.sessions = sessions
        self.clock = clock

    async def run_once(self) -> int:
        """Queue the reminders now due; returns how many were queued."""
        now = self.clock.now()
        queued = 0
        async with self.sessions() as session, session.begin():
            for case in await due_follow_ups(session, now):
                assert case.follow_up_at is not None
                review = await session.get(Review, case.review_id)
                # The reminder offers the next call's result buttons, drawn at the calls
                # recorded now, so a double tap or a later copy records that call once.
                token = await card_token(session, case.review_id)
                fresh = await queue_notice(
                    session,
                    store_id=case.store_id,
                    now=now,
                    dedupe_key=f"case-follow-up:{case.id}:{case.follow_up_at.isoformat()}",
                    level="info",
                    audience="staff",
                    text=reminder_text(case, review),
                    review_id=case.review_id,
                    next_call=(token, case.attempts) if token else None,
                )
                case.follow_up_reminded = True
                audit.record(
                    session,
                    now,
                    "case.follow_up_reminded",
                    store_id=case.store_id,
                    review_id=case.review_id,
                    case_id=case.id,
                    due=case.follow_up_at.isoformat(),
                    queued=fresh,
                )
                queued += int(fresh)
        return queued
