"""Train the learned aspect reader (aspect_model.py) on every opened labelled set.

    .venv/bin/python -m reviewbot.analysis.aspect_training [--out PATH] [--check]

Rows are the opened sets whose complaints carry their exact words (`span`): one group per
writer (SETS). Each review is read as the analyzer reads it (the rules with the learned
reader off), and each clause of a Chinese review becomes one training example, labelled
with every gold aspect whose span overlaps it. One logistic regression per aspect with
enough labelled clauses (the analyzer's L-BFGS, training.py).

Threshold: the smallest probability at which the complaints the model would add (aspects
the rules missed, in clauses where they found none, in reviews read as negative or mixed)
reach `target_precision` out of fold, with writer groups as the folds. The same data gives
the same bytes: no timestamps, no random choice, sorted keys.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from reviewbot.analysis.aspect_model import (
    MODEL_NAME,
    AspectModel,
    Features,
    ModelConfig,
    additions,
    clause_features,
    fair_priced,
    read_by_rules,
    save,
)
from reviewbot.analysis.aspects import Reading
from reviewbot.analysis.base import ReviewText
from reviewbot.analysis.complaints import Found
from reviewbot.analysis.normalize import Normalized
from reviewbot.analysis.training import _fit_logreg, design, take_rows
from reviewbot.analysis.v1 import AnalyzerV1

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = Path(__file__).with_name("data") / MODEL_NAME
# One group per writer; the small dev sets (each a dozen reviews by a helper who had read
# the engine) are one group.
SETS: tuple[tuple[str, str], ...] = (
    ("blind2", "tests/data/blind2/dinein_complaints/set.jsonl"),
    ("blind3", "tests/data/blind3/reply_reviews/set.jsonl"),
    ("blind6", "tests/data/blind6/reply_reviews/set.jsonl"),
    ("blind7", "tests/data/blind7/reply_reviews/set.jsonl"),
    ("blind8", "tests/data/blind8/reply_reviews/set.jsonl"),
    ("dev_rw2", "tests/data/dev/reply_reviews2.jsonl"),
    ("dev_rw3", "tests/data/dev/reply_reviews3.jsonl"),
    ("dev_rw4", "tests/data/dev/reply_reviews4.jsonl"),
    ("dev_rw10", "tests/data/dev/reply_reviews10.jsonl"),
    ("dev_small", "tests/data/dev/reply_reviews5.jsonl"),
    ("dev_small", "tests/data/dev/reply_reviews6.jsonl"),
    ("dev_small", "tests/data/dev/reply_reviews7.jsonl"),
    ("dev_small", "tests/data/dev/reply_reviews8.jsonl"),
    ("dev_small", "tests/data/dev/reply_reviews9.jsonl"),
    ("dev_small", "tests/data/dev/reply_reviews11.jsonl"),
    ("t10rev", "tests/data/t10rev/set.jsonl"),
    ("w11a", "tests/data/dev/reply_w11a/set.jsonl"),
    ("w11b", "tests/data/dev/reply_w11b/set.jsonl"),
    ("blind9", "tests/data/blind9/reply_reviews/set.jsonl"),  # opened in session 27
    ("blind10", "tests/data/blind10/reply_reviews/set.jsonl"),  # opened in session 28
    ("w12a", "tests/data/dev/reply_w12a/set.jsonl"),
    ("w12b", "tests/data/dev/reply_w12b/set.jsonl"),
    ("w13f", "tests/data/dev/reply_w13f/set.jsonl"),
    ("w14g", "tests/data/dev/reply_w14g/set.jsonl"),  # session 30, read by rep8
)


@dataclass
class Row:
    group: str
    id: str
    text: str
    rating: float | None
    platform: str | None
    gold: list[tuple[str, str]]  # (aspect, span)


@dataclass
class Seen:
    """A review as the analyzer read it with the rules alone."""

    row: Row
    complaints: set[str]  # the rules' aspects
    gate: bool = False  # read as negative or mixed: the learned reader is asked
    clauses: list[tuple[int, int, bool]] = field(default_factory=list)  # folded offsets
    blamed: set[int] = field(default_factory=set)  # clauses the rules read (read_by_rules)
    features: list[Features] = field(default_factory=list)
    labels: list[set[str]] = field(default_factory=list)  # gold aspects per clause
    words: list[str] = field(default_factory=list)  # the customer's words of each clause
    texts: list[str] = field(default_factory=list)  # each clause's folded text
    fair: set[int] = field(default_factory=set)  # clauses where a price is said to be fair
    delivery: bool = False  # read as a delivery review


def load_rows(sets: Sequence[tuple[str, str | Path]] = SETS) -> list[Row]:
    rows = []
    for group, path in sets:
        full = Path(path) if Path(path).is_absolute() else ROOT / path
        for line in full.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            platform = item.get("platform")
            rows.append(
                Row(
                    group,
                    str(item.get("id", len(rows))),
                    item["text"],
                    item.get("rating"),
                    platform if isinstance(platform, str) else None,
                    [(c["aspect"], c.get("span") or "") for c in item.get("complaints", ())],
                )
            )
    return rows


class _Capture(AnalyzerV1):
    """The analyzer with the learned reader off, keeping what it would have been given."""

    last: tuple | None = None

    def _learned_complaints(self, reading, folded, found, platform, gate):  # type: ignore[override]
        self.last = (reading, folded, found, platform, gate)
        return ()


def read_rows(rows: Sequence[Row], cfg: ModelConfig) -> list[Seen]:
    analyzer = _Capture(learned=False, learned_aspects=False)
    out = []
    for row in rows:
        analyzer.last = None
        result = analyzer.analyze(ReviewText(row.id, row.text, row.rating, row.platform))
        seen = Seen(row, {c.aspect for c in result.complaints})
        if analyzer.last is not None:
            reading, folded, found, platform, gate = analyzer.last
            _clauses(seen, reading, folded, found, analyzer.complaints.delivered, platform, cfg)
            seen.gate = gate
        out.append(seen)
    # the clauses the sentiment model reads as praise: never a learned complaint (the
    # analyzer asks only about the clauses over the threshold; the answer is the same)
    asked = [(s, i) for s in out for i in range(len(s.texts)) if i not in s.blamed]
    if asked:
        logits = analyzer.model.calibrated_logits([s.texts[i] for s, i in asked]).tolist()
        for (s, i), z in zip(asked, logits, strict=True):
            if z >= cfg.praise_logit:
                s.blamed.add(i)
    return out


def _clauses(
    seen: Seen,
    reading: Reading,
    folded: Normalized,
    found: Found,
    delivered,
    platform: str | None,
    cfg: ModelConfig,
) -> None:
    seen.clauses = [(c.clause.start, c.clause.end, c.clause.contrasted) for c in reading.clauses]
    if not seen.clauses:
        return
    seen.blamed = read_by_rules(reading, found)
    delivery = seen.delivery = delivered(reading.text, platform)
    seen.features = clause_features(reading.text, seen.clauses, delivery, cfg)
    gold = []
    for aspect, span in seen.row.gold:
        at = folded.original.find(span) if span else -1
        if at >= 0:
            gold.append((aspect, at, at + len(span)))
    for start, end, _ in seen.clauses:
        lo, hi = folded.source[start], folded.source[end - 1] + 1
        seen.labels.append({a for a, s, e in gold if s < hi and lo < e})
        seen.words.append(folded.span(start, end).strip())
        seen.texts.append(reading.text[start:end])
    seen.fair = fair_priced(seen.texts, [c for _, _, c in seen.clauses])


def heads_of(seen: Sequence[Seen], cfg: ModelConfig) -> tuple[str, ...]:
    counts: dict[str, int] = {}
    for s in seen:
        for labels in s.labels:
            for aspect in labels:
                counts[aspect] = counts.get(aspect, 0) + 1
    return tuple(sorted(a for a, n in counts.items() if n >= cfg.min_support))


def fit(
    seen: Sequence[Seen], heads: Sequence[str], cfg: ModelConfig
) -> tuple[np.ndarray, np.ndarray]:
    """(2**bits × heads) weights and the biases, on every clause of `seen`."""
    features = [f for s in seen for f in s.features]
    labels = [lab for s in seen for lab in s.labels]
    d = design(features)
    n_cols = 1 << cfg.hash_bits
    w = np.zeros((n_cols, len(heads)), np.float32)
    b = np.zeros(len(heads))
    everything = np.ones(len(features), bool)
    sw = np.ones(len(features))
    for k, head in enumerate(heads):
        y = np.asarray([head in lab for lab in labels], np.float64)
        column, b[k] = _fit_logreg(
            take_rows(d, everything), y, sw, cfg.C, cfg.max_iter, cfg.tol, n_cols
        )
        w[:, k] = column
    return w, b


def probabilities(seen: Seen, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    if not seen.features:
        return np.zeros((0, len(b)))
    z = np.stack([f.values @ w[f.buckets] for f in seen.features]) + b
    return 1.0 / (1.0 + np.exp(-z))


def candidates(
    seen: Sequence[Seen], probs: Sequence[np.ndarray], heads: Sequence[str], cfg: ModelConfig
) -> list[tuple[float, bool, str]]:
    """(probability, right, aspect) of every complaint the model would add at any
    threshold."""
    addable = np.asarray([h.split(".")[0] not in cfg.words_only for h in heads], bool)
    out = []
    for s, p in zip(seen, probs, strict=True):
        if not s.gate:
            continue
        gold = {a for a, _ in s.row.gold}
        found = additions(p, heads, addable, 0.05, s.blamed, s.complaints, s.fair)
        for _, aspect, prob in found:
            out.append((prob, aspect in gold, aspect))
    return out


def threshold_for(found: Sequence[tuple], target: float, floor: float = 0.3) -> float:
    """The smallest threshold whose additions (probability, right, …) reach `target`
    precision (counted over every addition at or above it); 1.0 if none does."""
    ranked = sorted(found, key=lambda t: -t[0])
    right = 0
    best = 1.0
    for n, (p, ok, *_) in enumerate(ranked, start=1):
        right += ok
        if p >= floor and right / n >= target and n >= 5:
            best = p
    return float(best)


def thresholds_for(
    found: Sequence[tuple[float, bool, str]], heads: Sequence[str], cfg: ModelConfig
) -> tuple[float, np.ndarray]:
    """The shared threshold (threshold_for) and each head's: its own where it has at least
    cfg.head_min additions at or over the shared one (the smallest at which its additions
    reach cfg.head_precision, 1.0 if none), the shared one elsewhere (all of them when
    head_min is 0)."""
    shared = threshold_for(found, cfg.target_precision)
    out = np.full(len(heads), shared)
    for k, head in enumerate(heads if cfg.head_min > 0 else ()):
        mine = [t for t in found if t[2] == head]
        if sum(t[0] >= shared for t in mine) >= cfg.head_min:
            out[k] = threshold_for(mine, cfg.head_precision)
    return shared, out


def group_oof(
    seen: Sequence[Seen], heads: Sequence[str], cfg: ModelConfig, progress=lambda m: None
) -> list[np.ndarray]:
    """Each review's clause probabilities from the model that did not see its writer."""
    groups = sorted({s.row.group for s in seen})
    out: list[np.ndarray | None] = [None] * len(seen)
    for group in groups:
        progress(f"out of fold: {group}")
        w, b = fit([s for s in seen if s.row.group != group], heads, cfg)
        for i, s in enumerate(seen):
            if s.row.group == group:
                out[i] = probabilities(s, w, b)
    return out  # type: ignore[return-value]


