"""What the DingTalk and WeCom app-bot tests share: one store with four people on the demo
platform, its chat channel given, and the daemon driven step by step on the fake clock."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from reviewbot.app.daemon import Daemon
from reviewbot.clock import FakeClock
from reviewbot.store.schema import OutboxMessage
from tests.conftest import TEST_FACTS
from tests.harness.telegram import NEGATIVE


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
