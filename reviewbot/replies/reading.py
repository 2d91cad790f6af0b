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
            negated = term[0] not in "不没" and any(before.endswith(n) for n in _NEGATORS)
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
        self.original, self.follow_up = split_follow_up(self.text)
        # The follow-up is what the customer says now, so its clauses come first.
        self.clauses = [
            c for part in (self.follow_up, self.original) for c, _ in split_clauses(part, CONTRAST)
        ]

    def template_of(self, category: str) -> Template:
        if category == "general":
            return self.library.find("negative")
        return self.library.for_category(category)

    def complaint(self, category: str) -> Complaint:
        template = self.template_of(category)
        clauses = self.clauses
        evidence = self.analysis.category(category)
        terms = (evidence.terms if evidence else ()) + tuple(
            t for a in template.aspects for t in a.terms
        )
        if terms:
            relevant = [i for i, c in enumerate(clauses) if find_term(c, terms)]
        else:  # no category: the clauses that name a dish are the complaint
            relevant = [i for i, c in enumerate(clauses) if named_dish(c, self.menu)]
        aspect, term, where = None, "", None
        for index in [*relevant, *range(len(clauses))]:
            for candidate in template.aspects:
                found = find_term(clauses[index], candidate.terms)
                if found:
                    aspect, term, where = candidate, found, index
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
        """The review's complaints, the one to lead with first."""
        negatives = {c.name for c in self.analysis.negative_categories()} - {"hygiene"}
        if not negatives:
            negatives = {
                category
                for category in CATEGORY_PRIORITY[1:]
                if any(find_term(self.text, a.terms) for a in self.template_of(category).aspects)
            }
        found = [self.complaint(c) for c in CATEGORY_PRIORITY if c in negatives]
        # Complaints we can name first, then in the order the customer made them.
        found.sort(key=lambda c: (c.aspect is None, c.at))
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
    # A positive review is answered as one unless the classifier found a complaint in it;
    # a negative or lukewarm one is searched for what went wrong.
    complaints = reader.complaints() if analysis.polarity != "positive" else []
    if analysis.polarity == "positive" and analysis.negative_categories():
        complaints = [c for c in reader.complaints() if c.category in _names(analysis)]
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


def _names(analysis: Analysis) -> set[str]:
    return {c.name for c in analysis.negative_categories()}
