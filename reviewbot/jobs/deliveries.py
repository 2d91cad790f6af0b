"""What each kind of outbox message does when delivered, and what it records afterwards.

- alert: send a review alert to the store's chat (held while the store is muted or in its
  quiet hours, unless critical);
- alert_update: redraw sent alerts after something happened to the review;
- notice: a system message for the store's people;
- batch_update: redraw a /thanks page's message as its replies reach the platform;
- reply: post an approved draft through the review's platform adapter.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol, TypeVar, runtime_checkable

from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.chat.base import DeliveryError, Notifier
from reviewbot.chat.notices import Notice, as_repeat
from reviewbot.clock import Clock
from reviewbot.jobs.outbox import Deferred, Permanent
from reviewbot.platforms.base import (
    UNCERTAIN,
    AlreadyReplied,
    PlatformAdapter,
    PlatformError,
    ReplyReader,
)
from reviewbot.platforms.normalize import clean_text
from reviewbot.speed import policy
from reviewbot.store import audit, outbox
from reviewbot.store.answered import withdraw_stale_reply
from reviewbot.store.db import SessionFactory
from reviewbot.store.schema import (
    Alert,
    Draft,
    OutboxMessage,
    ReplyBatch,
    Review,
    Source,
    Store,
)
from reviewbot.workflow.cards import AlertView, load_alert_view
from reviewbot.workflow.directory import Directory
from reviewbot.workflow.thanks import delivery_of
from reviewbot.workflow.thanks import view as batch_view

log = logging.getLogger(__name__)


def held(
    store: Store | None, store_id: str, directory: Directory, now: datetime
) -> Deferred | None:
    """Why a store's (non-critical) alert must wait now: a mute, or its quiet hours."""
    muted = store.muted_until if store is not None else None
    if muted is not None and muted > now:
        return Deferred(muted, f"store {store_id} muted by {store.muted_by if store else ''}")
    rules = policy(directory.settings, store_id)
    if rules.in_quiet_hours(now):  # its reply window starts when they end, too
        until = rules.quiet_end(now)
        local = f"{until.astimezone(rules.timezone):%H:%M} {rules.timezone.key}"
        return Deferred(until, f"store {store_id} in quiet hours until {local}")
    return None


async def notice_of(session: AsyncSession, payload: dict[str, Any]) -> Notice:
    """A queued notice as a notifier receives it."""
    store = await session.get(Store, payload["store_id"])
    return Notice(
        store_id=payload["store_id"],
        store_name=store.name if store else payload["store_id"],
        text=payload["text"],
        level=payload.get("level", "info"),
        audience=payload.get("audience", "owner"),
        review_ids=tuple(payload.get("review_ids", ())),
        next_call=(call["token"], int(call["calls"]))
        if (call := payload.get("next_call"))
        else None,
    )


Item = TypeVar("Item", AlertView, Notice)


def as_sent(item: Item, message: OutboxMessage) -> Item:
    """What goes out for `message`: after an attempt cut off mid-send, which the chat may
    have shown already (no chat API takes an idempotency key), a copy that says it may be
    a repeat, so nobody acts on it twice or wonders why it came again."""
    if not outbox.interrupted(message):
        return item
    return as_repeat(item) if isinstance(item, Notice) else replace(item, repeat=True)


class Copier(Protocol):
    async def copy(self, message: OutboxMessage) -> None:
        """Queue the message's copies for the store's other channels (idempotent)."""
        ...


class AlertHandler:
    def __init__(
        self,
        sessions: SessionFactory,
        notifier: Notifier,
        directory: Directory,
        clock: Clock,
        router: Copier | None = None,
    ) -> None:
        self.sessions = sessions
        self.notifier = notifier
        self.directory = directory
        self.clock = clock
        self.router = router

    async def deliver(self, message: OutboxMessage) -> dict[str, Any]:
        async with self.sessions() as session:
            try:
                view = await load_alert_view(session, message.ref_id, self.directory)
            except LookupError as exc:
                raise Permanent(str(exc)) from None
            store = await session.get(Store, view.store_id)
        if view.kind != "critical":
            hold = held(store, view.store_id, self.directory, self.clock.now())
            if hold is not None:
                raise hold
        if self.router is not None:
            await self.router.copy(message)
        return await self.notifier.send_alert(as_sent(view, message))

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


@runtime_checkable
class CopyRedrawer(Protocol):
    """A notifier that also redraws the store's chat-app copies of a card."""

    async def redraw_copies(self, alert: AlertView) -> None: ...


