"""Reading a review the way an owner would before replying: which situation it is, what the
main complaint is and in which words the customer put it, which dish they named, what they
praised, whether there is a second complaint, and what else changes how the reply reads
(no text, a problem that happened again, a phone nobody answered).

Everything comes from the review text, its `Analysis` (categories with their evidence
terms, malicious reasons, severity), the aspects in the template library and the
classifier's own lexicons (negation, topic words); nothing is guessed beyond what the
customer wrote. Word lists are data (data/reading.toml).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from reviewbot.analysis.base import CATEGORIES, Analysis, ReviewText
from reviewbot.analysis.clauses import split_clauses
from reviewbot.analysis.lexicon import load_lexicon
from reviewbot.analysis.normalize import to_simplified
from reviewbot.replies.lexicon import dish_lexicon, is_crisis
from reviewbot.replies.templates import Aspect, Template, TemplateLibrary

# How the pipeline joins a follow-up comment (追评) to the review text it analyzes.
FOLLOW_UP_MARKER = "追评："
# Which complaint a reply leads with when several have a recognised aspect (or none has).
CATEGORY_PRIORITY: tuple[str, ...] = (
    "hygiene",
    "food",
    "service",
    "delivery",
    "environment",
    "price",
)
CONTRAST: tuple[str, ...] = ("但是", "但", "可是", "不过", "然而", "就是", "只是", "可惜")
# Particles a quote may lose at its end ("太慢了吧" → "太慢了"). Not 了: "都凉了" is a
# whole thought and "都凉" is not.
_TRAILING = "啊呀吧啦哦嘛呢哈哇额呃"
# A quote is kept to plain words: no digits or latin letters (order numbers, phone
# numbers, prices, links can never be echoed into a public reply).
_LONGEST = 16  # characters of the longest quote
_QUOTABLE = re.compile(rf"^[\u4e00-\u9fff]{{3,{_LONGEST}}}$")
_QUOTABLE_RUN = re.compile(r"^[\u4e00-\u9fff]+$")
# Situations that answer a complaint, where a phone nobody answered changes the reply.
_COMPLAINT_SITUATIONS = frozenset({"negative", "mixed", "follow_up", "crisis"})


@dataclass(frozen=True, slots=True)
class _Words:
    praise: tuple[str, ...]
    unpraise: tuple[str, ...]
    fillers: tuple[str, ...]
    unquotable: tuple[str, ...]
    quotable_words: tuple[str, ...]
    rhetorical: tuple[str, ...]
    repeat: tuple[str, ...]
    visit: tuple[str, ...]
    unanswered: tuple[str, ...]
    staples: tuple[str, ...]
    delivered: tuple[str, ...]
    delivered_weak: tuple[str, ...]
    delivered_strong: tuple[str, ...]  # delivered less delivered_weak
    table_wait: tuple[str, ...]
    dish_wait: tuple[str, ...]
    table_wait_answer: str
    cut_at: re.Pattern[str]
    long_leads: re.Pattern[str]
    fragment_ends: tuple[str, ...]
    address: re.Pattern[str]
    reported: tuple[str, ...]
    address_ties: tuple[str, ...]
    amount: re.Pattern[str]
    amount_lead_ends: tuple[str, ...]
    charge_words: tuple[str, ...]


@cache
def _words() -> _Words:
    raw = resources.files("reviewbot.replies").joinpath("data/reading.toml").read_text("utf-8")
    data = tomllib.loads(raw)
    return _Words(
        praise=tuple(data["praise_words"]),
        unpraise=tuple(data["unpraise"]),
        fillers=tuple(sorted(data["fillers"], key=len, reverse=True)),
        unquotable=tuple(data["unquotable"]),
        quotable_words=tuple(sorted(data["quotable_words"], key=len, reverse=True)),
        rhetorical=tuple(data["rhetorical"]),
        repeat=tuple(data["repeat_words"]),
        visit=tuple(data["visit_words"]),
        unanswered=tuple(data["unanswered_words"]),
        staples=tuple(sorted(data["staples"], key=len, reverse=True)),
        delivered=tuple(data["delivered_words"]),
        delivered_weak=tuple(data.get("delivered_weak_words", ())),
        delivered_strong=tuple(
            w for w in data["delivered_words"] if w not in data.get("delivered_weak_words", ())
        ),
        table_wait=tuple(data["table_wait"]["words"]),
        dish_wait=tuple(data["table_wait"]["dish_words"]),
        table_wait_answer=data["table_wait"]["answer"],
        cut_at=re.compile("|".join(map(re.escape, sorted(data["cut_at"], key=len, reverse=True)))),
        long_leads=re.compile(
            "|".join(map(re.escape, sorted(data["long_leads"], key=len, reverse=True)))
        ),
        fragment_ends=tuple(data["cut_fragment_ends"]),
        address=re.compile(
            "|".join(map(re.escape, sorted(data["address"], key=len, reverse=True)))
        ),
        reported=tuple(data["reported"]),
        address_ties=tuple(data["address_ties"]),
        amount=re.compile(data["amount"]["pattern"]),
        amount_lead_ends=tuple(sorted(data["amount"]["lead_ends"], key=len, reverse=True)),
        charge_words=tuple(data["amount"]["charge_words"]),
    )


@cache
def _negation() -> re.Pattern[str]:
    """The classifier's negation (不, 没, 不太, 没让人 …): one reading of 不慢 for both."""
    return load_lexicon().negation()


