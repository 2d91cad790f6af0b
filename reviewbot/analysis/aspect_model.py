"""The learned second reader of complaint aspects, beside the lexicon and patterns.

The rules (data/aspects.toml) find the wordings their authors thought of; on each new
writer's set they found about half the labelled complaints, and rules tuned on one writer
did not carry to the next. This reader is a logistic regression per aspect over each clause
of the review (the clause splitter of aspects.py, on the folded text: Traditional →
Simplified, full width, Cantonese → Mandarin): hashed character 1-3-grams of the clause,
the 1-2-grams of the clauses on either side (a complaint often goes on from the clause
before: 送了一个多小时，到手汤都不烫了), and marks for a delivery review and a contrasted
clause. It is trained on every opened labelled set with complaint spans (a clause is
labelled with a gold aspect when the gold span overlaps it; aspect_training.py) and
measured leave-one-writer-out by bench/aspect_cv.py.

The analyzer asks it only about reviews read as negative or mixed, and adds a complaint
only for an aspect the rules did not find in the review, in a clause where the rules found
no complaint, when its probability passes the model's threshold (chosen out of fold for the
precision of what it adds). The complaint's span is the clause; its severity is the
aspect's, as the rules give it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from reviewbot.analysis import weights
from reviewbot.analysis.malice_model import _buckets_for, _doc

FORMAT_MAGIC = b"RBASPECT1\n"
MODEL_NAME = "aspect_model.bin"
_PREV, _NEXT, _MARK = "\x04<", "\x04>", "\x04m:"


@dataclass(frozen=True)
class ModelConfig:
    """Hyper-parameters; the defaults are the shipped model's."""

    hash_bits: int = 16  # 18 bits read the same leave-one-writer-out (session 25)
    ngram_max: int = 3
    context_ngram_max: int = 2
    context_weight: float = 0.35  # the neighbours' group norm next to the clause's 1
    mark_weight: float = 0.5
    C: float = 32.0  # leave-one-writer-out: 8 < 16 < 32 (recall at equal precision)
    max_iter: int = 200
    tol: float = 1e-4
    min_support: int = 8  # an aspect needs this many labelled clauses to get a head
    # Heads never added by the model: a hygiene complaint makes a review critical and starts
    # the food-safety path, so it must stay in the customer's own words (aspects.WORDS_ONLY).
    words_only: tuple[str, ...] = ("hygiene",)
    # The precision the added complaints must reach out of fold on the training writers:
    # the rules' own (about 0.7), so what is added is no worse than what the rules find.
    target_precision: float = 0.7
    prune: float = 1e-3  # weights smaller than this are stored as 0 (a smaller file)


@dataclass(frozen=True, slots=True)
class Features:
    buckets: np.ndarray
    values: np.ndarray


def _grams(doc: str, low: int, high: int) -> set[str]:
    n = len(doc)
    out = {doc[i : i + k] for k in range(low, high + 1) for i in range(n - k + 1)}
    return out - {"\x02", "\x03"}


def clause_features(
    text: str, clauses: Sequence[tuple[int, int, bool]], delivery: bool, cfg: ModelConfig
) -> list[Features]:
    """One feature vector per clause (start, end, contrasted) of the folded `text`."""
    buckets = _buckets_for(cfg.hash_bits)
    docs = [_doc(text[s:e]) for s, e, _ in clauses]
    own = [_grams(d, 1, cfg.ngram_max) for d in docs]
    ctx = [_grams(d, 2, cfg.context_ngram_max) for d in docs]
    out = []
    for i, (_, _, contrasted) in enumerate(clauses):
        grams = sorted({buckets[g] for g in own[i]})
        around = set()
        if i > 0:
            around |= {buckets[_PREV + g] for g in ctx[i - 1]}
        if i + 1 < len(clauses):
            around |= {buckets[_NEXT + g] for g in ctx[i + 1]}
        marks = {buckets[_MARK + "clause"]}
        if delivery:
            marks.add(buckets[_MARK + "delivery"])
        if contrasted:
            marks.add(buckets[_MARK + "contrast"])
        parts = [
            (grams, 1.0),
            (sorted(around), cfg.context_weight),
            (sorted(marks), cfg.mark_weight),
        ]
        b = [x for group, _ in parts for x in group]
        v = [weight / math.sqrt(len(group)) for group, weight in parts if group for _ in group]
        out.append(Features(np.asarray(b, np.int64), np.asarray(v, np.float64)))
    return out


@dataclass
class AspectModel:
    """Per aspect head: a weight per bucket and a bias; one probability threshold."""

    config: ModelConfig
    heads: tuple[str, ...]
    w: np.ndarray  # (2**hash_bits, heads): a clause's buckets index rows
    bias: np.ndarray
    threshold: float
    meta: dict[str, Any] = field(default_factory=dict)
    _addable: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)

    def probabilities(self, features: Sequence[Features]) -> np.ndarray:
        """(clauses × heads) probabilities."""
        if not features:
            return np.zeros((0, len(self.heads)))
        z = np.stack([f.values @ self.w[f.buckets] for f in features]) + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    def addable(self) -> np.ndarray:
        """Which heads the analyzer may add (not words_only categories)."""
        if self._addable is None:
            only = self.config.words_only
            self._addable = np.asarray([h.split(".")[0] not in only for h in self.heads], bool)
        return self._addable


def save(model: AspectModel) -> bytes:
    header = {
        "config": {**model.config.__dict__, "words_only": list(model.config.words_only)},
        "heads": list(model.heads),
        "bias": [float(b) for b in model.bias],
        "threshold": float(model.threshold),
        "meta": model.meta,
    }
    return weights.pack(FORMAT_MAGIC, header, model.w)


def load(blob: bytes) -> AspectModel:
    header, w = weights.unpack(blob, FORMAT_MAGIC, "aspect model")
    config = dict(header["config"])
    config["words_only"] = tuple(config["words_only"])
    return AspectModel(
        ModelConfig(**config),
        tuple(header["heads"]),
        w,
        np.asarray(header["bias"], np.float64),
        float(header["threshold"]),
        header["meta"],
    )


@cache
def default_model() -> AspectModel | None:
    """The shipped model, or None when the package has none (the rules work alone)."""
    path = resources.files("reviewbot.analysis").joinpath(f"data/{MODEL_NAME}")
    if not path.is_file():
        return None
    return load(path.read_bytes())


def additions(
    probabilities: np.ndarray,
    heads: Sequence[str],
    addable: np.ndarray,
    threshold: float,
    blamed: set[int],
    found: set[str],
) -> list[tuple[int, str, float]]:
    """(clause, aspect, probability) of each complaint the model adds: an aspect the rules
    did not find in the review, in a clause where they found no complaint, at or over the
    threshold; one clause per aspect (its most probable)."""
    best: dict[str, tuple[float, int]] = {}
    for clause, row in enumerate(probabilities.tolist()):
        if clause in blamed:
            continue
        for k, p in enumerate(row):
            if (
                p >= threshold
                and addable[k]
                and heads[k] not in found
                and p > best.get(heads[k], (-1.0, 0))[0]
            ):
                best[heads[k]] = (p, clause)
    return sorted(((c, a, p) for a, (p, c) in best.items()), key=lambda t: (t[0], -t[2]))
