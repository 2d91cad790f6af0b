"""The outbox: messages written with the change that causes them, delivered later.

Each destination (a chat, a platform account) is a FIFO queue: its head must go out
before anything behind it, so alerts arrive in order after an outage. A message that can
never be delivered is marked dead (and audited) rather than blocking its queue forever.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot import logs
from reviewbot.store.schema import Alert, OutboxMessage
from reviewbot.vocab import OUTBOX_KINDS, OutboxKind, OutboxStatus

PENDING: OutboxStatus = "pending"
SENT: OutboxStatus = "sent"
DEAD: OutboxStatus = "dead"


def chat_destination(store_id: str, *, urgent: bool = False) -> str:
    """The queue of what is said to one store's people, so it arrives in order. Urgent
    messages have their own queue: they must not wait behind alerts held by a mute."""
    return f"chat:{store_id}:urgent" if urgent else f"chat:{store_id}"


def robot_prefix(key: str) -> str:
    """The start of every queue of one group robot (its rate limit counts them all)."""
    return f"robot:{key}|"


def robot_destination(key: str, chat: str) -> str:
    """A group robot's copy of a store's chat queue (`chat`): same order, same holds."""
    return f"{robot_prefix(key)}{chat}"


def held_by_mute(destination: str) -> Any:
    """The queues a mute of `destination` (a store's chat queue) holds: it and its robot
    copies, as a condition on OutboxMessage.destination."""
    return or_(
        OutboxMessage.destination == destination,
        OutboxMessage.destination.endswith(f"|{destination}", autoescape=True),
    )


def channel(destination: str) -> str:
    """The service behind a destination ("chat" for every chat queue, the platform for a
    reply queue): when it is out, all its queues wait; when it is back, all can go."""
    return destination.split(":", 1)[0]


# A failure with a delay the far side asked for (flood control) starts its last_error
# with this: such a row waits its time even when the service is back.
ASKED_TO_WAIT = "retry-after"


async def release_held(session: AsyncSession, service: str, now: datetime) -> int:
    """The service took a message: every row of its queues waiting out a retry delay is
    due now (a row told to wait by the far side, or held by a mute, still waits)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == PENDING,
            OutboxMessage.destination.like(f"{service}:%"),
            OutboxMessage.attempts > 0,
            OutboxMessage.next_attempt_at > now,
            or_(
                OutboxMessage.last_error.is_(None),
                OutboxMessage.last_error.not_like(f"{ASKED_TO_WAIT}%"),
            ),
        )
        .values(next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def is_probe(session: AsyncSession, message: OutboxMessage) -> bool:
    """Whether `message` is its service's probe: the oldest pending row that failed. It is
    retried at a short interval while the others back off, so one request tells when the
    service is back and its success releases the rest."""
    oldest = await session.scalar(
        select(func.min(OutboxMessage.id)).where(
            OutboxMessage.status == PENDING,
            OutboxMessage.destination.like(f"{channel(message.destination)}:%"),
            OutboxMessage.attempts > 0,
        )
    )
    return oldest is None or oldest >= message.id


def redraw_destination(store_id: str) -> str:
    """The queue of a store's card redraws. A redraw pings nobody, so a mute must not hold
    it back: it cannot wait behind a held alert on the store's chat queue."""
    return f"chat:{store_id}:redraws"


async def enqueue(
    session: AsyncSession,
    *,
    kind: OutboxKind,
    destination: str,
    ref_id: int,
    dedupe_key: str,
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> OutboxMessage | None:
    """Queue a message unless one with the same dedupe key exists; returns the new one."""
    if kind not in OUTBOX_KINDS:
        raise ValueError(f"not an outbox kind (reviewbot/vocab.py): {kind!r}")
    exists = await session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    )
    if exists is not None:
        return None
    message = OutboxMessage(
        kind=kind,
        destination=destination,
        ref_id=ref_id,
        dedupe_key=dedupe_key,
        payload=payload or {},
        status=PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(message)
    await session.flush()
    return message


PRUNE_BATCH = 5000  # rows deleted per transaction: short enough not to hold up delivery


async def prune_sent(session: AsyncSession, before: datetime, *, limit: int = PRUNE_BATCH) -> int:
    """Delete up to `limit` messages delivered before `before` (oldest first); returns how
    many. A pending or dead message is never pruned: one waits, the other is evidence."""
    ids = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == SENT, OutboxMessage.sent_at < before)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    result = await session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.id.in_(ids.scalar_subquery()))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def due_destinations(session: AsyncSession, now: datetime) -> list[str]:
    """Destinations whose oldest pending message is due now."""
    heads = (
        select(OutboxMessage.destination, func.min(OutboxMessage.id).label("head"))
        .where(OutboxMessage.status == PENDING)
        .group_by(OutboxMessage.destination)
        .subquery()
    )
    rows = await session.execute(
        select(heads.c.destination)
        .join(OutboxMessage, OutboxMessage.id == heads.c.head)
        .where(OutboxMessage.next_attempt_at <= now)
        .order_by(heads.c.head)
    )
    return list(rows.scalars())


