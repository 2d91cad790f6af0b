"""Reading a review the way an owner would before replying: which situation it is, what the
main complaint is and in which words the customer put it, which dish they named, what they
praised, and whether there is a second complaint.

Everything comes from the review text, its `Analysis` (categories with their evidence
terms, malicious reasons, severity) and the aspects in the template library; nothing is
guessed beyond what the customer wrote. Word lists are data (data/reading.toml).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from reviewbot.analysis.base import Analysis, ReviewText
from reviewbot.analysis.clauses import split_clauses
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
_NEGATORS: tuple[str, ...] = ("不", "没", "别", "无")
# What negates a term that is itself negative (没有不耐烦, 并不难吃).
_DOUBLE_NEGATORS: tuple[str, ...] = ("没有", "并", "没")
_TRAILING = "了啊呀吧啦哦嘛呢哈哇额呃"
# A quote is kept to plain words: no digits or latin letters (order numbers, phone
# numbers, prices, links can never be echoed into a public reply).
_QUOTABLE = re.compile(r"^[\u4e00-\u9fff]{4,16}$")


@dataclass(frozen=True, slots=True)
class _Words:
    praise: tuple[str, ...]
    fillers: tuple[str, ...]
    unquotable: tuple[str, ...]


@cache
def _words() -> _Words:
    raw = resources.files("reviewbot.replies").joinpath("data/reading.toml").read_text("utf-8")
    data = tomllib.loads(raw)
    return _Words(tuple(data["praise_words"]), tuple(data["fillers"]), tuple(data["unquotable"]))


def split_follow_up(text: str) -> tuple[str, str]:
    """(the original review, the follow-up comment or "")."""
    head, marker, tail = text.partition(FOLLOW_UP_MARKER)
    return (head.strip(), tail.strip()) if marker else (text.strip(), "")


def find_term(text: str, terms: tuple[str, ...]) -> str | None:
    """The first of `terms` that `text` uses without negating it ("不慢" is not "慢")."""
    for term in terms:
        start = text.find(term)
        while start != -1:
            before = text[max(0, start - 2) : start]
            negators = _DOUBLE_NEGATORS if term[0] in "不没" else _NEGATORS
            negated = any(before.endswith(n) for n in negators)
            if not negated:
                return term
            start = text.find(term, start + 1)
    return None


def clean_quote(clause: str) -> str:
    """The customer's clause trimmed to its content and put in 「」, or "" if unfit to quote."""
    words = _words()
    text = clause.strip()
    changed = True
    while changed:
        changed = False
        for filler in words.fillers:
            if text.startswith(filler) and len(text) > len(filler) + 2:
                text, changed = text[len(filler) :], True
        while text and text[-1] in _TRAILING and len(text) > 4:
            text, changed = text[:-1], True
    if not _QUOTABLE.match(text) or any(word in text for word in words.unquotable):
        return ""
    return f"「{text}」"


def named_dish(text: str, menu: tuple[str, ...]) -> str:
    """The dish `text` names: from the store's menu first, else a commonly known dish."""
    for dish in sorted(menu, key=len, reverse=True):
        if dish and dish in text:
            return dish
    return next((dish for dish in dish_lexicon() if dish in text), "")


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
    dish: str = ""
    reasons: tuple[str, ...] = ()

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
        self.original, self.follow_up = split_follow_up(self.text)
        # The follow-up is what the customer says now, so its clauses come first.
        self.clauses = [
            c for part in (self.follow_up, self.original) for c, _ in split_clauses(part, CONTRAST)
        ]

    def template_of(self, category: str) -> Template:
        if category == "general":
            return self.library.find("negative")
        return self.library.for_category(category)

    def flagged(self, category: str) -> bool:
        """Whether the classifier found this category negative."""
        found = self.analysis.category(category)
        return found is not None and found.polarity == "negative"

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
        aspect, term, where = None, "", None
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
                break
        order = ([where] if where is not None else []) + [i for i in relevant if i != where]
        quote = ""
        if category != "general":  # a clause merely naming a dish is no complaint to quote
            quote = next((q for q in (clean_quote(clauses[i]) for i in order) if q), "")
        dish = ""
        for index in order:
            dish = named_dish("".join(clauses[max(0, index - 1) : index + 1]), self.menu)
            if dish:
                break
        at = order[0] if order else len(clauses)
        return Complaint(category, template, aspect, term, quote, dish, at)

    def complaints(self) -> list[Complaint]:
        """The review's complaints, the one to lead with first: in the categories the
        classifier found negative, and wherever the customer used a complaint term (太慢,
        洒了, 太咸), whatever the classifier made of the review as a whole."""
        analysis = self.analysis
        flagged = {c.name for c in analysis.negative_categories()} - {"hygiene"}
        praised = set(self.praised(set()))
        # A happy, well-rated review complains only after a 但是/就是 (…就是有点咸).
        happy = analysis.polarity == "positive" and (self.rating or 0) >= 4
        parts = [p for p in (self.follow_up, self.original) if p]
        remarks = [c for p in parts for c, turn in split_clauses(p, CONTRAST) if turn or not happy]
        named = {
            category
            for category in CATEGORY_PRIORITY[1:]
            if category not in praised  # the customer praised it in so many words
            and any(
                find_term(remark, a.terms)
                for remark in remarks
                for a in self.template_of(category).aspects
            )
        }
        found = [self.complaint(c) for c in CATEGORY_PRIORITY if c in flagged | named]
        found = [c for c in found if c.category in flagged or c.aspect is not None]
        # Complaints we can name first (the classifier's before our own finds), then in
        # the order the customer made them.
        found.sort(key=lambda c: (c.aspect is None, c.category not in flagged, c.at))
        return found

    def praised(self, exclude: set[str]) -> tuple[str, ...]:
        """Categories the customer praised in so many words (see praise_words)."""
        praise = _words().praise
        result = []
        for category in self.analysis.categories:
            if category.polarity != "positive" or category.name in exclude:
                continue
            if any(
                find_term(clause, category.terms) and find_term(clause, praise)
                for clause in (c for c, _ in split_clauses(self.original, CONTRAST))
            ):
                result.append(category.name)
        return tuple(result)


def read_review(
    review: ReviewText, analysis: Analysis, library: TemplateLibrary, menu: tuple[str, ...]
) -> Reading:
    reader = _Reader(review, analysis, library, menu)
    if is_crisis(analysis, reader.text):
        main = reader.complaint("hygiene")
        return Reading("crisis", main.template, main, reasons=analysis.malicious_reasons)
    if analysis.malicious:
        return Reading("malicious", library.find("malicious"), reasons=analysis.malicious_reasons)
    if not reader.text:
        situation = (
            "star_only"
            if analysis.negative
            else "positive"
            if analysis.polarity == "positive"
            else "neutral"
        )
        return Reading(situation, library.find(situation))
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
            dish=named_dish(reader.text, menu),
        )
    main = complaints[0]
    # A second complaint is named only when we can name it and it is a different remark
    # (one clause like "等了四十分钟" must not become both slow service and late delivery).
    second = next((c for c in complaints[1:] if c.aspect is not None and c.at != main.at), None)
    praised = reader.praised({c.category for c in complaints})
    situation = "follow_up" if reader.follow_up else "mixed" if praised else "negative"
    template = main.template if situation == "negative" else library.find(situation)
    return Reading(situation, template, main, second, praised)
