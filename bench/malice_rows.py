"""List the rows of OPENED malice sets that the analyzer gets wrong, item by item.

    .venv/bin/python bench/malice_rows.py [--reason threat] [--honest] [--sets NAME …]

For tuning on sets that may be read (tests/data/dev/*, and blind sets whose README says
"Opened"): prints each missed row of the chosen reason (what it was flagged instead) and,
with --honest, each honest row flagged malicious (with the evidence). It refuses a set
whose README does not say it was opened, so a blind set is never printed by mistake.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewbot.analysis.base import ReviewText  # noqa: E402
from reviewbot.analysis.evaluation import analyze_all, row_labels  # noqa: E402
from reviewbot.analysis.v1 import AnalyzerV1  # noqa: E402

DATA = ROOT / "tests" / "data"
# name: path under tests/data (a blind* path is read only when its README says "Opened")
SETS: dict[str, str] = {
    "blind7": "blind7/malice/malicious.jsonl",
    "blind7h": "blind7/malice/honest.jsonl",
    "blind8": "blind8/malice/malicious.jsonl",
    "blind8h": "blind8/malice/honest.jsonl",
    "blind6": "blind6/malice/malicious.jsonl",
    "blind6h": "blind6/malice/honest.jsonl",
    "blind5": "blind5/malicious.jsonl",
    "blind5h": "blind5/honest.jsonl",
    "blind4": "blind4/malicious.jsonl",
    "blind4h": "blind4/honest.jsonl",
    "blind2r": "blind2/malice_real/set.jsonl",
    "blind2w": "blind2/malice_written/set.jsonl",
    "blind2h": "blind2/honest_lookalikes/set.jsonl",
    "dev": "dev/malice.jsonl",
    "devreal": "dev/malice_real/malicious.jsonl",
    "devrealh": "dev/malice_real/honest.jsonl",
    "devw2": "dev/malice_written2/malicious.jsonl",
    "devw2h": "dev/malice_written2/honest.jsonl",
    "devhonest": "dev/malice_honest/set.jsonl",
    "threats3": "dev/malice_threats3.jsonl",
    "malt": "dev/malice_threats_malt.jsonl",
    "malr": "dev/malice_threats_malr.jsonl",
}


def opened(path: Path) -> bool:
    """A set under tests/data/blind* may be read only when its README says it was opened."""
    rel = path.relative_to(DATA)
    if not rel.parts[0].startswith("blind"):
        return True
    for folder in (path.parent, *path.parent.parents):
        readme = folder / "README.md"
        if readme.exists() and "Opened" in readme.read_text(encoding="utf-8")[:2000]:
            return True
        if folder == DATA:
            break
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reason", default="threat", help="list the misses of this reason")
    parser.add_argument("--honest", action="store_true", help="list honest rows flagged")
    parser.add_argument("--sets", nargs="*", default=list(SETS), help=", ".join(SETS))
    parser.add_argument("--hits", action="store_true", help="list the caught rows instead")
    args = parser.parse_args()
    analyzer = AnalyzerV1()
    for name in args.sets:
        path = DATA / SETS[name]
        if not opened(path):
            sys.exit(f"{path}: not opened (blind): aggregate figures only (bench/classify.py)")
        rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        reviews = [
            ReviewText(str(r.get("id", i)), r["text"], r.get("rating")) for i, r in enumerate(rows)
        ]
        results = analyze_all(analyzer, reviews)
        caught = total = wrong = honest_n = 0
        lines = []
        for row, review, result in zip(rows, reviews, results, strict=True):
            reasons, honest = row_labels(row)
            got = ",".join(result.malicious_reasons) or "-"
            if args.reason in reasons:
                total += 1
                hit = args.reason in result.malicious_reasons
                caught += hit
                if hit == args.hits:
                    mark = "HIT" if hit else "MISS"
                    stars = row.get("rating")
                    lines.append(f"  {mark} {review.id} [{stars}★ got {got}] {row['text']}")
            if honest:
                honest_n += 1
                if result.malicious:
                    wrong += 1
                    if args.honest:
                        ev = "; ".join(
                            f"{e.reason}:{e.span}|{'/'.join(e.facts)}"
                            for e in result.malicious_evidence
                        )
                        lines.append(f"  FLAG {review.id} [{row.get('rating')}★] {row['text']}")
                        lines.append(f"      {ev}")
        figures = f"{args.reason} {caught}/{total}; honest flagged {wrong}/{honest_n}"
        print(f"== {name} {SETS[name]}: {figures}")
        print("\n".join(lines))


if __name__ == "__main__":
    main()
