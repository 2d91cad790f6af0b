"""Every complaint and every praise of a review, each with its aspect, target and words.

The taxonomy is data (data/aspects.toml, documented there and in docs/classifier.md). A
review is read clause by clause, on the clauses of the lexicon reading (aspects.py), so the
two agree on where a point starts and ends:

1. the aspects' own words and patterns are found in one pass; a negator just before a word
   turns praise into a complaint of the same aspect (不新鲜, 没有店里好吃) and a complaint
   into praise (不难吃); hygiene complaints are never turned into praise;
2. an aspect that `supersedes` others replaces them in its clauses (a wrong item is not a
   taste complaint about the dish that came instead; food that arrived cold is not a
   temperature complaint about the kitchen);
3. a clause the lexicon reading finds blaming or praising a category (服务员 + 很差, or the
   model's score of a clause that names a topic) but where no aspect word was found gives
   that category's aspect named by a topic word of the clause, else the category's first;
4. in a delivery review, aspects with `in_delivery` become that one (waiting → late); in
   any other review, aspects with `at_table` become that one in a clause telling of table
   service (服务员端汤的时候洒了 is no spill in the delivery bag), and in a review of a meal
   in the restaurant (its words, or posted on a dine-in platform) aspects with `dine_in`
   become that one (点菜等了十五分钟 is slow service, no late delivery; no rider came);
5. a target is the pattern's `target` group, else a dish of the store's menu in the clause,
   else a person's role (服务员, 骑手), else for food and hygiene complaints the noun jieba
   finds nearest the complaint word (targets.py).

Categories are then the sum of their points, contrast-weighted like aspects.py does.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from re import _constants, _parser  # type: ignore[attr-defined]
from typing import Any

from reviewbot.analysis.aspects import (
    CONTRAST_WEIGHT,
    MODEL_EVIDENCE,
    POST_NEGATION_END,
    WORDS_ONLY,
    Reading,
)
from reviewbot.analysis.base import CATEGORIES, CategoryPolarity, Complaint, Polarity, Praise
from reviewbot.analysis.lexicon import DATA, Lexicon, Matcher, Tag, trie_pattern
from reviewbot.analysis.targets import SEGMENTER, Segmenter

SEVERITY_RANK = {"none": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
# The clause logit (the model's reading of a clause with a topic and no polar word) that
# makes a complaint or praise of the topic's aspect; aspects.py uses the same.
CLAUSE_MODEL_LOGIT = 2.0
# Aspects whose target jieba looks for when nothing else named one.
NOUN_TARGETS = (
    "food.",
    "hygiene.foreign_object",
    "hygiene.spoiled",
    "service.wrong_item",
    "service.missing_item",
    "delivery.spilled",
)
ROLE_TARGETS = ("service.", "delivery.rider", "delivery.late")
# Aspects whose target may be a dish of the menu named elsewhere in the complaint's sentence.
SENTENCE_TARGETS = ("food.",)
MAX_TARGET_CHARS = 10
MAX_ANCHOR_WORDS = 200
LOW_RATING = 2
LONG_TEXT = 40  # characters: the sentiment model's own line between short and long texts


@dataclass(frozen=True, slots=True)
class Aspect:
    id: str
    category: str
    label: str
    severity: str
    praise_id: str
    supersedes: tuple[str, ...] = ()
    in_delivery: str | None = None
    at_table: str | None = None
    # the aspect in a review of a meal in the restaurant; "" there is no such point
    dine_in: str | None = None


@dataclass(frozen=True)
class Taxonomy:
    aspects: dict[str, Aspect]
    words: dict[str, tuple[tuple[str, int], ...]]  # word → (aspect id, sign: -1, 0 topic, +1)
    patterns: tuple[tuple[str, int, str], ...]  # (aspect id, sign, regex)
    roles: tuple[str, ...]
    target_ignore: frozenset[str]
    delivery_context: tuple[str, ...]
    table_context: tuple[str, ...] = ()
    delivery_platforms: frozenset[str] = frozenset()
    dine_in_context: tuple[str, ...] = ()
    # Words of a delivery that a meal in the restaurant also has (打包 the leftovers, 餐盒):
    # a delivery only in a review with no word of a meal there, posted on no dine-in platform.
    delivery_weak: tuple[str, ...] = ()
    dine_in_platforms: frozenset[str] = frozenset()
    hearsay: tuple[str, ...] = ()
    consequence: tuple[str, ...] = ()
    defaults: dict[str, str] = field(default_factory=dict)  # category → its usual aspect
    role_aspects: dict[str, str] = field(default_factory=dict)  # person → aspect (骑手 → rider)
    # Patterns that make a complaint only in a review rated LOW_RATING or less (a dish's
    # price said on its own, 一碗牛肉面38元: a complaint in a 2★ review, a fact in a 5★ one).
    low_rating_patterns: frozenset[str] = frozenset()

    def default(self, category: str) -> str:
        return self.defaults.get(category) or next(
            a.id for a in self.aspects.values() if a.category == category
        )

    @cached_property
    def _dine_in_words(self) -> re.Pattern[str]:
        """Any word of `dine_in_context`, one search instead of a loop over the words."""
        return re.compile(trie_pattern(self.dine_in_context))

    def tells_of_dine_in(self, text: str) -> bool:
        """Whether `text` (in Simplified) holds a word of a meal in the restaurant."""
        return self._dine_in_words.search(text) is not None

    def delivered_by_platform(self, text: str, platform: str | None) -> bool:
        """Posted on a delivery platform and telling of no meal in the restaurant (`text` in
        Simplified): an order that was delivered, even without a word of the delivery."""
        if (platform or "").lower() not in self.delivery_platforms:
            return False
        return not self.tells_of_dine_in(text)

    def dine_in_platform(self, platform: str | None) -> bool:
        return (platform or "").lower() in self.dine_in_platforms

    def eaten_in(self, text: str, platform: str | None) -> bool:
        """A review (`text` in Simplified) of a meal in the restaurant: a word of one, or
        posted on a dine-in platform (Dianping, Google); the caller has told it is no
        delivery."""
        return self.dine_in_platform(platform) or self.tells_of_dine_in(text)

    def label(self, aspect: str) -> str:
        found = self.aspects.get(aspect)
        return found.label if found else aspect


@cache
def load_taxonomy(path: Path = DATA / "aspects.toml") -> Taxonomy:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    aspects: dict[str, Aspect] = {}
    words: dict[str, list[tuple[str, int]]] = {}
    patterns: list[tuple[str, int, str]] = []
    low_rated: set[str] = set()
    for category in CATEGORIES:
        for name, spec in data.get(category, {}).items():
            aspect_id = f"{category}.{name}"
            aspects[aspect_id] = Aspect(
                id=aspect_id,
                category=category,
                label=spec["label"],
                severity=spec.get("severity", "low"),
                praise_id=spec.get("praise_aspect", aspect_id),
                supersedes=tuple(spec.get("supersedes", ())),
                in_delivery=spec.get("in_delivery"),
                at_table=spec.get("at_table"),
                dine_in=spec.get("dine_in"),
            )
            for key, sign in (("topics", 0), ("complaint", -1), ("praise", 1)):
                for word in spec.get(key, ()):
                    tags = words.setdefault(word, [])
                    if (aspect_id, sign) not in tags:
                        tags.append((aspect_id, sign))
            for key, sign in (("complaint_patterns", -1), ("praise_patterns", 1)):
                patterns += [(aspect_id, sign, p) for p in spec.get(key, ())]
            rated = spec.get("low_rating_patterns", ())
            patterns += [(aspect_id, -1, p) for p in rated]
            low_rated.update(rated)
    defaults = dict(data.get("defaults", {}))
    role_aspects = {
        role: f"{category}.{name}"
        for category in CATEGORIES
        for name, spec in data.get(category, {}).items()
        for role in spec.get("roles", ())
    }
    unknown = [a.in_delivery for a in aspects.values() if a.in_delivery not in (None, *aspects)]
    unknown += [a.at_table for a in aspects.values() if a.at_table not in (None, *aspects)]
    unknown += [a.dine_in for a in aspects.values() if a.dine_in not in (None, "", *aspects)]
    unknown += [a for a in defaults.values() if a not in aspects]
    if unknown:
        raise ValueError(f"aspects.toml: unknown in_delivery/at_table aspect(s) {unknown}")
    return Taxonomy(
        aspects=aspects,
        words={w: tuple(t) for w, t in words.items()},
        patterns=tuple(patterns),
        low_rating_patterns=frozenset(low_rated),
        roles=tuple(dict.fromkeys([*data.get("roles", ()), *role_aspects])),
        target_ignore=frozenset(data.get("target_ignore", ())),
        delivery_context=tuple(data.get("delivery_context", ())),
        table_context=tuple(data.get("table_context", ())),
        delivery_platforms=frozenset(data.get("delivery_platforms", ())),
        dine_in_context=tuple(data.get("dine_in_context", ())),
        delivery_weak=tuple(data.get("delivery_weak", ())),
        dine_in_platforms=frozenset(data.get("dine_in_platforms", ())),
        hearsay=tuple(data.get("hearsay", ())),
        consequence=tuple(data.get("consequence", ())),
        defaults=defaults,
        role_aspects=role_aspects,
    )


@dataclass(slots=True)
class Point:
    """A complaint (sign -1) or praise (+1) found in clauses first..last of the review."""

    aspect: str
    sign: int
    first: int
    last: int
    start: int  # the words that said it, in the folded text
    end: int
    word: str
    target: str | None = None
    weight: float = 1.0
    derived: bool = False


@dataclass(slots=True)
class Found:
    complaints: tuple[Complaint, ...] = ()
    praise: tuple[Praise, ...] = ()
    categories: tuple[CategoryPolarity, ...] = ()
    jieba: bool = False  # whether jieba was asked for a target
    points: list[Point] = field(default_factory=list)


class ComplaintReader:
    """The taxonomy compiled once: one matcher for its words, one regex to see whether any
    of its patterns can match at all (most reviews match none)."""

    def __init__(
        self,
        lexicon: Lexicon,
        taxonomy: Taxonomy | None = None,
        segmenter: Segmenter | None = None,
    ) -> None:
        self.taxonomy = taxonomy or load_taxonomy()
        self.segmenter = segmenter or SEGMENTER
        tags: dict[str, tuple[Tag, ...]] = {w: () for w in lexicon.ignore}
        tags.update(self.taxonomy.words)  # type: ignore[arg-type]
        self.matcher = Matcher(tags)
        self._negated = lexicon.negation()
        post = "|".join(re.escape(n) for n in sorted(lexicon.post_negators, key=len, reverse=True))
        self._post_negated = re.compile(
            f"[^，。！？,.!?]{{0,2}}(?:{post}){POST_NEGATION_END}" if post else "(?!)"
        )
        self._patterns = [(a, s, re.compile(p)) for a, s, p in self.taxonomy.patterns]
        # Each pattern runs only on texts holding one of the literal words of each part it
        # must match (its anchors: 肉|菜|饭… and 少 for (肉|菜|饭…)(太|很…)少): running forty
        # patterns on every review cost more than all the rest.
        anchors = [_anchors(p) for _, _, p in self.taxonomy.patterns]
        self._anchor_words = Matcher({w: () for sets in anchors for a in sets for w in a})
        # the patterns each word of their first anchor lets run, and those that always run
        self._by_anchor: dict[str, list[int]] = {}
        for index, sets in enumerate(anchors):
            for word in sets[0] if sets else ():
                self._by_anchor.setdefault(word, []).append(index)
        self._other_anchors = [sets[1:] for sets in anchors]
        self._unanchored = [i for i, sets in enumerate(anchors) if not sets]
        self._roles = re.compile(trie_pattern(sorted(self.taxonomy.roles, key=len, reverse=True)))
        self._delivery = re.compile(trie_pattern(self.taxonomy.delivery_context))
        self._delivery_weak = re.compile(trie_pattern(self.taxonomy.delivery_weak or ("\0",)))
        self._table = re.compile(trie_pattern(self.taxonomy.table_context or ("\0",)))
        self._hearsay = re.compile(trie_pattern(self.taxonomy.hearsay or ("\0",)))
        self._consequence = re.compile(trie_pattern(self.taxonomy.consequence or ("\0",)))

    def delivered(self, text: str, platform: str | None) -> bool:
        """Whether the review (`text` folded) tells of a delivered order: a word of the
        delivery, or posted on a delivery platform with no word of a meal in the shop."""
        return self._delivery_words(text, platform) or self.taxonomy.delivered_by_platform(
            text, platform
        )

    def _delivery_words(self, text: str, platform: str | None) -> bool:
        """A word of a delivery (外卖, 骑手), or one a meal in the restaurant also has (打包,
        餐盒) in a review with no word of such a meal, posted on no dine-in platform (要打包盒
        又等十分钟 after 服务员… is leftovers taken home, not a delivery)."""
        if self._delivery.search(text):
            return True
        return (
            self._delivery_weak.search(text) is not None
            and not self.taxonomy.dine_in_platform(platform)
            and not self.taxonomy.tells_of_dine_in(text)
        )

    def read(
        self,
        reading: Reading,
        span: Callable[[int, int], str],
        clause_logits: list[float] | None = None,
        store: Matcher | None = None,
        rating: float | None = None,
        platform: str | None = None,
    ) -> Found:
        """The points of a review read by aspects.Reader; `span` maps folded offsets back
        to the customer's words; `platform`, where it was posted, tells a delivered order
        that names no delivery (its waits are the delivery's)."""
        text = reading.text
        clauses = reading.clauses
        if not clauses:
            return Found(categories=())
        starts = [c.clause.start for c in clauses]

        def clause_of(position: int) -> int:
            return max(0, bisect_right(starts, position) - 1)

        tagged = self.matcher.tags
        hits = [(start, end, word) for start, end, word in self.matcher.find(text) if tagged[word]]
        runnable = self._runnable(text)
        if not hits and not runnable and not any(c.terms for c in clauses):
            return Found()  # nothing of any aspect or category: no point to find
        points: list[Point] = []
        topics: dict[int, list[str]] = {}
        for start, end, word in hits:
            tags = tagged[word]
            index = clause_of(start)
            clause = clauses[index].clause
            if start >= clause.end:
                continue
            negation = self._negated.search(text, max(clause.start, start - 6), start)
            after = self._post_negated.match(text, end, clause.end)
            flip = -1 if (negation is None) != (after is None) else 1
            for aspect, sign in tags:
                if sign == 0:
                    topics.setdefault(index, []).append(aspect)
                    continue
                signed = sign * flip
                if signed > 0 and sign < 0 and aspect.startswith("hygiene."):
                    continue  # 没有拉肚子 is no praise of hygiene
                at = negation.start() if flip < 0 and negation is not None else start
                points.append(Point(aspect, signed, index, index, at, end, word))
        low = rating is not None and rating <= LOW_RATING
        rated: list[Point] = []  # points of low_rating_patterns, added last
        for index in runnable:
            aspect, sign, pattern = self._patterns[index]
            by_rating = pattern.pattern in self.taxonomy.low_rating_patterns
            if by_rating and not low:
                continue
            for match in pattern.finditer(text):
                if match.end() <= match.start():
                    continue
                target = match.groupdict().get("target")
                first, last = clause_of(match.start()), clause_of(match.end() - 1)
                (rated if by_rating else points).append(
                    Point(
                        aspect,
                        sign,
                        first,
                        last,
                        match.start(),
                        match.end(),
                        match.group(),
                        _clean_target(target),
                    )
                )
        # praise in a sarcastic clause (态度好到让我怀疑…🙂, 真是"好"餐厅) is no praise
        points = [p for p in points if p.sign < 0 or not clauses[p.first].sarcastic]
        points = self._supersede(points)
        points += self._derived(reading, points, topics, clause_logits)
        # A dish's price said on its own is the complaint only where nothing else in the
        # review complains of the price (价格离谱 … 一杯鸡尾酒88 is one point, not two).
        priced = {self.taxonomy.aspects[p.aspect].category for p in points if p.sign < 0}
        points += [p for p in rated if self.taxonomy.aspects[p.aspect].category not in priced]
        # nor is praise someone else gave (听说这家的酸菜鱼很好吃，结果…; 评论区都说好吃): its
        # clauses are searched only in a review with such a word at all (most have none)
        if self._hearsay.search(text):
            points = [
                p
                for p in points
                if p.sign < 0 or not self._hearsay.search(text, *_bounds(clauses, p))
            ]
        if self._delivery_words(text, platform):
            for point in points:
                moved = self.taxonomy.aspects[point.aspect].in_delivery
                if moved and point.sign < 0:
                    point.aspect = moved
            points = self._supersede(points)
        elif self.taxonomy.delivered_by_platform(text, platform):
            # 等了一个半小时才到 on Meituan: the wait is the delivery's; food not hot stays
            # the kitchen's (没热透 says how it was heated, not how it travelled)
            for point in points:
                moved = self.taxonomy.aspects[point.aspect].in_delivery
                if moved == "delivery.late" and point.sign < 0:
                    point.aspect = moved
            points = self._supersede(points)
        else:
            # a clause telling of table service, in a review with a word of it at all
            table = self._table.search(text) is not None
            for point in points:
                moved = self.taxonomy.aspects[point.aspect].at_table
                first, last = clauses[point.first].clause, clauses[point.last].clause
                if (
                    table
                    and moved
                    and point.sign < 0
                    and self._table.search(text, first.start, last.end)
                ):
                    point.aspect = moved
            if self.taxonomy.eaten_in(text, platform):
                points = self.at_dine_in(points)
        points = _dedupe(points)
        found = Found(points=points)
        found.jieba = self._targets(text, reading, points, store)
        points = _continued(points, text, clauses)
        found.complaints, found.praise = self._report(reading, points, span)
        found.categories = self._categories(reading, points, rating)
        return found

    def at_dine_in(self, points: list[Point]) -> list[Point]:
        """Points of a review of a meal in the restaurant, each delivery aspect as the one it
        is there (`dine_in`: a wait is slow service, food not hot the kitchen's); a rider's
        (找不到 of 翻半天找不到几块肉) is no point: none came."""
        out = []
        for point in points:
            moved = self.taxonomy.aspects[point.aspect].dine_in
            if moved is not None and point.sign < 0:
                if not moved:
                    continue
                point.aspect = moved
            out.append(point)
        return self._supersede(out)

    # -- steps -----------------------------------------------------------------------------

    def _runnable(self, text: str) -> list[int]:
        """The patterns that can match in `text`: a word of each of their anchors is there."""
        present = self._anchor_words.every(text)
        if not present:
            return []
        chosen = set(self._unanchored)
        for word in present & self._by_anchor.keys():  # the words some pattern is looked up by
            chosen.update(self._by_anchor[word])
        runnable = []
        for index in sorted(chosen):
            for anchor in self._other_anchors[index]:
                if anchor.isdisjoint(present):
                    break
            else:
                runnable.append(index)
        return runnable

    def _supersede(self, points: list[Point]) -> list[Point]:
        """Drop complaints a more specific one replaces, and praise words inside a
        complaint's own words (没有店里好吃 holds 好吃)."""
        aspects = self.taxonomy.aspects
        out = []
        complaints = [p for p in points if p.sign < 0]
        for point in points:
            if point.sign > 0 and any(
                c.start <= point.start
                and point.end <= c.end
                and c.end - c.start > point.end - point.start
                for c in complaints
            ):
                continue
            beaten = point.sign < 0 and any(
                other is not point
                and other.sign < 0
                and other.aspect != point.aspect
                and (
                    point.aspect in aspects[other.aspect].supersedes
                    or aspects[point.aspect].category in aspects[other.aspect].supersedes
                )
                and other.first <= point.last
                and point.first <= other.last
                for other in points
            )
            if not beaten:
                out.append(point)
        return out

    def _derived(
        self,
        reading: Reading,
        points: list[Point],
        topics: dict[int, list[str]],
        clause_logits: list[float] | None,
    ) -> list[Point]:
        """Points of clauses the lexicon reading judged but no aspect word explained."""
        aspects = self.taxonomy.aspects
        covered: dict[tuple[int, str, int], bool] = {}
        superseded: set[tuple[int, str]] = set()
        said: dict[int, list[str]] = {}  # the words explicit points were read from
        for point in points:
            category = aspects[point.aspect].category
            for index in range(point.first, point.last + 1):
                covered[(index, category, point.sign)] = True
                said.setdefault(index, []).append(point.word)
                if point.sign < 0:
                    for name in aspects[point.aspect].supersedes:
                        superseded.add((index, name.split(".")[0]))
        # The model's reading of a clause is a fallback for short reviews whose words name
        # no complaint at all: beside a complaint in words it mostly echoes that complaint.
        # Long reviews tell more than a lexicon knows (米饭是湿的，黏成一团): it stays.
        if any(p.sign < 0 for p in points) and len(reading.text) < LONG_TEXT:
            clause_logits = None
        blamed = {p.first for p in points if p.sign < 0} | {p.last for p in points if p.sign < 0}
        out = []
        for index, clause in enumerate(reading.clauses):
            if not clause.terms and index not in topics:
                continue  # names no category: nothing to judge
            led_to = any(b < index for b in blamed) and self._consequence.search(
                reading.text, clause.clause.start, clause.clause.end
            )
            named = {aspects[a].category: a for a in reversed(topics.get(index, ()))}
            mentioned = dict.fromkeys([*clause.terms, *named])
            for category in mentioned:
                if category not in CATEGORIES:
                    continue
                score = clause.score(category) if category in clause.terms else clause.general
                weight = 1.0
                silent = clause.general == 0 and not any(clause.own.values())
                if (
                    score == 0
                    and silent
                    and clause_logits is not None
                    and category not in WORDS_ONLY
                    and abs(clause_logits[index]) >= CLAUSE_MODEL_LOGIT
                ):
                    score = 1 if clause_logits[index] > 0 else -1
                    weight = MODEL_EVIDENCE
                sign = (score > 0) - (score < 0)
                if sign == 0 or covered.get((index, category, sign)):
                    continue
                if covered.get((index, category, -sign)):
                    continue  # the clause's own aspect words already said which way
                if sign < 0 and (index, category) in superseded:
                    continue
                if sign < 0 and led_to:
                    continue  # 要不是饿了真想扔了: what the complaint before it led to
                words = clause.terms.get(category, [])
                if words and all(any(w in x for x in said.get(index, ())) for w in words):
                    continue  # its words already made a point of another category (太慢了)
                aspect = named.get(category) or self.taxonomy.default(category)
                c = clause.clause
                out.append(
                    Point(
                        aspect,
                        sign,
                        index,
                        index,
                        c.start,
                        c.end,
                        words[0] if words else "",
                        weight=weight,
                        derived=True,
                    )
                )
        return out

    def _targets(
        self, text: str, reading: Reading, points: list[Point], store: Matcher | None
    ) -> bool:
        clauses = reading.clauses
        menu = store.find(text) if store is not None else []
        roles: list[tuple[int, int, str]] | None = None  # found when a point first asks
        used_jieba = False
        for point in points:
            if point.target:
                continue
            lo = clauses[point.first].clause.start
            hi = clauses[point.last].clause.end
            candidates = [m for m in menu if lo <= m[0] and m[1] <= hi]
            if not candidates and point.sign < 0 and point.aspect.startswith(SENTENCE_TARGETS):
                # the dish the sentence is about (…来吃辣子鸡是一绝，现在辣椒比鸡还多，还炸得干巴巴
                # 的): a dish of the menu named earlier in it, else later
                at, to = sentence_bounds(text, lo, hi)
                candidates = [m for m in menu if at <= m[0] and m[1] <= to]
            if not candidates and point.aspect.startswith(ROLE_TARGETS):
                if roles is None:
                    roles = [(m.start(), m.end(), m.group()) for m in self._roles.finditer(text)]
                candidates = [r for r in roles if lo <= r[0] and r[1] <= hi]
            if not candidates and point.sign < 0 and point.aspect.startswith(NOUN_TARGETS):
                used_jieba = True
                ignore = self.taxonomy.target_ignore
                candidates = [
                    (lo + s, lo + e, w)
                    for s, e, w in self.segmenter.nouns_beside(
                        text[lo:hi], point.start - lo, point.end - lo
                    )
                    if w not in ignore
                    and not _overlaps(lo + s, lo + e, point)
                    and w not in self.matcher.tags
                    and not self._roles.fullmatch(w)
                ]
            if candidates:
                point.target = _nearest(candidates, point)
            moved = self.taxonomy.role_aspects.get(point.target or "")
            if moved and point.sign < 0 and point.aspect.startswith("service."):
                point.aspect = moved  # 骑手态度恶劣 is about the rider, not the shop's staff
        return used_jieba

    def _report(
        self, reading: Reading, points: list[Point], span: Callable[[int, int], str]
    ) -> tuple[tuple[Complaint, ...], tuple[Praise, ...]]:
        aspects = self.taxonomy.aspects
        clauses = reading.clauses
        complaints: list[tuple[int, int, Complaint]] = []
        praise: list[tuple[int, Praise]] = []
        for point in points:
            aspect = aspects[point.aspect]
            words = span(*_bounds(clauses, point))
            words = words.strip()
            if point.sign < 0:
                complaint = Complaint(
                    aspect.category,
                    aspect.id,
                    words,
                    point.target,
                    aspect.severity,  # type: ignore[arg-type]
                )
                complaints.append((-SEVERITY_RANK[aspect.severity], point.start, complaint))
            else:
                praise.append(
                    (point.start, Praise(aspect.category, aspect.praise_id, words, point.target))
                )
        complaints.sort(key=lambda t: (t[0], t[1]))
        praise.sort(key=lambda t: t[0])
        # one point per aspect and target: 难吃，真的太难吃了 is one complaint
        once_c = {(c.aspect, c.target): c for _, _, c in reversed(complaints)}
        once_p = {(p.aspect, p.target): p for _, p in reversed(praise)}
        return (
            tuple(c for _, _, c in complaints if once_c[(c.aspect, c.target)] is c),
            tuple(p for _, p in praise if once_p[(p.aspect, p.target)] is p),
        )

    def _categories(
        self, reading: Reading, points: list[Point], rating: float | None
    ) -> tuple[CategoryPolarity, ...]:
        """Each category's polarity from its points (the side with more contrast-weighted
        points wins; hygiene, and any category in a 1-2★ review, is negative on any
        complaint: praise does not undo it), and the categories the lexicon reading saw
        named without either, as neutral."""
        aspects = self.taxonomy.aspects
        totals: dict[str, float] = {}
        blamed: dict[str, bool] = {}
        terms: dict[str, list[str]] = {}
        for point in points:
            category = aspects[point.aspect].category
            clause = reading.clauses[point.first]
            weight = point.weight * (CONTRAST_WEIGHT if clause.clause.contrasted else 1.0)
            totals[category] = totals.get(category, 0.0) + weight * point.sign
            blamed[category] = blamed.get(category, False) or point.sign < 0
            if point.word:
                terms.setdefault(category, []).append(point.word)
        for clause in reading.clauses:
            for category, words in clause.terms.items():
                if category in CATEGORIES:
                    totals.setdefault(category, 0.0)
                    terms.setdefault(category, []).extend(words)
        found = []
        for category in CATEGORIES:
            if category not in totals:
                continue
            total = totals[category]
            polarity: Polarity = "negative" if total < 0 else "positive" if total > 0 else "neutral"
            low = rating is not None and rating <= LOW_RATING
            if (category == "hygiene" or low) and blamed.get(category):
                polarity = "negative"
            found.append(
                CategoryPolarity(category, polarity, tuple(dict.fromkeys(terms.get(category, ()))))
            )
        return tuple(found)


def _anchors(pattern: str) -> tuple[frozenset[str], ...]:
    """For each top-level part of `pattern` that every match must contain and whose literal
    words can be told, those words: a match needs one word of each set. The set with the
    longest words first (the one to look up by); empty if no part can be told."""
    tree = _parser.parse(pattern)
    if tree.state.flags & re.IGNORECASE:
        return ()  # its words may come in any case: a plain lookup cannot tell
    found: list[frozenset[str]] = []
    for op, av in tree:
        if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT):
            low, _, sub = av
            words = _sequence_words(sub) if low > 0 else None
        else:
            words = _item_words(op, av)
        if words and all(words):
            found.append(frozenset(words))
    # the first of the sets whose shortest word is longest, as the single anchor was chosen
    best = max(range(len(found)), key=lambda i: (min(map(len, found[i])), -i), default=None)
    if best is None:
        return ()
    return (found[best], *found[:best], *found[best + 1 :])


