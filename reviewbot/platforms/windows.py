"""Overlapping re-scan windows for platforms that page by offset (Meituan, Ele.me, Dianping).

Offset paging over a live list skips or repeats items when reviews arrive or vanish
mid-scan, and there is no cursor to resume from. So every poll scans a *window* of time
page by page to its end, and the next scan starts `overlap` before the previous one ended;
the upsert on the review id removes the repeats. Now and then a *full* scan re-reads the
whole back-fill window, which is what notices reviews that vanished from the platform.

The whole state (high-water mark, the scan in progress and its offset) is encoded in the
opaque cursor string the poller stores with each page, so a restart or another replica
resumes exactly where the last committed page left off.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from reviewbot.platforms.base import CompletedScan, Page, RejectedItem, ReviewRecord
from reviewbot.sourceconfig import PlatformSource

log = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True, slots=True)
class Scan:
    """One pass over [since, until) (UTC), `offset` items in."""

    since: datetime
    until: datetime
    offset: int
    started: datetime
    full: bool


@dataclass(frozen=True, slots=True)
class ScanState:
    high_water: datetime | None = None
    last_full: datetime | None = None
    scan: Scan | None = None

    def dump(self) -> str:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value is not None else None

        data: dict[str, Any] = {"v": 1, "hw": iso(self.high_water), "full": iso(self.last_full)}
        if self.scan is not None:
            s = self.scan
            data["scan"] = {
                "since": iso(s.since),
                "until": iso(s.until),
                "offset": s.offset,
                "started": iso(s.started),
                "full": s.full,
            }
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def load(cls, cursor: str | None) -> ScanState:
        """The state in `cursor`; an unreadable cursor starts afresh (dedupe keeps it safe)."""
        if not cursor:
            return cls()
        try:
            data = json.loads(cursor)
            scan = data.get("scan")
            return cls(
                high_water=_time(data.get("hw")),
                last_full=_time(data.get("full")),
                scan=Scan(
                    since=_required(scan["since"]),
                    until=_required(scan["until"]),
                    offset=int(scan["offset"]),
                    started=_required(scan["started"]),
                    full=bool(scan["full"]),
                )
                if scan
                else None,
            )
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            log.warning("unreadable scan cursor %r (%s); starting a new scan", cursor[:200], exc)
            return cls()


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _required(value: Any) -> datetime:
    parsed = _time(value)
    if parsed is None or parsed.tzinfo is None:
        raise ValueError(f"bad time {value!r}")
    return parsed


def start_of_day(moment: datetime, zone: ZoneInfo = SHANGHAI) -> datetime:
    local = moment.astimezone(zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True, slots=True)
class WindowPolicy:
    """How far back a platform lets us read and how we re-scan.

    `lookback`: the platform's limit (Meituan 30 days, Ele.me 90, Dianping a 1-year span).
    `backfill`: the first scan and every full re-scan (≤ lookback).
    `overlap`: how far before the last scan's end the next one starts.
    `full_every`: how often a full re-scan runs (None: never, so nothing is marked hidden).
    `day_aligned` + `freshness`: Meituan asks in whole Beijing days and not for today (T+1).
    """

    lookback: timedelta
    backfill: timedelta
    overlap: timedelta
    full_every: timedelta | None
    day_aligned: bool = False
    freshness: timedelta = timedelta(0)
    margin: timedelta = timedelta(minutes=5)
    hide_after: int = 3
    sees_everything: bool = True  # False when filtered (Meituan reply_status): hide nothing

    def until(self, now: datetime) -> datetime:
        if self.day_aligned:
            today = start_of_day(now)
            return today if self.freshness else today + timedelta(days=1)
        return now

    def earliest(self, now: datetime) -> datetime:
        """The oldest instant the platform still serves, with a safety margin."""
        if self.day_aligned:
            return start_of_day(now) - self.lookback + timedelta(days=1)
        return now - self.lookback + self.margin

    def new_scan(self, state: ScanState, now: datetime) -> Scan:
        until = self.until(now)
        full = state.high_water is None or (
            self.full_every is not None
            and (state.last_full is None or now - state.last_full >= self.full_every)
        )
        if full or state.high_water is None:
            since = now - self.backfill
        else:
            since = state.high_water - self.overlap
        since = max(since, self.earliest(now))
        if self.day_aligned:
            since = start_of_day(since)
            since = min(since, until - timedelta(days=1))
        elif since >= until:
            since = until - self.overlap
        return Scan(since=since, until=until, offset=0, started=now, full=full)

    def clamp(self, scan: Scan, now: datetime) -> datetime:
        """The `since` to send now: a scan resumed days later may have aged past lookback."""
        return max(scan.since, self.earliest(now))


Fetched = tuple[list[ReviewRecord], list[RejectedItem], int]
Fetch = Callable[[datetime, datetime, int], Awaitable[Fetched]]
"""(since, until, offset) → (records, rejected, number of raw items on the page)."""


class OffsetScanner:
    """fetch_page for an offset-paged platform, in terms of one `Fetch` call."""

    def __init__(
        self,
        policy: WindowPolicy,
        page_size: int,
        now: Callable[[], datetime],
        *,
        max_items: int = 20_000,
    ) -> None:
        self.policy = policy
        self.page_size = page_size
        self.now = now
        self.max_items = max_items

    async def fetch_page(self, cursor: str | None, fetch: Fetch) -> Page:
        now = self.now()
        state = ScanState.load(cursor)
        scan = state.scan or self.policy.new_scan(state, now)
        since = self.policy.clamp(scan, now)
        records, rejected, count = await fetch(since, scan.until, scan.offset)
        offset = scan.offset + count
        if count >= self.page_size:
            next_state = replace(state, scan=replace(scan, offset=offset))
            # The safety cap bounds one poll's work, not the scan: a busy shop's backfill
            # pauses here and the next poll reads on from this offset.
            more = offset // self.max_items == scan.offset // self.max_items
            if not more:
                log.warning("scan paused after %d items; the next poll reads on", offset)
            return Page(records, next_state.dump(), more, rejected)
        completed = None
        if scan.full and self.policy.sees_everything:
            # Only a full scan counts towards hiding: hide_after_missed_scans means full
            # scans (a day apart by default), not a few incremental polls minutes apart.
            completed = CompletedScan(
                scan.started, since, scan.until, hide_after=self.policy.hide_after
            )
        done = ScanState(
            high_water=max(filter(None, (state.high_water, scan.until))),
            last_full=scan.started if scan.full else state.last_full,
        )
        return Page(records, done.dump(), False, rejected, completed)


async def find(
    list_page: Callable[[int], Awaitable[list[Any]]],
    page_size: int,
    match: Callable[[Any], bool],
    *,
    max_items: int = 2_000,
) -> Any | None:
    """The first listed item `match` accepts, paging from offset 0; None when absent."""
    offset = 0
    while offset < max_items:
        items = await list_page(offset)
        for item in items:
            if match(item):
                return item
        if len(items) < page_size:
            return None
        offset += len(items)
    return None


def policy_for(
    settings: PlatformSource,
    *,
    lookback_days: float,
    day_aligned: bool = False,
    freshness: timedelta = timedelta(0),
    sees_everything: bool = True,
) -> WindowPolicy:
    """The window policy a platform source's settings ask for; a filtered listing
    (`sees_everything` False) never marks a review hidden for being absent from it."""
    return WindowPolicy(
        lookback=timedelta(days=lookback_days),
        backfill=timedelta(days=min(settings.backfill_days, lookback_days)),
        overlap=timedelta(days=settings.rescan_days),
        full_every=timedelta(hours=settings.full_rescan_hours)
        if settings.full_rescan_hours
        else None,
        day_aligned=day_aligned,
        freshness=freshness,
        hide_after=settings.hide_after_missed_scans,
        sees_everything=sees_everything,
    )
