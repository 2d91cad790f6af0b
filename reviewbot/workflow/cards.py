"""What a review's card says, assembled from the database: the review, its analysis and
draft, and where it stands in the workflow (who approved it, whether the reply is out), so
any front end can draw it, and redraw it at any time to show where things stand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.analysis.complaints import load_taxonomy
from reviewbot.platforms.normalize import as_url
from reviewbot.speed import platform_delay, policy
from reviewbot.store.answered import ANSWERED_STATES, answered_revision
from reviewbot.store.cases import case_of_complaint
from reviewbot.store.schema import Alert, Analysis, AuditEntry, OutboxMessage, Review, Store
from reviewbot.text import clip_utf16
from reviewbot.vocab import OPEN_STATES
from reviewbot.workflow.actions import (
    current_analysis,
    current_draft,
    current_reading,
    manager_asked,
    required_role,
)
from reviewbot.workflow.cases import AGREEMENT_NAMES, CAME_BACK_NAMES, OUTCOME_NAMES
from reviewbot.workflow.directory import Directory

# The case vocabularies in Chinese, for a card's case line.
CASE_WORDS: dict[str, str] = {**OUTCOME_NAMES, **AGREEMENT_NAMES, **CAME_BACK_NAMES}

# Bounds (UTF-16 units) of the short fields a platform or the config fills in, so no
# nickname or error message can crowd the review out of a chat message.
FIELD_UNITS = {"author": 40, "order_id": 64, "store": 64, "error": 300, "complaints": 300}


@dataclass(frozen=True, slots=True)
class CardRef:
    """A card as its buttons name it (by an opaque token): enough to act on its review."""

    alert_id: int
    store_id: str
    review_id: int
    token: str


async def card_of(session: AsyncSession, token: str) -> CardRef | None:
    alert = await session.scalar(select(Alert).where(Alert.token == token))
    if alert is None:
        return None
    return CardRef(alert.id, alert.store_id, alert.review_id, alert.token or "")


@dataclass(frozen=True, slots=True)
class AlertView:
    alert_id: int
    kind: str
    token: str | None
    review_id: int
    store_id: str
    store_name: str
    platform: str
    rating: float | None
    author: str | None
    order_id: str | None
    created_at: datetime | None
    text: str | None
    follow_up: str | None
    revision: int
    polarity: str
    sentiment: float
    categories: list[dict]
    malicious: bool
    malicious_reasons: list[str]
    severity: str
    required_role: str
    draft_id: int | None
    draft_text: str | None
    draft_template: str | None
    draft_status: str | None = None
    draft_similarity: float | None = None
    # Which engine wrote the draft ("model": AI drafting), the model, and why an AI draft
    # was not used (Chinese, e.g. "AI 草稿含有补偿承诺，已改用模板草稿").
    draft_source: str = ""
    draft_model: str = ""
    draft_note: str = ""
    # The customer added to (or edited) the review after it was answered, on a platform
    # that takes one reply: what is left is to reach them in private.
    changed_after_answer: bool = False
    review_status: str = "open"
    handled_by: str | None = None
    handled_at: datetime | None = None
    contacted_by: str | None = None
    contacted_at: datetime | None = None
    reply_error: str | None = None
    # Who approved a reply that was then withdrawn unposted because the customer changed
    # the review (store/answered.py), while nothing has been approved since; and when.
    withdrawn_by: str | None = None
    withdrawn_at: datetime | None = None
    can_reply: bool = True
    timezone: str = "Asia/Shanghai"
    first_seen_at: datetime | None = None
    reply_window: timedelta | None = None
    created_precision: str = "second"  # "day": the platform gives the date only (Meituan)
    window_start: datetime | None = None  # when the reply window started (speed.py)
    url: str | None = None  # the review on its platform, where the platform gives one
    manager_asked_by: str | None = None  # who pinged the managers (📣), once per review
    manager_asked_at: datetime | None = None
    # Why the review is thought malicious: {reason, span, facts} from analysis.details.
    malicious_evidence: tuple[dict, ...] = ()
    # Who said 「不是恶意」, and when: the analyzer's flag no longer holds (the card shows
    # neither the mark nor the appeal, and the review is handled as an ordinary one).
    cleared_by: str | None = None
    cleared_at: datetime | None = None
    # 投诉要点: each complaint's Chinese label and target, most severe first
    complaint_points: str = ""
    # The customer case this review opened: the call's outcome, what was agreed, the
    # follow-up date, whether the customer came back (store/cases.py).
    case_outcome: str | None = None
    case_agreement: str | None = None
    case_follow_up_at: datetime | None = None
    case_came_back: str | None = None
    console_url: str | None = None  # the review's page on the web console ([web] public_url)
    # Sent again after an attempt cut off mid-send (jobs/outbox.py): the chat may already
    # show this card once, and the card says so.
    repeat: bool = False

    @property
    def open(self) -> bool:
        return self.review_status in OPEN_STATES

    @property
    def clearable(self) -> bool:
        """Whether 「不是恶意」 applies: an open review flagged malicious or under appeal."""
        return self.open and (self.malicious or self.review_status == "appeal")

    def local(self, when: datetime | None, fmt: str = "%m-%d %H:%M") -> str:
        return when.astimezone(ZoneInfo(self.timezone)).strftime(fmt) if when else ""


async def load_alert_view(
    session: AsyncSession, alert_id: int, directory: Directory | None = None
) -> AlertView:
    alert = await session.get(Alert, alert_id)
    if alert is None:
        raise LookupError(f"alert {alert_id} does not exist")
    review = await session.get(Review, alert.review_id, populate_existing=True)
    store = await session.get(Store, alert.store_id)
    assert review is not None and store is not None
    reading = await current_reading(session, review)
    analysis = reading.row if reading else None
    draft = await current_draft(session, review.id)
    reply_error = None
    if draft is not None and draft.status == "failed":
        reply_error = await session.scalar(
            select(OutboxMessage.last_error).where(
                OutboxMessage.kind == "reply", OutboxMessage.ref_id == draft.id
            )
        )
    answered = await answered_revision(session, review)
    withdrawn = await _withdrawn(session, review.id)
    window = reply_window(directory, review, analysis) if directory else None
    asked = await manager_asked(session, review.id)
    made = await draft_made(session, review.id, draft.id) if draft is not None else {}
    case = await case_of_complaint(session, review.id)
    asker = (directory.name_of(asked.actor) if directory else None) if asked else None
    return AlertView(
        alert_id=alert.id,
        # (a card sent as 疑似恶意 is titled as the complaint it is, once staff cleared it)
        kind="new" if alert.kind == "malicious" and reading and reading.cleared else alert.kind,
        token=alert.token,
        review_id=review.id,
        store_id=store.id,
        store_name=store.name,
        platform=review.platform,
        rating=review.rating,
        author=review.author,
        order_id=review.order_id,
        created_at=review.created_at,
        text=review.text,
        follow_up=review.follow_up,
        revision=alert.revision,
        polarity=analysis.polarity if analysis else "neutral",
        sentiment=analysis.sentiment if analysis else 0.5,
        categories=list(analysis.categories) if analysis else [],
        malicious=reading.malicious if reading else False,
        malicious_reasons=reading.malicious_reasons if reading else [],
        severity=analysis.severity if analysis else "none",
        required_role=required_role(reading, draft),
        draft_id=draft.id if draft else None,
        draft_text=draft.text if draft else None,
        draft_template=draft.template_id if draft else None,
        draft_status=draft.status if draft else None,
        draft_similarity=draft.similarity if draft and draft.status == "proposed" else None,
        draft_source=str(made.get("source") or ""),
        draft_model=str(made.get("model") or ""),
        draft_note=str(made.get("note") or ""),
        changed_after_answer=review.status in ANSWERED_STATES
        and answered is not None
        and answered < alert.revision,
        review_status=review.status,
        handled_by=review.handled_by,
        handled_at=review.handled_at,
        contacted_by=review.contacted_by,
        contacted_at=review.contacted_at,
        reply_error=reply_error,
        withdrawn_by=str(withdrawn.details.get("approved_by") or "") if withdrawn else None,
        withdrawn_at=withdrawn.at if withdrawn else None,
        can_reply=directory.can_reply(review.source_id) if directory else True,
        timezone=directory.timezone(store.id) if directory else "Asia/Shanghai",
        first_seen_at=review.first_seen_at,
        created_precision=str((review.details or {}).get("precision") or "second"),
        reply_window=window[0] if window else None,
        window_start=window[1] if window else None,
        url=as_url(review.url),  # as stored from the platform: only a web link is shown
        manager_asked_by=(asker or asked.actor) if asked else None,
        manager_asked_at=asked.at if asked else None,
        malicious_evidence=tuple(reading.malicious_evidence) if reading else (),
        cleared_by=reading.cleared.actor_name if reading and reading.cleared else None,
        cleared_at=reading.cleared.at if reading and reading.cleared else None,
        console_url=console_page(directory, review.id) if directory else None,
        complaint_points=complaint_points((analysis.details or {}).get("complaints", ()))
        if analysis
        else "",
        case_outcome=case.outcome if case else None,
        case_agreement=case.agreement if case else None,
        case_follow_up_at=case.follow_up_at if case else None,
        case_came_back=case.came_back if case else None,
    )


async def _withdrawn(session: AsyncSession, review_id: int) -> AuditEntry | None:
    """The withdrawal of the review's last approved reply (None: none, approved since, or
    it reached the platform after all: its POST was under way when it was withdrawn)."""
    last = await session.scalar(
        select(AuditEntry)
        .where(
            AuditEntry.review_id == review_id,
            AuditEntry.action.in_(("draft.approved", "reply.withdrawn", "reply.posted")),
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return last if last is not None and last.action == "reply.withdrawn" else None


async def draft_made(session: AsyncSession, review_id: int, draft_id: int) -> dict:
    """How the engine made draft `draft_id` (its audit entry's source, model and note);
    empty for a staff edit or a draft from before AI drafting."""
    entry = await session.scalar(
        select(AuditEntry)
        .where(
            AuditEntry.review_id == review_id,
            AuditEntry.action.in_(("draft.created", "draft.regenerated")),
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    details = entry.details if entry is not None else {}
    return details if details.get("draft_id") == draft_id else {}


def console_page(directory: Directory, review_id: int) -> str | None:
    """The review's page on the web console, when its public address is configured."""
    base = directory.settings.web.public_url
    return f"{base}/reviews/{review_id}" if base else None


def complaint_points(complaints: Iterable[dict]) -> str:
    """The complaints of an analysis as staff read them, each aspect once with all its
    targets: 送错/上错菜（排骨饭）；口味不好（汤、米饭）；服务态度差（服务员）."""
    taxonomy = load_taxonomy()
    targets: dict[str, dict[str, None]] = {}  # label → its targets, in the order given
    for complaint in complaints:
        label = taxonomy.label(str(complaint.get("aspect", "")))
        found = targets.setdefault(label, {})
        if target := complaint.get("target"):
            found[str(target)] = None
    return "；".join(
        f"{label}（{'、'.join(found)}）" if found else label for label, found in targets.items()
    )


def reply_window(
    directory: Directory, review: Review, analysis: Analysis | None
) -> tuple[timedelta, datetime] | None:
    """A negative review's reply window and when it started (None: no window runs)."""
    if analysis is None or not analysis.negative:
        return None
    rules = policy(directory.settings, review.store_id)
    seen = review.alerted_seen_at or review.first_seen_at
    return rules.reply_window(analysis.severity), rules.window_start(seen, analysis.severity)


async def reply_deadline(
    session: AsyncSession, review: Review, directory: Directory
) -> datetime | None:
    """When the public reply to a negative review is due (None: no reply window runs)."""
    window = reply_window(directory, review, await current_analysis(session, review))
    return window[1] + window[0] if window else None


# -- where a card stands, in words (every front end: chat cards, the web console) ----


def duration(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.0f} 小时" if hours >= 1.5 else f"{delta.total_seconds() / 60:.0f} 分钟"


def timing_line(view: AlertView) -> str | None:
    """The reply deadline, and how late the platform showed us the review (never hidden)."""
    parts = []
    if view.reply_window is not None and view.window_start is not None and view.open:
        deadline = view.local(view.window_start + view.reply_window)
        parts.append(f"请在 {deadline} 前回复（{duration(view.reply_window)}内）")
    if view.created_at is not None and view.first_seen_at is not None:
        delay = platform_delay(view.created_at, view.first_seen_at)
        if delay is not None and view.created_precision == "day":
            # Only the date is known: the review was written at some time of that day.
            shortest = max(delay - timedelta(days=1), timedelta(0))
            span = (
                f"{duration(shortest)}至 {duration(delay)}"
                if shortest >= timedelta(minutes=1)
                else f"不到 {duration(delay)}"
            )
            parts.append(
                f"平台延迟：评价发布于 {view.local(view.created_at, '%m-%d')}（平台只提供日期），"
                f"{span}后平台才提供，时限从我们看到时算起"
            )
        elif delay is not None:
            parts.append(
                f"平台延迟：评价发布于 {view.local(view.created_at)}，"
                f"{duration(delay)}后平台才提供，时限从我们看到时算起"
            )
    return "；".join(parts) or None


def case_line(view: AlertView) -> str:
    """The customer case in one line: 📞 接通了 · 给了补偿 · 回访 12-09 10:00 · 🎉 …"""
    parts = [CASE_WORDS.get(w, w) for w in (view.case_outcome, view.case_agreement) if w]
    if view.case_follow_up_at:
        parts.append(f"回访 {view.local(view.case_follow_up_at)}")
    if view.case_came_back:
        parts.append(f"🎉 顾客回来了（{CASE_WORDS.get(view.case_came_back, '')}）")
    return ("📞 " + " · ".join(parts)) if parts else ""


def status_lines(view: AlertView) -> list[str]:
    """Where the review stands, in Chinese, newest facts last."""
    lines = []
    who, when = view.handled_by or "", view.local(view.handled_at)
    if view.review_status == "approved":
        lines.append(f"✅ {who} 于 {when} 通过，正在发布到平台…")
    elif view.review_status == "replied":
        lines.append(f"✅ 已发布到平台（{who} 于 {when} 通过）")
    elif view.review_status == "replied_manually":
        lines.append(f"✅ {who} 于 {when} 确认已在平台手动回复")
    elif view.review_status == "replied_elsewhere":
        lines.append(f"✅ 平台上已有商家回复（{when} 读到，不是通过 reviewbot 发布的）")
    elif view.review_status == "ignored":
        lines.append(f"🙈 {who} 于 {when} 忽略了这条评价")
    elif view.review_status == "appeal":
        lines.append("🚩 已标记为恶意评价，申诉处理中")
    if view.cleared_at is not None:
        when = view.local(view.cleared_at)
        lines.append(f"👌 {view.cleared_by} 于 {when} 确认不是恶意，按普通评价处理")
    if view.withdrawn_at is not None and view.open:
        who = f"{view.withdrawn_by} " if view.withdrawn_by else ""
        lines.append(
            f"⚠️ 顾客在回复通过后修改了评价（或追评），{who}通过的回复没有发布，"
            f"以免答非所问（{view.local(view.withdrawn_at)}）。请看最新内容，"
            "确认或修改新的草稿后重新通过。"
        )
    if view.draft_status == "failed":
        error = clip_utf16(view.reply_error or "", FIELD_UNITS["error"])
        reason = f"：{error}" if error else ""
        lines.append(f"⚠️ 回复发布失败{reason}。请修改或换一版后重新通过。")
    if view.contacted_at is not None:
        lines.append(f"☎️ {view.contacted_by} 于 {view.local(view.contacted_at)} 已联系顾客")
    case = case_line(view)
    if case:
        lines.append(case)
    if view.open and view.manager_asked_at is not None:
        asked = view.local(view.manager_asked_at)
        lines.append(f"📣 {view.manager_asked_by} 于 {asked} 已请店长处理")
    if view.open and not view.can_reply:
        lines.append("ℹ️ 该平台不支持接口回复：请在商家后台手动发布，再点“已手动回复”确认。")
    if view.changed_after_answer:
        lines.append(
            "ℹ️ 顾客在我们回复之后又追评（或修改了评价）。该平台每条评价只能回复一次，"
            "请私下联系顾客处理，联系后点“已联系顾客”。"
        )
    return lines
