"""What the web console asks of the workflow: the queue, a review's whole story, a
customer's record, a store's dashboard and the chain side by side, and the card's actions
by review id. Like the chat's desk it speaks in front-end terms (ids, actors, plain
dataclasses and short Chinese answers); every store a page touches is checked against the
signed-in person's roles here, so a page never shows or changes another store's reviews.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.analysis.complaints import load_taxonomy
from reviewbot.platforms.normalize import tidy_text
from reviewbot.reporting import metrics
from reviewbot.reporting.labels import CATEGORY, REASONS, SEVERITY
from reviewbot.reporting.page import figures_tables
from reviewbot.reporting.summary import advice, headline, period_label, title
from reviewbot.store import cases as store_cases
from reviewbot.store import verdicts
from reviewbot.store.health import source_health
from reviewbot.store.schema import (
    Alert,
    AuditEntry,
    Crisis,
    Review,
    ReviewRevision,
)
from reviewbot.vocab import OPEN_STATES
from reviewbot.workflow import actions
from reviewbot.workflow.actions import Actor, NotAllowed, Outcome
from reviewbot.workflow.cards import AlertView, CardRef, card_of, reply_deadline
from reviewbot.workflow.cases import (
    AGREEMENT_NAMES,
    CAME_BACK_NAMES,
    LINK_NAMES,
    OUTCOME_NAMES,
    CaseView,
    CustomerStory,
    StoryEvent,
)
from reviewbot.workflow.crisis import tally, trigger_name
from reviewbot.workflow.desk import CardAction, Desk

QUEUE_LIMIT = 200  # open reviews one page lists (the most urgent)
QUEUE_SCAN = 2000  # the oldest open reviews ranked by deadline (a backlog beyond is rare)
AUDIT_SHOWN = 200  # entries of a review's trail
REFUSED = "找不到这条评价，或您没有这家门店的权限。"

# The audit trail in words: what each recorded action means to staff. Unknown actions
# show their code (a new one should be added here).
AUDIT_LABELS = {
    "review.received": "收到评价",
    "review.revised": "顾客修改或追评",
    "review.analyzed": "完成分析",
    "review.analysis_failed": "自动分析失败",
    "review.hidden": "评价在平台上不可见了",
    "review.ignored": "忽略",
    "review.ignore_undone": "撤销忽略",
    "review.snoozed": "稍后提醒",
    "review.manager_asked": "请店长处理",
    "review.already_handled": "尝试处理（已被他人处理）",
    "review.being_edited": "尝试换稿（他人正在修改）",
    "review.replied_elsewhere": "平台上已有商家回复",
    "review.answer_again": "需要再次回复",
    "draft.created": "生成草稿",
    "draft.regenerated": "换一版草稿",
    "draft.regenerate_discarded": "换一版未采用（生成期间评价有变化）",
    "draft.edit_started": "开始修改",
    "draft.edit_previewed": "修改预览",
    "draft.edit_replaced": "修改被替换",
    "draft.edit_cancelled": "取消修改",
    "draft.edit_expired": "修改超时",
    "draft.edit_outdated": "修改已过时",
    "draft.edited": "修改草稿",
    "draft.blocked": "回复被规则拦下",
    "draft.approved": "通过回复",
    "reply.posted": "回复已发布到平台",
    "reply.failed": "回复发布失败",
    "reply.withdrawn": "顾客修改了评价，已通过的回复未发布",
    "customer.contacted": "已联系顾客",
    "case.opened": "开始顾客回访",
    "case.outcome": "记录联系结果",
    "case.agreement": "记录私下商定",
    "case.follow_up_set": "设置回访提醒",
    "case.follow_up_reminded": "回访提醒已发到群里",
    "case.came_back": "顾客回头了",
    "case.linked": "关联到这位顾客",
    "appeal.started": "标记恶意并发起申诉",
    "review.malice_cleared": "确认不是恶意",
    "alert.queued": "提醒排队",
    "alert.sent": "提醒已送达",
    "alert.shown": "查看卡片",
    "alert.failed": "提醒发送失败",
    "alert.skipped": "未发提醒",
    "escalation.sent": "升级提醒",
    "escalation.passed": "升级跳过",
    "chat.refused": "操作被拒绝（权限）",
    "robot.sent": "群机器人已通知",
    "robot.failed": "群机器人通知失败",
}


@dataclass(frozen=True, slots=True)
class QueueFilter:
    store: str | None = None
    platform: str | None = None
    severity: str | None = None
    malicious: bool = False
    unanswered: bool = False


@dataclass(frozen=True, slots=True)
class QueueItem:
    review_id: int
    store_id: str
    store_name: str
    platform: str
    rating: float | None
    author: str | None
    text: str | None
    severity: str
    malicious: bool
    status: str
    first_seen_at: datetime
    deadline: datetime | None
    draft_status: str | None
    contacted: bool


@dataclass(frozen=True, slots=True)
class Queue:
    items: list[QueueItem]
    total: int
    platforms: list[str]


@dataclass(frozen=True, slots=True)
class Revision:
    revision: int
    text: str | None
    follow_up: str | None
    rating: float | None
    seen_at: datetime


@dataclass(frozen=True, slots=True)
class Point:
    """One complaint (or praise) of the analysis: its label, target, the customer's
    words it rests on, and its severity."""

    label: str
    category: str
    target: str | None
    span: str
    severity: str | None


@dataclass(frozen=True, slots=True)
class TrailEntry:
    at: datetime
    who: str
    what: str
    detail: str = ""
    review_id: int | None = None


@dataclass(frozen=True, slots=True)
class ReviewPage:
    view: AlertView
    revisions: list[Revision]
    complaints: list[Point]
    praise: list[Point]
    evidence: list[str]
    appeal: actions.AppealSheet | None
    trail: list[TrailEntry]
    can_approve: bool
    can_mark_malicious: bool
    customer_reviews: int  # how many reviews the customer's record holds


@dataclass(frozen=True, slots=True)
class CustomerPage:
    """A customer's record: the story (`workflow/cases.py`), the case the review the page
    was opened from speaks for (what its forms change), and the story as one trail."""

    story: CustomerStory
    case: CaseView | None
    store_name: str
    zone: str
    trail: list[TrailEntry]  # contacts, case events and our replies, oldest first
    follow_up_days: list[int]

    @property
    def author(self) -> str:
        return self.story.author or "匿名"

    @property
    def review_id(self) -> int:
        return self.story.review_id


@dataclass(frozen=True, slots=True)
class CrisisRecord:
    crisis_id: int
    status: str
    started_at: datetime
    closed_at: datetime | None
    closed_by: str | None
    summary: str | None
    reasons: list[str]
    review_ids: list[int]
    tally: str


@dataclass(frozen=True, slots=True)
class Dashboard:
    store_id: str
    store_name: str
    period: str
    end: date
    heading: str
    span: str
    headline: list[str]
    advice: list[str]
    tables_html: str  # built by reporting/page.py, every value escaped there
    figures: metrics.Figures
    crises: list[CrisisRecord]
    accounts: list[dict[str, Any]]
    zone: str


@dataclass(frozen=True, slots=True)
class ChainRow:
    store_id: str
    store_name: str
    reviews: int
    negative: int
    average_rating: float | None
    on_time_share: float | None
    approve_median: float | None
    post_median: float | None
    open_now: int
    unhappy: int
    recovered: int
    extra: dict[str, Any] = field(default_factory=dict)


def parse_period(period: str | None) -> metrics.PeriodName:
    return period if period in metrics.PERIOD_DAYS else "week"  # type: ignore[return-value]


class Console:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.settings = desk.settings
        self.directory = desk.directory
        self.sessions = desk.sessions
        self.clock = desk.clock

    # -- who sees what ----------------------------------------------------------------

    def stores(self, actor: Actor) -> list[tuple[str, str]]:
        """(id, name) of every store the person works in."""
        return [(s.id, s.name) for s in self.settings.stores if actor.covers(s.id)]

    def owned(self, actor: Actor) -> list[tuple[str, str]]:
        return [(s.id, s.name) for s in self.settings.stores if actor.at_least("owner", s.id)]

    def today(self, store_id: str) -> date:
        return self.clock.now().astimezone(self.desk.zone(store_id)).date()

    async def refused(
        self, actor_id: str, attempted: str, *, review_id: int | None = None, **details: Any
    ) -> None:
        """Audit a refusal, as chat does (a web request's answer is never public)."""
        await self.desk.access.refused(
            self.clock.now(), actor_id, attempted, review_id=review_id, via="web", **details
        )

    # -- the queue --------------------------------------------------------------------

    async def queue(self, actor: Actor, wanted: QueueFilter) -> Queue:
        """Open reviews of the person's stores that staff were alerted about, the nearest
        reply deadline first (past ones first), then those without one, oldest first."""
        stores = [s for s, _ in self.stores(actor)]
        if wanted.store:
            stores = [s for s in stores if s == wanted.store]
        names = dict(self.stores(actor))
        where = [
            Review.store_id.in_(stores),
            Review.status.in_(OPEN_STATES),
            Review.id.in_(select(Alert.review_id)),
        ]
        if wanted.platform:
            where.append(Review.platform == wanted.platform)
        if wanted.unanswered:
            where.append(Review.status == "open")
        items: list[QueueItem] = []
        async with self.sessions() as session:
            platforms = sorted(
                set(
                    (
                        await session.scalars(
                            select(Review.platform)
                            .where(Review.store_id.in_([s for s, _ in self.stores(actor)]))
                            .distinct()
                        )
                    ).all()
                )
            )
            reviews = (
                await session.scalars(
                    select(Review)
                    .where(*where)
                    .order_by(Review.first_seen_at, Review.id)
                    .limit(QUEUE_SCAN)
                )
            ).all()
            cleared = await verdicts.cleared_among(session, [r.id for r in reviews])
            for review in reviews:
                analysis = await actions.current_analysis(session, review)
                severity = analysis.severity if analysis else "none"
                malicious = bool(analysis and analysis.malicious) and review.id not in cleared
                if wanted.severity and severity != wanted.severity:
                    continue
                if wanted.malicious and not malicious:
                    continue
                draft = await actions.current_draft(session, review.id)
                if wanted.unanswered and draft is not None and draft.status == "approved":
                    continue
                items.append(
                    QueueItem(
                        review.id,
                        review.store_id,
                        names.get(review.store_id, review.store_id),
                        review.platform,
                        review.rating,
                        review.author,
                        review.text,
                        severity,
                        malicious,
                        review.status,
                        review.first_seen_at,
                        await reply_deadline(session, review, self.directory),
                        draft.status if draft else None,
                        review.contacted_at is not None,
                    )
                )
        items.sort(key=_urgency)
        return Queue(items[:QUEUE_LIMIT], len(items), platforms)

    # -- one review -------------------------------------------------------------------

    async def _card(self, actor: Actor, review_id: int) -> CardRef | None:
        alert_id = await self.desk.card_for(actor, review_id)
        if alert_id is None:
            return None
        async with self.sessions() as session:
            alert = await session.get(Alert, alert_id)
            token = alert.token if alert else None
            return await card_of(session, token) if token else None

    async def review(self, actor: Actor, review_id: int) -> ReviewPage | None:
        """Everything about one review; None: no such review in the person's stores."""
        card = await self._card(actor, review_id)
        if card is None:
            return None
        view = await self.desk.view(card.alert_id)
        async with self.sessions() as session:
            review = await session.get(Review, review_id)
            assert review is not None
            analysis = await actions.current_analysis(session, review)
            revisions = [
                Revision(r.revision, r.text, r.follow_up, r.rating, r.seen_at)
                for r in (
                    await session.scalars(
                        select(ReviewRevision)
                        .where(ReviewRevision.review_id == review_id)
                        .order_by(ReviewRevision.revision)
                    )
                ).all()
            ]
            trail = await self._trail(session, [review_id])
            appeal = await actions.appeal_sheet(session, review_id)
            linked = await store_cases.customer_reviews(session, review)
        details = (analysis.details or {}) if analysis else {}
        return ReviewPage(
            view=view,
            revisions=revisions,
            complaints=_points(details.get("complaints", ())),
            praise=_points(details.get("praise", ())),
            evidence=[_evidence(e) for e in view.malicious_evidence],
            appeal=appeal,
            trail=trail,
            can_approve=actor.at_least(view.required_role, view.store_id),  # type: ignore[arg-type]
            can_mark_malicious=actor.at_least("manager", view.store_id),
            customer_reviews=len(linked),
        )

    async def act(
        self, actor: Actor, review_id: int, action: CardAction, draft_id: int | None = None
    ) -> Outcome:
        """A card's button, pressed on the review's page: the chat's own action
        (`draft_id`: the draft the page showed)."""
        card = await self._card(actor, review_id)
        if card is None:
            await self.refused(actor.id, action, review_id=review_id)
            return Outcome(False, REFUSED)
        return await self.desk.act(action, card, actor, draft_id=draft_id)

    async def check(self, actor: Actor, review_id: int, raw: str) -> list[dict] | None:
        """The guardrails on a reply being typed (nothing is recorded); None: not theirs."""
        text = tidy_text(raw)
        async with self.sessions() as session:
            review = await session.get(Review, review_id)
            if review is None or not actor.covers(review.store_id):
                return None
            if not text:
                return []
            draft = await actions.current_draft(session, review.id)
            violations = await actions.guardrail_violations(
                session,
                review,
                text,
                self.directory.profile(review.store_id),
                self.directory.reply_limits(review.source_id),
                quotes=draft.quotes if draft else (),
            )
        return [v.to_guard() for v in violations]

    async def edit(self, actor: Actor, review_id: int, raw: str, based_on: int | None) -> Outcome:
        """A reply written on the page, posted in one step: checked by the guardrails
        (a refusal says why and is audited), then held and confirmed as a chat edit is,
        against the draft the page showed (`based_on`: a colleague's change since wins)."""
        card = await self._card(actor, review_id)
        if card is None:
            await self.refused(actor.id, "edit", review_id=review_id)
            return Outcome(False, REFUSED)
        text = tidy_text(raw)
        if not text:
            return Outcome(False, "回复内容是空的。")
        posting = await self.desk.posting(card)
        now, zone = self.clock.now(), self.desk.zone(card.store_id)

        async def run() -> Outcome:
            async with self.sessions() as session, session.begin():
                review = await session.get(Review, review_id)
                assert review is not None
                violations = await actions.check_edit(
                    session, review, text, actor, now, posting["store"], posting["limits"]
                )
                if violations:
                    return Outcome(False, actions.explain(violations), code="blocked")
                held = await actions.hold_edit(session, review_id, actor, now, text=text, zone=zone)
                if based_on is not None:
                    held.based_on = based_on
                return await actions.confirm_edit(
                    session,
                    review_id,
                    actor,
                    now,
                    draft_id=held.id,
                    name_of=self.directory.name_of,
                    **posting,
                )

        return await self.desk.guarded("edit", card, actor, run)

    # -- a customer -------------------------------------------------------------------

    async def customer(self, actor: Actor, review_id: int) -> CustomerPage | None:
        """The customer record of a review's author (None: no such review, or not the
        person's store; a refusal is audited)."""
        try:
            story = await self.desk.cases.story(actor, review_id)
        except NotAllowed:  # audited by the cases desk
            return None
        except LookupError:
            await self.refused(actor.id, "web:customer", review_id=review_id)
            return None
        zone = self.directory.timezone(story.store_id)
        trail = [_event(e, self._who(e.actor), zone) for e in story.events]
        for review in story.reviews:
            trail += [
                TrailEntry(
                    r.posted_at,
                    r.approved_by or "",
                    "回复已发布到平台",
                    _short(r.text),
                    review.review_id,
                )
                for r in review.replies
                if r.posted_at is not None
            ]
        trail.sort(key=lambda t: t.at)
        return CustomerPage(
            story=story,
            case=await self.desk.cases.case(review_id),
            store_name=self.settings.store(story.store_id).name,
            zone=zone,
            trail=trail,
            follow_up_days=list(self.settings.cases.follow_up_days),
        )

    async def case_act(
        self,
        actor: Actor,
        review_id: int,
        what: str,
        value: str,
        note: str | None = None,
        seen: int | None = None,
    ) -> Outcome:
        """A case form's answer (`what`: outcome, agreement, follow_up; `value` its code,
        a number of days, or a local date), recorded by the cases desk as a chat button's
        is, and the review's chat card redrawn. `seen`: the calls recorded when an outcome
        form was drawn (a form sent twice records its call once)."""
        async with self.sessions() as session:
            review = await session.get(Review, review_id)
        if review is None or not actor.covers(review.store_id):
            await self.refused(actor.id, f"case.{what}", review_id=review_id)
            return Outcome(False, REFUSED, code="refused")
        cases = self.desk.cases
        if what == "outcome" and value in OUTCOME_NAMES:
            done = await cases.record_outcome(
                actor,
                review_id,
                value,  # type: ignore[arg-type]
                seen=seen,
            )
        elif what == "agreement" and value in AGREEMENT_NAMES:
            done = await cases.record_agreement(
                actor,
                review_id,
                value,  # type: ignore[arg-type]
                (note or "").strip()[:200] or None,
            )
        elif what == "follow_up" and value.isdigit():
            days = int(value)
            if days and days not in self.settings.cases.follow_up_days:
                return Outcome(False, "请选择回访日期。")
            done = await cases.follow_up_in(actor, review_id, days or None)
        elif what == "follow_up":
            try:
                day = date.fromisoformat(value)
            except ValueError:
                return Outcome(False, "请选择回访日期。")
            done = await cases.follow_up_on(actor, review_id, day)
        else:
            return Outcome(False, "未知的操作。")
        if done.changed:
            await self.desk.redraw(review_id, f"web:case:{what}")
        return done

    async def _trail(self, session: AsyncSession, review_ids: Sequence[int]) -> list[TrailEntry]:
        entries = (
            await session.scalars(
                select(AuditEntry)
                .where(AuditEntry.review_id.in_(review_ids))
                .order_by(AuditEntry.id)
                .limit(AUDIT_SHOWN)
            )
        ).all()
        return [
            TrailEntry(
                e.at,
                self._who(e.actor),
                AUDIT_LABELS.get(e.action, e.action),
                _detail(e, self.directory.timezone(e.store_id or "")),
                e.review_id,
            )
            for e in entries
        ]

    def _who(self, actor_id: str) -> str:
        if actor_id == "system":
            return "系统"
        return self.directory.name_of(actor_id) or actor_id

    # -- the store's dashboard and the chain --------------------------------------------

    async def dashboard(
        self, actor: Actor, store_id: str, period: str | None, end: date | None
    ) -> Dashboard | None:
        if not actor.covers(store_id):
            return None
        store = self.settings.store(store_id)
        name, zone = store.name, ZoneInfo(store.timezone)
        chosen = parse_period(period)
        end = end or self.today(store_id)
        figures = await self._figures([store_id], chosen, end)
        async with self.sessions() as session:
            crises = (
                await session.scalars(
                    select(Crisis)
                    .where(Crisis.store_id == store_id)
                    .order_by(Crisis.started_at.desc())
                    .limit(10)
                )
            ).all()
            records = [
                CrisisRecord(
                    c.id,
                    c.status,
                    c.started_at,
                    c.closed_at,
                    self._who(c.closed_by) if c.closed_by else None,
                    c.summary,
                    [trigger_name(t) for t in c.triggers],
                    list(c.review_ids),
                    (await tally(session, c)).line(c.started_at, zone),
                )
                for c in crises
            ]
        accounts = [a for a in await source_health(self.sessions) if a["store_id"] == store_id]
        return Dashboard(
            store_id,
            name,
            chosen,
            end,
            title(figures, name, chosen, zone),
            period_label(figures.start, figures.end, zone),
            headline(figures),
            advice(figures),
            figures_tables(figures, {store_id: name}),
            figures,
            records,
            accounts,
            store.timezone,
        )

    async def _figures(
        self, store_ids: list[str], period: metrics.PeriodName, end: date
    ) -> metrics.Figures:
        scope = metrics.period_scope(self.settings, store_ids, period, end, self.clock.now())
        async with self.sessions() as session:
            return await metrics.figures(session, self.settings, scope)

    async def chart(
        self, actor: Actor, store_id: str, period: str | None, end: date | None
    ) -> bytes | None:
        """The report's chart (PNG) for the dashboard; None: not the person's store."""
        if not actor.covers(store_id):
            return None
        store = self.settings.store(store_id)
        chosen = parse_period(period)
        figures = await self._figures([store_id], chosen, end or self.today(store_id))
        # matplotlib on first use: a tenth of the daemon's start-up CPU, needed by neither
        # the restart after a crash nor most of the daemon's life (jobs/digest.py does too).
        from reviewbot.reporting.charts import render_png

        return await asyncio.to_thread(
            render_png, figures, store.name, chosen, ZoneInfo(store.timezone)
        )

    async def chain(self, actor: Actor, period: str | None, end: date | None) -> list[ChainRow]:
        """The stores the person owns, side by side, for one period."""
        rows = []
        chosen = parse_period(period)
        for store_id, name in self.owned(actor):
            f = await self._figures([store_id], chosen, end or self.today(store_id))
            async with self.sessions() as session:
                open_now = await metrics.open_alerted(session, [store_id])
            approve, post = f.steps.get("approve"), f.steps.get("post")
            rows.append(
                ChainRow(
                    store_id,
                    name,
                    f.reviews,
                    f.negative,
                    f.average_rating,
                    f.window.share,
                    approve.median if approve else None,
                    post.median if post else None,
                    open_now,
                    f.recovery.unhappy,
                    f.recovery.recovered,
                )
            )
        return rows


def _urgency(item: QueueItem) -> tuple[bool, datetime, int]:
    if item.deadline is None:
        return (True, item.first_seen_at, item.review_id)
    return (False, item.deadline, item.review_id)


def _points(found: Sequence[dict]) -> list[Point]:
    taxonomy = load_taxonomy()
    return [
        Point(
            taxonomy.label(str(p.get("aspect", ""))),
            CATEGORY.get(str(p.get("category", "")), str(p.get("category", ""))),
            p.get("target"),
            str(p.get("span", "")),
            SEVERITY.get(p["severity"], p["severity"]) if p.get("severity") else None,
        )
        for p in found
    ]


def _evidence(evidence: dict) -> str:
    reason = REASONS.get(evidence.get("reason", ""), evidence.get("reason", ""))
    parts = [f"「{evidence['span']}」"] if evidence.get("span") else []
    parts += [str(f) for f in evidence.get("facts", ())]
    return f"{reason}：{'；'.join(parts)}"


def _detail(entry: AuditEntry, zone: str) -> str:
    """The part of an audit entry's details a person reads: the text said, why refused,
    what a case recorded."""
    d = entry.details or {}
    if entry.action in (
        "draft.approved",
        "draft.edited",
        "draft.regenerated",
        "draft.regenerate_discarded",
        "draft.blocked",
    ):
        return _short(str(d.get("after") or ""))
    if entry.action == "chat.refused":
        return str(d.get("reason") or d.get("attempted") or "")
    if entry.action == "reply.failed":
        return str(d.get("error") or "")
    return _case_detail(entry.action, d, zone)


def _case_detail(action: str, d: dict[str, Any], zone: str) -> str:
    """What a case event recorded, in Chinese ("" for other events)."""
    if action == "case.outcome":
        return OUTCOME_NAMES.get(d.get("outcome"), "")  # type: ignore[call-overload]
    if action == "case.agreement":
        agreed = AGREEMENT_NAMES.get(d.get("agreement"), "")  # type: ignore[call-overload]
        return agreed + (f"：{d['note']}" if d.get("note") else "")
    if action == "case.follow_up_set":
        due = d.get("due")
        if not due:
            return "不需要回访"
        return f"回访 {datetime.fromisoformat(due).astimezone(ZoneInfo(zone)):%m-%d %H:%M}"
    if action == "case.linked":
        return LINK_NAMES.get(d.get("reason"), "")  # type: ignore[call-overload]
    if action == "case.came_back":
        return CAME_BACK_NAMES.get(d.get("how"), "")  # type: ignore[call-overload]
    return ""


def _event(event: StoryEvent, who: str, zone: str) -> TrailEntry:
    """A contact or case event in words."""
    return TrailEntry(
        event.at,
        who,
        AUDIT_LABELS.get(event.action, event.action),
        _case_detail(event.action, event.details, zone),
        event.review_id,
    )


def _short(text: str) -> str:
    return text if len(text) <= 120 else text[:120] + "…"
