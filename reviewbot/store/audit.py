"""The audit log: who did what, when, to which review — staff and system alike."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.store.schema import AuditEntry
from reviewbot.vocab import AUDIT_ACTIONS, AuditAction

SYSTEM = "system"


def record(
    session: AsyncSession,
    at: datetime,
    action: AuditAction,
    *,
    actor: str = SYSTEM,
    store_id: str | None = None,
    review_id: int | None = None,
    **details: Any,
) -> None:
    """Add an audit entry to the session's transaction (it commits with the change)."""
    values = entry(at, action, actor=actor, store_id=store_id, review_id=review_id, **details)
    session.add(AuditEntry(**values))


def entry(
    at: datetime,
    action: AuditAction,
    *,
    actor: str = SYSTEM,
    store_id: str | None = None,
    review_id: int | None = None,
    **details: Any,
) -> dict[str, Any]:
    """An audit row's values, for inserting thousands at once (an import's new reviews)."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"not an audit action (reviewbot/vocab.py): {action!r}")
    return {
        "at": at,
        "actor": actor,
        "action": action,
        "store_id": store_id,
        "review_id": review_id,
        "details": details,
    }
