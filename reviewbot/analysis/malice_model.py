"""The learned second reader of extortion and threats, beside the evidence patterns.

The patterns (malice.toml) catch the wordings their authors thought of; on the next
writer's set they caught about four in ten. This reader is a logistic regression per
reason (extortion, threat) over hashed character 1-3-grams of the text as the patterns read
it (MaliceRules.fold: Traditional → Simplified, full width, spaced-out writing, Cantonese),
plus which evidence pieces of malice.toml occur (an amount, a demand, an action on the
review, harm, a report…) and every pair of them, so the model learns how the pieces
combine; and (session 30) the bonus pieces no combo names, mostly the counter-evidence
the patterns subtract (a shop's offer retold, a refusal, a report already made:
MaliceRules.counter_in), as pieces too: the honest rows that set the extortion threshold
were the retold and refused offers, whose other pieces are an extortion's. It is trained
on every opened labelled set (malice_training.py) and reads only reviews the patterns' cue
prefilter lets through (MaliceRules.cued): the others hold no demand, review action, harm
or authority word it could weigh. Of those, the analyzer asks
it only about reviews where some evidence piece occurs (half of the cued short reviews have
none): without the pieces' marks no review of any opened set comes within 3 logits of a
threshold (tests/test_malice_model.py checks this of the shipped model).

A review is flagged for a reason when its logit passes that reason's threshold, chosen so
no honest row scores above it out of fold nor in the training data, and the flag carries
evidence: the customer's words that add most to the score, the pieces found, and the score.
`bench/malice_cv.py` measures it leave-one-writer-out.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from reviewbot.analysis import weights
from reviewbot.analysis.spans import explaining_span, spread

FORMAT_MAGIC = b"RBMALICE1\n"
MODEL_NAME = "malice_model.bin"
HEADS = ("extortion", "threat")
_BOS, _EOS = "\x02", "\x03"
_DIGITS = str.maketrans("0123456789", "0000000000")


@dataclass(frozen=True)
class ModelConfig:
    """Hyper-parameters; the defaults are the shipped model's."""

    hash_bits: int = 18
    ngram_max: int = 3
    piece_weight: float = 0.7  # the pieces group's norm next to the n-grams' 1
    C: float = 4.0
    max_iter: int = 300
    tol: float = 1e-5
    folds: int = 5  # group folds for the out-of-fold scores the threshold is read from
    # Per head, added to the highest honest logit: the smallest that flagged no honest row
    # of any held-out writer in bench/malice_cv.py (session 22: extortion 0.5; threat 2,
    # where its head adds nothing the patterns miss; dev_malt's honest threat look-alikes
    # reach 1.5 above the threshold of the other writers). Session 25, 26 writers: extortion
    # 0.9 (dev_malt's 有问题可以私聊我，我把照片发给你们看 reached 0.37 over 0.5). Session 28,
    # blind10 a writer and the m8_* pieces: a dev_malt honest row reached 0.01 over 0.9: 0.95.
    margins: tuple[float, ...] = (0.95, 2.0)
    # the patterns' near misses as features: off, as the patterns were tuned on every set,
    # so a leave-one-writer-out figure with them would be the patterns' own in disguise
    near: bool = False
    # the bonus pieces no combo names (MaliceRules.counter_in: a shop's offer retold, a
    # refusal, a report already made…) as pieces too: the honest rows that set the
    # thresholds are the retold offers and refusals, whose other pieces are the threats'
    counter: bool = True


@dataclass(frozen=True, slots=True)
class Features:
    buckets: np.ndarray
    values: np.ndarray
    spans: np.ndarray  # (n-gram features × 2): start and end in the folded text


def _hash(data: str, bits: int) -> int:
    return zlib.crc32(data.encode("utf-8", "surrogatepass")) & ((1 << bits) - 1)


_CACHE_SIZE = 200_000  # n-gram → bucket, cleared when full: reviews share most n-grams


class _Buckets(dict):
    """n-gram → its bucket for one hash width, computed on first sight (dict.__missing__):
    `map(buckets.__getitem__, grams)` looks a text's n-grams up without a Python call each."""

    def __init__(self, bits: int) -> None:
        super().__init__()
        self.mask = (1 << bits) - 1

    def __missing__(self, gram: str) -> int:
        if len(self) >= _CACHE_SIZE:
            self.clear()
        found = self[gram] = zlib.crc32(gram.encode("utf-8", "surrogatepass")) & self.mask
        return found


