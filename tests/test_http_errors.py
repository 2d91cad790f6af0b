"""What the HTTP client reports when a platform misbehaves: errors that keep secrets out of
logs and `sources.last_error`, and waits a platform asks for that stay sane."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp import web

from reviewbot.app.daemon import Daemon
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.platforms.base import Unavailable
from reviewbot.platforms.demo.server import Fault
from reviewbot.store.schema import Source
from tests.conftest import make_settings

SECRET = "tok-5ecret-in-the-query"


@pytest.fixture
async def redirect_loop() -> AsyncIterator[str]:
    """An endpoint that redirects to itself, query string and all, for ever."""

    async def loop(request: web.Request) -> web.Response:
        raise web.HTTPFound(str(request.rel_url))

    app = web.Application()
    app.router.add_get("/reviews", loop)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/reviews"
    finally:
        await runner.cleanup()


async def test_a_transport_error_naming_the_url_leaves_its_query_string_out(http, redirect_loop):
    with pytest.raises(Unavailable) as caught:
        await http.request_json("GET", redirect_loop, params={"access_token": SECRET})
    message = str(caught.value)
    assert "TooManyRedirects" in message and "/reviews" in message
    assert SECRET not in message and "access_token" not in message


@pytest.mark.parametrize(
    ("retry_after", "http_section", "wait_at_most"),
    [
        (float("inf"), {}, timedelta(seconds=1800 * 1.25)),  # no wait at all: plain backoff
        (1e14, {}, timedelta(days=1)),  # 3 million years: the default cap
        (1e14, {"max_reschedule_seconds": 600}, timedelta(minutes=10)),
    ],
)
async def test_an_absurd_retry_after_is_recorded_and_capped(
    database_url, demo, clock, retry_after, http_section, wait_at_most
):
    http = {"max_attempts": 2, "backoff_initial_seconds": 0.01, "backoff_max_seconds": 0.05}
    settings = make_settings(database_url, demo_url=demo.base_url, http=http | http_section)
    daemon = Daemon(settings, clock=clock, notifier=ConsoleNotifier(io.StringIO()))
    await daemon.start(schedule=False)
    try:
        demo.platform.faults.extend([Fault("rate_limit", retry_after=retry_after)] * 2)
        clock.advance(minutes=5)
        (outcome,) = await daemon.poll_all_once()
        async with daemon.sessions() as session:
            source = await session.get(Source, outcome.source_id)
        assert outcome.status == "error"
        assert source.consecutive_errors == 1 and source.last_error.startswith("rate_limited")
        assert clock.now() < source.next_poll_at <= clock.now() + wait_at_most
        if retry_after != float("inf"):
            assert source.next_poll_at == clock.now() + wait_at_most  # the cap, exactly

        demo.platform.faults.clear()  # a wait too long to sleep through was not retried
        demo.platform.add_review("shop-1", "限流过后：菜还是凉的", 2)
        clock.advance(days=2)  # past any wait: the account is polled again, and recovers
        (outcome,) = await daemon.poll_all_once()
        assert outcome.status == "ok" and outcome.result.new == 1
    finally:
        await daemon.stop()
        await daemon.close()
