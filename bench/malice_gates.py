"""Where the malice misses of the OPENED sets stop: how many a reader never sees.

    .venv/bin/python bench/malice_gates.py [--set PATH …] [--show]

The learned reader (malice_model.py) is asked only about a review the cue prefilter lets
through (MaliceRules.cued), at 3 stars or fewer or none, with some evidence piece found
(MaliceRules.pieces_in). For every extortion or threat row missed (at its own stars), this
prints which gate stopped it first: no cue, no piece, or none (the model was asked and said
no), per set and pooled. Only for sets that may be read item by item (see malice_misses.py).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from malice_audit import SETS  # noqa: E402
from malice_misses import labels  # noqa: E402

from reviewbot.analysis.base import ReviewText  # noqa: E402
from reviewbot.analysis.evaluation import analyze_all, read_jsonl  # noqa: E402
from reviewbot.analysis.v1 import AnalyzerV1  # noqa: E402

HOSTILE = ("extortion", "threat")


def stop(analyzer: AnalyzerV1, text: str, rating: float | None) -> str:
    """The first gate that keeps the learned reader from `text`, or 'asked'."""
    rules = analyzer.malice
    if rating is not None and rating > 3:
        return "stars"
    if not rules.cued(text):
        return "no cue"
    if not rules.pieces_in(rules.fold(text).text):
        return "no piece"
    return "asked"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", default=[], metavar="PATH")
    parser.add_argument("--show", action="store_true", help="print each miss and its gate")
    args = parser.parse_args()
    analyzer = AnalyzerV1()
    pooled: Counter[str] = Counter()
    for path in [Path(p).resolve() for p in args.set] or SETS:
        rows = read_jsonl(path)
        reviews = [
            ReviewText(str(r.get("id", i)), r["text"], r.get("rating")) for i, r in enumerate(rows)
        ]
        counts: Counter[str] = Counter()
        for row, result in zip(rows, analyze_all(analyzer, reviews), strict=True):
            reasons, _honest = labels(row)
            missed = [r for r in reasons if r in HOSTILE and r not in result.malicious_reasons]
            if not missed:
                continue
            gate = stop(analyzer, row["text"], row.get("rating"))
            counts[gate] += 1
            if args.show:
                print(f"  {gate:8} {'/'.join(missed):9} {row['text'][:80]}")
        pooled.update(counts)
        total = sum(counts.values())
        if total:
            parts = ", ".join(f"{g} {n}" for g, n in counts.most_common())
            name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
            print(f"{name}: {total} missed: {parts}")
    total = sum(pooled.values())
    parts = ", ".join(f"{g} {n} ({n / total:.0%})" for g, n in pooled.most_common())
    print(f"pooled: {total} extortion/threat rows missed: {parts}")


if __name__ == "__main__":
    main()