_buckets: dict[int, _Buckets] = {}


def _buckets_for(bits: int) -> _Buckets:
    found = _buckets.get(bits)
    if found is None:
        found = _buckets[bits] = _Buckets(bits)
    return found


def _bucket(gram: str, bits: int) -> int:
    return _buckets_for(bits)[gram]


_SLICES: dict[tuple[int, int], tuple[slice, ...]] = {}  # (length, n) → the n-grams' slices


def _unique_buckets(doc: str, bits: int, ngram_max: int) -> set[int]:
    """The buckets of the distinct 1..ngram_max-grams of `doc` (as _doc made it), the start
    and end marks alone left out: the slices of a length are kept (short texts)."""
    n = len(doc)
    key = (n, ngram_max)
    slices = _SLICES.get(key)
    if slices is None:
        # every n-gram but the two marks alone (positions 0 and n - 1)
        slices = tuple(
            slice(i, i + k)
            for k in range(1, ngram_max + 1)
            for i in range(n - k + 1)
            if k > 1 or 0 < i < n - 1
        )
        if n <= 256:
            _SLICES[key] = slices
    buckets = _buckets_for(bits)
    if _BOS in doc[1:-1] or _EOS in doc[1:-1]:  # a mark inside the text: also left out
        grams = set(map(doc.__getitem__, slices)) - {_BOS, _EOS}
        return set(map(buckets.__getitem__, grams))
    return set(map(buckets.__getitem__, map(doc.__getitem__, slices)))


def _doc(folded: str) -> str:
    return _BOS + folded.lower().translate(_DIGITS) + _EOS


def _marks(pieces: Iterable[str], near: Mapping[str, float] | None, cfg: ModelConfig) -> list[str]:
    names = sorted(pieces)
    marks = [f"\x01p:{a}" for a in names]
    marks += [f"\x01pp:{a}|{b}" for i, a in enumerate(names) for b in names[i + 1 :]]
    for reason, ratio in sorted((near if cfg.near and near else {}).items()):
        marks.append(f"\x01r:{reason}:{min(int(ratio * 4), 6)}")
    return marks


def featurize(
    folded: str,
    pieces: Iterable[str],
    cfg: ModelConfig,
    near: Mapping[str, float] | None = None,
) -> Features:
    """N-grams of the folded text (lower case, digits 0), the evidence pieces found and
    every pair of them, and `near`: per reason, the patterns' best score over their
    threshold (a near miss of the patterns is evidence too), in quarter steps."""
    doc = _doc(folded)
    bits = cfg.hash_bits
    grams: dict[int, tuple[int, int]] = {}
    n = len(doc)
    for k in range(1, cfg.ngram_max + 1):
        for i in range(n - k + 1):
            gram = doc[i : i + k]
            if k == 1 and gram in (_BOS, _EOS):
                continue
            bucket = _bucket(gram, bits)
            if bucket not in grams:  # spans in the folded text (the start mark is none)
                grams[bucket] = (max(i - 1, 0), min(i - 1 + k, len(folded)))
    piece_buckets = [_hash(m, bits) for m in _marks(pieces, near, cfg)]
    values = [1 / math.sqrt(len(grams))] * len(grams) if grams else []
    if piece_buckets:
        values += [cfg.piece_weight / math.sqrt(len(piece_buckets))] * len(piece_buckets)
    return Features(
        np.asarray([*grams, *piece_buckets], np.int64),
        np.asarray(values, np.float64),
        np.asarray(list(grams.values()), np.int64).reshape(-1, 2),
    )


