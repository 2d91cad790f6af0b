"""Named, expiring leases: one replica at a time polls an account or drains a destination.

A lease is taken with a conditional UPDATE (or an INSERT the first time), which both
SQLite and PostgreSQL make atomic; a crashed holder's lease simply expires.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from reviewbot.store.db import SessionFactory
from reviewbot.store.schema import Lease


async def acquire(
    sessions: SessionFactory, name: str, owner: str, now: datetime, ttl: timedelta
) -> bool:
    """Take or renew lease `name` for `owner` until now + ttl; False if someone else holds it."""
    until = now + ttl
    async with sessions() as session, session.begin():
        result = await session.execute(
            update(Lease)
            .where(Lease.name == name, (Lease.until < now) | (Lease.owner == owner))
            .values(owner=owner, until=until)
        )
        if result.rowcount == 1:
            return True
    try:
        async with sessions() as session, session.begin():
            session.add(Lease(name=name, owner=owner, until=until))
        return True
    except IntegrityError:
        return False


async def release(sessions: SessionFactory, name: str, owner: str) -> None:
    async with sessions() as session, session.begin():
        await session.execute(delete(Lease).where(Lease.name == name, Lease.owner == owner))
