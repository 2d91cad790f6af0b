"""How alike two replies are, so replies to the same store do not look canned.

Overlap is the Jaccard index of the two texts' bigrams of units, within the runs between
punctuation: 1.0 for the same wording, 0.0 for nothing in common. A unit is a Chinese
character, or a whole word of a script written with spaces (English): Chinese has no
spaces to split words on, and character bigrams catch the shared stock phrases readers
notice ("真诚地向您道歉") without a segmenter, while letter pairs of English words are shared by
any two English texts (about half of them: every English reply looked canned), so English
is compared by pairs of words ("sincere apology"). The store's own facts (signature, phone
number, licence numbers) are left out of the measure: they repeat by necessity and readers
expect them to; it is the wording around them that must not. Two replies from different
templates score about 0.1; the same template with one sentence changed scores 0.6 and
more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_BREAK = re.compile(r"[^\w\s']+|_+")  # punctuation ends a run; spaces and ' do not
# A word of a script written with spaces (Latin letters, digits, ' inside), or one other
# word character (a Chinese character).
_UNIT = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+(?:'[A-Za-z]+)*|[^\W_]")


def bigrams(text: str, ignore: Sequence[str] = ()) -> frozenset[str]:
    """The unit bigrams of `text` without the `ignore` strings (the store's facts)."""
    for fact in sorted(ignore, key=len, reverse=True):
        if fact:
            text = text.replace(fact, "\n")
    grams: set[str] = set()
    for piece in _BREAK.split(text.lower().replace("\u2019", "'")):
        units = _UNIT.findall(piece)
        grams.update(_pair(units[i], units[i + 1]) for i in range(len(units) - 1))
    return frozenset(grams)


def _pair(a: str, b: str) -> str:
    """Two Chinese characters join as they are written (发布); words keep a space."""
    return a + b if len(a) == 1 and len(b) == 1 else f"{a} {b}"


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def overlap(a: str, b: str, ignore: Sequence[str] = ()) -> float:
    """Bigram Jaccard overlap of two texts, 0.0 … 1.0, facts in `ignore` left out."""
    return jaccard(bigrams(a, ignore), bigrams(b, ignore))


def max_overlap(grams: frozenset[str], others: Iterable[frozenset[str]]) -> float:
    return max((jaccard(grams, other) for other in others), default=0.0)
