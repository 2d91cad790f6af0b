"""Train the guard scorer (reviewbot/replies/scorer.py) on labelled staff edits.

    .venv/bin/python -m reviewbot.replies.scorer_training \
        [--data ONE_FILE.jsonl] [--out reviewbot/replies/data/guard_scorer.bin]

Input: every opened edit set (`WRITERS`, one writer each), or one file: JSON Lines,
`{"id", "text", "review"?, "rule"}` for an edit that breaks `rule`, `{"id", "text",
"review"?, "ok": true}` for an innocent one (tests/data/dev/README.md). One model per
learned family, that family's edits against the innocent ones and every other family's (so
a score also says which rule); logistic regression by the analyzer's L-BFGS
(reviewbot/analysis/training.py), each writer weighing the same in the loss.

Thresholds: with several writers, each writer's edits are scored by a model fitted on the
others (leave one writer out: the wording of a writer the model never read, as in use);
with one, by k seeded folds (a disguised copy `v001_dots` stays in its original's fold).
Those scores are Platt-calibrated per family, then each family's threshold is lowered
greedily (`choose_thresholds`) while at most `max_innocent_refused` of every writer's
innocent edits score above any family's. The same training gives the same bytes (no
timestamps, fixed seed, sorted keys).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from reviewbot.analysis.segment import words_of
from reviewbot.analysis.training import (
    Design,
    _fit_logreg,
    _fit_platt,
    design,
    logits,
)
from reviewbot.replies.facts import StoreProfile
from reviewbot.replies.guardrails import learned_near, learned_reading, normalise
from reviewbot.replies.scorer import (
    MIN_CHARS,
    MODEL_NAME,
    Features,
    ScorerConfig,
    ScorerModel,
    featurize,
    readings,
    save,
)

FAMILIES = ("promise", "delete_request", "private_data", "blame", "argue")
DEFAULT_DATA = Path("tests/data/dev/guard_edits.jsonl")
# Every opened set of staff edits, one writer each: (writer, file, id prefix to leave out).
# guard_edits.jsonl carries guardwriter's edits (gw-) as well; they are read from their
# own folder as their own writer. Unopened blind sets are never listed here.
WRITERS: tuple[tuple[str, str, str], ...] = (
    ("guard12", "tests/data/dev/guard_edits.jsonl", "gw-"),
    ("guardwriter", "tests/data/dev/guard_writer/edits.jsonl", ""),
    ("guard_innocent", "tests/data/dev/guard_innocent/set.jsonl", ""),
    ("guard_probes", "tests/data/dev/guard_probes/set.jsonl", ""),
    ("blind3", "tests/data/blind3/guard_redteam/set.jsonl", ""),
    ("blind6", "tests/data/blind6/guard_redteam/set.jsonl", ""),
    ("blind8", "tests/data/blind8/guard_redteam/set.jsonl", ""),
    # since session 27 (grd4): separate writers who never read the rules
    ("blind7", "tests/data/blind7/guard_redteam/set.jsonl", ""),
    ("t10grd2", "tests/data/dev/guard_t10grd2/set.jsonl", ""),
    ("t10grd", "tests/data/dev/guard_t10grd/set.jsonl", ""),
    ("w11c", "tests/data/dev/guard_w11c/set.jsonl", ""),
    ("w11d", "tests/data/dev/guard_w11d/set.jsonl", ""),
    # since session 28 (grd5): two more blind writers, held out for grd5's rule changes first
    ("w12c", "tests/data/dev/guard_w12c/set.jsonl", ""),
    ("w12d", "tests/data/dev/guard_w12d/set.jsonl", ""),
    # since session 29: w13d (read by grd6a/grd6b), w13e (held out for them first)
    ("w13d", "tests/data/dev/guard_w13d/set.jsonl", ""),
    ("w13e", "tests/data/dev/guard_w13e/set.jsonl", ""),
    # since session 30: w14e (read by grda/grdb/grdi), w14f (held out for them first)
    ("w14e", "tests/data/dev/guard_w14e/set.jsonl", ""),
    ("w14f", "tests/data/dev/guard_w14f/set.jsonl", ""),
)
# The rule developers' check sets, not writers: typed by helpers who had read the rules and
# the misses, each batch aimed at a known gap (the rules' blind spots in the rules' terms,
# not an unseen writer's wording), with few innocent edits each, which the budget of 0.5%
# of every writer turns into thresholds no innocent edit of theirs may reach
# (`bench/guard_cv.py --writers all` adds them).
DEVELOPERS: tuple[tuple[str, str, str], ...] = (
    ("guardl", "tests/data/dev/guard_guardl/set.jsonl", ""),
    ("guardfix", "tests/data/dev/guard_guardfix/set.jsonl", ""),
    ("guardinn", "tests/data/dev/guard_guardinn/set.jsonl", ""),
    ("guard2", "tests/data/dev/guard_guard2/set.jsonl", ""),
    ("grd7", "tests/data/dev/guard_grd7/set.jsonl", ""),
    ("ga8", "tests/data/dev/guard_ga8/set.jsonl", ""),
)
DEFAULT_OUT = Path(__file__).with_name("data") / MODEL_NAME
SEED = 12


@dataclass(frozen=True, slots=True)
class Edit:
    id: str
    text: str
    rule: str | None  # None: innocent
    writer: str = ""
    review: str = ""

    @property
    def group(self) -> str:
        """Disguised copies share their original's group (v001_dots → v001)."""
        return self.id.split("_")[0]


