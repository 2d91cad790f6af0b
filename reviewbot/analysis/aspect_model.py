"""The learned second reader of complaint aspects, beside the lexicon and patterns.

The rules (data/aspects.toml) find the wordings their authors thought of; on each new
writer's set they found about half the labelled complaints, and rules tuned on one writer
did not carry to the next. This reader is a logistic regression per aspect over each clause
of the review (the clause splitter of aspects.py, on the folded text: Traditional →
Simplified, full width, Cantonese → Mandarin): hashed character 1-3-grams of the clause,
the same n-grams of the clauses on either side, their buckets moved by a mask per side
(a complaint often goes on from the clause before: 送了一个多小时，到手汤都不烫了; a clause
is hashed once, for itself and as a neighbour), and marks for a delivery review and a
contrasted clause. It is trained on every opened labelled set with complaint spans (a clause is
labelled with a gold aspect when the gold span overlaps it; aspect_training.py) and
measured leave-one-writer-out by bench/aspect_cv.py.

The analyzer asks it only about reviews read as negative or mixed (at 4-5 stars, only when
their words alone read clearly negative), and adds a complaint only for an aspect the rules
did not find in the review, in a clause where the rules found no complaint, when its
probability passes the model's threshold (chosen out of fold for the precision of what it
adds). The complaint's span is the clause; its severity is the aspect's, as the rules give it.

Its n-grams tell what a clause is about, not whether it is praise, so a clause read as
praise is never its complaint (read_by_rules, praised): lexicon praise in the clause, or in
the uncontrasted clause that comments on it (人均100，很划算: a topic, then its praise); the
sentiment model's logit of the clause at or over `praise_logit` (味道也咸香); for a price
aspect, a fair-price word (data/learned_gates.toml) in the clause or the next one.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import chain
from typing import Any

import numpy as np

from reviewbot.analysis import weights
from reviewbot.analysis.aspects import Reading
from reviewbot.analysis.complaints import Found
from reviewbot.analysis.malice_model import _buckets_for, _doc, _unique_buckets

FORMAT_MAGIC = b"RBASPECT1\n"
MODEL_NAME = "aspect_model.bin"
_MARK = "\x04m:"
_NEAR = "\x04n"  # the cache key of a clause's neighbours' part
_GRAMS = "\x04g"  # the cache key of a clause's own buckets
# Clause texts whose weight sums are kept (about 0.3 kB each; emptied when full): the short
# reviews of a busy day repeat far fewer clauses than this.
CACHED_CLAUSES = 32768


@dataclass(frozen=True)
class ModelConfig:
    """Hyper-parameters; the defaults are the shipped model's."""

    hash_bits: int = 16  # 18 bits read the same leave-one-writer-out (session 25)
    ngram_max: int = 3
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
    # A clause the sentiment model reads at least this positive (logit; P about 0.73) is
    # praise, never a learned complaint (味道也咸香 1.1; leave-one-writer-out the additions
    # it stops were 4 of 675, none wrong: the writers' sets hold little praise).
    praise_logit: float = 1.0
    # What is added to the most the neighbours added on a training clause (near_bound):
    # the analyzer hashes a clause's neighbours only if its own n-grams come this close.
    near_margin: float = 1.0
    # With head_min > 0, a head with at least head_min additions out of fold over the shared
    # threshold gets its own: the smallest at which they reach head_precision. Off: at 10
    # and 0.65, leave-one-writer-out pooled aspect P/R 0.701/0.655 -> 0.706/0.650 (price
    # heads raised: right one time in three at the shared one) but category macro F1
    # 0.831 -> 0.824 (a price addition of the wrong aspect still names the price problem).
    head_min: int = 0
    head_precision: float = 0.65


@dataclass(frozen=True, slots=True)
class Features:
    buckets: np.ndarray
    values: np.ndarray


def _own_buckets(clause: str, cfg: ModelConfig) -> set[int]:
    """The buckets of a clause's own 1..ngram_max-grams."""
    return _unique_buckets(_doc(clause), cfg.hash_bits, cfg.ngram_max)


# A neighbour's features are its own n-grams' buckets moved by its side's mask (a
# permutation of the buckets): a clause is hashed once, for itself and as a neighbour.
_PREV_MASK, _NEXT_MASK = 0x5A5A5, 0xA5A5A


