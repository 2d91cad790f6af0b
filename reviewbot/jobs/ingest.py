"""Idempotent ingestion of platform pages, and syncing configured stores into the database.

A page's reviews and the cursor that follows them are written in one transaction: either
both are stored or neither is, so a crash re-fetches the page and the upsert on
(platform, account, external id) keeps it from being stored twice.

One item the database refuses must not hold the account back forever (the same page
would fail on every poll, its good reviews with it): a page that fails to store is stored
again item by item, an item that still fails is quarantined, and then the cursor moves.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import insert, inspect, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.jobs import merge
from reviewbot.platforms.base import CompletedScan, Page, RejectedItem, ReviewRecord, distinct
from reviewbot.safejson import storable, storable_text
from reviewbot.store import audit
from reviewbot.store.answered import is_known_reply
from reviewbot.store.db import SessionFactory
from reviewbot.store.outbox import queue_alert_update
from reviewbot.store.schema import (
    AuditEntry,
    Draft,
    QuarantinedItem,
    Review,
    ReviewRevision,
    Source,
    Store,
)

log = logging.getLogger(__name__)

# Who answered a review the platform shows a reply to that did not come through us.
ELSEWHERE = "商家后台"
# Ids looked up per query: well under SQLite's and asyncpg's limits on bound parameters.
LOOKUP_CHUNK = 5000
# Drafts of ours already approved or being posted.
IN_FLIGHT = ("approved", "posted")


@dataclass
class IngestResult:
    new: int = 0
    revised: int = 0
    unchanged: int = 0
    duplicates: int = 0
    quarantined: int = 0
    hidden: int = 0
    changed_ids: list[int] = field(default_factory=list)

    def add(self, other: IngestResult) -> None:
        self.new += other.new
        self.revised += other.revised
        self.unchanged += other.unchanged
        self.duplicates += other.duplicates
        self.quarantined += other.quarantined
        self.hidden += other.hidden
        self.changed_ids.extend(other.changed_ids)


@dataclass(frozen=True, slots=True)
class ConfiguredSource:
    store_id: str
    store_name: str
    platform: str
    account: str
    enabled: bool


async def sync_sources(
    session: AsyncSession, configured: Iterable[ConfiguredSource], now: datetime
) -> dict[tuple[str, str], int]:
    """Create or update store and source rows for the configuration; returns source ids.

    Sources removed from the configuration are disabled, never deleted: their reviews,
    drafts and audit history stay.
    """
    configured = list(configured)
    stores = {s.id: s for s in (await session.scalars(select(Store))).all()}
    for item in configured:
        store = stores.get(item.store_id)
        if store is None:
            stores[item.store_id] = store = Store(
                id=item.store_id, name=item.store_name, created_at=now
            )
            session.add(store)
        store.name = item.store_name
    await session.flush()
    sources = {(s.platform, s.account): s for s in (await session.scalars(select(Source))).all()}
    wanted = {(c.platform, c.account): c for c in configured}
    for key, item in wanted.items():
        source = sources.get(key)
        if source is None:
            sources[key] = source = Source(
                store_id=item.store_id,
                platform=item.platform,
                account=item.account,
                consecutive_errors=0,
            )
            session.add(source)
        source.store_id = item.store_id
        source.enabled = item.enabled
    for key, source in sources.items():
        if key not in wanted:
            source.enabled = False
    await session.flush()
    return {key: source.id for key, source in sources.items()}


def _revision(review: Review | _Unsaved, now: datetime) -> dict[str, Any]:
    return {
        "review_id": review.id,
        "revision": review.revision,
        "text": review.text,
        "follow_up": review.follow_up,
        "rating": review.rating,
        "content_hash": review.content_hash,
        "raw": review.raw,
        "seen_at": now,
    }


class _Unsaved:
    """A new review's values, written by `merge.apply` as it writes a Review's, without the
    ORM's bookkeeping on every attribute (an import makes tens of thousands at once)."""

    def __init__(self, **values: Any) -> None:
        self.id: int | None = None
        self.created_at: datetime | None = None
        self.details: dict[str, Any] | None = None
        self.__dict__.update(values)

    def values(self) -> dict[str, Any]:
        """The columns to insert (those never set take the column's default)."""
        return {_COLUMNS[name]: value for name, value in self.__dict__.items() if name in _COLUMNS}


