"""The audit log: who did what, when, to which review — staff and system alike."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.store.schema import AuditEntry

SYSTEM = "system"


def record(
    session: AsyncSession,
    at: datetime,
    action: str,
    *,
    actor: str = SYSTEM,
    store_id: str | None = None,
    review_id: int | None = None,
    **details: Any,
) -> None:
    """Add an audit entry to the session's transaction (it commits with the change)."""
    session.add(
        AuditEntry(
            at=at,
            actor=actor,
            action=action,
            store_id=store_id,
            review_id=review_id,
            details=details,
        )
    )
