"""Reading a review clause by clause: which categories each clause talks about, whether it
praises or blames them, and a version of the text the sentiment model reads better.

One pass of the lexicon matcher finds every word; each word is placed in its clause and
flipped when a negator stands just before it (不贵, 没让人失望). Sarcasm (呵呵, praise in
quotation marks: 真是"好"餐厅) turns a clause to blame. The model's own score of a clause
decides only where the lexicon finds a topic but no polarity at all.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache

from reviewbot.analysis.base import CATEGORIES, CategoryPolarity, Polarity
from reviewbot.analysis.clauses import Clause, clause_spans
from reviewbot.analysis.gates import literal_gate
from reviewbot.analysis.lexicon import Lexicon, Matcher, Tag, load_lexicon, trie_pattern

# How much a clause opened by 但是/可是… weighs against the others for the same category.
CONTRAST_WEIGHT = 1.5
# The clause's model logit that counts as polarity when the lexicon found none.
CLAUSE_MODEL_LOGIT = 2.0
SHARE_ONLY_IF_ALONE = True
# The model's reading of a clause counts less than a word the customer actually used.
MODEL_EVIDENCE = 0.5
# Categories whose complaint must be in the customer's words, never the model's reading:
# a hygiene complaint makes a review high-severity and starts the food-safety path.
WORDS_ONLY = frozenset({"hygiene", "price"})
# A clause shorter than this is too little text for the model's score to mean anything.
CLAUSE_MODEL_MIN_CHARS = 4
# What negated blame (不难吃, 没踩雷) and sarcastic praise read as, for the model.
NEGATED_BLAME = "不错"
SARCASTIC_PRAISE = "呵呵"
EMOJI_WORDS = {1: "赞", -1: "差评"}
# A negator after a word negates it only where the clause ends (一点腥味都没有), never when
# the clause goes on (等了半天也没上菜: the waiting is the complaint).
POST_NEGATION_END = "(?=[了啊呀的哦呢吧啦嘛]*$)"


@dataclass(slots=True)
class ClauseReading:
    clause: Clause
    general: int = 0  # praise minus blame of words that belong to no category
    own: dict[str, int] = field(default_factory=dict)  # per category: its own words' sum
    terms: dict[str, list[str]] = field(default_factory=dict)  # per category: words found
    sarcastic: bool = False

    def score(self, category: str) -> int:
        """A category's own words decide with the clause's general words; a category only
        named (锅底, 服务员) takes the general words, unless another category in the clause
        has words of its own: then they are about that one (菜上得太慢 is about service)."""
        own = self.own.get(category, 0)
        if own or not SHARE_ONLY_IF_ALONE:
            return own + self.general
        if any(value for name, value in self.own.items() if name != category):
            return 0
        return self.general


@dataclass(slots=True)
class Reading:
    text: str
    clauses: list[ClauseReading]
    model_text: str  # the text with negated blame, sarcasm and emoji spelled out
    sarcastic: bool
    praise: int  # lexicon hits over the whole review
    blame: int
    words: list[str] = field(default_factory=list)  # every lexicon word found, in order
    health: list[str] = field(default_factory=list)  # claims of harm to health, not negated

    def clause_texts(self) -> list[str]:
        return [self.text[c.clause.start : c.clause.end] for c in self.clauses]


class Reader:
    """Everything that depends only on the lexicon, compiled once."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.matcher = Matcher(lexicon.tags())
        self._negated = lexicon.negation()
        general = "|".join(f"(?:{p})" for p in lexicon.negative_patterns)
        self._patterns = re.compile(general or "(?!)")
        # Each category's patterns, run only on a text holding one of the strings every
        # match of them needs (its gate; most reviews hold none). One gate per category:
        # the hygiene patterns cost more than the others together, and a gate for all of
        # them at once let them run on every review with a string of any category's.
        self._category_patterns = [
            (name, re.compile(joined), literal_gate(joined))
            for name, joined in (
                (name, "|".join(f"(?:{p})" for p in patterns))
                for name, patterns in lexicon.blame_patterns.items()
                if patterns
            )
        ]
        post = "|".join(re.escape(n) for n in sorted(lexicon.post_negators, key=len, reverse=True))
        self._post_negated = re.compile(
            f"[^，。！？,.!?]{{0,2}}(?:{post}){POST_NEGATION_END}" if post else "(?!)"
        )
        # Ignored words take part so that 下次一定来 is not the sarcastic 下次一定.
        self._sarcasm = Matcher(
            {w: () for w in lexicon.ignore} | {w: ((None, -1),) for w in lexicon.sarcasm}
        )
        # It and the health matcher find something only where one of their own words is:
        # in one review of a hundred, which a search for those words tells.
        self._any_sarcasm = re.compile(trie_pattern(lexicon.sarcasm))
        opening = "".join(re.escape(q[0]) for q in lexicon.quotes)
        closing = "".join(re.escape(q[1]) for q in lexicon.quotes)
        self._quoted = re.compile(f"[{opening}]([^{opening}{closing}]{{1,4}})[{closing}]")
        # Claims of harm to health; the ignored words are matched too, so that 吃吐了 or
        # 胃疼不能吃辣 hides the 吐了 or 胃疼 inside it, as it does for the categories.
        health: dict[str, tuple[Tag, ...]] = {w: () for w in lexicon.ignore}
        health.update({w: ((None, 0),) for w in lexicon.severity.get("critical", ())})
        self._health = Matcher(health)
        self._any_health = re.compile(trie_pattern(lexicon.severity.get("critical", ())))
        claims = "|".join(f"(?:{p})" for p in lexicon.severity.get("critical_patterns", ()))
        self._health_patterns = re.compile(claims or "(?!)")
        emoji = {e: 1 for e in lexicon.positive_emoji} | {e: -1 for e in lexicon.negative_emoji}
        self._emoji = emoji
        self._emoji_re = re.compile(trie_pattern(emoji))

    def read(self, text: str, extra: Matcher | None = None) -> Reading:
        clauses = clause_spans(text, self.lexicon.contrast)
        starts = [c.start for c in clauses]
        readings = [ClauseReading(c) for c in clauses]
        rewrites: list[tuple[int, int, str]] = []
        praise = blame = 0
        words: list[str] = []

        def clause_at(position: int) -> ClauseReading | None:
            index = bisect_right(starts, position) - 1
            if index < 0 or position >= clauses[index].end:
                return None
            return readings[index]

        quoted = []  # quoted praise (真是"好"餐厅): sarcasm
        for match in self._quoted.finditer(text):
            if any(word in match.group(1) for word in self.lexicon.quoted_praise):
                quoted.append((match.start(1), match.end(1)))
                rewrites.append((match.start(), match.end(), SARCASTIC_PRAISE))
                reading = clause_at(match.start(1))
                if reading is not None:
                    reading.sarcastic = True
        hits = self.matcher.find(text)
        if extra is not None:
            hits += extra.find(text)
        for start, end, word in hits:
            reading = clause_at(start)
            if reading is None:
                continue
            tags: tuple[Tag, ...] = self.matcher.tags.get(word) or (
                extra.tags.get(word, ()) if extra is not None else ()
            )
            if not tags:
                continue
            words.append(word)
            sign_flip = 1
            negation = self._negated.search(text, max(reading.clause.start, start - 6), start)
            after = self._post_negated.match(text, end, reading.clause.end)
            if (negation is None) != (after is None):  # 不难吃, 一点腥味都没有
                sign_flip = -1
            in_quotes = bool(quoted) and any(q0 <= start and end <= q1 for q0, q1 in quoted)
            for category, sign in tags:
                signed = sign * sign_flip
                if in_quotes and signed > 0:  # 真是"好"餐厅
                    signed = -signed
                elif sign < 0 and sign_flip < 0:  # 不难吃, 没让人失望, 腥味都没有
                    span_start = negation.start() if negation is not None else start
                    span_end = after.end() if after is not None else end
                    rewrites.append((span_start, span_end, NEGATED_BLAME))
                praise += signed > 0
                blame += signed < 0
                if category is None:
                    reading.general += signed
                else:
                    reading.own[category] = reading.own.get(category, 0) + signed
                    reading.terms.setdefault(category, []).append(word)
        for match in self._patterns.finditer(text):
            reading = clause_at(match.start())
            if reading is not None:
                reading.general -= 1
                blame += 1
                words.append(match.group())
        for category, pattern, gate in self._category_patterns:
            if gate is not None and gate.search(text) is None:
                continue
            for match in pattern.finditer(text):
                reading = clause_at(match.start())
                if reading is not None:
                    reading.own[category] = reading.own.get(category, 0) - 1
                    reading.terms.setdefault(category, []).append(match.group())
                    blame += 1
                    words.append(match.group())
        sarcasm = self._sarcasm.find(text) if self._any_sarcasm.search(text) else ()
        for start, _, word in sarcasm:
            if not self._sarcasm.tags[word]:
                continue
            reading = clause_at(start)
            if reading is not None:
                reading.sarcastic = True
        for reading in readings:
            if reading.sarcastic:
                reading.general = min(reading.general, 0) - 1
                blame += 1
        words_of_harm = self._health.find(text) if self._any_health.search(text) else ()
        claims = [(s, w) for s, _, w in words_of_harm if self._health.tags[w]]
        claims += [(m.start(), m.group()) for m in self._health_patterns.finditer(text)]
        health = [
            word
            for start, word in claims
            if not self._negated.search(text, max(0, start - 6), start)
        ]
        for match in self._emoji_re.finditer(text):
            rewrites.append((match.start(), match.end(), EMOJI_WORDS[self._emoji[match.group()]]))
        return Reading(
            text=text,
            clauses=readings,
            model_text=_rewrite(text, rewrites),
            sarcastic=any(r.sarcastic for r in readings),
            praise=praise,
            blame=blame,
            words=words,
            health=health,
        )


