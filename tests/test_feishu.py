"""The Feishu / Lark app bot, end to end: the daemon posts review cards through the real
SDK (`lark-oapi`, its domain pointed at tests/fakes/feishu.py), taps and commands come
back over the SDK's long connection in its protobuf frames, and the demo platform
receives the approved reply. Covered: the card and its buttons, approve once however
often and by whom it is tapped, an edit through the guardrails, a stranger refused,
commands, Feishu out of reach with alerts waiting, and a restart in the middle."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from reviewbot.app.daemon import Daemon
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.clock import FakeClock
from reviewbot.config import parse_settings
from reviewbot.store.schema import OutboxMessage
from tests.conftest import TEST_FACTS
from tests.fakes.feishu import FakeFeishu

APP_ID, SECRET = "cli_a1b2c3d4e5", "feishu-app-secret-0123"
CHAT, OTHER_CHAT = "oc_staff_group", "oc_other_group"
OWNER, MANAGER, STAFF, STRANGER = "ou_owner", "ou_manager", "ou_staff", "ou_stranger"
NEGATIVE = "水煮鱼太咸了，送到的时候已经凉了"


def settings(database_url: str, demo_url: str, fake: FakeFeishu) -> Any:
    return parse_settings(
        {
            "database": {"url": database_url, "auto_upgrade": True},
            "http": {"timeout_seconds": 2.0, "max_attempts": 2, "backoff_initial_seconds": 0.01},
            "demo": {"serve": False},
            "people": [
                {"name": "王老板", "feishu_open_id": OWNER, "role": "owner", "stores": ["*"]},
                {
                    "name": "李店长",
                    "feishu_open_id": MANAGER,
                    "role": "manager",
                    "stores": ["store-1"],
                },
                {"name": "小张", "feishu_open_id": STAFF, "role": "staff", "stores": ["store-1"]},
            ],
            "stores": [
                {
                    "id": "store-1",
                    "name": "测试小馆",
                    "facts": TEST_FACTS,
                    "channels": [
                        {
                            "kind": "feishu_app",
                            "app_id": APP_ID,
                            "app_secret_env": "RB_FEISHU_SECRET",
                            "chat_id": CHAT,
                            "domain": fake.url,
                        }
                    ],
                    "sources": [{"platform": "demo", "account": "shop-1", "base_url": demo_url}],
                }
            ],
        }
    )


class Bench:
    """A daemon with the Feishu app bot, the fake Feishu, the demo platform and a clock."""

    def __init__(self, fake: FakeFeishu, demo: Any, clock: FakeClock, database_url: str) -> None:
        self.fake, self.demo, self.clock, self.database_url = fake, demo, clock, database_url
        self.daemon: Daemon | None = None

    async def start(self) -> Daemon:
        self.daemon = Daemon(
            settings(self.database_url, self.demo.base_url, self.fake),
            clock=self.clock,
            notifier=ConsoleNotifier(io.StringIO()),
        )
        connects = self.fake.connects
        await self.daemon.start(schedule=False)
        await self.fake.wait_for(lambda: self.fake.connects > connects and self.fake.connections)
        return self.daemon

    async def stop(self) -> None:
        if self.daemon is not None:
            await self.daemon.stop()
            await self.daemon.close()
            self.daemon = None

    async def settle(self, rounds: int = 10) -> None:
        """Deliver what is due, moving the clock past retries, until nothing waits."""
        assert self.daemon is not None
        for _ in range(rounds):
            await self.daemon.drain()
            async with self.daemon.sessions() as session:
                waiting = await session.scalar(
                    select(OutboxMessage.id).where(OutboxMessage.status == "pending")
                )
            if waiting is None:
                return
            self.clock.advance(seconds=70)

    async def arrive(self, *texts: str) -> None:
        assert self.daemon is not None
        for text in texts:
            self.demo.platform.add_review("shop-1", text, 1)
        self.clock.advance(minutes=5)
        await self.daemon.poll_all_once()
        await self.settle()

    async def card(self, text: str = NEGATIVE) -> dict:
        before = len(self.fake.cards(CHAT))
        await self.arrive(text)
        cards = self.fake.cards(CHAT)
        assert len(cards) == before + 1, "no new card"
        return cards[-1]

    async def tap(self, user: str, card: dict, action: str, form: dict | None = None) -> dict:
        answer = await self.fake.tap(user, card["message_id"], self.fake.button(card, action), form)
        assert self.daemon is not None
        await self.daemon.drain()
        return answer.get("toast", {})

    async def ask(self, user: str, text: str) -> str:
        before = len(self.fake.texts(CHAT))
        await self.fake.say(user, CHAT, text)
        return await self.fake.wait_for(
            lambda: self.fake.texts(CHAT)[before] if len(self.fake.texts(CHAT)) > before else None
        )


@pytest.fixture
async def bench(database_url, demo, clock, monkeypatch) -> AsyncIterator[Bench]:
    monkeypatch.setenv("RB_FEISHU_SECRET", SECRET)
    fake = FakeFeishu(APP_ID, SECRET, {CHAT})
    await fake.start()
    running = Bench(fake, demo, clock, database_url)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()
        await fake.stop()


async def test_a_negative_review_becomes_a_card_and_one_approval_posts_its_reply(bench):
    """End to end: the demo platform's review → a card in the group → approve, tapped
    twice by one person and at once by two → one reply on the platform, and the card
    redrawn in place saying who approved it and that the reply is out."""
    card = await bench.card()
    shown = bench.fake.text_of(card)
    assert NEGATIVE in shown and "测试小馆" in shown and "建议回复" in shown
    draft = card_draft(bench.fake, card)
    labels = {b["text"]["content"] for b in bench.fake.buttons(card)}
    for label in (
        "✅ 通过并发布",
        "✏️ 修改",
        "🔁 换一版",
        "☎️ 已联系顾客",
        "🚩 恶意（申诉）",
        "🙈 忽略",
        "⏰ 稍后提醒",
    ):
        assert label in labels
    answers = await asyncio.gather(
        bench.tap(STAFF, card, "approve"),
        bench.tap(STAFF, card, "approve"),
        bench.tap(MANAGER, card, "approve"),
    )
    assert sum(a["type"] == "success" for a in answers) == 1, answers
    await bench.settle()
    replies = bench.demo.platform.replies
    assert len(replies) == 1
    assert replies[0].content.startswith(draft[:10])
    shown = bench.fake.text_of(card)
    assert "已发布到平台" in shown and ("小张" in shown or "李店长" in shown)
    assert not any(b["value"]["a"] == "approve" for b in bench.fake.buttons(card))
    assert len(bench.fake.cards(CHAT)) == 1  # updated in place, never posted again


def card_draft(fake: FakeFeishu, card: dict) -> str:
    text = fake.text_of(card)
    return text.split("**建议回复**：", 1)[1].split("\n", 1)[0]