class AlertUpdateHandler:
    def __init__(self, sessions: SessionFactory, notifier: Notifier, directory: Directory) -> None:
        self.sessions = sessions
        self.notifier = notifier
        self.directory = directory

    async def deliver(self, message: OutboxMessage) -> dict[str, Any]:
        async with self.sessions() as session:
            alert = await session.get(Alert, message.ref_id)
            if alert is None:
                raise Permanent(f"alert {message.ref_id} does not exist")
            view = await load_alert_view(session, alert.id, self.directory)
            ref = dict(alert.message_ref)
        if alert.status != "sent":  # the notifier's card will be drawn current when sent,
            if isinstance(self.notifier, CopyRedrawer):  # but the apps' are out already
                await self.notifier.redraw_copies(view)
            return {"skipped": "alert not sent yet"}
        return {"ref": await self.notifier.update_alert(view, ref)}

    async def on_sent(
        self, session: AsyncSession, message: OutboxMessage, result: dict[str, Any], now: datetime
    ) -> None:
        alert = await session.get(Alert, message.ref_id)
        if alert is not None and isinstance(result.get("ref"), dict):
            alert.message_ref = result["ref"]

    async def on_dead(
        self, session: AsyncSession, message: OutboxMessage, error: str, now: datetime
    ) -> None:
        log.warning("could not redraw alert %d: %s", message.ref_id, error)


class BatchUpdateHandler:
    """Redraws a /thanks page's message to show which of its replies reached the platform."""

    def __init__(self, sessions: SessionFactory, notifier: Notifier, directory: Directory) -> None:
        self.sessions = sessions
        self.notifier = notifier
        self.directory = directory

    async def deliver(self, message: OutboxMessage) -> dict[str, Any]:
        async with self.sessions() as session:
            batch = await session.get(ReplyBatch, message.ref_id)
            if batch is None:
                raise Permanent(f"reply batch {message.ref_id} does not exist")
            view = batch_view(batch, self.directory, await delivery_of(session, batch))
            if batch.app_ref is not None:  # offered in a chat app's group: its card
                store = self.directory.store(batch.stores[0]) if batch.stores else None
                name = store.name if store else ",".join(batch.stores)
                ref: dict[str, Any] = {**batch.app_ref, "store_name": name}
            elif batch.message_id is not None:
                ref = {"chat_id": batch.chat_id, "message_id": batch.message_id}
            else:
                return {"skipped": "the page's message was never sent"}
        return {"ref": await self.notifier.update_batch(view, ref)}

    async def on_sent(
        self, session: AsyncSession, message: OutboxMessage, result: dict[str, Any], now: datetime
    ) -> None:
        pass

    async def on_dead(
        self, session: AsyncSession, message: OutboxMessage, error: str, now: datetime
    ) -> None:
        log.warning("could not redraw /thanks page %d: %s", message.ref_id, error)


async def _redraw_batch(
    session: AsyncSession, message: OutboxMessage, review: Review | None, now: datetime, why: str
) -> None:
    """A reply posted from a /thanks page: its message shows the outcome too."""
    batch_id = message.payload.get("batch")
    if batch_id and review is not None:
        await outbox.queue_batch_update(
            session, batch_id, review.store_id, now, why, message.ref_id
        )


class NoticeHandler:
    def __init__(
        self, sessions: SessionFactory, notifier: Notifier, router: Copier | None = None
    ) -> None:
        self.sessions = sessions
        self.notifier = notifier
        self.router = router

    async def deliver(self, message: OutboxMessage) -> dict[str, Any]:
        async with self.sessions() as session:
            notice = await notice_of(session, message.payload)
        if self.router is not None:
            await self.router.copy(message)
        return await self.notifier.send_notice(as_sent(notice, message))

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


async def _live_reply(adapter: ReplyReader, review: Review) -> str | None:
    try:
        return await adapter.current_reply(review.external_id, review.created_at)
    except PlatformError as exc:
        if exc.retryable:
            raise  # cannot tell yet: try again later rather than post blindly
        log.warning("could not re-read review %d before re-posting: %s", review.id, exc)
        return None


async def _replaceable(session: AsyncSession, review: Review) -> bool:
    """Whether the review's platform lets a new reply replace the published one."""
    source = await session.get(Source, review.source_id)
    return bool(source is not None and (source.capabilities or {}).get("replaces_reply"))


