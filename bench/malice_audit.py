"""Precision audit of the malice rules: every opened malice set at the stars it was written
with and again at no stars, 1★ and 3★, and waimai_train.csv at the same three.

    .venv/bin/python bench/malice_audit.py [--show] [--data waimai_train.csv]

A set's stars are part of what it tests, but a customer who writes the same words can give
any; an honest review must not be accused at any of them. Prints one line per set: honest
rows flagged at each setting (and, with --show, which), then the malicious recall at the
set's own stars; then waimai_train's flags per reason (extortion and threat must stay at 0).
Only for opened sets (tests/data/dev and blind sets whose README says "Opened").
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from malice_misses import OPENED, labels  # noqa: E402

from reviewbot.analysis.base import ReviewText  # noqa: E402
from reviewbot.analysis.evaluation import analyze_all, read_jsonl  # noqa: E402
from reviewbot.analysis.v1 import AnalyzerV1  # noqa: E402

DATA = ROOT / "tests" / "data"
SETS = [
    DATA / "blind6" / "malice" / "malicious.jsonl",
    DATA / "blind6" / "malice" / "honest.jsonl",
    *OPENED,
    DATA / "dev" / "malice_threats_malt.jsonl",
    DATA / "dev" / "malice_honest_malp.jsonl",
    DATA / "dev" / "malice_malrec.jsonl",
    DATA / "dev" / "malice_malx.jsonl",
    DATA / "malice.jsonl",
]
KEEP = object()  # the set's own stars
SETTINGS: list[tuple[str, object]] = [("own", KEEP), ("none", None), ("1", 1), ("3", 3)]


def waimai(path: str | None) -> Path:
    if path:
        return Path(path)
    for folder in ROOT.parents:
        candidate = folder / "shared" / "data" / "waimai_train.csv"
        if candidate.exists():
            return candidate
    raise SystemExit("waimai_train.csv not found: pass --data")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print the honest rows flagged")
    parser.add_argument("--data", help="waimai_train.csv (default: ../shared/data/)")
    args = parser.parse_args()
    analyzer = AnalyzerV1()
    for path in SETS:
        rows = read_jsonl(path)
        honest = [r for r in rows if labels(r)[1]]
        parts = []
        shown: list[str] = []
        for name, stars in SETTINGS:
            reviews = [
                ReviewText(str(i), r["text"], r.get("rating") if stars is KEEP else stars)
                for i, r in enumerate(honest)
            ]
            results = analyze_all(analyzer, reviews)
            bad = [(r, a) for r, a in zip(honest, results, strict=True) if a.malicious]
            parts.append(f"{name} {len(bad)}")
            shown += [
                f"    [{name}] {r.get('id')} {','.join(a.malicious_reasons)}: {r['text']}"
                for r, a in bad
            ]
        line = f"honest {len(honest)} flagged " + "/".join(parts) if honest else ""
        caught: Counter[str] = Counter()
        total: Counter[str] = Counter()
        bad_rows = [r for r in rows if labels(r)[0]]
        own = [ReviewText(str(i), r["text"], r.get("rating")) for i, r in enumerate(bad_rows)]
        results = analyze_all(analyzer, own)
        for row, result in zip(bad_rows, results, strict=True):
            for reason in labels(row)[0]:
                total[reason] += 1
                caught[reason] += reason in result.malicious_reasons
        recall = ", ".join(f"{r} {caught[r]}/{total[r]}" for r in sorted(total))
        print(f"{path.relative_to(DATA)}: {'; '.join(p for p in (line, recall) if p)}")
        if args.show and shown:
            print("\n".join(shown))
    with waimai(args.data).open(encoding="utf-8") as handle:
        texts = [row["review"] for row in csv.DictReader(handle)]
    for name, stars in SETTINGS[1:]:
        results = analyze_all(analyzer, [ReviewText(str(i), t, stars) for i, t in enumerate(texts)])
        flags = Counter(reason for a in results for reason in a.malicious_reasons)
        counts = dict(sorted(flags.items()))
        print(f"waimai_train.csv at {name}: {len(texts)} reviews, flags {counts}")
        if args.show:
            for text, a in zip(texts, results, strict=True):
                if {"extortion", "threat"} & set(a.malicious_reasons):
                    print(f"    {','.join(a.malicious_reasons)}: {text}")


if __name__ == "__main__":
    main()
