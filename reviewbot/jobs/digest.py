"""The owner's digest: each store's chart and short summary, daily and weekly.

Exactly once per store and period, across restarts and replicas: whoever fires the
schedule computes the period's figures, then inserts a `digests` row unique on (store,
period, period start) *in the same transaction* as the outbox message that will deliver
it. A second replica firing at the same moment, or a restarted daemon, meets the unique
row and queues nothing; the outbox delivers what was queued (at least once, in order, by
one replica) like every alert. We chose the unique row over a lease because it also
records what was sent, and because it cannot expire in the middle of a slow send.

Each digest covers the whole interval since the previous scheduled one (the 24 hours or
7 days before its scheduled time, in the store's time zone), so consecutive digests tile
time and every positive review is summarised once. A digest whose time passed while no
daemon was running is sent late, within `catch_up_hours`, if the store already had one.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.chat.base import Notifier
from reviewbot.chat.pictures import Picture
from reviewbot.clock import Clock
from reviewbot.config import DigestSettings, Settings, StoreSettings
from reviewbot.jobs.deliveries import Copier
from reviewbot.jobs.outbox import Permanent
from reviewbot.reporting import metrics
from reviewbot.store import audit, outbox
from reviewbot.store.db import SessionFactory
from reviewbot.store.schema import Digest, OutboxMessage
from reviewbot.workflow.directory import Directory

log = logging.getLogger(__name__)

LENGTH = {"day": timedelta(days=1), "week": timedelta(days=7)}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def destination(store_id: str) -> str:
    """Digests have their own queue: an upload must not hold up alerts, nor they it."""
    return f"chat:{store_id}:digest"


def clock_time(text: str) -> tuple[int, int]:
    hours, minutes = text.split(":")
    return int(hours), int(minutes)


def latest_fire(now: datetime, period: str, config: DigestSettings, zone: ZoneInfo) -> datetime:
    """The most recent scheduled time of `period`'s digest at or before `now` (UTC)."""
    local = now.astimezone(zone)
    hour, minute = clock_time(config.daily_at if period == "day" else config.weekly_at)
    fire = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if period == "week":
        fire -= timedelta(days=(fire.weekday() - WEEKDAYS.index(config.weekly_on)) % 7)
    if fire > local:
        fire -= LENGTH[period]
    # Aware arithmetic in one zone is wall-clock arithmetic: 21:30 stays 21:30 across DST.
    return fire.astimezone(UTC)


