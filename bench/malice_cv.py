"""Leave-one-writer-out figures of the malice readers: the honest predictor of the next
writer's set.

    .venv/bin/python bench/malice_cv.py [--groups NAME …] [--head-margins 0 0] [--margins 1 …]

Every opened labelled set is one writer (reviewbot/analysis/malice_data.py). For each
writer: the learned reader is trained on all the others (malice_training.train, whose
threshold per reason is the highest honest logit of the training writers out of fold and
in sample, waimai's honest rows included), then applied to the held-out writer's rows at
their own stars as the analyzer applies it (cued, 3 stars or fewer or none, an extortion
not in a text read as praise). Prints per writer and pooled: extortion recall, threat
recall, honest rows flagged, for the patterns alone, the model alone, and either; then the
pooled figures with the threshold raised by each extra margin.

The patterns' own figures here are NOT held out: they were tuned on every one of these
sets. Their honest figures are the blind readings logged in each set's README.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

# one BLAS thread: L-BFGS's small dot products crawl when its threads fight for the cores
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewbot.analysis.base import ReviewText  # noqa: E402
from reviewbot.analysis.evaluation import analyze_all  # noqa: E402
from reviewbot.analysis.malice_data import WAIMAI_GROUP, all_rows  # noqa: E402
from reviewbot.analysis.malice_model import HEADS  # noqa: E402
from reviewbot.analysis.malice_training import (  # noqa: E402
    ModelConfig,
    design,
    features_of,
    logits,
    train,
)
from reviewbot.analysis.v1 import AnalyzerV1  # noqa: E402

READERS = ("rules", "model", "either")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", nargs="*", help="hold out only these writers")
    parser.add_argument(
        "--margins", nargs="*", type=float, default=[0.5, 1.0], help="extra, on every head"
    )
    parser.add_argument(
        "--head-margins", nargs="*", type=float, help="each head's own (default: shipped)"
    )
    parser.add_argument("--C", type=float)
    parser.add_argument("--piece-weight", type=float)
    parser.add_argument("--near", action="store_true", help="the patterns' near misses too")
    parser.add_argument(
        "--counter", choices=("on", "off"), help="the counter-evidence pieces as pieces too"
    )
    parser.add_argument("--dump", type=Path, help="save each row's logit over threshold (.npz)")
    parser.add_argument("--waimai", type=Path)
    parser.add_argument(
        "--rules-from",
        type=Path,
        default=ROOT / "tests" / "data" / "dev" / "malice_rules_before_opening.json",
        help="the patterns' verdicts from before a set was tuned on (held-out rules)",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    cfg = ModelConfig()
    if args.C is not None:
        cfg = replace(cfg, C=args.C)
    if args.piece_weight is not None:
        cfg = replace(cfg, piece_weight=args.piece_weight)
    if args.head_margins is not None:
        cfg = replace(cfg, margins=tuple(args.head_margins))
    if args.near:
        cfg = replace(cfg, near=True)
    if args.counter is not None:
        cfg = replace(cfg, counter=args.counter == "on")
    print(f"config: {cfg}")
    rows = all_rows(waimai=args.waimai)
    analyzer = AnalyzerV1(learned=False)
    reviews = [ReviewText(str(i), r.text, r.rating) for i, r in enumerate(rows)]
    results = analyze_all(analyzer, reviews)
    features = features_of(rows, analyzer.malice, cfg)
    before = _rules_before(rows, args.rules_from)
    groups = args.groups or sorted({r.group for r in rows} - {WAIMAI_GROUP})
    # per held-out row: its logit over the threshold of the model that did not see it
    over = np.full((len(rows), len(HEADS)), -np.inf)
    print(f"{'writer':16} {'reader':7} {'extortion':>12} {'threat':>12} {'honest flagged':>15}")
    for group in groups:
        train_idx = [i for i, r in enumerate(rows) if r.group != group]
        held = [i for i, r in enumerate(rows) if r.group == group and features[i] is not None]
        model, _ = train([rows[i] for i in train_idx], [features[i] for i in train_idx], cfg)
        if held:
            z = logits(design([features[i] for i in held]), model.w, model.bias)
            over[held] = z - model.threshold
        counts = _count(rows, results, over, 0.0, group)
        for name in READERS:
            print(_line(group, name, counts[name]))
        if group in {rows[i].group for i in before}:
            fresh = _count(rows, results, over, 0.0, group, before)
            for name in ("rules", "either"):
                print(_line(group, f"{name}@", fresh[name]))
        sys.stdout.flush()
    if args.dump:
        np.savez(
            args.dump, over=over, groups=[r.group for r in rows], honest=[r.honest for r in rows]
        )
    for margin in (0.0, *args.margins):
        pooled = _count(rows, results, over, margin, None)
        for name in READERS if margin == 0.0 else READERS[1:]:
            print(_line(f"POOLED +{margin:g}", name, pooled[name]))
    # the writers whose patterns' verdicts from before they were tuned on are known
    fresh_groups = sorted({rows[i].group for i in before} & set(groups))
    for margin in (0.0, *args.margins):
        pooled = _count(rows, results, over, margin, fresh_groups, before)
        for name in ("rules", "model", "either") if margin == 0.0 else ("model", "either"):
            print(_line(f"BEFORE-TUNING +{margin:g}", f"{name}@", pooled[name]))
    print(f"(@: the patterns as they were before tuning on {', '.join(fresh_groups)})")
    # the smallest extra margin per head at which no held-out honest row is flagged
    honest = np.asarray([r.honest and r.group != WAIMAI_GROUP for r in rows])
    extra = np.maximum(over[honest].max(axis=0, initial=-np.inf), 0.0) + 1e-9
    shifted = over - extra
    label = "+" + "/".join(f"{m:.2f}" for m in extra)
    pooled = _count(rows, results, shifted, 0.0, None)
    fresh = _count(rows, results, shifted, 0.0, fresh_groups, before)
    print(f"at the smallest extra margins per head that flag no held-out honest row ({label}):")
    for name in READERS:
        print(_line("POOLED", name, pooled[name]))
    for name in READERS:
        print(_line("BEFORE-TUNING", f"{name}@", fresh[name]))
    print(f"({time.perf_counter() - started:.0f} s)")


def _rules_before(rows, path: Path) -> dict[int, set[str]]:
    """Row index → the patterns' reasons before its set was tuned on (where known)."""
    if not path.exists():
        return {}
    groups = json.loads(path.read_text(encoding="utf-8"))["groups"]
    out: dict[int, set[str]] = {}
    for group, saved in groups.items():
        index = [i for i, r in enumerate(rows) if r.group == group]
        if len(index) != len(saved["verdicts"]):
            raise SystemExit(f"{path}: {group} has {len(index)} rows now, not as saved")
        out.update({i: set(v) for i, v in zip(index, saved["verdicts"], strict=True)})
    return out


