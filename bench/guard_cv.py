"""Leave-one-writer-out figures of the guardrails: rules, learned scorer, and both.

    .venv/bin/python bench/guard_cv.py [--holdout WRITER] [--store laojiefang]
        [--cache DIR] [--cfg KEY=VALUE ...] [--nested] [--list FILE]
        [--rules-from JSON] [--save-model PATH]

Every opened set of staff edits is one writer (`scorer_training.WRITERS`). One fit
per writer on all the others, gives every edit a score from a model that never read its
writer. For each writer in turn: Platt scaling and the per-rule thresholds are chosen
(`scorer_training.calibrate`, as the shipped model's) on the *other* writers' such scores,
and that writer's edits are read as staff edits through `check_reply` with its model in
place of the shipped one. (The other writers' scores came from fits that read the held-out
writer; `--nested` calibrates each held-out writer's model exactly as the shipped one is,
on its training writers' own leave-one-writer-out fits: 15 more fits; on the scorer of
session 21 it read 39.3% caught / 0.9% innocent refused pooled where this reads
39.1 / 1.2.) Printed per writer and pooled: violations caught (per rule) and innocent edits
refused, by the rules alone, the scorer alone and the two together as `check_reply`
combines them. The rules were tuned on every one of these writers, so their column is a
tuned-on figure; the scorer's is not. `--cache DIR` keeps each fit (keyed by the fitting
settings and the training edits' features and labels), so a change of thresholds costs
only the reading. `--save-model` trains the shipped model from the same fits (the same
bytes as `python -m reviewbot.replies.scorer_training`). Never run on an unopened blind
set: only the sets listed in WRITERS are read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewbot.analysis.base import UNREAD, ReviewText  # noqa: E402
from reviewbot.config import load_settings  # noqa: E402
from reviewbot.replies import scorer  # noqa: E402
from reviewbot.replies import scorer_training as st  # noqa: E402
from reviewbot.replies.facts import StoreProfile  # noqa: E402
from reviewbot.replies.guardrails import check_reply  # noqa: E402
from reviewbot.safejson import storable_text  # noqa: E402

RULES = ("promise", "delete_request", "private_data", "blame", "argue")


def cached_fitter(cfg: scorer.ScorerConfig, cache: Path | None) -> st.Fit:
    """`st.fitter`, each fit kept under a key of what it depends on: the fitting settings
    and the training edits' features and labels (so a change of code that leaves them
    alone keeps the fits)."""
    fit = st.fitter(cfg)
    if cache is None:
        return fit
    cache.mkdir(parents=True, exist_ok=True)
    settings = {k: getattr(cfg, k) for k in ("hash_bits", "C", "max_iter", "tol")}
    if cfg.balance_writers:
        settings["balance_writers"] = True
    if cfg.units:  # the innocent edits' sentences are rows too
        settings["unit_weight"] = cfg.unit_weight
    memo: dict[tuple[str, str], bytes] = {}

    def fingerprint(edit: st.Edit) -> bytes:
        key = (edit.text, edit.review)
        if key not in memo:
            f = st.features_of(edit.text, cfg, edit.review)
            memo[key] = hashlib.sha256(f.buckets.tobytes() + f.values.tobytes()).digest()
        return memo[key]

    def cached(edits):
        key = hashlib.sha256(json.dumps(settings, sort_keys=True).encode())
        labels = st.labels_of(edits)
        for edit, label in zip(edits, labels, strict=True):
            key.update(fingerprint(edit) + str(int(label)).encode())
        if cfg.balance_writers:
            key.update(st.writer_weights(edits, cfg).tobytes())
        path = cache / f"{key.hexdigest()[:32]}.npz"
        if path.exists():
            got = np.load(path)
            return got["w"], got["b"]
        w, b = fit(edits)
        np.savez(path, w=w, b=b)
        return w, b

    return cached


def _verdict(edit: st.Edit, store: StoreProfile, learned: bool) -> set[str]:
    found = check_reply(
        storable_text(edit.text),
        review=ReviewText(id=edit.id, text=edit.review),
        analysis=UNREAD,
        store=store,
        learned=learned,
        by_staff=True,
    )
    return {v.code for v in found}


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


KINDS = ("rules", "scorer", "both")


def _tally(rows) -> tuple[Counter, dict, Counter, int]:
    """rows: (rule or None, {kind: refused}) → violations per rule, caught, refused, innocent."""
    total: Counter[str] = Counter()
    caught: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
    refused: Counter[str] = Counter()
    innocent = 0
    for rule, verdict in rows:
        if rule is None:
            innocent += 1
            refused.update(k for k in KINDS if verdict[k])
        elif rule in RULES:
            total[rule] += 1
            for k in KINDS:
                caught[k][rule] += verdict[k]
    return total, caught, refused, innocent


def _line(name, total, caught, refused, innocent) -> str:
    n = sum(total.values())
    got = "  ".join(f"{_pct(sum(caught[k].values()), n):>6}" for k in KINDS)
    bad = "  ".join(f"{_pct(refused[k], innocent):>6}" for k in KINDS)
    return f"{name:<16}{n:>5}  {got}   {innocent:>5}  {bad}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", type=Path, default=ROOT / "config.example.toml")
    parser.add_argument("--store", default="laojiefang")
    parser.add_argument("--holdout", action="append", help="only this writer (repeatable)")
    parser.add_argument("--cache", type=Path, help="keep the fits here")
    parser.add_argument(
        "--cfg",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a ScorerConfig setting (JSON value), e.g. shared_threshold=true cue_weight=0",
    )
    parser.add_argument(
        "--nested",
        action="store_true",
        help="calibrate each held-out writer's model on its training writers' own "
        "leave-one-writer-out fits (15 more fits) instead of the shared ones",
    )
    parser.add_argument(
        "--list", type=Path, help="write each held-out innocent edit refused and each miss here"
    )
    parser.add_argument("--save-model", type=Path, help="also train on every writer, save here")
    parser.add_argument(
        "--rules-from",
        type=Path,
        help="JSON {id: [rules]}: the rules' verdicts from another version for these edits "
        "(e.g. tests/data/dev/guard_writer/rules_ae8abbc.json, from before the rules were "
        "tuned on them); both = those or the scorer",
    )
    parser.add_argument(
        "--writers",
        choices=("shipped", "all"),
        default="shipped",
        help="WRITERS (shipped), or with the rule developers' check sets too (all)",
    )
    args = parser.parse_args()
    if args.writers == "all":
        st.WRITERS = (*st.WRITERS, *(w for w in st.DEVELOPERS if w not in st.WRITERS))
    given = json.loads(args.rules_from.read_text(encoding="utf-8")) if args.rules_from else {}
    settings = load_settings(args.config)
    found = settings.store(args.store)
    store = StoreProfile.from_settings(found.name, found.facts)
    cfg = scorer.ScorerConfig(
        **{k: json.loads(v) for k, v in (item.split("=", 1) for item in args.cfg)}
    )
    fit = cached_fitter(cfg, args.cache)
    edits = st.read_writers(ROOT)
    writers = [w for w, _, _ in st.WRITERS if not args.holdout or w in args.holdout]
    shipped = scorer.default_model
    rows: dict[str, list] = defaultdict(list)
    listed: list[str] = []
    print(f"leave one writer out; {cfg}")
    reads = [st.readings_of(e.text, cfg, e.review) for e in edits]
    fold = np.asarray([e.writer for e in edits])
    fits = {}  # writer → the fit on every other writer

    def held_logits(held: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
        return st.edit_logits([r for r, h in zip(reads, held, strict=True) if h], w, b)

    lowo = np.zeros((len(edits), len(st.FAMILIES)))
    for writer, _, _ in st.WRITERS:
        fits[writer] = fit([e for e in edits if e.writer != writer])
        held = fold == writer
        lowo[held] = held_logits(held, *fits[writer])
    labels = st.labels_of(edits)
    try:
        for writer in writers:
            held = fold == writer
            train = [e for e in edits if e.writer != writer]
            if args.nested:  # exactly as shipped: calibrated on the others' own LOWO
                model = st.train(train, cfg, fit=fit)
            else:  # calibrated on the others' scores by the fits above
                a, b, t = st.calibrate(lowo[~held], labels[~held], cfg, train)
                model = scorer.ScorerModel(cfg, st.FAMILIES, *fits[writer], a, b, t)
            scorer.default_model = lambda model=model: model
            z = held_logits(held, model.w, model.bias)
            p = 1.0 / (1.0 + np.exp(-(model.platt_a * z + model.platt_b)))
            hits = (p >= model.threshold).any(axis=1) & st.scored(
                [e for e in edits if e.writer == writer]
            )
            ts = " ".join(
                f"{f[:6]} {t:.3f}" for f, t in zip(model.families, model.threshold, strict=True)
            )
            print(f"  {writer}: thresholds {ts}", flush=True)
            for edit, hit in zip([e for e in edits if e.writer == writer], hits, strict=True):
                if edit.id in given:
                    rules = set(given[edit.id])
                    both = rules | ({"scorer"} if hit else set())
                else:
                    rules = _verdict(edit, store, learned=False)
                    both = _verdict(edit, store, learned=True)
                rows[writer].append(
                    (edit.rule, {"rules": bool(rules), "scorer": bool(hit), "both": bool(both)})
                )
                if args.list and (
                    bool(both) == (edit.rule is None) or bool(hit) == (edit.rule is None)
                ):
                    listed.append(
                        f"{'REFUSED' if edit.rule is None else 'MISSED'}\t{edit.rule}\t{writer}\t"
                        f"{edit.id}\trules={sorted(rules)}\tscorer={bool(hit)}\t{edit.text}"
                    )
    finally:
        scorer.default_model = shipped
    print(
        f"\n{'writer':<16}{'viol':>5}  {'caught: rules scorer  both':>26}   "
        f"{'innoc':>5}  {'refused: rules scorer both':>24}"
    )
    pooled = []
    for writer in writers:
        pooled += rows[writer]
        print(_line(writer, *_tally(rows[writer])))
    total, caught, refused, innocent = _tally(pooled)
    print(_line("pooled", total, caught, refused, innocent))
    print(f"\n{'rule (pooled)':<16}{'n':>5}  {'rules':>6}  {'scorer':>6}  {'both':>6}")
    for rule in RULES:
        print(
            f"{rule:<16}{total[rule]:>5}  "
            + "  ".join(f"{_pct(caught[k][rule], total[rule]):>6}" for k in KINDS)
        )
    if args.list:
        args.list.write_text("\n".join(listed) + "\n", encoding="utf-8")
    if args.save_model:
        args.save_model.write_bytes(scorer.save(st.train(edits, cfg, fit=fit)))
        print(f"trained on every writer: {args.save_model}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
