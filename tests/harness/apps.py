"""What the DingTalk and WeCom app-bot tests share: one store with four people on the demo
platform, its chat channel given, and the daemon driven step by step on the fake clock."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol, TypeVar

import aiohttp
from sqlalchemy import select

from reviewbot.app.daemon import Daemon
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.clock import FakeClock
from reviewbot.config import parse_settings
from reviewbot.store.schema import OutboxMessage
from tests.conftest import TEST_FACTS
from tests.harness.telegram import NEGATIVE


class Server(Protocol):
    """A fake of tests/fakes/ (start answers its base URL)."""

    async def start(self) -> str: ...
    async def stop(self) -> None: ...


Fake = TypeVar("Fake", bound=Server)
ShopT = TypeVar("ShopT", bound="AppShop")


def app_settings(
    database_url: str, demo_url: str, channel: dict[str, Any], id_key: str, ids: tuple[str, ...]
) -> dict[str, Any]:
    """The settings of store-1 with `channel`; `ids` are owner, manager and two staff's
    user ids on the chat service, under the person's `id_key`."""
    owner, manager, staff, staff2 = ids
    person = lambda name, uid, role: {  # noqa: E731
        "name": name,
        id_key: uid,
        "role": role,
        "stores": ["store-1"],
    }
    return {
        "database": {"url": database_url, "auto_upgrade": True},
        "http": {"timeout_seconds": 5.0, "max_attempts": 2, "backoff_initial_seconds": 0.01},
        "demo": {"serve": False},
        "people": [
            person("王老板", owner, "owner"),
            person("李店长", manager, "manager"),
            person("小张", staff, "staff"),
            person("小刘", staff2, "staff"),
        ],
        "stores": [
            {
                "id": "store-1",
                "name": "测试小馆",
                "facts": TEST_FACTS,
                "channels": [channel],
                "sources": [{"platform": "demo", "account": "shop-1", "base_url": demo_url}],
            }
        ],
    }


class AppShop:
    """The daemon with its app bot; subclasses add the service's taps and messages."""

    def __init__(self, daemon: Daemon, fake: Any, demo: Any, clock: FakeClock) -> None:
        self.daemon, self.fake, self.demo, self.clock = daemon, fake, demo, clock

    async def review_arrives(self, text: str = NEGATIVE) -> None:
        self.demo.platform.add_review("shop-1", text, 1)
        self.clock.advance(minutes=5)
        await self.daemon.poll_all_once()
        await self.daemon.drain()

    async def settle(self, seconds: float = 70, rounds: int = 10) -> None:
        """Let the bot's queue drain as time passes (a retry's wait at a time)."""
        for _ in range(rounds):
            async with self.daemon.sessions() as session:
                waiting = await session.scalar(
                    select(OutboxMessage.id).where(
                        OutboxMessage.kind == "robot", OutboxMessage.status == "pending"
                    )
                )
            if waiting is None:
                return
            self.clock.advance(seconds=seconds)
            await self.daemon.drain()


async def start_daemon(data: dict[str, Any], clock: FakeClock) -> Daemon:
    """The daemon of these settings, started without its schedule (the test drives it)."""
    daemon = Daemon(parse_settings(data), clock=clock, notifier=ConsoleNotifier(io.StringIO()))
    await daemon.start(schedule=False)
    return daemon


@asynccontextmanager
async def serving(fake: Fake) -> AsyncIterator[Fake]:
    """A fake chat server (tests/fakes/) listening for the test's length."""
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@asynccontextmanager
async def open_shop(shop: ShopT) -> AsyncIterator[ShopT]:
    """The shop once its bot is connected; its daemon stopped and closed afterwards."""
    await shop.fake.connected()
    try:
        yield shop
    finally:
        await shop.daemon.stop()
        await shop.daemon.close()


CONSOLE_URL = "https://reviews.example.cn"
WEB = {"enabled": True, "listen_port": 0, "public_url": CONSOLE_URL}


def link_in(text: str | None) -> str | None:
    """The console sign-in link a message holds, if any."""
    found = re.search(r"https://\S+/signin\?t=[\w-]+", text or "")
    return found.group(0) if found else None


async def signed_in_page(daemon: Daemon, link: str) -> str:
    """The console's queue page as the person the link signs in sees it (the link spent
    through the console's own sign-in form, on the address it listens on)."""
    assert daemon.web is not None
    base = daemon.web.local_url
    token = link.split("t=", 1)[1]
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        outside = await http.get(base + "/")  # signed out: how to get a link, in any app
        assert outside.status == 401 and "控制台" in await outside.text()
        signed = await http.post(f"{base}/signin", data={"t": token}, allow_redirects=False)
        assert signed.status == 303, await signed.text()
        cookie = signed.cookies["rb_session"].value
        again = await http.post(f"{base}/signin", data={"t": token}, allow_redirects=False)
        assert again.status == 403  # a link works once
        page = await http.get(base + "/", headers={"Cookie": f"rb_session={cookie}"})
        assert page.status == 200
        return await page.text()
