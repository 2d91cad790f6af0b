"""Polling one platform account: fetch pages after its cursor, ingest each page with the
cursor that follows it, and keep the account's health.

A failing account backs off on its own (exponentially, or as long as the platform's
Retry-After asks) and never holds up the others; its cursor only ever moves forward over
reviews that are safely stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, or_, update

from reviewbot import logs
from reviewbot.clock import Clock
from reviewbot.jobs.ingest import ClaimLost, IngestResult, store_page
from reviewbot.platforms.base import Page, PlatformAdapter, PlatformError, ReauthorizationRequired
from reviewbot.reporting.labels import PLATFORMS
from reviewbot.store import audit
from reviewbot.store.alerts import queue_notice
from reviewbot.store.db import SessionFactory
from reviewbot.store.schema import Source

log = logging.getLogger(__name__)


@dataclass
class PollOutcome:
    source_id: int
    status: str  # "ok" | "error" | "skipped" | "lost" (the claim passed to another replica)
    pages: int = 0
    result: IngestResult | None = None
    error: str | None = None
    exception: BaseException | None = field(default=None, repr=False)


def error_backoff(consecutive_errors: int, maximum: float, rng=random.random) -> float:
    """Seconds before polling a failing account again: 30 s doubling, jittered, capped."""
    base = min(maximum, 30.0 * 2 ** max(0, consecutive_errors - 1))
    return base * (0.75 + 0.5 * rng())


class Poller:
    def __init__(
        self,
        sessions: SessionFactory,
        clock: Clock,
        *,
        max_pages: int = 20,
        error_backoff_max: float = 1800.0,
        retry_after_max: float = 86400.0,
        owner: str,
        claim_seconds: float = 15.0,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.max_pages = max_pages
        self.error_backoff_max = error_backoff_max
        self.retry_after_max = retry_after_max
        self.claim = timedelta(seconds=claim_seconds)
        self.owner = owner
        self._polling: dict[int, asyncio.Lock] = {}

    async def poll(self, source_id: int, adapter: PlatformAdapter, interval: float) -> PollOutcome:
        """Poll one account once, if no one else is and it is due.

        Two one-statement transactions for a poll that finds nothing new (a thousand
        accounts polled every few seconds make these the daemon's main cost): claim the
        account and read it; record the result, which also ends the claim."""
        lock = self._polling.setdefault(source_id, asyncio.Lock())
        if lock.locked():  # this process is already polling the account
            return PollOutcome(source_id, "skipped")
        async with lock:
            claimed_at = self.clock.now()
            state = await self._claim(source_id, claimed_at)
            if state is None:
                return PollOutcome(source_id, "skipped")
            recorded = False
            lost = asyncio.Event()
            heartbeat = asyncio.create_task(
                self._keep_claim(source_id, lost), name=f"claim:{source_id}"
            )
            try:
                try:
                    outcome = await self._poll(source_id, adapter, state.cursor, lost)
                finally:
                    heartbeat.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await heartbeat
                if outcome.status == "lost":  # the account is another replica's now
                    recorded = True
                elif outcome.status == "ok":
                    await self._record_success(
                        source_id,
                        interval,
                        claimed_at,
                        clean=not (state.consecutive_errors or state.needs_reauth),
                    )
                else:
                    await self._record_error(source_id, outcome.exception)
                recorded = True
                return outcome
            finally:
                if not recorded:  # end the claim: due again at once
                    async with self.sessions() as session, session.begin():
                        await session.execute(
                            update(Source)
                            .where(Source.id == source_id, Source.claimed_by == self.owner)
                            .values(next_poll_at=claimed_at, claimed_by=None)
                            .execution_options(synchronize_session=False)
                        )

    async def _claim(self, source_id: int, now: datetime) -> Row[Any] | None:
        """Claim a due account for this poll and read it, in one UPDATE … RETURNING.

        The claim is the account's own next_poll_at moved `claim` ahead (a few seconds,
        renewed while the poll runs) and `claimed_by` set to this instance: no other
        replica (or timer) finds it due meanwhile; if this process dies it is due again
        when the claim runs out, as an expired lease would be, and at once for this same
        instance restarted. Recording the result ends the claim."""
        async with self.sessions() as session, session.begin():
            return (
                await session.execute(
                    update(Source)
                    .where(
                        Source.id == source_id,
                        Source.enabled.is_(True),
                        or_(
                            Source.next_poll_at.is_(None),
                            Source.next_poll_at <= now,
                            Source.claimed_by == self.owner,
                        ),
                    )
                    .values(next_poll_at=now + self.claim, claimed_by=self.owner)
                    .returning(
                        Source.cursor,
                        Source.consecutive_errors,
                        Source.needs_reauth,
                    )
                    .execution_options(synchronize_session=False)
                )
            ).one_or_none()

    async def _keep_claim(self, source_id: int, lost: asyncio.Event) -> None:
        """The claim's heartbeat: push it ahead every third of its length while the poll
        runs; if the claim is no longer ours (this process stalled past it and another
        replica took the account), say so: the poll stops before its next write."""
        while True:
            await asyncio.sleep(self.claim.total_seconds() / 3)
            try:
                # Shielded: a cancel (the poll ended) lets a renewal under way finish
                # rather than cutting the write in half (asyncpg can hang on that).
                if not await asyncio.shield(self._renew_claim(source_id)):
                    log.warning("source %d: the poll claim passed to another replica", source_id)
                    lost.set()
                    return
            except Exception as exc:
                log.warning("renewing the poll claim on source %d failed: %s", source_id, exc)

    async def _renew_claim(self, source_id: int) -> bool:
        """Push the claim ahead; False when it is no longer ours."""
        async with self.sessions() as session, session.begin():
            result = await session.execute(
                update(Source)
                .where(Source.id == source_id, Source.claimed_by == self.owner)
                .values(next_poll_at=self.clock.now() + self.claim)
                .execution_options(synchronize_session=False)
            )
        return result.rowcount == 1

    async def _poll(
        self, source_id: int, adapter: PlatformAdapter, cursor: str | None, lost: asyncio.Event
    ) -> PollOutcome:
        """Fetch pages after `cursor` and store each with the cursor that follows it, while
        the claim is ours (a replica that took it over moves the cursor now): the heartbeat
        says so between pages, and each write checks it (`store_page`), since a process
        that stalled as a whole wakes with its fetch done before its heartbeat beats."""
        total = IngestResult()
        pages = 0
        try:
            while pages < self.max_pages:
                page = await adapter.fetch_page(cursor)
                pages += 1
                if lost.is_set():
                    return PollOutcome(source_id, "lost", pages, total)
                if _nothing_to_store(page, cursor):
                    break
                now = self.clock.now()
                result, cursor = await store_page(self.sessions, source_id, page, now, self.owner)
                total.add(result)
                if not page.has_more:
                    break
        except ClaimLost:  # stalled past the claim before the heartbeat could tell
            return PollOutcome(source_id, "lost", pages, total)
        except Exception as exc:  # one account's failure must never stop the daemon
            if not isinstance(exc, PlatformError):
                log.exception(
                    "polling %s/%s failed unexpectedly", adapter.platform, adapter.account
                )
            return PollOutcome(source_id, "error", pages, total, _describe(exc), exc)
        return PollOutcome(source_id, "ok", pages, total)

    async def _record_success(
        self, source_id: int, interval: float, started: datetime, *, clean: bool
    ) -> None:
        now = self.clock.now()
        # Another replica's timer firing within the same interval skips this account.
        # Counted from when the poll began, not ended: a poll slowed by a busy platform or
        # database must not push the account past its own next timer (at 1,000 accounts on
        # one core a tenth of the polls were skipped so, stretching 10 s to 11).
        next_poll = max(now, started + timedelta(seconds=interval * 0.8))
        async with self.sessions() as session, session.begin():
            if clean:  # the common case: one UPDATE, no ORM round trip
                await session.execute(
                    update(Source)
                    .where(Source.id == source_id, Source.claimed_by == self.owner)
                    .values(
                        last_attempt_at=now,
                        last_success_at=now,
                        last_error=None,
                        next_poll_at=next_poll,
                        claimed_by=None,
                    )
                    .execution_options(synchronize_session=False)
                )
                return
            source = await session.get(Source, source_id)
            assert source is not None
            if source.claimed_by != self.owner:
                return  # another replica holds the account now: its poll records
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
            source.next_poll_at = next_poll
            source.claimed_by = None

    async def _record_error(self, source_id: int, exc: BaseException | None) -> None:
        assert exc is not None
        now = self.clock.now()
        description = _describe(exc)
        async with self.sessions() as session, session.begin():
            source = await session.get(Source, source_id)
            assert source is not None
            if source.claimed_by != self.owner:
                return  # another replica holds the account now: its poll records
            source.consecutive_errors += 1
            source.last_attempt_at = now
            source.last_error = description[:2000]
            wait = error_backoff(source.consecutive_errors, self.error_backoff_max)
            retry_after = getattr(exc, "retry_after", None)
            if retry_after:  # a platform may ask for days, or for ever: it gets at most this
                wait = max(wait, min(float(retry_after), self.retry_after_max))
            source.next_poll_at = now + timedelta(seconds=wait)
            source.claimed_by = None
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
            topic="account",
        )
        audit.record(
            session,
            now,
            "source.needs_reauth",
            store_id=source.store_id,
            platform=source.platform,
            account=source.account,
        )


def _nothing_to_store(page: Page, cursor: str | None) -> bool:
    """An empty page that leaves the cursor where it was: no transaction needed."""
    return (
        not page.reviews
        and not page.rejected
        and page.completed_scan is None
        and page.next_cursor in (None, cursor)
    )


def _describe(exc: BaseException) -> str:
    """The error as kept in `last_error` and shown to operators: never a secret or a value."""
    code = getattr(exc, "code", None) or type(exc).__name__
    return logs.redact(f"{code}: {exc}")