def _side(buckets: Iterable[int], mask: int, cfg: ModelConfig) -> list[int]:
    m = mask & ((1 << cfg.hash_bits) - 1)
    return [b ^ m for b in buckets]


def _parts(
    text: str,
    clauses: Sequence[tuple[int, int, bool]],
    delivery: bool,
    cfg: ModelConfig,
    wanted: Iterable[int],
) -> list[tuple[list[int], list[float]]]:
    """The buckets and values of each wanted clause (start, end, contrasted) of `text`:
    its own n-grams, its neighbours' (moved by their side's mask), the marks; each group
    to its own norm, in bucket order (the order training summed them in). Run on every
    negative review: the n-grams are sliced and hashed by C-level maps. (The analyzer reads
    through AspectModel.read, which sums the same groups from per-clause caches.)"""
    lookup = _buckets_for(cfg.hash_bits).__getitem__

    def clause(i: int) -> str:
        start, end, _ = clauses[i]
        return text[start:end]

    marked = [lookup(_MARK + "clause")] + ([lookup(_MARK + "delivery")] if delivery else [])
    contrast = lookup(_MARK + "contrast")
    out = []
    for i in wanted:
        own = sorted(_own_buckets(clause(i), cfg))
        near: list[int] = []  # a bucket in both sides counts twice (as the analyzer sums)
        if i > 0:
            near += _side(_own_buckets(clause(i - 1), cfg), _PREV_MASK, cfg)
        if i + 1 < len(clauses):
            near += _side(_own_buckets(clause(i + 1), cfg), _NEXT_MASK, cfg)
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
    text: str,
    clauses: Sequence[tuple[int, int, bool]],
    delivery: bool,
    cfg: ModelConfig,
) -> list[Features]:
    """One feature vector per clause (start, end, contrasted) of the folded `text`."""
    return [
        Features(np.asarray(b, np.int64), np.asarray(v, np.float64))
        for b, v in _parts(text, clauses, delivery, cfg, range(len(clauses)))
    ]