async def head(session: AsyncSession, destination: str) -> OutboxMessage | None:
    return await session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.destination == destination, OutboxMessage.status == PENDING)
        .order_by(OutboxMessage.id)
        .limit(1)
    )


INTERRUPTED = "interrupted"
"""The failure code of an attempt found cut off mid-send (its holder was killed after the
request went out and before its outcome was recorded): it may have been delivered."""


async def start_attempt(session: AsyncSession, message_id: int, now: datetime) -> None:
    """Stamp the message as in flight; the caller commits this before the request goes
    out, so whoever finds the stamp later knows the request may have arrived."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(in_flight_since=now)
        .execution_options(synchronize_session=False)
    )


def mark_interrupted(message: OutboxMessage, now: datetime) -> None:
    """Record the cut-off attempt of a message found in flight as an uncertain failure: the
    next attempt knows it may repeat what already arrived."""
    since = message.in_flight_since
    message.attempts += 1
    message.last_error = (
        f"{INTERRUPTED}: the attempt started at {since.isoformat() if since else '?'} was cut "
        "off before its outcome was recorded; it may have been delivered"
    )
    message.in_flight_since = None


# Kept at the end of a later failure's last_error, so the doubt lasts until a send succeeds.
_AFTER_INTERRUPTED = " [after an interrupted attempt]"


def interrupted(message: OutboxMessage) -> bool:
    """Whether an attempt of this (undelivered) message was cut off mid-send, or timed out
    waiting for an answer to a request that went out: the next copy that goes out may be
    a second one."""
    error = message.last_error or ""
    return error.startswith(f"{INTERRUPTED}:") or error.endswith(_AFTER_INTERRUPTED)


def mark_sent(message: OutboxMessage, now: datetime) -> None:
    message.status = SENT
    message.sent_at = now
    message.attempts += 1
    message.last_error = None
    message.in_flight_since = None


def mark_failed(
    message: OutboxMessage,
    now: datetime,
    error: str,
    *,
    retry_in: float | None,
    maybe_delivered: bool = False,
) -> None:
    """Record a failed attempt; retry_in=None means it will never succeed (dead).
    `maybe_delivered`: the far side may have taken it (its answer timed out), so the
    doubt is kept as after a cut-off attempt, until a send succeeds."""
    doubt = _AFTER_INTERRUPTED if maybe_delivered or interrupted(message) else ""
    message.attempts += 1
    message.in_flight_since = None
    message.last_error = logs.redact(error)[: 2000 - len(doubt)] + doubt
    if retry_in is None:
        message.status = DEAD
    else:
        message.next_attempt_at = now + timedelta(seconds=retry_in)


async def queue_alert_update(
    session: AsyncSession, review_id: int, now: datetime, reason: str
) -> None:
    """Redraw every sent alert of a review (its chat message shows the new state), on the
    store's redraw queue, which no mute holds."""
    alerts = (await session.scalars(select(Alert).where(Alert.review_id == review_id))).all()
    for alert in alerts:
        await enqueue(
            session,
            kind="alert_update",
            destination=redraw_destination(alert.store_id),
            ref_id=alert.id,
            dedupe_key=f"alert_update:{alert.id}:{now.isoformat()}:{reason}",
            now=now,
            payload={"reason": reason},
        )


async def queue_batch_update(
    session: AsyncSession, batch_id: int, store_id: str, now: datetime, reason: str, draft_id: int
) -> None:
    """Redraw a /thanks page's message after one of its replies reached the platform (or
    failed to), on the store's redraw queue like a card's."""
    await enqueue(
        session,
        kind="batch_update",
        destination=redraw_destination(store_id),
        ref_id=batch_id,
        dedupe_key=f"batch_update:{batch_id}:{draft_id}:{reason}",
        now=now,
        payload={"reason": reason, "draft_id": draft_id},
    )