@cache
def _topics() -> dict[str, tuple[str, ...]]:
    lexicon = load_lexicon()
    return {name: tuple(lexicon.topics.get(name, ())) for name in CATEGORIES}


@cache
def _category_praise() -> dict[str, tuple[str, ...]]:
    """Each category's own praise words that are praise wherever they stand (好吃, 准时)."""
    lexicon, general = load_lexicon(), set(_words().praise)
    return {
        name: tuple(w for w in lexicon.praise.get(name, ()) if w in general) for name in CATEGORIES
    }


def _terms(template: Template) -> tuple[str, ...]:
    """Every complaint term of a template's aspects."""
    return tuple(t for aspect in template.aspects for t in aspect.terms)


def split_follow_up(text: str) -> tuple[str, str]:
    """(the original review, the follow-up comment or "")."""
    head, marker, tail = text.partition(FOLLOW_UP_MARKER)
    return (head.strip(), tail.strip()) if marker else (text.strip(), "")


def find_term(text: str, terms: tuple[str, ...]) -> str | None:
    """The first of `terms` that `text` uses without negating it ("不慢" is not "慢")."""
    negated = _negation()
    for term in terms:
        start = text.find(term)
        while start != -1:
            if not negated.search(text, max(0, start - 6), start):
                return term
            start = text.find(term, start + 1)
    return None


def delivered(text: str, platform: str | None = None) -> bool:
    """Whether the review is of an order that was delivered (外卖, 骑手, 送到; or posted on
    a delivery platform and telling of no meal in the restaurant): its waits are then a
    late delivery, not slow table service."""
    words = _words()
    plain = to_simplified(text)
    from reviewbot.analysis.complaints import load_taxonomy

    taxonomy = load_taxonomy()
    said = find_term(plain, words.delivered)
    if said is not None and said not in words.delivered_weak:
        return True
    if said is not None and find_term(plain, words.delivered_strong) is not None:
        return True
    if said is not None and not taxonomy.eaten_in(plain, platform):
        return True  # 送来, 下单 in a review of no meal in the restaurant
    return taxonomy.delivered_by_platform(plain, platform)


# The `when` word of an answer for a point of a meal in the restaurant.
DINE_IN_WORD = "堂食"


def eaten_in(text: str, platform: str | None = None) -> bool:
    """Whether the review tells of a meal in the restaurant: no delivery (delivered), and a
    word of one or posted on a dine-in platform (the analyzer's aspects.toml)."""
    from reviewbot.analysis.complaints import load_taxonomy

    if delivered(text, platform):
        return False
    return load_taxonomy().eaten_in(to_simplified(text), platform)


def table_wait(text: str, span: str) -> str:
    """The answer word (等位) for a wait in `span` of a review (`text`) that tells of
    queueing for a table, when the wait's own words tell of no dish; else ""."""
    words = _words()
    plain, own = to_simplified(text), to_simplified(span)
    if any(w in own for w in words.dish_wait):
        return ""
    if find_term(plain, words.table_wait) is None:
        return ""
    return words.table_wait_answer


