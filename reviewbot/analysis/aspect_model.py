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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from reviewbot.analysis import weights
from reviewbot.analysis.aspects import Reading
from reviewbot.analysis.complaints import Found
from reviewbot.analysis.malice_model import _buckets_for, _doc, _unique_buckets

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


def _parts(
    text: str,
    clauses: Sequence[tuple[int, int, bool]],
    delivery: bool,
    cfg: ModelConfig,
    wanted: Iterable[int],
) -> list[tuple[list[int], list[float]]]:
    """The buckets and values of each wanted clause (start, end, contrasted) of `text`:
    its own n-grams, its neighbours' 2-grams, the marks; each group to its own norm, in
    bucket order (the order training summed them in). Run on every negative review: the
    n-grams are sliced and hashed by C-level maps."""
    buckets = _buckets_for(cfg.hash_bits)
    lookup = buckets.__getitem__
    docs: dict[int, str] = {}

    def doc(i: int) -> str:
        found = docs.get(i)
        if found is None:
            start, end, _ = clauses[i]
            found = docs[i] = _doc(text[start:end])
        return found

    def around(i: int, prefix: str) -> set[int]:
        d = doc(i)
        k = cfg.context_ngram_max
        grams = map(d.__getitem__, map(slice, range(len(d) - k + 1), range(k, len(d) + 1)))
        return set(map(lookup, map(prefix.__add__, grams)))

    marked = [lookup(_MARK + "clause")] + ([lookup(_MARK + "delivery")] if delivery else [])
    contrast = lookup(_MARK + "contrast")
    out = []
    for i in wanted:
        own = sorted(_unique_buckets(doc(i), cfg.hash_bits, cfg.ngram_max))
        near: set[int] = set()
        if i > 0:
            near |= around(i - 1, _PREV)
        if i + 1 < len(clauses):
            near |= around(i + 1, _NEXT)
        marks = sorted({*marked, contrast}) if clauses[i][2] else sorted(set(marked))
        b: list[int] = []
        v: list[float] = []
        for group, weight in (
            (own, 1.0),
            (sorted(near), cfg.context_weight),
            (marks, cfg.mark_weight),
        ):
            if group:
                b += group
                v += [weight / math.sqrt(len(group))] * len(group)
        out.append((b, v))
    return out


def clause_features(
    text: str, clauses: Sequence[tuple[int, int, bool]], delivery: bool, cfg: ModelConfig
) -> list[Features]:
    """One feature vector per clause (start, end, contrasted) of the folded `text`."""
    return [
        Features(np.asarray(b, np.int64), np.asarray(v, np.float64))
        for b, v in _parts(text, clauses, delivery, cfg, range(len(clauses)))
    ]


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

    def read(
        self,
        text: str,
        clauses: Sequence[tuple[int, int, bool]],
        delivery: bool,
        wanted: Sequence[int],
    ) -> np.ndarray:
        """(clauses × heads) probabilities of the wanted clauses (0 for the others): one
        gather of the weights' rows and one small matrix product, the analyzer's hot path."""
        out = np.zeros((len(clauses), len(self.heads)))
        parts = _parts(text, clauses, delivery, self.config, wanted)
        if not parts:
            return out
        b = [x for bs, _ in parts for x in bs]
        spread = np.zeros((len(parts), len(b)))  # row r: clause r's values in its columns
        at = 0
        for r, (_, vs) in enumerate(parts):
            spread[r, at : at + len(vs)] = vs
            at += len(vs)
        z = spread @ self.w[b] + self.bias
        out[list(wanted)] = 1.0 / (1.0 + np.exp(-z))
        return out

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
        w.astype(np.float32),  # float16 values: exact in float32, half the memory of float64
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


def read_by_rules(reading: Reading, found: Found) -> set[int]:
    """The clauses the rules already read: a complaint or praise of theirs is in them, or
    the lexicon reads them as praise (咸淡适中, 人均100，很划算: an aspect named in praise
    is no complaint, and the model's n-grams do not tell the two apart)."""
    judged = {i for p in found.points for i in range(p.first, p.last + 1)}
    judged.update(i for i, c in enumerate(reading.clauses) if c.general + sum(c.own.values()) > 0)
    return judged


def additions(
    probabilities: np.ndarray,
    heads: Sequence[str],
    addable: np.ndarray,
    threshold: float,
    judged: set[int],
    found: set[str],
) -> list[tuple[int, str, float]]:
    """(clause, aspect, probability) of each complaint the model adds: an aspect the rules
    did not find in the review, in a clause they did not read (read_by_rules), at or over the
    threshold; one clause per aspect (its most probable)."""
    over = (probabilities >= threshold) & addable
    best: dict[str, tuple[float, int]] = {}
    for clause, k in zip(*(a.tolist() for a in np.nonzero(over)), strict=True):
        p = float(probabilities[clause, k])
        if clause in judged or heads[k] in found or p <= best.get(heads[k], (-1.0, 0))[0]:
            continue
        best[heads[k]] = (p, clause)
    return sorted(((c, a, p) for a, (p, c) in best.items()), key=lambda t: (t[0], -t[2]))