@dataclass
class AspectModel:
    """Per aspect head: a weight per bucket, a bias and a probability threshold (`cut`:
    the shared one, or the head's own where it had enough additions out of fold)."""

    config: ModelConfig
    heads: tuple[str, ...]
    w: np.ndarray  # (2**hash_bits, heads): a clause's buckets index rows
    bias: np.ndarray
    threshold: float
    meta: dict[str, Any] = field(default_factory=dict)
    thresholds: np.ndarray | None = None  # per head; None: `threshold` for every head
    # per head, the most the neighbours added to a training clause's logit, and a margin
    near_bound: np.ndarray | None = None
    _addable: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)
    _logit_cut: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)
    _cache: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    _head_index: dict[str, int] | None = field(default=None, init=False, repr=False, compare=False)
    _marks_by_kind: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)
    _mark_rows: dict[tuple[bool, bool], np.ndarray] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def read(
        self,
        text: str,
        clauses: Sequence[tuple[int, int, bool]],
        delivery: bool,
        wanted: Sequence[int],
    ) -> np.ndarray:
        """(clauses × heads) probabilities of the wanted clauses (0 for the others)."""
        out = np.zeros((len(clauses), len(self.heads)))
        if wanted:
            out[list(wanted)] = 1.0 / (1.0 + np.exp(-self.logits(text, clauses, delivery, wanted)))
        return out

    def logits(
        self,
        text: str,
        clauses: Sequence[tuple[int, int, bool]],
        delivery: bool,
        wanted: Sequence[int],
        bounded: bool = False,
    ) -> np.ndarray:
        """(wanted × heads) logits, as `_parts` and the weights make them, each group's
        weight sum taken from a cache per clause text (the analyzer's hot path: short
        reviews repeat their clauses, 太慢了, 菜都凉了; a clause is hashed once, then costs
        a few additions of vectors). `bounded`: a clause whose own n-grams leave every head
        further under its cut than the neighbours ever added on the training clauses
        (near_bound) keeps that partial logit, its neighbours not read (most clauses)."""
        texts = [text[start:end] for start, end, _ in clauses]
        last = len(texts) - 1
        rows = []
        floor = None
        if bounded and self.near_bound is not None:
            floor = self.logit_cut() - self.near_bound
        for i in wanted:
            z = self._own(texts[i]) + self._marks(delivery, clauses[i][2])
            if (i > 0 or i < last) and (floor is None or (z >= floor).any()):
                z = z + self._near_term(texts, i)
            rows.append(z)
        return np.array(rows, np.float64).reshape(len(rows), len(self.heads))

    def batch_logits(
        self,
        items: Sequence[tuple[Sequence[str], bool, Sequence[bool], Sequence[int]]],
        blocked: np.ndarray | None = None,
    ) -> np.ndarray:
        """`logits(..., bounded=True)` of many reviews at once, their rows one after the
        other, each item its clause texts, whether it is a delivery review, which clauses
        are contrasted and the wanted clauses: the own groups of the clauses not yet cached
        are summed in one gather, the marks added in one, the neighbours read only for the
        clauses near a cut, their part kept per pair of neighbours (the same sums in the
        same order as `logits`, so the same logits). `blocked` (rows × heads, from `blocked`):
        the heads that cannot be added to a row's review (the aspects the rules found:
        `additions` skips them), which alone near their cut do not make its neighbours read."""
        cfg = self.config
        cache = self._cache
        own: dict[str, np.ndarray | None] = {}
        for texts, _, _, wanted in items:
            for i in wanted:
                own.setdefault(texts[i], cache.get(texts[i]))
        new = [t for t, found in own.items() if found is None]
        if new:
            if len(cache) + len(new) > CACHED_CLAUSES:
                cache.clear()
            groups = [list(_own_buckets(t, cfg)) for t in new]
            for t, g in zip(new, groups, strict=True):  # kept for its use as a neighbour
                cache[(_GRAMS, t)] = np.asarray(g, np.int64)
            counts = np.fromiter(map(len, groups), np.int64, len(groups))
            if counts.all():
                flat = np.fromiter(chain.from_iterable(groups), np.int64, int(counts.sum()))
                starts = np.zeros(len(groups), np.int64)
                np.cumsum(counts[:-1], out=starts[1:])
                sums = np.add.reduceat(self.w.take(flat, axis=0), starts, axis=0)
                sums /= np.sqrt(counts).astype(np.float32)[:, None]
                for t, row in zip(new, sums, strict=True):
                    own[t] = cache[t] = row
            else:  # an empty clause (never from the splitter): one at a time
                for t in new:
                    own[t] = self._own(t)
        rows = [own[texts[i]] for texts, _, _, wanted in items for i in wanted]
        if not rows:
            return np.zeros((0, len(self.heads)))
        kinds = np.fromiter(
            (
                2 * delivery + contrasted[i]
                for _, delivery, contrasted, wanted in items
                for i in wanted
            ),
            np.intp,
            len(rows),
        )
        z = np.add(rows, self._mark_table()[kinds])  # float32 + float64, as `logits` adds them
        floor = None if self.near_bound is None else self.logit_cut() - self.near_bound
        if floor is None:
            near = np.ones(len(rows), bool)
        elif blocked is None:
            near = (z >= floor).any(axis=1)
        else:
            near = ((z >= floor) & ~blocked).any(axis=1)
        r = 0
        for texts, _, _, wanted in items:
            last = len(texts) - 1
            for i in wanted:
                if near[r] and (i > 0 or i < last):
                    key = (_NEAR, texts[i - 1] if i else None, texts[i + 1] if i < last else None)
                    term = cache.get(key)
                    if term is None:
                        if len(cache) >= CACHED_CLAUSES:
                            cache.clear()
                        term = cache[key] = self._near_term(texts, i)
                    z[r] = z[r] + term
                r += 1
        return z

    def blocked(
        self, items: Sequence[tuple[Any, Any, Any, Sequence[int]]], ignored: Sequence[Sequence[int]]
    ) -> np.ndarray:
        """(rows of batch_logits × heads) True where the row's item ignores the head (per
        item, the heads in `ignored`)."""
        per_item = np.zeros((len(items), len(self.heads)), bool)
        which = [k for k, heads in enumerate(ignored) for _ in heads]
        if which:
            per_item[which, list(chain.from_iterable(ignored))] = True
        sizes = np.fromiter((len(item[3]) for item in items), np.intp, len(items))
        return np.repeat(per_item, sizes, axis=0)

    def _mark_table(self) -> np.ndarray:
        """_marks(delivery, contrasted) in row 2 * delivery + contrasted."""
        if self._marks_by_kind is None:
            self._marks_by_kind = np.array(
                [self._marks(d, c) for d in (False, True) for c in (False, True)]
            )
        return self._marks_by_kind

    def head_index(self) -> dict[str, int]:
        if self._head_index is None:
            self._head_index = {h: k for k, h in enumerate(self.heads)}
        return self._head_index

    def _near_term(self, texts: Sequence[str], i: int) -> np.ndarray:
        """What the neighbours of clause i (one at least) add to its logits."""
        last = len(texts) - 1
        count, total = 0, None  # each side's sum is kept per clause text
        if i:
            count, total = self._side(texts[i - 1], _PREV_MASK)
        if i < last:
            more, after = self._side(texts[i + 1], _NEXT_MASK)
            count += more
            total = after if total is None else total + after
        return (self.config.context_weight / math.sqrt(count)) * total

    def near_parts(
        self, text: str, clauses: Sequence[tuple[int, int, bool]], delivery: bool
    ) -> np.ndarray:
        """(clauses × heads) what the neighbours add to each clause's logits."""
        every = range(len(clauses))
        full = self.logits(text, clauses, delivery, every)
        texts = [text[start:end] for start, end, _ in clauses]
        own = [self._own(texts[i]) + self._marks(delivery, clauses[i][2]) for i in every]
        return full - np.array(own, np.float64).reshape(full.shape)

    def logit_cut(self) -> np.ndarray:
        """Per head, the logit a clause must reach to be added (infinite: never added)."""
        if self._logit_cut is None:
            cut = np.broadcast_to(np.asarray(self.cut, np.float64), (len(self.heads),))
            with np.errstate(divide="ignore"):
                logit = np.log(cut) - np.log1p(-cut)
            self._logit_cut = np.where(self.addable(), logit, np.inf)
        return self._logit_cut

    def _own(self, clause: str) -> np.ndarray:
        """A clause's own group: the sum of its n-grams' weights over their norm."""
        cache = self._cache
        found = cache.get(clause)
        if found is None:
            if len(cache) >= CACHED_CLAUSES:
                cache.clear()
            b = self._grams(clause).tolist()
            found = np.add.reduce(self.w.take(b, axis=0), axis=0) / np.float32(math.sqrt(len(b)))
            cache[clause] = found
        return found

    def _grams(self, clause: str) -> np.ndarray:
        """A clause's own buckets (its neighbours' too, moved by a side's mask)."""
        key = (_GRAMS, clause)
        cache = self._cache
        found = cache.get(key)
        if found is None:
            if len(cache) >= CACHED_CLAUSES:
                cache.clear()
            found = cache[key] = np.fromiter(_own_buckets(clause, self.config), np.int64)
        return found

    def _side(self, clause: str, mask: int) -> tuple[int, np.ndarray]:
        """A neighbour's bucket count and the sum of its buckets' weights on its side."""
        key = (mask, clause)
        cache = self._cache
        found = cache.get(key)
        if found is None:
            b = self._grams(clause) ^ (mask & ((1 << self.config.hash_bits) - 1))
            if len(cache) >= CACHED_CLAUSES:
                cache.clear()
            found = cache[key] = (len(b), np.add.reduce(self.w.take(b, axis=0), axis=0))
        return found

    def _marks(self, delivery: bool, contrasted: bool) -> np.ndarray:
        """The marks' group plus the biases."""
        key = (delivery, contrasted)
        found = self._mark_rows.get(key)
        if found is None:
            lookup = _buckets_for(self.config.hash_bits).__getitem__
            names = ["clause"] + ["delivery"] * delivery + ["contrast"] * contrasted
            b = sorted({lookup(_MARK + name) for name in names})
            weight = self.config.mark_weight / math.sqrt(len(b))
            found = weight * self.w[b].sum(axis=0, dtype=np.float64) + self.bias
            self._mark_rows[key] = found
        return found

    def probabilities(self, features: Sequence[Features]) -> np.ndarray:
        """(clauses × heads) probabilities."""
        if not features:
            return np.zeros((0, len(self.heads)))
        z = np.stack([f.values @ self.w[f.buckets] for f in features]) + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    @property
    def cut(self) -> np.ndarray | float:
        """What a head's probability must reach to add a complaint."""
        return self.threshold if self.thresholds is None else self.thresholds

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
        **(
            {"thresholds": [float(t) for t in model.thresholds]}
            if model.thresholds is not None
            else {}
        ),
        **(
            {"near_bound": [round(float(t), 4) for t in model.near_bound]}
            if model.near_bound is not None
            else {}
        ),
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
        np.asarray(header["thresholds"], np.float64) if "thresholds" in header else None,
        np.asarray(header["near_bound"], np.float64) if "near_bound" in header else None,
    )


