"""Crisis mode as people see it: the names of its triggers, and the owner closing it with
what was done (the incident record stays). Opening one is the crisis detector's job."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.reporting.labels import CATEGORY, PLATFORMS
from reviewbot.store import audit, pages, verdicts
from reviewbot.store.alerts import queue_notice
from reviewbot.store.schema import Analysis, Crisis, Review

TRIGGER_NAMES = {
    "illness": "顾客反映食物中毒或身体不适",
    "rating_drop": "近一天平均评分明显下降",
    "repost": "同一条评价在多个平台出现",
}


def trigger_name(key: str) -> str:
    if key.startswith("spike:"):
        return f"{CATEGORY.get(key[6:], key[6:])}类差评一天内集中出现"
    return TRIGGER_NAMES.get(key, key)


def thread(crisis_id: int) -> str:
    """The paging thread of one crisis: its updates gather with each other."""
    return f"crisis:{crisis_id}"


def food_safety_topic(crisis_id: int) -> str:
    """What a page about a crisis's food-safety claims is about (never twice an interval)."""
    return f"crisis:{crisis_id}:food-safety"


def is_food_safety(analysis: Analysis, *, cleared: bool = False) -> bool:
    """A claim of illness, or any other hygiene complaint, from a review not under suspicion
    of malice (`cleared`: staff said it is not malicious, whatever the analyzer read): what
    pages an owner at once even mid-crisis."""
    if analysis.malicious and not cleared:
        return False
    hygiene = any(
        c.get("name") == "hygiene" and c.get("polarity") == "negative"
        for c in analysis.categories
        if isinstance(c, dict)
    )
    return analysis.severity == "critical" or hygiene


@dataclass(frozen=True, slots=True)
class Tally:
    """A crisis so far (the store's reviews since it opened): what the owner weighs
    before deciding what to do next."""

    reviews: int
    negative: int
    food_safety: int
    platforms: tuple[str, ...]

    def line(self, started_at: datetime, zone: ZoneInfo) -> str:
        names = "、".join(PLATFORMS.get(p, p) for p in self.platforms)
        return (
            f"危机开始（{started_at.astimezone(zone):%m-%d %H:%M}）以来：评价 {self.reviews} 条，"
            f"差评 {self.negative} 条，食品安全投诉 {self.food_safety} 条，"
            f"涉及 {len(self.platforms)} 个平台" + (f"（{names}）" if names else "")
        )


async def tally(session: AsyncSession, crisis: Crisis) -> Tally:
    """Every review of the store since the crisis opened (and those that opened it), not
    only those that tripped a trigger: the owner sees how the whole day is going."""
    current = (Analysis.review_id == Review.id) & (Analysis.revision == Review.revision)
    since = (Review.store_id == crisis.store_id) & (Review.first_seen_at >= crisis.started_at)
    if crisis.closed_at is not None:
        since &= Review.first_seen_at <= crisis.closed_at
    rows: list[Any] = (
        await session.execute(
            select(Review.platform, Analysis, verdicts.cleared_clause())
            .join(Analysis, current, isouter=True)
            .where(or_(Review.id.in_(crisis.review_ids), since))
        )
    ).all()
    return Tally(
        reviews=len(rows),
        negative=sum(1 for _, a, _ in rows if a is not None and a.negative),
        food_safety=sum(
            1 for _, a, cleared in rows if a is not None and is_food_safety(a, cleared=cleared)
        ),
        platforms=tuple(sorted({platform for platform, _, _ in rows})),
    )


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
    # No updates on a closed crisis: what was gathered for the next one is named here.
    unreported = sorted(
        {
            int(topic.split(":")[1])
            for item in await pages.settle(session, thread(crisis.id), now)
            for topic in item.topics
            if topic.startswith("review:")
        }
    )
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
        topic="crisis",
        level="info",
        text=f"✅ 危机已由 {actor_name} 结束。处理结果：{summary}"
        + (
            f"\n上次通知后又有 {len(unreported)} 条评价加入本次危机，请一并核对："
            + " ".join(f"#{n}" for n in unreported)
            if unreported
            else ""
        ),
    )
    return crisis
