"""Polling one platform account: fetch pages after its cursor, ingest each page with the
cursor that follows it, and keep the account's health.

A failing account backs off on its own (exponentially, or as long as the platform's
Retry-After asks) and never holds up the others; its cursor only ever moves forward over
reviews that are safely stored.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass
from datetime import timedelta

from reviewbot.chat.alerts import PLATFORMS
from reviewbot.chat.notices import queue_notice
from reviewbot.clock import Clock
from reviewbot.platforms.base import PlatformAdapter, PlatformError, ReauthorizationRequired
from reviewbot.store import audit, leases
from reviewbot.store.db import SessionFactory
from reviewbot.store.ingest import IngestResult, ingest_page
from reviewbot.store.schema import Source

log = logging.getLogger(__name__)


@dataclass
class PollOutcome:
    source_id: int
    status: str  # "ok" | "error" | "skipped"
    pages: int = 0
    result: IngestResult | None = None
    error: str | None = None


def error_backoff(consecutive_errors: int, maximum: float, rng=random.random) -> float:
    """Seconds before polling a failing account again: 30 s doubling, jittered, capped."""
    base = min(maximum, 30.0 * 2 ** max(0, consecutive_errors - 1))
    return base * (0.75 + 0.5 * rng())


class Poller:
    def __init__(
        self,
        sessions: SessionFactory,
        clock: Clock,
        owner: str,
        *,
        max_pages: int = 20,
        error_backoff_max: float = 1800.0,
        lease_seconds: float = 300.0,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.owner = owner
        self.max_pages = max_pages
        self.error_backoff_max = error_backoff_max
        self.lease = timedelta(seconds=lease_seconds)
        self._polling: dict[int, asyncio.Lock] = {}

    async def poll(self, source_id: int, adapter: PlatformAdapter, interval: float) -> PollOutcome:
        name = f"poll:{source_id}"
        lock = self._polling.setdefault(source_id, asyncio.Lock())
        if lock.locked():  # this process is already polling the account
            return PollOutcome(source_id, "skipped")
        async with lock:
            if not await leases.acquire(
                self.sessions, name, self.owner, self.clock.now(), self.lease
            ):
                return PollOutcome(source_id, "skipped")
            try:
                return await self._poll(source_id, adapter, interval)
            finally:
                await leases.release(self.sessions, name, self.owner)

    async def _poll(self, source_id: int, adapter: PlatformAdapter, interval: float) -> PollOutcome:
        async with self.sessions() as session:
            source = await session.get(Source, source_id)
            if source is None or not source.enabled:
                return PollOutcome(source_id, "skipped")
            if source.next_poll_at is not None and source.next_poll_at > self.clock.now():
                return PollOutcome(source_id, "skipped")
            cursor = source.cursor
        total = IngestResult()
        pages = 0
        try:
            while pages < self.max_pages:
                page = await adapter.fetch_page(cursor)
                now = self.clock.now()
                async with self.sessions() as session, session.begin():
                    source = await session.get(Source, source_id)
                    assert source is not None
                    total.add(await ingest_page(session, source, page, now))
                    cursor = source.cursor
                pages += 1
                if not page.has_more:
                    break
        except Exception as exc:  # one account's failure must never stop the daemon
            if not isinstance(exc, PlatformError):
                log.exception(
                    "polling %s/%s failed unexpectedly", adapter.platform, adapter.account
                )
            await self._record_error(source_id, exc)
            return PollOutcome(source_id, "error", pages, total, _describe(exc))
        await self._record_success(source_id, interval)
        return PollOutcome(source_id, "ok", pages, total)

    async def _record_success(self, source_id: int, interval: float) -> None:
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            source = await session.get(Source, source_id)
            assert source is not None
            if source.consecutive_errors:
                audit.record(
                    session,
                    now,
                    "source.recovered",
                    store_id=source.store_id,
                    platform=source.platform,
                    account=source.account,
                    after_errors=source.consecutive_errors,
                )
            source.last_attempt_at = now
            source.last_success_at = now
            source.consecutive_errors = 0
            source.last_error = None
            source.needs_reauth = False
            source.reauth_since = None
            # Another replica's timer firing within the same interval skips this account.
            source.next_poll_at = now + timedelta(seconds=interval * 0.8)

    async def _record_error(self, source_id: int, exc: BaseException) -> None:
        now = self.clock.now()
        description = _describe(exc)
        async with self.sessions() as session, session.begin():
            source = await session.get(Source, source_id)
            assert source is not None
            source.consecutive_errors += 1
            source.last_attempt_at = now
            source.last_error = description[:2000]
            wait = error_backoff(source.consecutive_errors, self.error_backoff_max)
            retry_after = getattr(exc, "retry_after", None)
            if retry_after:
                wait = max(wait, float(retry_after))
            source.next_poll_at = now + timedelta(seconds=wait)
            if isinstance(exc, ReauthorizationRequired) and not source.needs_reauth:
                await self._ask_for_reauthorisation(session, source, now)
            if source.consecutive_errors == 1:
                audit.record(
                    session,
                    now,
                    "source.failing",
                    store_id=source.store_id,
                    platform=source.platform,
                    account=source.account,
                    error=description,
                )
        log.warning(
            "polling source %d failed (%s); next try in %.0fs", source_id, description, wait
        )

    @staticmethod
    async def _ask_for_reauthorisation(session, source: Source, now) -> None:
        """Mark the account and tell the owner once; polls keep failing fast until fixed."""
        source.needs_reauth = True
        source.reauth_since = now
        platform = PLATFORMS.get(source.platform, source.platform)
        await queue_notice(
            session,
            store_id=source.store_id,
            text=(
                f"{platform}账号「{source.account}」的授权已失效，reviewbot 暂时读不到这个平台的"
                "新评价，也无法代发回复。请到该平台的商家后台重新授权，把新的凭据填入配置里"
                "对应的环境变量或密钥文件，然后重启 reviewbot。"
            ),
            now=now,
            dedupe_key=f"reauth:{source.id}:{now.isoformat()}",
            level="warning",
        )
        audit.record(
            session,
            now,
            "source.needs_reauth",
            store_id=source.store_id,
            platform=source.platform,
            account=source.account,
        )


def _describe(exc: BaseException) -> str:
    code = getattr(exc, "code", None) or type(exc).__name__
    return f"{code}: {exc}"
