"""Leases: one statement takes a free, expired or own lease and refuses a held one; a
heartbeat keeps a working holder's lease, a dead holder's runs out within seconds, and a
restart under the same instance name takes its own back at once."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import Insert, event, select
from sqlalchemy.orm import ORMExecuteState, Session

from reviewbot.app.daemon import Daemon
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.jobs.ingest import ConfiguredSource, sync_sources
from reviewbot.jobs.outbox import OutboxDispatcher
from reviewbot.jobs.poll import Poller
from reviewbot.platforms.base import Capabilities, Page, ReviewRecord
from reviewbot.store import leases, outbox
from reviewbot.store.schema import Lease, OutboxMessage, Review, Source
from tests.conftest import make_settings

TTL = timedelta(minutes=5)


async def test_a_lease_is_held_renewed_expires_and_is_given_back(sessions, clock):
    now = clock.now()
    assert await leases.acquire(sessions, "poll:1", "a", now, TTL)
    assert not await leases.acquire(sessions, "poll:1", "b", now + timedelta(minutes=1), TTL)
    assert await leases.acquire(sessions, "poll:1", "a", now + timedelta(minutes=4), TTL)  # renew
    # b waits for a's renewed lease to run out, not the first one.
    assert not await leases.acquire(sessions, "poll:1", "b", now + timedelta(minutes=6), TTL)
    assert await leases.acquire(sessions, "poll:1", "b", now + timedelta(minutes=10), TTL)
    await leases.release(sessions, "poll:1", "a")  # a no longer holds it: nothing happens
    async with sessions() as session:
        (row,) = (await session.scalars(select(Lease))).all()
    assert (row.owner, row.until) == ("b", now + timedelta(minutes=15))
    await leases.release(sessions, "poll:1", "b")
    assert await leases.acquire(sessions, "poll:1", "a", now + timedelta(minutes=11), TTL)


async def test_a_lease_taken_in_a_transaction_rolls_back_with_it(sessions, clock):
    class Boom(Exception):
        pass

    try:
        async with sessions() as session, session.begin():
            assert await leases.take(session, "pipeline", "a", clock.now(), TTL)
            raise Boom
    except Boom:
        pass
    assert await leases.acquire(sessions, "pipeline", "b", clock.now(), TTL)


# -- leases that die with their holder --------------------------------------------------
#
# A holder "dies" here as a kill -9 leaves it: its heartbeat stops (the task is cancelled)
# and nothing it would do on the way out runs; the fake clock then moves past the TTL.


def stop_heartbeat(name: str) -> None:
    """What kill -9 does to a holder's heartbeat: it never beats again."""
    (task,) = [t for t in asyncio.all_tasks() if t.get_name() == name]
    task.cancel()


async def wait_until(found: Callable[[], Awaitable[bool]]) -> None:
    for _ in range(500):
        if await found():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition never became true")


async def test_the_heartbeat_keeps_a_long_running_holder_s_lease(sessions, clock):
    ttl = timedelta(seconds=15)
    async with leases.held(sessions, "pipeline", "a", clock, ttl, every=0.01) as lease:
        assert lease is not None
        for _ in range(4):  # 40 s of work, far past the first TTL
            clock.advance(10)

            async def renewed() -> bool:
                async with sessions() as session:
                    row = await session.get(Lease, "pipeline")
                return row.until >= clock.now() + ttl - timedelta(seconds=1)

            await wait_until(renewed)
            assert lease.alive()
            assert not await leases.acquire(sessions, "pipeline", "b", clock.now(), ttl)
    # Given back at the end: another holder has it at once.
    assert await leases.acquire(sessions, "pipeline", "b", clock.now(), ttl)


async def test_a_holder_that_stops_heartbeating_is_taken_over_after_the_ttl(sessions, clock):
    ttl = timedelta(seconds=15)
    async with leases.held(sessions, "pipeline", "a", clock, ttl, every=0.01) as lease:
        assert lease is not None
        stop_heartbeat("lease:pipeline")
        clock.advance(10)
        assert not await leases.acquire(sessions, "pipeline", "b", clock.now(), ttl)
        clock.advance(6)
        assert not lease.alive()  # the fence: a holder past its TTL stops its work
        assert await leases.acquire(sessions, "pipeline", "b", clock.now(), ttl)


class Recording:
    """An outbox handler that records deliveries; the first one may hang (a holder
    dying in the middle of a send)."""

    def __init__(self, hang: bool = False) -> None:
        self.delivered: list[int] = []
        self.entered = asyncio.Event()
        self.hang = hang

    async def deliver(self, message: OutboxMessage) -> dict[str, Any]:
        self.entered.set()
        if self.hang:
            await asyncio.Event().wait()
        self.delivered.append(message.id)
        return {}

    async def on_sent(self, session, message, result, now) -> None:
        pass

    async def on_dead(self, session, message, error, now) -> None:
        pass


