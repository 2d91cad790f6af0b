"""The span of a text that explains a learned score: the learned malice reader
(analysis/malice_model.py) and the guard scorer (replies/scorer.py) both show staff the
words that weighed most, as one contiguous run inside one clause."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

CLAUSE_END = frozenset("。！？!?\n，,；;")


def best_run(share: np.ndarray) -> tuple[int, int]:
    """The contiguous run with the largest sum (Kadane), the strongest character if none is
    positive."""
    best, best_span = -np.inf, (0, 0)
    total, begin = 0.0, 0
    for i, value in enumerate(share.tolist()):
        if total <= 0:
            total, begin = 0.0, i
        total += value
        if total > best:
            best, best_span = total, (begin, i + 1)
    if best <= 0:
        at = int(np.argmax(share))
        return at, at + 1
    return best_span


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause holding text[start:end] (the span does not run past its punctuation)."""
    left = max((i + 1 for i in range(start) if text[i] in CLAUSE_END), default=0)
    right = next((i for i in range(end, len(text)) if text[i] in CLAUSE_END), len(text))
    return left, right


def spread(spans: Iterable[tuple[int, int]], values: Iterable[float], length: int) -> np.ndarray:
    """Per character of a text `length` long, its share of a score: each feature's value
    shared evenly over the characters it covers."""
    share = np.zeros(length + 1)
    for (start, end), value in zip(spans, values, strict=True):
        if end > start:
            share[start:end] += value / (end - start)
    return share[:length]


def explaining_span(share: np.ndarray, text: str) -> tuple[int, int]:
    """The run of `text` that adds most to a score (`share`, one value per character): the
    best contiguous run inside the clause holding the strongest character."""
    if not len(share):
        return 0, 0
    peak = int(np.argmax(share))
    left, right = clause_bounds(text, peak, peak + 1)
    start, end = best_run(share[left:right])
    return left + start, left + end
