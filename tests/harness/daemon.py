"""A running daemon driven step by step, whatever chat front end it speaks to."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from reviewbot.app.daemon import Daemon
from reviewbot.clock import FakeClock
from reviewbot.config import parse_settings
from reviewbot.platforms.demo.server import DemoServer
from tests.harness.telegram import NEGATIVE, STAFF_CHAT


class FakeChat(Protocol):
    """What a fake chat server offers the harness (tests/fakes/telegram.py is one)."""

    messages: dict[tuple[int, int], dict]

    def cards(self, chat: int) -> list[dict]: ...
    def in_chat(self, chat: int) -> list[dict]: ...
    def say(self, user: int, chat: int, text: str) -> Any: ...
    def button(self, card: dict, code: str) -> str: ...
    def press(self, user: int, card: dict, data: str) -> Any: ...
    def answer_to(self, query: Any) -> dict | None: ...
    async def wait_for(self, found: Any) -> Any: ...


class Running:
    """A running daemon with a chat front end, driven step by step by a test: reviews
    appear on the demo platform, the fake clock moves, and what the bot posted is read
    back from the fake chat server."""

    def __init__(
        self,
        daemon: Daemon,
        fake: FakeChat,
        demo: DemoServer,
        clock: FakeClock,
        staff_chat: int = STAFF_CHAT,
    ) -> None:
        self.daemon, self.fake, self.demo, self.clock = daemon, fake, demo, clock
        self.staff_chat = staff_chat  # where the store's alert cards go

    async def review_arrives(
        self, text: str = NEGATIVE, stars: int = 1, shop: str = "shop-1"
    ) -> dict:
        """A review on the platform, polled, analyzed and alerted: returns its card."""
        before = len(self.fake.cards(self.staff_chat))
        self.demo.platform.add_review(shop, text, stars)
        self.clock.advance(minutes=5)
        await self.daemon.poll_all_once()
        await self.daemon.drain()
        cards = self.fake.cards(self.staff_chat)
        assert len(cards) == before + 1, "no new alert card"
        return cards[-1]

    async def review_arrives_again(self) -> dict:
        """The platform changed a review (a follow-up): polled again, its new card."""
        before = len(self.fake.cards(self.staff_chat))
        self.clock.advance(minutes=5)
        await self.daemon.poll_all_once()
        await self.daemon.drain()
        cards = self.fake.cards(self.staff_chat)
        assert len(cards) == before + 1, "no card for the updated review"
        return cards[-1]

    async def review_arrives_after_retries(self, text: str) -> dict:
        """A review whose alert needs a few tries (Telegram failing): its card."""
        self.demo.platform.add_review("shop-1", text, 1)
        self.clock.advance(minutes=5)
        await self.daemon.poll_all_once()
        for _ in range(4):
            await self.daemon.drain()
            self.clock.advance(seconds=70)
        (card,) = self.fake.cards(self.staff_chat)
        return card

    async def ask(self, user: int, chat: int, text: str) -> str:
        """Send a command (or any text) and return the bot's next plain message there."""
        seen = {m["message_id"] for m in self.fake.in_chat(chat)}
        self.fake.say(user, chat, text)
        return await self.fake.wait_for(
            lambda: next(
                (
                    m["text"]
                    for m in self.fake.in_chat(chat)
                    if m["message_id"] not in seen and "reply_markup" not in m
                ),
                None,
            )
        )

    async def press(self, user: int, card: dict, code: str) -> dict:
        query = self.fake.press(user, card, self.fake.button(card, code))
        answer = await self.fake.wait_for(lambda: self.fake.answer_to(query))
        await self.daemon.drain()
        return answer

    async def ask_ignore(self, user: int, card: dict) -> dict:
        """Press 🙈 on `card`: returns the message asking to confirm it."""
        chat = card["chat"]["id"]
        seen = {m["message_id"] for m in self.fake.in_chat(chat)}
        await self.press(user, card, "i")
        return next(
            m
            for m in self.fake.in_chat(chat)
            if m["message_id"] not in seen and "确定忽略" in m.get("text", "")
        )

    async def ignore(self, user: int, card: dict) -> dict:
        """🙈 and its confirm: returns the answer to the confirm."""
        return await self.press(user, await self.ask_ignore(user, card), "g")

    def card(self, card: dict) -> dict:
        return self.fake.messages[(card["chat"]["id"], card["message_id"])]

    async def count(self, model: type, *where: Any) -> int:
        async with self.daemon.sessions() as session:
            return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def shanghai(when: datetime) -> str:
    """A time as the test stores' people read it."""
    return when.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%m-%d %H:%M")


def review_number(card: dict) -> int:
    return int(card["text"].rsplit("#", 1)[1].split("<")[0])


async def start_daemon(
    settings: dict, fake: FakeChat, demo: DemoServer, clock: FakeClock
) -> Running:
    """The daemon on these settings with its jobs driven by the test (no scheduler)."""
    daemon = Daemon(parse_settings(settings), clock=clock)
    await daemon.start(schedule=False)
    return Running(daemon, fake, demo, clock)
