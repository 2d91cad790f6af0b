"""The speed window's escalation ladder, driven by a controllable clock."""

from __future__ import annotations

import asyncio
import io
import logging
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from reviewbot.app.daemon import Daemon
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.clock import FakeClock
from reviewbot.config import parse_settings
from reviewbot.jobs.escalation import EscalationChecker
from reviewbot.speed import policy
from reviewbot.store.schema import Escalation, OutboxMessage, Review, Store
from reviewbot.workflow import actions
from tests.conftest import TEST_FACTS
from tests.history import History, S
from tests.history import settings as history_settings

# The ladder's own rules run on SQLite only (one_database); on both databases stay the
# tests where the database is part of the subject: a restart, replicas at once, the bounded
# scan of old reviews, and quiet hours and night (local times read back from each server).
WINDOW = 120  # minutes, for every severity but critical (30)
NOON_BEIJING = datetime(2026, 11, 22, 4, 0, tzinfo=UTC)


def settings(database_url: str, demo_url: str, **store: Any) -> Any:
    return parse_settings(
        {
            "database": {"url": database_url},
            "http": {"timeout_seconds": 0.5, "max_attempts": 2, "backoff_initial_seconds": 0.01},
            "demo": {"serve": False},
            "speed_window": {
                "reply_minutes": {"low": WINDOW, "medium": WINDOW, "high": WINDOW, "critical": 30}
            },
            "people": [
                {"name": "李店长", "telegram_user_id": 2, "role": "manager", "stores": ["store-1"]}
            ],
            "stores": [
                {
                    "id": "store-1",
                    "name": "测试小馆",
                    "facts": TEST_FACTS,
                    "sources": [{"platform": "demo", "account": "shop-1", "base_url": demo_url}],
                    **store,
                }
            ],
        }
    )


class Shop:
    """A daemon on a fake clock; its console output is what staff, managers and owner see."""

    def __init__(self, daemon: Daemon, out: io.StringIO, demo, clock: FakeClock) -> None:
        self.daemon, self.out, self.demo, self.clock = daemon, out, demo, clock
        self.seen = 0

    async def review(self, text: str = "水煮鱼太咸了，米饭也是凉的", stars: int = 2) -> int:
        self.demo.platform.add_review("shop-1", text, stars)
        await self.daemon.poll_all_once()
        await self.daemon.drain()
        async with self.daemon.sessions() as session:
            return await session.scalar(select(Review.id).order_by(Review.id.desc()).limit(1))

    async def at(self, minutes: float) -> list[str]:
        """Move to `minutes` after the start, run the ladder, return the new pings."""
        self.clock._now = self.start + timedelta(minutes=minutes)
        await self.daemon.drain()
        return self.pings()

    def pings(self) -> list[str]:
        new = self.out.getvalue()[self.seen :]
        self.seen = len(self.out.getvalue())
        return re.findall(r"━━━ (?:提醒|紧急通知) · 测试小馆 · 致(\S+) ━━━\n([^\n]*)", new)

    async def steps(self) -> list[tuple[str, bool]]:
        async with self.daemon.sessions() as session:
            rows = (await session.scalars(select(Escalation).order_by(Escalation.id))).all()
        return [(row.step, row.sent) for row in rows]


@pytest.fixture
async def shop(database_url, demo, clock) -> AsyncIterator[Shop]:
    out = io.StringIO()
    daemon = Daemon(
        settings(database_url, demo.base_url),
        clock=clock,
        notifier=ConsoleNotifier(out, color=False),
    )
    await daemon.start(schedule=False)
    running = Shop(daemon, out, demo, clock)
    running.start = clock.now()
    try:
        yield running
    finally:
        await daemon.stop()
        await daemon.close()


@pytest.mark.one_database  # the ladder, not the database: SQLite (tests/conftest.py)
async def test_every_rung_fires_once_at_its_share_of_the_window(shop):
    review = await shop.review()
    shop.pings()
    assert await shop.at(59) == []
    ((to, text),) = await shop.at(60)
    assert to == "店员" and f"差评 #{review}" in text and "还剩 1 小时" in text
    assert await shop.at(89) == []
    ((to, text),) = await shop.at(90)
    assert to == "店长" and "只剩 30 分钟" in text
    assert await shop.at(119) == []
    ((to, text),) = await shop.at(120)
    assert to == "店主" and "已超过回复时限（2 小时）" in text
    assert await shop.at(600) == []
    ((to, text),) = await shop.at(24 * 60)
    assert to == "店员" and "还没有记录联系结果" in text
    assert await shop.at(48 * 60) == []
    assert await shop.steps() == [
        ("reminder", True),
        ("manager", True),
        ("owner", True),
        ("contact", True),
    ]


