"""The labelled malice rows the learned reader (malice_model.py) trains and is judged on.

Every opened set is one writer (a group): leave-one-writer-out evaluation holds out a whole
set, so a figure says how the reader does on words it never saw from that writer. Rows are
extortion, threat (both, when a set gives both) or honest; rows of other malicious reasons
(abuse, competitor…) are kept out, neither honest nor what the model learns. Honest rows
also come from the reply-review sets (multi-complaint honest reviews) and from the honest
half of waimai_train.csv (real delivery complaints, weighted lower: many rows, one style).
Never the unopened blind sets (tests/data/blind11, blind12).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from reviewbot.analysis.evaluation import row_labels

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
HOSTILE = ("extortion", "threat")
# group name: files (under tests/data) written by one writer
MALICE_SETS: dict[str, tuple[str, ...]] = {
    "blind1": ("blind/malice_blind.jsonl",),
    "blind2_real": ("blind2/malice_real/set.jsonl",),
    "blind2_written": ("blind2/malice_written/set.jsonl",),
    "blind2_honest": ("blind2/honest_lookalikes/set.jsonl",),
    "blind4": ("blind4/malicious.jsonl", "blind4/honest.jsonl"),
    "blind5": ("blind5/malicious.jsonl", "blind5/honest.jsonl"),
    "blind6": ("blind6/malice/malicious.jsonl", "blind6/malice/honest.jsonl"),
    "blind7": ("blind7/malice/malicious.jsonl", "blind7/malice/honest.jsonl"),
    "blind8": ("blind8/malice/malicious.jsonl", "blind8/malice/honest.jsonl"),
    "blind10": ("blind10/malice/malicious.jsonl", "blind10/malice/honest.jsonl"),
    "dev_malice": ("dev/malice.jsonl",),
    "dev_first": ("malice.jsonl",),
    "dev_real": ("dev/malice_real/malicious.jsonl", "dev/malice_real/honest.jsonl"),
    "dev_written2": ("dev/malice_written2/malicious.jsonl", "dev/malice_written2/honest.jsonl"),
    "dev_honest": ("dev/malice_honest/set.jsonl",),
    "dev_threats3": ("dev/malice_threats3.jsonl",),
    "dev_malt": ("dev/malice_threats_malt.jsonl", "dev/malice_honest_malp.jsonl"),
    "dev_malr": ("dev/malice_threats_malr.jsonl",),
    "dev_malrec": ("dev/malice_malrec.jsonl",),
    "dev_malx": ("dev/malice_malx.jsonl",),
    "dev_mal7": ("dev/malice_mal7.jsonl",),
    "dev_t10news": ("dev/malice_t10news/malicious.jsonl", "dev/malice_t10news/honest.jsonl"),
    "dev_t10pers": ("dev/malice_t10pers/malicious.jsonl", "dev/malice_t10pers/honest.jsonl"),
    "dev_t10thr": ("dev/malice_t10thr/malicious.jsonl", "dev/malice_t10thr/honest.jsonl"),
    "dev_t10buried": (
        "dev/malice_t10buried/malicious.jsonl",
        "dev/malice_t10buried/honest.jsonl",
    ),
    "dev_t10short": ("dev/malice_t10short/malicious.jsonl", "dev/malice_t10short/honest.jsonl"),
    "dev_w12e": ("dev/malice_w12e/malicious.jsonl", "dev/malice_w12e/honest.jsonl"),
    "dev_w13a": ("dev/malice_w13a/malicious.jsonl", "dev/malice_w13a/honest.jsonl"),
    "dev_w13b": ("dev/malice_w13b/malicious.jsonl", "dev/malice_w13b/honest.jsonl"),
    "dev_w13c": ("dev/malice_w13c/malicious.jsonl", "dev/malice_w13c/honest.jsonl"),
    "dev_w14a": ("dev/malice_w14a/malicious.jsonl", "dev/malice_w14a/honest.jsonl"),
    "dev_w14b": ("dev/malice_w14b/malicious.jsonl", "dev/malice_w14b/honest.jsonl"),
    "dev_w14c": ("dev/malice_w14c/malicious.jsonl", "dev/malice_w14c/honest.jsonl"),
    "dev_w14d": ("dev/malice_w14d/malicious.jsonl", "dev/malice_w14d/honest.jsonl"),
    "dev_w14h": ("dev/malice_w14h/honest.jsonl",),  # honest look-alikes only (session 30)
}
# honest multi-complaint reviews (no malice in them by construction)
REPLY_SETS: dict[str, tuple[str, ...]] = {
    "replies_blind3": ("blind3/reply_reviews/set.jsonl",),
    "replies_blind6": ("blind6/reply_reviews/set.jsonl",),
    "replies_dev": (
        "dev/reply_reviews.jsonl",
        "dev/reply_reviews2.jsonl",
        "dev/reply_reviews3.jsonl",
        "dev/reply_reviews4.jsonl",
    ),
}
WAIMAI_GROUP = "waimai"
WAIMAI_WEIGHT = 0.3
FORBIDDEN = ("blind11", "blind12")  # the unopened blind sets: never read


@dataclass(frozen=True, slots=True)
class Row:
    group: str
    text: str
    rating: float | None
    labels: frozenset[str]  # subset of HOSTILE; empty: honest
    weight: float = 1.0

    @property
    def honest(self) -> bool:
        return not self.labels


def _jsonl(path: Path) -> Iterator[dict]:
    if any(part in FORBIDDEN for part in path.parts):
        raise ValueError(f"{path}: an unopened blind set")
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            yield json.loads(line)


def _rating(row: dict) -> float | None:
    value = row.get("rating")
    return None if value is None else float(value)


def malice_rows(data: Path = DATA) -> list[Row]:
    """Every extortion, threat and honest row of the opened malice sets."""
    out = []
    for group, files in MALICE_SETS.items():
        for name in files:
            for row in _jsonl(data / name):
                reasons, honest = row_labels(row)
                hostile = frozenset(r for r in reasons if r in HOSTILE)
                if hostile or honest:
                    out.append(Row(group, row["text"], _rating(row), hostile))
    return out


def reply_rows(data: Path = DATA) -> list[Row]:
    return [
        Row(group, row["text"], _rating(row), frozenset())
        for group, files in REPLY_SETS.items()
        for name in files
        for row in _jsonl(data / name)
    ]


def waimai_rows(path: Path | None = None) -> list[Row]:
    """The honest complaints (label 0) of waimai_train.csv, at no stars."""
    path = path or ROOT.parent / "shared" / "data" / "waimai_train.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            Row(WAIMAI_GROUP, row["review"], None, frozenset(), WAIMAI_WEIGHT)
            for row in csv.DictReader(handle)
            if row["label"] == "0" and row["review"].strip()
        ]


def extra_rows(paths: Sequence[Path]) -> list[Row]:
    """Labelled rows from files in the check sets' format, beyond the opened sets: staff's
    verdicts (`reviewbot verdicts export`: a cleared flag is an honest row). Each file is
    one group, as a writer is (its rows are held out together)."""
    out = []
    for path in paths:
        for row in _jsonl(path):
            reasons, honest = row_labels(row)
            hostile = frozenset(r for r in reasons if r in HOSTILE)
            if (hostile or honest) and str(row.get("text") or "").strip():
                out.append(Row(f"extra:{path.name}", row["text"], _rating(row), hostile))
    return out


def all_rows(
    data: Path = DATA, waimai: Path | None = None, extra: Sequence[Path] = ()
) -> list[Row]:
    """Every row the reader learns from: the opened sets, and the `extra` files if given."""
    return [*malice_rows(data), *reply_rows(data), *waimai_rows(waimai), *extra_rows(extra)]


def groups_of(rows: Sequence[Row]) -> list[str]:
    return sorted({r.group for r in rows})
