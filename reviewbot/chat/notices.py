"""Notices: system messages to a store's people, queued in the outbox like alerts.

Anything that is not an alert about one review goes this way: an account that needs
re-authorising, a platform that has been failing for hours, later crisis pages and digests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.store import audit, outbox

Level = Literal["info", "warning", "critical"]
Audience = Literal["owner", "manager", "staff"]


@dataclass(frozen=True, slots=True)
class Notice:
    store_id: str
    store_name: str
    text: str
    level: Level = "info"
    audience: Audience = "owner"


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
) -> bool:
    """Queue a notice (Simplified Chinese text) unless one with this key was queued before.

    Urgent notices have their own queue, so nothing held back (a mute) can delay them.
    """
    message = await outbox.enqueue(
        session,
        kind="notice",
        destination=outbox.chat_destination(store_id, urgent=urgent),
        ref_id=0,
        dedupe_key=f"notice:{dedupe_key}",
        now=now,
        payload={"store_id": store_id, "text": text, "level": level, "audience": audience},
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
