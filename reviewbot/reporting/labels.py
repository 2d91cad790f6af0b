"""The Chinese names people read for the codes the analysis and the platforms use: one
place for the cards, the notices, the digests and the report pages."""

from __future__ import annotations

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

# How the customer feels, from the stars and the text's sentiment (0 negative .. 1
# positive), in words a person reads at a glance: the first row that matches wins.
# (label, stars at most, sentiment below); None: that side does not decide the row.
MOODS: tuple[tuple[str, float | None, float | None], ...] = (
    ("很不满", 1, None),
    ("很不满", None, 0.15),
    ("不满", 2, None),
    ("不满", None, 0.4),
    ("一般", 3, None),
    ("一般", None, 0.6),
)
SATISFIED = "满意"


def mood(rating: float | None, sentiment: float) -> str:
    """很不满 / 不满 / 一般 / 满意: a label instead of a raw score on a card."""
    for label, stars_at_most, below in MOODS:
        if stars_at_most is not None and rating is not None and rating <= stars_at_most:
            return label
        if below is not None and sentiment < below:
            return label
    return SATISFIED
