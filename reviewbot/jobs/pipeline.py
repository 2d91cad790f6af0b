"""Analyze, draft and queue alerts for reviews that are new or changed.

Three steps per batch: read the waiting reviews, analyze and draft them in a worker thread
(classification is CPU work and must not stall polling or chat on the event loop), then
write each review's analysis, draft, alert, outbox message, audit entries and cleared flag
in its own savepoint. A review whose text changed meanwhile is left for the next batch;
one that breaks the analyzer is retried a few times, further apart each time (a bug on
one review must not spin the pipeline), then left flagged with its error, and the store's
staff are sent the review as it is (text, stars, link) to read it themselves: nobody is
left thinking no review came (one notice per store and run lists them all, however many
chunks the run wrote: they are told when the run ends, or every `GATHER_AT_MOST` in a run
that never does; each review is stamped when told, so a crash in between loses none; and
history, old reviews of a new account, is only counted). `reviewbot sources` counts such reviews
per account.
One replica at a time runs the pipeline (it holds the pipeline lease, renewed while a batch
is analyzed, and taken again inside the write transaction so a replica that lost it
meanwhile writes nothing).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.analysis.base import Analysis as AnalysisResult
from reviewbot.analysis.base import AnalysisContext, Analyzer, ReviewText
from reviewbot.clock import Clock
from reviewbot.platforms.normalize import as_url
from reviewbot.replies.engine import Draft as DraftResult
from reviewbot.replies.engine import StoreProfile, TemplateDrafter
from reviewbot.replies.guardrails import ReplyLimits
from reviewbot.replies.model import Endpoint, ModelDrafter, fallback_note
from reviewbot.reporting.labels import PLATFORMS
from reviewbot.store import audit, cases, leases, verdicts
from reviewbot.store.alerts import create_alert, queue_notice
from reviewbot.store.answered import answer_again, changed_since_answer, withdraw_stale_reply
from reviewbot.store.cases import identifiable
from reviewbot.store.db import SessionFactory
from reviewbot.store.health import ANALYSIS_ATTEMPTS
from reviewbot.store.outbox import queue_alert_update
from reviewbot.store.schema import Alert, Analysis, Draft, Review, ReviewRevision, Source
from reviewbot.workflow.actions import as_cleared, draft_fields, draft_source, review_text

log = logging.getLogger(__name__)

MAX_ATTEMPTS = ANALYSIS_ATTEMPTS
RETRY_FIRST = timedelta(seconds=15)  # then four times longer each: 15 s, 1, 4 and 16 min
# Reviews analyzed, drafted and written per scheduled run. A backlog (after a crash, an
# outage, a first poll) goes out in chunks of this many, each chunk's alerts delivered
# while the next is analyzed, instead of every alert waiting for the whole backlog.
CHUNK = 10
RECENT_DRAFTS = 20
# A text shorter than this is a common phrase (好吃, 一般): its copies say nothing.
MIN_COPY_CHARS = 8
UNANALYZED_SHOWN = 10  # reviews listed by number in one notice; the rest are counted
UNANALYZED_GATHERED = 500  # given-up reviews told of in one go (any more: the next time)
# A run that never ends (a steady stream of full chunks) still tells staff this often.
GATHER_AT_MOST = timedelta(minutes=5)


@dataclass
class PipelineStats:
    processed: int = 0
    alerts: int = 0
    failed: int = 0


@dataclass(frozen=True, slots=True)
class _Item:
    review_id: int
    revision: int
    store_id: str
    source_id: int
    text: ReviewText
    context: AnalysisContext
    attempts: int = 0  # failed ones so far
    # staff's latest 「不是恶意」, on this revision or an earlier one (verdicts.carries)
    clearing: verdicts.Clearing | None = None


@dataclass(frozen=True, slots=True)
class _Outcome:
    item: _Item
    analysis: AnalysisResult | None = None  # as the analyzer read it: what is stored
    draft: DraftResult | None = None
    error: str | None = None
    cleared: bool = False  # staff's 「不是恶意」 holds for this reading (Pipeline._cleared)

    @property
    def reading(self) -> AnalysisResult | None:
        """The analysis as the workflow reads it: staff's 「不是恶意」 honoured (the alert,
        the draft and the customer case follow it; the stored analysis does not)."""
        if self.analysis is None or not self.cleared:
            return self.analysis
        return as_cleared(self.analysis)


def alert_kind(revision: int, analysis: AnalysisResult) -> str | None:
    """Which alert a review deserves, if any; positive reviews go to the digest instead."""
    if analysis.severity == "critical":
        return "critical"
    if analysis.malicious:
        return "malicious"
    if analysis.negative:
        return "new" if revision == 1 else "updated"
    return None


class Pipeline:
    def __init__(
        self,
        sessions: SessionFactory,
        clock: Clock,
        analyzer: Analyzer,
        drafter: TemplateDrafter,
        store_profile: Callable[[str], StoreProfile],
        *,
        owner: str = "pipeline",
        lease_ttl: timedelta = leases.DEFAULT_TTL,
        alert_max_age: timedelta | None = None,
        reply_limits: Callable[[int], ReplyLimits | None] = lambda source_id: None,
        store_terms: Callable[[str], tuple[tuple[str, str], ...]] = lambda store_id: (),
        model: ModelDrafter | None = None,
        drafting: Callable[[str], Endpoint | None] = lambda store_id: None,
    ) -> None:
        self.sessions = sessions
        self.model = model
        self.drafting = drafting
        self.store_terms = store_terms
        self.reply_limits = reply_limits
        self.alert_max_age = alert_max_age
        self.clock = clock
        self.analyzer = analyzer
        self.drafter = drafter
        self.store_profile = store_profile
        self.owner = owner
        self.lease_ttl = lease_ttl
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="analyzer")
        self._running = asyncio.Lock()  # one batch at a time in this process
        # Review id → when its analysis may be tried again after a failure. Kept in memory:
        # a restart tries each such review once more at once, which is harmless.
        self._not_before: dict[int, datetime] = {}
        # Since when given-up reviews wait to be told of (None: none known to; a start
        # looks once, for those a crash left untold).
        self._untold_since: datetime | None = clock.now()

    async def warm_up(self) -> None:
        """Load models and dictionaries before the first review needs them."""
        await self._in_worker(
            self.analyzer.analyze, ReviewText("warm-up", "味道不错，送得很快", 5.0)
        )
        if self.model is not None:
            await self._in_worker(self.model.warm_up)

    async def _in_worker(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self._worker, fn, *args)

    def close(self) -> None:
        self._worker.shutdown(wait=True)

    async def run_once(self, limit: int = 100) -> PipelineStats:
        async with self._running:
            return await self._run_once(limit)

    async def _run_once(self, limit: int) -> PipelineStats:
        async with leases.held(
            self.sessions, "pipeline", self.owner, self.clock, self.lease_ttl
        ) as lease:
            if lease is None:
                return PipelineStats()
            items, recent = await self._read(limit)
            last = len(items) < limit  # this run ends with this chunk
            if not items:
                if self._untold_since is not None:
                    async with self.sessions() as session, session.begin():
                        if await leases.take(
                            session, "pipeline", self.owner, self.clock.now(), self.lease_ttl
                        ):
                            await self._notify_unanalyzed(session)
                return PipelineStats()
            outcomes = await self._in_worker(self._analyze_batch, items, recent)
            outcomes = await self._ask_model(outcomes, recent)
            return await self._write(outcomes, last=last)

    async def _read(self, limit: int) -> tuple[list[_Item], dict[str, list[str]]]:
        now = self.clock.now()
        for review_id in [i for i, at in self._not_before.items() if at <= now]:
            del self._not_before[review_id]
        # (a new revision starts its attempts afresh: it is tried at once)
        backoff = or_(Review.id.not_in(list(self._not_before)), Review.process_attempts == 0)
        waiting = [backoff] if self._not_before else []
        async with self.sessions() as session:
            reviews = (
                await session.scalars(
                    select(Review)
                    .where(
                        Review.needs_processing.is_(True),
                        Review.process_attempts < MAX_ATTEMPTS,
                        *waiting,
                    )
                    .order_by(Review.id)
                    .limit(limit)
                )
            ).all()
            clearings = await verdicts.clearings(session, [r.id for r in reviews])
            items = [
                _Item(
                    r.id,
                    r.revision,
                    r.store_id,
                    r.source_id,
                    review_text(r),
                    await self._context(session, r),
                    r.process_attempts,
                    clearings.get(r.id),
                )
                for r in reviews
            ]
            recent: dict[str, list[str]] = {}
            for store_id in {item.store_id for item in items}:
                texts = (
                    await session.scalars(
                        select(Draft.text)
                        .join(Review, Review.id == Draft.review_id)
                        .where(Review.store_id == store_id)
                        .order_by(Draft.id.desc())
                        .limit(RECENT_DRAFTS)
                    )
                ).all()
                recent[store_id] = list(texts)
        return items, recent

    async def _context(self, session: AsyncSession, review: Review) -> AnalysisContext:
        """What the store knows around the review: who else wrote its text here and on the
        store's other platforms, its author's hurting reviews that day, whether the platform
        links an order, its photos, the menu."""
        identical_authors = cross_posts = hurting = 0
        if review.text and len(review.text) >= MIN_COPY_CHARS:
            copies = (
                await session.execute(
                    select(Review.source_id, Review.author).where(
                        Review.store_id == review.store_id, Review.text == review.text
                    )
                )
            ).all()
            # Anonymous or masked names could be anyone, this author included: only names
            # that tell customers apart make a copy another customer's.
            authors = {
                a.strip() for source, a in copies if source == review.source_id and identifiable(a)
            }
            identical_authors = max(len(authors), 1)
            cross_posts = len({source for source, _ in copies if source != review.source_id})
        if identifiable(review.author) and review.created_at is not None:
            negative = select(Analysis.id).where(
                Analysis.review_id == Review.id, Analysis.negative.is_(True)
            )
            others = (
                await session.scalar(
                    select(func.count())
                    .select_from(Review)
                    .where(
                        Review.store_id == review.store_id,
                        Review.source_id == review.source_id,
                        Review.author == review.author,
                        Review.id != review.id,
                        Review.created_at > review.created_at - timedelta(days=1),
                        Review.created_at <= review.created_at,
                        or_(Review.rating <= 3, negative.exists()),
                    )
                )
                or 0
            )
            hurting = others + 1  # this one, counted only if it hurts too (malice.py)
        details = review.details or {}
        has_order: bool | None = True if review.order_id else None
        if has_order is None and isinstance(details.get("has_order"), bool):
            has_order = details["has_order"]  # an adapter that knows says so explicitly
        return AnalysisContext(
            identical_authors=identical_authors,
            author_hurting_last_day=hurting,
            cross_posts=cross_posts,
            has_order=has_order,
            images=len(review.images or ()),
            menu=self.store_profile(review.store_id).menu,
            terms=self.store_terms(review.store_id),
        )

    def _analyze_batch(self, items: list[_Item], recent: dict[str, list[str]]) -> list[_Outcome]:
        """Runs in the worker thread: pure computation, no database, no event loop."""
        outcomes = []
        for item in items:
            try:
                analysis = self.analyzer.analyze(item.text, item.context)
                cleared = self._cleared(item, analysis)
                store_recent = recent.setdefault(item.store_id, [])
                draft = self.drafter.draft(
                    item.text,
                    as_cleared(analysis) if cleared else analysis,
                    self.store_profile(item.store_id),
                    recent=store_recent,
                    limits=self.reply_limits(item.source_id),
                )
                store_recent.insert(0, draft.text)
                outcomes.append(_Outcome(item, analysis, draft, cleared=cleared))
            except Exception as exc:
                log.exception("analyzing review %d failed", item.review_id)
                outcomes.append(_Outcome(item, error=f"{type(exc).__name__}: {exc}"))
        return outcomes

    def _cleared(self, item: _Item, analysis: AnalysisResult) -> bool:
        """Staff's 「不是恶意」 holds for this reading: the flag staff saw, not new evidence
        in words the customer added since (read on their own: verdicts.carries)."""
        clearing = item.clearing
        if clearing is None or not analysis.malicious:
            return False
        readings = [analysis]
        if clearing.revision != item.revision:
            words = verdicts.added(clearing.text, item.text.text)
            if words.strip():
                readings.append(self.analyzer.analyze(replace(item.text, text=words), item.context))
        reasons = [r for reading in readings for r in reading.malicious_reasons]
        spans = [e.span for reading in readings for e in reading.malicious_evidence if e.span]
        return verdicts.carries(clearing, item.revision, reasons, spans)

    async def _ask_model(
        self, outcomes: list[_Outcome], recent: dict[str, list[str]]
    ) -> list[_Outcome]:
        """AI drafts, for the stores that use a model, of the reviews staff will be alerted
        to; all asked at once and each bounded by its endpoint's timeout, so a slow or
        failing model delays the batch's alerts by that much at most (the template draft
        goes instead)."""
        if self.model is None:
            return outcomes
        asked: dict[int, Endpoint] = {}
        for index, outcome in enumerate(outcomes):
            if outcome.draft is None or outcome.reading is None:
                continue
            endpoint = self.drafting(outcome.item.store_id)
            if endpoint is not None and alert_kind(outcome.item.revision, outcome.reading):
                asked[index] = endpoint
        if not asked:
            return outcomes
        start = self.model.client.now()
        found = await asyncio.gather(
            *(self._model_draft(outcomes[i], e, recent, start) for i, e in asked.items())
        )
        done = dict(zip(asked, found, strict=True))
        return [done.get(index, outcome) for index, outcome in enumerate(outcomes)]

    async def _model_draft(
        self, outcome: _Outcome, endpoint: Endpoint, recent: dict[str, list[str]], start: float
    ) -> _Outcome:
        assert self.model is not None and outcome.draft is not None
        assert outcome.reading is not None
        item, template = outcome.item, outcome.draft
        others = [text for text in recent.get(item.store_id, ()) if text != template.text]
        try:
            async with asyncio.timeout(endpoint.timeout + 1.0):  # the client's own, and a margin
                drafted = await self.model.draft(
                    template,
                    item.text,
                    outcome.reading,
                    self.store_profile(item.store_id),
                    endpoint,
                    recent=others,
                    limits=self.reply_limits(item.source_id),
                    deadline=start + endpoint.timeout,
                )
        except Exception:
            log.exception("AI drafting for review %d failed", item.review_id)
            drafted = replace(template, model=endpoint.model, note=fallback_note("other"))
        return replace(outcome, draft=drafted)

    async def _write(self, outcomes: list[_Outcome], *, last: bool = True) -> PipelineStats:
        """`last`: the run ends with this chunk (its given-up reviews are told of now)."""
        stats = PipelineStats()
        async with self.sessions() as session, session.begin():
            # The fence: the lease row stays locked until this commits, so either this
            # replica still holds the lease and writes the batch, or it writes nothing.
            if not await leases.take(
                session, "pipeline", self.owner, self.clock.now(), self.lease_ttl
            ):
                log.warning("the pipeline lease was taken over; batch left to its new holder")
                return stats
            for outcome in outcomes:
                item = outcome.item
                if outcome.error is not None:
                    await self._failed(session, item, outcome.error)
                    stats.failed += 1
                    continue
                try:
                    async with session.begin_nested():
                        alerted = await self._store(session, outcome)
                except Exception as exc:
                    log.exception("storing the analysis of review %d failed", item.review_id)
                    await self._failed(session, item, f"{type(exc).__name__}: {exc}")
                    stats.failed += 1
                    continue
                if alerted is not None:
                    stats.processed += 1
                    stats.alerts += int(alerted)
            since = self._untold_since
            if since is not None and (last or self.clock.now() - since >= GATHER_AT_MOST):
                await self._notify_unanalyzed(session)
        return stats

    async def _failed(self, session: AsyncSession, item: _Item, error: str) -> None:
        """Count a failed attempt; try again later, or after the last one leave the review
        to be told of when the run ends (`_notify_unanalyzed`)."""
        now = self.clock.now()
        await session.execute(
            update(Review)
            .where(Review.id == item.review_id)
            .values(process_attempts=Review.process_attempts + 1, process_error=error[:2000])
        )
        attempts = item.attempts + 1
        retry_at = now + RETRY_FIRST * 4 ** (attempts - 1) if attempts < MAX_ATTEMPTS else None
        # (what a refused decision tells staff: when the analysis is tried again)
        audit.record(
            session,
            now,
            "review.analysis_failed",
            store_id=item.store_id,
            review_id=item.review_id,
            revision=item.revision,
            attempt=attempts,
            retry_at=retry_at.isoformat() if retry_at else None,
        )
        if retry_at is not None:
            self._not_before[item.review_id] = retry_at
            return
        self._not_before.pop(item.review_id, None)
        log.error("review %d could not be analysed", item.review_id)
        if self._untold_since is None:
            self._untold_since = now

    async def _notify_unanalyzed(self, session: AsyncSession) -> None:
        """One notice per store for the reviews the analyzer gave up on and staff were not
        told of yet (those of this run, and any a crash left untold): a bug that breaks
        every review of a store sends one message, not one per review or per chunk.
        History is only counted (`reviewbot sources`); each review is stamped."""
        now = self.clock.now()
        untold = (
            await session.scalars(
                select(Review)
                .where(
                    Review.needs_processing.is_(True),
                    Review.process_attempts >= MAX_ATTEMPTS,
                    Review.unanalyzed_noticed_at.is_(None),
                )
                .order_by(Review.id)
                .limit(UNANALYZED_GATHERED)
            )
        ).all()
        self._untold_since = now if len(untold) == UNANALYZED_GATHERED else None
        by_store: dict[str, list[Review]] = {}
        for review in untold:
            review.unanalyzed_noticed_at = now
            if await self._backfill(session, review) is None:  # nobody is paged about history
                by_store.setdefault(review.store_id, []).append(review)
        for store_id, listed in by_store.items():
            first = listed[0]
            more = f"+{len(listed) - 1}" if len(listed) > 1 else ""
            await queue_notice(
                session,
                store_id=store_id,
                text=unanalyzed_text(first) if len(listed) == 1 else unanalyzed_list(listed),
                now=self.clock.now(),
                dedupe_key=f"unanalyzed:{first.id}:{first.revision}{more}",
                level="warning",
                audience="staff",
                review_ids=[review.id for review in listed[:UNANALYZED_SHOWN]],
            )

    async def _store(self, session: AsyncSession, outcome: _Outcome) -> bool | None:
        """Write one review's results; None if the review changed since it was read."""
        item, result, drafted = outcome.item, outcome.analysis, outcome.draft
        assert result is not None and drafted is not None
        review = await session.get(Review, item.review_id)
        if review is None or review.revision != item.revision or not review.needs_processing:
            return None
        now = self.clock.now()
        stored = await session.scalar(
            select(Analysis).where(
                Analysis.review_id == review.id,
                Analysis.revision == review.revision,
                Analysis.model == result.model,
            )
        )
        if stored is None:
            stored = Analysis(
                review_id=review.id,
                revision=review.revision,
                model=result.model,
                sentiment=result.sentiment,
                polarity=result.polarity,
                negative=result.negative,
                categories=[
                    {"name": c.name, "polarity": c.polarity, "terms": list(c.terms)}
                    for c in result.categories
                ],
                malicious=result.malicious,
                malicious_reasons=list(result.malicious_reasons),
                severity=result.severity,
                created_at=now,
                details=result.details(),
            )
            session.add(stored)
        if outcome.cleared and item.clearing and item.clearing.revision != review.revision:
            text = review_text(review).text
            verdicts.carry(session, review, item.clearing, text, now=now, analysis=stored)
        await session.execute(
            update(Draft)
            .where(Draft.review_id == review.id, Draft.status == "proposed")
            .values(status="superseded")
        )
        draft = Draft(
            review_id=review.id,
            revision=review.revision,
            text=drafted.text,
            status="proposed",
            created_at=now,
            created_by="system",
            **draft_fields(drafted),
        )
        session.add(draft)
        await session.flush()
        audit.record(
            session,
            now,
            "review.analyzed",
            store_id=review.store_id,
            review_id=review.id,
            revision=review.revision,
            model=result.model,
            polarity=result.polarity,
            negative=result.negative,
            malicious=result.malicious,
            severity=result.severity,
        )
        audit.record(
            session,
            now,
            "draft.created",
            store_id=review.store_id,
            review_id=review.id,
            draft_id=draft.id,
            template=draft.template_id,
            after=draft.text,
            **draft_source(drafted),
        )
        reading = outcome.reading
        assert reading is not None
        kind = alert_kind(review.revision, reading)
        # A reply approved for the words the customer has since changed must not go out.
        withdrawn = await withdraw_stale_reply(session, review, now)
        if withdrawn is not None:
            await queue_alert_update(session, review.id, now, "reply.withdrawn")
        elif kind is not None and await changed_since_answer(session, review):
            limits = self.reply_limits(review.source_id)
            answer_again(session, review, now, can_replace=bool(limits and limits.replaces))
        elif kind is not None and (reason := await self._not_news(session, review, kind)):
            audit.record(
                session,
                now,
                "alert.skipped",
                store_id=review.store_id,
                review_id=review.id,
                kind=kind,
                reason=reason,
            )
            kind = None
        alerted = kind is not None and await self._queue_alert(session, review, draft, kind, now)
        # The customer's story: this review may show an unhappy customer came back, and a
        # complaint staff are alerted about opens a case (a malicious one is appealed).
        for case in await cases.review_stored(session, review, negative=result.negative, now=now):
            await queue_alert_update(session, case.review_id, now, "case:came_back")
        if alerted and result.negative and not reading.malicious:
            await cases.open_case(session, review, now)
        review.needs_processing = False
        review.process_error = None
        return alerted

    async def _not_news(self, session: AsyncSession, review: Review, kind: str) -> str | None:
        """Why nobody need be paged about this review (None: page them); a review that
        changed after it was answered is always news (see store/answered.py)."""
        if review.status == "replied_elsewhere" and kind != "critical":
            return "answered on the platform's own app before we could alert"
        return await self._backfill(session, review)

    async def _backfill(self, session: AsyncSession, review: Review) -> str | None:
        """Why an old review seen for the first time (a new account, an import) is history,
        not news: it is kept and drafted, but nobody is paged about it. None: it is news.

        Age is counted from when the review became visible to us, less the delay its
        platform always has (Meituan serves reviews a day late, dated to the day): a T+1
        review is news however late it arrives."""
        if review.created_at is None:
            if (review.details or {}).get("origin") == "import":
                return "backfill: an imported row without a readable date"
            return None
        if self.alert_max_age is None or review.revision != 1:
            return None
        source = await session.get(Source, review.source_id)
        freshness = (source.capabilities or {}).get("freshness_seconds", 0) if source else 0
        allowed = self.alert_max_age + timedelta(seconds=freshness)
        if (review.details or {}).get("precision") == "day":
            allowed += timedelta(days=1)  # dated to midnight: up to a day older than it looks
        if review.created_at < review.first_seen_at - allowed:
            hours = self.alert_max_age.total_seconds() / 3600
            return f"backfill: older than {hours:g} h (plus the platform's delay) when first seen"
        return None

    async def _queue_alert(
        self, session: AsyncSession, review: Review, draft: Draft, kind: str, now: datetime
    ) -> bool:
        exists = await session.scalar(
            select(Alert.id).where(
                Alert.review_id == review.id, Alert.revision == review.revision, Alert.kind == kind
            )
        )
        if exists is not None:
            return False
        if review.alerted_seen_at is None:  # the speed window starts with this revision
            review.alerted_seen_at = (
                await session.scalar(
                    select(ReviewRevision.seen_at).where(
                        ReviewRevision.review_id == review.id,
                        ReviewRevision.revision == review.revision,
                    )
                )
                or review.first_seen_at
            )
        await create_alert(session, review, kind=kind, now=now, draft_id=draft.id)
        return True