# Attribute → column of every Review column but the id the database assigns.
_COLUMNS = {
    attr.key: attr.columns[0].key
    for attr in inspect(Review).column_attrs
    if attr.columns[0].key != "id"
}


async def _insert_many(session: AsyncSession, table: Any, rows: list[dict[str, Any]]) -> None:
    """One executemany per shape of row: a round trip to the database per few thousand
    rows, where the ORM inserts one row per statement on SQLite (to read back each id)."""
    shapes: dict[frozenset[str], list[dict[str, Any]]] = {}
    for row in rows:
        shapes.setdefault(frozenset(row), []).append(row)
    for same in shapes.values():
        await session.execute(insert(table), same)


async def _insert_reviews(session: AsyncSession, source: Source, reviews: list[_Unsaved]) -> None:
    """Insert new reviews in bulk, then give each its id."""
    await _insert_many(session, Review.__table__, [review.values() for review in reviews])
    ids: dict[str, int] = {}
    wanted = [review.external_id for review in reviews]
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        rows = await session.execute(
            select(Review.external_id, Review.id).where(
                tuple_(Review.platform, Review.account) == (source.platform, source.account),
                Review.external_id.in_(wanted[start : start + LOOKUP_CHUNK]),
            )
        )
        ids.update({external_id: review_id for external_id, review_id in rows})
    for review in reviews:
        review.id = ids[review.external_id]


def _observe(review: Review, record: ReviewRecord, now: datetime) -> bool:
    """Take in a new sighting of a stored review; True when it makes a new revision."""
    stored_origin = (review.details or {}).get("origin", "poll")
    before = merge.content(review)
    if record.origin == "import" and stored_origin == "poll":
        merge.fill(review, record)  # the API is the truth; the export fills its gaps
        return merge.content(review) != before
    if record.origin == "poll" and stored_origin == "import":
        merge.apply(review, record, now, keep=merge.EVERYTHING)  # the API takes over
        return merge.adds_information(before, review)
    revised = review.content_hash != record.content_hash
    merge.apply(review, record, now, keep=(review.details or {}).get("filled", ()))
    return revised


async def ingest_page(
    session: AsyncSession, source: Source, page: Page, now: datetime
) -> IngestResult:
    """Upsert a page's reviews, quarantine unreadable items and advance the cursor."""
    result = IngestResult()
    kept, result.duplicates, conflicts = distinct(page.reviews)
    records = {record.external_id: record for record in kept}
    existing: dict[str, Review] = {}
    wanted = list(records)
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        rows = await session.scalars(
            select(Review).where(
                tuple_(Review.platform, Review.account) == (source.platform, source.account),
                Review.external_id.in_(wanted[start : start + LOOKUP_CHUNK]),
            )
        )
        existing.update({row.external_id: row for row in rows})
    changed: list[Review] = []
    received: list[_Unsaved] = []
    for external_id, record in records.items():
        review = existing.get(external_id)
        if review is None:
            new = _Unsaved(
                source_id=source.id,
                store_id=source.store_id,
                platform=source.platform,
                account=source.account,
                external_id=external_id,
                first_seen_at=now,
                revision=1,
                status="open",
                needs_processing=True,
                process_attempts=0,
            )
            merge.apply(new, record, now)  # type: ignore[arg-type]  # a Review's attributes
            received.append(new)
            result.new += 1
            continue
        before = merge.content(review)
        if _observe(review, record, now):
            review.revision += 1
            review.needs_processing = True
            review.process_attempts = 0
            review.process_error = None
            review.unanalyzed_noticed_at = None
            changed.append(review)
            audit.record(
                session,
                now,
                "review.revised",
                store_id=review.store_id,
                review_id=review.id,
                revision=review.revision,
                origin=record.origin,
                before=before,
                after=merge.content(review),
            )
            result.revised += 1
        else:
            result.unchanged += 1
    await session.flush()
    if received:
        await _insert_reviews(session, source, received)
    await _insert_many(
        session, ReviewRevision.__table__, [_revision(r, now) for r in [*changed, *received]]
    )
    await _insert_many(
        session,
        AuditEntry.__table__,
        [
            audit.entry(
                now,
                "review.received",
                store_id=review.store_id,
                review_id=review.id,
                platform=review.platform,
                external_id=review.external_id,
                rating=review.rating,
            )
            for review in received
        ],
    )
    result.changed_ids.extend(review.id for review in [*changed, *received])
    answered_new = [
        review.id
        for review in received
        if records[review.external_id].origin == "poll" and records[review.external_id].reply_text
    ]
    if answered_new:  # already answered on the platform: the rows themselves are needed
        stored = await session.scalars(select(Review).where(Review.id.in_(answered_new)))
        existing.update({review.external_id: review for review in stored})
    for external_id, record in records.items():
        review = existing.get(external_id)
        answered = record.origin == "poll" and record.reply_text
        if review is None or not answered or review.status != "open":
            continue
        if not await is_known_reply(session, review, record.reply_text):
            await _replied_elsewhere(session, review, record.reply_text, now)
    for item in [*page.rejected, *conflicts]:
        await _quarantine(session, source, item, now)
        result.quarantined += 1
    if page.completed_scan is not None:
        result.hidden += await mark_absent(session, source, page.completed_scan, now)
    if page.next_cursor is not None:
        source.cursor = page.next_cursor
    return result


