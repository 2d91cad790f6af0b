"""Delivering the outbox: the dispatcher (what each kind of message does is in deliveries.py).

One replica at a time drains a destination (it holds that destination's lease, renewed
while it works, and checks it is still live before each message), oldest message first,
and stops at the first failure so nothing overtakes it. Delivery is at least once: a
crash between sending and recording sends again after restart, which is why handlers
make their effects idempotent where the far side allows it. Where it does not (a chat
message: Telegram has no idempotency key), each attempt is stamped in flight, and
committed, before its request goes out; the next holder that finds the stamp knows the
message may have arrived, and the handler says so on the copy it sends again (or re-reads
the platform before posting a reply again).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.chat.base import DeliveryError
from reviewbot.clock import Clock
from reviewbot.platforms.base import PlatformError
from reviewbot.store import audit, leases, outbox
from reviewbot.store.db import SessionFactory
from reviewbot.store.schema import OutboxMessage

log = logging.getLogger(__name__)


class Permanent(Exception):
    """A delivery that can never succeed as it stands (the message is marked dead)."""


class Deferred(Exception):
    """Not now, by design (a muted store): try again at `until`, without counting a failure."""

    def __init__(self, until: datetime, reason: str) -> None:
        super().__init__(reason)
        self.until = until


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


# Services whose queues are probed during an outage: a chat service is one endpoint for
# all its queues (a platform's failures may be one account's, and are left to back off).
PROBED = frozenset({"chat"})
PROBE_EVERY = 5.0  # seconds between the probe's attempts: held alerts flow within that


# The longest wait a far side's Retry-After may impose before we ask again: a 503 asking
# for a day would otherwise park an approved reply, and its queue, for that day. Eleven
# minutes: DingTalk's robots are throttled for ten, and ask for a little more.
ASKED_WAIT_MAX = 660.0


def retry_delay(attempts: int, retry_after: float | None = None, maximum: float = 60.0) -> float:
    """Seconds before the next attempt: 2 s doubling with jitter up to a minute (so a message
    goes out soon after an outage ends), or what the far side asked for, up to 11 minutes
    (if it still wants a pause then, it says so again)."""
    if retry_after is not None:
        return min(max(retry_after, 0.0), ASKED_WAIT_MAX)
    return min(maximum, 2.0 * 2 ** max(0, attempts - 1)) * (0.75 + 0.5 * random.random())


class OutboxDispatcher:
    def __init__(
        self,
        sessions: SessionFactory,
        clock: Clock,
        owner: str,
        handlers: Mapping[str, Handler],
        *,
        give_up_after: timedelta = timedelta(hours=48),
        batch: int = 100,
        concurrency: int = 16,
        before: Callable[[], Awaitable[Any]] | None = None,
        lease_ttl: timedelta = leases.DEFAULT_TTL,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.owner = owner
        self.handlers = handlers
        self.give_up_after = give_up_after
        self.batch = batch
        self.before = before  # a step before each run (copying messages to more channels)
        self.lease_ttl = lease_ttl
        self._gate = asyncio.Semaphore(concurrency)
        # Leases keep replicas apart; these keep this process's own runs apart.
        self._draining: dict[str, asyncio.Lock] = {}
        self._released = False

    async def run_once(self) -> int:
        """Deliver what is due; returns how many messages went out. A service that came
        back releases its held queues (see `_deliver_head`): they go in the same run."""
        if self.before is not None:
            try:
                await self.before()
            except Exception:  # what it does is retried next run; delivery goes on
                log.exception("the step before outbox delivery failed")
        total = 0
        for _ in range(3):
            self._released = False
            async with self.sessions() as session:
                destinations = await outbox.due_destinations(session, self.clock.now())
            total += sum(await asyncio.gather(*(self._drain(d) for d in destinations)))
            if not self._released:
                break
        return total

    async def _drain(self, destination: str) -> int:
        name = f"outbox:{destination}"
        lock = self._draining.setdefault(destination, asyncio.Lock())
        async with (
            self._gate,
            lock,
            leases.held(self.sessions, name, self.owner, self.clock, self.lease_ttl) as lease,
        ):
            if lease is None:
                return 0
            sent = 0
            for _ in range(self.batch):
                if not lease.alive():  # lost to another replica: it sends what is left
                    break
                outcome = await self._deliver_head(destination)
                if outcome is None:
                    break
                sent += int(outcome)
                if not outcome:
                    break
            return sent

    async def _start_attempt(self, destination: str) -> OutboxMessage | None:
        """The destination's oldest message if it is due, stamped in flight and committed
        before its request goes out (one transaction: the stamp costs no extra round trip).
        A stamp already there means the last attempt was cut off (its holder was killed
        between sending and recording): that attempt is recorded as interrupted, so the
        handler knows this one may repeat what already arrived."""
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            message = await outbox.head(session, destination)
            if message is None or message.next_attempt_at > now:
                return None
            if message.in_flight_since is not None:
                log.warning(
                    "outbox message %d (%s to %s) was cut off mid-send at %s; sending it "
                    "again, marked as possibly repeated",
                    message.id,
                    message.kind,
                    destination,
                    message.in_flight_since.isoformat(),
                )
                audit.record(
                    session,
                    now,
                    "outbox.interrupted",
                    message_id=message.id,
                    kind=message.kind,
                    destination=destination,
                    in_flight_since=message.in_flight_since.isoformat(),
                )
                outbox.mark_interrupted(message, now)
            message.in_flight_since = now
        return message

    async def _deliver_head(self, destination: str) -> bool | None:
        """Deliver the destination's oldest message: True sent, False failed, None nothing due."""
        message = await self._start_attempt(destination)
        if message is None:
            return None
        handler = self.handlers.get(message.kind)
        error: str | None = None
        retry_in: float | None = None
        maybe_delivered = False  # a request that went out, its answer lost (a timeout)
        result: dict[str, Any] = {}
        # Retryable failures are retried until the message is this old, then given up.
        keep_trying = self.clock.now() - message.created_at < self.give_up_after
        try:
            if handler is None:
                raise Permanent(f"no handler for outbox messages of kind {message.kind!r}")
            result = await handler.deliver(message)
        except Deferred as exc:
            # A hold of more than a minute (a mute, quiet hours) is said once, when it
            # starts: otherwise a first run at night looks like a bot that does nothing.
            wait = (exc.until - self.clock.now()).total_seconds()
            log.log(
                logging.INFO if wait > 60 else logging.DEBUG,
                "%s %d held until %s: %s",
                message.kind,
                message.id,
                exc.until.isoformat(timespec="minutes"),
                exc,
            )
            async with self.sessions() as session, session.begin():
                current = await session.get(OutboxMessage, message.id)
                assert current is not None
                current.next_attempt_at = exc.until
                current.in_flight_since = None
            return False
        except Permanent as exc:
            error = f"permanent: {exc}"
        except (DeliveryError, PlatformError) as exc:
            error = f"{getattr(exc, 'code', type(exc).__name__)}: {exc}"
            maybe_delivered = getattr(exc, "maybe_delivered", False)
            asked = getattr(exc, "retry_after", None)
            if getattr(exc, "retryable", True) and keep_trying:
                retry_in = retry_delay(message.attempts + 1, asked)
                if asked is not None:
                    error = f"{outbox.ASKED_TO_WAIT} {asked:g}s: {error}"
        except Exception as exc:  # a bug must not lose the message: keep retrying it
            log.exception("delivering outbox message %d failed unexpectedly", message.id)
            error = f"{type(exc).__name__}: {exc}"
            if keep_trying:
                retry_in = retry_delay(message.attempts + 1)
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            current = await session.get(OutboxMessage, message.id)
            assert current is not None
            if error is None:
                outbox.mark_sent(current, now)
                assert handler is not None
                await handler.on_sent(session, current, result, now)
                if await outbox.release_held(session, outbox.channel(destination), now):
                    self._released = True  # the service is back: its held queues go now
                return True
            if (
                retry_in is not None
                and not error.startswith(outbox.ASKED_TO_WAIT)
                and outbox.channel(destination) in PROBED
                and await outbox.is_probe(session, current)
            ):
                retry_in = min(retry_in, PROBE_EVERY)
            outbox.mark_failed(
                current, now, error, retry_in=retry_in, maybe_delivered=maybe_delivered
            )
            if maybe_delivered:
                audit.record(
                    session,
                    now,
                    "outbox.interrupted",
                    message_id=current.id,
                    kind=current.kind,
                    destination=destination,
                    timed_out=True,
                )
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
