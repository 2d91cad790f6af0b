"""Leave-one-writer-out figures of the learned aspect reader beside the rules.

    .venv/bin/python bench/aspect_cv.py [--nested] [--groups NAME …] [--C 8] [--bits 18]

Every opened set with complaint spans is one writer (aspect_training.SETS). For each
writer: the learned reader is trained on all the others and applied to the held-out
writer's reviews as the analyzer applies it (reviews read as negative or mixed; an aspect
the rules did not find, in a clause where they found no complaint). The threshold is the
smallest probability whose additions reach the target precision out of fold on the
training writers: with --nested from inner writer folds of the training writers only
(honest, 4x slower); without, from the other writers' leave-one-writer-out scores (whose
models saw the held-out writer: the threshold, one number, is a little optimistic).

Prints per held-out writer and pooled: aspect precision / recall / F1 and category macro
F1 (food, service, environment, price; from the complaints, as bench/classify.py --set
reads them) for the rules alone, the learned reader alone (every aspect whose clause
probability passes the threshold) and the two combined; then the pooled combination at
fixed thresholds.

The rules' figures here are NOT held out: the lexicons were tuned on every one of these
sets after they were opened. Their first readings are in each set's README.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pickle
import sys
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewbot.analysis.aspect_model import ModelConfig, additions  # noqa: E402
from reviewbot.analysis.aspect_training import (  # noqa: E402
    SETS,
    candidates,
    digest_of,
    fit,
    heads_of,
    load_rows,
    probabilities,
    read_rows,
    thresholds_for,
)
from reviewbot.analysis.evaluation import COMPLAINT_CATEGORIES  # noqa: E402

READERS = ("rules", "learned", "combined")
CACHE = Path.home() / ".cache" / "reviewbot-bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", nargs="*", help="hold out only these writers")
    parser.add_argument("--nested", action="store_true", help="threshold from inner folds")
    parser.add_argument("--inner", type=int, default=3, help="inner writer folds (--nested)")
    parser.add_argument("--C", type=float)
    parser.add_argument("--bits", type=int)
    parser.add_argument("--context-weight", type=float)
    parser.add_argument("--target", type=float, help="the additions' precision target")
    parser.add_argument("--max-iter", type=int)
    parser.add_argument(
        "--set", action="append", default=[], metavar="GROUP=PATH", help="one more writer"
    )
    parser.add_argument("--drop", nargs="*", default=[], help="leave these writers out")
    parser.add_argument(
        "--cfg", action="append", default=[], metavar="FIELD=VALUE", help="a ModelConfig field"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    cfg = ModelConfig()
    for name, attr in (
        ("C", "C"),
        ("bits", "hash_bits"),
        ("context_weight", "context_weight"),
        ("target", "target_precision"),
        ("max_iter", "max_iter"),
    ):
        if getattr(args, name) is not None:
            cfg = replace(cfg, **{attr: getattr(args, name)})
    for item in args.cfg:
        name, value = item.split("=", 1)
        kind = type(getattr(cfg, name))
        cfg = replace(cfg, **{name: value == "True" if kind is bool else kind(value)})
    print(f"config: {cfg}")
    sets = [*SETS, *(tuple(s.split("=", 1)) for s in args.set)]
    sets = [s for s in sets if s[0] not in args.drop]
    seen = read_rows(load_rows(sets), cfg)
    heads = heads_of(seen, cfg)
    groups = sorted({s.row.group for s in seen})
    held_out = args.groups or groups
    print(
        f"{len(seen)} reviews, {sum(len(s.row.gold) for s in seen)} gold complaints, "
        f"{len(groups)} writers, {len(heads)} aspect heads"
    )
    # every review's clause probabilities from the model that did not see its writer
    # (the scores do not depend on what decides which of them to add)
    fitted = replace(
        cfg, target_precision=0, praise_logit=0, near_margin=0, head_min=0, head_precision=0
    )
    key = hashlib.sha256(f"{fitted}{digest_of([s.row for s in seen])}".encode()).hexdigest()
    cached = CACHE / f"aspect-oof-{key[:16]}.pkl"
    oof: list[np.ndarray | None] = [None] * len(seen)
    if cached.exists():  # the same config and data: the same scores (fits take minutes)
        oof = pickle.loads(cached.read_bytes())
    for group in groups:
        if (args.nested and group not in held_out) or any(
            oof[i] is not None for i, s in enumerate(seen) if s.row.group == group
        ):
            continue
        w, b = fit([s for s in seen if s.row.group != group], heads, cfg)
        for i, s in enumerate(seen):
            if s.row.group == group:
                oof[i] = probabilities(s, w, b)
        print(f"  fitted without {group} ({time.perf_counter() - started:.0f} s)", flush=True)
        CACHE.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(pickle.dumps(oof))
    thresholds: dict[str, float] = {}
    per_head: dict[str, np.ndarray] = {}
    for group in held_out:
        if args.nested:
            thresholds[group], per_head[group] = _nested_threshold(
                seen, heads, cfg, group, args.inner
            )
        else:
            others = [i for i, s in enumerate(seen) if s.row.group != group]
            found = candidates([seen[i] for i in others], [oof[i] for i in others], heads, cfg)
            thresholds[group], per_head[group] = thresholds_for(found, heads, cfg)
    print(f"\n{'writer':12} {'reader':9} {'thr':>5} {'asp P':>6} {'asp R':>6} {'asp F1':>6} "
          f"{'cat mF1':>7} {'gold':>5} {'added':>6} {'right':>6}")  # fmt: skip
    pooled: dict[str, list] = {name: [] for name in READERS}
    for group in held_out:
        index = [i for i, s in enumerate(seen) if s.row.group == group]
        t = thresholds[group]
        found = _found(seen, oof, heads, cfg, index, per_head.get(group, t))
        for name in READERS:
            pooled[name] += found[name]
            print(_line(group, name, t, found[name]))
    print()
    for name in READERS:
        print(_line("POOLED", name, float("nan"), pooled[name]))
    index = [i for i, s in enumerate(seen) if s.row.group in held_out]
    print("\npooled combination at one fixed threshold for every writer:")
    for t in (0.5, 0.6, 0.7, 0.8, 0.9):
        print(_line("POOLED", "combined", t, _found(seen, oof, heads, cfg, index, t)["combined"]))
    print(f"({time.perf_counter() - started:.0f} s)")


def _nested_threshold(seen, heads, cfg: ModelConfig, group: str, k: int):
    """The thresholds (shared, per head) from inner writer folds of the training writers
    only."""
    train = [s for s in seen if s.row.group != group]
    names = sorted({s.row.group for s in train})
    fold = {name: i % k for i, name in enumerate(names)}
    probs: list[np.ndarray | None] = [None] * len(train)
    for f in range(k):
        w, b = fit([s for s in train if fold[s.row.group] != f], heads, cfg)
        for i, s in enumerate(train):
            if fold[s.row.group] == f:
                probs[i] = probabilities(s, w, b)
    return thresholds_for(candidates(train, probs, heads, cfg), heads, cfg)


def _found(seen, oof, heads, cfg: ModelConfig, index: list[int], t) -> dict[str, list]:
    """Per reader, (gold aspects, found aspects) per review of `index`."""
    addable = np.asarray([h.split(".")[0] not in cfg.words_only for h in heads], bool)
    out: dict[str, list] = {name: [] for name in READERS}
    for i in index:
        s = seen[i]
        gold = {a for a, _ in s.row.gold}
        rules = set(s.complaints)
        p = oof[i]
        learned: set[str] = set()
        added: set[str] = set()
        if s.gate and p is not None and len(p):
            over = (p >= t) & addable
            learned = {heads[k] for k in np.flatnonzero(over.any(axis=0))}
            added = {a for _, a, _ in additions(p, heads, addable, t, s.blamed, rules, s.fair)}
        out["rules"].append((gold, rules, set()))
        out["learned"].append((gold, learned, set()))
        out["combined"].append((gold, rules | added, added))
    return out


def _line(group: str, name: str, t: float, pairs: list) -> str:
    hits = sum(len(g & f) for g, f, _ in pairs)
    n_found = sum(len(f) for _, f, _ in pairs)
    n_gold = sum(len(g) for g, _, _ in pairs)
    p, r = hits / max(n_found, 1), hits / max(n_gold, 1)
    f1 = 2 * p * r / max(p + r, 1e-12)
    macro = 0.0
    for category in COMPLAINT_CATEGORIES:
        gc = [any(a.startswith(category + ".") for a in g) for g, _, _ in pairs]
        fc = [any(a.startswith(category + ".") for a in f) for _, f, _ in pairs]
        tp = sum(a and b for a, b in zip(gc, fc, strict=True))
        cp, cr = tp / max(sum(fc), 1), tp / max(sum(gc), 1)
        macro += 2 * cp * cr / max(cp + cr, 1e-12) / len(COMPLAINT_CATEGORIES)
    added = sum(len(a) for _, _, a in pairs)
    right = sum(len(a & g) for g, _, a in pairs)
    thr = f"{t:5.2f}" if t == t else "    -"
    extra = f"{added:>6} {right:>6}" if name == "combined" else ""
    return f"{group:12} {name:9} {thr} {p:6.3f} {r:6.3f} {f1:6.3f} {macro:7.3f} {n_gold:>5} {extra}"


if __name__ == "__main__":
    main()