async def _replied_elsewhere(
    session: AsyncSession, review: Review, reply: str, now: datetime
) -> None:
    """The platform shows a reply to a review still open here: the merchant answered in
    the platform's own app. The review is closed as answered (no reminders, no escalation,
    no second reply through us) and the reply kept as a posted draft, so metrics count it
    and the one-reply guardrail sees it; its cards are redrawn to say so."""
    pending = await session.scalar(
        select(Draft.id).where(Draft.review_id == review.id, Draft.status.in_(IN_FLIGHT))
    )
    if pending is not None:
        return  # our own reply is on its way: the delivery job settles it
    await session.execute(
        update(Draft)
        .where(Draft.review_id == review.id, Draft.status == "proposed")
        .values(status="superseded")
    )
    session.add(
        Draft(
            review_id=review.id,
            revision=review.revision,
            text=reply,
            status="posted",
            created_at=now,
            created_by="platform",
            posted_at=now,
            template_id="platform-reply",
            principles=[],
            violations=[],
            quotes=[],
        )
    )
    review.status = "replied_elsewhere"
    review.handled_by = ELSEWHERE
    review.handled_at = now
    audit.record(
        session,
        now,
        "review.replied_elsewhere",
        store_id=review.store_id,
        review_id=review.id,
        after=reply,
    )
    await queue_alert_update(session, review.id, now, "reply.elsewhere")


