"""Where the reply drafts lose a gold complaint: a miss breakdown for labelled sets.

    .venv/bin/python bench/reply_misses.py --set SET.jsonl [--set ...] [--list]

For every gold complaint (with a `span`) the draft of bench/replies.py does not address
(bench/replies.addressed: its keywords or its aspect's label), one cause, the first that
holds:

* not found: no point the engine answers (the analyzer's complaints, then the clauses
  leftovers.py added) covers the gold span's words; split by whether
  the analyzer alone had a complaint there (`analyzer only`: found, not answered).
* wrong aspect: points cover it, none of the gold complaint's category.
* dropped for length: a point of its category covers it, and the same draft made without a
  length limit addresses it (compression lost the words).
* named without its words: a point of its category covers it, and even without a length
  limit the draft names it only by its kind (口味 for 太咸, not the customer's word).

Aggregates per set by default (a blind set's rows stay unprinted); --list prints each miss
of an opened set (its review, span, gold keywords, the points read there, the draft).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from replies import addressed, platform_limits  # noqa: E402

from reviewbot.analysis.base import Complaint, ReviewText  # noqa: E402
from reviewbot.analysis.complaints import load_taxonomy  # noqa: E402
from reviewbot.analysis.normalize import to_simplified  # noqa: E402
from reviewbot.analysis.v1 import AnalyzerV1  # noqa: E402
from reviewbot.config import load_settings  # noqa: E402
from reviewbot.replies.engine import HISTORY, TemplateDrafter  # noqa: E402
from reviewbot.replies.facts import StoreProfile  # noqa: E402
from reviewbot.replies.guardrails import ReplyLimits  # noqa: E402
from reviewbot.replies.reading import read_review  # noqa: E402

CAUSES = (
    "not found",
    "not found (analyzer only: found, not answered)",
    "wrong aspect",
    "dropped for length",
    "named without its words",
)
# why a point of its category did not name it in the customer's word
NAMED = (
    "  its words unquotable (digits, fees): named by kind",
    "  its words quoted, the gold word not among them",
    "  named by kind, quotable words not quoted",
)


def _grams(text: str) -> set[str]:
    plain = to_simplified(text).lower()
    return {plain[i : i + 2] for i in range(len(plain) - 1) if plain[i : i + 2].strip()}


def covers(review: str, gold_span: str, words: str) -> bool:
    """Whether a point read from `words` covers the gold span: their places in the review
    overlap, or (words not found verbatim: separators replaced) half the span's bigrams
    are in them."""
    if not words:
        return False
    at, there = review.find(gold_span), review.find(words)
    if at >= 0 and there >= 0:
        return at < there + len(words) and there < at + len(gold_span)
    span = _grams(gold_span)
    return bool(span) and len(span & _grams(words)) / len(span) >= 0.5


def cause(
    review: str,
    gold: dict,
    answered: list[Complaint],
    found: list[Complaint],
    unlimited: str,
    labels: dict[str, str],
) -> str:
    span = gold.get("span", "")
    mine = [c for c in answered if covers(review, span, c.span or (c.target or ""))]
    if not mine:
        if any(covers(review, span, c.span) for c in found):
            return CAUSES[1]
        return CAUSES[0]
    if not any(c.category == gold["category"] for c in mine):
        return CAUSES[2]
    if addressed(unlimited, gold, labels):
        return CAUSES[3]
    own = [c for c in mine if c.category == gold["category"]]
    if any(c.span and _quoted(c.span, unlimited) for c in own):
        return NAMED[1]
    if all(not c.span for c in own):
        return NAMED[0]
    return NAMED[2]


def _quoted(span: str, draft: str) -> bool:
    from reviewbot.replies.engine import quote_span

    quote = quote_span(span)
    return bool(quote) and to_simplified(quote) in to_simplified(draft)


def breakdown(path: Path, store: StoreProfile, listing: bool) -> Counter[str]:
    labels = {aspect: a.label for aspect, a in load_taxonomy().aspects.items()}
    items = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    analyzer, drafter = AnalyzerV1(), TemplateDrafter()
    logging.getLogger("reviewbot.replies.engine").setLevel(logging.ERROR)
    recent: list[str] = []
    counts: Counter[str] = Counter()
    for index, item in enumerate(items):
        review = ReviewText(
            str(item.get("id", index)), item["text"], item.get("rating"), item.get("platform")
        )
        analysis = analyzer.analyze(review)
        limits = platform_limits(item.get("platform"))
        draft = drafter.draft(review, analysis, store, recent=recent, limits=limits)
        unlimited = drafter.draft(
            review, analysis, store, recent=recent, limits=ReplyLimits(max_chars=100_000)
        ).text
        recent.insert(0, draft.text)
        del recent[HISTORY:]
        english = analysis.language == "en" and analysis.script is None
        reading = read_review(review, analysis, drafter.library, store.menu)
        answered = drafter._points(reading, analysis, english, review.text, review.rating)
        for gold in item.get("complaints", []):
            counts["gold"] += 1
            if addressed(draft.text, gold, labels):
                continue
            if not gold.get("span"):
                counts["no span"] += 1
                continue
            why = cause(review.text, gold, answered, list(analysis.complaints), unlimited, labels)
            counts[why] += 1
            if listing:
                print(f"[{why}] {review.id} {gold['aspect']} 「{gold['span']}」 {gold['keywords']}")
                print(f"  text: {review.text}")
                print("  points: " + "; ".join(f"{c.aspect}「{c.span}」" for c in answered))
                print(f"  draft: {draft.text}")
    return counts


def show(name: str, counts: Counter[str]) -> None:
    for c in NAMED:
        counts[CAUSES[4]] += counts[c]
    misses = sum(counts[c] for c in CAUSES)
    print(f"{name}: {counts['gold']} gold complaints, {misses} unaddressed")
    for c in (*CAUSES, *NAMED):
        print(f"  {c}: {counts[c]} ({counts[c] / max(misses, 1):.0%})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", action="append", required=True)
    parser.add_argument("--list", action="store_true", help="print each miss (opened sets)")
    parser.add_argument("--config", default=str(ROOT / "config.example.toml"))
    args = parser.parse_args()
    settings = load_settings(args.config)
    first = settings.stores[0]
    store = StoreProfile.from_settings(first.name, first.facts)
    total: Counter[str] = Counter()
    for name in args.set:
        counts = breakdown(Path(name), store, args.list)
        total.update(counts)
        show(name, counts)
    if len(args.set) > 1:
        show("pooled", total)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
