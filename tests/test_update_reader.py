"""Telegram updates are confirmed only once handled: a reader killed in the middle of a
batch leaves the rest to the next reader (a replica, or the same daemon restarted)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from reviewbot.chat.telegram.reader import UpdateReader
from tests.fakes.telegram import TOKEN, FakeTelegram

STAFF, CHAT = 7, -100


@asynccontextmanager
async def application(
    fake: FakeTelegram, seen: list[str], hang: bool
) -> AsyncIterator[Application]:
    """A bot whose one handler records each message; with `hang`, it never finishes one
    (the daemon dies while handling it)."""

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        seen.append(update.message.text or "")
        if hang:
            await asyncio.Event().wait()

    app = ApplicationBuilder().token(TOKEN).base_url(f"{fake.base_url}/bot").build()
    app.add_handler(TypeHandler(Update, record))
    await app.initialize()
    try:
        yield app
    finally:
        await app.shutdown()


async def until(found) -> None:
    for _ in range(500):
        if found():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("never happened")


async def test_updates_a_killed_reader_fetched_but_did_not_handle_go_to_the_next(telegram):
    for text in ("第一条", "第二条", "第三条"):
        telegram.say(STAFF, CHAT, text)
    dying: list[str] = []
    async with application(telegram, dying, hang=True) as app:
        first = UpdateReader(app, timeout=1, allowed_updates=["message"])
        await first.start()
        await until(lambda: dying)  # it fetched all three and is handling the first …
        assert first._task is not None
        first._task.cancel()  # … when kill -9 comes: nothing runs on the way out
    assert dying == ["第一条"]
    seen: list[str] = []
    async with application(telegram, seen, hang=False) as app:
        second = UpdateReader(app, timeout=1, allowed_updates=["message"])
        await second.start()
        await until(lambda: len(seen) == 3)
        await second.stop()
    assert seen == ["第一条", "第二条", "第三条"]  # at least once: the first again
    # What the stopped reader handled is confirmed: a third reader gets nothing again.
    telegram.say(STAFF, CHAT, "第四条")
    later: list[str] = []
    async with application(telegram, later, hang=False) as app:
        third = UpdateReader(app, timeout=1, allowed_updates=["message"])
        await third.start()
        await until(lambda: later)
        await third.stop()
    assert later == ["第四条"]
