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
