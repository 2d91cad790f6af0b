"""Lexicons kept as data files, so owners can read and extend them without code."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data")


def _load(name: str, directory: Path) -> dict:
    return tomllib.loads((directory / name).read_text(encoding="utf-8"))


def _longest_first(words: list[str]) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class Lexicon:
    categories: dict[str, tuple[str, ...]]
    positive: tuple[str, ...]
    negative: tuple[str, ...]
    negators: tuple[str, ...]
    contrast: tuple[str, ...]
    malice: dict[str, tuple[re.Pattern[str], ...]]
    critical: tuple[str, ...]

    def with_terms(self, category: str, terms: list[str]) -> Lexicon:
        """A copy with extra terms for one category (a store's own dish names, say)."""
        categories = dict(self.categories)
        categories[category] = _longest_first([*categories.get(category, ()), *terms])
        return Lexicon(
            categories,
            self.positive,
            self.negative,
            self.negators,
            self.contrast,
            self.malice,
            self.critical,
        )


@cache
def load_lexicon(directory: Path = DATA) -> Lexicon:
    categories = _load("categories.toml", directory)
    polarity = _load("polarity.toml", directory)
    malice = _load("malice.toml", directory)
    severity = _load("severity.toml", directory)
    return Lexicon(
        categories={name: _longest_first(table["terms"]) for name, table in categories.items()},
        positive=_longest_first(polarity["positive"]),
        negative=_longest_first(polarity["negative"]),
        negators=_longest_first(polarity["negators"]),
        contrast=_longest_first(polarity["contrast"]),
        malice={
            reason: tuple(re.compile(p) for p in table["patterns"])
            for reason, table in malice.items()
        },
        critical=_longest_first(severity["critical"]),
    )
