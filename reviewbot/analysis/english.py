"""Reviews written in English, read with a small lexicon (data/english.toml) into the same
complaints, praise and categories as Chinese ones.

The sentiment model knows no English, so the analyzer takes an English review's sentiment
from its stars; without stars, from what this reading finds (v1.py says how).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reviewbot.analysis.base import CATEGORIES, CategoryPolarity, Complaint, Polarity, Praise
from reviewbot.analysis.complaints import SEVERITY_RANK, Taxonomy, load_taxonomy
from reviewbot.analysis.lexicon import DATA

CONTRAST_WEIGHT = 1.5
NEGATION_WINDOW = 3  # words before a phrase a negator reaches
_WORD = re.compile(r"[a-z']+")


@dataclass(frozen=True)
class EnglishReading:
    complaints: tuple[Complaint, ...]
    praise: tuple[Praise, ...]
    categories: tuple[CategoryPolarity, ...]
    general: int  # praise minus blame of words about no aspect in particular


def _phrases(words: list[str]) -> str:
    ordered = sorted({w.lower() for w in words}, key=len, reverse=True)
    return "|".join(re.escape(w) for w in ordered)


class EnglishReader:
    def __init__(self, path: Path = DATA / "english.toml", taxonomy: Taxonomy | None = None):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        self.taxonomy = taxonomy or load_taxonomy()
        self.tags: dict[str, list[tuple[str | None, int]]] = {}
        for aspect, spec in data.get("aspects", {}).items():
            if aspect not in self.taxonomy.aspects:
                raise ValueError(f"english.toml: unknown aspect {aspect!r}")
            for key, sign in (("complaint", -1), ("praise", 1)):
                for word in spec.get(key, ()):
                    self.tags.setdefault(word.lower(), []).append((aspect, sign))
        self._roles = {
            word.lower(): aspect
            for aspect, words in data.get("roles", {}).items()
            for word in words
        }
        for aspect, words in data.get("topics", {}).items():
            for word in words:
                self.tags.setdefault(word.lower(), []).append((aspect, 0))
        for key, sign in (("complaint", -1), ("praise", 1)):
            for word in data.get("general", {}).get(key, ()):
                self.tags.setdefault(word.lower(), []).append((None, sign))
        self._phrase = re.compile(
            rf"(?<![a-z'])(?:{_phrases([*self.tags, *self._roles])})(?![a-z'])"
        )
        self._negators = frozenset(data.get("negators", ()))
        contrast = _phrases(data.get("contrast", ()))
        joiners = _phrases([*data.get("contrast", ()), *data.get("joiners", ())])
        self._clauses = re.compile(rf"[.,;!?\n]+|\s(?=(?:{joiners})\s)")
        self._contrast = re.compile(rf"\s*(?:{contrast})\s")

    def read(self, text: str) -> EnglishReading:
        lowered = text.lower()
        complaints: list[tuple[int, int, Complaint]] = []
        praise: list[tuple[int, Praise]] = []
        totals: dict[str, float] = {}
        terms: dict[str, list[str]] = {}
        general = 0
        at = 0
        for piece in [*self._clauses.split(lowered), None]:
            if piece is None:
                break
            start = lowered.index(piece, at) if piece else at
            at = start + len(piece)
            clause_words = text[start : start + len(piece)].strip()
            weight = CONTRAST_WEIGHT if self._contrast.match(piece) else 1.0
            found: list[tuple[str, int, str]] = []
            topics: list[str] = []
            clause_general = 0
            role = None
            for match in self._phrase.finditer(piece):
                if match.group() in self._roles:
                    role = self._roles[match.group()]
                    continue
                before = _WORD.findall(piece[: match.start()])[-NEGATION_WINDOW:]
                flip = -1 if any(w in self._negators or w.endswith("n't") for w in before) else 1
                for aspect, sign in self.tags[match.group()]:
                    if aspect is None:
                        clause_general += sign * flip
                    elif sign == 0:
                        topics.append(aspect)
                    elif not (sign < 0 < flip * sign and aspect.startswith("hygiene.")):
                        found.append((aspect, sign * flip, match.group()))
            if clause_general and not found and topics:
                sign = 1 if clause_general > 0 else -1
                found.append((topics[0], sign, ""))
            elif not found:
                general += clause_general
            if role is not None:
                found = [(role if a.startswith("service.") else a, g, w) for a, g, w in found]
            seen: set[tuple[str, int]] = set()
            for aspect_id, sign, word in found:
                if (aspect_id, sign) in seen:
                    continue
                seen.add((aspect_id, sign))
                aspect = self.taxonomy.aspects[aspect_id]
                totals[aspect.category] = totals.get(aspect.category, 0.0) + sign * weight
                if word:
                    terms.setdefault(aspect.category, []).append(word)
                if sign < 0:
                    complaints.append(
                        (
                            -SEVERITY_RANK[aspect.severity],
                            start,
                            Complaint(
                                aspect.category, aspect.id, clause_words, None, aspect.severity
                            ),  # type: ignore[arg-type]
                        )
                    )
                else:
                    praise.append(
                        (start, Praise(aspect.category, aspect.praise_id, clause_words, None))
                    )
        categories = []
        for category in CATEGORIES:
            if category in totals:
                total = totals[category]
                polarity: Polarity = (
                    "negative" if total < 0 else "positive" if total > 0 else "neutral"
                )
                if category == "hygiene" and any(c.category == "hygiene" for *_, c in complaints):
                    polarity = "negative"
                categories.append(
                    CategoryPolarity(
                        category, polarity, tuple(dict.fromkeys(terms.get(category, ())))
                    )
                )
        complaints.sort(key=lambda t: (t[0], t[1]))
        praise.sort(key=lambda t: t[0])
        return EnglishReading(
            complaints=tuple(c for *_, c in complaints),
            praise=tuple(p for _, p in praise),
            categories=tuple(categories),
            general=general,
        )


@cache
def english_reader() -> EnglishReader:
    return EnglishReader()
