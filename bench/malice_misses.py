"""List what the malice rules get wrong on the OPENED malice sets, item by item.

    .venv/bin/python bench/malice_misses.py [--reason extortion] [--set PATH …] [--evidence]

Only for sets that may be read item by item (tests/data/dev, and blind sets whose README
says "Opened"): never point it at a blind set. Prints, per set, the malicious rows missed
(grouped by their source or case) and the honest rows flagged, each with what was flagged,
then one summary line per set. Rows of a labelled campaign with no demand in the text
(blind5 "bare" rows, see its README) are counted apart: recall is shown with and without
them.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewbot.analysis.base import ReviewText  # noqa: E402
from reviewbot.analysis.evaluation import analyze_all, read_jsonl, row_labels  # noqa: E402
from reviewbot.analysis.v1 import AnalyzerV1  # noqa: E402

DATA = ROOT / "tests" / "data"
# The opened sets (malicious rows, honest rows or both).
OPENED = [
    DATA / "blind7" / "malice" / "malicious.jsonl",
    DATA / "blind7" / "malice" / "honest.jsonl",
    DATA / "blind8" / "malice" / "malicious.jsonl",
    DATA / "blind8" / "malice" / "honest.jsonl",
    DATA / "blind5" / "malicious.jsonl",
    DATA / "blind5" / "honest.jsonl",
    DATA / "blind4" / "malicious.jsonl",
    DATA / "blind4" / "honest.jsonl",
    DATA / "blind2" / "malice_real" / "set.jsonl",
    DATA / "blind2" / "malice_written" / "set.jsonl",
    DATA / "blind2" / "honest_lookalikes" / "set.jsonl",
    DATA / "dev" / "malice.jsonl",
    DATA / "dev" / "malice_real" / "malicious.jsonl",
    DATA / "dev" / "malice_real" / "honest.jsonl",
    DATA / "dev" / "malice_written2" / "malicious.jsonl",
    DATA / "dev" / "malice_written2" / "honest.jsonl",
    DATA / "dev" / "malice_honest" / "set.jsonl",
    DATA / "dev" / "malice_threats3.jsonl",
]
MALICE = ("extortion", "threat", "competitor", "abuse", "spam_ad", "irrelevant", "no_order")


def labels(row: dict) -> tuple[list[str], bool]:
    """(malicious reasons of MALICE, honest?) of a row, as evaluation.malice_check reads it."""
    reasons, honest = row_labels(row)
    return [r for r in reasons if r in MALICE], honest


def bare(row: dict) -> bool:
    """A campaign row whose text carries no demand (labelled so in its set)."""
    note = f"{row.get('note', '')} {row.get('kind', '')}".lower()
    return bool(row.get("bare")) or "no extortion signal" in note or "bare" in note


def group_of(row: dict) -> str:
    return str(row.get("case") or row.get("source") or row.get("note") or row.get("form") or "")[
        :70
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", default=[], metavar="PATH")
    parser.add_argument("--reason", action="append", default=[], help="only misses of these")
    parser.add_argument("--evidence", action="store_true", help="print the flags' evidence")
    parser.add_argument("--summary", action="store_true", help="summary lines only")
    args = parser.parse_args()
    analyzer = AnalyzerV1()
    wanted = set(args.reason)
    totals: list[str] = []
    for path in [Path(p).resolve() for p in args.set] or OPENED:
        rows = read_jsonl(path)
        reviews = [
            ReviewText(str(r.get("id", i)), r["text"], r.get("rating")) for i, r in enumerate(rows)
        ]
        results = analyze_all(analyzer, reviews)
        missed: dict[str, list[str]] = defaultdict(list)
        caught: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # hit, n, bare hit, bare n
        wrong: list[str] = []
        honest_n = 0
        for row, result in zip(rows, results, strict=True):
            reasons, honest = labels(row)
            flags = ",".join(result.malicious_reasons) or "-"
            for reason in reasons:
                hit = reason in result.malicious_reasons
                c = caught[reason]
                c[0] += hit
                c[1] += 1
                if bare(row):
                    c[2] += hit
                    c[3] += 1
                if not hit and (not wanted or reason in wanted):
                    tag = " [bare]" if bare(row) else ""
                    head = f"  {row.get('id')} {reason}{tag} ★{row.get('rating')}"
                    missed[group_of(row)].append(f"{head} got={flags}: {row['text']}")
            if honest:
                honest_n += 1
                if result.malicious:
                    line = f"  {row.get('id')} ★{row.get('rating')} FLAGGED {flags}: {row['text']}"
                    if args.evidence:
                        line += "".join(f"\n      {e}" for e in result.malicious_evidence)
                    wrong.append(line)
        parts = []
        for reason, (h, n, bh, bn) in sorted(caught.items()):
            extra = f" (without bare {h - bh}/{n - bn})" if bn else ""
            parts.append(f"{reason} {h}/{n}{extra}")
        if honest_n:
            parts.append(f"honest flagged {len(wrong)}/{honest_n}")
        summary = f"{path.relative_to(ROOT)}: " + ", ".join(parts)
        totals.append(summary)
        if args.summary:
            continue
        print(f"== {summary}")
        for group, lines in sorted(missed.items()):
            print(f" -- {group}")
            print("\n".join(lines))
        if wrong:
            print(" -- honest flagged")
            print("\n".join(wrong))
    print("\n".join(totals))


if __name__ == "__main__":
    main()