def _rewrite(text: str, edits: list[tuple[int, int, str]]) -> str:
    if not edits:
        return text
    out, at = [], 0
    for start, end, word in sorted(edits):
        if start < at:
            continue
        out.append(text[at:start])
        out.append(word)
        at = end
    out.append(text[at:])
    return "".join(out)


def categories(
    reading: Reading, clause_logits: list[float] | None = None
) -> tuple[CategoryPolarity, ...]:
    """Each category the review talks about, with its polarity over the clauses: the side
    with more (contrast-weighted) clauses wins; hygiene is negative on any blame, because a
    food-safety claim is never outweighed by praise."""
    totals: dict[str, float] = {}
    blamed: dict[str, bool] = {}
    terms: dict[str, list[str]] = {}
    for index, clause in enumerate(reading.clauses):
        mentioned = [c for c in clause.terms if c in CATEGORIES]
        if not mentioned:
            continue
        weight = CONTRAST_WEIGHT if clause.clause.contrasted else 1.0
        for category in mentioned:
            score = clause.score(category)
            silent = clause.general == 0 and not any(clause.own.values())
            silent = silent and clause.clause.end - clause.clause.start >= CLAUSE_MODEL_MIN_CHARS
            evidence = weight
            if silent and clause_logits is not None and category not in WORDS_ONLY:
                logit = clause_logits[index]
                if abs(logit) >= CLAUSE_MODEL_LOGIT:
                    score = 1 if logit > 0 else -1
                    evidence *= MODEL_EVIDENCE
            sign = (score > 0) - (score < 0)
            totals[category] = totals.get(category, 0.0) + evidence * sign
            blamed[category] = blamed.get(category, False) or sign < 0
            terms.setdefault(category, []).extend(clause.terms[category])
    found = []
    for category in CATEGORIES:
        if category not in totals:
            continue
        total = totals[category]
        polarity: Polarity = "negative" if total < 0 else "positive" if total > 0 else "neutral"
        if category == "hygiene" and blamed[category]:
            polarity = "negative"
        found.append(CategoryPolarity(category, polarity, tuple(dict.fromkeys(terms[category]))))
    return tuple(found)


