"""A daemon's instance name: stable across restarts, so a restart after kill -9 takes its
own leases and claims back at once; never shared by two live daemons on one host."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from reviewbot.app.daemon import Daemon
from reviewbot.app.instance import claim_identity
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.chat.telegram.bot import UPDATES_LEASE, TelegramBot
from reviewbot.config import ConfigError
from reviewbot.jobs.poll import Poller
from reviewbot.store import leases, outbox
from reviewbot.store.schema import Alert, Review
from tests.conftest import make_settings


@pytest.mark.parametrize(
    "database_url",
    ["sqlite+aiosqlite:///{tmp}/reviewbot.db", "postgresql+asyncpg://rb:secret@db.local/rb"],
)
def test_a_daemon_keeps_its_name_across_restarts_and_a_twin_gets_its_own(database_url, tmp_path):
    database_url = database_url.format(tmp=tmp_path)
    settings = make_settings(database_url)
    first = claim_identity(settings)
    twin = claim_identity(settings)  # a second replica on this host and database
    assert twin.name != first.name
    first.release()  # the process died: the kernel frees its lock
    restarted = claim_identity(settings)
    assert restarted.name == first.name
    restarted.release()
    other_database = make_settings(database_url + "-other")
    assert claim_identity(other_database).name != first.name
    assert "secret" not in first.name


def test_a_configured_name_in_use_on_this_host_refuses_to_start(tmp_path):
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'a.db'}", daemon={"instance": "kitchen-1"}
    )
    held = claim_identity(settings)
    assert held.name == "kitchen-1"
    with pytest.raises(ConfigError, match="kitchen-1"):
        claim_identity(settings)
    held.release()
    assert claim_identity(settings).name == "kitchen-1"


@pytest.mark.slow  # two daemon starts
async def test_a_daemon_restarted_after_kill_9_takes_its_leases_back_at_once(
    database_url, demo, clock
):
    """The state kill -9 leaves: the pipeline lease, an outbox destination and a poll
    claim held by the dead daemon, far from running out. Its restart works at once."""
    out = io.StringIO()

    def daemon() -> Daemon:
        settings = make_settings(database_url, demo_url=demo.base_url)
        return Daemon(settings, clock=clock, notifier=ConsoleNotifier(out, color=False))

    dead = daemon()
    await dead.start(schedule=False)
    await dead.stop()
    (source_id,) = dead.sources
    now = clock.now()
    for name in ("pipeline", f"outbox:{outbox.chat_destination('store-1', urgent=True)}"):
        assert await leases.acquire(dead.sessions, name, dead.owner, now, leases.DEFAULT_TTL)
    claim = Poller(dead.sessions, clock, owner=dead.owner)
    assert await claim._claim(source_id, now) is not None  # the poll it died in
    await dead.close()

    demo.platform.add_review("shop-1", "吃完上吐下泻，肚子疼了一晚上", 1)
    restarted = daemon()
    await restarted.start(schedule=False)
    try:
        assert restarted.owner == dead.owner
        (outcome,) = await restarted.poll_all_once()
        assert outcome.status == "ok"
        await restarted.drain()
        async with restarted.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(Review)) == 1
            sent = select(func.count()).select_from(Alert).where(Alert.status == "sent")
            assert await session.scalar(sent) == 1
    finally:
        await restarted.stop()
        await restarted.close()


@pytest.mark.slow  # a daemon with its bot and a fake Bot API
async def test_the_telegram_updates_reader_moves_within_seconds_of_its_holder_s_death(bot, clock):
    """The bot fixture's daemon reads updates, then dies (it renews nothing any more):
    a replica under another name takes over once the short lease runs out, and the dead
    daemon restarted under its own name takes over at once."""
    holder = bot.daemon.telegram
    assert holder.receiving
    ttl = timedelta(seconds=bot.daemon.settings.daemon.lease_seconds)
    survivor = TelegramBot(bot.daemon.settings, holder.desk, owner="replica-b", lease_ttl=ttl)
    restarted = TelegramBot(bot.daemon.settings, holder.desk, owner=holder.owner, lease_ttl=ttl)
    try:
        assert await survivor.start() and not survivor.receiving
        assert await restarted.start() and restarted.receiving  # its own lease, at once
        await restarted.stop()  # … and the restart dies as well, releasing nothing
        await leases.acquire(holder.desk.sessions, UPDATES_LEASE, holder.owner, clock.now(), ttl)
        clock.advance(ttl.total_seconds() - 1)
        await survivor.maintain()
        assert not survivor.receiving
        clock.advance(2)
        await survivor.maintain()
        assert survivor.receiving
    finally:
        await restarted.stop()
        await survivor.stop()


async def test_two_replicas_started_at_the_same_moment_on_a_fresh_database_both_run(
    database_url, demo, clock
):
    """Both read no stores and both insert them; the one whose insert loses reads them
    back (bench/failover.py saw the second replica die at start on PostgreSQL). The test
    lines them up: a lock on the stores table holds both reads until both wait on it."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite runs one writing transaction at a time: no such race")
    out = io.StringIO()
    settings = make_settings(database_url, demo_url=demo.base_url)
    replicas = [
        Daemon(settings, clock=clock, notifier=ConsoleNotifier(out, color=False)) for _ in "ab"
    ]
    gate = create_async_engine(database_url)
    try:
        async with gate.begin() as connection:
            await connection.execute(text("LOCK TABLE stores IN ACCESS EXCLUSIVE MODE"))
            starts = [asyncio.create_task(r.start(schedule=False)) for r in replicas]
            waiting = text("SELECT count(*) FROM pg_locks WHERE NOT granted")
            for _ in range(1200):  # a minute at most
                if await connection.scalar(waiting) >= 2:
                    break
                await asyncio.sleep(0.05)
        await asyncio.gather(*starts)
        assert replicas[0].owner != replicas[1].owner
        assert replicas[0].sources.keys() == replicas[1].sources.keys() != set()
    finally:
        await gate.dispose()
        for replica in replicas:
            await replica.stop()
            await replica.close()