def train(
    seen: Sequence[Seen],
    cfg: ModelConfig = ModelConfig(),  # noqa: B008 (frozen)
    progress=lambda m: None,
) -> AspectModel:
    heads = heads_of(seen, cfg)
    oof = group_oof(seen, heads, cfg, progress)
    threshold, per_head = thresholds_for(candidates(seen, oof, heads, cfg), heads, cfg)
    per_head = per_head if cfg.head_min > 0 else None
    progress("final fit")
    w, b = fit(seen, heads, cfg)
    w[np.abs(w) < cfg.prune] = 0.0
    meta = {
        "n_reviews": len(seen),
        "n_clauses": sum(len(s.features) for s in seen),
        "groups": sorted({s.row.group for s in seen}),
        "data_sha256": digest_of([s.row for s in seen]),
    }
    w = w.astype("<f2").astype(np.float32)
    model = AspectModel(cfg, heads, w, b, threshold, meta, per_head)
    model.near_bound = near_bound(model, seen)
    return model


def near_bound(model: AspectModel, seen: Sequence[Seen]) -> np.ndarray:
    """Per head, the most the neighbours added to the logit of a training clause, plus
    cfg.near_margin (the analyzer's shortcut: a clause whose own n-grams stay further under
    a head's cut than this cannot reach it)."""
    most = np.zeros(len(model.heads))
    for s in seen:
        if len(s.clauses) > 1:
            text, spans = _joined(s)
            parts = model.near_parts(text, spans, s.delivery)
            most = np.maximum(most, parts.max(axis=0))
    model._cache.clear()
    return most + model.config.near_margin


def _joined(s: Seen) -> tuple[str, list[tuple[int, int, bool]]]:
    """The clause texts of a seen review laid end to end, with their spans."""
    spans, at = [], 0
    for text, (_, _, contrasted) in zip(s.texts, s.clauses, strict=True):
        spans.append((at, at + len(text), contrasted))
        at += len(text)
    return "".join(s.texts), spans


def digest_of(rows: Sequence[Row]) -> str:
    """What the model was trained on, to tell a stale model file."""
    digest = hashlib.sha256()
    for row in rows:
        gold = "|".join(f"{a}:{s}" for a, s in row.gold)
        digest.update(f"{row.group}\t{row.rating}\t{row.platform}\t{row.text}\t{gold}\n".encode())
    return digest.hexdigest()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    cfg = ModelConfig()
    seen = read_rows(load_rows(), cfg)
    model = train(seen, cfg, progress=lambda m: print(m, file=sys.stderr, flush=True))
    args.out.write_bytes(save(model))
    print(
        f"trained on {model.meta['n_clauses']} clauses of {model.meta['n_reviews']} reviews, "
        f"{len(model.heads)} aspects, threshold {model.threshold:.3f}: {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
