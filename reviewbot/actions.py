"""Staff actions on a review, shared by every front end (chat, CLI).

Each action is one transaction that records the decision, queues its effect in the outbox
and audits it; repeating an action (a double tap, a retried request) changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.store import audit, outbox
from reviewbot.store.schema import Draft, Review


@dataclass(frozen=True, slots=True)
class ApproveResult:
    draft_id: int
    queued: bool
    already_by: str | None = None


async def approve_draft(
    session: AsyncSession, draft_id: int, actor: str, now: datetime, *, text: str | None = None
) -> ApproveResult:
    """Approve a draft (optionally with edited text) and queue it for posting, once per review."""
    draft = await session.get(Draft, draft_id, with_for_update=True)
    if draft is None:
        raise LookupError(f"draft {draft_id} does not exist")
    review = await session.get(Review, draft.review_id, with_for_update=True)
    assert review is not None
    decided = await session.scalar(
        select(Draft).where(Draft.review_id == review.id, Draft.status.in_(("approved", "posted")))
    )
    if decided is not None:
        return ApproveResult(decided.id, queued=False, already_by=decided.decided_by)
    before = draft.text
    if text is not None and text != draft.text:
        draft.text = text
    draft.status = "approved"
    draft.decided_by = actor
    draft.decided_at = now
    await outbox.enqueue(
        session,
        kind="reply",
        destination=f"{review.platform}:{review.account}",
        ref_id=draft.id,
        dedupe_key=f"reply:{draft.id}",
        now=now,
        payload={"text": draft.text},
    )
    audit.record(
        session,
        now,
        "draft.approved",
        actor=actor,
        store_id=review.store_id,
        review_id=review.id,
        draft_id=draft.id,
        before=before,
        after=draft.text,
    )
    return ApproveResult(draft.id, queued=True)
