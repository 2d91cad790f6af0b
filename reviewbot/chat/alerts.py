"""What an alert says, assembled from the database, and its plain-text Chinese rendering."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.store.schema import Alert, Analysis, Draft, Review, Store

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
    draft_id: int | None
    draft_text: str | None
    draft_template: str | None


async def load_alert_view(session: AsyncSession, alert_id: int) -> AlertView:
    alert = await session.get(Alert, alert_id)
    if alert is None:
        raise LookupError(f"alert {alert_id} does not exist")
    review = await session.get(Review, alert.review_id)
    store = await session.get(Store, alert.store_id)
    assert review is not None and store is not None
    analysis = await session.scalar(
        select(Analysis)
        .where(Analysis.review_id == review.id, Analysis.revision == alert.revision)
        .order_by(Analysis.id.desc())
        .limit(1)
    )
    draft = await session.get(Draft, alert.draft_id) if alert.draft_id else None
    return AlertView(
        alert_id=alert.id,
        kind=alert.kind,
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
        draft_id=draft.id if draft else None,
        draft_text=draft.text if draft else None,
        draft_template=draft.template_id if draft else None,
    )


def stars(rating: float | None) -> str:
    if rating is None:
        return "无评分"
    full = max(0, min(5, round(rating)))
    return "★" * full + "☆" * (5 - full) + f" {rating:g}星"


def format_alert(view: AlertView, tz: str = "Asia/Shanghai") -> list[tuple[str, str]]:
    """The alert as (label, value) lines; renderers add their own markup and escaping."""
    when = (
        view.created_at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")
        if view.created_at
        else "时间未知"
    )
    who = view.author or "匿名"
    meta = f"{stars(view.rating)} · {when} · {who}"
    if view.order_id:
        meta += f" · 订单 {view.order_id}"
    categories = (
        "、".join(
            f"{CATEGORY.get(c['name'], c['name'])}({POLARITY.get(c['polarity'], c['polarity'])})"
            for c in view.categories
        )
        or "未识别"
    )
    platform = PLATFORMS.get(view.platform, view.platform)
    lines = [
        ("title", f"{KINDS.get(view.kind, '评价提醒')} · {view.store_name} · {platform}"),
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
    if view.malicious:
        reasons = "、".join(REASONS.get(r, r) for r in view.malicious_reasons)
        lines.append(("恶意", f"疑似恶意（{reasons}），建议走平台申诉"))
    if view.draft_text:
        lines.append(("建议回复", view.draft_text))
    return lines