@cache
def default_model() -> AspectModel | None:
    """The shipped model, or None when the package has none (the rules work alone)."""
    path = resources.files("reviewbot.analysis").joinpath(f"data/{MODEL_NAME}")
    if not path.is_file():
        return None
    return load(path.read_bytes())


def read_by_rules(reading: Reading, found: Found) -> set[int]:
    """The clauses the rules already read: a complaint or praise of theirs is in them, the
    lexicon reads them as praise (咸淡适中: an aspect named in praise is no complaint, and
    the model's n-grams do not tell the two apart), or they name what the next clause, not
    opened by a contrast, praises with no word of blame of their own (人均100，很划算;
    服务员说"马上给您换"，很快就换了; 点了微辣，刚刚好很好吃)."""
    judged: set[int] = set()
    for p in found.points:
        judged.update(range(p.first, p.last + 1))
    clauses = reading.clauses
    praised_next = False  # the next clause praises, not opened by a contrast
    for i in range(len(clauses) - 1, -1, -1):  # one pass from the end (the analyzer's hot path)
        clause = clauses[i]
        own = clause.own
        total = clause.general + (sum(own.values()) if own else 0)
        if total > 0 or (total == 0 and praised_next):
            judged.add(i)
        praised_next = total > 0 and not clause.clause.contrasted
    return judged


