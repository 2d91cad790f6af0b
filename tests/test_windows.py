"""Scan windows, cursors and rate limits: the pieces every offset-paged adapter shares."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from reviewbot.platforms.base import ReviewRecord
from reviewbot.platforms.ratelimit import TokenBucket
from reviewbot.platforms.windows import OffsetScanner, ScanState, WindowPolicy

NOW = datetime(2026, 11, 22, 4, 0, tzinfo=UTC)  # 12:00 in Beijing


def meituan_like() -> WindowPolicy:
    return WindowPolicy(
        lookback=timedelta(days=30),
        backfill=timedelta(days=30),
        overlap=timedelta(days=3),
        full_every=None,
        day_aligned=True,
        freshness=timedelta(days=1),
    )


def test_a_day_aligned_t_plus_one_window_ends_before_today_in_beijing():
    scan = meituan_like().new_scan(ScanState(), NOW)
    assert scan.until == datetime(2026, 11, 21, 16, 0, tzinfo=UTC)  # 11-22 00:00 Beijing
    assert scan.since == datetime(2026, 10, 23, 16, 0, tzinfo=UTC)  # within the 30 days
    assert scan.full


def test_the_next_scan_overlaps_the_last_one():
    state = ScanState(high_water=datetime(2026, 11, 21, 16, 0, tzinfo=UTC), last_full=NOW)
    scan = meituan_like().new_scan(state, NOW + timedelta(days=1))
    assert scan.since == datetime(2026, 11, 18, 16, 0, tzinfo=UTC) and not scan.full


def test_an_unreadable_cursor_starts_a_new_scan_instead_of_failing():
    for cursor in ("garbage", '{"v":1,"scan":{"since":"x"}}', "[]", ""):
        assert ScanState.load(cursor) == ScanState()


def test_a_cursor_round_trips():
    scan = meituan_like().new_scan(ScanState(), NOW)
    state = ScanState(high_water=NOW, last_full=NOW, scan=scan)
    assert ScanState.load(state.dump()) == state


async def test_a_scan_resumed_much_later_never_asks_beyond_the_lookback():
    asked: list[datetime] = []
    now = [NOW]

    async def fetch(since, until, offset):
        asked.append(since)
        return [ReviewRecord(str(offset + i), "x", 5.0, None) for i in range(20)], [], 20

    scanner = OffsetScanner(meituan_like(), 20, lambda: now[0])
    page = await scanner.fetch_page(None, fetch)
    assert page.has_more
    now[0] = NOW + timedelta(days=5)  # the next page is read five days later
    await scanner.fetch_page(page.next_cursor, fetch)
    assert asked[1] >= now[0] - timedelta(days=30)


async def test_a_scan_past_the_safety_cap_pauses_and_the_next_poll_reads_on():
    """A busy shop's 30-day backfill beyond the cap was cut off for good: the scan was
    closed, and the next one started where the cut-off one had meant to end."""
    served = 130
    offsets: list[int] = []

    async def fetch(since, until, offset):
        offsets.append(offset)
        count = max(0, min(20, served - offset))
        return [ReviewRecord(str(offset + i), "x", 5.0, None) for i in range(count)], [], count

    scanner = OffsetScanner(meituan_like(), 20, lambda: NOW, max_items=50)
    cursor, seen, polls = None, 0, 0
    while seen < served and polls < 5:
        polls += 1
        page = None
        while page is None or page.has_more:  # one poll: pages while the platform has more
            page = await scanner.fetch_page(cursor, fetch)
            cursor, seen = page.next_cursor, seen + len(page.reviews)
    assert seen == served and polls == 3  # 60 (paused past 50), 60 (past 100), the rest
    assert offsets == list(range(0, 140, 20))
    assert ScanState.load(cursor).scan is None  # and the scan is closed


async def test_the_token_bucket_spaces_calls_beyond_the_burst():
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    bucket = TokenBucket(60, burst=2, monotonic=lambda: 100.0, sleep=sleep)
    for _ in range(4):
        await bucket.acquire()
    assert waits == [1.0, 2.0]  # one a second once the burst of two is spent
