"""Train the guard scorer (reviewbot/replies/scorer.py) on labelled staff edits.

    .venv/bin/python -m reviewbot.replies.scorer_training \
        [--data tests/data/dev/guard_edits.jsonl] [--out reviewbot/replies/data/guard_scorer.bin]

Input: JSON Lines, `{"id", "text", "rule"}` for an edit that breaks `rule`, `{"id",
"text", "ok": true}` for an innocent one (tests/data/dev/README.md). One model per learned
family, that family's edits against the innocent ones and every other family's (so a score
also says which rule); logistic regression by the analyzer's L-BFGS
(reviewbot/analysis/training.py). Disguised copies of an edit (`v001_dots`, `v001_stars` …)
stay in one fold with it, so cross-validation never scores an edit whose twin it trained on.

Thresholds: out-of-fold scores (k folds, fixed seed) are Platt-calibrated per family, then
one probability threshold for all families is the lowest at which at most
`max_innocent_refused` of the innocent edits score above it in any family. The same
training gives the same bytes (no timestamps, fixed seed, sorted keys).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reviewbot.analysis.segment import words_of
from reviewbot.analysis.training import _fit_logreg, _fit_platt
from reviewbot.replies.guardrails import normalise
from reviewbot.replies.scorer import (
    MODEL_NAME,
    Features,
    ScorerConfig,
    ScorerModel,
    featurize,
    save,
)

FAMILIES = ("promise", "delete_request", "private_data", "blame", "argue")
DEFAULT_DATA = Path("tests/data/dev/guard_edits.jsonl")
DEFAULT_OUT = Path(__file__).with_name("data") / MODEL_NAME
SEED = 12


@dataclass(frozen=True, slots=True)
class Edit:
    id: str
    text: str
    rule: str | None  # None: innocent

    @property
    def group(self) -> str:
        """Disguised copies share their original's group (v001_dots → v001)."""
        return self.id.split("_")[0]


def read_edits(path: Path) -> list[Edit]:
    edits = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        item = json.loads(raw)
        rule = item.get("rule") or None
        if rule is None and item.get("ok") is not True:
            raise ValueError(f"{path}: {item.get('id')}: neither a rule nor ok")
        edits.append(Edit(str(item["id"]), item["text"], rule))
    return edits


def features_of(text: str, cfg: ScorerConfig) -> Features:
    """Exactly what `check_reply` scores: the text as the rules read it, and its words."""
    read = normalise(text)
    return featurize(read, words_of(read), cfg)


Design = tuple[np.ndarray, np.ndarray, np.ndarray, int]


def design(features: Sequence[Features]) -> Design:
    rows = np.concatenate([np.full(len(f.buckets), i) for i, f in enumerate(features)])
    cols = np.concatenate([f.buckets for f in features])
    vals = np.concatenate([f.values for f in features])
    return rows.astype(np.int64), cols.astype(np.int64), vals, len(features)


def _take(d: Design, mask: np.ndarray) -> Design:
    rows, cols, vals, _ = d
    index = np.cumsum(mask) - 1
    keep = mask[rows]
    return index[rows[keep]], cols[keep], vals[keep], int(mask.sum())


def _fit(d: Design, labels: np.ndarray, cfg: ScorerConfig) -> tuple[np.ndarray, np.ndarray]:
    """Per family: weights over all buckets and a bias."""
    n_cols = 1 << cfg.hash_bits
    w = np.zeros((len(FAMILIES), n_cols))
    b = np.zeros(len(FAMILIES))
    for f in range(len(FAMILIES)):
        y = (labels == f).astype(np.float64)
        w[f], b[f] = _fit_logreg(d, y, np.ones_like(y), cfg.C, cfg.max_iter, cfg.tol, n_cols)
    return w, b


def _logits(d: Design, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    rows, cols, vals, n = d
    return np.stack(
        [np.bincount(rows, weights=w[f, cols] * vals, minlength=n) + b[f] for f in range(len(w))],
        axis=1,
    )


def folds_of(edits: Sequence[Edit], k: int, seed: int = SEED) -> np.ndarray:
    """A fold per edit: groups dealt round-robin in a seeded order within each label."""
    rng = np.random.default_rng(seed)
    groups: dict[str, str] = {}
    for edit in edits:
        groups.setdefault(edit.group, edit.rule or "ok")
    by_label: dict[str, list[str]] = {}
    for group, label in sorted(groups.items()):
        by_label.setdefault(label, []).append(group)
    fold_of: dict[str, int] = {}
    for label in sorted(by_label):
        order = rng.permutation(len(by_label[label]))
        for position, i in enumerate(order):
            fold_of[by_label[label][i]] = position % k
    return np.asarray([fold_of[e.group] for e in edits])


def labels_of(edits: Sequence[Edit]) -> np.ndarray:
    """The family index of each edit, -1: innocent, 99: a rule not learned."""
    return np.asarray(
        [
            -1 if e.rule is None else FAMILIES.index(e.rule) if e.rule in FAMILIES else 99
            for e in edits
        ]
    )


def out_of_fold(edits: Sequence[Edit], cfg: ScorerConfig, seed: int = SEED) -> np.ndarray:
    """Out-of-fold logits (edits × families)."""
    d = design([features_of(e.text, cfg) for e in edits])
    labels = labels_of(edits)
    fold = folds_of(edits, cfg.folds, seed)
    oof = np.zeros((len(edits), len(FAMILIES)))
    for k in range(cfg.folds):
        w, b = _fit(_take(d, fold != k), labels[fold != k], cfg)
        held = fold == k
        oof[held] = _logits(_take(d, held), w, b)
    return oof


def calibrate(
    oof: np.ndarray, labels: np.ndarray, cfg: ScorerConfig
) -> tuple[np.ndarray, np.ndarray, float]:
    """Platt's a and b per family, and the shared probability threshold."""
    a = np.zeros(len(FAMILIES))
    b = np.zeros(len(FAMILIES))
    for f in range(len(FAMILIES)):
        a[f], b[f] = _fit_platt(oof[:, f], (labels == f).astype(np.float64))
    p = 1.0 / (1.0 + np.exp(-(a * oof + b)))
    innocent = np.sort(p[labels == -1].max(axis=1))[::-1]
    allowed = int(np.floor(cfg.max_innocent_refused * len(innocent)))
    # refuse strictly above the (allowed+1)-th highest innocent score
    threshold = float(innocent[allowed]) + 1e-9 if allowed < len(innocent) else 0.5
    return a, b, max(threshold, 0.5)


def train(edits: Sequence[Edit], cfg: ScorerConfig = ScorerConfig()) -> ScorerModel:  # noqa: B008
    labels = labels_of(edits)
    oof = out_of_fold(edits, cfg)
    a, b, threshold = calibrate(oof, labels, cfg)
    w, bias = _fit(design([features_of(e.text, cfg) for e in edits]), labels, cfg)
    digest = hashlib.sha256()
    for edit in edits:
        digest.update(f"{edit.rule or 'ok'}\t{edit.text}\n".encode())
    return ScorerModel(
        cfg,
        FAMILIES,
        w,
        bias,
        a,
        b,
        np.full(len(FAMILIES), threshold),
        meta={"n_train": len(edits), "seed": SEED, "data_sha256": digest.hexdigest()},
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    edits = read_edits(args.data)
    model = train(edits)
    args.out.write_bytes(save(model))
    print(
        f"trained on {len(edits)} edits, threshold {model.threshold[0]:.3f}: {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