async def queue_notice(sessions, clock, n: int) -> None:
    async with sessions() as session, session.begin():
        await outbox.enqueue(
            session,
            kind="notice",
            destination="chat:store-1",
            ref_id=n,
            dedupe_key=f"notice:{n}",
            now=clock.now(),
        )


async def test_an_outbox_destination_of_a_dead_replica_is_taken_over_in_seconds(sessions, clock):
    await queue_notice(sessions, clock, 1)
    dead, alive = Recording(hang=True), Recording()
    a = OutboxDispatcher(sessions, clock, "replica-a", {"notice": dead})
    b = OutboxDispatcher(sessions, clock, "replica-b", {"notice": alive})
    sending = asyncio.create_task(a.run_once())
    try:
        await dead.entered.wait()
        stop_heartbeat("lease:outbox:chat:store-1")
        clock.advance(10)
        assert await b.run_once() == 0  # still within the dead holder's TTL
        clock.advance(6)
        assert await b.run_once() == 1
        assert len(alive.delivered) == 1
    finally:
        sending.cancel()
        with contextlib.suppress(asyncio.CancelledError):  # its way out ends too
            await sending


async def test_a_restarted_replica_takes_its_outbox_destination_back_at_once(sessions, clock):
    await queue_notice(sessions, clock, 1)
    dead = Recording(hang=True)
    before = OutboxDispatcher(sessions, clock, "host-1:db", {"notice": dead})
    sending = asyncio.create_task(before.run_once())
    try:
        await dead.entered.wait()
        stop_heartbeat("lease:outbox:chat:store-1")
        other = OutboxDispatcher(sessions, clock, "host-2:db", {"notice": Recording()})
        assert await other.run_once() == 0  # another replica waits for the TTL …
        restarted = Recording()
        after = OutboxDispatcher(sessions, clock, "host-1:db", {"notice": restarted})
        assert await after.run_once() == 1  # … the restart does not (the clock has not moved)
        assert len(restarted.delivered) == 1
    finally:
        sending.cancel()
        with contextlib.suppress(asyncio.CancelledError):  # its way out ends too
            await sending


class Hanging:
    """A platform account whose first fetch never returns (the poller dies in it)."""

    platform, account = "demo", "shop-1"
    capabilities = Capabilities(can_reply=False)

    def __init__(self) -> None:
        self.entered = asyncio.Event()

    async def fetch_page(self, cursor: str | None) -> Page:
        self.entered.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


class Empty:
    platform, account = "demo", "shop-1"
    capabilities = Capabilities(can_reply=False)

    async def fetch_page(self, cursor: str | None) -> Page:
        return Page([], cursor, False)


async def a_source(sessions, clock) -> int:
    async with sessions() as session, session.begin():
        ids = await sync_sources(
            session, [ConfiguredSource("store-1", "测试小馆", "demo", "shop-1", True)], clock.now()
        )
    return ids[("demo", "shop-1")]


async def test_a_poll_claim_of_a_dead_replica_is_taken_over_after_its_ttl(sessions, clock):
    source_id = await a_source(sessions, clock)
    hanging = Hanging()
    polling = asyncio.create_task(Poller(sessions, clock, owner="a").poll(source_id, hanging, 60))
    try:
        await hanging.entered.wait()
        stop_heartbeat(f"claim:{source_id}")
        other = Poller(sessions, clock, owner="b")
        clock.advance(10)
        assert (await other.poll(source_id, Empty(), 60)).status == "skipped"
        clock.advance(6)
        assert (await other.poll(source_id, Empty(), 60)).status == "ok"
    finally:
        polling.cancel()
        with contextlib.suppress(asyncio.CancelledError):  # its way out ends too
            await polling


async def test_a_restarted_replica_takes_its_poll_claim_back_at_once(sessions, clock):
    source_id = await a_source(sessions, clock)
    hanging = Hanging()
    polling = asyncio.create_task(
        Poller(sessions, clock, owner="host-1:db").poll(source_id, hanging, 60)
    )
    try:
        await hanging.entered.wait()
        stop_heartbeat(f"claim:{source_id}")
        other = Poller(sessions, clock, owner="host-2:db")
        assert (await other.poll(source_id, Empty(), 60)).status == "skipped"
        restarted = Poller(sessions, clock, owner="host-1:db")
        assert (await restarted.poll(source_id, Empty(), 60)).status == "ok"
    finally:
        polling.cancel()
        with contextlib.suppress(asyncio.CancelledError):  # its way out ends too
            await polling


async def test_the_heartbeat_keeps_a_long_poll_s_claim(sessions, clock):
    source_id = await a_source(sessions, clock)
    hanging = Hanging()
    slow = Poller(sessions, clock, owner="a", claim_seconds=0.03)  # beats every 10 ms
    polling = asyncio.create_task(slow.poll(source_id, hanging, 60))
    try:
        await hanging.entered.wait()
        clock.advance(60)

        async def renewed() -> bool:
            async with sessions() as session:
                source = await session.get(Source, source_id)
            return source.next_poll_at > clock.now()

        await wait_until(renewed)
        other = Poller(sessions, clock, owner="b", claim_seconds=0.03)
        assert (await other.poll(source_id, Empty(), 60)).status == "skipped"
    finally:
        polling.cancel()
        with contextlib.suppress(asyncio.CancelledError):  # its way out ends too
            await polling