def conceded(reading: Reading) -> bool:
    """The review turns to praise after a contrast (虽然有点贵，但是很好吃): its complaints
    come before, and are outweighed by, the clause it ends on."""
    last = None
    for index, clause in enumerate(reading.clauses):
        if clause.clause.contrasted:
            last = index
    if last is None:
        return False

    def total(clause: ClauseReading) -> int:
        return clause.general + sum(clause.own.values())

    if total(reading.clauses[last]) <= 0:
        return False
    return all(total(c) >= 0 for c in reading.clauses[last:])


@cache
def _shipped_reader() -> Reader:
    return Reader(load_lexicon())


@lru_cache(maxsize=1024)
def food_safety_claim(text: str) -> bool:
    """Whether `text` claims harm to health or a hygiene problem, read with the shipped
    lexicons: what the v1 analyzer marks critical or hygiene-negative. For callers holding
    an analysis made elsewhere (another analyzer, an older lexicon) that must not miss one:
    the reply engine's careful path."""
    reading = _shipped_reader().read(text)
    return bool(reading.health) or any(
        c.name == "hygiene" and c.polarity == "negative" for c in categories(reading)
    )


def store_matcher(terms: Mapping[str, tuple[str, ...]]) -> Matcher | None:
    """Topic words of one store (its menu as food, its own extra words)."""
    tags: dict[str, tuple[Tag, ...]] = {}
    for category, words in terms.items():
        for word in words:
            if word:
                tags[word] = (*tags.get(word, ()), (category, 0))
    return Matcher(tags) if tags else None
