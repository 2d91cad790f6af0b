"""A review that changes after it was answered: a customer's 追评, or an edit, is a new
complaint, and nobody must think it settled because the first one was.

It gets a new speed window (`Review.window_round`, with its own escalation ladder) that
starts when we see the change, and the customer is to be contacted again. Where the
platform lets a new reply replace the published one (Google), the review is open again
for a reply; where a review takes one reply only (Meituan, Ele.me, or a reply posted by
hand), it stays answered and staff are asked to reach the customer in private.

A review that changes while an approved reply waits to be posted is a new complaint too:
the reply was written for words the customer no longer shows (a 感谢好评 under an edit
that now says 食物中毒), so it is withdrawn, not posted, and the review opens again with
a speed window of its own (`withdraw_stale_reply`). The approval stays in the audit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.store import audit
from reviewbot.store.schema import Draft, Review

ANSWERED_STATES = ("replied", "replied_manually", "replied_elsewhere")


async def answered_revision(session: AsyncSession, review: Review) -> int | None:
    """The revision of the review its latest published reply answered (None: no reply)."""
    return await session.scalar(
        select(func.max(Draft.revision)).where(
            Draft.review_id == review.id, Draft.status == "posted"
        )
    )


async def changed_since_answer(session: AsyncSession, review: Review) -> bool:
    """Whether the review, answered, has changed since its reply was written."""
    if review.status not in ANSWERED_STATES:
        return False
    answered = await answered_revision(session, review)
    return answered is not None and answered < review.revision


async def is_known_reply(session: AsyncSession, review: Review, text: str) -> bool:
    """Whether `text`, read as the review's reply on the platform, is one we already know
    (ours, or one read before): then nobody answered anew in the platform's app."""
    wanted = " ".join(text.split())
    known = await session.scalars(
        select(Draft.text).where(Draft.review_id == review.id, Draft.status == "posted")
    )
    return any(" ".join(t.split()) == wanted for t in known)


def answer_again(
    session: AsyncSession, review: Review, now: datetime, *, can_replace: bool
) -> None:
    """Start the review's next speed window (call in the transaction that alerts on it)."""
    before = review.status
    review.window_round += 1
    review.alerted_seen_at = None  # the alert about this revision sets it
    review.contacted_at = None
    review.contacted_by = None
    review.snoozed_until = None
    if can_replace:
        review.status = "open"
        review.handled_by = None
        review.handled_at = None
    audit.record(
        session,
        now,
        "review.answer_again",
        store_id=review.store_id,
        review_id=review.id,
        revision=review.revision,
        round=review.window_round,
        before=before,
        after=review.status,
    )


async def withdraw_stale_reply(
    session: AsyncSession, review: Review, now: datetime
) -> Draft | None:
    """Withdraw the approved, not yet posted reply written for an earlier revision of the
    review, and open the review again for its new words (a new speed window, like
    `answer_again` where a reply can still be given). Returns the withdrawn draft (None:
    nothing waits, or what waits answers the current revision). Posting a reply that is
    already on its way is refused by the outbox on the same grounds (jobs/deliveries.py)."""
    draft = await session.scalar(
        select(Draft)
        .where(
            Draft.review_id == review.id,
            Draft.status == "approved",
            Draft.revision < review.revision,
        )
        .order_by(Draft.id.desc())
        .limit(1)
    )
    if draft is None:
        return None
    draft.status = "superseded"
    audit.record(
        session,
        now,
        "reply.withdrawn",
        store_id=review.store_id,
        review_id=review.id,
        draft_id=draft.id,
        approved_by=review.handled_by if review.status == "approved" else draft.decided_by,
        approved_at=draft.decided_at.isoformat() if draft.decided_at else None,
        draft_revision=draft.revision,
        revision=review.revision,
    )
    if review.status == "approved":
        answer_again(session, review, now, can_replace=True)
    return draft
