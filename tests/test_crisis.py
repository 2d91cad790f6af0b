"""Crisis mode: entry by each trigger, one open crisis per store, and its end."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from reviewbot.app.daemon import Daemon
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.config import parse_settings
from reviewbot.jobs.crisis import CHECKLIST
from reviewbot.store.schema import AuditEntry, Crisis, OutboxMessage, Review, Store
from reviewbot.workflow.crisis import close_crisis
from tests.conftest import TEST_FACTS
from tests.fakes import serve


def settings(database_url: str, sources: list[dict[str, Any]]) -> Any:
    return parse_settings(
        {
            "database": {"url": database_url},
            "http": {"timeout_seconds": 0.5, "max_attempts": 2, "backoff_initial_seconds": 0.01},
            "demo": {"serve": False},
            "daemon": {"alert_max_age_hours": 24 * 60},
            "stores": [
                {"id": "store-1", "name": "测试小馆", "facts": TEST_FACTS, "sources": sources}
            ],
        }
    )


class Shop:
    def __init__(self, daemon: Daemon, out: io.StringIO, demo, clock) -> None:
        self.daemon, self.out, self.demo, self.clock = daemon, out, demo, clock

    async def reviews(
        self, *items: tuple[str, int], days_ago: float = 0, drain: bool = True
    ) -> None:
        """Reviews that became visible `days_ago` before the present; calls must go
        forward in time (oldest first), as polls do. The present moves 5 minutes a call.
        Without `drain` they are only polled (stored, seen then): the next drain analyses
        them, and the crisis check runs then."""
        self.present = getattr(self, "present", self.clock.now()) + timedelta(minutes=5)
        self.clock._now = self.present - timedelta(days=days_ago)
        for text, stars in items:
            self.demo.platform.add_review("shop-1", text, stars)
        await self.daemon.poll_all_once()
        if drain:
            await self.daemon.drain()
        self.clock._now = self.present

    async def crises(self) -> list[Crisis]:
        async with self.daemon.sessions() as session:
            return list((await session.scalars(select(Crisis).order_by(Crisis.id))).all())

    def pages(self) -> list[str]:
        return [
            block for block in self.out.getvalue().split("━━━ 紧急通知 · 测试小馆 · 致店主 ━━━")[1:]
        ]


@pytest.fixture
async def shop(database_url, demo, clock) -> AsyncIterator[Shop]:
    out = io.StringIO()
    daemon = Daemon(
        settings(
            database_url, [{"platform": "demo", "account": "shop-1", "base_url": demo.base_url}]
        ),
        clock=clock,
        notifier=ConsoleNotifier(out, color=False),
    )
    await daemon.start(schedule=False)
    try:
        yield Shop(daemon, out, demo, clock)
    finally:
        await daemon.stop()
        await daemon.close()


async def test_an_illness_claim_pages_the_owner_with_a_holding_statement(shop):
    await shop.reviews(("味道还行", 4))
    assert await shop.crises() == []
    await shop.reviews(("昨晚吃了你家的酸菜鱼，全家拉肚子，今天去医院说是食物中毒", 1))

    (crisis,) = await shop.crises()
    assert crisis.status == "open" and crisis.triggers == ["illness"]
    (page,) = shop.pages()
    assert "门店进入危机处理状态" in page and "顾客反映食物中毒或身体不适" in page
    assert "全家拉肚子" in page
    assert crisis.holding_statement and crisis.holding_statement in page
    assert "核查" in crisis.holding_statement  # the reply engine's careful hygiene reply
    assert all(item in page for item in CHECKLIST)
    async with shop.daemon.sessions() as session:
        message = await session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.kind == "notice",
                OutboxMessage.payload["level"].as_string() == "critical",
            )
        )
    assert message.destination == "chat:store-1:urgent"  # nothing held back can delay it

    await shop.daemon.drain()  # checking again pages nobody twice
    assert len(shop.pages()) == 1


async def test_a_spike_above_the_stores_baseline_starts_a_crisis(shop):
    await shop.reviews(("菜太咸了", 2), ("太难吃了，菜都是凉的", 2))
    assert await shop.crises() == []  # two is not a spike
    await shop.reviews(("这菜又咸又油，难吃", 1))
    (crisis,) = await shop.crises()
    assert crisis.triggers == ["spike:food"] and len(crisis.review_ids) == 3
    assert "菜品类差评一天内集中出现（近 24 小时 3 条，此前 30 天一条也没有）" in shop.pages()[0]
    # The unified response of a crisis of three reviews speaks to every customer about
    # what they complained of; it is no reply to one of them (「您说…」).
    statement = crisis.holding_statement
    assert statement and statement in shop.pages()[0]
    assert statement.startswith(("各位", "致各位")) and "菜品" in statement
    assert "您说" not in statement and "「" not in statement


async def test_a_quibble_in_a_good_review_is_no_part_of_a_spike(shop):
    """The demo's first minute paged the owner: two bad reviews and a 4★ one that found
    the tofu a little salty made a "spike" of three food complaints."""
    await shop.reviews(
        ("菜太咸了", 2),
        ("太难吃了，菜都是凉的", 2),
        ("麻婆豆腐很嫩，花椒面够麻，就是我个人觉得咸了一丢丢，配饭刚好", 4),
    )
    assert await shop.crises() == []
    await shop.reviews(("这菜又咸又油，难吃", 1))  # a third bad one still is
    (crisis,) = await shop.crises()
    assert crisis.triggers == ["spike:food"] and len(crisis.review_ids) == 3


@pytest.mark.one_database  # the paging and crisis logic, not the database: SQLite
@pytest.mark.slow
async def test_a_store_that_usually_gets_such_complaints_is_not_in_crisis(shop):
    # Two food complaints a day for a month, each day's seen that day; analysed with
    # today's (one drain, not thirty: the rule under test reads the stored history).
    for day in range(30, 0, -1):
        await shop.reviews(
            (f"第{day}天：菜太咸了", 2),
            (f"第{day}天：菜是凉的，难吃", 2),
            days_ago=day + 0.5,
            drain=False,
        )
    await shop.reviews(("菜太咸了", 2), ("太难吃了，菜都是凉的", 2), ("这菜又咸又油，难吃", 1))
    assert await shop.crises() == []


@pytest.mark.one_database  # the paging and crisis logic, not the database: SQLite
async def test_a_new_accounts_old_reviews_are_history_not_a_crisis(shop):
    """A store's first poll brings weeks of old reviews, all first seen now: an illness
    claim from last month and a bad week are no crisis today; they are its baseline."""
    old = shop.clock.now() - timedelta(days=20)
    shop.demo.platform.add_review("shop-1", "吃完全家拉肚子，去医院说是食物中毒", 1, when=old)
    for day in range(20, 2, -1):  # two food complaints a day, written long ago
        when = shop.clock.now() - timedelta(days=day, hours=1)
        shop.demo.platform.add_review("shop-1", f"第{day}天：菜太咸了", 2, when=when)
        shop.demo.platform.add_review("shop-1", f"第{day}天：菜是凉的，难吃", 2, when=when)
    # … and three from two and a half days ago: not "today" for being first seen today.
    when = shop.clock.now() - timedelta(days=2, hours=12)
    for text in ("鱼香肉丝太咸了", "回锅肉都是凉的，难吃", "这菜又咸又油"):
        shop.demo.platform.add_review("shop-1", text, 1, when=when)
    await shop.reviews()
    async with shop.daemon.sessions() as session:
        assert len((await session.scalars(select(Review))).all()) == 40  # all stored
    assert await shop.crises() == [] and shop.pages() == []

    # Three food complaints today are the store's usual (about 1.2 a day), not a spike.
    await shop.reviews(("菜太咸了", 2), ("太难吃了，菜都是凉的", 2), ("这菜又咸又油，难吃", 1))
    assert await shop.crises() == []
    # A fresh illness claim still is a crisis at once.
    await shop.reviews(("昨晚吃了你家的酸菜鱼，全家拉肚子", 1))
    (crisis,) = await shop.crises()
    assert crisis.triggers == ["illness"]


async def test_a_follow_up_claiming_food_poisoning_days_later_pages_the_owner(shop):
    """Meituan customers append (追评) days later: 第二天住院了 on a review written three
    days ago is today's news."""
    written = shop.clock.now()
    review = shop.demo.platform.add_review("shop-1", "鱼香肉丝有点咸", 3, when=written)
    await shop.reviews()
    shop.present = shop.clock._now = written + timedelta(days=3)
    follow_up = "吃完第二天上吐下泻，住院了，医生说是食物中毒"
    shop.demo.platform.add_follow_up(review.review_id, follow_up)
    await shop.reviews()
    (crisis,) = await shop.crises()
    assert crisis.triggers == ["illness"]
    assert "住院了" in shop.pages()[0]