def at_table(text: str, platform: str | None = None) -> bool:
    """Whether the review tells of table service (服务员, 上菜) and of no delivery."""
    from reviewbot.analysis.complaints import load_taxonomy

    plain = to_simplified(text)
    return not delivered(text, platform) and any(w in plain for w in load_taxonomy().table_context)


def praises(clause: str) -> bool:
    """Whether a clause praises something: a praise word, not negated (不好吃) and not in a
    comparison that makes it a complaint (还没路边摊的好吃)."""
    words = _words()
    word = find_term(clause, words.praise)
    if word is None:
        return False
    return not any(u in clause[: clause.find(word)] for u in words.unpraise)


# Measure words after 有 (有股味, 有根头发, 有点咸): there 有 is the verb, not a filler's.
_MEASURE_WORDS = frozenset("股个根只点些种块条片颗粒丝")


def clean_quote(clause: str) -> str:
    """The customer's clause trimmed to its content and put in 「」, or "" if it is unfit to
    quote back in public: too short or long, not plain words, an insult or a name, a
    rhetorical question (能再慢点么), a fragment (…不说) or praise."""
    words = _words()
    text = clause.strip()
    changed = True
    while changed:
        changed = False
        for filler in words.fillers:
            if len(filler) == 1 and filler in text[1:]:
                continue  # 又贵量又少, 也贵也难吃: the first of a pair is no filler
            if text.startswith(filler) and len(text) > len(filler) + 2:
                # 还有股土腥味: 有 before a measure word is the verb, kept (有股土腥味)
                keep = filler.endswith("有") and text[len(filler)] in _MEASURE_WORDS
                text, changed = text[len(filler) - keep :], True
        while text and text[-1] in _TRAILING and len(text) > 4:
            text, changed = text[:-1], True
    if not _QUOTABLE.match(text) or _unfit_words(text) or praises(text):
        return ""
    return f"「{text}」"


def _unfit_words(text: str) -> bool:
    """Whether the text holds a word never quoted back (an insult, 你, a question)."""
    words = _words()
    plain = text
    for word in words.quotable_words:  # 猪肉 holds 猪, 碎成渣 holds 渣: food, not insults
        plain = plain.replace(word, "　")
    return any(word in plain for word in (*words.unquotable, *words.rhetorical))


def quote_part(clause: str) -> str:
    """The longest part of a clause unfit to quote whole, cut at the words that made it so
    (reading.toml `cut_at`: questions, money back; `address`: the customer speaking to the
    store, 你家的), that is fit to quote on its own, or "". Parts that open reported words
    (经理来了说) or are under four characters are no point, nor parts that hang on the
    address cut away (你倒是…, …是你们的事)."""
    words = _words()
    mask = to_simplified(clause)  # cut where the Simplified words are (為什麼 is 为什么)
    mask = mask if len(mask) == len(clause) else clause
    for word in words.quotable_words:  # 猪肉 is not cut at 猪
        mask = mask.replace(word, "\0" * len(word))
    cuts = [(m.start(), m.end(), False) for m in words.cut_at.finditer(mask)]
    if not _QUOTE_MARKS.search(clause):
        cuts += [
            (m.start(), m.end(), True)
            for m in words.address.finditer(mask)
            if not any(w in mask[: m.start()] for w in words.reported)
        ]
    parts: list[tuple[str, bool, bool]] = []  # (part, after an address, before one)
    at, after = 0, False
    for start, end, addressed in sorted(cuts):
        if start < at:
            continue
        parts.append((clause[at:start], after, addressed))
        at, after = end, addressed
    if not parts:
        return ""
    parts.append((clause[at:], after, False))
    fit = [
        quote
        for part, after, before in parts
        if len(part.strip()) >= 4
        and not part.strip().endswith(words.fragment_ends)
        and not (after and part.strip().startswith(words.address_ties))
        and not (before and part.strip().endswith(words.address_ties))
        and not (after and _unfit_words(part))  # before a particle is trimmed (…是吧)
        and (quote := clean_quote(part) or tail_part(part))
    ]
    return max(fit, key=len, default="")