def _item_words(op: object, av: Any) -> set[str] | None:
    if op is _constants.LITERAL:
        return {chr(av)}
    if op is _constants.IN:
        if all(o is _constants.LITERAL for o, _ in av):
            return {chr(a) for _, a in av}
        return None
    if op is _constants.SUBPATTERN:
        return None if av[1] & re.IGNORECASE else _sequence_words(av[-1])
    if op is _constants.BRANCH:
        out: set[str] = set()
        for alternative in av[1]:
            words = _sequence_words(alternative)
            if words is None:
                return None
            out |= words
        return out
    return None


def _sequence_words(sequence: Any) -> set[str] | None:
    out = {""}
    for op, av in sequence:
        words = _item_words(op, av)
        if words is None:
            return None
        out = {a + b for a in out for b in words}
        if len(out) > MAX_ANCHOR_WORDS:
            return None
    return out


def _overlaps(start: int, end: int, point: Point) -> bool:
    return start < point.end and point.start < end


def _nearest(candidates: Sequence[tuple[int, int, str]], point: Point) -> str:
    """The candidate just before the complaint's words, else the first after them."""
    before = [c for c in candidates if c[1] <= point.start]
    if before:
        return max(before, key=lambda c: c[1])[2]
    after = [c for c in candidates if c[0] >= point.end]
    if after:
        return min(after, key=lambda c: c[0])[2]
    return candidates[0][2]