def _digest(raw: Any) -> str:
    canonical = json.dumps(storable(raw), sort_keys=True, ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


async def _quarantine(
    session: AsyncSession, source: Source, item: RejectedItem, now: datetime
) -> None:
    """Keep an unreadable item, once: a feed may serve it on every poll."""
    digest = _digest(item.raw)
    seen = await session.scalar(
        select(QuarantinedItem.id)
        .where(QuarantinedItem.source_id == source.id, QuarantinedItem.digest == digest)
        .limit(1)
    )
    if seen is not None:
        return
    reason = storable_text(item.reason)[:2000]
    session.add(
        QuarantinedItem(
            source_id=source.id,
            raw=merge.stored_raw(item.raw),
            reason=reason,
            at=now,
            digest=digest,
        )
    )
    audit.record(
        session,
        now,
        "review.quarantined",
        store_id=source.store_id,
        platform=source.platform,
        reason=reason,
    )


class ClaimLost(Exception):
    """The account's poll claim is another replica's now: this poll must write nothing."""


async def store_page(
    sessions: SessionFactory,
    source_id: int,
    page: Page,
    now: datetime,
    owner: str | None = None,
) -> tuple[IngestResult, str | None]:
    """Ingest a page with the cursor that follows it; returns the result and the cursor.

    If the page cannot be stored in one transaction, each item is stored in its own, an
    item that fails alone is quarantined with the error, and only then does the cursor
    move. A database that is unreachable or busy fails the poll instead (nothing is
    quarantined for the database's sake), and the page is fetched again next time.

    `owner`: the poller whose claim on the account this write needs (None: an import,
    which claims nothing). Each transaction checks it while holding the account's row, so
    a poller that stalled while another replica took the account raises `ClaimLost`
    rather than move the other's cursor back, whatever its heartbeat noticed.
    """
    try:
        return await _store(sessions, source_id, page, now, owner)
    except Exception as exc:
        if isinstance(exc, ClaimLost) or _database_trouble(exc):
            raise
        log.warning(
            "source %d: a page failed to store (%s); storing its items one by one",
            source_id,
            _first_line(exc),
        )
    total = IngestResult()
    kept, total.duplicates, conflicts = distinct(page.reviews)
    for record in kept:
        total.add(await _store_alone(sessions, source_id, record, now, owner))
    rejected = [*page.rejected, *conflicts]
    rest = Page([], page.next_cursor, page.has_more, rejected, page.completed_scan)
    result, cursor = await _store(sessions, source_id, rest, now, owner)
    total.add(result)
    return total, cursor


async def _store(
    sessions: SessionFactory, source_id: int, page: Page, now: datetime, owner: str | None
) -> tuple[IngestResult, str | None]:
    async with sessions() as session, session.begin():
        if owner is not None:
            # The fence: a guarded write locks the account's row until this commits, so
            # another replica's claim waits for it, or this finds the claim gone.
            fenced = await session.execute(
                update(Source)
                .where(Source.id == source_id, Source.claimed_by == owner)
                .values(claimed_by=owner)
                .execution_options(synchronize_session=False)
            )
            if fenced.rowcount != 1:
                raise ClaimLost(f"source {source_id}: the poll claim is not {owner}'s now")
        source = await session.get(Source, source_id)
        assert source is not None
        result = await ingest_page(session, source, page, now)
        return result, source.cursor


async def _store_alone(
    sessions: SessionFactory,
    source_id: int,
    record: ReviewRecord,
    now: datetime,
    owner: str | None,
) -> IngestResult:
    try:
        return (await _store(sessions, source_id, Page([record], None, False), now, owner))[0]
    except Exception as exc:
        if isinstance(exc, ClaimLost) or _database_trouble(exc):
            raise
        reason = f"could not be stored: {type(exc).__name__}: {_first_line(exc)}"
        log.warning("source %d: review %s quarantined (%s)", source_id, record.external_id, reason)
        rejected = [RejectedItem(record.raw, reason)]
        page = Page([], None, False, rejected)
        return (await _store(sessions, source_id, page, now, owner))[0]


def _database_trouble(exc: BaseException) -> bool:
    """Errors about the database rather than the data: retrying the poll is the cure."""
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(
        exc, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError | OSError
    )


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:500] if lines else ""


async def mark_absent(
    session: AsyncSession, source: Source, scan: CompletedScan, now: datetime
) -> int:
    """Count a miss for each review the completed scan should have seen and did not;
    hide (never delete) those missed `scan.hide_after` times in a row. Returns how many
    were hidden now."""
    query = select(Review).where(
        Review.source_id == source.id,
        Review.is_visible.is_(True),
        Review.last_seen_at < scan.started_at,
    )
    if scan.since is not None:
        query = query.where(Review.created_at >= scan.since)
    if scan.until is not None:
        query = query.where(Review.created_at < scan.until)
    hidden = 0
    for review in (await session.scalars(query)).all():
        if (review.details or {}).get("origin") == "import":
            continue  # an export row the API may never list (no id, or beyond its reach)
        review.missed_scans += 1
        if review.missed_scans >= scan.hide_after:
            review.is_visible = False
            hidden += 1
            audit.record(
                session,
                now,
                "review.hidden",
                store_id=review.store_id,
                review_id=review.id,
                platform=review.platform,
                external_id=review.external_id,
                missed_scans=review.missed_scans,
            )
    return hidden