@cache
def fair_price_words() -> tuple[str, ...]:
    path = resources.files("reviewbot.analysis").joinpath("data/learned_gates.toml")
    return tuple(tomllib.loads(path.read_text(encoding="utf-8"))["fair_price"])


def fair_priced(texts: Sequence[str], contrasted: Sequence[bool]) -> set[int]:
    """The clauses where a price is said to be fair: a fair-price word in the clause or in
    the next one, unless that one is opened by a contrast (一碗卖32，很实惠; 茶位费一人八块，
    还算合理)."""
    words = fair_price_words()
    fair = [any(w in t for w in words) for t in texts]
    return {
        i
        for i in range(len(texts))
        if fair[i] or (i + 1 < len(texts) and fair[i + 1] and not contrasted[i + 1])
    }


def additions(
    probabilities: np.ndarray,
    heads: Sequence[str],
    addable: np.ndarray,
    threshold: np.ndarray | float,  # one, or one per head
    judged: set[int],
    found: set[str],
    fair: set[int] = frozenset(),  # type: ignore[assignment]
) -> list[tuple[int, str, float]]:
    """(clause, aspect, probability) of each complaint the model adds: an aspect the rules
    did not find in the review, in a clause they did not read (read_by_rules) nor read as
    praise, and no price aspect in a clause where a price is said to be fair (`fair`), at or
    over the threshold; one clause per aspect (its most probable)."""
    over = (probabilities >= threshold) & addable
    best: dict[str, tuple[float, int]] = {}
    for clause, k in zip(*(a.tolist() for a in np.nonzero(over)), strict=True):
        p = float(probabilities[clause, k])
        if clause in judged or heads[k] in found or p <= best.get(heads[k], (-1.0, 0))[0]:
            continue
        if clause in fair and heads[k].startswith("price."):
            continue
        best[heads[k]] = (p, clause)
    return sorted(((c, a, p) for a, (p, c) in best.items()), key=lambda t: (t[0], -t[2]))
