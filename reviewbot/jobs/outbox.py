"""Delivering the outbox: alerts to the notifier, approved replies to the platforms.

One replica at a time drains a destination (it holds that destination's lease), oldest
message first, and stops at the first failure so nothing overtakes it. Delivery is at
least once: a crash between sending and recording sends again after restart, which is why
handlers make their effects idempotent where the far side allows it.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.chat.alerts import load_alert_view
from reviewbot.chat.base import DeliveryError, Notifier
from reviewbot.chat.notices import Notice
from reviewbot.clock import Clock
from reviewbot.platforms.base import AlreadyReplied, PlatformAdapter, PlatformError
from reviewbot.store import audit, leases, outbox
from reviewbot.store.db import SessionFactory
from reviewbot.store.schema import Alert, Draft, OutboxMessage, Review, Store

log = logging.getLogger(__name__)


class Permanent(Exception):
    """A delivery that can never succeed as it stands (the message is marked dead)."""


class Handler(Protocol):
    async def deliver(self, message: OutboxMessage) -> dict[str, Any]:
        """Do the delivery (network I/O, no session held); raise to fail."""
        ...

    async def on_sent(
        self, session: AsyncSession, message: OutboxMessage, result: dict[str, Any], now: datetime
    ) -> None: ...

    async def on_dead(
        self, session: AsyncSession, message: OutboxMessage, error: str, now: datetime
    ) -> None: ...


class AlertHandler:
    def __init__(self, sessions: SessionFactory, notifier: Notifier) -> None:
        self.sessions = sessions
        self.notifier = notifier

    async def deliver(self, message: OutboxMessage) -> dict[str, Any]:
        async with self.sessions() as session:
            try:
                view = await load_alert_view(session, message.ref_id)
            except LookupError as exc:
                raise Permanent(str(exc)) from None
        return await self.notifier.send_alert(view)

    async def on_sent(
        self, session: AsyncSession, message: OutboxMessage, result: dict[str, Any], now: datetime
    ) -> None:
        alert = await session.get(Alert, message.ref_id)
        if alert is None:
            return
        alert.status = "sent"
        alert.sent_at = now
        alert.message_ref = result
        audit.record(
            session,
            now,
            "alert.sent",
            store_id=alert.store_id,
            review_id=alert.review_id,
            alert_id=alert.id,
            channel=self.notifier.name,
            attempts=message.attempts,
        )

    async def on_dead(
        self, session: AsyncSession, message: OutboxMessage, error: str, now: datetime
    ) -> None:
        alert = await session.get(Alert, message.ref_id)
        if alert is not None:
            alert.status = "failed"
            audit.record(
                session,
                now,
                "alert.failed",
                store_id=alert.store_id,
                review_id=alert.review_id,
                alert_id=alert.id,
                error=error,
            )


class NoticeHandler:
    def __init__(self, sessions: SessionFactory, notifier: Notifier) -> None:
        self.sessions = sessions
        self.notifier = notifier

    async def deliver(self, message: OutboxMessage) -> dict[str, Any]:
        payload = message.payload
        async with self.sessions() as session:
            store = await session.get(Store, payload["store_id"])
        notice = Notice(
            store_id=payload["store_id"],
            store_name=store.name if store else payload["store_id"],
            text=payload["text"],
            level=payload.get("level", "info"),
            audience=payload.get("audience", "owner"),
        )
        return await self.notifier.send_notice(notice)

    async def on_sent(
        self, session: AsyncSession, message: OutboxMessage, result: dict[str, Any], now: datetime
    ) -> None:
        audit.record(
            session,
            now,
            "notice.sent",
            store_id=message.payload.get("store_id"),
            channel=self.notifier.name,
            attempts=message.attempts,
        )

    async def on_dead(
        self, session: AsyncSession, message: OutboxMessage, error: str, now: datetime
    ) -> None:
        audit.record(
            session, now, "notice.failed", store_id=message.payload.get("store_id"), error=error
        )


class ReplyHandler:
    """Posts an approved draft through the review's platform adapter."""

    def __init__(self, sessions: SessionFactory, adapters: Mapping[int, PlatformAdapter]) -> None:
        self.sessions = sessions
        self.adapters = adapters

    async def deliver(self, message: OutboxMessage) -> dict[str, Any]:
        async with self.sessions() as session:
            draft = await session.get(Draft, message.ref_id)
            review = await session.get(Review, draft.review_id) if draft else None
        if draft is None or review is None:
            raise Permanent(f"draft {message.ref_id} or its review no longer exists")
        adapter = self.adapters.get(review.source_id)
        if adapter is None:
            raise DeliveryError(f"no adapter running for {review.platform}/{review.account}")
        text = message.payload.get("text") or draft.text
        try:
            receipt = await adapter.post_reply(review.external_id, text)
        except AlreadyReplied:
            # Our own earlier attempt may have gone through before its answer was lost.
            if review.reply_text == text:
                return {"already": True}
            raise
        return {"replied_at": receipt.replied_at.isoformat() if receipt.replied_at else None}

    async def on_sent(
        self, session: AsyncSession, message: OutboxMessage, result: dict[str, Any], now: datetime
    ) -> None:
        draft = await session.get(Draft, message.ref_id)
        if draft is None:
            return
        review = await session.get(Review, draft.review_id)
        draft.status = "posted"
        draft.posted_at = now
        if review is not None:
            review.status = "replied"
            review.reply_text = message.payload.get("text") or draft.text
        audit.record(
            session,
            now,
            "reply.posted",
            store_id=review.store_id if review else None,
            review_id=draft.review_id,
            draft_id=draft.id,
            text=review.reply_text if review else None,
        )

    async def on_dead(
        self, session: AsyncSession, message: OutboxMessage, error: str, now: datetime
    ) -> None:
        draft = await session.get(Draft, message.ref_id)
        if draft is not None:
            draft.status = "failed"
            audit.record(
                session,
                now,
                "reply.failed",
                review_id=draft.review_id,
                draft_id=draft.id,
                error=error,
            )


