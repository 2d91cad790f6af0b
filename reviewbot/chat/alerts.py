"""A review's card in plain Chinese text, for every chat front end: the lines a renderer
adds its own markup and escaping to (the card's content comes from workflow/cards.py)."""

from __future__ import annotations

from reviewbot.chat.notices import REPEAT_NOTE
from reviewbot.reporting.labels import (
    CATEGORY,
    KINDS,
    PLATFORMS,
    POLARITY,
    REASONS,
    SEVERITY,
    mood,
)
from reviewbot.text import clip_utf16
from reviewbot.workflow.cards import (
    FIELD_UNITS,
    AlertView,
    duration,
    status_lines,
    timing_line,
)

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
    feeling = f"{polarity} · 顾客{mood(view.rating, view.sentiment, view.text or '')}"
    lines = [
        (
            "title",
            f"{KINDS.get(view.kind, '评价提醒')} · "
            f"{clip_utf16(view.store_name, FIELD_UNITS['store'])} · {platform}",
        ),
        ("meta", meta),
    ]
    if view.repeat:
        lines.append(("提示", REPEAT_NOTE.removeprefix("⚠️ ")))
    lines.append(("评价", view.text if view.text else "（只有评分，没有文字）"))
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
