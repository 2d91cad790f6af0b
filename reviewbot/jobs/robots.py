"""Group robots and chat apps through the outbox: each alert, notice and digest queued for
a store's chat is copied to a queue per channel of the store that asks for its kind (a
daily digest brings the store's waiting thank-you drafts too), and those queues are
delivered within the channel's rate limit (20 messages a minute).

A copy lives on `robot:{key}|{the store's chat queue}`, so a robot's alerts keep their
order, a mute holds them as it holds the chat's, and a robot down or refusing holds only
its own queue. The rate limit counts every message the robot sent in the last minute
(from the outbox, so a restart does not forget them): while the queue waiting is longer
than what the minute allows, the last message the minute allows carries a summary of all
that wait, each of them marked sent, none dropped. Copies are at least once, like
everything in the outbox: a crash between a post and its record posts it again.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.chat.notices import Notice
from reviewbot.chat.robots.base import Robot
from reviewbot.chat.robots.text import digest_notice, thanks_notice
from reviewbot.clock import Clock
from reviewbot.jobs.deliveries import as_sent, held, notice_of
from reviewbot.jobs.digest import digest_picture
from reviewbot.jobs.outbox import Deferred, Permanent
from reviewbot.store import audit, outbox
from reviewbot.store.db import SessionFactory
from reviewbot.store.schema import Digest, OutboxMessage, Store
from reviewbot.vocab import SendKind
from reviewbot.workflow import thanks
from reviewbot.workflow.cards import AlertView, load_alert_view
from reviewbot.workflow.directory import Directory
from reviewbot.workflow.thanks import Page

log = logging.getLogger(__name__)

WINDOW = timedelta(minutes=1)
SECOND = timedelta(seconds=1)
MERGE_AT_MOST = 200  # messages one summary considers (it holds as many as fit)
ROUTED = ("alert", "notice", "digest")
# What a notice's topic is, in the words of a channel's `send`.
TOPICS: dict[str, SendKind] = {
    "escalation": "escalations",
    "crisis": "crisis",
    "account": "accounts",
}


def kinds_of(message: OutboxMessage) -> list[tuple[str, SendKind]]:
    """The copies a chat message makes, as (what the copy is, the `send` word that asks
    for it). A daily digest also brings the store's thank-you batch: the drafts for its
    good reviews, waiting to be posted."""
    if message.kind == "alert":
        return [("alert", "alerts")]
    if message.kind == "notice":
        return [("notice", TOPICS.get(message.payload.get("topic", ""), "escalations"))]
    if message.kind == "digest":
        daily = message.payload.get("period", "day") == "day"
        return [("digest", "digests"), *([("thanks", "thanks")] if daily else [])]
    return []


@dataclass(frozen=True, slots=True)
class Route:
    """One robot of a store, and which of its messages it gets."""

    key: str
    send: frozenset[str]


def store_of(destination: str) -> str:
    """The store of a chat queue (`chat:{store}` or `chat:{store}:urgent`)."""
    return destination.split("|")[-1].split(":")[1]


class Router:
    """Copies a store's alerts, notices and digests to the queues of its channels that ask
    for their kind (`send`), once each."""

    def __init__(
        self, sessions: SessionFactory, clock: Clock, routes: Mapping[str, Sequence[Route]]
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.routes = routes

    async def run_once(self) -> int:
        """Copy every waiting chat message (one behind a chat that is down too): returns
        how many copies were queued."""
        if not self.routes:
            return 0
        try:
            async with self.sessions() as session, session.begin():
                waiting = await session.scalars(
                    select(OutboxMessage).where(
                        OutboxMessage.status == outbox.PENDING,
                        OutboxMessage.kind.in_(ROUTED),
                        OutboxMessage.destination.startswith("chat:"),
                    )
                )
                return await self._copy(session, list(waiting))
        except IntegrityError:  # another replica copied the same message a moment ago
            return 0

    async def copy(self, message: OutboxMessage) -> None:
        """Copy one message (its chat delivery is about to happen)."""
        if not self.routes.get(store_of(message.destination)):
            return
        async with self.sessions() as session, session.begin():
            current = await session.get(OutboxMessage, message.id)
            if current is not None:
                await self._copy(session, [current])

    async def _copy(self, session: AsyncSession, messages: Iterable[OutboxMessage]) -> int:
        wanted: dict[str, tuple[Route, OutboxMessage, str]] = {}
        for message in messages:
            for route in self.routes.get(store_of(message.destination), ()):
                for of, kind in kinds_of(message):
                    if kind in route.send:
                        suffix = "" if of == message.kind else f":{of}"
                        wanted[f"robot:{route.key}:{message.id}{suffix}"] = (route, message, of)
        if not wanted:
            return 0
        done = set(
            await session.scalars(
                select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(wanted))
            )
        )
        now = self.clock.now()
        for dedupe_key, (route, message, of) in wanted.items():
            if dedupe_key in done:
                continue
            await outbox.enqueue(
                session,
                kind="robot",
                destination=outbox.robot_destination(route.key, message.destination),
                ref_id=message.ref_id,
                dedupe_key=dedupe_key,
                now=now,
                payload={**message.payload, "channel": route.key, "of": of},
            )
        return len(wanted) - len(done)


class RobotHandler:
    """Delivers robot copies: one card each while the minute allows, then one summary."""

    def __init__(
        self,
        sessions: SessionFactory,
        robots: Mapping[str, Robot],
        directory: Directory,
        clock: Clock,
    ) -> None:
        self.sessions = sessions
        self.robots = robots
        self.directory = directory
        self.clock = clock
        self._sent: dict[str, deque[datetime]] = {}  # this process's posts, in flight too
        self._locks: dict[str, asyncio.Lock] = {}

    async def deliver(self, message: OutboxMessage) -> dict[str, Any]:
        key = str(message.payload.get("channel"))
        robot = self.robots.get(key)
        if robot is None:
            raise Permanent(f"group robot {key} is not configured any more")
        async with self._locks.setdefault(key, asyncio.Lock()):
            now = self.clock.now()
            async with self.sessions() as session:
                head = await self._item(session, message, robot)
                if head is None:
                    return {"skipped": "no thank-you draft waits"}
                if isinstance(head, AlertView) and head.kind != "critical":
                    store = await session.get(Store, head.store_id)
                    hold = held(store, head.store_id, self.directory, now)
                    if hold is not None:
                        raise hold
                recent = await self._recent(session, robot, now)
                budget = robot.per_minute - len(recent)
                if budget <= 0:
                    raise Deferred(recent[0] + WINDOW, f"{key}: {robot.per_minute} a minute")
                if robot.per_second and sum(t > now - SECOND for t in recent) >= robot.per_second:
                    raise Deferred(now + SECOND, f"{key}: {robot.per_second} a second")
                waiting = await self._waiting(session, message.destination, now)
                merge = budget == 1 and len(waiting) > 1
                items: list[tuple[int, AlertView | Notice]] = [(message.id, head)]
                if merge:
                    for row in waiting[1:]:
                        try:
                            item = await self._item(session, row, robot)
                        except Permanent:
                            continue  # it fails on its own turn, with its reason
                        if item is not None:
                            items.append((row.id, item))
            # Every attempt counts against the minute: one that timed out may have landed.
            self._sent.setdefault(key, deque()).append(now)
            if merge:
                result = await robot.send_summary([item for _, item in items])
                merged = [row_id for row_id, _ in items[1 : result["count"]]]
                return {**result, "merged": merged}
            if isinstance(head, AlertView):
                return await robot.send_alert(as_sent(head, message))
            if message.payload.get("of") == "thanks" and robot.takes_batches:
                return await self._offer(robot, message)
            return await robot.send_notice(as_sent(head, message))

    async def _offer(self, robot: Robot, message: OutboxMessage) -> dict[str, Any]:
        """A thank-you batch for a chat app whose buttons post it: kept as a batch first."""
        store_id = store_of(message.destination)
        async with self.sessions() as session, session.begin():
            found = await self._thanks(session, store_id)
            if found is None:
                return {"skipped": "no thank-you draft waits"}
            page, notice = found
            token = await thanks.offer(session, page, store_id, self.clock.now())
        return await robot.send_thanks(notice, token)

    async def _item(
        self, session: AsyncSession, message: OutboxMessage, robot: Robot
    ) -> AlertView | Notice | None:
        """What a copy sends, drawn now (None: a thank-you batch with nothing in it)."""
        of = message.payload.get("of")
        if of == "notice":
            notice = await notice_of(session, message.payload)
            service = robot.people_service
            if service is None:
                return notice
            mentions = self.directory.addressees(service, notice.store_id, notice.audience)
            return replace(notice, mentions=tuple(mentions))
        if of in ("digest", "thanks"):
            return await self._report(session, message, of)
        try:
            return await load_alert_view(session, message.ref_id, self.directory)
        except LookupError as exc:
            raise Permanent(str(exc)) from None

    async def _report(
        self, session: AsyncSession, message: OutboxMessage, of: str
    ) -> Notice | None:
        """A digest, or the thank-you batch that comes with a daily one."""
        digest = await session.get(Digest, message.ref_id)
        if digest is None:
            raise Permanent(f"digest {message.ref_id} does not exist")
        store = self.directory.store(digest.store_id)
        name = store.name if store else digest.store_id
        if of == "digest":
            zone = ZoneInfo(self.directory.timezone(digest.store_id))
            return digest_notice(digest_picture(digest, name, zone, image=b""))
        found = await self._thanks(session, digest.store_id)
        return found[1] if found else None

    async def _thanks(self, session: AsyncSession, store_id: str) -> tuple[Page, Notice] | None:
        """The store's waiting thank-you drafts, a page of them, and how it reads."""
        size = self.directory.settings.telegram.thanks_page_size
        page = await thanks.preview(session, self.directory, store_id, size)
        if not page.items:
            return None
        store = self.directory.store(store_id)
        name = store.name if store else store_id
        telegram = self.directory.staff_chat(store_id) is not None
        public_url = self.directory.settings.web.public_url
        return page, thanks_notice(page, store_id, name, public_url, telegram)

    async def _recent(self, session: AsyncSession, robot: Robot, now: datetime) -> list[datetime]:
        """When the robot posted in the last minute, oldest first: from the outbox (every
        replica, and before a restart) or from this process (posts not yet recorded)."""
        rows = await session.execute(
            select(OutboxMessage.sent_at, OutboxMessage.payload).where(
                OutboxMessage.destination.startswith(
                    outbox.robot_prefix(robot.name), autoescape=True
                ),
                OutboxMessage.status == outbox.SENT,
                OutboxMessage.sent_at > now - WINDOW,
            )
        )
        stored = sorted(at for at, payload in rows if "merged_into" not in payload and at)
        mine = self._sent.setdefault(robot.name, deque())
        while mine and mine[0] <= now - WINDOW:
            mine.popleft()
        return stored if len(stored) >= len(mine) else list(mine)

    @staticmethod
    async def _waiting(
        session: AsyncSession, destination: str, now: datetime
    ) -> list[OutboxMessage]:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.destination == destination,
                OutboxMessage.status == outbox.PENDING,
                OutboxMessage.next_attempt_at <= now,
            )
            .order_by(OutboxMessage.id)
            .limit(MERGE_AT_MOST)
        )
        return list(rows)

    async def on_sent(
        self, session: AsyncSession, message: OutboxMessage, result: dict[str, Any], now: datetime
    ) -> None:
        merged = [int(i) for i in result.get("merged", [])]
        if merged:
            rows = await session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.id.in_(merged), OutboxMessage.status == outbox.PENDING
                )
            )
            for row in rows:
                outbox.mark_sent(row, now)
                row.payload = {**row.payload, "merged_into": message.id}
        audit.record(
            session,
            now,
            "robot.sent",
            store_id=store_of(message.destination),
            channel=message.payload.get("channel"),
            message_id=message.id,
            merged=len(merged),
            attempts=message.attempts,
        )

    async def on_dead(
        self, session: AsyncSession, message: OutboxMessage, error: str, now: datetime
    ) -> None:
        audit.record(
            session,
            now,
            "robot.failed",
            store_id=store_of(message.destination),
            channel=message.payload.get("channel"),
            message_id=message.id,
            error=error,
        )
