"""How alike two replies are, so replies to the same store do not look canned.

Overlap is the Jaccard index of the two texts' character bigrams, punctuation and spaces
removed: 1.0 for the same wording, 0.0 for nothing in common. Chinese has no spaces to
split words on, and bigrams catch the shared stock phrases readers notice ("真诚地向您道歉")
without a segmenter. The store's own facts (signature, phone number, licence numbers) are
left out of the measure: they repeat by necessity and readers expect them to; it is the
wording around them that must not. Two replies from different templates score about 0.1;
the same template with one sentence changed scores 0.6 and more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_NOT_WORD = re.compile(r"[\W_]+")


def bigrams(text: str, ignore: Sequence[str] = ()) -> frozenset[str]:
    """The character bigrams of `text` without the `ignore` strings (the store's facts)."""
    for fact in sorted(ignore, key=len, reverse=True):
        if fact:
            text = text.replace(fact, "\n")
    grams: set[str] = set()
    for piece in _NOT_WORD.split(text):
        grams.update(piece[i : i + 2] for i in range(len(piece) - 1))
    return frozenset(grams)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def overlap(a: str, b: str, ignore: Sequence[str] = ()) -> float:
    """Character-bigram Jaccard overlap of two texts, 0.0 … 1.0, facts in `ignore` left out."""
    return jaccard(bigrams(a, ignore), bigrams(b, ignore))


def max_overlap(grams: frozenset[str], others: Iterable[frozenset[str]]) -> float:
    return max((jaccard(grams, other) for other in others), default=0.0)
