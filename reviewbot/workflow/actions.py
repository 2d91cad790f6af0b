"""Staff actions on a review, shared by every front end (Telegram now, others later).

Each action is one transaction: it checks who is acting, records the decision, queues its
effect in the outbox and audits it. Decisions are idempotent: the first approve (or
ignore) wins, and everyone after is told who already handled the review and when.
Callers pass identities resolved from configuration, never from what a client sent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.analysis.base import UNREAD, CategoryPolarity, ReviewText, details_fields
from reviewbot.analysis.base import Analysis as AnalysisResult
from reviewbot.replies.engine import Draft as DraftResult
from reviewbot.replies.engine import StoreProfile, TemplateDrafter
from reviewbot.replies.guardrails import ReplyLimits, Violation, check_reply
from reviewbot.replies.model import MODEL
from reviewbot.store import audit, outbox, verdicts
from reviewbot.store.alerts import queue_notice
from reviewbot.store.cases import open_case
from reviewbot.store.health import ANALYSIS_ATTEMPTS
from reviewbot.store.schema import Alert, Analysis, AuditEntry, Draft, MaliceVerdict, Review, Task
from reviewbot.vocab import OPEN_STATES, DraftStatus, OutcomeCode, ReviewStatus
from reviewbot.workflow.roles import RANK, ROLE_NAMES, Role, required_role

# A staff edit is held aside ("editing") until its author confirms it, and "dropped" if
# they cancel or let it expire; neither is ever the draft the card shows.
EDITING: DraftStatus = "editing"
DROPPED: DraftStatus = "dropped"
NOT_CURRENT: tuple[DraftStatus, ...] = ("superseded", EDITING, DROPPED)
STATUS_NAMES: dict[ReviewStatus, str] = {
    "approved": "通过回复",
    "replied": "发布回复",
    "ignored": "忽略",
    "replied_manually": "确认已手动回复",
    "replied_elsewhere": "在平台商家后台回复",
}
# Said when a decision is pressed on a review the customer changed since its draft was
# written: the old draft (and the role it needs) may not fit the new words.
NOT_YET_READ = "顾客刚更新了评价，新的分析和草稿生成后再处理。"
REPLACED = "草稿已更新，请看最新卡片。"  # a ✅ pressed on a draft replaced since
UNDO_IGNORE = timedelta(seconds=30)  # how long a 🙈 can be taken back
STAFF_EDIT = "staff-edit"  # the template_id of a draft a person wrote
APPEAL_EVIDENCE = [
    "订单记录（下单时间、金额、配送记录）",
    "与顾客的聊天记录",
    "出餐和打包照片或监控截图",
    "评价截图及发布时间",
    "相关的第三方证明（营业执照、检测报告等）",
]


@dataclass(frozen=True, slots=True)
class Actor:
    """Someone acting on reviews, as configuration knows them: their role in each store
    they cover ("*" for every store; a store's own entry wins), since one person can own
    one store and work as staff in another."""

    id: str
    name: str
    roles: Mapping[str, Role] = field(hash=False)

    def role_in(self, store_id: str) -> Role | None:
        return self.roles.get(store_id) or self.roles.get("*")

    def covers(self, store_id: str) -> bool:
        return self.role_in(store_id) is not None

    def at_least(self, role: Role, store_id: str) -> bool:
        mine = self.role_in(store_id)
        return mine is not None and RANK[mine] >= RANK[role]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened, with a short Chinese sentence for the person who acted."""

    ok: bool
    message: str
    changed: bool = False
    draft_id: int | None = None
    # Why nothing happened, for callers that act on many reviews at once (a /thanks
    # batch): "handled" (a colleague was first), "blocked" (guardrails), "stale" (the
    # draft is no longer the one to post).
    code: OutcomeCode = ""


class NotAllowed(Exception):
    """The actor may not do this; the message (Chinese) says why, politely."""


def draft_fields(drafted: DraftResult) -> dict[str, Any]:
    """The columns of a draft row that come from the reply engine's result."""
    appeal = drafted.appeal
    return {
        "template_id": drafted.template_id,
        "principles": list(drafted.principles),
        "requires_role": drafted.requires_role,
        "appeal": None
        if appeal is None
        else {
            "reasons": list(appeal.reasons),
            "text": appeal.text,
            "evidence": list(appeal.evidence),
        },
        "violations": [v.to_json() for v in drafted.violations],
        "quotes": list(drafted.quotes),
        "similarity": drafted.similarity or None,
    }


def draft_source(drafted: DraftResult) -> dict[str, str]:
    """Which engine wrote a draft, for its audit entry (the card reads it there): the
    source ("templates" or "model"), the model asked, and why its draft was not used."""
    found = {"source": drafted.source}
    if drafted.model:
        found["model"] = drafted.model
    if drafted.note:
        found["note"] = drafted.note
    return found


async def guardrail_violations(
    session: AsyncSession,
    review: Review,
    text: str,
    store: StoreProfile,
    limits: ReplyLimits | None = None,
    quotes: Sequence[str] = (),
    learned: bool = True,
) -> list[Violation]:
    """Everything that forbids posting `text` as this review's public reply. `quotes`:
    the customer's words the reply engine quoted in the draft `text` is (an edit of).
    `learned`: a person of the store wrote `text` (an edit): ask the learned scorer too,
    and let them state what they know of the store (guardrails.check_reply's `by_staff`);
    False for the engine's or a model's draft, which were checked as they were made."""
    reading = await current_reading(session, review)
    posted = (
        await session.scalar(
            select(func.count())
            .select_from(Draft)
            .where(Draft.review_id == review.id, Draft.status == "posted")
        )
        or 0
    )
    analysis = reading.result() if reading is not None else UNREAD
    return check_reply(
        text,
        review=review_text(review),
        analysis=analysis,
        store=store,
        platform_limits=limits,
        replies_posted=posted,
        quotes=quotes,
        learned=learned,
        by_staff=learned,
    )


def written(draft: Draft) -> bool:
    """Whether a person wrote this draft (a staff edit), rather than the reply engine."""
    return draft.template_id == STAFF_EDIT


async def check_edit(
    session: AsyncSession,
    review: Review,
    text: str,
    actor: Actor,
    now: datetime,
    store: StoreProfile,
    limits: ReplyLimits | None = None,
) -> list[Violation]:
    """A staff member's wording for this review's reply, checked against the guardrails
    (keeping the customer's words the current draft quoted); a refusal is audited, as
    every front end's edit is."""
    editing = await current_draft(session, review.id)
    violations = await guardrail_violations(
        session, review, text, store, limits, quotes=editing.quotes if editing else ()
    )
    if violations:
        audit.record(
            session,
            now,
            "draft.blocked",
            actor=actor.id,
            store_id=review.store_id,
            review_id=review.id,
            after=text,
            violations=[v.code for v in violations],
        )
    return violations


def explain(violations: list[Violation]) -> str:
    """What staff read when a reply is refused: each problem, the words at fault and a
    suggested rewording, one per line."""
    if len(violations) == 1:
        return "不能发布：" + violations[0].explained()
    return "不能发布：\n" + "\n".join(f"• {v.explained()}" for v in violations)


def review_text(review: Review) -> ReviewText:
    """What the analyzer and the reply engine read: the text with its follow-ups."""
    text = review.text or ""
    if review.follow_up:
        text = f"{text}\n追评：{review.follow_up}" if text else review.follow_up
    return ReviewText(id=str(review.id), text=text, rating=review.rating, platform=review.platform)


def analysis_result(row: Analysis, cleared: bool = False) -> AnalysisResult:
    """A stored analysis back in the form the reply engine takes; `cleared`: staff said
    the review is not malicious, so it is read (and answered) as an ordinary review."""
    found = AnalysisResult(
        sentiment=row.sentiment,
        polarity=row.polarity,
        negative=row.negative,  # type: ignore[arg-type]
        categories=tuple(
            CategoryPolarity(c["name"], c["polarity"], tuple(c.get("terms", ())))
            for c in row.categories
        ),
        malicious=row.malicious,
        malicious_reasons=tuple(row.malicious_reasons),
        severity=row.severity,
        model=row.model,  # type: ignore[arg-type]
        **details_fields(row.details),
    )
    return as_cleared(found) if cleared else found


def as_cleared(analysis: AnalysisResult) -> AnalysisResult:
    """An analysis read after staff said 「不是恶意」: an ordinary review, with no malice
    flag, reasons or evidence (the reply engine then writes an ordinary reply)."""
    return replace(analysis, malicious=False, malicious_reasons=(), malicious_evidence=())


@dataclass(frozen=True, slots=True)
class Reading:
    """The analysis as the workflow reads it: the stored row (never rewritten), with the
    malice flag taken off when staff's latest verdict cleared it (`cleared`). Everything
    that asks "is this review malicious" (who may post, the card, the next draft) asks
    this, not the row."""

    row: Analysis
    cleared: MaliceVerdict | None = None

    @property
    def malicious(self) -> bool:
        return self.row.malicious and self.cleared is None

    @property
    def malicious_reasons(self) -> list[str]:
        return list(self.row.malicious_reasons) if self.malicious else []

    @property
    def malicious_evidence(self) -> list[dict]:
        return (
            list((self.row.details or {}).get("malicious_evidence", ())) if self.malicious else []
        )

    @property
    def severity(self) -> str:
        return self.row.severity

    @property
    def negative(self) -> bool:
        return self.row.negative

    def result(self) -> AnalysisResult:
        return analysis_result(self.row, cleared=self.cleared is not None)


async def current_reading(session: AsyncSession, review: Review) -> Reading | None:
    """The current analysis with staff's verdict on its malice flag (None: not analyzed)."""
    row = await current_analysis(session, review)
    if row is None:
        return None
    return Reading(row, await verdicts.cleared(session, review))


async def current_analysis(session: AsyncSession, review: Review) -> Analysis | None:
    return await session.scalar(
        select(Analysis)
        .where(Analysis.review_id == review.id, Analysis.revision == review.revision)
        .order_by(Analysis.id.desc())
        .limit(1)
    )


async def current_draft(session: AsyncSession, review_id: int) -> Draft | None:
    """The draft staff are looking at: the newest one not replaced by another (a staff
    edit awaiting its author's confirm is not one yet)."""
    return await session.scalar(
        select(Draft)
        .where(Draft.review_id == review_id, Draft.status.not_in(NOT_CURRENT))
        .order_by(Draft.id.desc())
        .limit(1)
    )


async def _locked_review(session: AsyncSession, review_id: int) -> Review:
    review = await session.get(Review, review_id, with_for_update=True, populate_existing=True)
    if review is None:
        raise LookupError(f"review {review_id} does not exist")
    return review


def _check(actor: Actor, review: Review, needed: Role = "staff", *, ask: bool = True) -> None:
    """Refuse someone outside the store or below `needed`; a refusal on a review that
    needs a manager points at the card's 📣 (`ask`=False where the card has none for it)."""
    if not actor.covers(review.store_id):
        raise NotAllowed("抱歉，您没有这家门店的权限。")
    if not actor.at_least(needed, review.store_id):
        hint = "，可点卡片上的“📣 请店长处理”通知店长" if ask and needed == "manager" else ""
        raise NotAllowed(f"这条评价需要{ROLE_NAMES[needed]}或以上权限才能处理{hint}。")


def _read(review: Review, analysis: Analysis | Reading | None) -> bool:
    """Whether the pipeline has read the review as it is now: until it has, its drafts
    were written for older words, and who may post them is not known yet."""
    return analysis is not None and not review.needs_processing


def given_up(review: Review) -> bool:
    """The analysis of the review's words failed its every retry: nothing will read it
    again (until the customer changes it), so staff read it and decide themselves: the
    draft they see, edited or not, or their own reply, may go out."""
    return review.needs_processing and (review.process_attempts or 0) >= ANALYSIS_ATTEMPTS


async def not_yet_read(session: AsyncSession, review: Review, zone: tzinfo = UTC) -> str:
    """Why a decision waits for the pipeline, and for how long: the analysis may simply
    not have run yet, or have failed and be due to be retried (said with when)."""
    tried = review.process_attempts or 0
    if not review.needs_processing or tried == 0:
        return NOT_YET_READ
    failed = await session.scalar(
        select(AuditEntry)
        .where(AuditEntry.review_id == review.id, AuditEntry.action == "review.analysis_failed")
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    retry_at = (failed.details or {}).get("retry_at") if failed is not None else None
    when = ""
    if retry_at:
        when = f"，将于 {_local(datetime.fromisoformat(retry_at), zone)} 左右重试"
    return (
        f"这条评价的新内容自动分析失败（已试 {tried} 次）{when}。分析成功后会生成新草稿，"
        f"请届时再处理；若 {ANALYSIS_ATTEMPTS} 次都失败，会通知大家人工查看，"
        "届时可以直接通过或修改卡片上的草稿，或自己写回复。"
    )


def _local(when: datetime, zone: tzinfo) -> str:
    """A time as the store's people read it (the database keeps UTC)."""
    return when.astimezone(zone).strftime("%m-%d %H:%M")


def _too_late(
    session: AsyncSession, review: Review, actor: Actor, now: datetime, zone: tzinfo, what: str
) -> Outcome:
    """Acting on a review a colleague already handled: the tap is audited, and the actor
    told who handled it and when."""
    audit.record(
        session,
        now,
        "review.already_handled",
        actor=actor.id,
        store_id=review.store_id,
        review_id=review.id,
        attempted=what,
        handled_by=review.handled_by,
    )
    when = _local(review.handled_at, zone) if review.handled_at else ""
    what = STATUS_NAMES.get(review.status, review.status)
    return Outcome(
        False,
        f"这条评价已由 {review.handled_by or '他人'} 于 {when} 处理（{what}）。",
        code="handled",
    )


async def approve(
    session: AsyncSession,
    review_id: int,
    actor: Actor,
    now: datetime,
    *,
    store: StoreProfile,
    draft_id: int | None = None,
    can_reply: bool = True,
    limits: ReplyLimits | None = None,
    zone: tzinfo = UTC,
    batch_id: int | None = None,
) -> Outcome:
    """Approve the current draft (or `draft_id`, the one the approver was shown: refused
    once replaced) and queue it for posting, once per review.

    The guardrails run on the exact text to be posted, whoever wrote it; a violation
    blocks the approval and says why. For a platform without a reply API, approving
    means "I posted it by hand". `batch_id`: the /thanks page this approval came from,
    whose message shows how its replies fare on the platform.
    """
    review = await _locked_review(session, review_id)
    analysis = await current_reading(session, review)
    draft = (
        await session.get(Draft, draft_id)
        if draft_id is not None
        else await current_draft(session, review.id)
    )
    _check(actor, review, required_role(analysis, draft))
    if review.status not in OPEN_STATES:
        return _too_late(session, review, actor, now, zone, "approve")
    if draft is not None and draft.review_id == review.id and draft.status in NOT_CURRENT:
        return Outcome(False, REPLACED, code="stale")  # the draft the approver saw is gone
    if draft is None or draft.review_id != review.id or draft.status not in ("proposed",):
        return Outcome(False, "没有可发布的草稿，请先生成或修改回复。", code="stale")
    if not _read(review, analysis) or draft.revision != review.revision:
        if not given_up(review):
            return Outcome(False, await not_yet_read(session, review, zone), code="stale")
        # Nothing will analyse these words: the person read them and approves the draft
        # they saw, taken as the reply to the words as they are now.
        if draft.revision != review.revision:
            draft = await add_draft(
                session,
                review,
                actor,
                now,
                text=draft.text,
                action="draft.created",
                fields={
                    "template_id": draft.template_id,
                    "principles": draft.principles,
                    "requires_role": draft.requires_role,
                    "appeal": draft.appeal,
                    "quotes": draft.quotes,
                    "based_on": draft.id,
                },
                source={"unanalyzed": "approved as shown after the analysis gave up"},
            )
    violations = await guardrail_violations(
        session, review, draft.text, store, limits, quotes=draft.quotes, learned=written(draft)
    )
    if violations:
        audit.record(
            session,
            now,
            "draft.blocked",
            actor=actor.id,
            store_id=review.store_id,
            review_id=review.id,
            draft_id=draft.id,
            violations=[v.code for v in violations],
        )
        return Outcome(False, explain(violations), code="blocked")
    draft.status = "approved" if can_reply else "posted"
    draft.decided_by = actor.id
    draft.decided_at = now
    review.status = "approved" if can_reply else "replied_manually"
    review.handled_by = actor.name
    review.handled_at = now
    if can_reply:
        await outbox.enqueue(
            session,
            kind="reply",
            destination=f"{review.platform}:{review.account}",
            ref_id=draft.id,
            dedupe_key=f"reply:{draft.id}",
            now=now,
            payload={"text": draft.text, **({"batch": batch_id} if batch_id else {})},
        )
        message = "已通过，正在发布到平台。"
    else:
        draft.posted_at = now
        review.reply_text = draft.text
        message = "已记录为手动回复。"
    audit.record(
        session,
        now,
        "draft.approved",
        actor=actor.id,
        store_id=review.store_id,
        review_id=review.id,
        draft_id=draft.id,
        after=draft.text,
        manual=not can_reply,
    )
    return Outcome(True, message, changed=True, draft_id=draft.id)


async def ignore(
    session: AsyncSession, review_id: int, actor: Actor, now: datetime, *, zone: tzinfo = UTC
) -> Outcome:
    """Close a review without a reply (a front end asks first). It can be undone for
    `UNDO_IGNORE` (a mistaken tap next to 🚩), then it is final."""
    review = await _locked_review(session, review_id)
    _check(actor, review, required_role(await current_reading(session, review)))
    if review.status not in OPEN_STATES:
        return _too_late(session, review, actor, now, zone, "ignore")
    was = review.status
    review.status = "ignored"
    review.handled_by = actor.name
    review.handled_at = now
    rejected = list(
        await session.scalars(
            select(Draft.id).where(Draft.review_id == review.id, Draft.status == "proposed")
        )
    )
    if rejected:
        await session.execute(update(Draft).where(Draft.id.in_(rejected)).values(status="rejected"))
    audit.record(
        session,
        now,
        "review.ignored",
        actor=actor.id,
        store_id=review.store_id,
        review_id=review.id,
        was=was,
        drafts=rejected,
    )
    seconds = int(UNDO_IGNORE.total_seconds())
    return Outcome(True, f"已忽略这条评价，{seconds} 秒内可撤销。", changed=True)


async def undo_ignore(
    session: AsyncSession, review_id: int, actor: Actor, now: datetime
) -> Outcome:
    """Take back an ignore within `UNDO_IGNORE`: the review is open again with the draft
    it had. Its author may, and so may a manager; after the window it is final."""
    review = await _locked_review(session, review_id)
    _check(actor, review)
    ignored = await session.scalar(
        select(AuditEntry)
        .where(AuditEntry.review_id == review.id, AuditEntry.action == "review.ignored")
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    if review.status != "ignored" or ignored is None:
        return Outcome(False, "这条评价现在没有被忽略，无需撤销。")
    if ignored.actor != actor.id and not actor.at_least("manager", review.store_id):
        raise NotAllowed(f"只有 {review.handled_by or '忽略的人'} 或店长可以撤销。")
    if review.handled_at is None or now - review.handled_at > UNDO_IGNORE:
        return Outcome(False, "已超过撤销时限，忽略已生效。", code="handled")
    review.status = ignored.details.get("was") or "open"
    review.handled_by = None
    review.handled_at = None
    drafts = ignored.details.get("drafts") or []
    if drafts:
        await session.execute(
            update(Draft)
            .where(Draft.id.in_(drafts), Draft.status == "rejected")
            .values(status="proposed")
        )
    audit.record(
        session,
        now,
        "review.ignore_undone",
        actor=actor.id,
        store_id=review.store_id,
        review_id=review.id,
    )
    return Outcome(True, "已撤销忽略，这条评价重新待处理。", changed=True)


async def manager_asked(session: AsyncSession, review_id: int) -> AuditEntry | None:
    """Who asked the store's managers to handle this review, and when (None: nobody)."""
    return await session.scalar(
        select(AuditEntry)
        .where(AuditEntry.review_id == review_id, AuditEntry.action == "review.manager_asked")
        .order_by(AuditEntry.id)
        .limit(1)
    )


async def ask_manager(
    session: AsyncSession,
    review_id: int,
    actor: Actor,
    now: datetime,
    *,
    zone: tzinfo = UTC,
    name_of: Callable[[str], str | None] = lambda actor_id: actor_id,
) -> Outcome:
    """📣 on a review only a manager may handle: its managers are pinged, once per review
    (the next press says who already asked)."""
    review = await _locked_review(session, review_id)
    _check(actor, review)
    if review.status not in OPEN_STATES:
        return _too_late(session, review, actor, now, zone, "ask_manager")
    earlier = await manager_asked(session, review.id)
    if earlier is not None:
        who, when = name_of(earlier.actor) or earlier.actor, _local(earlier.at, zone)
        return Outcome(False, f"{who} 已于 {when} 通知过店长，请稍候。")
    snippet = (review.text or "（只有评分）").strip()
    snippet = snippet if len(snippet) <= 60 else snippet[:60] + "…"
    await queue_notice(
        session,
        store_id=review.store_id,
        now=now,
        dedupe_key=f"ask-manager:{review.id}",
        level="warning",
        audience="manager",
        urgent=True,  # a person is waiting on it: no mute holds it
        text=f"📣 {actor.name} 请店长处理评价 #{review.id}（需要店长或店主通过）：{snippet}",
        review_id=review.id,
    )
    audit.record(
        session,
        now,
        "review.manager_asked",
        actor=actor.id,
        store_id=review.store_id,
        review_id=review.id,
    )
    return Outcome(True, "已通知店长。", changed=True)


async def mark_contacted(
    session: AsyncSession, review_id: int, actor: Actor, now: datetime, *, zone: tzinfo = UTC
) -> Outcome:
    review = await _locked_review(session, review_id)
    _check(actor, review)
    if review.contacted_at is not None:
        when = _local(review.contacted_at, zone)
        return Outcome(False, f"{review.contacted_by} 已于 {when} 记录联系过顾客。")
    review.contacted_at = now
    review.contacted_by = actor.name
    audit.record(
        session,
        now,
        "customer.contacted",
        actor=actor.id,
        store_id=review.store_id,
        review_id=review.id,
    )
    return Outcome(True, "已记录：已联系顾客。", changed=True)


async def mark_malicious(
    session: AsyncSession,
    review_id: int,
    actor: Actor,
    now: datetime,
    *,
    drafter: TemplateDrafter | None = None,
    profile: StoreProfile | None = None,
) -> Outcome:
    """Start a platform appeal. Accusing a customer is serious: managers and owners only.
    The appeal is the reply engine's (its text and the platform's evidence checklist):
    the one drafted with the review's reply, or one written now (`drafter`)."""
    review = await _locked_review(session, review_id)
    _check(actor, review, "manager", ask=False)  # any review: not what 📣 is for
    if await open_appeal(session, review.id) is not None:
        return Outcome(False, "这条评价已经在申诉中。")
    if review.status == "open":
        review.status = "appeal"
    # The reply engine's appeal (text and the evidence the platform asks for), if it wrote one.
    drafted = await session.scalar(
        select(Draft.appeal)
        .where(Draft.review_id == review.id, Draft.appeal.is_not(None))
        .order_by(Draft.id.desc())
        .limit(1)
    )
    analysis = await current_analysis(session, review)
    if drafted is None and drafter is not None and profile is not None:
        written = drafter.appeal(
            review_text(review), analysis_result(analysis) if analysis else UNREAD, profile
        )
        drafted = {
            "reasons": list(written.reasons),
            "text": written.text,
            "evidence": list(written.evidence),
        }
    appeal = drafted or {"reasons": [], "text": "", "evidence": APPEAL_EVIDENCE}
    if not appeal.get("evidence"):
        appeal = {**appeal, "evidence": APPEAL_EVIDENCE}
    session.add(
        Task(
            store_id=review.store_id,
            review_id=review.id,
            kind="appeal",
            status="open",
            created_by=actor.id,
            created_at=now,
            details={"platform": review.platform, **appeal},
        )
    )
    # Starting an appeal is staff's verdict too: a flag confirmed, or one the analyzer missed.
    reasons = list(appeal.get("reasons") or (analysis.malicious_reasons if analysis else ()))
    verdicts.record(
        session,
        review,
        review_text(review).text,
        "malicious",
        actor=actor.id,
        actor_name=actor.name,
        now=now,
        analysis=analysis,
        reasons=reasons,
    )
    audit.record(
        session,
        now,
        "appeal.started",
        actor=actor.id,
        store_id=review.store_id,
        review_id=review.id,
    )
    return Outcome(
        True, "已标记为恶意评价并创建申诉任务，申诉材料清单和申诉理由已发在聊天里。", changed=True
    )


async def open_appeal(session: AsyncSession, review_id: int) -> Task | None:
    """The review's platform appeal under way (None: none, or closed when staff cleared
    the review)."""
    return await session.scalar(
        select(Task)
        .where(Task.review_id == review_id, Task.kind == "appeal", Task.status == "open")
        .order_by(Task.id.desc())
        .limit(1)
    )


async def clear_malicious(
    session: AsyncSession,
    review_id: int,
    actor: Actor,
    now: datetime,
    *,
    drafter: TemplateDrafter | None = None,
    profile: StoreProfile | None = None,
    limits: ReplyLimits | None = None,
    zone: tzinfo = UTC,
) -> Outcome:
    """「不是恶意」: staff say a review is not malicious. Any member of staff may clear the
    analyzer's flag (the safe direction); once a manager started a platform appeal, taking
    it back is a manager's decision, and it closes the appeal task.

    The stored analysis is kept as it is: the verdict is recorded (a label for the malice
    reader) and every reader of "is this malicious" honours it from then on: who may post,
    the card, the customer case, and the draft, which is rewritten now as an ordinary reply
    (unless a colleague is editing it or a person wrote it)."""
    review = await _locked_review(session, review_id)
    _check(actor, review)
    appeal = await open_appeal(session, review.id)
    if appeal is not None and not actor.at_least("manager", review.store_id):
        raise NotAllowed(
            "店长已为这条评价发起平台申诉。撤销申诉、改为“不是恶意”需要店长或以上权限，"
            "可点卡片上的“📣 请店长处理”通知店长。"
        )
    row = await current_analysis(session, review)
    earlier = await verdicts.cleared(session, review)
    if earlier is not None and appeal is None:
        when = _local(earlier.at, zone)
        return Outcome(
            False, f"{earlier.actor_name} 已于 {when} 确认这条评价不是恶意。", code="repeat"
        )
    if appeal is None and not (row is not None and row.malicious):
        return Outcome(False, "这条评价没有被标记为恶意，无需处理。", code="repeat")
    text = review_text(review)
    verdicts.record(
        session,
        review,
        text.text,
        "not_malicious",
        actor=actor.id,
        actor_name=actor.name,
        now=now,
        analysis=row,
    )
    if appeal is not None:
        appeal.status = "closed"
        appeal.closed_at = now
        appeal.details = {
            **(appeal.details or {}),
            "closed_by": actor.id,
            "closed": "not_malicious",
        }
    if review.status == "appeal":
        review.status = "open"
    redrafted = await _ordinary_draft(session, review, actor, now, row, drafter, profile, limits)
    # A complaint staff were alerted about opens a case once it is not an attack.
    alerted = await session.scalar(select(Alert.id).where(Alert.review_id == review.id).limit(1))
    if row is not None and row.negative and alerted is not None and review.status in OPEN_STATES:
        await open_case(session, review, now, by=actor.id)
    audit.record(
        session,
        now,
        "review.malice_cleared",
        actor=actor.id,
        store_id=review.store_id,
        review_id=review.id,
        flagged=bool(row and row.malicious),
        reasons=list(row.malicious_reasons) if row else [],
        appeal_closed=appeal.id if appeal is not None else None,
        draft_id=redrafted.id if redrafted else None,
    )
    message = "已确认不是恶意，这条评价按普通评价处理"
    if appeal is not None:
        message += "，申诉任务已关闭"
    message += "，草稿已换成普通回复。" if redrafted else "。"
    return Outcome(True, message, changed=True, draft_id=redrafted.id if redrafted else None)


async def _ordinary_draft(
    session: AsyncSession,
    review: Review,
    actor: Actor,
    now: datetime,
    row: Analysis | None,
    drafter: TemplateDrafter | None,
    profile: StoreProfile | None,
    limits: ReplyLimits | None,
) -> Draft | None:
    """The reply engine's ordinary draft for a review just cleared, replacing the careful
    note to readers it had (none: the analyzer had not flagged it, its draft is ordinary);
    not over a staff edit, nor while one is held for its confirm."""
    if drafter is None or profile is None or row is None or not row.malicious:
        return None
    if review.status not in OPEN_STATES:
        return None
    if not _read(review, row) or await held_edits(session, review.id):
        return None
    current = await current_draft(session, review.id)
    if current is not None and (written(current) or current.status != "proposed"):
        return None
    previous = list(
        (await session.scalars(select(Draft.text).where(Draft.review_id == review.id))).all()
    )
    drafted = drafter.draft(
        review_text(review),
        analysis_result(row, cleared=True),
        profile,
        recent=previous,
        attempt=len(previous),
        limits=limits,
    )
    return await add_draft(
        session,
        review,
        actor,
        now,
        text=drafted.text,
        action="draft.created",
        fields=draft_fields(drafted),
        source=draft_source(drafted),
    )


@dataclass(frozen=True, slots=True)
class AppealSheet:
    """What staff paste into the platform's appeal form, and the evidence to gather."""

    review_id: int
    platform: str
    text: str
    evidence: tuple[str, ...]


async def appeal_sheet(session: AsyncSession, review_id: int) -> AppealSheet | None:
    """The appeal under way (None: none, or taken back with 「不是恶意」)."""
    task = await open_appeal(session, review_id)
    if task is None:
        return None
    details = task.details or {}
    return AppealSheet(
        review_id=review_id,
        platform=str(details.get("platform") or ""),
        text=str(details.get("text") or ""),
        evidence=tuple(details.get("evidence") or APPEAL_EVIDENCE),
    )


async def add_draft(
    session: AsyncSession,
    review: Review,
    actor: Actor,
    now: datetime,
    *,
    text: str,
    action: str,
    fields: dict[str, Any],
    source: Mapping[str, str] | None = None,
) -> Draft:
    """A new current draft for a locked, open review: another variant from the engine
    (`fields` from `draft_fields`); the one it replaces is superseded."""
    before = await current_draft(session, review.id)
    await session.execute(
        update(Draft)
        .where(Draft.review_id == review.id, Draft.status == "proposed")
        .values(status="superseded")
    )
    draft = Draft(
        review_id=review.id,
        revision=review.revision,
        text=text,
        status="proposed",
        created_at=now,
        created_by=actor.id,
        **fields,
    )
    session.add(draft)
    await session.flush()
    audit.record(
        session,
        now,
        action,
        actor=actor.id,
        store_id=review.store_id,
        review_id=review.id,
        draft_id=draft.id,
        before=before.text if before else None,
        after=text,
        **(source or {}),
    )
    return draft


async def hold_edit(
    session: AsyncSession,
    review_id: int,
    actor: Actor,
    now: datetime,
    *,
    text: str,
    zone: tzinfo = UTC,
) -> Draft:
    """A staff edit, held aside until its author confirms it: until then the card, and
    every colleague, still see the current draft. It keeps that draft's approval rule."""
    review = await _locked_review(session, review_id)
    _check(actor, review)
    if review.status not in OPEN_STATES:
        raise NotAllowed(_too_late(session, review, actor, now, zone, "edit").message)
    base = await current_draft(session, review.id)
    draft = Draft(
        review_id=review.id,
        revision=review.revision,
        text=text,
        status=EDITING,
        created_at=now,
        created_by=actor.id,
        template_id=STAFF_EDIT,
        principles=[],
        requires_role=base.requires_role if base else None,
        appeal=base.appeal if base else None,
        violations=[],
        quotes=base.quotes if base else [],  # the only quotes the guardrails let through
        based_on=base.id if base else None,
    )
    session.add(draft)
    await session.flush()
    audit.record(
        session,
        now,
        "draft.edit_previewed",
        actor=actor.id,
        store_id=review.store_id,
        review_id=review.id,
        draft_id=draft.id,
        after=text,
    )
    return draft


async def held_edits(session: AsyncSession, review_id: int) -> list[Draft]:
    """Staff edits of this review waiting for their authors' confirm (see `hold_edit`)."""
    return list(
        (
            await session.scalars(
                select(Draft)
                .where(Draft.review_id == review_id, Draft.status == EDITING)
                .order_by(Draft.id)
            )
        ).all()
    )


def _being_edited(
    session: AsyncSession,
    review: Review,
    actor: Actor,
    now: datetime,
    held: Sequence[Draft],
    name_of: Callable[[str], str | None],
    what: str,
) -> Outcome:
    """Changing the draft under someone's held edit would either throw their text away
    unseen or let their confirm silently replace the change: the actor is told who is
    editing, and the attempt is audited."""
    audit.record(
        session,
        now,
        "review.being_edited",
        actor=actor.id,
        store_id=review.store_id,
        review_id=review.id,
        attempted=what,
        editors=[draft.created_by for draft in held],
        draft_ids=[draft.id for draft in held],
    )
    others = [draft.created_by for draft in held if draft.created_by != actor.id]
    if not others:
        return Outcome(
            False,
            "你对这条评价的修改还在等待确认：请先确认发布，或取消修改（/cancel），再换一版。",
            code="editing",
        )
    names = "、".join(dict.fromkeys(name_of(who) or "一位同事" for who in others))
    return Outcome(
        False,
        f"{names} 正在修改这条评价的回复，还没有确认。为免覆盖对方的修改，"
        "请等对方确认发布或取消后再换一版。",
        code="editing",
    )


def _nobody(actor_id: str) -> str | None:
    return None


async def drop_edit(session: AsyncSession, draft_id: int | None) -> None:
    """An edit that will not be confirmed (cancelled, expired, overtaken): its text stays
    in the database for the audit, never as a draft."""
    if draft_id is not None:
        await session.execute(
            update(Draft)
            .where(Draft.id == draft_id, Draft.status == EDITING)
            .values(status=DROPPED)
        )


async def confirm_edit(
    session: AsyncSession,
    review_id: int,
    actor: Actor,
    now: datetime,
    *,
    draft_id: int,
    store: StoreProfile,
    can_reply: bool = True,
    limits: ReplyLimits | None = None,
    zone: tzinfo = UTC,
    name_of: Callable[[str], str | None] = _nobody,
) -> Outcome:
    """The author confirms their held edit: it becomes the current draft and is approved.
    When the review needs a manager and the author is not one, the edit stays as the
    current draft for a manager to approve on the card. An edit written against a draft
    someone has replaced since is refused (`name_of` names who replaced it)."""
    review = await _locked_review(session, review_id)
    _check(actor, review)
    draft = await session.get(Draft, draft_id)
    if review.status not in OPEN_STATES:
        await drop_edit(session, draft_id)
        late = _too_late(session, review, actor, now, zone, "confirm_edit")
        return Outcome(False, late.message + "你的修改没有发布。")
    if draft is None or draft.review_id != review.id or draft.status != EDITING:
        return Outcome(False, "这个修改已失效，草稿没有变化。需要的话请再点一次“修改”。")
    if draft.revision != review.revision:
        await drop_edit(session, draft_id)
        return Outcome(False, "顾客在你修改期间更新了评价，修改没有保存。请看更新后的卡片再修改。")
    if not _read(review, await current_analysis(session, review)) and not given_up(review):
        await drop_edit(session, draft_id)
        waiting = await not_yet_read(session, review, zone)
        return Outcome(False, waiting + "你的修改没有保存。", code="stale")
    before = await current_draft(session, review.id)
    if draft.based_on is not None and before is not None and before.id != draft.based_on:
        await drop_edit(session, draft_id)
        who = name_of(before.created_by) or "一位同事"
        audit.record(
            session,
            now,
            "draft.edit_outdated",
            actor=actor.id,
            store_id=review.store_id,
            review_id=review.id,
            draft_id=draft.id,
            based_on=draft.based_on,
            current=before.id,
        )
        return Outcome(
            False,
            f"在你修改期间，{who} 已把草稿换成了新的版本，你的修改没有保存（文字还在预览里，"
            "可以复制）。请先看卡片上的最新草稿，需要的话再修改。",
            code="stale",
        )
    await session.execute(
        update(Draft)
        .where(Draft.review_id == review.id, Draft.status == "proposed")
        .values(status="superseded")
    )
    draft.status = "proposed"
    audit.record(
        session,
        now,
        "draft.edited",
        actor=actor.id,
        store_id=review.store_id,
        review_id=review.id,
        draft_id=draft.id,
        before=before.text if before else None,
        after=draft.text,
    )
    needed = required_role(await current_reading(session, review), draft)
    if not actor.at_least(needed, review.store_id):
        return Outcome(
            True,
            f"修改已保存为当前草稿。这条评价需要{ROLE_NAMES[needed]}或以上权限才能发布，"
            "请他们在卡片上通过。",
            changed=True,
            draft_id=draft.id,
        )
    return await approve(
        session,
        review.id,
        actor,
        now,
        store=store,
        draft_id=draft.id,
        can_reply=can_reply,
        limits=limits,
        zone=zone,
    )


# Why a 🔁's late draft was not used, as the Outcome code callers act on.
DISCARDED: dict[str, OutcomeCode] = {"handled": "handled", "editing": "editing"}


@dataclass(frozen=True, slots=True)
class Regeneration:
    """A 🔁 between its two short transactions: what the model is asked with (it is asked
    with no transaction open, so a slow endpoint holds no lock), and what the card showed
    when it was pressed, which must still hold for the new draft to be kept."""

    review_id: int
    revision: int
    draft_id: int | None  # the current draft when pressed
    text: ReviewText
    analysis: AnalysisResult
    previous: list[str]  # every draft the review had: the new one must differ
    variant: DraftResult  # the template variant (the model's fallback)
    fresh: bool  # whether `variant` differs from every previous draft


async def start_regenerate(
    session: AsyncSession,
    review_id: int,
    actor: Actor,
    now: datetime,
    *,
    drafter: TemplateDrafter,
    profile: StoreProfile,
    limits: ReplyLimits | None = None,
    zone: tzinfo = UTC,
    name_of: Callable[[str], str | None] = _nobody,
) -> Outcome | Regeneration:
    """The checks of 🔁 and the template variant, different from every draft the review
    had: an Outcome when it is refused, else what `finish_regenerate` keeps (after
    asking the model, with AI drafting on).

    Not while a staff edit is held for its confirm (`name_of` names its author): the
    edit was written against the draft on the card, which must not change under it.
    """
    review = await _locked_review(session, review_id)
    _check(actor, review)
    if review.status not in OPEN_STATES:
        return _too_late(session, review, actor, now, zone, "regenerate")
    held = await held_edits(session, review.id)
    if held:
        return _being_edited(session, review, actor, now, held, name_of, "regenerate")
    reading = await current_reading(session, review)
    if reading is None:
        return Outcome(False, "这条评价还没有分析结果，请稍后再试。")
    previous = list(
        (await session.scalars(select(Draft.text).where(Draft.review_id == review.id))).all()
    )
    current = await current_draft(session, review.id)
    text, analysis = review_text(review), reading.result()
    for attempt in range(len(previous), len(previous) + 12):
        drafted = drafter.draft(
            text, analysis, profile, recent=previous, attempt=attempt, limits=limits
        )
        if drafted.text not in previous:
            break
    return Regeneration(
        review_id=review.id,
        revision=review.revision,
        draft_id=current.id if current else None,
        text=text,
        analysis=analysis,
        previous=previous,
        variant=drafted,
        fresh=drafted.text not in previous,
    )


async def finish_regenerate(
    session: AsyncSession,
    started: Regeneration,
    drafted: DraftResult,
    actor: Actor,
    now: datetime,
    *,
    zone: tzinfo = UTC,
    name_of: Callable[[str], str | None] = _nobody,
) -> Outcome:
    """Keep `drafted` (the model's draft, or the template variant) as the current draft,
    if the review is still as it was when 🔁 was pressed. When it changed meanwhile (a
    colleague approved or ignored it, replaced or is editing the draft, the customer
    updated the review) the new draft is not used: the card keeps what they did, the
    presser is told what happened, and the audit keeps the unused text."""
    review = await _locked_review(session, started.review_id)
    current = await current_draft(session, review.id)
    held = await held_edits(session, review.id)
    reason, message = "", ""
    if review.status not in OPEN_STATES:
        when = _local(review.handled_at, zone) if review.handled_at else ""
        what = STATUS_NAMES.get(review.status, review.status)
        reason = "handled"
        message = (
            f"在新草稿生成期间，这条评价已由 {review.handled_by or '他人'} 于 {when} "
            f"处理（{what}），新草稿没有使用。"
        )
    elif review.revision != started.revision:
        reason = "updated"
        message = "在新草稿生成期间，顾客更新了评价，新草稿没有使用。请看更新后的卡片。"
    elif held:
        reason = "editing"
        names = "、".join(dict.fromkeys(_who(d.created_by, actor, name_of) for d in held))
        message = (
            f"在新草稿生成期间，{names} 开始修改这条评价的回复，为免覆盖修改，新草稿没有使用。"
        )
    elif (current.id if current else None) != started.draft_id:
        reason = "replaced"
        who = _who(current.created_by, actor, name_of) if current else "一位同事"
        message = (
            f"在新草稿生成期间，{who} 已把草稿换成了新的版本，这一版没有使用。"
            "请看卡片上的最新草稿。"
        )
    if reason:
        audit.record(
            session,
            now,
            "draft.regenerate_discarded",
            actor=actor.id,
            store_id=review.store_id,
            review_id=review.id,
            reason=reason,
            draft_id=started.draft_id,
            current=current.id if current else None,
            after=drafted.text,
            **draft_source(drafted),
        )
        return Outcome(False, message, code=DISCARDED.get(reason, "stale"))
    if drafted.source != MODEL and not started.fresh:
        return Outcome(False, "没有更多不同的版本了，可以点“修改”自己写。")
    draft = await add_draft(
        session,
        review,
        actor,
        now,
        text=drafted.text,
        action="draft.regenerated",
        fields=draft_fields(drafted),
        source=draft_source(drafted),
    )
    message = (
        "已换一版 AI 草稿。"
        if drafted.source == MODEL
        else f"已换一版草稿（{drafted.note}）。"
        if drafted.note
        else "已换一版草稿。"
    )
    return Outcome(True, message, changed=True, draft_id=draft.id)


def _who(author: str, actor: Actor, name_of: Callable[[str], str | None]) -> str:
    """Who wrote a draft, as the person acting reads it."""
    if author == actor.id:
        return "你"
    if author == "system":
        return "系统"
    return name_of(author) or "一位同事"


async def snooze(
    session: AsyncSession, review_id: int, actor: Actor, now: datetime, minutes: int = 30
) -> Outcome:
    """Hold this review's reminders for a while; its reply deadline does not move."""
    review = await _locked_review(session, review_id)
    _check(actor, review)
    review.snoozed_until = now + timedelta(minutes=minutes)
    audit.record(
        session,
        now,
        "review.snoozed",
        actor=actor.id,
        store_id=review.store_id,
        review_id=review.id,
        until=review.snoozed_until.isoformat(),
    )
    return Outcome(True, f"好的，{minutes} 分钟内不再提醒这条评价（回复时限不变）。", changed=False)