STALE = "review changed since approval"
UNSURE = "uncertain"  # a reply row's payload key: an earlier POST of it may have landed


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
        text = message.payload.get("text") or draft.text
        # A timeout or a garbled answer may hide a reply that landed: look before posting
        # again where the platform lets us (its reply POST is not idempotent). Whether an
        # earlier POST may have landed is kept in the row, not read from its last error,
        # which a later failure (a throttled look, a wait asked for) overwrites; so may an
        # attempt cut off mid-send (a kill between posting and recording it).
        uncertain = bool(message.payload.get(UNSURE)) or outbox.interrupted(message)
        if draft.status != "approved" or draft.revision != review.revision:
            # Written for words the customer has since changed: `on_dead` reopens it;
            # unless an earlier POST of it landed before the change, and it is live:
            # then `on_sent` records it, and keeps the review open for the new words.
            if (
                uncertain
                and isinstance(adapter, ReplyReader)
                and await _live_reply(adapter, review) == clean_text(text)[0]
            ):
                return {"already": True}
            raise Permanent(STALE)
        if adapter is None:
            raise DeliveryError(f"no adapter running for {review.platform}/{review.account}")
        if uncertain and isinstance(adapter, ReplyReader):
            live = await _live_reply(adapter, review)
            if live is not None:
                if live == clean_text(text)[0]:
                    return {"already": True}
                raise AlreadyReplied(f"the review already has another reply: {live[:100]}")
        if not uncertain:  # a crash or a lost lease mid-POST leaves its outcome unknown too
            await self._mark(message, True)
        try:
            receipt = await adapter.post_reply(review.external_id, text)
        except AlreadyReplied:
            # Our own earlier attempt may have gone through before its answer was lost.
            if review.reply_text == text:
                return {"already": True}
            if uncertain:  # most likely ours: posted, confirmed when a poll shows it
                return {"already": True, "unconfirmed": True}
            raise
        except PlatformError as exc:
            if not uncertain and exc.code not in UNCERTAIN:
                await self._mark(message, False)  # refused for sure: nothing landed
            raise
        return {"replied_at": receipt.replied_at.isoformat() if receipt.replied_at else None}

    async def _mark(self, message: OutboxMessage, unsure: bool) -> None:
        """Record in the row whether a POST of it may have landed (before it goes out,
        and cleared after a certain refusal)."""
        async with self.sessions() as session, session.begin():
            row = await session.get(OutboxMessage, message.id)
            if row is not None:
                payload = {k: v for k, v in row.payload.items() if k != UNSURE}
                row.payload = {**payload, UNSURE: True} if unsure else payload

    async def on_sent(
        self, session: AsyncSession, message: OutboxMessage, result: dict[str, Any], now: datetime
    ) -> None:
        draft = await session.get(Draft, message.ref_id)
        if draft is None:
            return
        review = await session.get(Review, draft.review_id)
        assert review is not None
        # The customer changed the review while the reply was on its way, and the pipeline
        # withdrew it and opened the review again for the new words (store/answered.py):
        # the reply is live, but the new complaint is not answered. It stays open where a
        # new reply can replace this one; elsewhere it is answered for good, and its new
        # round (already started) asks staff to reach the customer. A change the pipeline
        # has not analysed yet gets its round when it is (`changed_since_answer`).
        withdrawn = draft.status == "superseded"
        stale = withdrawn or draft.revision != review.revision
        draft.status = "posted"
        draft.posted_at = now
        if not (withdrawn and await _replaceable(session, review)):
            review.status = "replied"
        review.reply_text = message.payload.get("text") or draft.text
        audit.record(
            session,
            now,
            "reply.posted",
            store_id=review.store_id,
            review_id=review.id,
            draft_id=draft.id,
            text=review.reply_text,
            **({"unconfirmed": True} if result.get("unconfirmed") else {}),
            **(
                {"stale": True, "withdrawn": withdrawn, "revision": review.revision}
                if stale
                else {}
            ),
        )
        await outbox.queue_alert_update(session, review.id, now, "reply.posted")
        await _redraw_batch(session, message, review, now, "reply.posted")

    async def on_dead(
        self, session: AsyncSession, message: OutboxMessage, error: str, now: datetime
    ) -> None:
        """The platform refused: reopen the review so staff can fix the text and retry.
        A reply written for an earlier revision is withdrawn instead: the review opens
        again for its new words (store/answered.py)."""
        draft = await session.get(Draft, message.ref_id)
        if draft is None:
            return
        review = await session.get(Review, draft.review_id)
        if error.endswith(STALE):  # unless the pipeline withdrew it already
            if review is not None and await withdraw_stale_reply(session, review, now):
                await outbox.queue_alert_update(session, review.id, now, "reply.withdrawn")
            await _redraw_batch(session, message, review, now, "reply.withdrawn")
            return
        draft.status = "failed"
        if review is not None and review.status == "approved":
            review.status = "open"
            review.handled_by = None
            review.handled_at = None
        audit.record(
            session,
            now,
            "reply.failed",
            store_id=review.store_id if review else None,
            review_id=draft.review_id,
            draft_id=draft.id,
            error=error,
        )
        await outbox.queue_alert_update(session, draft.review_id, now, "reply.failed")
        await _redraw_batch(session, message, review, now, "reply.failed")