async def test_a_falling_rating_starts_a_crisis(shop):
    for day in range(12, 0, -1):  # analysed with today's, in one drain
        await shop.reviews((f"第{day}天，很好吃", 5), days_ago=day, drain=False)
    await shop.reviews(("一般", 3), ("还行吧", 3), ("不太行", 2), ("可以", 4), ("一般般", 3))
    (crisis,) = await shop.crises()
    assert crisis.triggers == ["rating_drop"]
    assert "近 24 小时平均 3.0 星，近 30 天平均 5.0 星" in shop.pages()[0]


@pytest.fixture
async def two_platforms(database_url, demo, clock) -> AsyncIterator[tuple[Shop, list[dict]]]:
    """The store on the demo platform and on a JSON feed whose items the test appends."""
    items: list[dict] = []

    async def feed(request: web.Request) -> web.Response:
        return web.json_response({"items": items})

    app = web.Application()
    app.router.add_get("/reviews", feed)
    async with serve(app) as feed_url:
        out = io.StringIO()
        daemon = Daemon(
            settings(
                database_url,
                [
                    {"platform": "demo", "account": "shop-1", "base_url": demo.base_url},
                    {
                        "platform": "jsonfeed",
                        "account": "feed",
                        "url": f"{feed_url}/reviews",
                        "items_path": "items",
                        "fields": {"id": "id", "text": "text", "rating": "score"},
                    },
                ],
            ),
            clock=clock,
            notifier=ConsoleNotifier(out, color=False),
        )
        await daemon.start(schedule=False)
        try:
            yield Shop(daemon, out, demo, clock), items
        finally:
            await daemon.stop()
            await daemon.close()


