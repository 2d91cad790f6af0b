"""What the HTTP client reports when a platform misbehaves: errors that keep secrets out of
logs and `sources.last_error`, and waits a platform asks for that stay sane."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp import web

from reviewbot.chat.console import ConsoleNotifier
from reviewbot.daemon import Daemon
from reviewbot.platforms.base import Unavailable
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
