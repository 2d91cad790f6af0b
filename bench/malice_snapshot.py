"""Every malice flag on every opened set and the delivery corpus, at several stars, as lines
to diff before and after a change to the malice rules or model.

    .venv/bin/python bench/malice_snapshot.py > before.txt   (change…)
    .venv/bin/python bench/malice_snapshot.py > after.txt && diff before.txt after.txt

One line per (file, row, stars) the analyzer flags with extortion or threat, or any flag on
a row labelled honest: `file<TAB>row<TAB>stars<TAB>label<TAB>reasons`. Stars: the row's own,
none, 1 and 3 (the flag's ceiling). The delivery corpus (waimai_train.csv, every row) is
read at none, 1 and 3. Only opened sets: the unopened blind set and the trainwork folders
are never read. Rows are named by id or index, never printed.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewbot.analysis.base import ReviewText  # noqa: E402
from reviewbot.analysis.evaluation import analyze_all, read_jsonl, row_labels  # noqa: E402
from reviewbot.analysis.malice_data import FORBIDDEN  # noqa: E402
from reviewbot.analysis.v1 import AnalyzerV1  # noqa: E402

DATA = ROOT / "tests" / "data"
WAIMAI = ROOT.parent / "shared" / "data" / "waimai_train.csv"
HOSTILE = ("extortion", "threat")
_UNSET = object()


def review_files() -> list[Path]:
    """The opened sets' review files (guard sets hold replies, not reviews)."""
    out = []
    for path in sorted(DATA.rglob("*.jsonl")):
        parts = path.relative_to(DATA).parts
        if any(p in FORBIDDEN for p in parts) or any(p.startswith("guard") for p in parts):
            continue
        if "src" in parts or path.name == "meta.jsonl":
            continue
        out.append(path)
    return out


def flags(analyzer: AnalyzerV1, name: str, rows: list[tuple[str, str, object, str]]) -> list[str]:
    """rows: (row name, text, its own stars or _UNSET, label)."""
    lines = []
    for stars_name in ("own", "none", "1", "3"):
        batch, keep = [], []
        for key, text, own, label in rows:
            if stars_name == "own":
                if own is _UNSET:
                    continue
                stars = own
            else:
                stars = {"none": None, "1": 1, "3": 3}[stars_name]
            batch.append(ReviewText(key, text, stars))
            keep.append((key, label))
        for (key, label), result in zip(keep, analyze_all(analyzer, batch), strict=True):
            found = result.malicious_reasons
            shown = [r for r in found if r in HOSTILE] if label != "honest" else list(found)
            if shown:
                lines.append(f"{name}\t{key}\t{stars_name}\t{label}\t{','.join(shown)}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-waimai", action="store_true")
    args = parser.parse_args()
    analyzer = AnalyzerV1()
    for path in review_files():
        rows = []
        for index, row in enumerate(read_jsonl(path)):
            text = str(row.get("text") or "")
            if not text.strip():
                continue
            reasons, honest = row_labels(row)
            label = "honest" if honest or not reasons else ",".join(map(str, reasons))
            rows.append((str(row.get("id", index)), text, row.get("rating"), label))
        for line in flags(analyzer, str(path.relative_to(DATA)), rows):
            print(line)
    if not args.no_waimai:
        with WAIMAI.open(encoding="utf-8-sig", newline="") as handle:
            rows = [
                (str(i), row["review"], _UNSET, "honest")
                for i, row in enumerate(csv.DictReader(handle))
                if row["review"].strip()
            ]
        for line in flags(analyzer, "waimai", rows):
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
