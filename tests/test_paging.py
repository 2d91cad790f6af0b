"""Paging discipline: a crisis pages the owner once, then at most one update per interval
(a new food-safety claim at once), within a cap per hour; the escalation ladder never
pages a person twice about the same thing within the interval. All on the fake clock."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from reviewbot.app.daemon import Daemon
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.config import parse_settings
from reviewbot.jobs.escalation import gathered_message
from reviewbot.store.schema import Crisis, Draft, OutboxMessage, Page, Review
from reviewbot.workflow import actions
from reviewbot.workflow.actions import Actor
from reviewbot.workflow.crisis import close_crisis
from reviewbot.workflow.desk import Desk
from tests.conftest import TEST_FACTS

# The paging and crisis logic, not the database: SQLite (tests/conftest.py). The restart
# test, where what was gathered must come back out of the database, runs on both.
pytestmark = pytest.mark.one_database

NOTICE = re.compile(r"━━━ \S+ · 测试小馆 · 致(\S+) ━━━\n(.*?)(?=\n━━━|\Z)", re.S)
FOOD = ("菜太咸了，难吃", "这菜又咸又油，难吃死了", "菜都是凉的，太难吃了", "鱼不新鲜，难吃")
ILLNESS = ("吃完上吐下泻，怀疑食物中毒", "我也是吃完拉肚子一整晚", "吃了以后胃疼呕吐，去了医院")
SERVICE = ("服务员态度太差了，叫了几次都没人理", "等了一个小时才上菜，服务太慢")


def settings(database_url: str, demo_url: str, **speed: Any) -> Any:
    return parse_settings(
        {
            "database": {"url": database_url},
            "http": {"timeout_seconds": 0.5, "max_attempts": 2, "backoff_initial_seconds": 0.01},
            "demo": {"serve": False},
            "daemon": {"alert_max_age_hours": 24 * 60, "poll_interval_seconds": 1},
            "speed_window": speed,
            "people": [
                {"name": "李店长", "telegram_user_id": 2, "role": "manager", "stores": ["store-1"]}
            ],
            "stores": [
                {
                    "id": "store-1",
                    "name": "测试小馆",
                    "facts": TEST_FACTS,
                    "sources": [{"platform": "demo", "account": "shop-1", "base_url": demo_url}],
                }
            ],
        }
    )


class Shop:
    """A daemon on the fake clock; `sent()` is every notice so far, with when it was seen."""

    def __init__(self, make: Callable[[], Daemon], out: io.StringIO, demo, clock) -> None:
        self.make, self.out, self.demo, self.clock = make, out, demo, clock
        self.daemon = make()
        self.log: list[tuple[datetime, str, str]] = []  # (when, to whom, text)
        self._read = 0

    async def complain(self, *texts: str, stars: int = 1) -> None:
        for text in texts:
            self.demo.platform.add_review("shop-1", text, stars)
        await self.daemon.poll_all_once()
        await self.run()

    async def run(self) -> None:
        await self.daemon.drain()
        new = self.out.getvalue()[self._read :]
        self._read = len(self.out.getvalue())
        self.log += [(self.clock.now(), to, text) for to, text in NOTICE.findall(new)]

    async def wait(self, minutes: float, step: float = 5) -> None:
        """Let time pass with nothing new arriving, the jobs running every `step` minutes."""
        end = self.clock.now() + timedelta(minutes=minutes)
        while self.clock.now() < end:
            self.clock.advance(minutes=min(step, (end - self.clock.now()).total_seconds() / 60))
            await self.run()

    def to(self, whom: str, fragment: str = "") -> list[str]:
        return [text for _, to, text in self.log if to == whom and fragment in text]

    def crisis_pages(self) -> list[str]:
        return [text for text in self.to("店主") if "危机" in text]

    def most_in_an_hour(self, whom: str) -> int:
        times = [at for at, to, _ in self.log if to == whom]
        return max(
            (sum(1 for t in times if s <= t < s + timedelta(hours=1)) for s in times), default=0
        )

    async def restart(self) -> None:
        await self.daemon.stop()
        await self.daemon.close()
        self.daemon = self.make()
        await self.daemon.start(schedule=False)

    async def crisis(self) -> Crisis:
        async with self.daemon.sessions() as session:
            (crisis,) = (await session.scalars(select(Crisis))).all()
            return crisis


@pytest.fixture
async def shops(database_url, demo, clock) -> AsyncIterator[Callable[..., Any]]:
    """`await shops(update_minutes=…)`: a shop with its own paging settings."""
    made: list[Shop] = []

    async def start(**speed: Any) -> Shop:
        out = io.StringIO()

        def make() -> Daemon:
            return Daemon(
                settings(database_url, demo.base_url, **speed),
                clock=clock,
                notifier=ConsoleNotifier(out, color=False),
            )

        shop = Shop(make, out, demo, clock)
        await shop.daemon.start(schedule=False)
        made.append(shop)
        return shop

    yield start
    for shop in made:
        await shop.daemon.stop()
        await shop.daemon.close()


@pytest.mark.slow  # forty polls, each through the whole pipeline
async def test_a_burst_of_40_complaints_pages_the_owner_at_most_3_times(shops):
    """The incident: 40 complaints in 150 s paged "危机情况有新进展" 40 times. Now the owner
    hears of the crisis once, of the first food-safety claim at once, and of the rest in one
    update; every complaint is in the tally, and no hour has more pages than the cap."""
    shop = await shops()
    texts = [*FOOD, *ILLNESS, *SERVICE]
    for n in range(40):
        await shop.complain(f"第{n + 1}位顾客：{texts[n % len(texts)]}")
        shop.clock.advance(seconds=150 / 40)
    assert len((await shop.crisis()).review_ids) == 40
    await shop.wait(minutes=120, step=10)

    pages = shop.crisis_pages()
    assert 2 <= len(pages) <= 3
    assert "门店进入危机处理状态" in pages[0]
    assert "又有顾客反映食品安全问题" in pages[1]
    assert "危机开始" in pages[-1] and "评价 40 条" in pages[-1]
    assert all(page.count("菜品类差评一天内集中出现") <= 1 for page in pages)  # latest count
    reported = {int(n) for page in pages for n in re.findall(r"  #(\d+) ", page)}
    async with shop.daemon.sessions() as session:
        stored = set((await session.scalars(select(Review.id))).all())
    assert len(stored) == 40  # listed up to ten a page, the rest counted and on /crisis
    assert reported <= stored
    assert shop.most_in_an_hour("店主") <= 4  # escalation pings included


async def test_a_new_food_safety_claim_pages_at_once_and_later_ones_wait(shops):
    shop = await shops()
    await shop.complain(*FOOD[:3], stars=2)  # a spike in food complaints opens a crisis
    assert [p.splitlines()[0] for p in shop.crisis_pages()] == ["🚨 门店进入危机处理状态"]
    shop.clock.advance(minutes=5)
    await shop.complain(FOOD[3], stars=2)  # more of the same waits for the update
    assert len(shop.crisis_pages()) == 1
    shop.clock.advance(minutes=5)
    await shop.complain(ILLNESS[0])  # a food-safety claim does not wait
    pages = shop.crisis_pages()
    assert len(pages) == 2 and "食品安全" in pages[1].splitlines()[0]
    assert ILLNESS[0] in pages[1] and FOOD[3] in pages[1]  # what waited goes with it
    shop.clock.advance(minutes=5)
    await shop.complain(ILLNESS[1])  # another one within the interval is gathered
    assert len(shop.crisis_pages()) == 2
    await shop.wait(minutes=24)
    assert len(shop.crisis_pages()) == 2
    await shop.wait(minutes=1)  # 30 minutes after the last page
    assert len(shop.crisis_pages()) == 3 and ILLNESS[1] in shop.crisis_pages()[2]


async def test_no_more_pages_an_hour_than_the_cap(shops):
    """With updates every 5 minutes allowed, the cap of 3 an hour still holds; nothing is
    lost: what the cap held back arrives in the next page it allows."""
    shop = await shops(update_minutes=5, pages_per_hour=3)
    await shop.complain(ILLNESS[0])
    for n in range(11):  # a new complaint every 5 minutes for most of an hour
        shop.clock.advance(minutes=5)
        await shop.complain(f"第{n}次：{SERVICE[n % 2]}", stars=1)
    assert len(shop.crisis_pages()) == 3
    await shop.wait(minutes=30)
    assert len(shop.crisis_pages()) == 4 and "评价 12 条" in shop.crisis_pages()[-1]
    async with shop.daemon.sessions() as session:
        assert await session.scalar(select(Page.id).where(Page.status == "held")) is None
    assert shop.most_in_an_hour("店主") <= 3


async def test_the_crisis_card_and_its_updates_show_the_running_tally(shops):
    shop = await shops()
    await shop.complain(ILLNESS[0])
    shop.clock.advance(minutes=3)
    await shop.complain(SERVICE[0], FOOD[0], stars=2)
    shop.clock.advance(minutes=3)
    await shop.complain("菜里吃出一根头发，太恶心了", stars=1)
    shop.clock.advance(minutes=3)
    await shop.complain(ILLNESS[1])
    daemon = shop.daemon
    desk = Desk(
        daemon.settings,
        daemon.directory,
        daemon.sessions,
        daemon.clock,
        daemon.drafter,
        edit_timeout=timedelta(minutes=5),
    )
    (card,) = await desk.crises(["store-1"])
    tally = "评价 5 条，差评 5 条，食品安全投诉 3 条，涉及 1 个平台（演示平台）"
    assert tally in card and "危机开始（11-22 12:00）以来" in card
    await shop.wait(minutes=30)
    assert tally in shop.crisis_pages()[-1]


@pytest.mark.both_databases
async def test_what_was_gathered_survives_a_restart_and_is_paged_once(shops):
    shop = await shops()
    await shop.complain(ILLNESS[0])
    shop.clock.advance(minutes=10)
    await shop.complain(ILLNESS[1])
    assert len(shop.crisis_pages()) == 1  # gathered, in the database
    await shop.restart()
    await shop.wait(minutes=15)
    assert len(shop.crisis_pages()) == 1  # the restart does not reset the interval
    await shop.restart()
    await shop.wait(minutes=5)
    pages = shop.crisis_pages()
    assert len(pages) == 2 and ILLNESS[1] in pages[1] and "评价 2 条" in pages[1]
    await shop.restart()
    await shop.wait(minutes=60)
    assert len(shop.crisis_pages()) == 2


async def test_the_owner_is_not_paged_again_about_a_review_a_crisis_page_named(shops):
    """With a 60-minute interval, the owner's rung for a critical review (30 minutes) is
    about a review the crisis page already named: it waits for the interval, then arrives."""
    shop = await shops(update_minutes=60)
    await shop.complain(ILLNESS[0])
    assert len(shop.to("店主")) == 1
    await shop.wait(minutes=55)
    assert len(shop.to("店主")) == 1
    await shop.wait(minutes=5)
    (_, late) = shop.to("店主")
    assert "已超过回复时限" in late


async def test_managers_get_one_ping_then_one_summary_for_a_burst(shops):
    shop = await shops()
    for n in range(6):  # six bad reviews a minute apart (the owner hears of a crisis)
        await shop.complain(f"{SERVICE[n % 2]}（第{n}桌）", stars=2)
        shop.clock.advance(minutes=1)
    await shop.wait(minutes=90 - 6)  # three quarters of the 2-hour window of the first
    pings = shop.to("店长")
    assert len(pings) == 1 and "请店长跟进" in pings[0]
    await shop.wait(minutes=30)
    (_, summary) = shop.to("店长")
    assert "汇总提醒：上次提醒以来又有 5 条需要跟进" in summary
    assert all(f"第{n}桌" in summary for n in range(1, 6))
    # The summary carries its five reviews, for each chat to offer its own way to them.
    async with shop.daemon.sessions() as session:
        rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "notice"))
        (gathered,) = [
            m
            for m in rows
            if "汇总提醒" in m.payload["text"] and m.payload["audience"] == "manager"
        ]
        first = await session.scalar(select(func.min(Review.id)))
    assert gathered.payload["review_ids"] == [first + n for n in range(1, 6)]


async def test_a_held_ping_about_a_review_handled_meanwhile_is_not_sent(shops):
    """The manager's rung for #2 falls due a minute after #1's and waits for the interval;
    #2 is answered meanwhile (approved, and on the platform): nobody is asked about it
    later. The one still due (#3) goes, saying how long it has waited by then."""
    shop = await shops()
    for n in range(3):
        await shop.complain(f"{SERVICE[n % 2]}（第{n}桌）", stars=2)
        shop.clock.advance(minutes=1)
    await shop.wait(minutes=90 - 3)
    await shop.wait(minutes=5, step=1)  # #1's manager rung goes; #2's and #3's wait
    (ping,) = shop.to("店长")
    assert "第0桌" in ping
    async with shop.daemon.sessions() as session:
        rows = (await session.scalars(select(Review).order_by(Review.id))).all()
        held = (await session.scalars(select(Page).where(Page.status == "held"))).all()
    assert {p.key for p in held if p.audience == "manager"} == {
        f"escalation:{rows[1].id}:manager",
        f"escalation:{rows[2].id}:manager",
    }
    async with shop.daemon.sessions() as session, session.begin():
        draft = await session.scalar(select(Draft).where(Draft.review_id == rows[1].id))
        outcome = await actions.approve(
            session,
            rows[1].id,
            Actor("t:2", "李店长", {"store-1": "manager"}),
            shop.clock.now(),
            draft_id=draft.id,
            store=shop.daemon.directory.profile("store-1"),
        )
    assert outcome.ok
    await shop.wait(minutes=30)
    (_, later) = shop.to("店长")
    assert "第2桌" in later and "第1桌" not in later
    assert "已等待 1 小时 58 分钟" in later  # #3 waited 118 minutes when it went, not 89


async def test_closing_a_crisis_names_what_was_still_waiting_for_an_update(shops):
    shop = await shops()
    await shop.complain(ILLNESS[0])
    shop.clock.advance(minutes=5)
    await shop.complain(ILLNESS[1])
    async with shop.daemon.sessions() as session, session.begin():
        await close_crisis(session, ["store-1"], "t:1", "王老板", "已送检", shop.clock.now())
    await shop.wait(minutes=60)
    assert len(shop.crisis_pages()) == 1  # no update on a closed crisis
    (closing,) = [text for _, _, text in shop.log if "危机已由 王老板 结束" in text]
    assert "上次通知后又有 1 条评价加入本次危机，请一并核对：#2" in closing
    # Each notice says what it is about, for the channels that ask for crisis pages only.
    async with shop.daemon.sessions() as session:
        rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "notice"))
        topics = {m.dedupe_key.split(":")[1]: m.payload["topic"] for m in rows}
    assert topics["crisis"] == topics["crisis-closed"] == "crisis"
    assert topics["escalation"] == "escalation"


def test_a_long_summary_lists_fifteen_and_points_to_pending():
    """A chat message has a length limit: the rest of a big summary is one /pending away."""
    items = [Page(text=f"⏰ 差评 #{n} 还没有回复") for n in range(1, 21)]
    lines = gathered_message(items).splitlines()
    assert lines[0] == "📋 汇总提醒：上次提醒以来又有 20 条需要跟进"
    assert lines[1:16] == [f"• ⏰ 差评 #{n} 还没有回复" for n in range(1, 16)]
    assert lines[16:] == ["…… 另有 5 条，发送 /pending 查看全部待处理差评"]
