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

from reviewbot.analysis.lexicon import Matcher, trie_pattern

# A character class of at most this many literal characters counts as that many literals.
_CLASS_LITERALS = 16
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))

# What a pattern that refers back to a group must hold: \\1…\\9, (?P=name) or (?(group)…).
_MAY_REFER_BACK = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")

# (literal text, matched case-insensitively)
Literal = tuple[str, bool]


def required_literals(pattern: str) -> frozenset[Literal] | None:
    """Strings one of which every match of `pattern` contains, or None when none are known
    (or the pattern refers back to a group, so its parts cannot be run apart)."""
    tree = _parse(pattern)
    return None if tree is None else _literals_of(tree)


def required_sets(pattern: str) -> tuple[frozenset[str], ...]:
    """For each part of `pattern`'s top-level sequence that every match goes through, the
    case-sensitive strings one of which it contains (不 and 退|赔 for (不|没)(退|赔)): a
    match needs a string of every set. Empty when none are known (see `required_literals`)."""
    tree = _parse(pattern)
    if tree is None or _literals_of(tree) is None:
        return ()
    return _sets_of(tree)


def _parse(pattern: str):
    """The parse tree of `pattern` (sre_parse's), or None when it does not parse."""
    try:
        return sre_parse.parse(pattern)
    except re.error:
        return None


def _literals_of(tree, refers_back: bool | None = None) -> frozenset[Literal] | None:
    """required_literals of a parsed pattern (`refers_back`: _refers_back of it, if known)."""
    if _refers_back(list(tree)) if refers_back is None else refers_back:
        return None
    found = _required(list(tree), tree.state.flags)
    if not found or any(not text for text, _ in found):
        return None
    return found


def _sets_of(tree) -> tuple[frozenset[str], ...]:
    """required_sets of a parsed pattern whose literals are known."""
    flags = tree.state.flags
    found: list[frozenset[Literal]] = []
    run: list[str] = []
    for op, av in [*tree, (None, None)]:
        if op is sre.LITERAL:
            run.append(chr(av))
            continue
        if run:
            found.append(frozenset({("".join(run), bool(flags & re.IGNORECASE))}))
            run.clear()
        candidate = _item(op, av, flags) if op is not None else None
        if candidate:
            found.append(candidate)
    return tuple(
        frozenset(text for text, _ in literals)
        for literals in found
        if all(text and not ignore_case for text, ignore_case in literals)
    )


def literal_gate(pattern: str) -> re.Pattern[str] | None:
    """A search that finds something in every text `pattern` matches in (a string every
    match contains), or None when no such strings are known (then always run the pattern)."""
    found = required_literals(pattern)
    return None if found is None else re.compile(_gate_pattern(found))


def _gate_pattern(found: frozenset[Literal]) -> str:
    """literal_gate's search, as a pattern, for the strings `found`."""
    plain = sorted(text for text, ignore_case in found if not ignore_case)
    folded = sorted(text for text, ignore_case in found if ignore_case)
    parts = [trie_pattern(plain)] if plain else []
    parts += [f"(?i:{re.escape(text)})" for text in folded]
    return "|".join(parts)


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
    of the group's alternation would answer it, but found by one pass for the strings the
    patterns need (see `required_literals` and `required_sets`), after which only the
    patterns whose strings are all there are run."""

    def __init__(self, groups: Mapping[str, Sequence[str]]) -> None:
        self.groups = {name: tuple(patterns) for name, patterns in groups.items()}
        self._compiled: dict[tuple[str, int], re.Pattern[str]] = {}
        self._gates: dict[str, re.Pattern[str]] = {}
        # Per group: whole alternation (its parts refer back to groups, so cannot be run
        # apart), patterns with no strings known (always run), patterns gated on their own
        # case-insensitive strings.
        self._whole: dict[str, re.Pattern[str]] = {}
        self._always: dict[str, list[int]] = {}
        # (each gate compiled on first use: only a review with the first character of one
        # of their strings asks them)
        self._gated: dict[str, list[tuple[str, int]]] = {}
        firsts: set[str] = set()
        by_literal: dict[str, set[tuple[str, int]]] = {}
        # Per pattern, the sets of strings of its other parts: it runs only when each has
        # one in the text (its best set, which finds it, cannot tell 不 from 不退).
        self._also: dict[tuple[str, int], tuple[frozenset[str], ...]] = {}
        for name, patterns in self.groups.items():
            # Each pattern is parsed once (parsing is most of what building this costs).
            trees = [_parse(p) for p in patterns]
            back = [
                tree is not None and bool(_MAY_REFER_BACK.search(p)) and _refers_back(list(tree))
                for p, tree in zip(patterns, trees, strict=True)
            ]
            joined = "|".join(f"(?:{p})" for p in patterns)
            # The alternation refers back only if a part does (a part that does not parse
            # alone, e.g. one naming another's group, is left to the alternation's parse).
            if (any(back) or None in trees) and _refers_back(list(sre_parse.parse(joined))):
                self._whole[name] = re.compile(joined)
                continue
            for index, tree in enumerate(trees):
                found = None if tree is None else _literals_of(tree, back[index])
                if found is None:
                    self._always.setdefault(name, []).append(index)
                elif any(ignore_case for _, ignore_case in found):
                    self._gated.setdefault(name, []).append((_gate_pattern(found), index))
                    firsts.update(text[0] for text, _ in found)
                else:
                    for text, _ in found:
                        by_literal.setdefault(text, set()).add((name, index))
                    best = frozenset(text for text, _ in found)
                    assert tree is not None
                    also = tuple(s for s in _sets_of(tree) if s != best)
                    if also:
                        self._also[name, index] = also
                    for text in (t for s in also for t in s):
                        by_literal.setdefault(text, set())  # looked for, runs nothing itself
        self._by_literal = {text: tuple(sorted(ids)) for text, ids in by_literal.items()}
        self._literals = Matcher(dict.fromkeys(by_literal, ()))
        # Every case-insensitive gate at once, behind a search for the first characters of
        # their strings (any case): a review without them (no Latin letters) skips them all.
        self._any_gated_pattern = (
            "|".join(gate for gated in self._gated.values() for gate, _ in gated) or "(?!)"
        )
        self._any_gated: re.Pattern[str] | None = None  # compiled on first use
        escaped = "".join(re.escape(char) for char in sorted(firsts))
        self._gated_first = re.compile(f"(?i:[{escaped}])" if firsts else "(?!)")

    def _gated_search(self, text: str) -> bool:
        if self._any_gated is None:
            self._any_gated = re.compile(self._any_gated_pattern)
        return self._any_gated.search(text) is not None

    def _gate(self, pattern: str) -> re.Pattern[str]:
        regex = self._gates.get(pattern)
        if regex is None:
            regex = self._gates[pattern] = re.compile(pattern)
        return regex

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
        if self._gated_first.search(text) and self._gated_search(text):
            for name, gated in self._gated.items():
                if name not in found and any(
                    self._gate(gate).search(text) and self._regex(name, i).search(text)
                    for gate, i in gated
                ):
                    found.add(name)
        seen = self._literals.every(text)  # the strings looked for that are in the text
        if seen:
            keys = {key for literal in seen for key in self._by_literal[literal]}
            for key in sorted(keys):
                if key[0] in found:
                    continue
                for also in self._also.get(key, ()):
                    if also.isdisjoint(seen):
                        break  # a part it must match has none of its strings here
                else:
                    if self._regex(*key).search(text) is not None:
                        found.add(key[0])
        return frozenset(found)
