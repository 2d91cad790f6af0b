"""Per-account health, as `reviewbot sources` shows it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from reviewbot.store.db import SessionFactory
from reviewbot.store.schema import Review, Source

# How the daemon marks an enabled account it did not start (`--skip-broken-sources`).
NOT_RUNNING = "not running: "


def _state(source: Source) -> str:
    if not source.enabled:
        return "disabled"
    if (source.last_error or "").startswith(NOT_RUNNING):
        return "skipped"
    if source.needs_reauth:
        return "reauth"
    if source.consecutive_errors:
        return "failing"
    if source.last_success_at is None:
        return "new" if source.last_error is None else "failing"
    return "ok"


async def source_health(sessions: SessionFactory) -> list[dict[str, Any]]:
    async with sessions() as session:
        rows = await session.execute(
            select(Review.source_id, func.count()).group_by(Review.source_id)
        )
        counts = {source_id: count for source_id, count in rows}
        sources = (await session.scalars(select(Source).order_by(Source.store_id, Source.id))).all()
        return [
            {
                "store_id": s.store_id,
                "platform": s.platform,
                "account": s.account,
                "state": _state(s),
                "reviews": counts.get(s.id, 0),
                "cursor": s.cursor,
                "last_success_at": s.last_success_at.isoformat(timespec="seconds")
                if s.last_success_at
                else None,
                "last_attempt_at": s.last_attempt_at.isoformat(timespec="seconds")
                if s.last_attempt_at
                else None,
                "needs_reauth": s.needs_reauth,
                "capabilities": s.capabilities,
                "consecutive_errors": s.consecutive_errors,
                "last_error": s.last_error,
                "next_poll_at": s.next_poll_at.isoformat(timespec="seconds")
                if s.next_poll_at
                else None,
            }
            for s in sources
        ]
