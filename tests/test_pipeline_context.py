"""The pipeline tells the analyzer what the store knows: copies of a text, the author's other
reviews that day, whether there was an order, photos, the menu and the store's own words."""

from __future__ import annotations

import io

from reviewbot.analysis.v1 import AnalyzerV1
from reviewbot.app.daemon import Daemon
from reviewbot.chat.console import ConsoleNotifier
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
