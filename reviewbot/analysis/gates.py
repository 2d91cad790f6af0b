"""Cheap gates in front of expensive regular expressions.

A long alternation (a malice piece of a hundred patterns) makes Python's `re` try every
alternative at every position of the text, even when none of them can match. Most such
patterns hold literal strings every match must contain (拉横幅, 死定了, one of 你/你们…):
`literal_gate` collects them into one factored search, and the pattern is run only when
that search finds one. The gate is a necessary condition only, so a review's result never
changes: when the search finds nothing the pattern cannot match; when it finds something,
the pattern itself decides.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

from reviewbot.analysis.lexicon import trie_pattern

# A character class of at most this many literal characters counts as that many literals.
_CLASS_LITERALS = 16
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))

# (literal text, matched case-insensitively)
Literal = tuple[str, bool]
# A Latin letter: a text without one cannot hold a string that has one, in any case.
_LETTER = re.compile("[A-Za-z]")


def required_literals(pattern: str) -> frozenset[Literal] | None:
    """Strings one of which every match of `pattern` contains, or None when none are known
    (or the pattern refers back to a group, so its parts cannot be run apart)."""
    try:
        tree = sre_parse.parse(pattern)
    except re.error:
        return None
    if _refers_back(list(tree)):
        return None
    found = _required(list(tree), tree.state.flags)
    if not found or any(not text for text, _ in found):
        return None
    return found


def literal_gate(pattern: str) -> re.Pattern[str] | None:
    """A search that finds something in every text `pattern` matches in (a string every
    match contains), or None when no such strings are known (then always run the pattern)."""
    found = required_literals(pattern)
    if found is None:
        return None
    plain = sorted(text for text, ignore_case in found if not ignore_case)
    folded = sorted(text for text, ignore_case in found if ignore_case)
    parts = [trie_pattern(plain)] if plain else []
    parts += [f"(?i:{re.escape(text)})" for text in folded]
    return re.compile("|".join(parts))


def _better(a: frozenset[Literal] | None, b: frozenset[Literal]) -> bool:
    """Whether b is a more selective set than a: longer shortest string, then fewer."""
    if a is None:
        return True
    return (min(len(t) for t, _ in b), -len(b)) > (min(len(t) for t, _ in a), -len(a))


def _required(items: list, flags: int) -> frozenset[Literal] | None:
    """Strings one of which every match of the sequence `items` contains, or None."""
    best: frozenset[Literal] | None = None
    run: list[str] = []

    def close() -> None:
        nonlocal best
        if run:
            candidate = frozenset({("".join(run), bool(flags & re.IGNORECASE))})
            if _better(best, candidate):
                best = candidate
            run.clear()

    for op, av in items:
        if op is sre.LITERAL:
            run.append(chr(av))
            continue
        close()  # anything else ends a run of literals (zero-width items too: always safe)
        candidate = _item(op, av, flags)
        if candidate and _better(best, candidate):
            best = candidate
    close()
    return best


def _item(op, av, flags: int) -> frozenset[Literal] | None:
    if op is sre.SUBPATTERN:
        _group, add, delete, sub = av
        return _required(list(sub), (flags | add) & ~delete)
    if op is sre.BRANCH:
        union: set[Literal] = set()
        for alternative in av[1]:
            found = _required(list(alternative), flags)
            if not found:
                return None
            union |= found
        return frozenset(union)
    if op in _REPEATS:
        low, _high, sub = av
        return _required(list(sub), flags) if low >= 1 else None
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _required(list(av), flags)
    if op is sre.IN and len(av) <= _CLASS_LITERALS and all(k is sre.LITERAL for k, _ in av):
        ignore_case = bool(flags & re.IGNORECASE)
        return frozenset((chr(code), ignore_case) for _, code in av)
    return None


def _refers_back(items: list) -> bool:
    for op, av in items:
        if op in (sre.GROUPREF, sre.GROUPREF_EXISTS):
            return True
        if op is sre.SUBPATTERN and _refers_back(list(av[3])):
            return True
        if op is sre.BRANCH and any(_refers_back(list(a)) for a in av[1]):
            return True
        if op in _REPEATS and _refers_back(list(av[2])):
            return True
        if op in (sre.ASSERT, sre.ASSERT_NOT) and _refers_back(list(av[1])):
            return True
        if op is getattr(sre, "ATOMIC_GROUP", None) and _refers_back(list(av)):
            return True
    return False


class AnyOf:
    """Which of several named groups of patterns occur in a text, each answered as a search
    of the group's alternation would answer it, but found by one search for the strings the
    patterns need (see `required_literals`), after which only the patterns whose strings are
    there are run."""

    def __init__(self, groups: Mapping[str, Sequence[str]]) -> None:
        self.groups = {name: tuple(patterns) for name, patterns in groups.items()}
        self._compiled: dict[tuple[str, int], re.Pattern[str]] = {}
        # Per group: whole alternation (its parts refer back to groups, so cannot be run
        # apart), patterns with no strings known (always run), patterns gated on their own
        # case-insensitive strings.
        self._whole: dict[str, re.Pattern[str]] = {}
        self._always: dict[str, list[int]] = {}
        self._gated: dict[str, list[tuple[re.Pattern[str], int]]] = {}
        latin: list[str] = []  # gates whose every string has a Latin letter
        other: list[str] = []
        by_literal: dict[str, set[tuple[str, int]]] = {}
        for name, patterns in self.groups.items():
            joined = "|".join(f"(?:{p})" for p in patterns)
            if _refers_back(list(sre_parse.parse(joined))):
                self._whole[name] = re.compile(joined)
                continue
            for index, pattern in enumerate(patterns):
                found = required_literals(pattern)
                if found is None:
                    self._always.setdefault(name, []).append(index)
                elif any(ignore_case for _, ignore_case in found):
                    gate = literal_gate(pattern)
                    assert gate is not None
                    lettered = all(_LETTER.search(text) for text, _ in found)
                    (latin if lettered else other).append(gate.pattern)
                    self._gated.setdefault(name, []).append((gate, index))
                else:
                    for text, _ in found:
                        by_literal.setdefault(text, set()).add((name, index))
        # At each position the factored search finds the longest string there; the shorter
        # strings starting there are its prefixes, so each string answers for those too.
        self._by_found: dict[str, tuple[tuple[str, int], ...]] = {}
        for text in by_literal:
            ids = set()
            for end in range(1, len(text) + 1):
                ids |= by_literal.get(text[:end], set())
            self._by_found[text] = tuple(sorted(ids))
        self._literals = re.compile(f"(?=({trie_pattern(by_literal)}))") if by_literal else None
        # Every case-insensitive gate at once; those that need a Latin letter only in a text
        # that has one (the Chinese reviews, nearly all, skip their search).
        self._any_gated = re.compile("|".join(other) or "(?!)")
        self._any_gated_latin = re.compile("|".join(latin) or "(?!)")

    def _regex(self, name: str, index: int) -> re.Pattern[str]:
        regex = self._compiled.get((name, index))
        if regex is None:
            regex = self._compiled[name, index] = re.compile(self.groups[name][index])
        return regex

    def present(self, text: str) -> frozenset[str]:
        """The names of the groups that match somewhere in `text`."""
        found = {name for name, whole in self._whole.items() if whole.search(text)}
        for name, indices in self._always.items():
            if name not in found and any(self._regex(name, i).search(text) for i in indices):
                found.add(name)
        if self._gated and (
            self._any_gated.search(text) is not None
            or (_LETTER.search(text) is not None and self._any_gated_latin.search(text) is not None)
        ):
            for name, gated in self._gated.items():
                if name not in found and any(
                    gate.search(text) and self._regex(name, i).search(text) for gate, i in gated
                ):
                    found.add(name)
        if self._literals is not None:
            tried: set[tuple[str, int]] = set()
            for match in self._literals.finditer(text):
                for key in self._by_found[match.group(1)]:
                    if key[0] not in found and key not in tried:
                        tried.add(key)
                        if self._regex(*key).search(text) is not None:
                            found.add(key[0])
        return frozenset(found)
