"""Lexicons kept as data files (data/*.toml), so owners can read and extend them without
code, and the one matcher that finds all their words in a review in a single pass."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from reviewbot.analysis.base import CATEGORIES

DATA = Path(__file__).with_name("data")

# What a word says when it is found: (category or None for a general word, sign), where the
# sign is +1 praise, -1 blame, 0 a topic only. An ignored word has no tags.
Tag = tuple[str | None, int]


def _words(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(w.strip() for w in items if w and w.strip()))


@dataclass(frozen=True)
class Lexicon:
    topics: Mapping[str, tuple[str, ...]]
    praise: Mapping[str, tuple[str, ...]]
    blame: Mapping[str, tuple[str, ...]]
    blame_patterns: Mapping[str, tuple[str, ...]]
    positive: tuple[str, ...]
    negative: tuple[str, ...]
    negators: tuple[str, ...]
    negation_gap: tuple[str, ...]
    post_negators: tuple[str, ...]
    contrast: tuple[str, ...]
    negative_patterns: tuple[str, ...]
    ignore: tuple[str, ...]
    sarcasm: tuple[str, ...]
    quotes: tuple[str, ...]
    quoted_praise: tuple[str, ...]
    positive_emoji: tuple[str, ...]
    negative_emoji: tuple[str, ...]
    malice: Mapping[str, object]  # data/malice.toml as parsed: read by malice.py
    severity: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def with_terms(self, terms: Mapping[str, Iterable[str]]) -> Lexicon:
        """A copy with extra topic words per category (a store's dish names, say)."""
        topics = dict(self.topics)
        for category, words in terms.items():
            if category not in CATEGORIES:
                raise ValueError(f"unknown category {category!r} (one of {', '.join(CATEGORIES)})")
            topics[category] = _words([*topics.get(category, ()), *words])
        return replace(self, topics=topics)

    def merged(self, other: Mapping[str, object]) -> Lexicon:
        """A copy extended by a parsed file of the same shape as categories.toml and
        polarity.toml (any subset of their keys): owners add words, never remove ours."""
        changes: dict[str, object] = {}
        for name in CATEGORIES:
            table = other.get(name)
            if not isinstance(table, dict):
                continue
            keys = (
                ("topics", "topics"),
                ("positive", "praise"),
                ("negative", "blame"),
                ("patterns", "blame_patterns"),
            )
            for key, attr in keys:
                if key in table:
                    current = dict(changes.get(attr, getattr(self, attr)))  # type: ignore[arg-type]
                    current[name] = _words([*current.get(name, ()), *table[key]])
                    changes[attr] = current
        for key in (
            "positive",
            "negative",
            "negators",
            "negation_gap",
            "post_negators",
            "contrast",
            "negative_patterns",
            "ignore",
            "sarcasm",
            "quoted_praise",
            "positive_emoji",
            "negative_emoji",
        ):
            if isinstance(other.get(key), list):
                changes[key] = _words([*getattr(self, key), *other[key]])  # type: ignore[misc]
        return replace(self, **changes)  # type: ignore[arg-type]

    def negation(self) -> re.Pattern[str]:
        """A negator, perhaps with a word between (没让人失望), ending where the pattern is
        searched up to: what flips the word right after it."""
        negators = trie_pattern(self.negators)
        if not self.negation_gap:
            return re.compile(f"(?:{negators})$")
        return re.compile(f"(?:{negators})(?:{trie_pattern(self.negation_gap)})?$")

    def tags(self) -> dict[str, tuple[Tag, ...]]:
        """Every word the matcher looks for, with what it says."""
        found: dict[str, list[Tag]] = {}

        def add(words: Iterable[str], tag: Tag) -> None:
            for word in words:
                found.setdefault(word, [])
                if tag not in found[word]:
                    found[word].append(tag)

        for name in CATEGORIES:
            add(self.topics.get(name, ()), (name, 0))
            add(self.praise.get(name, ()), (name, 1))
            add(self.blame.get(name, ()), (name, -1))
        add(self.positive, (None, 1))
        add(self.negative, (None, -1))
        for word in self.ignore:
            found[word] = []
        return {word: tuple(tags) for word, tags in found.items()}


def _read(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


@cache
def load_lexicon(directory: Path = DATA, extra: tuple[Path, ...] = ()) -> Lexicon:
    """The shipped lexicons, extended by `extra` files of the same shape."""
    categories = _read(directory / "categories.toml")
    polarity = _read(directory / "polarity.toml")
    malice = _read(directory / "malice.toml")
    severity = _read(directory / "severity.toml")
    lexicon = Lexicon(
        topics={n: _words(t.get("topics", ())) for n, t in categories.items()},
        praise={n: _words(t.get("positive", ())) for n, t in categories.items()},
        blame={n: _words(t.get("negative", ())) for n, t in categories.items()},
        blame_patterns={n: tuple(t.get("patterns", ())) for n, t in categories.items()},
        positive=_words(polarity["positive"]),
        negative=_words(polarity["negative"]),
        negators=_words(polarity["negators"]),
        negation_gap=_words(polarity.get("negation_gap", ())),
        post_negators=_words(polarity.get("post_negators", ())),
        contrast=_words(polarity["contrast"]),
        negative_patterns=tuple(polarity.get("negative_patterns", ())),
        ignore=_words(polarity.get("ignore", ())),
        sarcasm=_words(polarity.get("sarcasm", ())),
        quotes=tuple(polarity.get("quotes", ())),
        quoted_praise=_words(polarity.get("quoted_praise", ())),
        positive_emoji=_words(polarity.get("positive_emoji", ())),
        negative_emoji=_words(polarity.get("negative_emoji", ())),
        malice=malice,
        severity={key: _words(words) for key, words in severity.items()},
    )
    for path in extra:
        lexicon = lexicon.merged(_read(path))
    return lexicon


# -- matching ------------------------------------------------------------------------------


def trie_pattern(words: Iterable[str]) -> str:
    """A regular expression matching any of `words`, longest first at each position.

    Factored by common prefix (a trie), because Python's `re` tries the alternatives of a
    flat `a|b|c…` one by one at every position: with a thousand words that is the slowest
    part of classifying a review.
    """
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [re.escape(char) + build(child) for char, child in node.items() if char]
        if not branches:
            return ""
        # Longer continuations first; Python's re takes the first alternative that matches.
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return build(root) or "(?!)"


# The key under which a trie node holds the word that ends there (no character is empty).
_WORD = ""


class Matcher:
    """All lexicon words of a text in one pass: (start, end, word), non-overlapping, the
    longest word at each position.

    A trie of dicts, walked from each position while the text follows it. (It was a
    `trie_pattern` regex: at each position `re` tries the alternatives of a branch one by
    one, hundreds of first characters for a lexicon, which made it three times slower on a
    review than this walk.)
    """

    def __init__(self, tags: Mapping[str, tuple[Tag, ...]]) -> None:
        self.tags = dict(tags)
        self._trie: dict[str, dict] = {}
        for word in self.tags:
            if not word:
                continue
            node = self._trie
            for char in word:
                node = node.setdefault(char, {})
            node[_WORD] = word

    def find(self, text: str) -> list[tuple[int, int, str]]:
        found = []
        root = self._trie
        i, n = 0, len(text)
        while i < n:
            node = root.get(text[i])
            word, end, j = None, i, i + 1
            while node is not None:
                if _WORD in node:
                    word, end = node[_WORD], j
                if j == n:
                    break
                node = node.get(text[j])
                j += 1
            if word is None:
                i += 1
            else:
                found.append((i, end, word))
                i = end
        return found

    def every(self, text: str) -> set[str]:
        """Every word that occurs in `text`, overlapping ones and those inside others too."""
        found = set()
        root = self._trie
        n = len(text)
        for i in range(n):
            node = root.get(text[i])
            j = i + 1
            while node is not None:
                if _WORD in node:
                    found.add(node[_WORD])
                if j == n:
                    break
                node = node.get(text[j])
                j += 1
        return found

    def occurs(self, text: str) -> bool:
        """Whether any of the words occurs in `text` (a `find` that stops at the first)."""
        root = self._trie
        n = len(text)
        for i in range(n):
            node = root.get(text[i])
            j = i + 1
            while node is not None:
                if _WORD in node:
                    return True
                if j == n:
                    break
                node = node.get(text[j])
                j += 1
        return False
