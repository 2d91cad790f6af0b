"""The Chinese names people read for the codes the analysis and the platforms use: one
place for the cards, the notices, the digests and the report pages."""

from __future__ import annotations

import math

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

# How the customer feels, in words a person reads at a glance: the stars' own label, and
# the text's sentiment (0 negative .. 1 positive) where it says worse: the first row whose
# `below` it is under. Stars are the customer's own verdict, so the text never says more
# than 不满 beside three stars or more (the model reads 一般般 as strongly as 难吃死了), and
# a lukewarm word of the customer's own (一般般, 还行) is 一般 when nothing in the text is
# harsher.
STAR_MOODS: dict[int, str] = {1: "很不满", 2: "不满", 3: "一般", 4: "满意", 5: "满意"}
TEXT_MOODS: tuple[tuple[str, float], ...] = (("很不满", 0.15), ("不满", 0.4), ("一般", 0.6))
SATISFIED = "满意"
MOOD_ORDER = ("很不满", "不满", "一般", SATISFIED)
# The strongest the text alone may say beside a rating of this many stars or more.
TEXT_CAP_FROM_STARS = 3
TEXT_CAP = "不满"
LUKEWARM = ("一般般", "一般", "还行", "还可以", "凑合", "马马虎虎", "中规中矩", "普普通通",
            "不过如此", "平平无奇", "没什么特别", "没啥特别")  # fmt: skip
HARSH = ("再也不", "难吃", "太差", "很差", "真差", "差劲", "恶心", "垃圾", "投诉", "退款", "气死",
         "坑人", "无语", "过分", "恶劣", "拉肚子", "头发", "虫")  # fmt: skip


def mood(rating: float | None, sentiment: float, text: str = "") -> str:
    """很不满 / 不满 / 一般 / 满意: a label instead of a raw score on a card."""
    if any(w in text for w in LUKEWARM) and not any(w in text for w in HARSH):
        said = "一般"
    else:
        said = next((label for label, below in TEXT_MOODS if sentiment < below), SATISFIED)
    if rating is None:
        return said
    stars = STAR_MOODS[min(5, max(1, math.ceil(rating)))]
    if rating >= TEXT_CAP_FROM_STARS:
        said = max(said, TEXT_CAP, key=MOOD_ORDER.index)
    return min(stars, said, key=MOOD_ORDER.index)