def period_of(fire: datetime, period: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the digest scheduled at `fire`: the interval since the last."""
    local = fire.astimezone(zone)
    return (local - LENGTH[period]).astimezone(UTC), fire


class Digests:
    """Claims and queues digests; the outbox's DigestHandler draws and sends them."""

    def __init__(
        self, settings: Settings, sessions: SessionFactory, clock: Clock, owner: str
    ) -> None:
        self.settings = settings
        self.config = settings.digest
        self.sessions = sessions
        self.clock = clock
        self.owner = owner

    def zones(self) -> set[str]:
        return {store.timezone for store in self.settings.stores}

    async def run(self, period: str, *, zone: str | None = None, catch_up: bool = False) -> int:
        """Queue every store's digest of `period` now due; returns how many were queued.

        `zone` limits it to the stores in that time zone (whose schedule fired). With
        catch_up, only stores that already had a digest of this period get a missed
        one (a new installation starts with the next scheduled time, not a surprise)."""
        if not self.config.enabled or period not in self.config.periods:
            return 0
        now = self.clock.now()
        queued = 0
        for store in self.settings.stores:
            if zone is not None and store.timezone != zone:
                continue
            local = ZoneInfo(store.timezone)
            fire = latest_fire(now, period, self.config, local)
            if now - fire > timedelta(hours=self.config.catch_up_hours):
                continue
            try:
                queued += await self._claim(store, period, fire, local, catch_up=catch_up)
            except Exception:
                log.exception("queueing the %s digest of store %s failed", period, store.id)
        return queued

    async def run_due(self) -> int:
        """At start-up: send digests missed while no daemon ran."""
        return sum([await self.run(period, catch_up=True) for period in self.config.periods])

    async def _claim(
        self, store: StoreSettings, period: str, fire: datetime, zone: ZoneInfo, *, catch_up: bool
    ) -> bool:
        start, end = period_of(fire, period, zone)
        async with self.sessions() as session:
            if await self._exists(session, store.id, period, start):
                return False
            if catch_up and not await self._had_one(session, store.id, period):
                return False
            scope = metrics.Scope(
                (store.id,),
                start,
                end,
                end,
                trend_start=end - timedelta(days=metrics.DAY_TREND_DAYS)
                if period == "day"
                else None,
            )
            figures = await metrics.figures(
                session, self.settings, scope, quotes=self.config.quotes
            )
        now = self.clock.now()
        try:
            async with self.sessions() as session, session.begin():
                digest = Digest(
                    store_id=store.id,
                    period=period,
                    period_start=start,
                    period_end=end,
                    status="queued",
                    figures=figures.model_dump(mode="json"),
                    created_at=now,
                    created_by=self.owner,
                )
                session.add(digest)
                await session.flush()  # the unique row: a replica that lost the race stops here
                await outbox.enqueue(
                    session,
                    kind="digest",
                    destination=destination(store.id),
                    ref_id=digest.id,
                    dedupe_key=f"digest:{store.id}:{period}:{start.isoformat()}",
                    now=now,
                    payload={"period": period},  # the store's channels route by it
                )
                audit.record(
                    session,
                    now,
                    "digest.queued",
                    store_id=store.id,
                    period=period,
                    period_start=start.isoformat(),
                    period_end=end.isoformat(),
                    reviews=figures.reviews,
                )
        except IntegrityError:
            return False
        return True

    @staticmethod
    async def _exists(session: AsyncSession, store_id: str, period: str, start: datetime) -> bool:
        found = await session.scalar(
            select(Digest.id).where(
                Digest.store_id == store_id, Digest.period == period, Digest.period_start == start
            )
        )
        return found is not None

    @staticmethod
    async def _had_one(session: AsyncSession, store_id: str, period: str) -> bool:
        found = await session.scalar(
            select(Digest.id).where(Digest.store_id == store_id, Digest.period == period).limit(1)
        )
        return found is not None


def digest_picture(
    digest: Digest, store_name: str, zone: ZoneInfo, image: bytes | None = None
) -> Picture:
    """The chart, a caption with the headline figures and the summary with advice."""
    from reviewbot.reporting.summary import caption, details

    figures = metrics.Figures.model_validate(digest.figures)
    local = digest.period_end.astimezone(zone)
    if image is None:
        from reviewbot.reporting.charts import render_png

        image = render_png(figures, store_name, digest.period, zone)
    return Picture(
        store_id=digest.store_id,
        store_name=store_name,
        image=image,
        caption=caption(figures, store_name, digest.period, zone),
        text="\n".join(details(figures)),
        filename=f"digest-{digest.store_id}-{digest.period}-{local:%Y%m%d-%H%M}.png",
    )


class DigestHandler:
    """Outbox delivery of a queued digest: draw the chart (in a worker thread), send it."""

    def __init__(
        self,
        sessions: SessionFactory,
        notifier: Notifier,
        directory: Directory,
        router: Copier | None = None,
    ) -> None:
        self.sessions = sessions
        self.notifier = notifier
        self.directory = directory
        self.router = router

    async def deliver(self, message: OutboxMessage) -> dict[str, Any]:
        async with self.sessions() as session:
            digest = await session.get(Digest, message.ref_id)
        if digest is None:
            raise Permanent(f"digest {message.ref_id} does not exist")
        if self.router is not None:  # the store's channels get theirs (and its thank-yous)
            await self.router.copy(message)
        store = self.directory.store(digest.store_id)
        name = store.name if store else digest.store_id
        zone = ZoneInfo(self.directory.timezone(digest.store_id))
        picture = await asyncio.to_thread(digest_picture, digest, name, zone)
        return await self.notifier.send_image(picture)

    async def on_sent(
        self, session: AsyncSession, message: OutboxMessage, result: dict[str, Any], now: datetime
    ) -> None:
        digest = await session.get(Digest, message.ref_id)
        if digest is None:
            return
        digest.status = "sent"
        digest.sent_at = now
        audit.record(
            session,
            now,
            "digest.sent",
            store_id=digest.store_id,
            period=digest.period,
            period_start=digest.period_start.isoformat(),
            channel=self.notifier.name,
            attempts=message.attempts,
        )

    async def on_dead(
        self, session: AsyncSession, message: OutboxMessage, error: str, now: datetime
    ) -> None:
        digest = await session.get(Digest, message.ref_id)
        if digest is not None:
            digest.status = "failed"
            audit.record(
                session,
                now,
                "digest.failed",
                store_id=digest.store_id,
                period=digest.period,
                error=error,
            )
