"""Train the learned malice reader (malice_model.py) on every opened labelled set.

    .venv/bin/python -m reviewbot.analysis.malice_training [--out PATH] [--extra FILE]

Rows come from malice_data.py: one group per writer. Only
rows the cue prefilter lets through are learned from, as only those are ever scored. One
logistic regression per reason (the analyzer's L-BFGS, training.py): that reason's rows
against the honest ones (rows of the other reason left out: the writers draw the line
between extortion and threat differently).

Threshold per reason: the highest logit of any honest row, out of fold (groups dealt into
`folds` folds with a fixed seed, the waimai rows spread over all folds) and in the final fit
(the training data itself, at any stars, must not be accused), plus that reason's margin
(ModelConfig.margins, chosen leave-one-writer-out by bench/malice_cv.py). The same data
gives the same bytes: no timestamps, fixed seed, sorted keys.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

# One BLAS thread (when this module loads numpy first, as `python -m` does): L-BFGS's small
# dot products crawl when threads fight for the cores, and one thread sums in one order.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from reviewbot.analysis.malice import MaliceRules
from reviewbot.analysis.malice_data import WAIMAI_GROUP, Row, all_rows
from reviewbot.analysis.malice_model import (
    HEADS,
    MODEL_NAME,
    Features,
    MaliceModel,
    ModelConfig,
    featurize,
    save,
)
from reviewbot.analysis.training import Design, _fit_logreg, design, logits, take_rows

DEFAULT_OUT = Path(__file__).with_name("data") / MODEL_NAME
SEED = 11


def features_of(rows: Sequence[Row], rules: MaliceRules, cfg: ModelConfig) -> list[Features | None]:
    """What the analyzer would score for each row (None: not cued, never scored)."""
    out: list[Features | None] = []
    for row in rows:
        text = row.text.strip()
        if not rules.cued(text):
            out.append(None)
            continue
        folded = rules.fold(text).text
        present = rules.pieces_in(folded)
        near = rules.near_misses(rules.text_hits(folded, present)) if cfg.near else None
        read = present | rules.counter_in(folded) if cfg.counter else present
        out.append(featurize(folded, read, cfg, near))
    return out


def targets(rows: Sequence[Row]) -> np.ndarray:
    """(rows × heads): 1 the reason, 0 honest, -1 left out of that head."""
    y = np.full((len(rows), len(HEADS)), -1.0)
    for i, row in enumerate(rows):
        for h, head in enumerate(HEADS):
            if head in row.labels:
                y[i, h] = 1.0
            elif row.honest:
                y[i, h] = 0.0
    return y


def fit(
    d: Design, y: np.ndarray, sw: np.ndarray, cfg: ModelConfig
) -> tuple[np.ndarray, np.ndarray]:
    n_cols = 1 << cfg.hash_bits
    w = np.zeros((len(HEADS), n_cols))
    b = np.zeros(len(HEADS))
    for h in range(len(HEADS)):
        used = y[:, h] >= 0
        w[h], b[h] = _fit_logreg(
            take_rows(d, used), y[used, h], sw[used], cfg.C, cfg.max_iter, cfg.tol, n_cols
        )
    return w, b


def folds_of(rows: Sequence[Row], k: int, seed: int = SEED) -> np.ndarray:
    """A fold per row: writer groups dealt round-robin in a seeded order; the waimai rows,
    one style from one source, spread over every fold."""
    groups = sorted({r.group for r in rows if r.group != WAIMAI_GROUP})
    order = np.random.default_rng(seed).permutation(len(groups))
    fold_of = {groups[i]: position % k for position, i in enumerate(order)}
    out = np.zeros(len(rows), np.int64)
    spread = 0
    for i, row in enumerate(rows):
        if row.group == WAIMAI_GROUP:
            out[i] = spread % k
            spread += 1
        else:
            out[i] = fold_of[row.group]
    return out


def train(
    rows: Sequence[Row],
    features: Sequence[Features | None],
    cfg: ModelConfig = ModelConfig(),  # noqa: B008 (frozen)
) -> tuple[MaliceModel, np.ndarray]:
    """The model on every cued row, its thresholds, and the out-of-fold logits of the cued
    rows (rows × heads; -inf for rows never scored)."""
    cued = np.asarray([f is not None for f in features])
    kept = [r for r, f in zip(rows, features, strict=True) if f is not None]
    d = design([f for f in features if f is not None])
    y = targets(kept)
    sw = np.asarray([r.weight for r in kept])
    fold = folds_of(kept, cfg.folds)
    oof = np.zeros((len(kept), len(HEADS)))
    for k in range(cfg.folds):
        held = fold == k
        if not held.any():
            continue
        w, b = fit(take_rows(d, ~held), y[~held], sw[~held], cfg)
        oof[held] = logits(take_rows(d, held), w, b)
    w, b = fit(d, y, sw, cfg)
    w = w.astype("<f2").astype(np.float64)  # as the file keeps them: the threshold reads these
    honest = np.asarray([r.honest for r in kept])
    inside = logits(d, w, b)
    threshold = np.zeros(len(HEADS))
    for h in range(len(HEADS)):
        worst = max(oof[honest, h].max(initial=-np.inf), inside[honest, h].max(initial=-np.inf))
        threshold[h] = worst + cfg.margins[h]
    model = MaliceModel(
        cfg,
        HEADS,
        w,
        b,
        threshold,
        meta={"n_train": len(kept), "seed": SEED, "data_sha256": digest_of(kept)},
    )
    full = np.full((len(rows), len(HEADS)), -np.inf)
    full[cued] = oof
    return model, full


def digest_of(rows: Sequence[Row]) -> str:
    """What the model was trained on, to tell a stale model file."""
    digest = hashlib.sha256()
    for row in rows:
        labels = ",".join(sorted(row.labels))
        digest.update(f"{row.group}\t{labels}\t{row.weight}\t{row.text}\n".encode())
    return digest.hexdigest()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--waimai", type=Path, help="waimai_train.csv (default ../shared/data)")
    parser.add_argument(
        "--extra",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="more labelled rows in the check sets' format, e.g. `reviewbot verdicts export` "
        "(repeatable; each file is one group)",
    )
    args = parser.parse_args(argv)
    from reviewbot.analysis.lexicon import DATA, load_lexicon

    rules = MaliceRules(load_lexicon(DATA))
    cfg = ModelConfig()
    rows = all_rows(waimai=args.waimai, extra=args.extra)
    extra = sum(1 for row in rows if row.group.startswith("extra:"))
    model, _ = train(rows, features_of(rows, rules, cfg), cfg)
    args.out.write_bytes(save(model))
    figures = ", ".join(f"{h} {t:.3f}" for h, t in zip(model.heads, model.threshold, strict=True))
    print(
        f"trained on {model.meta['n_train']} cued rows ({extra} rows from --extra), "
        f"thresholds {figures}: {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
