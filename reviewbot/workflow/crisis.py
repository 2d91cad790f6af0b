"""Crisis mode as people see it: the names of its triggers, and the owner closing it with
what was done (the incident record stays). Opening one is the crisis detector's job."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.reporting.labels import CATEGORY
from reviewbot.store import audit
from reviewbot.store.alerts import queue_notice
from reviewbot.store.schema import Crisis

TRIGGER_NAMES = {
    "illness": "顾客反映食物中毒或身体不适",
    "rating_drop": "近一天平均评分明显下降",
    "repost": "同一条评价在多个平台出现",
}


def trigger_name(key: str) -> str:
    if key.startswith("spike:"):
        return f"{CATEGORY.get(key[6:], key[6:])}类差评一天内集中出现"
    return TRIGGER_NAMES.get(key, key)


async def close_crisis(
    session: AsyncSession,
    store_ids: list[str],
    actor_id: str,
    actor_name: str,
    summary: str,
    now: datetime,
) -> Crisis | None:
    """Close the open crisis of one of these stores, keeping the incident record."""
    crisis = await session.scalar(
        select(Crisis)
        .where(Crisis.store_id.in_(store_ids), Crisis.status == "open")
        .order_by(Crisis.started_at)
        .limit(1)
    )
    if crisis is None:
        return None
    crisis.status = "closed"
    crisis.closed_at = now
    crisis.closed_by = actor_name
    crisis.summary = summary
    audit.record(
        session,
        now,
        "crisis.closed",
        actor=actor_id,
        store_id=crisis.store_id,
        crisis_id=crisis.id,
        summary=summary,
        minutes=round((now - crisis.started_at).total_seconds() / 60),
    )
    await queue_notice(
        session,
        store_id=crisis.store_id,
        now=now,
        audience="staff",
        dedupe_key=f"crisis-closed:{crisis.id}",
        level="info",
        text=f"✅ 危机已由 {actor_name} 结束。处理结果：{summary}",
    )
    return crisis