@pytest.mark.one_database  # the ladder, not the database: SQLite (tests/conftest.py)
async def test_answering_stops_the_ladder_and_contacting_stops_the_last_reminder(shop):
    review = await shop.review()
    await shop.at(60)
    manager = actions.Actor("telegram:2", "李店长", {"store-1": "manager"})
    async with shop.daemon.sessions() as session, session.begin():
        outcome = await actions.approve(
            session,
            review,
            manager,
            shop.clock.now(),
            store=shop.daemon.directory.profile("store-1"),
        )
        await actions.mark_contacted(session, review, manager, shop.clock.now())
    assert outcome.ok
    assert await shop.at(24 * 60 + 1) == []
    assert await shop.steps() == [("reminder", True)]


async def test_quiet_hours_hold_pings_and_send_only_the_highest_rung(database_url, demo, clock):
    clock._now = datetime(2026, 11, 22, 13, 30, tzinfo=UTC)  # 21:30 in Beijing
    out = io.StringIO()
    daemon = Daemon(
        settings(database_url, demo.base_url, speed_window={"quiet_hours": "22:00-08:00"}),
        clock=clock,
        notifier=ConsoleNotifier(out, color=False),
    )
    await daemon.start(schedule=False)
    shop = Shop(daemon, out, demo, clock)
    shop.start = clock.now()
    try:
        await shop.review()
        assert "差评提醒" in out.getvalue()  # the alert itself went out before 22:00
        shop.pings()
        for minutes in (60, 90, 120, 300):  # 22:30, 23:00, 23:30, 02:30: all quiet
            assert await shop.at(minutes) == []
        ((to, text),) = await shop.at(10.5 * 60)  # 08:00: the morning after
        assert to == "店主" and "已超过回复时限" in text
        assert await shop.steps() == [("reminder", False), ("manager", False), ("owner", True)]
    finally:
        await daemon.stop()
        await daemon.close()


async def test_a_critical_review_goes_through_quiet_hours(database_url, demo, clock):
    clock._now = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)  # 23:00 in Beijing
    out = io.StringIO()
    daemon = Daemon(
        settings(database_url, demo.base_url, speed_window={"quiet_hours": "22:00-08:00"}),
        clock=clock,
        notifier=ConsoleNotifier(out, color=False),
    )
    await daemon.start(schedule=False)
    shop = Shop(daemon, out, demo, clock)
    shop.start = clock.now()
    try:
        await shop.review("昨晚吃完全家上吐下泻，去医院说是食物中毒", 1)
        assert "紧急：食品安全" in out.getvalue()
        shop.pings()
        assert [to for to, _ in await shop.at(15)] == ["店员"]
        assert [to for to, _ in await shop.at(22.5)] == ["店长"]
        assert [to for to, _ in await shop.at(30)] == ["店主"]
    finally:
        await daemon.stop()
        await daemon.close()


@pytest.mark.one_database  # the ladder, not the database: SQLite (tests/conftest.py)
async def test_a_muted_store_and_a_snoozed_review_are_held(shop):
    review = await shop.review()
    shop.pings()
    async with shop.daemon.sessions() as session, session.begin():
        store = await session.get(Store, "store-1")
        store.muted_until = shop.start + timedelta(minutes=80)
    assert await shop.at(60) == []  # muted
    assert [to for to, _ in await shop.at(81)] == ["店员"]  # mute over: the reminder
    staff = actions.Actor("telegram:3", "小张", {"store-1": "staff"})
    async with shop.daemon.sessions() as session, session.begin():
        await actions.snooze(session, review, staff, shop.clock.now())  # until 111
    assert await shop.at(90) == []
    assert [to for to, _ in await shop.at(112)] == ["店长"]


async def test_a_restart_in_the_middle_of_the_window_neither_misses_nor_repeats(
    database_url, demo, clock
):
    def daemon() -> Daemon:
        return Daemon(
            settings(database_url, demo.base_url),
            clock=clock,
            notifier=ConsoleNotifier(out, color=False),
        )

    out = io.StringIO()
    first = daemon()
    await first.start(schedule=False)
    shop = Shop(first, out, demo, clock)
    shop.start = clock.now()
    await shop.review()
    shop.pings()
    assert [to for to, _ in await shop.at(65)] == ["店员"]
    await first.stop()
    await first.close()
    clock.advance(minutes=40)  # down for 40 minutes, across the manager's rung

    second = daemon()
    await second.start(schedule=False)
    shop.daemon = second
    try:
        assert [to for to, _ in await shop.at(106)] == ["店长"]
        assert [to for to, _ in await shop.at(120)] == ["店主"]
        assert [step for step, _ in await shop.steps()] == ["reminder", "manager", "owner"]
    finally:
        await second.stop()
        await second.close()


