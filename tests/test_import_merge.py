"""An export imported into a polled account meets the reviews the API already gave us:
it fills what the API lacks and never overwrites it, so importing and polling do not
flip a review back and forth between two versions (and two alerts each time)."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import pytest
from sqlalchemy import func, select

from reviewbot.app.daemon import Daemon
from reviewbot.app.exports import import_export, parse_export
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.store.schema import Alert, Review, ReviewRevision
from tests.conftest import make_settings
from tests.fakes import serve
from tests.fakes.dianping import DianpingPlatform
from tests.fakes.eleme import ElemePlatform

ENV = {"ELE_SECRET": "ele_secret", "DP_SECRET": "dp_secret", "DP_SESSION": "sess123"}


@pytest.fixture
async def platforms(database_url, clock, monkeypatch) -> AsyncIterator[dict[str, Any]]:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    eleme, dianping = ElemePlatform(now=clock.now), DianpingPlatform(now=clock.now)
    async with AsyncExitStack() as stack:
        ele_url = await stack.enter_async_context(serve(eleme.app()))
        dp_url = await stack.enter_async_context(serve(dianping.app()))
        sources = [
            {
                "platform": "eleme",
                "account": "123456",
                "app_key": "appkey1",
                "app_secret_env": "ELE_SECRET",
                "base_url": ele_url,
            },
            {
                "platform": "dianping",
                "open_shop_uuid": "abc",
                "app_key": "1000069",
                "app_secret_env": "DP_SECRET",
                "session_env": "DP_SESSION",
                "base_url": dp_url,
            },
        ]
        daemon = Daemon(
            make_settings(database_url, sources=sources),
            clock=clock,
            notifier=ConsoleNotifier(io.StringIO()),
        )
        await daemon.start(schedule=False)
        try:
            yield {"daemon": daemon, "eleme": eleme, "dianping": dianping}
        finally:
            await daemon.stop()
            await daemon.close()


async def import_rows(daemon: Daemon, rows: list[list[Any]], platform: str, account: str) -> None:
    """What `reviewbot import` does with a file, into the polled account."""
    await import_export(
        daemon.sessions,
        parse_export(rows),
        store_id="store-1",
        store_name="测试小馆",
        platform=platform,
        account=account,
        polled=True,
        now=daemon.clock.now(),
    )


async def poll(daemon: Daemon) -> None:
    daemon.clock.advance(minutes=10)
    await daemon.poll_all_once()
    await daemon.drain()


async def state(daemon: Daemon, platform: str) -> tuple[Review, list[str], int]:
    async with daemon.sessions() as session:
        review = await session.scalar(select(Review).where(Review.platform == platform))
        kinds = (
            await session.scalars(
                select(Alert.kind).where(Alert.review_id == review.id).order_by(Alert.id)
            )
        ).all()
        revisions = await session.scalar(
            select(func.count())
            .select_from(ReviewRevision)
            .where(ReviewRevision.review_id == review.id)
        )
    return review, list(kinds), revisions or 0


ELEME_ITEMS = [
    {
        "itemId": 1,
        "itemName": "宫保鸡丁",
        "rating": 1,
        "rateContent": "太咸了，根本没法吃",
        "pictures": ["https://i/1.jpg"],
    }
]


async def test_reimporting_an_export_never_flips_a_polled_review(platforms):
    daemon, eleme = platforms["daemon"], platforms["eleme"]
    rate = eleme.add("送得太慢，菜都凉了", 1, items=ELEME_ITEMS)
    await poll(daemon)
    polled, _, _ = await state(daemon, "eleme")
    export = [
        ["评价ID", "评价内容", "评分", "评价时间", "用户昵称"],
        [rate["id"], "送得太慢，菜都凉了", "1", rate["ratedAt"].replace("T", " "), "吃货小王"],
    ]

    for _ in range(2):
        await import_rows(daemon, export, "eleme", "123456")
        await daemon.drain()
        await poll(daemon)

    review, kinds, revisions = await state(daemon, "eleme")
    assert review.revision == 1 and revisions == 1 and kinds == ["new"]
    assert review.text == polled.text and "【宫保鸡丁】" in review.text  # not the export's
    assert review.images == ["https://i/1.jpg"] and review.raw == polled.raw
    assert review.details["items"] == polled.details["items"]
    assert review.author == "吃货小王"  # what the API lacks, the export fills in
    assert review.details["origin"] == "poll" and review.details["filled"] == ["author"]


async def test_an_export_gives_dianping_reviews_their_text_and_polls_keep_it(platforms):
    daemon, dianping = platforms["daemon"], platforms["dianping"]
    item = dianping.add(1)
    await poll(daemon)
    export = [["评价ID", "评价内容", "星级"], [item["reviewId"], "服务员把汤洒在我身上", "10"]]

    await import_rows(daemon, export, "dianping", "abc/dianping")
    await daemon.drain()
    await poll(daemon)
    await import_rows(daemon, export, "dianping", "abc/dianping")
    await poll(daemon)

    review, kinds, revisions = await state(daemon, "dianping")
    assert review.text == "服务员把汤洒在我身上"  # the API has no text; kept across polls
    assert review.revision == 2 and revisions == 2  # the export added words once
    assert kinds == ["new", "updated"]


async def test_polling_an_imported_review_takes_over_without_a_new_revision(platforms):
    daemon, eleme = platforms["daemon"], platforms["eleme"]
    rate = eleme.add("送得太慢，菜都凉了", 1, items=ELEME_ITEMS)
    export = [
        ["评价ID", "评价内容", "评分", "评价时间"],
        [rate["id"], "送得太慢，菜都凉了", "1", rate["ratedAt"].replace("T", " ")],
    ]
    await import_rows(daemon, export, "eleme", "123456")
    await daemon.drain()

    await poll(daemon)  # the API shows the same review, with the dish-level lines
    await poll(daemon)

    review, kinds, revisions = await state(daemon, "eleme")
    assert review.revision == 1 and revisions == 1 and kinds == ["new"]
    assert "【宫保鸡丁】" in review.text and review.images == ["https://i/1.jpg"]
    assert review.details["origin"] == "poll"

    rate["rating"] = 2  # now the customer really changes something
    await poll(daemon)
    review, kinds, _ = await state(daemon, "eleme")
    assert review.revision == 2 and review.rating == 2.0
