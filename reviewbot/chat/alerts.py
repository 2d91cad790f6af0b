"""What an alert says, assembled from the database, and its plain-text Chinese rendering.

The view carries the review's workflow state too (who approved it, whether the reply is
out), so a chat message can be redrawn at any time to show where things stand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.speed import platform_delay, policy
from reviewbot.store.answered import ANSWERED_STATES, answered_revision
from reviewbot.store.schema import Alert, Analysis, OutboxMessage, Review, Store
from reviewbot.text import clip_utf16
from reviewbot.workflow.actions import current_analysis, current_draft, required_role
from reviewbot.workflow.directory import Directory

# Bounds (UTF-16 units) of the short fields a platform or the config fills in, so no
# nickname or error message can crowd the review out of a chat message.
FIELD_UNITS = {"author": 40, "order_id": 64, "store": 64, "error": 300}
POLARITY = {"negative": "负面", "neutral": "中性", "positive": "正面"}
CATEGORY = {
    "food": "菜品",
    "service": "服务",
    "delivery": "配送",
    "environment": "环境",
    "price": "价格",
    "hygiene": "卫生/食品安全",
}
SEVERITY = {"none": "无", "low": "低", "medium": "中", "high": "高", "critical": "紧急"}
REASONS = {
    "extortion": "索要好处",
    "abuse": "辱骂",
    "spam_ad": "广告",
    "irrelevant": "无关内容",
    "competitor": "同行",
    "no_order": "无订单",
    "flood": "重复刷评",
    "threat": "威胁",
}
PLATFORMS = {
    "demo": "演示平台",
    "jsonfeed": "JSON 数据源",
    "meituan": "美团外卖",
    "eleme": "饿了么",
    "dianping": "大众点评",
    "google": "Google",
}
KINDS = {
    "new": "差评提醒",
    "updated": "评价更新",
    "malicious": "疑似恶意评价",
    "critical": "紧急：食品安全",
}


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
    # The customer added to (or edited) the review after it was answered, on a platform
    # that takes one reply: what is left is to reach them in private.
    changed_after_answer: bool = False
    review_status: str = "open"
    handled_by: str | None = None
    handled_at: datetime | None = None
    contacted_by: str | None = None
    contacted_at: datetime | None = None
    reply_error: str | None = None
    can_reply: bool = True
    timezone: str = "Asia/Shanghai"
    first_seen_at: datetime | None = None
    reply_window: timedelta | None = None
    created_precision: str = "second"  # "day": the platform gives the date only (Meituan)
    window_start: datetime | None = None  # when the reply window started (speed.py)

    @property
    def open(self) -> bool:
        return self.review_status in ("open", "appeal")

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
    analysis = await current_analysis(session, review)
    draft = await current_draft(session, review.id)
    reply_error = None
    if draft is not None and draft.status == "failed":
        reply_error = await session.scalar(
            select(OutboxMessage.last_error).where(
                OutboxMessage.kind == "reply", OutboxMessage.ref_id == draft.id
            )
        )
    answered = await answered_revision(session, review)
    window = reply_window(directory, review, analysis) if directory else None
    return AlertView(
        alert_id=alert.id,
        kind=alert.kind,
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
        malicious=analysis.malicious if analysis else False,
        malicious_reasons=list(analysis.malicious_reasons) if analysis else [],
        severity=analysis.severity if analysis else "none",
        required_role=required_role(analysis, draft),
        draft_id=draft.id if draft else None,
        draft_text=draft.text if draft else None,
        draft_template=draft.template_id if draft else None,
        draft_status=draft.status if draft else None,
        draft_similarity=draft.similarity if draft and draft.status == "proposed" else None,
        changed_after_answer=review.status in ANSWERED_STATES
        and answered is not None
        and answered < alert.revision,
        review_status=review.status,
        handled_by=review.handled_by,
        handled_at=review.handled_at,
        contacted_by=review.contacted_by,
        contacted_at=review.contacted_at,
        reply_error=reply_error,
        can_reply=directory.can_reply(review.source_id) if directory else True,
        timezone=directory.timezone(store.id) if directory else "Asia/Shanghai",
        first_seen_at=review.first_seen_at,
        created_precision=str((review.details or {}).get("precision") or "second"),
        reply_window=window[0] if window else None,
        window_start=window[1] if window else None,
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


def stars(rating: float | None) -> str:
    if rating is None:
        return "无评分"
    full = max(0, min(5, round(rating)))
    return "★" * full + "☆" * (5 - full) + f" {rating:g}星"


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
    if view.draft_status == "failed":
        error = clip_utf16(view.reply_error or "", FIELD_UNITS["error"])
        reason = f"：{error}" if error else ""
        lines.append(f"⚠️ 回复发布失败{reason}。请修改或换一版后重新通过。")
    if view.contacted_at is not None:
        lines.append(f"☎️ {view.contacted_by} 于 {view.local(view.contacted_at)} 已联系顾客")
    if view.open and not view.can_reply:
        lines.append("ℹ️ 该平台不支持接口回复：请在商家后台手动发布，再点“已手动回复”确认。")
    if view.changed_after_answer:
        lines.append(
            "ℹ️ 顾客在我们回复之后又追评（或修改了评价）。该平台每条评价只能回复一次，"
            "请私下联系顾客处理，联系后点“已联系顾客”。"
        )
    return lines


def format_alert(view: AlertView) -> list[tuple[str, str]]:
    """The alert as (label, value) lines; renderers add their own markup and escaping."""
    clock = "" if view.created_precision == "day" else " %H:%M"  # never a made-up 00:00
    when = view.local(view.created_at, f"%Y-%m-%d{clock}") or "时间未知"
    author = clip_utf16(view.author or "匿名", FIELD_UNITS["author"])
    meta = f"{stars(view.rating)} · {when} · {author}"
    if view.order_id:
        meta += f" · 订单 {clip_utf16(view.order_id, FIELD_UNITS['order_id'])}"
    categories = (
        "、".join(
            f"{CATEGORY.get(c['name'], c['name'])}({POLARITY.get(c['polarity'], c['polarity'])})"
            for c in view.categories
        )
        or "未识别"
    )
    platform = PLATFORMS.get(view.platform, view.platform)
    lines = [
        (
            "title",
            f"{KINDS.get(view.kind, '评价提醒')} · "
            f"{clip_utf16(view.store_name, FIELD_UNITS['store'])} · {platform}",
        ),
        ("meta", meta),
        ("评价", view.text if view.text else "（只有评分，没有文字）"),
    ]
    if view.follow_up:
        lines.append(("追评", view.follow_up))
    lines.append(
        (
            "分析",
            f"{POLARITY.get(view.polarity, view.polarity)}（情感 {view.sentiment:.2f}）· "
            f"类别：{categories} · 严重程度：{SEVERITY.get(view.severity, view.severity)}",
        )
    )
    timing = timing_line(view)
    if timing:
        lines.append(("时限", timing))
    if view.malicious:
        reasons = "、".join(REASONS.get(r, r) for r in view.malicious_reasons)
        lines.append(("恶意", f"疑似恶意（{reasons}），建议走平台申诉"))
    if view.draft_text:
        lines.append(("建议回复", view.draft_text))
    if view.draft_similarity and view.open:
        lines.append(
            (
                "提示",
                f"这版与本店近期的回复很像（重合 {view.draft_similarity:.0%}），"
                "顾客可能觉得是套话，建议修改或换一版",
            )
        )
    return lines
