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
from reviewbot.analysis.lexicon import DATA, trie_pattern

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


def _whole(words: list[str] | tuple[str, ...]) -> re.Pattern[str]:
    """Any of `words` as whole words, longest first (lexicon.trie_pattern; never matching
    when there are none)."""
    return re.compile(rf"(?<![a-z'])(?:{trie_pattern({w.lower() for w in words})})(?![a-z'])")


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
        self._weak: set[tuple[str, str]] = set()
        self._patterns: list[tuple[re.Pattern[str], str]] = []
        for aspect, spec in data.get("aspects", {}).items():
            for word in spec.get("weak", ()):
                self.tags.setdefault(word.lower(), []).append((aspect, -1))
                self._weak.add((word.lower(), aspect))
            self._patterns += [(re.compile(p), aspect) for p in spec.get("patterns", ())]
        self._phrase = _whole([*self.tags, *self._roles])
        self._negators = frozenset(data.get("negators", ()))
        contrast = _phrases(data.get("contrast", ()))
        joiners = _phrases([*data.get("contrast", ()), *data.get("joiners", ())])
        self._clauses = re.compile(rf"[.,;!?\n]+|\s(?=(?:{joiners})\s)")
        self._contrast = re.compile(rf"\s*(?:{contrast})\s")
        self._lead = re.compile(rf"^\W*(?:(?:{joiners})\b\W*)+", re.IGNORECASE)
        heads = data.get("heads", ())
        self._heads = re.compile(rf"\s(?:{_phrases(heads)})(?![a-z'])") if heads else None
        self._unsplit = _whole(data.get("unsplit", ()))
        delivery = data.get("delivery", {})
        self._delivered = _whole(delivery.get("cues", ()))
        self._dine_in = _whole(delivery.get("dine_in", ()))
        self._delivery_platforms = frozenset(delivery.get("platforms", ()))
        self._delivery_remap: dict[str, str] = dict(delivery.get("remap", {}))
        places = data.get("places", {})
        self._place = _whole(places.get("nouns", ()))
        self._food = _whole(places.get("food", ()))
        self._place_remap: dict[str, str] = dict(places.get("remap", {}))

    def delivered(self, lowered: str, platform: str | None) -> bool:
        """An order that came to the door: a delivery platform or delivery words, and no word
        of a table in the restaurant (a dine-in review that mentions the app stays one)."""
        if self._dine_in.search(lowered):
            return False
        return (platform or "").lower() in self._delivery_platforms or bool(
            self._delivered.search(lowered)
        )

    def _pieces(self, lowered: str) -> list[tuple[int, int]]:
        """Clause spans: split at punctuation and joiners, except a joiner inside a fixed
        expression ("sweet and sour", [unsplit])."""
        kept = [m.span() for m in self._unsplit.finditer(lowered)]
        spans: list[tuple[int, int]] = []
        at = 0
        for sep in self._clauses.finditer(lowered):
            if any(a <= sep.start() < b for a, b in kept):
                continue
            spans.append((at, sep.start()))
            at = sep.end()
        spans.append((at, len(lowered)))
        return spans

    def _head(self, raw: str, piece: str, after: int) -> str:
        """The clause up to what only tells when or why ("when we questioned it", [heads]),
        once the complaint's own words are said."""
        cut = self._heads.search(piece, after) if self._heads else None
        return self._lead.sub("", (raw[: cut.start()] if cut else raw).strip()).rstrip(" ,:-")

    def read(
        self, text: str, platform: str | None = None, rating: float | None = None
    ) -> EnglishReading:
        """`platform`, where the review was posted, tells a delivered order: its cold food
        and its wait are then the delivery's ([delivery] remap). A `weak` phrase alone
        ("came in 20 minutes") is a complaint only at three stars or fewer, or beside
        another complaint."""
        full, used_weak = self._read(text, platform, weak=True)
        if not used_weak or (rating is not None and rating <= 3):
            return full
        strict, _ = self._read(text, platform, weak=False)
        return full if strict.complaints or strict.general < 0 else strict

    def _read(self, text: str, platform: str | None, *, weak: bool) -> tuple[EnglishReading, bool]:
        """The reading, and whether a weak phrase made one of its complaints."""
        lowered = text.lower()
        delivered = self.delivered(lowered, platform)
        complaints: list[tuple[int, int, Complaint]] = []
        praise: list[tuple[int, Praise]] = []
        totals: dict[str, float] = {}
        terms: dict[str, list[str]] = {}
        general = 0
        used_weak = False
        patterns = [
            (match, aspect)
            for pattern, aspect in self._patterns
            for match in pattern.finditer(lowered)
        ]
        for start, end in self._pieces(lowered):
            piece = lowered[start:end]
            clause_words = self._lead.sub("", text[start:end].strip())
            weight = CONTRAST_WEIGHT if self._contrast.match(piece) else 1.0
            found: list[tuple[str, int, str, int]] = []  # aspect, sign, words, their end
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
                        found.append((aspect, sign * flip, match.group(), match.end()))
            found += [  # a pattern may reach back over a comma: it counts where it ends
                (aspect, -1, match.group(), match.end() - start)
                for match, aspect in patterns
                if start < match.end() <= end
            ]
            strong = [f for f in found if f[1] > 0 or (f[2], f[0]) not in self._weak]
            if not weak:
                found = strong
            if any(f[1] < 0 for f in strong):
                found = strong  # "minutes" is a wait only where nothing else is named
            used_weak = used_weak or len(found) > len(strong)
            if self._place_remap and self._place.search(piece) and not self._food.search(piece):
                found = [(self._place_remap.get(a, a), g, w, e) for a, g, w, e in found]
            if delivered:
                found = [(self._delivery_remap.get(a, a), g, w, e) for a, g, w, e in found]
            if clause_general and not found and topics:
                sign = 1 if clause_general > 0 else -1
                found.append((topics[0], sign, "", len(piece)))
            elif not found:
                general += clause_general
            if role is not None:
                found = [(role if a.startswith("service.") else a, g, w, e) for a, g, w, e in found]
            seen: set[tuple[str, int]] = set()
            for aspect_id, sign, word, end_at in found:
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
                                aspect.category,
                                aspect.id,
                                self._head(text[start:end], piece, end_at) or clause_words,
                                None,
                                aspect.severity,
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
        reading = EnglishReading(
            complaints=tuple(c for *_, c in complaints),
            praise=tuple(p for _, p in praise),
            categories=tuple(categories),
            general=general,
        )
        return reading, used_weak


@cache
def english_reader() -> EnglishReader:
    return EnglishReader()
