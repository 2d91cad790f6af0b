"""The learned half of the guardrails: how much a staff wording reads like each kind of
violation, by a logistic regression over hashed character n-grams, jieba words and cues of
meaning.

The phrase rules (guardrails.toml) reach the wordings their authors thought of; an
independent writer's paraphrases only partly. This scorer reads the same text the rules
read (`guardrails.learned_reading`: Traditional → Simplified, full width, split-up words and
Chinese digit runs folded; the store's own numbers and the customer's words named back as
blanks) and gives, per rule family it was trained for, the probability that the
wording breaks that rule. `check_reply` refuses a wording the rules let through when one
family's probability reaches that family's threshold (chosen on leave-one-writer-out
scores of every opened edit set for at most 0.5% of each writer's innocent edits refused;
see `reviewbot/replies/scorer_training.py` and docs/replies.md).

Features: every character 1…`ngram_max`-gram of the text (lower case, every digit 0,
wrapped in start/end marks), every jieba word, and the cues of `cues` (word pairs, the
rules' word classes, negated or not, and their pairs in a clause), hashed by CRC-32 into
`2**hash_bits` buckets; each group binary and L2-normalised. Pure Python per text (a check
is one short text: about 1 ms), numpy only for the weights. The refusal names words: the
contiguous run of characters whose n-grams add most to the family's score.

Only the families a wording can show on its face are learned (promise, delete_request,
private_data, blame, argue); invented facts depend on what the store configured and stay
with the rules.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from reviewbot.analysis import weights
from reviewbot.analysis.spans import CLAUSE_END, explaining_span, spread
from reviewbot.replies.lexicon import guardrail_data

FORMAT_MAGIC = b"RBGUARD1\n"
MODEL_NAME = "guard_scorer.bin"
_BOS, _EOS = "\x02", "\x03"
_WORD_MARK = b"\x01"
_CUE_MARK = b"\x04"
_NEAR_MARK = b"\x05"
_DIGITS = str.maketrans("0123456789", "0000000000")
# Shorter texts are not scored: a few n-grams weigh too much after normalisation, and the
# dev edits hold few short innocent ones (72 of 1210 under 15 characters) to learn from; on
# short non-replies (评价内容, 没确认) the scorer refused far too often.
MIN_CHARS = 15


@dataclass(frozen=True)
class ScorerConfig:
    """Hyper-parameters; the defaults are the shipped model's."""

    hash_bits: int = 18
    ngram_max: int = 4
    word_weight: float = 0.7  # the jieba-word group's norm next to the n-grams' 1
    # The third group, meaning: pairs of neighbouring jieba words, and the rules' own word
    # classes ([concepts] of guardrails.toml: {we}, {waive}, {ask}, {review} …) each word
    # belongs to, marked when a negation comes shortly before it in its clause, alone and
    # in pairs within a clause ({ask}…{review}, {rider}…). 0: the group is off.
    cue_weight: float = 0.7
    C: float = 4.0  # loss: C * sum(sample_weight * logloss) + |w|^2 / 2
    max_iter: int = 400
    tol: float = 1e-5
    folds: int = 5  # when the edits are one writer's; else one fold per writer
    # At most this share of innocent edits refused, all families together, on the writers'
    # leave-one-writer-out scores: of every writer (`budget_each_writer`), else on average.
    # Chosen in bench/guard_cv.py: on held-out writers, 1% on average let 2.4% through.
    max_innocent_refused: float = 0.005
    min_threshold: float = 0.5
    budget_each_writer: bool = True
    # With the budget on average: no writer's innocent edits refused above this share (0: no cap).
    writer_cap: float = 0.0
    # Each sentence of a longer reply is scored alone too and the highest score counts, so a
    # long innocent-sounding reply does not dilute its one bad sentence; an innocent edit's
    # sentences are innocent, and are learned as such with `unit_weight` of their edit's.
    units: bool = False
    unit_weight: float = 1.0
    balance_writers: bool = True  # each writer of the training edits weighs the same
    shared_threshold: bool = False  # one threshold for all families (models before 2026-12-07)
    # A fourth group: the rules' near misses (`guardrails._match_rules`: a family's hit let
    # through, and by what: negated, conceded, owned …), each as the rule, the rule's family
    # and the family with its release. 0: the group is off.
    near_weight: float = 0.0


@dataclass(frozen=True, slots=True)
class Features:
    """One text's features: bucket ids, their values, and for explaining a score, the
    characters each feature covers (start, end) in the text it was read from."""

    buckets: np.ndarray
    values: np.ndarray
    spans: tuple[tuple[int, int], ...]


def _hash(data: bytes, bits: int) -> int:
    return zlib.crc32(data) & ((1 << bits) - 1)


def prepare(text: str) -> str:
    """Lower case, every digit 0 (a phone number is a shape, not a value); same length."""
    return text.lower().translate(_DIGITS)