def read_edits(path: Path, writer: str = "", leave_out: str = "") -> list[Edit]:
    edits = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        item = json.loads(raw)
        if leave_out and str(item["id"]).startswith(leave_out):
            continue
        rule = item.get("rule") or None
        if rule is None and item.get("ok") is not True:
            raise ValueError(f"{path}: {item.get('id')}: neither a rule nor ok")
        edits.append(
            Edit(str(item["id"]), item["text"], rule, writer, str(item.get("review") or ""))
        )
    return edits


def read_writers(root: Path = Path()) -> list[Edit]:
    """Every opened set's edits (`WRITERS`), each tagged with its writer."""
    return [
        edit
        for writer, path, leave_out in WRITERS
        for edit in read_edits(root / path, writer, leave_out)
    ]


def features_of(text: str, cfg: ScorerConfig, review: str = "") -> Features:
    """Exactly what `check_reply` scores: the text as the rules read it for the store the
    edit sets were written for (its own phone read as blanks, the customer's words named
    back too), and its words."""
    read = learned_reading(text, review, training_store())
    return featurize(read, words_of(read), cfg, _near(text, review, cfg))


def readings_of(text: str, cfg: ScorerConfig, review: str = "") -> list[Features]:
    """What `check_reply` scores of the text (the whole, and with `cfg.units` each
    sentence): `features_of` first."""
    read = learned_reading(text, review, training_store())
    return [f for _, _, f in readings(read, words_of, cfg, _near(text, review, cfg))]


def _near(text: str, review: str, cfg: ScorerConfig) -> tuple[str, ...]:
    """The rules' near misses on the edit, when the model reads them."""
    return learned_near(text, review, training_store()) if cfg.near_weight else ()


def edit_logits(reads: Sequence[Sequence[Features]], w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Each edit's logits (edits × families): the highest of its readings'."""
    flat = [f for r in reads for f in r]
    owner = np.repeat(np.arange(len(reads)), [len(r) for r in reads])
    z = logits(design(flat), w, b)
    out = np.full((len(reads), len(w)), -np.inf)
    np.maximum.at(out, owner, z)
    return out


@cache
def training_store() -> StoreProfile:
    """The store every edit set was written for: config.example.toml's laojiefang (its
    phone 028-6543 2100 is innocent in them, any other is private data)."""
    return StoreProfile(
        name="老街坊川菜馆",
        signature="老街坊川菜馆 店长老王",
        contact="店长电话 028-6543 2100",
    )


def _fit(
    d: Design, labels: np.ndarray, cfg: ScorerConfig, sw: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per family: weights over all buckets and a bias."""
    n_cols = 1 << cfg.hash_bits
    w = np.zeros((len(FAMILIES), n_cols))
    b = np.zeros(len(FAMILIES))
    sw = np.ones(len(labels)) if sw is None else sw
    for f in range(len(FAMILIES)):
        y = (labels == f).astype(np.float64)
        w[f], b[f] = _fit_logreg(d, y, sw, cfg.C, cfg.max_iter, cfg.tol, n_cols)
    return w, b