_QUOTE_MARKS = re.compile('["“”「」『』‘’]')


def tail_part(clause: str) -> str:
    """A clause too long to quote whole but of plain words (坐下以后点单叫了三次服务员都没人理)
    quoted by what follows a word that only leads to its problem (reading.toml
    `long_leads`: a time, a turn, 最气的是), the longest such tail fit to quote on its own
    (「点单叫了三次服务员都没人理」): the problem and its object, which end a Chinese clause,
    never cut off. A clause unfit for its words (你, insults, questions) is not cut around."""
    words = _words()
    text = clause.strip()
    if len(text) <= _LONGEST or not _QUOTABLE_RUN.match(text) or _unfit_words(text):
        return ""
    mask = to_simplified(text)
    mask = mask if len(mask) == len(text) else text
    # Only where a word ends (端菜|时|把…, never 时|间), and not before another lead or 的
    # (端上来|的时候…: the tail after that one is the problem).
    bounds = _word_ends(mask)
    ends = [m.end() for m in words.long_leads.finditer(mask) if m.end() in bounds]
    tails = (
        text[end:]
        for end in ends
        if not words.long_leads.match(mask, end) and not mask.startswith("的", end)
    )
    fit = [q for tail in tails if len(tail) >= 4 and (q := clean_quote(tail))]
    return max(fit, key=len, default="")


@cache
def _cutter() -> Any:
    """jieba's words (a tokenizer of our own: no store's words in it)."""
    from reviewbot.analysis.targets import tokenizer_copy

    return tokenizer_copy()


def _word_ends(text: str) -> set[int]:
    """Where jieba's words of `text` end."""
    ends, at = set(), 0
    for word in _cutter().lcut(text, HMM=False):
        at += len(word)
        ends.add(at)
    return ends


def amount_part(clause: str) -> str:
    """What a clause unfit to quote for its amount (米饭居然单独收费3块一碗, 包间最低消费2000)
    says of the charge before the amount, fit to quote on its own (「米饭居然单独收费」), or "".
    Only the words before the first amount, trimmed of what only leads to a sum (每人, 一个,
    标价), and only when they still name a charge (reading.toml `[amount]`): the dish alone
    before its price (一碗牛肉面38元) says nothing of the complaint, and the words after a sum
    (7块比菜还贵) are no point without it."""
    words = _words()
    found = words.amount.search(clause)
    if found is None:
        return ""
    lead = clause[: found.start()].strip()
    changed = True
    while changed:
        changed = False
        for end in words.amount_lead_ends:
            if lead.endswith(end) and len(lead) > len(end):
                lead, changed = lead[: -len(end)], True
        if len(lead) > 2 and lead[-2] == "每":  # 每包, 每张: what the sum is counted by
            lead, changed = lead[:-2], True
    lead = _CLAUSE_END.split(lead)[-1]
    # What staff said comes after their 说 (买单的时候说茶位费…): the charge, not the telling.
    lead = _REPORTED.split(lead)[-1]
    plain = to_simplified(lead)
    # Five characters at least: a charge's bare name is said by the answer (餐具费), and a
    # shorter part is mostly a conjunction and a name (可餐具费).
    if len(lead) < 5 or plain.endswith(words.fragment_ends):
        return ""
    if not any(word in plain for word in words.charge_words):
        return ""
    return clean_quote(lead)


_CLAUSE_END = re.compile(r"[，,；;：:。！？!?]+")
_REPORTED = re.compile(r"说|說|讲|講|告诉|告訴|表示")


def dish_places(
    text: str, start: int, end: int, menu: tuple[str, ...]
) -> list[tuple[int, int, str]]:
    """Where text[start:end] names a dish (named_dish's: the menu, a commonly known dish, a
    staple), longest first where two overlap, in order."""
    found: list[tuple[int, int, str]] = []
    known = (*sorted((d for d in menu if d), key=len, reverse=True), *dish_lexicon())
    for dish in (*known, *_words().staples):
        at = text.find(dish, start, end)
        while at >= 0:
            if not any(s < at + len(dish) and at < e for s, e, _ in found):
                found.append((at, at + len(dish), dish))
            at = text.find(dish, at + 1, end)
    return sorted(found)


