"""A review's whole history: what the customer wrote at each revision and every action on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from reviewbot.store.db import SessionFactory
from reviewbot.store.schema import AuditEntry, Review, ReviewRevision


@dataclass(frozen=True, slots=True)
class Event:
    at: datetime
    actor: str
    action: str
    details: dict[str, Any]


@dataclass(frozen=True, slots=True)
class History:
    review: Review
    revisions: list[ReviewRevision]
    events: list[Event]


async def review_history(sessions: SessionFactory, review_id: int) -> History | None:
    async with sessions() as session:
        review = await session.get(Review, review_id)
        if review is None:
            return None
        revisions = (
            await session.scalars(
                select(ReviewRevision)
                .where(ReviewRevision.review_id == review_id)
                .order_by(ReviewRevision.revision)
            )
        ).all()
        entries = (
            await session.scalars(
                select(AuditEntry)
                .where(AuditEntry.review_id == review_id)
                .order_by(AuditEntry.at, AuditEntry.id)
            )
        ).all()
    return History(
        review, list(revisions), [Event(e.at, e.actor, e.action, dict(e.details)) for e in entries]
    )


def format_history(history: History) -> str:
    r = history.review
    lines = [
        f"review #{r.id}  {r.platform}/{r.account}  external id {r.external_id}  "
        f"store {r.store_id}",
        f"status {r.status}"
        + (f" (by {r.handled_by} at {r.handled_at:%Y-%m-%d %H:%M:%S}Z)" if r.handled_at else ""),
    ]
    for rev in history.revisions:
        rating = "no rating" if rev.rating is None else f"{rev.rating:g}★"
        lines.append(f"revision {rev.revision} seen {rev.seen_at:%Y-%m-%d %H:%M:%S}Z  {rating}")
        lines.append(f"    {rev.text or '(no text)'}")
        if rev.follow_up:
            lines.append(f"    follow-up: {rev.follow_up}")
    lines.append("")
    for event in history.events:
        details = dict(event.details)
        before, after = details.pop("before", None), details.pop("after", None)
        for key in ("store_id", "review_id"):
            details.pop(key, None)
        extra = " ".join(f"{k}={v}" for k, v in details.items() if v not in (None, ""))
        when = f"{event.at:%Y-%m-%d %H:%M:%S}Z"
        lines.append(f"{when}  {event.actor:<20} {event.action:<20} {extra}")
        if before:
            lines.append(f"    before: {before}")
        if after:
            lines.append(f"    after:  {after}")
    return "\n".join(lines)
