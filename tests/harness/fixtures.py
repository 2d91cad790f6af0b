"""Fixtures of the shared harness: a fake chat server on a free local port, and the daemon
with its bot on the demo platform, driven step by step on the fake clock."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.telegram import TOKEN, FakeTelegram
from tests.harness.daemon import Running, start_daemon
from tests.harness.telegram import telegram_settings

__all__ = ["bot", "telegram"]


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    """A fake Telegram Bot API server on a free local port (tests/fakes/telegram.py)."""
    fake = FakeTelegram()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
async def bot(database_url, demo, telegram, clock, monkeypatch) -> AsyncIterator[Running]:
    """The daemon with its Telegram bot, driven step by step (tests/harness/)."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    running = await start_daemon(
        telegram_settings(database_url, demo.base_url, telegram.base_url), telegram, demo, clock
    )
    try:
        yield running
    finally:
        await running.daemon.stop()
        await running.daemon.close()
