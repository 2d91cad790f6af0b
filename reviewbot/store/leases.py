"""Named, expiring leases: one replica at a time polls an account or drains a destination.

A lease is taken with one INSERT … ON CONFLICT DO UPDATE … WHERE (free, expired or ours),
which SQLite and PostgreSQL both run atomically: one statement, one round trip, inside the
caller's transaction if it likes (a poll takes its lease and reads its account together).
A crashed holder's lease simply expires.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.store.db import SessionFactory
from reviewbot.store.schema import Lease


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