async def test_replicas_escalate_each_step_once(shop):
    await shop.review()
    shop.clock.advance(minutes=121)
    replicas = [
        EscalationChecker(
            shop.daemon.sessions, shop.clock, shop.daemon.settings, owner=f"replica-{n}"
        )
        for n in range(4)
    ]
    await asyncio.gather(*(r.run_once() for r in replicas))
    await asyncio.gather(*(r.run_once() for r in replicas))
    await shop.daemon.drain()
    assert [to for to, _ in shop.pings()] == ["店主"]
    assert await shop.steps() == [("reminder", False), ("manager", False), ("owner", True)]


@pytest.mark.one_database  # the ladder, not the database: SQLite (tests/conftest.py)
async def test_a_review_edited_to_negative_later_gets_its_full_window(shop):
    """Happy on Monday, a complaint on Thursday: the window starts with the edit, not with
    the first sighting three days earlier (which paged the owner at once)."""
    await shop.review("味道很好，服务也热情，下次还来", 5)
    shop.pings()
    (posted,) = shop.demo.platform.shops["shop-1"]
    shop.start = shop.clock._now = shop.start + timedelta(days=3)
    shop.demo.platform.edit_review(
        posted.review_id, content="水煮鱼太咸了，米饭也是凉的，服务员还不理人", stars=1
    )
    await shop.daemon.poll_all_once()
    await shop.daemon.drain()
    card = shop.out.getvalue()[shop.seen :]
    deadline = (shop.start + timedelta(minutes=WINDOW)).astimezone(ZoneInfo("Asia/Shanghai"))
    assert "评价更新" in card and f"请在 {deadline:%m-%d %H:%M} 前回复" in card
    assert shop.pings() == []
    assert await shop.at(59) == []
    ((to, text),) = await shop.at(60)
    assert to == "店员" and "已等待 1 小时" in text and "还剩 1 小时" in text
    assert [to for to, _ in await shop.at(90)] == ["店长"]
    assert [to for to, _ in await shop.at(120)] == ["店主"]
    assert await shop.at(24 * 60 - 1) == []
    assert [to for to, _ in await shop.at(24 * 60)] == ["店员"]
    assert await shop.steps() == [
        ("reminder", True),
        ("manager", True),
        ("owner", True),
        ("contact", True),
    ]


async def test_old_reviews_are_never_paged_and_the_scan_stays_bounded(sessions, database_url):
    """An upgrade (or a long history) must not page anyone about reviews from days ago:
    only a recent review's ladder is looked at."""
    now = datetime(2026, 11, 22, 4, 0, tzinfo=UTC)
    async with sessions() as session, session.begin():
        old = History(session)
        await old.setup()
        for n in range(120):  # alerted, never answered, never contacted, no rung recorded
            await old.review(
                seen=now - timedelta(days=4, minutes=n),
                rating=1,
                polarity="negative",
                severity="medium",
                alert=30 * S,
                store="s1" if n % 2 else "s2",
            )
        fresh = await old.review(
            seen=now - timedelta(minutes=61),
            rating=2,
            polarity="negative",
            severity="medium",
            alert=30 * S,
        )
    checker = EscalationChecker(
        sessions, FakeClock(now), history_settings(database_url), owner="replica"
    )
    assert await checker.run_once() == 1
    async with sessions() as session:
        keys = (await session.scalars(select(OutboxMessage.dedupe_key))).all()
    assert keys == [f"notice:escalation:{fresh.id}:reminder"]


async def test_a_complaint_at_night_waits_for_the_morning_and_gets_its_full_window(
    database_url, demo, clock, caplog
):
    """Quiet means quiet: a 2★ complaint seen at 23:00 reaches the staff chat at 08:00, and
    its two hours start then (the owner is not paged at 08:00 for a review staff just got).
    The operator's log says so once, with the local time it goes out."""
    caplog.set_level(logging.INFO, logger="reviewbot.jobs.outbox")
    clock._now = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)  # 23:00 in Beijing
    out = io.StringIO()
    daemon = Daemon(
        settings(database_url, demo.base_url, speed_window={"quiet_hours": "22:00-08:00"}),
        clock=clock,
        notifier=ConsoleNotifier(out, color=False),
    )
    await daemon.start(schedule=False)
    shop = Shop(daemon, out, demo, clock)
    shop.start = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # 08:00 in Beijing
    try:
        await shop.review()
        for hour in (0, 2, 6, 8.99):
            clock._now = datetime(2026, 11, 22, 15, 0, tzinfo=UTC) + timedelta(hours=hour)
            await daemon.drain()
            assert "差评提醒" not in out.getvalue()
        holds = [r.getMessage() for r in caplog.records if "held until" in r.getMessage()]
        assert len(holds) == 1 and "alert" in holds[0]
        assert "store-1 in quiet hours until 08:00 Asia/Shanghai" in holds[0]
        assert await shop.at(0) == []
        assert "差评提醒" in out.getvalue() and "请在 11-23 10:00 前回复" in out.getvalue()
        shop.pings()
        assert await shop.at(59) == []
        assert [to for to, _ in await shop.at(60)] == ["店员"]
        assert [to for to, _ in await shop.at(90)] == ["店长"]
        assert [to for to, _ in await shop.at(120)] == ["店主"]
    finally:
        await daemon.stop()
        await daemon.close()


