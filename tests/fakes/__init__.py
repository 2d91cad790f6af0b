"""Fake platform servers speaking each platform's documented wire format (aiohttp).

Each one verifies signatures with its own independent code, enforces the platform's
page sizes and windows, and can be told to answer with the platform's error replies.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web


@asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[str]:
    """Run `app` on a free local port; yields its base URL (http://127.0.0.1:PORT)."""
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def adapter_context(http, clock, secrets: dict[str, str], store=None):
    """The context the daemon gives adapters, with the test's clock and secrets."""
    from reviewbot.platforms.context import AdapterContext
    from reviewbot.platforms.credentials import Keepers, MemoryCredentialStore

    return AdapterContext(
        http=http,
        secret=secrets.__getitem__,
        now=clock.now,
        keepers=Keepers(store or MemoryCredentialStore(), clock.now),
    )


async def read_all(adapter, cursor=None, limit: int = 50):
    """Every page of one scan: (reviews, pages, last cursor)."""
    reviews, pages = [], []
    for _ in range(limit):
        page = await adapter.fetch_page(cursor)
        pages.append(page)
        reviews.extend(page.reviews)
        cursor = page.next_cursor
        if not page.has_more:
            return reviews, pages, cursor
    raise AssertionError("the scan never ended")