def writer_weights(edits: Sequence[Edit], cfg: ScorerConfig) -> np.ndarray:
    """A sample weight per edit: with `balance_writers`, every writer weighs the same in
    the loss (the rule developer's thousands of edits and their disguised copies would
    otherwise teach mostly his wording); the mean weight stays 1."""
    if not cfg.balance_writers:
        return np.ones(len(edits))
    count = Counter(e.writer for e in edits)
    return np.asarray([len(edits) / (len(count) * count[e.writer]) for e in edits])


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


Fit = Callable[[Sequence["Edit"]], tuple[np.ndarray, np.ndarray]]


def fitter(cfg: ScorerConfig) -> Fit:
    """Fit the families on some edits; each text's features are read once."""
    memo: dict[tuple[str, str], list[Features]] = {}

    def feats(edit: Edit) -> list[Features]:
        key = (edit.text, edit.review)
        if key not in memo:
            memo[key] = readings_of(edit.text, cfg, edit.review)
        return memo[key]

    def fit(edits: Sequence[Edit]) -> tuple[np.ndarray, np.ndarray]:
        rows = [feats(e)[0] for e in edits]
        labels = labels_of(edits)
        sw = writer_weights(edits, cfg)
        extra, extra_w = [], []
        for edit, label, weight in zip(edits, labels, sw, strict=True):
            units = feats(edit)[1:]
            if label == -1 and units:  # an innocent edit's sentences are innocent
                extra += units
                extra_w += [cfg.unit_weight * weight / len(units)] * len(units)
        if extra:
            rows += extra
            labels = np.concatenate([labels, np.full(len(extra), -1)])
            sw = np.concatenate([sw, np.asarray(extra_w)])
        return _fit(design(rows), labels, cfg, sw)

    return fit


def fold_plan(edits: Sequence[Edit], cfg: ScorerConfig, seed: int = SEED) -> np.ndarray:
    """One fold per writer when the edits come from several (so the thresholds are chosen
    on wording by writers the model never read), else seeded folds of `cfg.folds`."""
    writers = sorted({e.writer for e in edits})
    if len(writers) > 1:
        return np.asarray([writers.index(e.writer) for e in edits])
    return folds_of(edits, cfg.folds, seed)


def out_of_fold(
    edits: Sequence[Edit], cfg: ScorerConfig, seed: int = SEED, fit: Fit | None = None
) -> np.ndarray:
    """Out-of-fold logits (edits × families), folds by `fold_plan`."""
    fit = fit or fitter(cfg)
    reads = [readings_of(e.text, cfg, e.review) for e in edits]
    fold = fold_plan(edits, cfg, seed)
    oof = np.zeros((len(edits), len(FAMILIES)))
    for k in sorted(set(fold.tolist())):
        w, b = fit([e for e, f in zip(edits, fold, strict=True) if f != k])
        held = fold == k
        oof[held] = edit_logits([r for r, h in zip(reads, held, strict=True) if h], w, b)
    return oof


def scored(edits: Sequence[Edit]) -> np.ndarray:
    """Whether `check_reply` asks the scorer at all (shorter texts are left to the rules)."""
    return np.asarray([len(normalise(e.text).strip()) >= MIN_CHARS for e in edits])


def _weights(edits: Sequence[Edit], mask: np.ndarray) -> np.ndarray:
    """Each writer counts the same, however many edits of the kind it wrote."""
    out = np.zeros(len(edits))
    writers = Counter(e.writer for e, m in zip(edits, mask, strict=True) if m)
    for i, edit in enumerate(edits):
        if mask[i]:
            out[i] = 1.0 / (writers[edit.writer] * len(writers))
    return out


