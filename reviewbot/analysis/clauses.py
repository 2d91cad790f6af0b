"""Splitting a review into clauses: the unit at which topics and polarity are judged."""

from __future__ import annotations

import re

_CLAUSE_SPLIT = re.compile(r"[，,。.！!？?；;～~、\n…]+")


def split_clauses(text: str, contrast: tuple[str, ...]) -> list[tuple[str, bool]]:
    """Clauses of a review, each with whether it opens with a contrast marker (…但是…)."""
    clauses: list[tuple[str, bool]] = []
    for piece in _CLAUSE_SPLIT.split(text):
        piece = piece.strip()
        if not piece:
            continue
        marker = next((m for m in contrast if m in piece[1:]), None)
        if marker is not None and len(marker) > 1:
            head, _, tail = piece.partition(marker)
            if head.strip():
                clauses.append((head.strip(), False))
            clauses.append((tail.strip(), True))
        else:
            opener = next((m for m in contrast if piece.startswith(m)), "")
            rest = piece[len(opener) :].strip()
            if rest:
                clauses.append((rest, bool(opener)))
    return clauses