def retry_delay(attempts: int, retry_after: float | None = None, maximum: float = 900.0) -> float:
    """Seconds before the next attempt: 2 s doubling with jitter, or what the far side asked."""
    if retry_after is not None:
        return retry_after
    return min(maximum, 2.0 * 2 ** max(0, attempts - 1)) * (0.75 + 0.5 * random.random())


class OutboxDispatcher:
    def __init__(
        self,
        sessions: SessionFactory,
        clock: Clock,
        owner: str,
        handlers: Mapping[str, Handler],
        *,
        max_attempts: int = 50,
        batch: int = 100,
        concurrency: int = 16,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.owner = owner
        self.handlers = handlers
        self.max_attempts = max_attempts
        self.batch = batch
        self._gate = asyncio.Semaphore(concurrency)

    async def run_once(self) -> int:
        """Deliver what is due; returns how many messages went out."""
        async with self.sessions() as session:
            destinations = await outbox.due_destinations(session, self.clock.now())
        counts = await asyncio.gather(*(self._drain(d) for d in destinations))
        return sum(counts)

    async def _drain(self, destination: str) -> int:
        name = f"outbox:{destination}"
        async with self._gate:
            if not await leases.acquire(
                self.sessions, name, self.owner, self.clock.now(), timedelta(minutes=5)
            ):
                return 0
            try:
                sent = 0
                for _ in range(self.batch):
                    outcome = await self._deliver_head(destination)
                    if outcome is None:
                        break
                    sent += int(outcome)
                    if not outcome:
                        break
                return sent
            finally:
                await leases.release(self.sessions, name, self.owner)

    async def _deliver_head(self, destination: str) -> bool | None:
        """Deliver the destination's oldest message: True sent, False failed, None nothing due."""
        async with self.sessions() as session:
            message = await outbox.head(session, destination)
        if message is None or message.next_attempt_at > self.clock.now():
            return None
        handler = self.handlers.get(message.kind)
        error: str | None = None
        retry_in: float | None = None
        result: dict[str, Any] = {}
        try:
            if handler is None:
                raise Permanent(f"no handler for outbox messages of kind {message.kind!r}")
            result = await handler.deliver(message)
        except Permanent as exc:
            error = f"permanent: {exc}"
        except (DeliveryError, PlatformError) as exc:
            error = f"{getattr(exc, 'code', type(exc).__name__)}: {exc}"
            if getattr(exc, "retryable", True) and message.attempts + 1 < self.max_attempts:
                retry_in = retry_delay(message.attempts + 1, getattr(exc, "retry_after", None))
        except Exception as exc:  # a bug must not lose the message: keep retrying it
            log.exception("delivering outbox message %d failed unexpectedly", message.id)
            error = f"{type(exc).__name__}: {exc}"
            if message.attempts + 1 < self.max_attempts:
                retry_in = retry_delay(message.attempts + 1)
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            current = await session.get(OutboxMessage, message.id)
            assert current is not None
            if error is None:
                outbox.mark_sent(current, now)
                assert handler is not None
                await handler.on_sent(session, current, result, now)
                return True
            outbox.mark_failed(current, now, error, retry_in=retry_in)
            if retry_in is None:
                log.error(
                    "outbox message %d (%s to %s) is dead: %s",
                    current.id,
                    current.kind,
                    destination,
                    error,
                )
                if handler is not None:
                    await handler.on_dead(session, current, error, now)
                audit.record(
                    session,
                    now,
                    "outbox.dead",
                    message_id=current.id,
                    kind=current.kind,
                    destination=destination,
                    error=error,
                )
            else:
                log.warning(
                    "outbox message %d to %s failed (%s); retry in %.0fs",
                    current.id,
                    destination,
                    error,
                    retry_in,
                )
        return False