_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the sentence holding text[start:end]."""
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, end)
    return (before[-1] if before else 0), (after.start() if after else len(text))


_TARGET_TRIM = re.compile(r"^(一份|一个|一杯|一碗|的|了|是|个|份|杯|碗)+|(的|了|啊|呀|吧|呢)+$")


def _clean_target(target: str | None) -> str | None:
    if not target:
        return None
    target = _TARGET_TRIM.sub("", target.strip())
    return target if 0 < len(target) <= MAX_TARGET_CHARS else None


def _continued(points: list[Point], text: str, clauses: Sequence[Any]) -> list[Point]:
    """A complaint in its own words in the clause right after one of the same aspect about a
    named thing, in the same sentence and naming nothing of its own, goes on about that
    thing (回锅肉没煸透，有的还是生的; 红烧肉没炖烂，咬都咬不动): one point over both clauses,
    not two; so is a bare verdict the next clause spells out (送错了，我点的酸菜鱼给我送了个
    水煮鱼), named by the thing the second names. A reading derived from blame alone (…也不
    好吃，鸡块炸的老) is not merged."""
    out: list[Point] = []
    for point in sorted(points, key=lambda p: p.start):
        before = next((p for p in reversed(out) if p.sign < 0 and p.aspect == point.aspect), None)
        if (
            point.sign < 0
            and not point.derived
            and before is not None
            and (
                (before.target and not point.target)
                or (point.target and not before.target and not before.derived)
            )
            and point.first == before.last + 1
            and not _SENTENCE_END.search(
                text, clauses[before.last].clause.start, clauses[point.first].clause.start
            )
        ):
            before.last = max(before.last, point.last)
            before.target = before.target or point.target
            continue
        out.append(point)
    return out


def _dedupe(points: list[Point]) -> list[Point]:
    """One point per aspect, sign and clause; explicit words before derived readings."""
    seen: set[tuple[str, int, int]] = set()
    out = []
    for point in sorted(points, key=lambda p: (p.derived, p.start)):
        key = (point.aspect, point.sign, point.first)
        if key in seen:
            continue
        seen.add(key)
        out.append(point)
    out.sort(key=lambda p: p.start)
    return out


def _bounds(clauses: Sequence[Any], point: Any) -> tuple[int, int]:
    """The text offsets of the clauses a point was found in."""
    return clauses[point.first].clause.start, clauses[point.last].clause.end