async def test_every_lease_of_the_daemon_lasts_the_configured_lease_seconds(
    database_url, demo, clock
):
    """`daemon.lease_seconds` is every lease's TTL (crisis and escalation took the 15 s
    default): each lease the daemon's jobs take runs out that long after it was taken."""
    taken: dict[str, set[float]] = {}

    def record(state: ORMExecuteState) -> None:
        if isinstance(state.statement, Insert) and state.statement.table.name == "leases":
            values = state.statement.compile().params
            ttl = (values["until"] - clock.now()).total_seconds()
            taken.setdefault(values["name"].split(":")[0], set()).add(ttl)

    daemon = Daemon(
        make_settings(database_url, demo_url=demo.base_url, daemon={"lease_seconds": 42}),
        clock=clock,
        notifier=ConsoleNotifier(io.StringIO(), color=False),
    )
    await daemon.start(schedule=False)
    event.listen(Session, "do_orm_execute", record)
    try:
        demo.platform.add_review("shop-1", "水煮鱼太咸了，送到的时候已经凉了", 1)
        await daemon.poll_all_once()
        await daemon.drain()
    finally:
        event.remove(Session, "do_orm_execute", record)
        await daemon.stop()
        await daemon.close()
    assert {"pipeline", "crisis", "escalation", "outbox"} <= set(taken)
    assert taken == {name: {42.0} for name in taken}


class Gate:
    """A platform account whose fetch waits for the test to open it, then serves `page`."""

    platform, account = "demo", "shop-1"
    capabilities = Capabilities(can_reply=False)

    def __init__(self, page: Page) -> None:
        self.page, self.entered, self.open = page, asyncio.Event(), asyncio.Event()

    async def fetch_page(self, cursor: str | None) -> Page:
        self.entered.set()
        await self.open.wait()
        return self.page


async def test_a_stalled_poll_whose_claim_was_taken_over_writes_nothing(sessions, clock):
    """A replica that stalls past its claim while another takes the account over must not
    move the cursor back or end the other's claim when it wakes."""
    source_id = await a_source(sessions, clock)
    late = Gate(Page([ReviewRecord("old-1", "老页面", 5.0, None)], "from-a", False))
    stalled = Poller(sessions, clock, owner="a", claim_seconds=0.03)  # beats every 10 ms
    polling_a = asyncio.create_task(stalled.poll(source_id, late, 60))
    await late.entered.wait()
    other = Poller(sessions, clock, owner="b", claim_seconds=0.03)
    taking = Gate(Page([], "from-b", False))
    for _ in range(50):  # a's claim runs out between two of its beats: b takes the account
        clock.advance(1)
        polling_b = asyncio.create_task(other.poll(source_id, taking, 60))
        entered = asyncio.create_task(taking.entered.wait())
        await asyncio.wait({polling_b, entered}, return_when=asyncio.FIRST_COMPLETED)
        if taking.entered.is_set():
            break
        entered.cancel()
    assert taking.entered.is_set()
    await asyncio.sleep(0.05)  # a's next beat finds the claim gone

    await stalled_poll_loses_to_b(sessions, source_id, late, polling_a, taking, polling_b)


async def stalled_poll_loses_to_b(sessions, source_id, late, polling_a, taking, polling_b):
    """Poll a's late page lands first: it ends "lost", stores nothing and leaves b's claim;
    then b's poll lands and moves the cursor."""
    late.open.set()
    assert (await polling_a).status == "lost"
    async with sessions() as session:
        source = await session.get(Source, source_id)
        assert (source.cursor, source.claimed_by) == (None, "b")
        assert (await session.scalars(select(Review))).all() == []
    taking.open.set()
    assert (await polling_b).status == "ok"
    async with sessions() as session:
        source = await session.get(Source, source_id)
        assert (source.cursor, source.claimed_by) == ("from-b", None)


async def test_a_poll_that_wakes_before_its_heartbeat_notices_writes_nothing(sessions, clock):
    """The whole process stalled past its claim (so its heartbeat did not beat either) and
    another replica took the account: the fetch that returns first must not store."""
    source_id = await a_source(sessions, clock)
    late = Gate(Page([ReviewRecord("old-1", "老页面", 5.0, None)], "from-a", False))
    stalled = Poller(sessions, clock, owner="a", claim_seconds=3600)  # no beat in this test
    polling_a = asyncio.create_task(stalled.poll(source_id, late, 60))
    await late.entered.wait()
    clock.advance(2 * 3600)  # a's claim ran out while everything stood still
    other = Poller(sessions, clock, owner="b", claim_seconds=3600)
    taking = Gate(Page([], "from-b", False))
    polling_b = asyncio.create_task(other.poll(source_id, taking, 60))
    await taking.entered.wait()

    await stalled_poll_loses_to_b(sessions, source_id, late, polling_a, taking, polling_b)
