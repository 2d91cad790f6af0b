"""Quick leave-one-writer-out experiments on the learned malice reader (model alone).

    .venv/bin/python bench/malice_lab.py --fast [--C 16] [--ngram-max 4] [--margins 0.5 2]
        [--extra sent words wordbi rating] [--set NAME=file,file …] [--dump out.npz]

What bench/malice_cv.py measures for the model (each writer held out, the reader trained on
the others with its own thresholds), from rows read once and cached under /tmp/malml: the
analyzer's polarity, the folded text and the evidence pieces. Per writer it also counts the
malicious rows that never reach the model (not cued, no evidence piece, or over 3 stars:
"gate ext/thr lost"). --fast fits once per writer (malice_cv fits six): writer g's threshold
is the highest honest logit of the other writers' own leave-one-writer-out scores (waimai's
from 5 folds) or in sample, plus the margin; figures agree with malice_cv within a few rows.
--extra adds marks beside the shipped features, as their own group: piece pairs within one
sentence (sent), jieba words and word bigrams (words, wordbi), the stars (rating). --dump
saves each row's logit over its threshold, to sweep margins without refitting.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
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

from reviewbot.analysis import malice_data  # noqa: E402
from reviewbot.analysis.base import ReviewText  # noqa: E402
from reviewbot.analysis.evaluation import analyze_all  # noqa: E402
from reviewbot.analysis.malice_data import WAIMAI_GROUP, all_rows  # noqa: E402
from reviewbot.analysis.malice_model import HEADS, ModelConfig, featurize  # noqa: E402
from reviewbot.analysis.malice_training import design, logits, train  # noqa: E402
from reviewbot.analysis.training import take_rows  # noqa: E402
from reviewbot.analysis.v1 import AnalyzerV1  # noqa: E402


def prepared(rows):
    key = hashlib.sha256(
        "".join(f"{r.group}\t{r.text}\t{r.rating}\t{sorted(r.labels)}\n" for r in rows).encode()
    ).hexdigest()[:16]
    path = Path(f"/tmp/malml/prep-{key}.pkl")
    if path.exists():
        return pickle.loads(path.read_bytes())
    analyzer = AnalyzerV1(learned=False)
    results = analyze_all(
        analyzer, [ReviewText(str(i), r.text, r.rating) for i, r in enumerate(rows)]
    )
    rules = analyzer.malice
    out = []
    for row, result in zip(rows, results, strict=True):
        text = row.text.strip()
        cued = rules.cued(text)
        folded = rules.fold(text).text if cued else None
        present = rules.pieces_in(folded) if cued else frozenset()
        out.append(
            (cued, folded, present, result.polarity == "positive", set(result.malicious_reasons))
        )
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(pickle.dumps(out))
    return out


def add_extra(rows, prep, feats, cfg, kinds, weight):
    """Further hashed marks beside the shipped features, as their own group (norm `weight`)."""
    import re

    from reviewbot.analysis.malice_model import Features, _hash

    rules = AnalyzerV1(learned=False).malice
    if "words" in kinds or "wordbi" in kinds:
        import jieba

        jieba.setLogLevel(60)
    out = []
    for r, (_, folded, _, _, _), f in zip(rows, prep, feats, strict=True):
        if f is None:
            out.append(None)
            continue
        marks = []
        if "sent" in kinds:
            seen = set()
            for sent in re.split(r"[。！？!?；;\n]+", folded):
                ps = sorted(rules.pieces_in(sent)) if sent.strip() else []
                for i, a in enumerate(ps):
                    for b in ps[i + 1 :]:
                        seen.add(f"\x01sp:{a}|{b}")
            marks += sorted(seen)
        if "words" in kinds or "wordbi" in kinds:
            text = folded.lower()
            ws = [w for w in jieba.lcut(text) if w.strip()]
            if "words" in kinds:
                marks += [f"\x01w:{w}" for w in set(ws) if len(w) > 1]
            if "wordbi" in kinds:
                marks += [f"\x01wb:{a}|{b}" for a, b in set(itertools.pairwise(ws))]
        if "rating" in kinds:
            marks.append(f"\x01s:{r.rating}")
        if not marks:
            out.append(f)
            continue
        b = np.asarray([_hash(m, cfg.hash_bits) for m in marks], np.int64)
        v = np.full(len(b), weight / np.sqrt(len(b)))
        out.append(Features(np.concatenate([f.buckets, b]), np.concatenate([f.values, v]), f.spans))
    return out


def lowo(rows, feats, cfg, groups, fast):
    """Per row of the held-out groups: its logit over the threshold of a model not trained
    on its writer. fast: one fit per writer; the threshold of writer g is the highest honest
    logit of the other writers out of their own writer (their LOWO logits, waimai's from
    5 folds), and in sample, plus the margin."""
    from reviewbot.analysis.malice_training import fit, targets

    over = np.full((len(rows), len(HEADS)), -np.inf)
    if not fast:
        for g in groups:
            tr = [i for i, r in enumerate(rows) if r.group != g]
            held = [i for i, r in enumerate(rows) if r.group == g and feats[i] is not None]
            model, _ = train([rows[i] for i in tr], [feats[i] for i in tr], cfg)
            if held:
                over[held] = (
                    logits(design([feats[i] for i in held]), model.w, model.bias) - model.threshold
                )
        return over
    cued = [i for i, f in enumerate(feats) if f is not None]
    kept = [rows[i] for i in cued]
    d = design([feats[i] for i in cued])
    y = targets(kept)
    sw = np.asarray([r.weight for r in kept])
    grp = np.asarray([r.group for r in kept])
    honest = np.asarray([r.honest for r in kept])
    z = np.full((len(kept), len(HEADS)), -np.inf)
    inside = {}
    all_groups = sorted(set(grp) - {WAIMAI_GROUP})
    for g in all_groups:
        held = grp == g
        w, b = fit(take_rows(d, ~held), y[~held], sw[~held], cfg)
        w = w.astype("<f2").astype(np.float64)
        z[held] = logits(take_rows(d, held), w, b)
        inside[g] = logits(take_rows(d, ~held & honest), w, b).max(axis=0)
    wm = np.flatnonzero(grp == WAIMAI_GROUP)
    fold = np.arange(len(wm)) % 5
    for k in range(5):
        held = np.zeros(len(kept), bool)
        held[wm[fold == k]] = True
        w, b = fit(take_rows(d, ~held), y[~held], sw[~held], cfg)
        z[held] = logits(take_rows(d, held), w, b)
    margins = np.asarray(cfg.margins)
    for g in groups:
        others = honest & (grp != g)
        t = np.maximum(z[others].max(axis=0), inside[g]) + margins
        held = np.flatnonzero(grp == g)
        over[[cued[i] for i in held]] = z[held] - t
    return over


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--C", type=float)
    p.add_argument("--ngram-max", type=int)
    p.add_argument("--piece-weight", type=float)
    p.add_argument("--margins", nargs=2, type=float)
    p.add_argument("--groups", nargs="*")
    p.add_argument("--set", nargs="*", default=[], help="extra NAME=file,file groups")
    p.add_argument("--cfg", nargs="*", default=[], help="extra key=value ModelConfig fields")
    p.add_argument(
        "--fast", action="store_true", help="threshold from the other writers' LOWO logits"
    )
    p.add_argument("--dump", type=Path)
    p.add_argument("--extra", nargs="*", default=[], help="sent, words, wordbi, rating")
    p.add_argument("--extra-weight", type=float, default=0.7)
    p.add_argument("--all-present", action="store_true", help="score rows without pieces too")
    args = p.parse_args()
    for spec in args.set:
        name, files = spec.split("=")
        malice_data.MALICE_SETS[name] = tuple(files.split(","))
    cfg = ModelConfig()
    for k, v in (("C", args.C), ("ngram_max", args.ngram_max), ("piece_weight", args.piece_weight)):
        if v is not None:
            cfg = replace(cfg, **{k: v})
    if args.margins:
        cfg = replace(cfg, margins=tuple(args.margins))
    for kv in args.cfg:
        k, v = kv.split("=")
        cur = getattr(cfg, k)
        cfg = replace(cfg, **{k: type(cur)(v) if not isinstance(cur, bool) else v == "1"})
    print(cfg, flush=True)
    started = time.perf_counter()
    rows = all_rows()
    prep = prepared(rows)
    feats = [
        featurize(f, pr, cfg) if c else None for r, (c, f, pr, _, _) in zip(rows, prep, strict=True)
    ]
    if args.extra:
        feats = add_extra(rows, prep, feats, cfg, args.extra, args.extra_weight)
    asked = [c and bool(pr or args.all_present) for c, _, pr, _, _ in prep]
    groups = args.groups or sorted({r.group for r in rows} - {WAIMAI_GROUP})
    over = lowo(rows, feats, cfg, groups, args.fast)
    total = np.zeros(9, np.int64)
    print(f"{'writer':16} {'ext':>9} {'thr':>9} {'honest':>9} | gate ext/thr lost")
    for g in groups:
        c = np.zeros(9, np.int64)
        for i, r in enumerate(rows):
            if r.group != g:
                continue
            low = r.rating is None or r.rating <= 3
            praise = prep[i][3]
            got = {
                h
                for k, h in enumerate(HEADS)
                if low and over[i, k] > 0 and not (praise and h == "extortion")
            }
            reach = low and asked[i]
            if not asked[i]:
                got = set()
            if r.honest:
                c[5] += 1
                c[4] += bool(got)
            for s, h in ((0, "extortion"), (2, "threat")):
                if h in r.labels:
                    c[s + 1] += 1
                    c[s] += h in got
                    c[6 + s // 2] += not reach
        total += c
        print(_line(g, c), flush=True)
    if args.dump:
        np.savez(
            args.dump,
            over=over,
            groups=[r.group for r in rows],
            honest=[r.honest for r in rows],
            asked=asked,
            low=[r.rating is None or r.rating <= 3 for r in rows],
            ext=["extortion" in r.labels for r in rows],
            thr=["threat" in r.labels for r in rows],
            praise=[x[3] for x in prep],
        )
    print(_line("POOLED", total))
    print(f"({time.perf_counter() - started:.0f} s)")


def _line(g, c):
    def f(a, b):
        return f"{a}/{b}"

    return f"{g:16} {f(c[0], c[1]):>9} {f(c[2], c[3]):>9} {f(c[4], c[5]):>9} | {c[6]}/{c[7]}" + (
        f"   ext {c[0] / max(c[1], 1):.0%} thr {c[2] / max(c[3], 1):.0%}"
    )


if __name__ == "__main__":
    main()
