"""Per-account health, as `reviewbot sources` shows it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from reviewbot.store.db import SessionFactory
from reviewbot.store.outbox import ASKED_TO_WAIT
from reviewbot.store.schema import OutboxMessage, Review, Source

# Tries at analysing a review before the pipeline gives up and sends it to staff as is.
ANALYSIS_ATTEMPTS = 5

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
        rows = await session.execute(
            select(Review.source_id, func.count())
            .where(
                Review.needs_processing.is_(True),
                Review.process_attempts >= ANALYSIS_ATTEMPTS,
            )
            .group_by(Review.source_id)
        )
        unanalyzed = {source_id: count for source_id, count in rows}
        sources = (await session.scalars(select(Source).order_by(Source.store_id, Source.id))).all()
        return [
            {
                "store_id": s.store_id,
                "platform": s.platform,
                "account": s.account,
                "state": _state(s),
                "reviews": counts.get(s.id, 0),
                # reviews the analyzer gave up on (their staff were sent them as they are)
                "unanalyzed": unanalyzed.get(s.id, 0),
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


def _channel_state(error: str | None, pending: int) -> str:
    if error is None:
        return "ok" if not pending else "sending"
    if error.startswith(ASKED_TO_WAIT):  # "retry-after 300s: credentials_…: …"
        error = error.split(": ", 1)[-1]
    kind = error.split(":", 1)[0]
    if kind.startswith("credentials_"):
        return "bad_credentials"
    if kind.startswith("rate_limit_"):
        return "rate_limited"
    return "failing"


async def channel_health(sessions: SessionFactory) -> list[dict[str, Any]]:
    """Each group robot's queues: what waits, since when, the last error and the last
    message it delivered. A bad key or signature shows as `bad_credentials` with the
    setting to fix (the error names the setting, never its value)."""
    async with sessions() as session:
        rows = await session.execute(
            select(
                OutboxMessage.destination,
                OutboxMessage.status,
                func.count(),
                func.min(OutboxMessage.created_at),
                func.max(OutboxMessage.sent_at),
            )
            .where(OutboxMessage.kind == "robot")
            .group_by(OutboxMessage.destination, OutboxMessage.status)
        )
        channels: dict[str, dict[str, Any]] = {}
        for destination, status, count, oldest, last_sent in rows:
            key = destination.removeprefix("robot:").split("|", 1)[0]
            entry = channels.setdefault(
                key, {"channel": key, "pending": 0, "oldest_pending": None, "last_sent_at": None}
            )
            if status == "pending":
                entry["pending"] += count
                entry["oldest_pending"] = min(
                    (t for t in (oldest, entry["oldest_pending"]) if t), default=None
                )
            elif status == "sent":
                entry["last_sent_at"] = max(
                    (t for t in (last_sent, entry["last_sent_at"]) if t), default=None
                )
        errors = await session.execute(
            select(OutboxMessage.destination, OutboxMessage.last_error)
            .where(
                OutboxMessage.kind == "robot",
                OutboxMessage.status == "pending",
                OutboxMessage.last_error.is_not(None),
            )
            .order_by(OutboxMessage.id)
        )
        last_error: dict[str, str] = {}
        for destination, error in errors:
            last_error.setdefault(destination.removeprefix("robot:").split("|", 1)[0], error)
    out = []
    for key, entry in sorted(channels.items()):
        error = last_error.get(key)
        out.append(
            {
                **entry,
                "state": _channel_state(error, entry["pending"]),
                "last_error": error,
                "oldest_pending": _iso(entry["oldest_pending"]),
                "last_sent_at": _iso(entry["last_sent_at"]),
            }
        )
    return out


def _iso(when: Any) -> str | None:
    return when.isoformat(timespec="seconds") if when else None