def named_dish(text: str, menu: tuple[str, ...]) -> str:
    """The dish `text` names: from the store's menu first, else a commonly known dish, else
    a staple (米饭)."""
    for dish in sorted(menu, key=len, reverse=True):
        if dish and dish in text:
            return dish
    known = (*dish_lexicon(), *_words().staples)
    return next((dish for dish in known if dish in text), "")


@dataclass(frozen=True, slots=True)
class Complaint:
    """One complaint: its category, the aspect it matched and the customer's words."""

    category: str
    template: Template
    aspect: Aspect | None = None
    term: str = ""
    quote: str = ""
    dish: str = ""
    at: int = 0  # the clause it is made in: the customer's first complaint leads


@dataclass(frozen=True, slots=True)
class Reading:
    situation: str
    template: Template
    main: Complaint | None = None
    second: Complaint | None = None
    praised: tuple[str, ...] = ()
    liked: str = ""  # a dish named in a clause of praise
    cues: tuple[str, ...] = ()  # see templates.CUES; the first listed wins

    @property
    def crisis(self) -> bool:
        return self.situation == "crisis"


class _Reader:
    def __init__(
        self, review: ReviewText, analysis: Analysis, library: TemplateLibrary, menu: tuple
    ) -> None:
        self.analysis = analysis
        self.library = library
        self.menu = menu
        self.text = review.text.strip()
        self.rating = review.rating
        self.platform = review.platform
        self.original, self.follow_up = split_follow_up(self.text)
        self.improved, self.repeat = self._follow_up_kind(analysis)
        # The follow-up is what the customer says now, so its clauses come first; unless it
        # says the problem came back (还是一样), or that it is better now (态度好多了): then
        # the original complaint leads.
        first = self.repeat or self.improved
        parts = (self.original, self.follow_up) if first else (self.follow_up, self.original)
        self.clauses = [c for part in parts for c, _ in split_clauses(part, CONTRAST)]

    def _follow_up_kind(self, analysis: Analysis) -> tuple[bool, bool]:
        """(better now, the same problem again) of a follow-up, from the analyzer's points
        on each side of it: praise and no complaint in it is better now (第二次去换了个服务员，
        态度好多了), whatever 第二次 says; an aspect complained of on both sides, a word of
        repetition (还是一样), or another visit (第二次) and nothing new, is the problem again."""
        if not self.follow_up:
            return False, False
        after = self.text.find(FOLLOW_UP_MARKER)

        def later(span: str) -> bool:
            return bool(span) and self.text.find(span, after) >= after

        now = {c.aspect for c in analysis.complaints if later(c.span)}
        before = {c.aspect for c in analysis.complaints if c.span and not later(c.span)}
        praised = any(later(p.span) for p in analysis.praise)
        if praised and not now:
            return True, False
        words = _words()
        said = find_term(self.follow_up, words.repeat)
        # another visit with only a new problem (第二次点，菜是凉的, after a late delivery) is
        # no repeat of the first one
        visit = not now - before and find_term(self.follow_up, words.visit)
        return False, bool(now & before) or bool(said) or bool(visit)

    def template_of(self, category: str) -> Template:
        if category == "general":
            return self.library.find("negative")
        return self.library.for_category(category)

    def flagged(self, category: str) -> bool:
        """Whether the classifier found this category negative."""
        found = self.analysis.category(category)
        return found is not None and found.polarity == "negative"

    def blame_words(self, category: str, template: Template) -> tuple[str, ...]:
        """Words that make a clause about `category` a complaint: its aspects' terms, the
        classifier's complaint words for it, the evidence it found that is no topic, and
        its words of blame about anything (差, 失望), which are all there is for no
        category."""
        lexicon = load_lexicon()
        if category == "general":
            return lexicon.negative
        evidence = self.analysis.category(category)
        found = evidence.terms if evidence is not None and self.flagged(category) else ()
        topics = set(_topics().get(category, ()))
        return (
            *(t for a in template.aspects for t in a.terms),
            *lexicon.blame.get(category, ()),
            *(t for t in found if t not in topics),
            *lexicon.negative,  # 味道有点差: a topic of the category and a word of blame
        )

    def complaint(self, category: str) -> Complaint:
        template = self.template_of(category)
        clauses = self.clauses
        flagged = category == "hygiene" or self.flagged(category)
        evidence = self.analysis.category(category)
        # Topic words (包装, 骑手) say what a remark is about, not that it is a complaint:
        # they count only where the classifier already found the category negative.
        words = [a.terms + (a.topics if flagged else ()) for a in template.aspects]
        terms = (evidence.terms if evidence and flagged else ()) + tuple(
            t for group in words for t in group
        )
        if terms:
            relevant = [i for i, c in enumerate(clauses) if find_term(c, terms)]
        else:  # no category: the clauses that name a dish are the complaint
            relevant = [i for i, c in enumerate(clauses) if named_dish(c, self.menu)]
        # The aspect: a complaint term beats a topic word, then the customer's order.
        aspect, term, where, by_term = None, "", None, False
        scan = [*relevant, *range(len(clauses))]
        for use in ([a.terms for a in template.aspects], words):
            for index in scan:
                for candidate, group in zip(template.aspects, use, strict=True):
                    found = find_term(clauses[index], group)
                    if found:
                        aspect, term, where = candidate, found, index
                        break
                if aspect is not None:
                    break
            if aspect is not None:
                by_term = use is not words
                break
        # The clause the complaint is made in: where its aspect's term is, else the first
        # relevant one with a complaint word. Its words may be quoted and its dish named,
        # never another clause's (汤没味，沙拉还行: the soup was bland, not the salad).
        anchor, complains = (where, True) if by_term else (None, False)
        if anchor is None:
            blame = self.blame_words(category, template)
            anchor = next((i for i in relevant if find_term(clauses[i], blame)), None)
            complains = anchor is not None
        if anchor is None and category != "general":  # a topic word, at least
            anchor = where if where is not None else next(iter(relevant), None)
        quote = dish = ""
        if anchor is not None:
            # A clause merely naming a dish is no complaint to quote (general).
            quote = clean_quote(clauses[anchor]) if complains and category != "general" else ""
            dish = named_dish(clauses[anchor], self.menu)
        at = anchor if anchor is not None else len(clauses)
        return Complaint(category, template, aspect, term, quote, dish, at)

    def complaints(self) -> list[Complaint]:
        """The review's complaints, the one to lead with first: in the categories the
        classifier found negative, and wherever the customer used a complaint term (太慢,
        洒了, 太咸), whatever the classifier made of the review as a whole."""
        analysis = self.analysis
        flagged = {c.name for c in analysis.negative_categories()} - {"hygiene"}
        # A happy, well-rated review complains only after a 但是/就是 (…就是有点咸).
        happy = analysis.polarity == "positive" and (self.rating or 0) >= 4
        parts = [p for p in (self.follow_up, self.original) if p]
        remarks = [c for p in parts for c, turn in split_clauses(p, CONTRAST) if turn or not happy]
        remarks = [r for r in remarks if not praises(r)]  # 以前太慢，现在快多了
        named = {
            category
            for category in CATEGORY_PRIORITY[1:]
            if any(find_term(remark, _terms(self.template_of(category))) for remark in remarks)
        }
        read = {c.category for c in analysis.complaints}
        if "delivery" not in flagged | read and at_table(self.text, self.platform):
            # 上菜还把汤洒我身上了: a delivery word (洒) at the table, where the analyzer
            # read no delivery complaint and nothing was delivered, is no delivery point.
            named.discard("delivery")
        found = [self.complaint(c) for c in CATEGORY_PRIORITY if c in flagged | named]
        found = [c for c in found if c.category in flagged or c.aspect is not None]
        # A word of a category the analyzer found nothing wrong with, in words it read as
        # another category's complaint (漏了一份米饭: a missing item, not a spill), is that
        # complaint, not one of its own.
        others = [(c.category, c.span) for c in analysis.complaints if c.span]
        found = [
            c
            for c in found
            if c.category in flagged | read
            or not any(
                category != c.category and c.quote.strip("「」") in span
                for category, span in others
                if c.quote
            )
        ]
        found = self._delivered_wait(found)
        # Complaints we can name first (the classifier's before our own finds), then in
        # the order the customer made them.
        found.sort(key=lambda c: (c.aspect is None, c.category not in flagged, c.at))
        return found

    def _delivered_wait(self, found: list[Complaint]) -> list[Complaint]:
        """A long wait is slow table service in the restaurant but a late delivery in an
        order that was delivered (外卖等了两个小时): answer the delivery, in the same words."""
        wait = next(
            (
                c
                for c in found
                if c.category == "service" and c.aspect is not None and c.aspect.name == "waiting"
            ),
            None,
        )
        if wait is None or not delivered(self.text, self.platform):
            return found
        template = self.template_of("delivery")
        late = next((a for a in template.aspects if a.name == "late"), None)
        if late is None:  # an owner's library without a late-delivery reply
            return found
        rest = [c for c in found if c is not wait]
        if any(c.category == "delivery" and c.aspect is late for c in rest):
            return rest
        moved = Complaint("delivery", template, late, wait.term, wait.quote, wait.dish, wait.at)
        return [*rest, moved]

    def praised(self, exclude: set[str]) -> tuple[str, ...]:
        """Categories the customer praised in so many words: a clause that praises (see
        praises) and is about the category, by one of its topic words (服务员, 包装) or by
        a praise word of its own (好吃, 准时) with no other category's topic beside it."""
        result = []
        clauses = [c for c, _ in split_clauses(self.original, CONTRAST)]
        praising = [c for c in clauses if praises(c)]
        topics = _topics()
        for category in self.analysis.categories:
            name = category.name
            if category.polarity != "positive" or name in exclude:
                continue
            for clause in praising:
                about = any(t in clause for t in topics.get(name, ()))
                own = find_term(clause, _category_praise().get(name, ()))
                others = any(
                    t in clause for other, words in topics.items() if other != name for t in words
                )
                if about or (own and not others):
                    result.append(name)
                    break
        return tuple(result)

    def liked(self) -> str:
        """A dish the customer named in a clause of praise (麻婆豆腐味道很好)."""
        return next(
            (d for d in (named_dish(c, self.menu) for c in self.clauses if praises(c)) if d), ""
        )

    def cues(self, situation: str) -> tuple[str, ...]:
        words = _words()
        cues = []
        if not self.text:
            cues.append("no_text")
        if self.repeat:
            cues.append("repeat")
        if self.improved:
            cues.append("improved")
        if situation in _COMPLAINT_SITUATIONS and find_term(self.text, words.unanswered):
            cues.append("unanswered")
        return tuple(cues)