def demo_source(account: str) -> dict[str, str]:
    return {"platform": "demo", "account": account}


def test_the_default_windows_and_a_stores_own():
    s = parse_settings(
        {
            "database": {"url": "sqlite+aiosqlite:///unused.db"},
            "stores": [
                {"id": "plain", "name": "一号店", "sources": [demo_source("a")]},
                {
                    "id": "own",
                    "name": "二号店",
                    "sources": [demo_source("b")],
                    "speed_window": {"reply_minutes": {"medium": 90}, "contact_hours": 12},
                },
            ],
        }
    )
    plain, own = policy(s, "plain"), policy(s, "own")
    minutes = timedelta(minutes=1)
    # The figures: 2 hours for an ordinary bad review, 30 minutes for a critical one.
    assert plain.reply_within == {
        "low": 120 * minutes,
        "medium": 120 * minutes,
        "high": 60 * minutes,
        "critical": 30 * minutes,
    }
    assert (plain.alert_within, plain.contact_within) == (minutes, timedelta(hours=24))
    assert plain.quiet is None and plain.reply_window("none") == 120 * minutes
    # A store's own table overrides key by key; the rest comes from [speed_window].
    assert own.reply_window("medium") == 90 * minutes
    assert own.reply_window("critical") == 30 * minutes
    assert own.contact_within == timedelta(hours=12)


@pytest.mark.one_database  # the ladder, not the database: SQLite (tests/conftest.py)
async def test_a_stores_own_reply_window_drives_its_ladder(database_url, demo, clock):
    out = io.StringIO()
    own = {"reply_minutes": {"low": 40, "medium": 40, "high": 40}}
    daemon = Daemon(
        settings(database_url, demo.base_url, speed_window=own),
        clock=clock,
        notifier=ConsoleNotifier(out, color=False),
    )
    await daemon.start(schedule=False)
    shop = Shop(daemon, out, demo, clock)
    shop.start = clock.now()
    try:
        await shop.review()
        assert "40 分钟内" in out.getvalue()
        shop.pings()
        assert await shop.at(19) == []
        assert [to for to, _ in await shop.at(20)] == ["店员"]
        assert [to for to, _ in await shop.at(30)] == ["店长"]
        assert [to for to, _ in await shop.at(40)] == ["店主"]
    finally:
        await daemon.stop()
        await daemon.close()


@pytest.mark.one_database  # the ladder, not the database: SQLite (tests/conftest.py)
async def test_a_review_under_appeal_gets_no_contact_reminder(shop):
    review = await shop.review()
    manager = actions.Actor("telegram:2", "李店长", {"store-1": "manager"})
    async with shop.daemon.sessions() as session, session.begin():
        outcome = await actions.mark_malicious(session, review, manager, shop.clock.now())
    assert outcome.ok
    shop.pings()
    await shop.at(120)
    assert await shop.at(24 * 60) == []
    assert [step for step, _ in await shop.steps()] == ["reminder", "manager", "owner"]


@pytest.mark.one_database  # the ladder, not the database: SQLite (tests/conftest.py)
async def test_pings_say_how_late_the_platform_served_the_review(shop):
    """Meituan-style lag: posted 20 hours before we could see it. The ladder still gives
    staff their window, and every ping says why the review looks so old."""
    posted = shop.clock.now() - timedelta(hours=20)
    shop.demo.platform.add_review("shop-1", "水煮鱼太咸了，米饭也是凉的", 2, when=posted)
    await shop.daemon.poll_all_once()
    await shop.daemon.drain()
    shop.pings()
    ((_, reminder),) = await shop.at(60)
    assert "平台延迟 20 小时 才提供" in reminder and "还剩 1 小时" in reminder
    await shop.at(120)
    ((_, contact),) = await shop.at(24 * 60)
    assert "平台延迟 20 小时 才提供" in contact