def unanalyzed_text(review: Review, limit: int = 500) -> str:
    """The notice about a review the analyzer could not process: the review itself, so
    staff can judge it without the analysis or a draft."""
    stars = f" · ★{review.rating:g}" if review.rating is not None else ""
    author = f" · {review.author}" if review.author else ""
    lines = [
        f"⚠️ 自动分析失败，请人工查看（{PLATFORMS.get(review.platform, review.platform)}"
        f"{stars}{author}）",
        f"评价：{(review.text or '（只有评分）')[:limit]}",
    ]
    if review.follow_up:
        lines.append(f"追评：{review.follow_up[:limit]}")
    if url := as_url(review.url):
        lines.append(f"链接：{url}")
    lines.append(f"系统没能分析评价 #{review.id}，也没有生成回复草稿，请直接阅读并处理。")
    return "\n".join(lines)


def unanalyzed_list(reviews: list[Review], shown: int = UNANALYZED_SHOWN) -> str:
    """The notice about several reviews the analyzer could not process in one run: each
    by its number and first words, for staff to open and read."""
    lines = [f"⚠️ 自动分析失败，请人工查看（{len(reviews)} 条评价）"]
    for review in reviews[:shown]:
        stars = f" ★{review.rating:g}" if review.rating is not None else ""
        platform = PLATFORMS.get(review.platform, review.platform)
        lines.append(f"#{review.id} {platform}{stars}：{(review.text or '（只有评分）')[:40]}")
    if len(reviews) > shown:
        lines.append(f"另有 {len(reviews) - shown} 条")
    lines.append("系统没能分析这些评价，也没有生成回复草稿，请按编号打开并处理。")
    return "\n".join(lines)
