"""The one way an alert or a notice is created: its row and its outbox message in the
caller's transaction, audited, used by the pipeline, the jobs and every front end.

An alert is about one review (a card staff act on); a notice is any other message to a
store's people: an account that needs re-authorising, a platform failing for hours, later
crisis pages.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.store import audit, outbox
from reviewbot.store.schema import Alert, Review
from reviewbot.vocab import AlertKind, Audience, Level, NoticeTopic


async def create_alert(
    session: AsyncSession,
    review: Review,
    *,
    kind: AlertKind,
    now: datetime,
    draft_id: int | None = None,
    deliver: bool = True,
) -> Alert:
    """An alert row for the review's current revision with the opaque token its buttons
    carry; with `deliver`, its outbox message to the store's chat (critical ones on the
    urgent queue, which nothing holds back). Without it (a card someone asked for with
    /review), the caller shows the card itself."""
    alert = Alert(
        review_id=review.id,
        revision=review.revision,
        store_id=review.store_id,
        draft_id=draft_id,
        kind=kind,
        status="queued",
        created_at=now,
        message_ref={},
        token=secrets.token_urlsafe(12),
    )
    session.add(alert)
    await session.flush()
    if deliver:
        await outbox.enqueue(
            session,
            kind="alert",
            destination=outbox.chat_destination(review.store_id, urgent=kind == "critical"),
            ref_id=alert.id,
            dedupe_key=f"alert:{alert.id}",
            now=now,
        )
        audit.record(
            session,
            now,
            "alert.queued",
            store_id=review.store_id,
            review_id=review.id,
            alert_id=alert.id,
            kind=kind,
        )
    return alert


def _ids(review_id: int | None, review_ids: Sequence[int]) -> list[int]:
    return [review_id] if review_id is not None else list(review_ids)


async def queue_notice(
    session: AsyncSession,
    *,
    store_id: str,
    text: str,
    now: datetime,
    dedupe_key: str,
    level: Level = "info",
    audience: Audience = "owner",
    urgent: bool = False,
    topic: NoticeTopic = "escalation",
    review_id: int | None = None,
    review_ids: Sequence[int] = (),
    next_call: tuple[str, int] | None = None,
) -> bool:
    """Queue a notice (Simplified Chinese text) unless one with this key was queued before.

    Urgent notices have their own queue, so nothing held back (a mute) can delay them.
    `topic` says which channels want it (each channel's `send`). `review_id`: the review
    it is about (`review_ids`: the reviews a gathered notice lists); each front end adds its
    own way to open them (a command, a link, a card). `next_call`: a follow-up reminder's
    card token and calls recorded so far, for the next call's result buttons.
    """
    message = await outbox.enqueue(
        session,
        kind="notice",
        destination=outbox.chat_destination(store_id, urgent=urgent),
        ref_id=0,
        dedupe_key=f"notice:{dedupe_key}",
        now=now,
        payload={
            "store_id": store_id,
            "text": text,
            "level": level,
            "audience": audience,
            "topic": topic,
            **({"review_ids": ids} if (ids := _ids(review_id, review_ids)) else {}),
            **({"next_call": {"token": next_call[0], "calls": next_call[1]}} if next_call else {}),
        },
    )
    if message is not None:
        audit.record(
            session,
            now,
            "notice.queued",
            store_id=store_id,
            level=level,
            audience=audience,
            text=text,
        )
    return message is not None