async def test_the_same_review_on_two_platforms_starts_a_crisis(two_platforms):
    shop, feed = two_platforms
    text = "这家店后厨脏乱差，老鼠到处跑，大家千万别去吃！"
    feed.append({"id": "f1", "text": text + "！！", "score": 1})
    await shop.reviews((text, 1))
    crises = await shop.crises()
    assert ["repost"] in [[t for t in c.triggers if t == "repost"] for c in crises]
    assert "同一条评价在多个平台出现（出现在：JSON 数据源、演示平台）" in shop.out.getvalue()


async def test_every_reposted_review_is_noticed_not_only_the_first(two_platforms):
    """A second reposted text joins the open crisis, and a third, after the owner closed it,
    opens a new one (the detector used to stop at the first group it had already seen)."""
    shop, feed = two_platforms
    texts = (
        "服务员态度非常差，等了一个小时才上菜，叫了几次都没人理",
        "外卖送到的时候汤全洒了，包装太差劲了，再也不点了",
        "店里桌子油腻腻的，地上全是纸巾，环境实在太差",
    )

    async def repost(n: int) -> list[int]:
        feed.append({"id": f"f{n}", "text": texts[n], "score": 2})
        await shop.reviews((texts[n], 2))
        async with shop.daemon.sessions() as session:
            rows = await session.scalars(select(Review).where(Review.text == texts[n]))
            return sorted(r.id for r in rows)

    first = await repost(0)
    (crisis,) = await shop.crises()
    assert (crisis.triggers, crisis.review_ids) == (["repost"], first)
    shop.present += timedelta(hours=6)
    second = await repost(1)
    (crisis,) = await shop.crises()
    assert crisis.review_ids == sorted(first + second)
    assert "危机情况有新进展" in shop.pages()[1]

    async with shop.daemon.sessions() as session, session.begin():
        await close_crisis(session, ["store-1"], "t:1", "王老板", "已逐一回复", shop.clock.now())
    shop.present += timedelta(hours=6)
    third = await repost(2)
    closed, reopened = await shop.crises()
    assert (closed.status, reopened.status) == ("closed", "open")
    assert (reopened.triggers, reopened.review_ids) == (["repost"], third)


async def test_later_triggers_join_the_open_crisis_and_an_owner_closes_it(shop):
    await shop.reviews(("吃完上吐下泻，怀疑食物中毒", 1))
    await shop.reviews(("我也是，吃完拉肚子一整晚", 1))
    (crisis,) = await shop.crises()
    assert len(crisis.review_ids) == 2 and len(shop.pages()) == 1  # gathered for the update
    shop.present += timedelta(minutes=30)
    shop.clock._now = shop.present
    await shop.daemon.drain()
    assert "危机情况有新进展" in shop.pages()[1] and "拉肚子一整晚" in shop.pages()[1]

    async with shop.daemon.sessions() as session, session.begin():
        await close_crisis(
            session,
            ["store-1"],
            "telegram:1",
            "王老板",
            "已送检留样，结果正常；已逐一联系顾客",
            shop.clock.now(),
        )
    await shop.daemon.drain()
    (crisis,) = await shop.crises()
    assert crisis.status == "closed" and crisis.closed_by == "王老板"
    assert crisis.summary == "已送检留样，结果正常；已逐一联系顾客"
    assert "危机已由 王老板 结束" in shop.out.getvalue()
    async with shop.daemon.sessions() as session:
        closed = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "crisis.closed")
        )
    assert closed.details["summary"] == crisis.summary

    await shop.daemon.drain()  # the same reviews do not reopen it
    assert len(await shop.crises()) == 1
    await shop.reviews(("第三个人说吃了也不舒服，胃疼呕吐", 1))  # a new claim is a new crisis
    assert [c.status for c in await shop.crises()] == ["closed", "open"]


async def test_the_database_allows_one_open_crisis_per_store(sessions, clock):
    """The lease is not the only guard: replicas with skewed clocks cannot both open one."""
    async with sessions() as session, session.begin():
        for store in ("a", "b"):
            session.add(Store(id=store, name=store, created_at=clock.now()))

    def crisis(store: str, status: str = "open") -> Crisis:
        return Crisis(
            store_id=store, status=status, triggers=[], review_ids=[], started_at=clock.now()
        )

    async with sessions() as session, session.begin():
        session.add_all([crisis("a"), crisis("a", "closed"), crisis("a", "closed"), crisis("b")])
    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            session.add(crisis("a"))
    async with sessions() as session:
        assert len((await session.scalars(select(Crisis))).all()) == 4
