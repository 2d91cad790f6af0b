"""Check that a change leaves `reviewbot classify`'s output identical, line by line.

    .venv/bin/python bench/identity.py --write OUT [--root DIR]
    .venv/bin/python bench/identity.py --against OUT [--root DIR]

Runs `reviewbot classify` (the code of DIR, default this checkout) over every review of
waimai_train.csv, tests/data/*.jsonl, tests/data/dev/**/*.jsonl and the blind sets whose
README says they were opened (text, review and reply fields alike), each as given and at no
stars, 1, 3 and 5 stars. `--write` saves the output; `--against` compares with a saved one
and prints the first lines that differ. To compare with an older commit, export it
(`git archive COMMIT | tar -x -C /tmp/base`) and `--write` with `--root /tmp/base`.
Speed changes must leave every line identical; a difference must be a bug fix, explained.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
FIELDS = ("text", "review", "reply")
STARS = ("given", None, 1, 3, 5)
UNOPENED = {"blind11", "blind12"}  # off limits: the unopened check sets


def _training_file() -> Path:
    for folder in (ROOT, *ROOT.parents):
        candidate = folder / "shared" / "data" / "waimai_train.csv"
        if candidate.exists():
            return candidate
    raise SystemExit("waimai_train.csv not found")


def _opened(path: Path) -> bool:
    """Whether a file of tests/data/blind* is in a set whose README says it was opened."""
    for folder in path.parents:
        readme = folder / "README.md"
        if readme.exists() and "**Opened" in readme.read_text(encoding="utf-8"):
            return True
        if folder == DATA:
            return False
    return False


def set_files() -> list[Path]:
    files = sorted(DATA.glob("*.jsonl")) + sorted((DATA / "dev").rglob("*.jsonl"))
    for blind in sorted(DATA.glob("blind*")):
        if blind.name in UNOPENED:
            continue  # never read, not even its README
        files += [p for p in sorted(blind.rglob("*.jsonl")) if _opened(p)]
    return files


def reviews() -> Iterator[tuple[str, object]]:
    """(text, rating as given) of every review the check reads."""
    with _training_file().open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield row["review"], None
    for path in set_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            for field in FIELDS:
                if isinstance(row.get(field), str):
                    yield row[field], row.get("rating")


def input_lines() -> bytes:
    lines = []
    for n, (text, rating) in enumerate(reviews()):
        for stars in STARS:
            given = rating if isinstance(rating, int | float) and 1 <= rating <= 5 else None
            value = given if stars == "given" else stars
            item = {"id": f"{n}/{stars}", "text": text, "rating": value}
            lines.append(json.dumps(item, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode()


def classify(root: Path, stdin: bytes) -> list[bytes]:
    done = subprocess.run(
        [sys.executable, "-m", "reviewbot", "classify"],
        input=stdin,
        capture_output=True,
        check=True,
        cwd=root,
    )
    return done.stdout.splitlines()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--write", metavar="OUT", help="save the output here")
    what.add_argument("--against", metavar="OUT", help="compare with a saved output")
    parser.add_argument("--root", default=str(ROOT), help="the checkout whose code runs")
    args = parser.parse_args()
    stdin = input_lines()
    out = classify(Path(args.root), stdin)
    assert len(out) == stdin.count(b"\n"), "one line out per line in"
    if args.write:
        Path(args.write).write_bytes(b"\n".join(out) + b"\n")
        print(f"{len(out)} lines written to {args.write}")
        return
    saved = Path(args.against).read_bytes().splitlines()
    differ = [i for i, (a, b) in enumerate(zip(saved, out, strict=False)) if a != b]
    if len(saved) != len(out):
        print(f"line counts differ: {len(saved)} saved, {len(out)} now")
    for i in differ[:10]:
        print(f"line {i + 1}:\n  saved {saved[i].decode()}\n  now   {out[i].decode()}")
    print(f"{len(out) - len(differ)} of {len(out)} lines identical")
    sys.exit(1 if differ or len(saved) != len(out) else 0)


if __name__ == "__main__":
    main()
