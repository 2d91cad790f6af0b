"""Named, expiring leases: one replica at a time polls an account or drains a destination.

A lease is taken with one INSERT … ON CONFLICT DO UPDATE … WHERE (free, expired or ours),
which SQLite and PostgreSQL both run atomically: one statement, one round trip, inside the
caller's transaction if it likes (a poll takes its lease and reads its account together).

Leases are short (`DEFAULT_TTL`, 15 s) and renewed by a heartbeat while their holder
works (`held`), so a holder that dies (kill -9, a lost host) frees them within seconds for
any other replica. The owner is the daemon's stable instance name, not a per-process id:
a daemon restarted under the same name takes its own leases back at once, because "ours"
is one of the conditions of the take.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.clock import Clock
from reviewbot.store.db import SessionFactory
from reviewbot.store.schema import Lease

log = logging.getLogger(__name__)

DEFAULT_TTL = timedelta(seconds=15)


async def take(session: AsyncSession, name: str, owner: str, now: datetime, ttl: timedelta) -> bool:
    """Take or renew lease `name` for `owner` until now + ttl, in the session's transaction;
    False if someone else holds it."""
    until = now + ttl
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    statement = (
        insert(Lease)
        .values(name=name, owner=owner, until=until)
        .on_conflict_do_update(
            index_elements=[Lease.name],
            set_={"owner": owner, "until": until},
            where=(Lease.until < now) | (Lease.owner == owner),
        )
    )
    result = await session.execute(statement)
    return result.rowcount == 1


async def acquire(
    sessions: SessionFactory, name: str, owner: str, now: datetime, ttl: timedelta
) -> bool:
    """Take or renew lease `name` for `owner` until now + ttl; False if someone else holds it."""
    async with sessions() as session, session.begin():
        return await take(session, name, owner, now, ttl)


async def give_up(session: AsyncSession, name: str, owner: str) -> None:
    """Release lease `name` in the session's transaction (if `owner` still holds it)."""
    await session.execute(
        delete(Lease)
        .where(Lease.name == name, Lease.owner == owner)
        .execution_options(synchronize_session=False)
    )


async def release(sessions: SessionFactory, name: str, owner: str) -> None:
    async with sessions() as session, session.begin():
        await give_up(session, name, owner)


class Held:
    """A lease this process holds, renewed every `every` seconds while its work runs.

    `alive()` is the fence the work checks before each step with an effect outside this
    process (a message sent, a batch written): true while the last renewal has not run
    out. A renewal that finds someone else holding the lease ends it for good."""

    def __init__(
        self,
        sessions: SessionFactory,
        name: str,
        owner: str,
        clock: Clock,
        ttl: timedelta,
        taken_at: datetime,
    ) -> None:
        self.sessions = sessions
        self.name = name
        self.owner = owner
        self.clock = clock
        self.ttl = ttl
        self.valid_until = taken_at + ttl
        self.lost = False
        self.renewing: asyncio.Future[bool] | None = None  # the renewal under way, if any

    def alive(self) -> bool:
        return not self.lost and self.clock.now() < self.valid_until

    async def renew(self) -> bool:
        """Extend the lease by its TTL from now; False once someone else holds it."""
        if self.lost:
            return False
        now = self.clock.now()
        if await acquire(self.sessions, self.name, self.owner, now, self.ttl):
            self.valid_until = now + self.ttl
            return True
        self.lost = True
        log.warning("lease %s was taken over by another replica; stopping its work", self.name)
        return False

    async def beat(self, every: float) -> None:
        """Renew until cancelled or lost; a failed renewal (database away) is tried again."""
        while True:
            await asyncio.sleep(every)
            try:
                # A cancel (the work ended) waits for a renewal under way instead of
                # cutting the write in half: asyncpg can hang on a query cancelled mid-way.
                self.renewing = asyncio.ensure_future(self.renew())
                if not await asyncio.shield(self.renewing):
                    return
            except Exception as exc:  # the fence (alive()) stops the work if this goes on
                log.warning("renewing lease %s failed: %s", self.name, exc)


@contextlib.asynccontextmanager
async def held(
    sessions: SessionFactory,
    name: str,
    owner: str,
    clock: Clock,
    ttl: timedelta = DEFAULT_TTL,
    *,
    every: float | None = None,
) -> AsyncIterator[Held | None]:
    """Hold lease `name` for the duration of the block, renewed every `every` seconds
    (a third of the TTL by default), released at the end. Yields None, and runs no
    heartbeat, when someone else holds it."""
    now = clock.now()
    if not await acquire(sessions, name, owner, now, ttl):
        yield None
        return
    lease = Held(sessions, name, owner, clock, ttl, now)
    heartbeat = asyncio.create_task(
        lease.beat(ttl.total_seconds() / 3 if every is None else every),
        name=f"lease:{name}",
    )
    try:
        yield lease
    finally:
        heartbeat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await heartbeat
        if lease.renewing is not None:  # a renewal finishing after the release would
            await asyncio.gather(lease.renewing, return_exceptions=True)  # take it again
        await release(sessions, name, owner)
