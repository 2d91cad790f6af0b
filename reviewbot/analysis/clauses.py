"""Splitting a review into clauses: the unit at which topics and polarity are judged."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

_CLAUSE_SPLIT = re.compile(r"[，,。.！!？?；;～~、\n…]+")
_PIECE = re.compile(r"[^，,。.！!？?；;～~、\n…]+")


# 只 is also a measure word: after a numeral, 只是 is "(three) of them are" (好几只是死的),
# not the contrast "but only".
_NUMERALS = frozenset("几一二两三四五六七八九十百多0123456789")


def _marker_at(body: str, marker: str, start: int) -> int:
    """Where `marker` splits `body` at or after `start` (-1: nowhere): not where its
    first character counts what a numeral before it numbers (几只是)."""
    at = body.find(marker, start)
    while at > 0 and marker[0] == "只" and body[at - 1] in _NUMERALS:
        at = body.find(marker, at + 1)
    return at


class Clause(NamedTuple):  # made for every clause of every review: a tuple is cheapest
    start: int
    end: int
    contrasted: bool  # opens with a contrast marker (…但是…): it outweighs what came before


@lru_cache(maxsize=8)
def _markers(contrast: tuple[str, ...]) -> tuple[tuple[str, ...], re.Pattern[str], re.Pattern[str]]:
    """The markers longest first, a regex for the one a clause opens with (the first in that
    order that matches, as re tries alternatives in order), and one that tells whether a
    piece holds any marker of two or more characters at all (most pieces hold none)."""
    markers = tuple(sorted(contrast, key=len, reverse=True))
    opener = re.compile("|".join(re.escape(m) for m in markers) or "(?!)")
    inner = re.compile("|".join(re.escape(m) for m in markers if len(m) > 1) or "(?!)")
    return markers, opener, inner


def clause_spans(text: str, contrast: tuple[str, ...]) -> list[Clause]:
    """The clauses of `text` as spans; a contrast marker inside a piece splits it
    (味道不错但是太贵 → 味道不错 | 太贵, the second contrasted). Called on every review:
    the markers are compiled once per contrast list."""
    markers, opening, anywhere = _markers(contrast)
    if opening.search(text) is None:  # nine reviews in ten: no marker, the pieces are clauses
        return [Clause(*p.span(), False) for p in _PIECE.finditer(text) if p.group().strip()]
    clauses: list[Clause] = []
    for piece in _PIECE.finditer(text):
        start, end = piece.span()
        body = piece.group()
        found = opening.match(body.lstrip())
        opener = found.group() if found else ""
        inner = None
        at = -1
        if anywhere.search(body, len(opener) + 1):  # then the longest-listed marker splits
            for m in markers:
                at = _marker_at(body, m, len(opener) + 1) if len(m) > 1 else -1
                if at >= 0:
                    inner = m
                    break
        if inner is not None:
            clauses.append(Clause(start, start + at, bool(opener)))
            clauses.append(Clause(start + at, end, True))
        else:
            clauses.append(Clause(start, end, bool(opener)))
    return [c for c in clauses if text[c.start : c.end].strip()]


def split_clauses(text: str, contrast: tuple[str, ...]) -> list[tuple[str, bool]]:
    """Clauses of a review, each with whether it opens with a contrast marker (…但是…)."""
    clauses: list[tuple[str, bool]] = []
    for piece in _CLAUSE_SPLIT.split(text):
        piece = piece.strip()
        if not piece:
            continue
        marker = next((m for m in contrast if _marker_at(piece, m, 1) >= 0), None)
        if marker is not None and len(marker) > 1:
            at = _marker_at(piece, marker, 1)
            head, tail = piece[:at], piece[at + len(marker) :]
            if head.strip():
                clauses.append((head.strip(), False))
            clauses.append((tail.strip(), True))
        else:
            opener = next((m for m in contrast if piece.startswith(m)), "")
            rest = piece[len(opener) :].strip()
            if rest:
                clauses.append((rest, bool(opener)))
    return clauses
