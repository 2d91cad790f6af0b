"""The jsonfeed adapter against a local feed server, with each cursor style."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import func, select

from reviewbot.app.daemon import Daemon
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.platforms.base import AuthExpired, MalformedResponse, ReplyNotSupported
from reviewbot.platforms.jsonfeed import JsonFeedAdapter
from reviewbot.sourceconfig import JsonFeedSource
from reviewbot.store.schema import QuarantinedItem, Review
from tests.conftest import make_settings

TOKEN = "s3cret-token"
ITEMS = [
    {
        "rid": 9007199254740993,
        "body": "鱼香肉丝太甜了",
        "score": 4,
        "ts": "2026-11-20 12:00:00",
        "user": {"nick": "阿强"},
        "photos": "https://i/1.jpg, https://i/2.jpg",
    },
    {
        "rid": "b-2",
        "body": "<i>很好吃</i>",
        "score": 10,
        "ts": 1763600000,
        "user": {"nick": "小美"},
        "photos": "",
    },
    {"rid": "b-3", "body": "", "score": 2, "ts": "2026-11-20T14:00:00+08:00", "user": None},
    {"body": "no id here", "score": 1},
]


class Feed:
    """A review feed with a bearer token (or `?api_key=`), pages of 2, and a `next` cursor in
    the body."""

    def __init__(self) -> None:
        self.items = list(ITEMS)
        self.requests: list[dict[str, str]] = []
        self.replies: list[tuple[str, str]] = []

    def app(self) -> web.Application:
        def authorized(request: web.Request) -> bool:
            return (
                request.headers.get("Authorization") == f"Bearer {TOKEN}"
                or request.query.get("api_key") == TOKEN
            )

        async def reviews(request: web.Request) -> web.Response:
            self.requests.append(dict(request.query))
            if not authorized(request):
                return web.json_response({"error": "unauthorized"}, status=401)
            start = int(request.query.get("after", "0"))
            size = int(request.query.get("n", "2"))
            page = self.items[start : start + size]
            more = start + size < len(self.items)
            return web.json_response(
                {"result": {"list": page, "next": str(start + len(page)), "more": more}}
            )

        async def reply(request: web.Request) -> web.Response:
            if not authorized(request):
                return web.json_response({"error": "unauthorized"}, status=401)
            body = await request.json()
            self.replies.append((request.match_info["rid"], body["text"]))
            return web.json_response({"ok": True})

        app = web.Application()
        app.router.add_get("/v1/reviews", reviews)
        app.router.add_post("/v1/reviews/{rid}/reply", reply)
        return app


@pytest.fixture
async def feed() -> AsyncIterator[tuple[Feed, str]]:
    feed = Feed()
    runner = web.AppRunner(feed.app())
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    try:
        yield feed, f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def source(base: str, **overrides: Any) -> JsonFeedSource:
    data: dict[str, Any] = {
        "platform": "jsonfeed",
        "account": "feed",
        "url": f"{base}/v1/reviews",
        "items_path": "result.list",
        "cursor_param": "after",
        "next_cursor_path": "result.next",
        "has_more_path": "result.more",
        "page_size_param": "n",
        "page_size": 2,
        "rating_scale": 10,
        "auth_header": "Authorization",
        "auth_prefix": "Bearer ",
        "auth_secret_env": "FEED_TOKEN",
        "reply_url": f"{base}/v1/reviews/{{id}}/reply",
        "reply_text_field": "text",
        "fields": {
            "id": "rid",
            "text": "body",
            "rating": "score",
            "created_at": "ts",
            "author": "user.nick",
            "images": "photos",
        },
    }
    data.update(overrides)
    return JsonFeedSource.model_validate(data)


async def test_pages_are_mapped_to_reviews(feed, http):
    server, base = feed
    adapter = JsonFeedAdapter(http, source(base), TOKEN)
    first = await adapter.fetch_page(None)
    assert [r.external_id for r in first.reviews] == ["9007199254740993", "b-2"]  # int64 exact
    big, nice = first.reviews
    assert big.text == "鱼香肉丝太甜了" and big.rating == 2.0 and big.author == "阿强"
    assert big.images == ("https://i/1.jpg", "https://i/2.jpg")
    assert big.created_at.isoformat() == "2026-11-20T04:00:00+00:00"  # Beijing time → UTC
    assert nice.text == "很好吃" and nice.rating == 5.0
    assert first.has_more and first.next_cursor == "2"
    second = await adapter.fetch_page(first.next_cursor)
    assert [r.external_id for r in second.reviews] == ["b-3"]
    assert second.reviews[0].text == "" and second.reviews[0].author is None
    assert [item.reason for item in second.rejected] == ["ValueError: item has no id at 'rid'"]
    assert not second.has_more
    assert server.requests[-1] == {"after": "2", "n": "2"}


async def test_a_wrong_token_is_an_auth_error_not_retried(feed, http, sleeps):
    _, base = feed
    with pytest.raises(AuthExpired):
        await JsonFeedAdapter(http, source(base), "wrong").fetch_page(None)
    assert sleeps.calls == []


async def test_a_cursor_derived_from_the_items(feed, http):
    server, base = feed
    server.items = [{"rid": n, "body": f"第{n}条"} for n in (3, 11, 7)]
    settings = source(
        base, next_cursor_path=None, has_more_path=None, cursor_field="rid", page_size=50
    )
    page = await JsonFeedAdapter(http, settings, TOKEN).fetch_page(None)
    assert page.next_cursor == "11" and not page.has_more  # numeric, not "7" > "11"


async def test_a_full_page_of_one_cursor_value_is_an_error_not_a_silent_stop(feed, http):
    """Page after page of the same timestamp (an aggregator's batch import) would re-read
    one page on every poll and never reach the rest: say so, and what to change."""
    server, base = feed
    server.items = [{"rid": n, "body": f"第{n}条", "seq": min(n, 5)} for n in range(7)]
    settings = source(
        base, next_cursor_path=None, has_more_path=None, cursor_field="seq", page_size=2
    )
    adapter = JsonFeedAdapter(http, settings, TOKEN)
    assert (await adapter.fetch_page("3")).next_cursor == "4"  # items 3 and 4: it moves
    with pytest.raises(MalformedResponse, match=r"seq = 5: the cursor cannot move.*page_size"):
        await adapter.fetch_page("5")  # items 5 and 6, both at 5


async def test_a_feed_without_the_list_is_malformed(feed, http):
    _, base = feed
    with pytest.raises(MalformedResponse, match=r"result\.items"):
        await JsonFeedAdapter(http, source(base, items_path="result.items"), TOKEN).fetch_page(None)


async def test_replies_go_to_the_configured_url(feed, http):
    server, base = feed
    await JsonFeedAdapter(http, source(base), TOKEN).post_reply("b/2", "谢谢您")
    assert server.replies == [("b/2", "谢谢您")]
    with pytest.raises(ReplyNotSupported):
        await JsonFeedAdapter(http, source(base, reply_url=None), TOKEN).post_reply("x", "y")


async def test_the_daemon_polls_a_jsonfeed_with_its_secret(database_url, feed, clock, monkeypatch):
    server, base = feed
    monkeypatch.setenv("FEED_TOKEN", TOKEN)
    settings = make_settings(database_url, sources=[source(base).model_dump(exclude_none=True)])
    daemon = Daemon(settings, clock=clock, notifier=ConsoleNotifier(io.StringIO()))
    await daemon.start(schedule=False)
    try:
        await daemon.poll_all_once()
        async with daemon.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(Review)) == 3
            assert await session.scalar(select(func.count()).select_from(QuarantinedItem)) == 1
        assert len(server.requests) == 2  # both pages in one poll
    finally:
        await daemon.stop()
        await daemon.close()


async def test_a_secret_can_travel_as_a_query_parameter(database_url, feed, clock, monkeypatch):
    server, base = feed
    monkeypatch.setenv("FEED_KEY", TOKEN)
    settings = source(
        base, auth_header=None, auth_prefix="", auth_param="api_key", auth_secret_env="FEED_KEY"
    )
    daemon = Daemon(
        make_settings(database_url, sources=[settings.model_dump(exclude_none=True)]),
        clock=clock,
        notifier=ConsoleNotifier(io.StringIO()),
    )
    await daemon.start(schedule=False)
    try:
        (outcome,) = await daemon.poll_all_once()
        assert outcome.status == "ok" and outcome.result.new == 3, outcome.error
        assert server.requests[0]["api_key"] == TOKEN
        (running,) = daemon.sources.values()
        await running.adapter.post_reply("b-2", "谢谢您")  # the reply URL gets it too
        assert server.replies == [("b-2", "谢谢您")]
    finally:
        await daemon.stop()
        await daemon.close()
