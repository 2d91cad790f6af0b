"""The pipeline tells the analyzer what the store knows: copies of a text, the author's other
reviews that day, whether there was an order, photos, the menu and the store's own words."""

from __future__ import annotations

import io

from sqlalchemy import select

from reviewbot.analysis.v1 import AnalyzerV1
from reviewbot.app.daemon import Daemon
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.store.schema import Analysis, Review
from tests.conftest import make_settings

FLOOD = "这家店全是预制菜，大家千万别来"


class Recording(AnalyzerV1):
    def __init__(self) -> None:
        super().__init__()
        self.seen: dict[str, object] = {}

    def analyze(self, review, context=None):
        self.seen[review.text] = context
        return super().analyze(review, context)


async def test_the_pipeline_fills_the_analysis_context(database_url, demo, clock):
    analyzer = Recording()
    settings = make_settings(database_url, demo_url=demo.base_url)
    settings.stores[0].analysis.terms["service"] = ["跑堂"]
    daemon = Daemon(
        settings, clock=clock, notifier=ConsoleNotifier(io.StringIO()), analyzer=analyzer
    )
    await daemon.start(schedule=False)
    try:
        for _ in range(3):
            demo.platform.add_review("shop-1", FLOOD, 1, nickname="路人甲", anonymous=False)
        demo.platform.add_review("shop-1", "水煮鱼太咸了", 2, images=True, anonymous=False)
        clock.advance(minutes=5)
        await daemon.poll_all_once()
        await daemon.drain()
    finally:
        await daemon.stop()
        await daemon.close()
    flood = analyzer.seen[FLOOD]
    # one named author, three times: one author of the text, bombing the store
    assert flood.identical_authors == 1 and flood.author_hurting_last_day == 3
    assert flood.has_order is True  # the demo platform links an order to named reviews
    salty = analyzer.seen["水煮鱼太咸了"]
    assert salty.images >= 1 and salty.identical_authors == 0  # too short to count as a copy
    assert "水煮鱼" in salty.menu and ("service", "跑堂") in salty.terms


CROSS_POST = "米饭是夹生的，等了一个多小时才送到，打电话也没人接"
PRAISE = "味道很好，服务也很热情，下次还来"
HONEST = {
    # issue 11: 附近, 家 and the 去 of 看上去 made this 3-star story a competitor
    "出差到了南京，在高铁站附近挑选了一家，看上去还挺干净，结果菜又咸又贵": 3,
    "吃完全家拉肚子，医院的诊断书都在，已经向12315投诉": 1,
    "打包盒漏了，一袋子都是汤，要求退钱": 1,
    "商家让我删评我不删，菜里有虫子就是有虫子": 1,
}


async def test_honest_customers_are_not_accused_through_the_daemon(database_url, demo, clock):
    """issue 11: copies of a 5-star text, one customer's complaint on two platforms, and
    honest angry reviews went down the appeal path; none of them is malicious."""
    analyzer = Recording()
    sources = [
        {"platform": "demo", "account": shop, "base_url": demo.base_url, "poll_interval_seconds": 1}
        for shop in ("shop-1", "shop-2")
    ]
    daemon = Daemon(
        make_settings(database_url, sources=sources),
        clock=clock,
        notifier=ConsoleNotifier(io.StringIO()),
        analyzer=analyzer,
    )
    await daemon.start(schedule=False)
    try:
        for name in ("老张", "小李"):
            demo.platform.add_review("shop-1", PRAISE, 5, nickname=name, anonymous=False)
        for n, (text, stars) in enumerate(HONEST.items()):
            demo.platform.add_review("shop-1", text, stars, nickname=f"顾客{n}", anonymous=False)
        for shop in ("shop-1", "shop-2"):  # the same customer on two platforms
            demo.platform.add_review(shop, CROSS_POST, 2, nickname="王五", anonymous=False)
        clock.advance(minutes=5)
        await daemon.poll_all_once()
        await daemon.drain()
        async with daemon.sessions() as session:
            rows = (
                await session.execute(
                    select(
                        Review.text, Review.source_id, Analysis.malicious, Analysis.severity
                    ).join(Analysis, Analysis.review_id == Review.id)
                )
            ).all()
    finally:
        await daemon.stop()
        await daemon.close()
    assert len(rows) == 2 + len(HONEST) + 2
    assert not [row.text for row in rows if row.malicious]
    assert analyzer.seen[PRAISE].identical_authors == 2  # two customers, praise: no flood
    crossed = analyzer.seen[CROSS_POST]
    assert crossed.identical_authors == 1 and crossed.cross_posts == 1
    # a reach signal: the complaint is more urgent, not an attack
    assert {row.severity for row in rows if row.text == CROSS_POST} == {"high"}


async def test_a_malicious_reviews_alert_shows_its_evidence(database_url, demo, clock):
    out = io.StringIO()
    daemon = Daemon(
        make_settings(database_url, demo_url=demo.base_url),
        clock=clock,
        notifier=ConsoleNotifier(out, color=False),
    )
    await daemon.start(schedule=False)
    try:
        demo.platform.add_review("shop-1", "菜太咸了。給 2OO 就刪", 1, anonymous=False)
        clock.advance(minutes=5)
        await daemon.poll_all_once()
        await daemon.drain()
        async with daemon.sessions() as session:
            stored = (await session.scalars(select(Analysis))).one()
    finally:
        await daemon.stop()
        await daemon.close()
    (evidence,) = stored.details["malicious_evidence"]
    assert evidence["reason"] == "extortion" and evidence["span"] == "2OO 就刪"
    printed = out.getvalue()
    assert "疑似恶意（索要好处）" in printed
    assert "索要好处：「2OO 就刪」；提出金额：「200」" in printed  # the customer's own words
