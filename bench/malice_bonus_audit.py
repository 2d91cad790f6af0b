"""What each suppressor of the malice rules costs and protects, on the OPENED sets.

    .venv/bin/python bench/malice_bonus_audit.py [--set PATH …] [--show PIECE] [--reason R]

A suppressor is a negative bonus piece ([bonus], [review_bonus], [near_bonus] of malice.toml:
past tense, shop_asks, told, refusal…) or a gate of MaliceRules.evidence (more than 3 stars;
a praise reading, which excuses extortion; a review that does not hurt). For every extortion
or threat row the rules miss (learned reader off, at the row's own stars), this finds what
kept it down: a combo of its reason that would reach the threshold without one negative
piece (that piece "costs" the row), only without several ("jointly"), or that reached it and
was stopped by a gate. For every honest row, the same question tells what it "protects":
the row would be flagged without that piece or gate. Prints per suppressor: malicious rows
cost, honest rows protected, and the same jointly; --show PIECE prints the rows (opened
sets only: never point it at a held-out or blind set).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from malice_audit import SETS  # noqa: E402
from malice_misses import labels  # noqa: E402

from reviewbot.analysis.base import ReviewText  # noqa: E402
from reviewbot.analysis.evaluation import analyze_all, read_jsonl  # noqa: E402
from reviewbot.analysis.malice import HOSTILE, HOSTILE_EVEN_IN_PRAISE, LOW_STARS  # noqa: E402
from reviewbot.analysis.v1 import AnalyzerV1  # noqa: E402

DATA = ROOT / "tests" / "data"
EXTRA = [
    DATA / "dev" / "malice_mal7.jsonl",
    DATA / "dev" / "malice_fa8_heldout.jsonl",
    DATA / "dev" / "malice_mall_heldout.jsonl",
    DATA / "dev" / "malice_threats_malr.jsonl",
]


def blockers(rules, text: str, reason: str, gate: dict) -> tuple[str, ...]:
    """What keeps `reason` from `text` (empty: no combo of it comes near, or it is flagged):
    one negative piece, several joined with '+', or a gate."""
    folded = rules.fold(text)
    threshold = rules.thresholds[reason]
    best: tuple[str, ...] = ()
    for hit in rules.text_hits(folded.text):
        if reason not in (hit.reason, *hit.also):
            continue
        if hit.score >= threshold:
            low = gate["rating"] is None or gate["rating"] <= LOW_STARS
            praise_ok = not gate["praise"] or reason in HOSTILE_EVEN_IN_PRAISE
            hostile = reason in HOSTILE and praise_ok
            if low and (gate["hurts"] or hostile):
                return ()  # flagged
            return ("gate:stars",) if not low else ("gate:praise",)
        negatives = [(name, value) for name, value in hit.bonus if value < 0]
        positive_score = hit.score - sum(v for _, v in negatives)
        if positive_score < threshold:
            continue
        singles = [n for n, v in negatives if hit.score - v >= threshold]
        if singles:
            best = tuple(sorted(set(singles)))
            break
        if not best:
            best = ("+".join(sorted({n for n, _ in negatives})),)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", default=[], metavar="PATH")
    parser.add_argument("--show", action="append", default=[], help="print rows of this piece")
    parser.add_argument("--reason", action="append", default=[], help="only these reasons")
    args = parser.parse_args()
    analyzer = AnalyzerV1(learned=False)
    rules = analyzer.malice
    gates: dict[str, dict] = {}
    original = rules.evidence

    def spy(text, context, *, hurts, rating, praise=False, learned=None):
        gates[text] = {"hurts": hurts, "rating": rating, "praise": praise}
        return original(text, context, hurts=hurts, rating=rating, praise=praise, learned=learned)

    rules.evidence = spy  # type: ignore[method-assign]
    cost: dict[str, list[str]] = defaultdict(list)
    protects: dict[str, list[str]] = defaultdict(list)
    wanted = set(args.reason) or set(HOSTILE)
    for path in [Path(p) for p in args.set] or [*SETS, *EXTRA]:
        rows = read_jsonl(path)
        reviews = [ReviewText(str(i), r["text"], r.get("rating")) for i, r in enumerate(rows)]
        results = analyze_all(analyzer, reviews)
        name = path.relative_to(DATA) if path.is_relative_to(DATA) else path
        for row, result in zip(rows, results, strict=True):
            reasons, honest = labels(row)
            gate = gates.get(row["text"].strip())
            if gate is None:
                continue
            tag = f"{name} {row.get('id')} ★{row.get('rating')}: {row['text'][:160]}"
            for reason in reasons:
                if reason in wanted and reason not in result.malicious_reasons:
                    for piece in blockers(rules, row["text"].strip(), reason, gate):
                        cost[piece].append(f"{reason} {tag}")
            if honest and not result.malicious:
                for reason in sorted(wanted):
                    for piece in blockers(rules, row["text"].strip(), reason, gate):
                        protects[piece].append(f"{reason} {tag}")
    print(f"{'suppressor':40} malicious-cost honest-protected")
    for piece in sorted(set(cost) | set(protects), key=lambda p: -len(cost[p])):
        print(f"{piece:40} {len(cost[piece]):5} {len(protects[piece]):5}")
    for piece in args.show:
        print(f"== {piece}: malicious rows it costs")
        print("\n".join(cost[piece]))
        print(f"== {piece}: honest rows it protects")
        print("\n".join(protects[piece]))


if __name__ == "__main__":
    main()
