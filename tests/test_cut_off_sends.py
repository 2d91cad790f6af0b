"""A daemon killed mid-send: Telegram took the card, the daemon died before recording it.

The Bot API takes no idempotency key, so the card must go out again (it may not have
arrived) and the restarted daemon cannot know whether it did. What it can know, from the
stamp committed before the request, is that the attempt was cut off: the card it sends
again says it may be a repeat, and the audit says why. The kill is a real SIGKILL of a
daemon process (tests/harness/doomed.py), stalled by the fake Bot API after it stored
the card and before it answered.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from reviewbot.chat.notices import REPEAT_NOTE
from reviewbot.store.schema import Alert, AuditEntry, OutboxMessage
from tests.fakes.telegram import STALL, TOKEN
from tests.harness.daemon import start_daemon
from tests.harness.telegram import NEGATIVE, STAFF_CHAT, telegram_settings

pytestmark = pytest.mark.one_database  # SQLite only: tests/conftest.py says why

ROOT = Path(__file__).resolve().parents[1]
REPEAT = "可能重复"


async def killed_mid_send(settings: dict, telegram, clock) -> None:
    """A daemon process sends the review's card; Telegram stores it and never answers;
    the process is killed while it waits."""
    telegram.fail("sendMessage", STALL)
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.harness.doomed",
        json.dumps(settings),
        clock.now().isoformat(),
        cwd=ROOT,
        env={**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await telegram.wait_for(lambda: telegram.cards(STAFF_CHAT), within=60)
    finally:
        child.kill()
        _, err = await child.communicate()
    assert child.returncode == -9, err.decode()[-2000:]


@pytest.mark.slow
@pytest.mark.both_databases
async def test_a_card_cut_off_by_a_kill_goes_again_saying_it_may_be_a_repeat(
    database_url, demo, telegram, clock, monkeypatch
):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    settings = telegram_settings(database_url, demo.base_url, telegram.base_url)
    demo.platform.add_review("shop-1", NEGATIVE, 1)
    clock.advance(minutes=5)
    await killed_mid_send(settings, telegram, clock)
    (first,) = telegram.cards(STAFF_CHAT)
    assert REPEAT not in first["text"]

    # The restart: same host, same database, so the same instance name and its leases.
    # Its first try fails (Telegram answers 502): the doubt outlives that failure.
    clock.advance(seconds=2)
    telegram.fail("sendMessage", 502)
    running = await start_daemon(settings, telegram, demo, clock)
    try:
        await running.daemon.drain()
        assert len(telegram.cards(STAFF_CHAT)) == 1
        clock.advance(seconds=10)
        await running.daemon.drain()
        async with running.daemon.sessions() as session:
            (row,) = (
                await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "alert"))
            ).all()
            alert = await session.get(Alert, row.ref_id)
            (cut,) = (
                await session.scalars(
                    select(AuditEntry).where(AuditEntry.action == "outbox.interrupted")
                )
            ).all()
        # Drained again: nothing more goes out (the repeat was recorded).
        await running.daemon.drain()
    finally:
        await running.daemon.stop()
        await running.daemon.close()

    first_again, second = telegram.cards(STAFF_CHAT)
    assert first_again["message_id"] == first["message_id"]
    assert REPEAT_NOTE.removeprefix("⚠️ ") in second["text"] and NEGATIVE in second["text"]
    # The card staff act on and the bot redraws from now on is the one it knows it sent.
    assert alert.status == "sent"
    assert alert.message_ref["messages"] == [[STAFF_CHAT, second["message_id"]]]
    assert row.status == "sent" and row.attempts == 3 and row.in_flight_since is None
    assert cut.details["message_id"] == row.id and cut.details["kind"] == "alert"


async def test_a_card_sent_once_carries_no_warning(bot):
    """The stamp is cleared with the outcome: an ordinary send is not taken for a cut one."""
    card = await bot.review_arrives()
    assert REPEAT not in card["text"]
    async with bot.daemon.sessions() as session:
        rows = (await session.scalars(select(OutboxMessage))).all()
    assert rows and all(r.in_flight_since is None for r in rows)


@pytest.mark.slow
async def test_a_card_whose_send_timed_out_goes_again_saying_it_may_be_a_repeat(bot):
    """Telegram took the card and its answer never came: the bot's request timed out (no
    kill). The card must go again (it may not have arrived), and the copy says it may be
    a repeat, as after a kill, so no duplicate is silent."""
    bot.fake.fail("sendMessage", STALL)
    bot.demo.platform.add_review("shop-1", NEGATIVE, 1)
    bot.clock.advance(minutes=5)
    await bot.daemon.poll_all_once()
    await bot.daemon.drain()  # the send times out (the client's read timeout)
    (first,) = bot.fake.cards(STAFF_CHAT)
    assert REPEAT not in first["text"]
    bot.clock.advance(minutes=1)
    await bot.daemon.drain()
    first_again, second = bot.fake.cards(STAFF_CHAT)
    assert first_again["message_id"] == first["message_id"]
    assert REPEAT_NOTE.removeprefix("⚠️ ") in second["text"] and NEGATIVE in second["text"]
    async with bot.daemon.sessions() as session:
        (row,) = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "alert"))
        ).all()
        (timed_out,) = (
            await session.scalars(
                select(AuditEntry).where(AuditEntry.action == "outbox.interrupted")
            )
        ).all()
    assert row.status == "sent" and row.attempts == 2
    assert timed_out.details["timed_out"] is True and timed_out.details["message_id"] == row.id
