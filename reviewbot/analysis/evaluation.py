"""Figures for the classifier, shared by `reviewbot eval`, bench/classify.py and the tests.

"Negative" (label 0) is the class of interest throughout: its recall is how many reviews
that needed a reply were flagged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewbot.analysis.base import CATEGORIES, Analysis, AnalysisContext, Analyzer, ReviewText

COMPLAINT_CATEGORIES: tuple[str, ...] = ("food", "service", "environment", "price")


@dataclass(frozen=True)
class Binary:
    """Confusion counts with negative as the class of interest."""

    tn: int  # negative, flagged negative
    fp: int  # negative, called positive (a missed complaint)
    fn: int  # positive, flagged negative
    tp: int  # positive, called positive

    @classmethod
    def of(cls, labels: Iterable[int], flagged: Iterable[bool]) -> Binary:
        tn = fp = fn = tp = 0
        for label, negative in zip(labels, flagged, strict=True):
            if label == 0:
                tn += negative
                fp += not negative
            else:
                fn += negative
                tp += not negative
        return cls(tn, fp, fn, tp)

    @property
    def n(self) -> int:
        return self.tn + self.fp + self.fn + self.tp

    @property
    def accuracy(self) -> float:
        return (self.tn + self.tp) / max(self.n, 1)

    @property
    def neg_precision(self) -> float:
        return self.tn / max(self.tn + self.fn, 1)

    @property
    def neg_recall(self) -> float:
        return self.tn / max(self.tn + self.fp, 1)

    def table(self) -> str:
        width = max(len(str(self.n)), 8)
        return "\n".join(
            [
                f"{'':>16}{'flagged negative':>{width + 10}}{'not negative':>{width + 6}}",
                f"{'label 0 (neg)':>16}{self.tn:>{width + 10}}{self.fp:>{width + 6}}",
                f"{'label 1 (pos)':>16}{self.fn:>{width + 10}}{self.tp:>{width + 6}}",
            ]
        )


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def analyze_all(
    analyzer: Analyzer,
    reviews: Sequence[ReviewText],
    contexts: Sequence[AnalysisContext | None] | None = None,
    batch: int = 512,
) -> list[Analysis]:
    many = getattr(analyzer, "analyze_batch", None)
    contexts = contexts or [None] * len(reviews)
    if many is None:
        return [analyzer.analyze(r, c) for r, c in zip(reviews, contexts, strict=True)]
    out: list[Analysis] = []
    for start in range(0, len(reviews), batch):
        out += many(reviews[start : start + batch], contexts[start : start + batch])
    return out


def labelled_accuracy(
    analyzer: Analyzer, rows: Sequence[dict[str, Any]], *, with_rating: bool
) -> Binary:
    reviews = [
        ReviewText(str(r["id"]), r["text"], r.get("rating") if with_rating else None) for r in rows
    ]
    results = analyze_all(analyzer, reviews)
    return Binary.of([r["label"] for r in rows], [a.negative for a in results])


@dataclass(frozen=True)
class F1:
    precision: float
    recall: float
    f1: float
    support: int


def _f1(gold: list[bool], guess: list[bool]) -> F1:
    tp = sum(g and p for g, p in zip(gold, guess, strict=True))
    fp = sum(p and not g for g, p in zip(gold, guess, strict=True))
    fn = sum(g and not p for g, p in zip(gold, guess, strict=True))
    precision = tp / max(tp + fp, 1)
    recall = tp / max(tp + fn, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-12)
    return F1(precision, recall, f1, tp + fn)


def complaint_f1(
    analyzer: Analyzer, rows: Sequence[dict[str, Any]], *, with_rating: bool = True
) -> dict[str, F1]:
    """Per category: does the review complain about it (its polarity is negative)?"""
    reviews = [
        ReviewText(str(r["id"]), r["text"], r.get("rating") if with_rating else None) for r in rows
    ]
    results = analyze_all(analyzer, reviews)
    scores = {}
    for name in COMPLAINT_CATEGORIES:
        gold = [r["categories"].get(name) == "negative" for r in rows]
        guess = [
            any(c.name == name and c.polarity == "negative" for c in a.categories) for a in results
        ]
        scores[name] = _f1(gold, guess)
    return scores


def flood_contexts(rows: Sequence[dict[str, Any]]) -> list[AnalysisContext]:
    """What the pipeline would know processing the rows in id order: how many authors of
    the store's reviews so far wrote the same text (this one included; every row of these
    sets is a different customer)."""
    seen: dict[str, int] = {}
    contexts = {}
    for row in sorted(rows, key=lambda r: r["id"]):
        seen[row["text"]] = seen.get(row["text"], 0) + 1
        contexts[row["id"]] = AnalysisContext(identical_authors=seen[row["text"]])
    return [contexts[row["id"]] for row in rows]


@dataclass(frozen=True)
class Malice:
    overall: F1
    per_reason: dict[str, F1]
    false_accusations: list[str]  # ids of genuine reviews flagged malicious


def malice_scores(analyzer: Analyzer, rows: Sequence[dict[str, Any]]) -> Malice:
    reviews = [ReviewText(str(r["id"]), r["text"], r.get("rating")) for r in rows]
    results = analyze_all(analyzer, reviews, flood_contexts(rows))
    overall = _f1([r["malicious"] for r in rows], [a.malicious for a in results])
    reasons = sorted({reason for r in rows for reason in r["reasons"]})
    per_reason = {
        reason: _f1(
            [reason in r["reasons"] for r in rows],
            [reason in a.malicious_reasons for a in results],
        )
        for reason in reasons
    }
    pairs = zip(rows, results, strict=True)
    wrong = [r["id"] for r, a in pairs if a.malicious and not r["malicious"]]
    return Malice(overall, per_reason, wrong)


@dataclass(frozen=True)
class MaliceCheck:
    """Recall per reason and false accusations on a set of single reviews (no context)."""

    recall: dict[str, tuple[int, int]]  # reason: (caught, total)
    honest: int
    false_accusations: list[str]  # ids of honest reviews flagged malicious
    flagged: tuple[int, int] = (0, 0)  # malicious reviews flagged for any reason, of all

    def lines(self) -> list[str]:
        """Aggregate figures only: safe to print for a blind set."""
        out = [
            f"{reason:<11} recall {caught / max(total, 1):6.1%} ({caught}/{total})"
            for reason, (caught, total) in sorted(self.recall.items())
        ]
        caught, total = self.flagged
        if total:
            out.append(
                f"malicious reviews flagged for any reason: {caught / total:.1%} ({caught}/{total})"
            )
        wrong = len(self.false_accusations)
        out.append(f"honest reviews flagged malicious: {wrong} of {self.honest}")
        return out


def row_labels(row: dict[str, Any]) -> tuple[list[str], bool]:
    """(malicious reasons, honest) of a labelled malice row: the sets name their labels
    differently (`reason`, `reasons`, `label`, `malicious`; malice_written2 labels honest rows
    by reason)."""
    label, reason = row.get("label"), row.get("reason")
    if reason == "honest":
        reason, label = None, "honest"
    reasons = [reason] if reason else list(row.get("reasons") or ())
    if not reasons and label and label != "honest":
        reasons = [label]
    return reasons, not reasons and (row.get("malicious") is False or label == "honest")


def malice_check(analyzer: Analyzer, rows: Sequence[dict[str, Any]]) -> MaliceCheck:
    """Rows {text, rating, reason} (malicious, caught when that reason is flagged; or
    `reasons`, a list; or `label`, a reason) or {text, rating, malicious: false} (or
    `label: "honest"`: any flag is a false accusation). No context: flood, which needs
    one, is not measured here."""
    reviews = [
        ReviewText(str(r.get("id", i)), r["text"], r.get("rating")) for i, r in enumerate(rows)
    ]
    results = analyze_all(analyzer, reviews)
    recall: dict[str, tuple[int, int]] = {}
    wrong: list[str] = []
    honest = 0
    flagged = [0, 0]
    for row, review, result in zip(rows, reviews, results, strict=True):
        reasons, is_honest = row_labels(row)
        for reason in reasons:
            caught, total = recall.get(reason, (0, 0))
            recall[reason] = (caught + (reason in result.malicious_reasons), total + 1)
        if reasons:
            flagged[0] += result.malicious
            flagged[1] += 1
        if is_honest:
            honest += 1
            if result.malicious:
                wrong.append(review.id)
    return MaliceCheck(recall, honest, wrong, (flagged[0], flagged[1]))


@dataclass(frozen=True)
class ComplaintScores:
    """How well the complaints of a labelled set are found (rows with "complaints":
    [{"category", "aspect"}]). A review complains about a category when one of its
    complaints has it; aspects are compared per review as sets."""

    n: int
    per_category: dict[str, F1]  # every category with gold or found complaints
    macro_f1: float  # mean F1 over COMPLAINT_CATEGORIES (food, service, environment, price)
    aspect_precision: float  # found aspects that the label has
    aspect_recall: float  # labelled aspects that were found ("aspect accuracy")
    exact: float  # reviews whose set of complaint aspects is exactly the label's


def complaint_scores(
    analyzer: Analyzer, rows: Sequence[dict[str, Any]], *, with_rating: bool = True
) -> ComplaintScores:
    # each review where it was posted, as the daemon reads it (a delivery platform's waits)
    reviews = [
        ReviewText(
            str(r.get("id", i)),
            r["text"],
            r.get("rating") if with_rating else None,
            r.get("platform") if isinstance(r.get("platform"), str) else None,
        )
        for i, r in enumerate(rows)
    ]
    results = analyze_all(analyzer, reviews)
    gold = [{c["aspect"] for c in r.get("complaints", ())} for r in rows]
    gold_cats = [{c["category"] for c in r.get("complaints", ())} for r in rows]
    found = [{c.aspect for c in a.complaints} for a in results]
    found_cats = [{c.category for c in a.complaints} for a in results]
    pairs = list(zip(gold_cats, found_cats, strict=True))
    names = [c for c in CATEGORIES if any(c in g or c in f for g, f in pairs)]
    per_category = {
        name: _f1([name in g for g in gold_cats], [name in f for f in found_cats]) for name in names
    }
    macro = sum(
        per_category.get(name, F1(0.0, 0.0, 0.0, 0)).f1 for name in COMPLAINT_CATEGORIES
    ) / len(COMPLAINT_CATEGORIES)
    hits = sum(len(g & f) for g, f in zip(gold, found, strict=True))
    return ComplaintScores(
        n=len(rows),
        per_category=per_category,
        macro_f1=macro,
        aspect_precision=hits / max(sum(len(f) for f in found), 1),
        aspect_recall=hits / max(sum(len(g) for g in gold), 1),
        exact=sum(g == f for g, f in zip(gold, found, strict=True)) / max(len(rows), 1),
    )
