"""Paging discipline: what a person is paged about, and when, for every ladder.

A burst of complaints once paged an owner 40 times in 150 s; an owner who gets 40 pages
turns the bot off. So every crisis page and escalation ping is an item in a ledger (the
`pages` table) and goes out by these rules, per recipient (a store's owner, its managers,
its staff chat):

- after a page of a thread (one crisis, the escalation ladder), later items of that thread
  are held and gathered into one update once the interval has passed since that page;
- an item that breaks through (a new food-safety claim) goes at once;
- nobody is paged about the same topic (a review, a crisis's food-safety claims) twice
  within the interval, whichever ladder it comes from;
- at most `per_hour` pages in any hour; the first page of a crisis always goes.

The staff chat is a shared work queue rather than a person's phone: its reminders are
neither gathered nor capped, only never repeated about the same topic within the interval.
Held items stay in the database, so a restart loses nothing and pages nobody again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.store.alerts import queue_notice
from reviewbot.store.schema import Page, Store
from reviewbot.vocab import Audience, Level

HELD, SENT, SETTLED = "held", "sent", "settled"
HOUR = timedelta(hours=1)
GATHERED: frozenset[str] = frozenset({"owner", "manager"})
_LOUDNESS: dict[str, int] = {"info": 0, "warning": 1, "critical": 2}


@dataclass(frozen=True, slots=True)
class Discipline:
    interval: timedelta  # at most one update per thread per this long; no topic twice
    per_hour: int  # pages to one recipient in any hour


async def hold(
    session: AsyncSession,
    *,
    store_id: str,
    audience: Audience,
    thread: str,
    topics: list[str],
    key: str,
    text: str,
    now: datetime,
    level: Level = "info",
    urgent: bool = False,
    opens: bool = False,
    breaks_through: bool = False,
) -> Page:
    """Record an item to page about; `ready` decides when it goes."""
    item = Page(
        store_id=store_id,
        audience=audience,
        thread=thread,
        topics=sorted(set(topics)),
        key=key,
        text=text,
        level=level,
        urgent=urgent,
        opens=opens,
        breaks_through=breaks_through,
        status=HELD,
        created_at=now,
    )
    session.add(item)
    await session.flush()
    return item


@dataclass(frozen=True, slots=True)
class Ready:
    items: list[Page]  # what goes out now, as one page
    retry_at: datetime | None  # when nothing does: the earliest time that may change


async def ready(
    session: AsyncSession,
    store_id: str,
    audience: str,
    thread: str,
    now: datetime,
    rules: Discipline,
) -> Ready:
    """The held items of one thread for one recipient that go out now, as one page
    (none: they keep waiting, and go with the next one).

    Locks the store's row first (PostgreSQL), so the crisis and escalation jobs, or two
    replicas, never both decide to page within the same cap."""
    await session.execute(select(Store.id).where(Store.id == store_id).with_for_update())
    held = (
        await session.scalars(
            select(Page)
            .where(
                Page.store_id == store_id,
                Page.audience == audience,
                Page.thread == thread,
                Page.status == HELD,
            )
            .order_by(Page.id)
        )
    ).all()
    if not held:
        return Ready([], None)
    recent = (
        await session.scalars(
            select(Page).where(
                Page.store_id == store_id,
                Page.audience == audience,
                Page.status == SENT,
                Page.sent_at > now - max(rules.interval, HOUR),
            )
        )
    ).all()
    sent = [(p, p.sent_at) for p in recent if p.sent_at is not None]
    lately = [p for p, at in sent if now - at < rules.interval]
    hour = [(p, at) for p, at in sent if now - at < HOUR]
    lapses = [at + rules.interval for p, at in sent if now - at < rules.interval]
    retry = Ready([], min([*lapses, *(at + HOUR for _, at in hour)], default=None))
    paged_about = {topic for p in lately for topic in p.topics}
    free = [p for p in held if p.opens or not paged_about.intersection(p.topics)]
    if any(p.opens for p in free):
        return Ready(free, None)
    if not free:
        return retry
    if audience not in GATHERED:
        return Ready(free, None)
    if len({p.page for p, _ in hour}) >= rules.per_hour:
        return retry
    thread_quiet = not any(p.thread == thread for p in lately)
    return Ready(free, None) if thread_quiet or any(p.breaks_through for p in free) else retry


async def deliver(session: AsyncSession, items: list[Page], text: str, now: datetime) -> None:
    """Queue one notice carrying these items (of one recipient) and mark them sent."""
    first = items[0]
    key = first.key if len(items) == 1 else f"page:{first.id}"
    level = max((p.level for p in items), key=lambda name: _LOUDNESS.get(name, 0))
    await queue_notice(
        session,
        store_id=first.store_id,
        text=text,
        now=now,
        dedupe_key=key,
        level=level,  # type: ignore[arg-type]
        audience=first.audience,  # type: ignore[arg-type]
        urgent=any(p.urgent for p in items),
        topic="crisis" if first.thread.startswith("crisis") else "escalation",
        review_ids=_reviews(items),
    )
    for item in items:
        item.status, item.sent_at, item.page = SENT, now, key
    await session.flush()


def _reviews(items: list[Page]) -> list[int]:
    """The reviews these items are about, in their order (a crisis's are in its page)."""
    if any(p.thread.startswith("crisis") for p in items):
        return []
    ids = (int(t.split(":", 1)[1]) for p in items for t in p.topics if t.startswith("review:"))
    return list(dict.fromkeys(ids))


async def waiting(session: AsyncSession, thread_prefix: str) -> list[tuple[str, str, str]]:
    """(store, audience, thread) of every recipient with held items in such threads."""
    rows = await session.execute(
        select(Page.store_id, Page.audience, Page.thread)
        .where(Page.status == HELD, Page.thread.startswith(thread_prefix))
        .distinct()
    )
    return sorted((store, audience, thread) for store, audience, thread in rows)


async def settle(session: AsyncSession, thread: str, now: datetime) -> list[Page]:
    """Stop waiting on a thread that ended (a crisis closed); returns the items that were
    held, kept as settled, for the closing message to name."""
    held = (
        await session.scalars(
            select(Page).where(Page.thread == thread, Page.status == HELD).order_by(Page.id)
        )
    ).all()
    for item in held:
        item.status, item.sent_at = SETTLED, now
    await session.flush()
    return list(held)