def choose_thresholds(
    p: np.ndarray, labels: np.ndarray, edits: Sequence[Edit], cfg: ScorerConfig
) -> np.ndarray:
    """A probability threshold per family: greedily lowered, the family whose next step
    catches the most violations per innocent edit it refuses first (each writer weighing
    the same), while the innocent edits refused by any family stay within
    `max_innocent_refused`: of every writer (`budget_each_writer`), else on average. Never
    below `min_threshold`."""
    long = scored(edits)
    p = np.where(long[:, None], p, 0.0)
    innocent = labels == -1
    if cfg.shared_threshold:  # the older way: one threshold, innocent edits counted pooled
        ranked = np.sort(p[innocent].max(axis=1))[::-1]
        allowed = int(np.floor(cfg.max_innocent_refused * len(ranked)))
        one = float(ranked[allowed]) + 1e-9 if allowed < len(ranked) else cfg.min_threshold
        return np.full(len(FAMILIES), max(one, cfg.min_threshold))
    violation = (labels >= 0) & (labels < len(FAMILIES))
    w_ok, w_bad = _weights(edits, innocent), _weights(edits, violation)
    t = np.full(len(FAMILIES), 1.0 + 1e-9)

    def refused(th: np.ndarray) -> np.ndarray:
        return (p >= th).any(axis=1)

    writer_of = np.asarray([e.writer for e in edits])
    by_writer = [(writer_of == w) & innocent for w in sorted(set(writer_of[innocent]))]

    def worst(hit: np.ndarray) -> float:
        """The innocent edits refused: of the writer most refused (`budget_each_writer`),
        else of all writers, each weighing the same (and no writer over `writer_cap`)."""
        most = max(float(hit[m].mean()) for m in by_writer)
        if cfg.budget_each_writer:
            return most
        if cfg.writer_cap and most > cfg.writer_cap + 1e-12:
            return np.inf
        return float(w_ok[hit].sum())

    # free first: each family down to just above its highest innocent score
    for f in range(len(FAMILIES)):
        t[f] = max(float(p[innocent, f].max(initial=0.0)) + 1e-9, cfg.min_threshold)
    while True:
        now = refused(t)
        now_ok, now_bad = float(w_ok[now].sum()), float(w_bad[now].sum())
        best: tuple[float, int, float] | None = None
        for f in range(len(FAMILIES)):
            # each depth: just above one of the innocent scores below the threshold (the
            # first is free: the edits above it are refused by another family already)
            levels = np.unique(p[innocent & ~now, f])[::-1]
            for level in (x + 1e-9 for x in levels if x + 1e-9 < t[f]):
                trial = t.copy()
                trial[f] = max(level, cfg.min_threshold)
                hit = refused(trial)
                cost = float(w_ok[hit].sum()) - now_ok
                if worst(hit) > cfg.max_innocent_refused + 1e-12:
                    break  # deeper costs more
                gain = float(w_bad[hit].sum()) - now_bad
                score = gain / cost if cost > 0 else np.inf
                if gain > 0 and (best is None or score > best[0]):
                    best = (score, f, trial[f])
                if trial[f] <= cfg.min_threshold:
                    break
        if best is None:
            return t
        t[best[1]] = best[2]


def calibrate(
    oof: np.ndarray, labels: np.ndarray, cfg: ScorerConfig, edits: Sequence[Edit]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Platt's a and b per family, and each family's probability threshold."""
    a = np.zeros(len(FAMILIES))
    b = np.zeros(len(FAMILIES))
    for f in range(len(FAMILIES)):
        a[f], b[f] = _fit_platt(oof[:, f], (labels == f).astype(np.float64))
    p = 1.0 / (1.0 + np.exp(-(a * oof + b)))
    return a, b, choose_thresholds(p, labels, edits, cfg)


def train(
    edits: Sequence[Edit],
    cfg: ScorerConfig = ScorerConfig(),  # noqa: B008
    fit: Fit | None = None,
) -> ScorerModel:
    fit = fit or fitter(cfg)
    labels = labels_of(edits)
    oof = out_of_fold(edits, cfg, fit=fit)
    a, b, thresholds = calibrate(oof, labels, cfg, edits)
    w, bias = fit(edits)
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
        thresholds,
        meta={
            "n_train": len(edits),
            "seed": SEED,
            "data_sha256": digest.hexdigest(),
            "writers": sorted({e.writer for e in edits}),
        },
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, help="one file instead of every writer's")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    edits = read_edits(args.data) if args.data else read_writers()
    model = train(edits)
    args.out.write_bytes(save(model))
    thresholds = " ".join(f"{f} {t:.3f}" for f, t in zip(FAMILIES, model.threshold, strict=True))
    print(f"trained on {len(edits)} edits, thresholds {thresholds}: {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
