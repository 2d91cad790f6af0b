"""Aggregate malice figures of sets read only in aggregate (held out), with the learned reader
on and off.

    .venv/bin/python bench/malice_heldout.py [DIR …]

Each DIR holds malicious.jsonl and honest.jsonl (default: the five tests/data/dev/malice_t10*
sets of session 25, which the learned reader was trained on: the "off" column is the rules'
own figure there). Prints one line per set and setting: extortion and threat recall and the
honest rows flagged. No row of any set is printed.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewbot.analysis.base import ReviewText  # noqa: E402
from reviewbot.analysis.evaluation import analyze_all, read_jsonl, row_labels  # noqa: E402
from reviewbot.analysis.v1 import AnalyzerV1  # noqa: E402

DEV = ROOT / "tests" / "data" / "dev"
DEFAULT = [DEV / f"malice_t10{n}" for n in ("news", "pers", "thr", "short", "buried")]
SHOWN = ("extortion", "threat")


def figures(analyzer: AnalyzerV1, folder: Path) -> str:
    rows = read_jsonl(folder / "malicious.jsonl") + read_jsonl(folder / "honest.jsonl")
    reviews = [ReviewText(str(i), r["text"], r.get("rating")) for i, r in enumerate(rows)]
    caught: Counter[str] = Counter()
    total: Counter[str] = Counter()
    flagged = honest = 0
    for row, result in zip(rows, analyze_all(analyzer, reviews), strict=True):
        reasons, is_honest = row_labels(row)
        for reason in reasons:
            total[reason] += 1
            caught[reason] += reason in result.malicious_reasons
        if is_honest:
            honest += 1
            flagged += bool(result.malicious)
    parts = [f"{r} {caught[r]}/{total[r]}" for r in SHOWN if total[r]]
    return ", ".join([*parts, f"honest flagged {flagged}/{honest}"])


def main() -> None:
    folders = [Path(p) for p in sys.argv[1:]] or DEFAULT
    for name, learned in (("learned on ", True), ("learned off", False)):
        analyzer = AnalyzerV1(learned=learned)
        for folder in folders:
            print(f"{folder.name} [{name}]: {figures(analyzer, folder)}")


if __name__ == "__main__":
    main()