def read_review(
    review: ReviewText, analysis: Analysis, library: TemplateLibrary, menu: tuple[str, ...]
) -> Reading:
    reader = _Reader(review, analysis, library, menu)
    if is_crisis(analysis, reader.text):
        main = reader.complaint("hygiene")
        return Reading("crisis", main.template, main, cues=reader.cues("crisis"))
    if analysis.malicious:
        return Reading("malicious", library.find("malicious"), cues=analysis.malicious_reasons)
    if not reader.text:
        situation = (
            "star_only"
            if analysis.negative
            else "positive"
            if analysis.polarity == "positive"
            else "neutral"
        )
        return Reading(situation, library.find(situation), cues=reader.cues(situation))
    # A review that names a problem is answered as a complaint, however the classifier
    # scored it overall: thanking a customer for a cold, late dinner is the worst reply.
    complaints = reader.complaints()
    if not complaints and analysis.negative:
        complaints = [reader.complaint("general")]
    if not complaints:
        situation = "positive" if analysis.polarity == "positive" else "neutral"
        return Reading(
            situation,
            library.find(situation),
            praised=reader.praised(set()),
            liked=reader.liked(),
            cues=reader.cues(situation),
        )
    main = complaints[0]
    # A second complaint is named only when we can name it and it is a different remark
    # (one clause like "等了四十分钟" must not become both slow service and late delivery).
    second = next((c for c in complaints[1:] if c.aspect is not None and c.at != main.at), None)
    praised = reader.praised({c.category for c in complaints})
    situation = "follow_up" if reader.follow_up else "mixed" if praised else "negative"
    template = main.template if situation == "negative" else library.find(situation)
    return Reading(
        situation,
        template,
        main,
        second,
        praised,
        liked=reader.liked() if praised else "",
        cues=reader.cues(situation),
    )
