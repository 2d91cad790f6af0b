"""Convert helper replywriter's review set (span-labelled, its own aspect names) into the
set format of bench/replies.py: {id, text, rating, complaints: [{category, aspect, keywords}]}.

    .venv/bin/python tests/data/dev/convert_reply_reviews2.py [SOURCE] \
        > tests/data/dev/reply_reviews2.jsonl

The source labels complaints with spans, not keywords. Keywords are made by rule, written
(coverage12, 2026-12-06) before any draft of the set was read: the plain words a reply
naming that kind of complaint would use (VOCAB, per source aspect, Mandarin for Chinese
rows, English for English ones) plus up to two nouns of the span (the dish or thing named,
as the blind sets' "dish name" keywords). Source aspects are mapped to the taxonomy's
(ASPECT) so its label counts too; the source aspect is kept as `source_aspect`.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from reviewbot.analysis.normalize import to_simplified  # noqa: E402
from reviewbot.analysis.targets import SEGMENTER  # noqa: E402

ASPECT = {
    "food.quality": "food.taste",
    "food.too_salty": "food.taste",
    "food.too_oily": "food.taste",
    "food.undercooked": "food.doneness",
    "delivery.rider_attitude": "delivery.rider",
    "price.hidden_fee": "price.billing",
    "price.overcharged": "price.billing",
    "hygiene.dirty": "hygiene.kitchen",
    "environment.temperature": "environment.comfort",
    "environment.seating": "environment.space",
}
VOCAB: dict[str, tuple[list[str], list[str]]] = {
    "delivery.spilled": (["洒", "漏"], ["spill", "leak"]),
    "delivery.cold_on_arrival": (["凉", "冷"], ["cold"]),
    "delivery.late": (["晚", "慢", "久", "超时"], ["late", "slow", "wait"]),
    "delivery.rider_attitude": (["骑手", "配送"], ["driver", "rider", "courier"]),
    "delivery.packaging": (["包装", "盒"], ["packaging", "container", "bag"]),
    "food.too_salty": (["咸"], ["salty", "salt"]),
    "food.too_oily": (["油", "腻"], ["oily", "greasy"]),
    "food.portion": (["分量", "少"], ["portion"]),
    "food.quality": (["品质", "质量", "出品", "口感"], ["quality"]),
    "food.taste": (["味道", "口味"], ["taste", "flavor", "flavour"]),
    "food.freshness": (["新鲜"], ["fresh"]),
    "food.undercooked": (["生", "熟", "火候"], ["undercooked", "raw", "cooked"]),
    "food.temperature": (["凉", "冷", "热"], ["cold", "hot", "warm"]),
    "service.utensils": (["餐具", "筷子", "勺", "吸管"], ["cutlery", "utensils", "chopsticks"]),
    "service.order_handling": (["备注", "要求"], ["request", "note"]),
    "service.missing_item": (["漏", "少"], ["missing", "forgot"]),
    "service.wrong_item": (["错"], ["wrong"]),
    "service.attitude": (["态度"], ["attitude", "rude"]),
    "service.waiting": (["等", "久", "慢"], ["wait", "slow"]),
    "price.value": (["性价比", "值", "贵"], ["value", "price"]),
    "price.hidden_fee": (["收费", "费"], ["charge", "fee"]),
    "price.overcharged": (["多收", "账", "收费"], ["charge", "bill", "overcharged"]),
    "hygiene.foreign_object": (["异物", "头发", "虫"], ["hair", "foreign"]),
    "hygiene.illness": (["不适", "身体", "肚子"], ["sick", "ill", "unwell"]),
    "hygiene.dirty": (["卫生", "脏", "干净"], ["dirty", "clean", "hygiene"]),
    "environment.noise": (["吵", "噪"], ["noise", "noisy", "loud"]),
    "environment.cleanliness": (["干净", "脏", "卫生"], ["clean", "dirty"]),
    "environment.temperature": (["空调", "冷", "热"], ["air", "cold", "hot", "temperature"]),
    "environment.seating": (["座位", "挤"], ["seat", "seating", "crowded", "table"]),
}
# Nouns of a span that name nothing in particular.
GENERIC = {"时候", "东西", "感觉", "时间", "分钟", "小时", "问题", "一半", "样子", "今天", "我们"}
_EN_NOUN = re.compile(r"\b(?:the|my|our|their|a|an|no|his|her)\s+([a-z]{3,})\b", re.I)
_EN_SKIP = {"whole", "other", "same", "very", "most", "only", "food", "place", "time", "lot"}


def nouns(span: str, english: bool) -> list[str]:
    if english:
        found = [m.group(1).lower() for m in _EN_NOUN.finditer(span)]
        return [w for w in found if w not in _EN_SKIP][:2]
    plain = to_simplified(span)
    found = [n for _, _, n in SEGMENTER.nouns(plain) if len(n) >= 2 and n not in GENERIC]
    return list(dict.fromkeys(found))[:2]


def convert(row: dict) -> dict:
    english = row.get("script") == "en"
    complaints = []
    for c in row["complaints"]:
        zh, en = VOCAB[c["aspect"]]
        words = [*(en if english else zh), *nouns(c["span"], english)]
        aspect = ASPECT.get(c["aspect"], c["aspect"])
        complaints.append(
            {
                "category": aspect.split(".")[0],
                "aspect": aspect,
                "source_aspect": c["aspect"],
                "span": c["span"],
                "keywords": list(dict.fromkeys(words)),
            }
        )
    out = {k: row[k] for k in ("id", "text", "rating", "script", "channel", "platform")}
    return {**out, "complaints": complaints}


def main() -> None:
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/wt/replywriter_data/reviews.jsonl")
    for line in source.read_text("utf-8").splitlines():
        if line.strip():
            print(json.dumps(convert(json.loads(line)), ensure_ascii=False))


if __name__ == "__main__":
    main()
