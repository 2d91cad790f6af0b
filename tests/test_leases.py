"""Leases: one statement takes a free, expired or own lease and refuses a held one."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from reviewbot.store import leases
from reviewbot.store.schema import Lease

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
