"""Platform tokens in the database (the `CredentialStore` the daemon and the CLI use).

Tokens are stored, never logged; the configured secrets they grew from are kept only as
a fingerprint. A refresh holds a lease on the credential so replicas sharing one
PostgreSQL spend a (possibly single-use) refresh token once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from reviewbot.clock import Clock
from reviewbot.platforms.base import Unavailable
from reviewbot.platforms.credentials import TokenSet
from reviewbot.store import leases
from reviewbot.store.db import SessionFactory
from reviewbot.store.schema import PlatformCredential


class DbCredentialStore:
    def __init__(
        self,
        sessions: SessionFactory,
        clock: Clock,
        owner: str,
        *,
        lease_tries: int = 40,
        lease_wait: float = 0.25,
        lease_ttl: timedelta = leases.DEFAULT_TTL,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.owner = owner
        self.lease_tries = lease_tries
        self.lease_wait = lease_wait
        self.lease_ttl = lease_ttl  # `daemon.lease_seconds` in the daemon

    async def load(self, key: str, seed: str) -> TokenSet | None:
        async with self.sessions() as session:
            row = await session.get(PlatformCredential, key)
            if row is None or row.seed_hash != seed:
                return None
            return TokenSet(
                access_token=row.access_token,
                refresh_token=row.refresh_token,
                expires_at=row.expires_at,
                remain_refresh_count=row.remain_refresh_count,
                needs_reauth=row.needs_reauth,
                reason=row.reauth_reason,
            )

    async def save(self, key: str, seed: str, tokens: TokenSet, now: datetime) -> None:
        async with self.sessions() as session, session.begin():
            row = await session.get(PlatformCredential, key)
            if row is None:
                row = PlatformCredential(key=key)
                session.add(row)
            row.seed_hash = seed
            row.access_token = tokens.access_token
            row.refresh_token = tokens.refresh_token
            row.expires_at = tokens.expires_at
            row.remain_refresh_count = tokens.remain_refresh_count
            row.needs_reauth = tokens.needs_reauth
            row.reauth_reason = tokens.reason
            row.updated_at = now
            if not tokens.needs_reauth:
                row.refreshed_at = now

    @asynccontextmanager
    async def exclusive(self, key: str) -> AsyncIterator[None]:
        name = f"credential:{key}"[:200]
        for _ in range(self.lease_tries):
            async with leases.held(
                self.sessions, name, self.owner, self.clock, self.lease_ttl
            ) as lease:
                if lease is not None:
                    yield
                    return
            await asyncio.sleep(self.lease_wait)
        raise Unavailable(f"{key}: another replica is refreshing this credential")