@dataclass
class MaliceModel:
    """Per reason: a weight per bucket, a bias and the logit threshold of a flag."""

    config: ModelConfig
    heads: tuple[str, ...]
    w: np.ndarray  # (heads, 2**hash_bits)
    bias: np.ndarray
    threshold: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)
    # read()'s per-process caches: the weight rows as buffers, the marks' sums per pieces
    _rows: tuple[memoryview, ...] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _marks_cache: dict[tuple, tuple[tuple[float, ...], float] | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def logits(self, features: Features) -> np.ndarray:
        return self.w[:, features.buckets] @ features.values + self.bias

    def read(
        self, folded: str, pieces: Iterable[str], near: Mapping[str, float] | None = None
    ) -> np.ndarray:
        """logits(featurize(…)) without the spans, for the hot path (every cued review with
        an evidence piece).

        The weights are float16 values (the file keeps them so, and training rounds to them
        before it reads thresholds): multiples of 2**-24 below 2**16, so a sum of up to
        2**13 of them in float64 is exact in any order. The sums are taken in Python over
        the rows (no array built per review) and give the bits the array sums gave."""
        cfg = self.config
        unique = _unique_buckets(_doc(folded), cfg.hash_bits, cfg.ngram_max)
        rows = self._rows
        if rows is None:  # buffers over the rows: indexed without an array per review
            rows = self._rows = tuple(memoryview(np.ascontiguousarray(row)) for row in self.w)
        z = self.bias.tolist()
        if unique:
            root = math.sqrt(len(unique))
            z = [
                b + sum(map(row.__getitem__, unique)) / root for b, row in zip(z, rows, strict=True)
            ]
        marked = self._marked(pieces, near)
        if marked is not None:
            sums, scale = marked
            z = [v + s * scale for v, s in zip(z, sums, strict=True)]
        return np.asarray(z, np.float64)

    def _marked(
        self, pieces: Iterable[str], near: Mapping[str, float] | None
    ) -> tuple[tuple[float, ...], float] | None:
        """Per head, the summed weight of the marks of these pieces (and near misses), and
        the scale it is added with; None without marks. Kept per set of pieces: a review
        has few, and the same sets recur."""
        cfg = self.config
        key = (frozenset(pieces), tuple(sorted(near.items())) if cfg.near and near else ())
        found = self._marks_cache.get(key, False)
        if found is False:
            marks = _marks(key[0], near, cfg)
            found = None
            if marks:
                marked = [_hash(m, cfg.hash_bits) for m in marks]
                sums = tuple(float(v) for v in self.w[:, marked].sum(axis=1))
                found = (sums, cfg.piece_weight / math.sqrt(len(marks)))
            if len(self._marks_cache) >= 4096:
                self._marks_cache.clear()
            self._marks_cache[key] = found
        return found

    def explain(self, features: Features, head: int, length: int) -> np.ndarray:
        """Per folded character, its share of `head`'s score: each n-gram's weight shared
        over its characters."""
        n_grams = len(features.spans)
        contribution = self.w[head, features.buckets[:n_grams]] * features.values[:n_grams]
        return spread(features.spans.tolist(), contribution, length)

    def span(self, features: Features, head: int, folded: str) -> tuple[int, int]:
        """Where in `folded` the words behind `head`'s score are (see explain)."""
        return explaining_span(self.explain(features, head, len(folded)), folded)


# -- the weights file ----------------------------------------------------------------------


def save(model: MaliceModel) -> bytes:
    header = {
        "config": {**model.config.__dict__, "margins": list(model.config.margins)},
        "heads": list(model.heads),
        "bias": [float(b) for b in model.bias],
        "threshold": [float(t) for t in model.threshold],
        "meta": model.meta,
    }
    return weights.pack(FORMAT_MAGIC, header, model.w)


def load(blob: bytes) -> MaliceModel:
    header, w = weights.unpack(blob, FORMAT_MAGIC, "malice model")
    config = dict(header["config"])
    config["margins"] = tuple(config["margins"])
    config.setdefault("counter", False)  # a file from before the counter-evidence pieces
    return MaliceModel(
        ModelConfig(**config),
        tuple(header["heads"]),
        w,
        np.asarray(header["bias"], np.float64),
        np.asarray(header["threshold"], np.float64),
        header["meta"],
    )


@cache
def default_model() -> MaliceModel | None:
    """The shipped model, or None when the package has none (the patterns work alone)."""
    path = resources.files("reviewbot.analysis").joinpath(f"data/{MODEL_NAME}")
    if not path.is_file():
        return None
    return load(path.read_bytes())