@cache
def _concepts() -> tuple[
    dict[str, tuple[str, ...]], re.Pattern[str], re.Pattern[str], re.Pattern[str], int
]:
    """Each word of the rules' word classes → its classes; the longer words as one regex;
    the negation words (their idioms that are no negation masked first) and their reach."""
    data = guardrail_data()
    of: dict[str, list[str]] = {}
    for name, words in sorted(data["concepts"].items()):
        if name in _NOT_CUES:
            continue
        for word in words:
            of.setdefault(word, []).append(name)
    longer = sorted((w for w in of if len(w) > 1), key=lambda w: (-len(w), w))
    negation = data["negation"]
    by_length = lambda words: sorted(words, key=lambda w: (-len(w), w))  # noqa: E731
    return (
        {w: tuple(c) for w, c in of.items()},
        re.compile("|".join(map(re.escape, longer))),
        re.compile("|".join(map(re.escape, by_length(negation["not_negation"])))),
        re.compile("|".join(map(re.escape, by_length(negation["words"])))),
        int(negation.get("scope", 12)),
    )


# Word classes that name no meaning of their own for a reply (surnames are everywhere).
_NOT_CUES = frozenset({"surname", "staff_surname"})


def cues(text: str, words: Sequence[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """The meaning group of `featurize`: word pairs, word classes, negated word classes and
    pairs of classes in one clause, each with the characters it covers."""
    of, longer, idioms, negations, scope = _concepts()
    out: list[tuple[str, int, int]] = []
    real = [(w, a, b) for w, a, b in words if w.strip() and any(ch.isalnum() for ch in w)]
    for (w1, a, _), (w2, _, b) in itertools.pairwise(real):
        if not (set(text[a:b]) & CLAUSE_END):
            out.append((f"B:{prepare(w1)}|{prepare(w2)}", a, b))
    hits: list[tuple[str, int, int]] = []
    for m in longer.finditer(text):
        hits += [(c, m.start(), m.end()) for c in of[m.group(0)]]
    taken = {i for _, a, b in hits for i in range(a, b)}
    for w, a, b in words:
        if len(w) == 1 and w in of and a not in taken:
            hits += [(c, a, b) for c in of[w]]
    masked = idioms.sub(lambda m: "\x00" * len(m.group(0)), text)
    negated_at = [m.start() for m in negations.finditer(masked)]
    clause_of = []
    clause = 0
    for ch in text:
        clause_of.append(clause)
        clause += ch in CLAUSE_END
    marked = []
    for c, a, b in sorted(hits, key=lambda h: (h[1], h[2], h[0])):
        neg = any(a - scope <= at < a and clause_of[at] == clause_of[a] for at in negated_at)
        name = ("N:" if neg else "C:") + c
        out.append((name, a, b))
        marked.append((name, a, b, clause_of[a]))
    for i, (n1, a, _, k1) in enumerate(marked):
        for n2, _, b, k2 in marked[i + 1 : i + 6]:
            if k1 == k2 and n1 != n2:
                out.append((f"P:{n1}>{n2}", a, b))
    return out


_SENTENCE = re.compile(r"[^。！？!?\n；;]+[。！？!?\n；;]*")
MIN_UNIT_CHARS = 6


def sentences(text: str) -> list[tuple[int, int]]:
    """The sentences of `text` scored alone (`ScorerConfig.units`): those of at least
    `MIN_UNIT_CHARS` characters, when there are two or more."""
    spans = [m.span() for m in _SENTENCE.finditer(text) if len(m[0].strip()) >= MIN_UNIT_CHARS]
    return spans if len(spans) > 1 else []


def readings(
    text: str,
    words: Callable[[str], Sequence[tuple[str, int, int]]],
    cfg: ScorerConfig,
    near: Sequence[str] = (),
) -> list[tuple[int, str, Features]]:
    """What the model scores of `text`: the whole text (with the rules' `near` misses),
    and with `cfg.units` each sentence (where it starts, its text, its features)."""
    out = [(0, text, featurize(text, words(text), cfg, near))]
    if cfg.units:
        for start, end in sentences(text):
            part = text[start:end]
            out.append((start, part, featurize(part, words(part), cfg)))
    return out


def featurize(
    text: str,
    words: Sequence[tuple[str, int, int]],
    cfg: ScorerConfig,
    near: Sequence[str] = (),
) -> Features:
    """The features of `text` (already read as the guardrails read it), its jieba
    `words` (word, start, end) and the rules' `near` misses on it (`rule/family:why`)."""
    doc = _BOS + prepare(text) + _EOS
    grams: dict[int, tuple[int, int]] = {}
    for k in range(1, cfg.ngram_max + 1):
        for i in range(len(doc) - k + 1):
            gram = doc[i : i + k]
            if k == 1 and gram in (_BOS, _EOS):
                continue
            bucket = _hash(gram.encode("utf-8", "surrogatepass"), cfg.hash_bits)
            # spans in the text's own coordinates (the start mark is not a character)
            grams.setdefault(bucket, (max(i - 1, 0), min(i - 1 + k, len(text))))
    word_grams: dict[int, tuple[int, int]] = {}
    for word, start, end in words:
        if word.strip():
            bucket = _hash(
                _WORD_MARK + prepare(word).encode("utf-8", "surrogatepass"), cfg.hash_bits
            )
            word_grams.setdefault(bucket, (start, end))
    cue_grams: dict[int, tuple[int, int]] = {}
    if cfg.cue_weight:
        for name, start, end in cues(text, words):
            bucket = _hash(_CUE_MARK + name.encode("utf-8", "surrogatepass"), cfg.hash_bits)
            cue_grams.setdefault(bucket, (start, end))
    near_grams: dict[int, tuple[int, int]] = {}
    if cfg.near_weight:
        for miss in near:
            family = miss.split(":")[0]
            for name in {miss, family, family.split("/")[0]}:
                bucket = _hash(_NEAR_MARK + name.encode("utf-8"), cfg.hash_bits)
                near_grams.setdefault(bucket, (0, 0))  # no characters: it explains nothing
    # the groups share the buckets; a collision adds the values
    buckets = [*grams, *word_grams, *cue_grams, *near_grams]
    values = [1 / np.sqrt(len(grams))] * len(grams) if grams else []
    if word_grams:
        values += [cfg.word_weight / np.sqrt(len(word_grams))] * len(word_grams)
    if cue_grams:
        values += [cfg.cue_weight / np.sqrt(len(cue_grams))] * len(cue_grams)
    if near_grams:
        values += [cfg.near_weight / np.sqrt(len(near_grams))] * len(near_grams)
    return Features(
        np.asarray(buckets, np.int64),
        np.asarray(values, np.float64),
        (*grams.values(), *word_grams.values(), *cue_grams.values(), *near_grams.values()),
    )


@dataclass
class ScorerModel:
    """Per family: a weight per bucket, a bias, Platt's a and b, and the probability from
    which a wording counts as breaking that family's rule."""

    config: ScorerConfig
    families: tuple[str, ...]
    w: np.ndarray  # (families, 2**hash_bits)
    bias: np.ndarray
    platt_a: np.ndarray
    platt_b: np.ndarray
    threshold: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)

    def probabilities(self, features: Features) -> np.ndarray:
        """Calibrated P(breaks the rule), one per family."""
        z = self.w[:, features.buckets] @ features.values + self.bias
        return 1.0 / (1.0 + np.exp(-(self.platt_a * z + self.platt_b)))

    def logits(self, features: Features) -> np.ndarray:
        """The families' raw scores of one reading."""
        return self.w[:, features.buckets] @ features.values + self.bias

    def best(self, reads: Sequence[tuple[int, str, Features]]) -> tuple[np.ndarray, np.ndarray]:
        """Per family: the highest calibrated probability over the readings (`readings`),
        and which reading gave it."""
        p = np.stack([self.probabilities(f) for _, _, f in reads])
        return p.max(axis=0), p.argmax(axis=0)

    def explain(self, features: Features, family: int, text: str) -> tuple[int, int]:
        """The characters of `text` that add most to `family`'s score: per character, the
        share of every feature covering it, then the best contiguous run inside the clause
        holding the strongest character."""
        contribution = self.w[family, features.buckets] * features.values
        return explaining_span(spread(features.spans, contribution, len(text)), text)


# -- the weights file ----------------------------------------------------------------------


def save(model: ScorerModel) -> bytes:
    header = {
        "config": model.config.__dict__,
        "families": list(model.families),
        "bias": [float(b) for b in model.bias],
        "platt_a": [float(a) for a in model.platt_a],
        "platt_b": [float(b) for b in model.platt_b],
        "threshold": [float(t) for t in model.threshold],
        "meta": model.meta,
    }
    return weights.pack(FORMAT_MAGIC, header, model.w)


def load(blob: bytes) -> ScorerModel:
    header, w = weights.unpack(blob, FORMAT_MAGIC, "guard scorer")
    config = {"cue_weight": 0.0, **header["config"]}  # models before the cue group had none
    return ScorerModel(
        ScorerConfig(**config),
        tuple(header["families"]),
        w,
        np.asarray(header["bias"]),
        np.asarray(header["platt_a"]),
        np.asarray(header["platt_b"]),
        np.asarray(header["threshold"]),
        header["meta"],
    )


@cache
def default_model() -> ScorerModel | None:
    """The shipped model, or None when the package has none (the rules then work alone)."""
    path = resources.files("reviewbot.replies").joinpath(f"data/{MODEL_NAME}")
    if not path.is_file():
        return None
    return load(path.read_bytes())
