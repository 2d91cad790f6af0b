"""Writes guard_edits.jsonl from guard_edits_data.py: each edit with a polite opening, and
for a share of them a disguised copy (spaced out, Traditional, full width, split by
symbols), as staff trying to get a reply past a filter would write it.

    python3 tests/data/dev/build_guard_edits.py
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from guard_edits_data import INNOCENT, OPENINGS, VIOLATIONS  # noqa: E402

TRADITIONAL = str.maketrans(
    "这顿饭钱们请单该还给删评价差补偿优惠惊让说过来时会么选错应该样问题与无关轻减凉热卖发现记"
    "电话号码联系微信个费费结账买后厨调当送进检尝鱼汤烧务态员间质实确别门种宁师写级认证报骑",
    "這頓飯錢們請單該還給刪評價差補償優惠驚讓說過來時會麼選錯應該樣問題與無關輕減涼熱賣發現記"
    "電話號碼聯繫微信個費費結賬買後廚調當送進檢嘗魚湯燒務態員間質實確別門種寧師寫級認證報騎",
)


def spaced(text: str) -> str:
    return " ".join(text)


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def split_by(symbol: str):
    return lambda text: symbol.join(text)


DISGUISES = [
    ("spaced", spaced),
    ("traditional", lambda text: text.translate(TRADITIONAL)),
    ("full_width", full_width),
    ("stars", split_by("*")),
    ("dots", split_by("·")),
]


def rows() -> list[dict]:
    rng = random.Random(12)
    out = []
    for kind, entries in (("v", VIOLATIONS), ("ok", INNOCENT)):
        for n, (rule, text, *review) in enumerate(entries, 1):
            opening = rng.choice(OPENINGS)
            row = {"id": f"{kind}{n:03d}", "text": opening + text}
            if review:
                row["review"] = review[0]
            if rule:
                row["rule"] = rule
            else:
                row["ok"] = True
            out.append(row)
            if rng.random() < (0.3 if rule else 0.15):
                name, disguise = rng.choice(DISGUISES)
                copy = dict(row, id=f"{row['id']}_{name}", text=opening + disguise(text))
                out.append(copy)
    return out + writer_rows()


def writer_rows() -> list[dict]:
    """The independent writer's batch (guard_writer/, already in its final form: written
    with its own disguises, Traditional and English items), as it is."""
    out = []
    for raw in (HERE / "guard_writer" / "edits.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(raw)
        row = {"id": item["id"], "text": item["text"], "review": item["review"]}
        if item["rule"]:
            row["rule"] = item["rule"]
        else:
            row["ok"] = True
        out.append(row)
    return out


def main() -> None:
    lines = rows()
    ids = [row["id"] for row in lines]
    assert len(ids) == len(set(ids))
    with (HERE / "guard_edits.jsonl").open("w", encoding="utf-8") as f:
        for row in lines:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    bad = sum(1 for row in lines if "rule" in row)
    print(f"{len(lines)} edits: {bad} violations, {len(lines) - bad} innocent")


if __name__ == "__main__":
    main()