def _count(
    rows, results, over, margin: float, group, before: dict[int, set[str]] | None = None
) -> dict[str, np.ndarray]:
    """[ext caught, ext total, thr caught, thr total, honest flagged, honest] per reader,
    over one writer, a list of writers, or (None) all; `before`: the patterns' verdicts
    from before tuning instead of today's."""
    counts = {name: np.zeros(6, np.int64) for name in READERS}
    wanted = {group} if isinstance(group, str) else set(group) if group is not None else None
    for i, row in enumerate(rows):
        if row.group == WAIMAI_GROUP or (wanted is not None and row.group not in wanted):
            continue
        result = results[i]
        low = row.rating is None or row.rating <= 3
        praise = result.polarity == "positive"
        learned = {
            head
            for h, head in enumerate(HEADS)
            if low and over[i, h] > margin and not (praise and head == "extortion")
        }
        rules = set(result.malicious_reasons) if before is None else before[i]
        for name, got in (("rules", rules), ("model", learned), ("either", rules | learned)):
            c = counts[name]
            if row.honest:
                c[5] += 1
                c[4] += bool(got)
            for slot, head in ((0, "extortion"), (2, "threat")):
                if head in row.labels:
                    c[slot + 1] += 1
                    c[slot] += head in got
    return counts


def _line(group: str, name: str, c: np.ndarray) -> str:
    def frac(a: int, b: int) -> str:
        return f"{a}/{b}" + (f" {a / b:.0%}" if b else "")

    ext, thr, hon = frac(c[0], c[1]), frac(c[2], c[3]), frac(c[4], c[5])
    return f"{group:16} {name:7} {ext:>12} {thr:>12} {hon:>15}"


if __name__ == "__main__":
    main()
