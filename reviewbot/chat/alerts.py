"""A review's card in plain Chinese text, for every chat front end: the lines a renderer
adds its own markup and escaping to (the card's content comes from workflow/cards.py)."""

from __future__ import annotations

from datetime import timedelta

from reviewbot.reporting.labels import (
    CATEGORY,
    KINDS,
    PLATFORMS,
    POLARITY,
    REASONS,
    SEVERITY,
    mood,
)
from reviewbot.speed import platform_delay
from reviewbot.text import clip_utf16
from reviewbot.workflow.cards import FIELD_UNITS, AlertView
from reviewbot.workflow.cases import AGREEMENT_NAMES, CAME_BACK_NAMES, OUTCOME_NAMES

# The case vocabularies in Chinese, for a card's case line.
CASE_WORDS: dict[str, str] = {**OUTCOME_NAMES, **AGREEMENT_NAMES, **CAME_BACK_NAMES}

__all__ = [
    "AlertView",
    "duration",
    "evidence_line",
    "format_alert",
    "stars",
    "status_lines",
    "timing_line",
]


def evidence_line(evidence: dict) -> str:
    """One flag's evidence: its reason, the customer's words, the facts."""
    reason = REASONS.get(evidence.get("reason", ""), evidence.get("reason", ""))
    parts = [f"「{evidence['span']}」"] if evidence.get("span") else []
    parts += list(evidence.get("facts", ()))
    return f"{reason}：{'；'.join(parts)}"


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
    polarity = POLARITY.get(view.polarity, view.polarity)
    severity = SEVERITY.get(view.severity, view.severity)
    feeling = f"{polarity} · 顾客{mood(view.rating, view.sentiment)}"
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
    if view.url:
        lines.append(("链接", view.url))
    lines.append(
        (
            "分析",
            f"{feeling} · 类别：{categories} · 严重程度：{severity}",
        )
    )
    if view.complaint_points:
        lines.append(("投诉要点", clip_utf16(view.complaint_points, FIELD_UNITS["complaints"])))
    timing = timing_line(view)
    if timing:
        lines.append(("时限", timing))
    if view.malicious:
        reasons = "、".join(REASONS.get(r, r) for r in view.malicious_reasons)
        lines.append(("恶意", f"疑似恶意（{reasons}），建议走平台申诉"))
        for evidence in view.malicious_evidence:
            lines.append(("证据", evidence_line(evidence)))
    if view.draft_text:
        lines.append(("建议回复", view.draft_text))
    if view.draft_source == "model" and view.open:
        model = clip_utf16(view.draft_model, FIELD_UNITS["store"])
        lines.append(("来源", f"AI 草稿（{model}），已通过全部检查，发布前请再读一遍"))
    elif view.draft_note and view.open:
        lines.append(("提示", view.draft_note))
    if view.draft_similarity and view.open:
        lines.append(
            (
                "提示",
                f"这版与本店近期的回复很像（重合 {view.draft_similarity:.0%}），"
                "顾客可能觉得是套话，建议修改或换一版",
            )
        )
    return lines
