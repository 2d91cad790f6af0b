"""The 5S reply engine: reads a review, picks the template for its situation and assembles a
draft from one variant per part, naming what the customer named.

A draft is only useful if staff can approve it with one tap, so every candidate is checked
against the guardrails (nothing invented, no unauthorised promise, no request to change the
review, no private data, no blame) and against the store's recent replies (never the same
text, little overlap), and the first candidate that passes both is returned. When no
candidate differs enough (a template with too few variants for the store's volume), the
least similar clean one is returned and flagged (`Draft.similarity`), never silently. Variant
choice is seeded by the review id, so `reviewbot draft` is reproducible, and by `attempt`, so
"regenerate" gives a different draft.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import Any

from reviewbot.analysis.base import Analysis, CategoryPolarity, ReviewText
from reviewbot.analysis.base import Complaint as AnalysisComplaint
from reviewbot.analysis.complaints import sentence_bounds
from reviewbot.analysis.normalize import to_simplified
from reviewbot.analysis.targets import tokenizer_copy
from reviewbot.replies.answers import (
    CHINESE,
    Level,
    Section,
    answer_for,
    body,
    fit,
    kind_names,
    ordered,
    rest_after,
    sections,
)
from reviewbot.replies.english import assemble_english, quote_english
from reviewbot.replies.facts import StoreProfile
from reviewbot.replies.guardrails import ReplyLimits, Violation, check_reply
from reviewbot.replies.leftovers import PREFIX as UNMAPPED
from reviewbot.replies.leftovers import (
    aspect_of_words,
    leftovers,
    reads_as_complaint,
    says_kind,
    taken_words,
    tells_of_time,
)
from reviewbot.replies.reading import (
    DINE_IN_WORD,
    Complaint,
    Reading,
    amount_part,
    clean_quote,
    dish_places,
    eaten_in,
    quote_part,
    read_review,
    split_follow_up,
    table_wait,
    tail_part,
)
from reviewbot.replies.script import as_written, script_variant, to_traditional
from reviewbot.replies.templates import (
    PARTS,
    PRINCIPLES,
    TemplateLibrary,
    Variants,
    load_library,
    render,
    variables_in,
)
from reviewbot.replies.variety import bigrams, max_overlap

__all__ = ["Appeal", "Draft", "StoreProfile", "TemplateDrafter"]

log = logging.getLogger(__name__)

# Replies to one store that a new draft must differ from, and how much it may share with
# any of them (character-bigram Jaccard, see variety.py).
HISTORY = 20
MAX_OVERLAP = 0.5
CANDIDATES = 64
# Complaints answered each in a sentence pair of their own at most: a review listing more
# (a long rant) has the rest named together in one sentence, never dropped.
MAX_FULL = 6
APPEAL_REVIEW_CHARS = 300
# Above the evidence the analyzer found (the customer's words and the context facts).
APPEAL_EVIDENCE_HEADING = "评价中的依据："
# Why an English review has no draft where the store answers English reviews by hand.
NEEDS_PERSON = "这是一条英文评价，本店设置为由员工亲自回复：请用英文写好回复后再发布。"
# Situations where every complaint is answered in turn (answers.py).
POINT_SITUATIONS = frozenset({"negative", "mixed", "follow_up", "crisis"})
# Situations whose own wording answers the lead complaint (a follow-up that says the
# problem came back, a food-safety claim a manager approves): the template's answer
# leads, the other points follow; in a crisis they are only named (nothing is admitted
# before the claim is checked, and the guardrails hold a crisis reply to that).
FRAMED_SITUATIONS = frozenset({"follow_up", "crisis"})
# What parts a span into pieces that may be quoted alone: spaces, emoji, quotation marks
# (never digits or letters: 等了25分钟 is not quoted as 「分钟」).
_PIECES = re.compile(
    r"[\s\u2600-\u27bf\U0001f000-\U0001faff\ufe0f\u200d\"'\u201c\u201d\u2018\u2019「」『』()（）]+"
)
# The complaints that the meal was not worth its price: one point however often it is said.
_MEAL_PRICE = frozenset({"price.value", "price.expensive"})
_CLAUSE_BREAK = re.compile(r"[，,；;：:]+")
_LATIN_THEN_HAN = re.compile(r"(?<=[0-9A-Za-z])(?=[\u4e00-\u9fff])")


@dataclass(frozen=True, slots=True)
class Appeal:
    """A request asking the platform to review a malicious review; staff track it as a task,
    gathering the evidence on the checklist before submitting the text."""

    reasons: tuple[str, ...]
    text: str
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Draft:
    text: str
    template_id: str
    principles: tuple[str, ...] = field(default_factory=tuple)
    situation: str = ""
    category: str = "general"
    # "manager": only a manager may approve it (hygiene and food-safety claims).
    requires_role: str | None = None
    appeal: Appeal | None = None
    # Empty unless no candidate passed the guardrails: then posting stays blocked.
    violations: tuple[Violation, ...] = ()
    # The customer's words this draft quotes (「…」): the only quotes the guardrails let
    # through, in this draft and in staff edits of it.
    quotes: tuple[str, ...] = ()
    # 0.0 unless no candidate kept the variety guard: then the overlap with the closest of
    # the store's recent replies (1.0: it repeats one), for staff to reword before posting.
    similarity: float = 0.0
    # A review in a language the store answers by hand: no text, a person writes it.
    needs_person: bool = False
    # Which engine wrote the text: "templates" or "model" (AI drafting, replies/model.py);
    # `model` names the model asked, and `note` says why its draft was not used (Chinese,
    # for the card), empty when it was or when none was asked.
    source: str = "templates"
    model: str = ""
    note: str = ""

    def to_contract(self, review_id: Any) -> dict[str, Any]:
        return {
            "id": review_id,
            "reply": self.text,
            "template": self.template_id,
            "principles": list(self.principles),
            **({"needs_person": True} if self.needs_person else {}),
        }


class TemplateDrafter:
    version = "5s-templates-1"

    def __init__(
        self,
        library: TemplateLibrary | None = None,
        *,
        max_overlap: float = MAX_OVERLAP,
        candidates: int = CANDIDATES,
    ) -> None:
        self.library = library or load_library()
        self.max_overlap = max_overlap
        self.candidates = candidates

    def draft(
        self,
        review: ReviewText,
        analysis: Analysis,
        store: StoreProfile,
        *,
        recent: Sequence[str] = (),
        attempt: int = 0,
        limits: ReplyLimits | None = None,
        plain: bool = False,
    ) -> Draft:
        """The reply to `review`, different from the store's `recent` replies (any order).
        `plain`: without the customer's words (quotes, dishes, targets), every complaint
        named by its kind; the fallback when every candidate with them was blocked (their
        words beside a template's can still read as a promise or an argument: 多家外卖从来
        + 没给您放齐)."""
        reading = read_review(review, analysis, self.library, store.menu)
        reading = _plain_words(reading) if plain else _safe_words(reading, review, analysis, store)
        english = analysis.language == "en" and analysis.script is None
        if english and (not store.english or self.library.english is None):
            return self._for_person(reading)
        parts = self._parts(reading)
        values = self._values(reading, store)
        if not values["quote"] and reading.main is not None and not english:
            # The reading found no words of its own to quote for the complaint it leads with
            # (在麵裡面吃到一隻小蟲): the analyzer's words for one of that category are quoted.
            values["quote"] = next(
                (
                    q
                    for c in ordered(analysis.complaints)
                    if c.category == reading.main.category
                    and (q := quote_span(c.span))
                    and not plain
                    and not _unsafe(q, review, analysis, store)
                ),
                "",
            )
        if analysis.script == "zh-Hant":  # the store's own Traditional wording, if given
            values.update({k: v for k, v in store.facts_in("zh-Hant").items() if v})
        facts = variety_exempt(store)
        recent_texts = set(recent)
        recent_grams = [_bigrams(text, facts) for text in recent_texts]
        rng = random.Random(f"{review.id}\x00{attempt}")
        last_resort = False  # whether fitting may go below the ladder (see the loop)
        max_chars = ReplyLimits.of(limits).max_chars
        points = [
            replace(c, span="", target=None)
            if plain
            else _unquoted_if_unsafe(
                _with_dish(_complaint_words(c, english), review.text, store.menu, english),
                review,
                analysis,
                store,
                english,
            )
            for c in self._points(
                reading, analysis, english, review.text, review.rating, review.platform
            )
        ]
        variant = script_variant(review.text) if analysis.script == "zh-Hant" else None
        quotes = tuple(
            dict.fromkeys(
                as_written(to_traditional(q, variant), review.text) if variant else q
                for q in (
                    *_quotes(reading),
                    values["quote"],
                    *(q for c in points for q in _span_quotes(c.span)),
                )
                if q
            )
        )

        def assemble() -> tuple[str, tuple[str, ...]]:
            if english:
                assert self.library.english is not None
                return assemble_english(
                    self.library.english,
                    points,
                    store,
                    reading,
                    rng,
                    max_chars,
                    last_resort=last_resort,
                    says=says_kind,
                )

            def written(text: str) -> str:
                return as_written(to_traditional(text, variant), review.text) if variant else text

            if points:
                return self._assemble_points(
                    reading,
                    parts,
                    values,
                    points,
                    rng,
                    max_chars,
                    written,
                    last_resort,
                    review.text,
                    review.platform,
                )
            text, used = self._assemble(reading, parts, values, rng)
            return written(text), used

        def violations(text: str) -> list[Violation]:
            return check_reply(
                text,
                review=review,
                analysis=analysis,
                store=store,
                platform_limits=limits,
                quotes=quotes,
            )

        # Candidates in the order drawn; the first that differs enough from the recent
        # replies and passes the guardrails wins, else the least similar one that passes.
        blocked: tuple[str, tuple[str, ...], list[Violation]] | None = None
        codes: set[str] = set()  # what blocked the candidates

        def run(deep: bool) -> Draft | None:
            nonlocal blocked, last_resort
            rng.seed(f"{review.id}\x00{attempt}")
            last_resort = deep
            seen: set[str] = set()
            similar: list[tuple[float, int, str, tuple[str, ...]]] = []
            for index in range(self.candidates):
                text, principles = assemble()
                if text in seen:
                    continue
                seen.add(text)
                grams = bigrams(text, facts)
                score = 1.0 if text in recent_texts else max_overlap(grams, recent_grams)
                if score > self.max_overlap:
                    similar.append((score, index, text, principles))
                    continue
                found = violations(text)
                if not found:
                    return self._draft(
                        reading, review, analysis, store, text, principles, quotes=quotes
                    )
                codes.update(v.code for v in found)
                blocked = blocked or (text, principles, found)
            for score, _, text, principles in sorted(similar):
                found = violations(text)
                if not found:
                    log.warning(
                        "draft for review %s: no variant of %s differs enough from the store's "
                        "recent replies (overlap %.2f); flagged for staff to reword",
                        review.id,
                        reading.template.id,
                        score,
                    )
                    return self._draft(
                        reading,
                        review,
                        analysis,
                        store,
                        text,
                        principles,
                        similarity=score,
                        quotes=quotes,
                    )
                codes.update(v.code for v in found)
                blocked = blocked or (text, principles, found)
            return None

        # On the compression ladder first; below it (answers.last_resorts) only when no
        # candidate fits on it: in the customer's words first (a point named by its own
        # words is answered; "missing item" only names its kind), then in plain words.
        if (done := run(deep=False)) is not None:
            return done
        assert blocked is not None  # the first candidate is always tried
        if "too_long" in codes and (done := run(deep=True)) is not None:
            return done
        if not plain:
            again = self.draft(
                review, analysis, store, recent=recent, attempt=attempt, limits=limits, plain=True
            )
            if not again.violations:
                log.warning(
                    "draft for review %s: the customer's words could not pass the guardrails "
                    "in any candidate (%s); answered by kind without them",
                    review.id,
                    ", ".join(v.code for v in blocked[2]),
                )
                return again
            if "too_long" in codes and (done := run(deep=True)) is not None:
                return done
        text, principles, found = blocked
        return self._draft(reading, review, analysis, store, text, principles, found, quotes=quotes)

    def _points(
        self,
        reading: Reading,
        analysis: Analysis,
        english: bool,
        text: str,
        rating: float | None = None,
        platform: str | None = None,
    ) -> list[Complaint]:
        """The complaints to answer one by one: all the analyzer found, then the negative
        clauses it mapped to no aspect (leftovers.py), in situations that answer complaints
        (a malicious review keeps its own careful reply)."""
        answers = self.library.english.answers if english and self.library.english else None
        answers = answers if answers is not None else self.library.answers
        # An English review the analyzer cannot score often reads neutral with complaints in
        # it, so neutral is answered point by point too; praise and a malicious review never.
        if reading.situation not in POINT_SITUATIONS and not (
            english and reading.situation == "neutral"
        ):
            return []
        # A wait is answered only where the customer's words tell of one (tells_of_time).
        points = [
            c for c in ordered(analysis.complaints) if c.aspect in answers and tells_of_time(c)
        ]
        # A second complaint of an aspect already answered, in words of its own (意面太硬 …
        # 牛排有筋嚼不动): the analyzer read it as a complaint, so it is answered by its kind
        # (answers.sections), not left for leftovers.py to read again or drop.
        # Said again in much the same words (服务员态度很差 … 服务员态度极差) it is one point.
        said = [c.span for c in points if c.span]
        for c in analysis.complaints:
            if c in points or not c.span or c.aspect not in answers or not tells_of_time(c):
                continue
            if any(_same_words(c.span, other) for other in said):
                continue
            said.append(c.span)
            points.append(replace(c, aspect=f"{UNMAPPED}{c.aspect}"))
        # The reading's own complaints are answered in their words only where the analyzer's
        # list lacks their category (or the situation frames the lead, see _assemble_points):
        # only then do their words and quotes cover a clause.
        mapped = {c.category for c in points}
        framed = reading.situation in FRAMED_SITUATIONS
        taken = [
            c
            for c in (reading.main, reading.second)
            if c is not None and (c.category not in mapped or (framed and c is reading.main))
        ]
        # Only the complaints answered cover their words: a second one of an aspect already
        # answered (swimming in oil … and way too salty) is left to leftovers.py, which
        # answers it by its kind, rather than silently dropped.
        answered = [_answered(c.span) for c in points]
        answered += taken_words([c.quote for c in taken if c.quote], [c.term for c in taken])
        negative = reading.situation != "mixed" and (rating is None or rating <= 3)
        if "improved" in reading.cues:  # a follow-up saying it is better now holds no point
            text = split_follow_up(text)[0]
        extra = leftovers(text, answered, english=english, negative=negative, platform=platform)
        extra = [c for c in extra if answer_for(c.aspect, answers)]
        # A price said again in a missed clause (一碗云吞面收$58 beside 抢钱) is the meal's
        # value already answered: one point, not two.
        if any(c.aspect in _MEAL_PRICE for c in points):
            extra = [c for c in extra if c.aspect.removeprefix(UNMAPPED) not in _MEAL_PRICE]
        only_claim = len(points) <= 1 and all(c.category == "hygiene" for c in points)
        if reading.crisis and not english and not extra and only_claim:
            return []  # nothing besides the food-safety claim: the crisis reply as it was
        # In a crisis every point besides the food-safety claim is only named, in the
        # customer's words (nothing is admitted before the check; see _assemble_points).
        return points + extra

    def _assemble_points(
        self,
        reading: Reading,
        parts: Mapping[str, Variants],
        values: dict[str, str],
        points: Sequence[AnalysisComplaint],
        rng: random.Random,
        max_chars: int,
        written: Callable[[str], str] = lambda text: text,
        last_resort: bool = True,
        text: str = "",
        platform: str | None = None,
    ) -> tuple[str, tuple[str, ...]]:
        """Every complaint answered (see answers.py), framed by the template's greeting,
        praise clause, apology, invitation to talk and signature; compressed to fit as
        `written` (in the review's script) will post it; `text` the review's (a wait in a
        review of queueing for a table is answered as one)."""
        values = {**values, "complaint": self._complaint(reading, values, rng)}
        chosen: dict[str, str] = {}
        shortest: dict[str, str] = {}  # the last resort under a length limit
        for part in ("greeting", "praise", "sincerity", "speed", "standard", "invite", "closing"):
            variants = parts.get(part, ())
            if part == "praise":
                named = [v for v in variants if variables_in(v) and render(v, values)]
                variants = _specific(named, "{liked}") or list(variants)
            options = [r for r in (render(v, values) for v in variants) if r is not None]
            chosen[part] = rng.choice(options) if options else ""
            # (a part some variant leaves out, as the invitation's "", stays out)
            shortest[part] = min(options, key=len, default="")
        found = sections(
            points,
            self.library.answers,
            quote_span,
            rng,
            says_kind,
            hint=setting_hint(text, platform),
        )
        # Leftover clauses (unmapped.*) are other words than the reading's complaints: they
        # do not stand in for them.
        mapped = {s.category for s in found if not s.unmapped}
        main = reading.main
        # The reading's lead in the very words of a point the analyzer found (上菜还特别慢,
        # read by the reading as a late delivery, by the analyzer as a slow kitchen) is that
        # point: answered once, as the analyzer read it, not again in the reading's words.
        again = (
            main is not None
            and bool(main.quote)
            and any(s.said == main.quote for s in found if not s.unmapped)
        )
        if main is not None and (
            reading.situation in FRAMED_SITUATIONS or (main.category not in mapped and not again)
        ):
            # The complaint the review reading leads with, in the situation's own words (a
            # follow-up, a problem that came back), when the analyzer's list lacks it or
            # the situation must frame it: answered first, as the template answers it.
            same = [s for s in found if s.category == main.category and not s.unmapped]
            # The lead answers the one it names (its aspect, else its words); in a crisis
            # the others are named after it in the customer's words (a crisis reply answers
            # only the lead in full).
            aspect = f"{main.category}.{main.aspect.name}" if main.aspect else ""
            # (or, in the very words it quotes, a point the analyzer put in another category:
            # 外卖送到全凉了, the reading's cold food, the analyzer's cold delivery)
            named = [s for s in same if s.aspect == aspect] or [
                s for s in found if not s.unmapped and s.said and s.said == values["quote"]
            ]
            if named and named[0].said and named[0].said != values["quote"]:
                # The lead quotes the words of the point it answers (吃了还拉肚子), not of
                # another clause the reading took them from (一股臭味), which is then named
                # with the rest rather than lost.
                values = {**values, "quote": named[0].said}
            lead = self._legacy_section(reading, parts, values, rng)
            # A point of its category the lead names neither by aspect nor by words (变质 led,
            # 吃了还拉肚子 found) is its own point: named after it, not dropped.
            found = [lead, *(s for s in found if s not in named[:1])]
        second = reading.second
        # Answered already when a point quotes its words (饭菜都凉了 read as food by the
        # reading, as a delivery that arrived cold by the analyzer): not named again.
        if (
            second is not None
            and second.category not in {s.category for s in found if not s.unmapped}
            and not (second.quote and any(second.quote.strip("「」") in s.ack for s in found))
        ):
            # The reading's second complaint, which the analyzer's list lacks: named too.
            also = [r for r in (render(v, values) for v in parts.get("also", ())) if r]
            if also:
                found.append(
                    Section(rng.choice(also), "", values["also"], second.category, connected=True)
                )
        state = rng.getstate()

        kinds = kind_names(self.library.answers)

        def compose(chosen: dict[str, str], level: Level) -> str:
            rng.setstate(state)  # the same wording at every compression level
            middle = body(
                found,
                level.full,
                chosen["sincerity"],
                CHINESE,
                rng,
                checking=reading.crisis,
                quoted=level.quoted,
                shortest=chosen is shortest,
                kinds=kinds if level.kinds else None,
                plain=level.plain,
                as_one=level.as_one,
                own=level.own,
                named_first=level.named,
            )
            head = (chosen["greeting"] if level.greeting else "") + (
                chosen["praise"] if level.praise else ""
            )
            tail = chosen["speed"] + chosen["standard"] + (chosen["invite"] if level.invite else "")
            text = head + middle + tail
            text = f"{text}\n{chosen['closing']}" if chosen["closing"] else text
            # measured as it will be posted (in Traditional, spaced), never grown after
            return written(_LATIN_THEN_HAN.sub(" ", text))

        most = 1 if reading.crisis else min(len(found), MAX_FULL)
        text = fit(compose, (chosen, shortest), most, max_chars, last_resort=last_resort)
        used = [p for p in PRINCIPLES if p in ("shoulder", "system") or chosen.get(p)]
        return text, tuple(used)

    def _legacy_section(
        self,
        reading: Reading,
        parts: Mapping[str, Variants],
        values: Mapping[str, str],
        rng: random.Random,
    ) -> Section:
        main = reading.main
        assert main is not None
        chosen, short = {}, {}
        for part in ("shoulder", "system"):
            variants = parts.get(part, ())
            if part == "shoulder" and "您" in values["complaint"]:
                variants = [v for v in variants if not _you_before_complaint(v)] or variants
            if part == "shoulder" and values["quote"] and not _names_it(main, values):
                # No name as specific as the customer's words (您遇到的情况): quote them.
                variants = [v for v in variants if "{quote}" in v] or variants
            options = [r for r in (render(v, values) for v in variants) if r]
            chosen[part] = rng.choice(options) if options else ""
            short[part] = min(options, key=len, default="")
        return Section(
            chosen["shoulder"],
            chosen["system"],
            main.template.label,
            main.category,
            short_ack=short["shoulder"],
            short_step=short["system"],
        )

    def _for_person(self, reading: Reading) -> Draft:
        """A review in a language the store does not answer automatically: no draft, the
        card asks a person to write the reply."""
        return Draft(
            text="",
            template_id="person",
            situation=reading.situation,
            category=reading.main.category if reading.main else "general",
            violations=(Violation("needs_person", NEEDS_PERSON),),
            needs_person=True,
        )

    # -- assembling ----------------------------------------------------------------------

    def _parts(self, reading: Reading) -> dict[str, Variants]:
        """Each part's variants: common < category template < its aspect < situation."""
        template, main = reading.template, reading.main
        parts: dict[str, Variants] = dict(self.library.common)
        if template.wraps_category and main is not None:
            parts.update(main.template.parts)
        else:
            parts.update(template.parts)
        if main is not None and main.aspect is not None:
            parts.update(main.aspect.parts)
        if template.wraps_category:
            parts.update(template.parts)
        # What the review says besides its complaint (no text, the same problem again …):
        # the parts the situation has, reworded; the first cue wins.
        for cue in reversed(reading.cues):
            for when in (self.library.common_when, template.when):
                parts.update({p: v for p, v in when.get(cue, {}).items() if p in parts})
        return parts

    def _values(self, reading: Reading, store: StoreProfile) -> dict[str, str]:
        defaults = self.library.defaults
        main = reading.main
        values = {
            "store": store.name,
            "signature": store.signature or store.name,
            "contact": store.contact or defaults.get("contact", ""),
            "hours": store.hours,
            "proof": "、".join(store.proofs),
            "remedy": store.remedy,
            "dish": main.dish if main else "",
            "liked": reading.liked,
            "term": main.term if main else "",
            "quote": main.quote if main else "",
            "label": main.template.label if main else "",
            "also": "",
            "praised": "",
        }
        if reading.second is not None:
            values["also"] = self._name(reading.second, {**values, **_of(reading.second)}) or (
                f"{reading.second.template.label}方面"
            )
        praised = [
            self.library.for_category(name).praise_as[0]
            for name in reading.praised
            if self.library.for_category(name).praise_as
        ]
        values["praised"] = (
            "和".join(praised)
            if len(praised) <= 2
            else "、".join(praised[:-1]) + "和" + praised[-1]
        )
        return values

    @staticmethod
    def _name(complaint: Complaint, values: Mapping[str, str]) -> str:
        """The complaint in our words, from its aspect, when the aspect can name it."""
        if complaint.aspect is None:
            return ""
        names = [render(v, values) for v in complaint.aspect.complaint]
        return next((n for n in names if n), "")

    @staticmethod
    def _complaint(reading: Reading, values: Mapping[str, str], rng: random.Random) -> str:
        """The main complaint in our words: its aspect's names, else the category's."""
        main = reading.main
        if main is None:
            return ""
        for variants in (
            main.aspect.complaint if main.aspect else (),
            main.template.default_complaint,
        ):
            # A name with the dish in it beats one without.
            names = _specific([v for v in variants if render(v, values)], "{dish}")
            if names:
                return rng.choice([render(v, values) or "" for v in names])
        return ""

    def _assemble(
        self,
        reading: Reading,
        parts: Mapping[str, Variants],
        values: dict[str, str],
        rng: random.Random,
    ) -> tuple[str, tuple[str, ...]]:
        values = {**values, "complaint": self._complaint(reading, values, rng)}
        specific = _names_it(reading.main, values)
        pieces: list[str] = []
        used: list[str] = []
        closing = ""
        main = reading.main
        for part in PARTS:
            variants = parts.get(part, ())
            if part == "shoulder" and "您" in values["complaint"]:
                # 您反馈价格让您觉得不值: one 您 is enough, where a variant allows it.
                variants = [v for v in variants if not _you_before_complaint(v)] or variants
            if part == "shoulder" and main is not None and main.quote and not specific:
                # No name for the complaint as specific as the customer's own words: those
                # are drawn twice as often (not always: the store's replies must vary).
                variants = [*variants, *(v for v in variants if "{quote}" in v)]
            if part == "praise":  # thanks that name the dish, else what was praised, first
                named = [v for v in variants if variables_in(v) and render(v, values)]
                variants = _specific(named, "{liked}") or list(variants)
            options = [r for r in (render(v, values) for v in variants) if r is not None]
            if not options:
                continue
            chosen = rng.choice(options)
            if not chosen:
                continue
            if part == "closing":
                closing = chosen
                continue
            pieces.append(chosen)
            if part in PRINCIPLES:
                used.append(part)
        body = "".join(pieces)
        text = f"{body}\n{closing}" if closing else body
        return _LATIN_THEN_HAN.sub(" ", text), tuple(used)

    # -- the result ----------------------------------------------------------------------

    def _draft(
        self,
        reading: Reading,
        review: ReviewText,
        analysis: Analysis,
        store: StoreProfile,
        text: str,
        principles: tuple[str, ...],
        violations: Sequence[Violation] = (),
        *,
        similarity: float = 0.0,
        quotes: Sequence[str] = (),
    ) -> Draft:
        template_id = reading.template.id
        if reading.template.wraps_category and reading.main is not None:
            template_id = f"{template_id}/{reading.main.category}"
        return Draft(
            text=text,
            template_id=template_id,
            principles=principles,
            situation=reading.situation,
            category=reading.main.category if reading.main else "general",
            requires_role="manager" if reading.crisis else None,
            appeal=self._appeal(review, analysis, store) if analysis.malicious else None,
            violations=tuple(violations),
            quotes=tuple(quote for quote in quotes if quote in text),
            similarity=similarity,
        )

    def statement(self, categories: Sequence[str], store: StoreProfile, seed: str) -> str:
        """A crisis's unified first response to all customers (statement.py), about these
        categories, most complained of first; "" when the library has none or its words
        would break a guardrail (a changed library is then caught, not posted)."""
        spec = self.library.statement
        if spec is None:
            return ""
        contact = self.library.defaults.get("contact", "")
        text = _LATIN_THEN_HAN.sub(" ", spec.write(categories, store, seed, contact))
        hygiene = CategoryPolarity("hygiene", "negative") if "hygiene" in categories else None
        found = (hygiene,) if hygiene else ()
        read = Analysis(0.1, "negative", True, found, False, (), "high", "statement")
        if check_reply(text, review=ReviewText("statement", ""), analysis=read, store=store):
            return ""
        return text

    def appeal(self, review: ReviewText, analysis: Analysis, store: StoreProfile) -> Appeal:
        """The appeal for a review staff judged malicious themselves (the analysis may not
        have): its text and checklist from the reasons found, or the general ones."""
        return self._appeal(review, analysis, store)

    def _appeal(self, review: ReviewText, analysis: Analysis, store: StoreProfile) -> Appeal:
        spec = self.library.appeal
        reasons = tuple(r for r in analysis.malicious_reasons if r in spec.labels)
        excerpt = review.text.strip()
        if len(excerpt) > APPEAL_REVIEW_CHARS:
            excerpt = excerpt[:APPEAL_REVIEW_CHARS] + "……"
        values = {
            "store": store.name,
            "proof": "、".join(store.proofs),
            "reason": "、".join(spec.labels[r] for r in reasons) or "不实评价",
            "explain": "，且".join(spec.explain[r] for r in reasons) or "内容与实际消费不符",
            "review": excerpt or "（仅评分，无文字）",
        }
        text = next((t for t in (render(v, values) for v in spec.text) if t), "")
        cited = [
            _cite(spec.labels.get(e.reason, e.reason), e.span, e.facts)
            for e in analysis.malicious_evidence
            if e.reason in reasons
        ]
        if text and cited:
            text += "\n" + APPEAL_EVIDENCE_HEADING + "\n" + "\n".join(cited)
        evidence = [*spec.evidence.get("common", ())]
        for reason in reasons:
            evidence.extend(e for e in spec.evidence.get(reason, ()) if e not in evidence)
        evidence.extend(f"本店资质证明：{proof}" for proof in store.proofs)
        return Appeal(reasons=reasons, text=text, evidence=tuple(evidence))


def _cite(label: str, span: str, facts: tuple[str, ...]) -> str:
    """One flag's evidence as the appeal states it: the customer's words, then the facts."""
    parts = ([f"评价原文「{span}」"] if span else []) + list(facts)
    return f"- {label}：{'；'.join(parts)}"


# The store's recent replies are measured again for every draft: remember their bigrams.
_bigrams = lru_cache(maxsize=1024)(bigrams)


def variety_exempt(store: StoreProfile) -> tuple[str, ...]:
    """The store's facts, which replies repeat by necessity: left out of the overlap."""
    facts = (store.signature or store.name, store.contact, store.hours, "、".join(store.proofs))
    return tuple(fact for fact in facts if fact)


def _complaint_words(complaint: AnalysisComplaint, english: bool) -> AnalysisComplaint:
    """The complaint without its words when neither they nor the part of them it would quote
    read as a complaint: a span of narration or praise the analyzer took for the complaint
    (叫咗三份套餐, 我们要求经理来处理, 烤肉倒是还行, Ordered a cold brew) is answered by its
    kind, never quoted as if the customer had complained of it. A food-safety claim keeps
    its words."""
    if not complaint.span or complaint.category == "hygiene":
        return complaint
    if not english:
        complaint = _clause_of_aspect(complaint)
    quote = quote_english(complaint.span) if english else quote_span(complaint.span)
    said = quote.strip("「」\u201c\u201d")
    if not said or reads_as_complaint(said, english=english):
        return complaint
    if reads_as_complaint(complaint.span, english=english):
        return complaint  # 我要的是排骨饭，结果送的是鸡肉饭: its first clause names the order
    return replace(complaint, span="")


def _clause_of_aspect(complaint: AnalysisComplaint) -> AnalysisComplaint:
    """A span over several clauses narrowed to the clause that says the complaint's own
    problem (吃到一半的时候，喝起来有焦苦味 as a taste → 喝起来有焦苦味), when the clause it
    would be quoted by says no problem at all and one other clause says this one: the words
    that carry the complaint, not the narration beside them."""
    clauses = [c for c in _CLAUSE_BREAK.split(complaint.span) if c.strip()]
    if len(clauses) < 2:
        return complaint
    quote = quote_span(complaint.span).strip("「」")
    if not quote or aspect_of_words(quote) is not None or reads_as_complaint(quote):
        return complaint  # 鸡翅没炸熟，里面还带着血丝: its first clause says it
    own = [c for c in clauses if aspect_of_words(c) == complaint.aspect and quote_span(c)]
    return replace(complaint, span=own[0]) if len(own) == 1 else complaint


_MEASURE = re.compile(r"[一二两兩三几幾半每]?[碟盘盤份碗盒杯个個只隻块塊串锅鍋盆]|.")
# Points whose dish the reply names when the customer named it earlier in the sentence.
DISH_ASPECTS = ("food.", "service.waiting", "service.missing_item")


def _with_dish(
    complaint: AnalysisComplaint, text: str, menu: tuple[str, ...], english: bool
) -> AnalysisComplaint:
    """A food complaint the analyzer found no dish for, with the dish its sentence names
    (三四年前来吃辣子鸡是一绝，现在…还炸得干巴巴的像嚼柴: the 辣子鸡 is what was fried dry), the
    one named nearest before its words: the reply names the dish beside the customer's
    words, which leave it out. Not one named after them (…也就那样，鱼香肉丝是甜的: a verdict
    on the meal, then the dishes, each a point of its own)."""
    # (a one-character target is a verb jieba took for a noun: 炸 of 炸得干巴巴; a measure
    # names no dish: 一碟 of 一碟冇幾塊)
    named = complaint.target and not _MEASURE.fullmatch(complaint.target)
    aspect = complaint.aspect.removeprefix(UNMAPPED)
    if english or named or not aspect.startswith(DISH_ASPECTS):
        return complaint
    # read in Simplified, as the dishes are written (辣子雞 is 辣子鸡), where that keeps places
    plain, words = to_simplified(text), to_simplified(complaint.span.strip())
    if len(plain) == len(text):
        text = plain
        span = words
    else:
        span = complaint.span.strip()
    at = text.find(span) if span else -1
    if at < 0:
        return complaint
    start, end = sentence_bounds(text, at, at + len(span))
    dishes = dish_places(text, start, end, menu)
    before = [d for d in dishes if d[1] <= at]
    if any(at <= d[0] and d[1] <= at + len(span) for d in dishes):
        return complaint  # its own words name it
    if not before:
        return complaint
    return replace(complaint, target=max(before, key=lambda d: d[1])[2])


def setting_hint(text: str, platform: str | None) -> Callable[[AnalysisComplaint], str]:
    """The `when` words the review around a point tells (see templates/replies/aspects.toml):
    等位 for a wait in a review of queueing for a table, 堂食 for any point of a meal in the
    restaurant."""
    dine_in = bool(text) and eaten_in(text, platform)

    def hint(complaint: AnalysisComplaint) -> str:
        wait = table_wait(text, complaint.span) if complaint.aspect.endswith("waiting") else ""
        return " ".join(w for w in (wait, DINE_IN_WORD if dine_in else "") if w)

    return hint


def _unquoted_if_unsafe(
    complaint: AnalysisComplaint,
    review: ReviewText,
    analysis: Analysis,
    store: StoreProfile,
    english: bool,
) -> AnalysisComplaint:
    """The complaint without its words when the guardrails would hold the quote of them
    against the reply (订单备注不要辣 reads as 单…不要, a promise): every candidate draft
    would quote them, so none would pass; the complaint is answered by its kind instead."""
    quote = quote_english(complaint.span) if english else quote_span(complaint.span)
    if quote and _unsafe(quote, review, analysis, store):
        # Its words around what the guardrails hold (请客户吃饭就这样被安排在厕所门口 reads
        # 请客 as a treat offered) still name the point: 「吃饭就这样被安排在厕所门口」.
        part = "" if english else _safe_part(complaint.span, quote, review, analysis, store)
        complaint = replace(complaint, span=part)
    if complaint.target and _unsafe(complaint.target, review, analysis, store):
        # 折扣结账时没给您放齐 names 折扣 as if the store offered one: answered by its kind.
        complaint = replace(complaint, target=None)
    return complaint


def _safe_part(
    span: str, quote: str, review: ReviewText, analysis: Analysis, store: StoreProfile
) -> str:
    """The longest run of whole words of `span` around what the guardrails hold against
    its quote whose own quote passes them, or "": cut at jieba's words, never inside one
    (请客户 is not quoted from 户)."""
    found = [
        v.found.strip("「」")
        for v in check_reply(quote, review=review, analysis=analysis, store=store, quotes=(quote,))
    ]
    held = [(at, at + len(f)) for f in found if f and (at := span.find(f)) >= 0]
    if not held or len(held) < len(found):
        return ""  # what is held is not in these words as written: nothing safe to cut out
    # Only a run that ends where the span or a clause of it ends: one cut short by the held
    # words (上错菜了还要 | 我们付钱) has lost what it was saying.
    runs, run, at = [], "", 0
    for word in _cutter().lcut(span, HMM=False):
        start, at = at, at + len(word)
        if any(start < end and begin < at for begin, end in held):
            run = ""
        elif _CLAUSE_BREAK.fullmatch(word) or not word.strip():
            runs.append(run)
            run = ""
        else:
            run += word
    runs.append(run)
    # Most of what was said, not a tail whose sense the held words carried (服务员还怪我们
    # 没说清楚 is not 「没说清楚」, which would read as the customer's own failing).
    least = max(4, (len(span) * 3 + 4) // 5)
    fit = [
        run
        for run in runs
        if len(run) >= least and (q := quote_span(run)) and not _unsafe(q, review, analysis, store)
    ]
    return max(fit, key=len, default="")


@cache
def _cutter() -> Any:
    """jieba's words, to cut a span at (a tokenizer of our own: no store's words in it)."""
    return tokenizer_copy()


def _unsafe(words: str, review: ReviewText, analysis: Analysis, store: StoreProfile) -> bool:
    """Whether the guardrails hold these words of the customer's against a reply that
    quotes or names them (说要重做 reads as a promise to redo the order)."""
    return bool(check_reply(words, review=review, analysis=analysis, store=store, quotes=(words,)))


def _plain_words(reading: Reading) -> Reading:
    """The reading without the customer's words (see TemplateDrafter.draft's `plain`)."""

    def plain(complaint: Complaint | None) -> Complaint | None:
        return complaint and replace(complaint, quote="", dish="", term="")

    return replace(reading, main=plain(reading.main), second=plain(reading.second), liked="")


def _safe_words(
    reading: Reading, review: ReviewText, analysis: Analysis, store: StoreProfile
) -> Reading:
    """The reading without the customer's words that no draft could carry past the
    guardrails (its quote, dish or word of a complaint): every candidate would hold them,
    so none would pass; the complaint is named by its kind instead."""

    def safe(complaint: Complaint | None) -> Complaint | None:
        if complaint is None:
            return None
        said = {name: getattr(complaint, name) for name in ("quote", "dish", "term")}
        unsafe = {
            name: ""
            for name, words in said.items()
            if words and _unsafe(words, review, analysis, store)
        }
        if "quote" in unsafe:  # its words around what is held may still be quoted
            part = _safe_part(said["quote"].strip("「」"), said["quote"], review, analysis, store)
            unsafe["quote"] = quote_span(part) if part else ""
        return replace(complaint, **unsafe) if unsafe else complaint

    main, second = safe(reading.main), safe(reading.second)
    if main is reading.main and second is reading.second:
        return reading
    return replace(reading, main=main, second=second)


def _same_words(one: str, other: str) -> bool:
    """Whether two spans say much the same: one holds the other, or they share a pair of
    Chinese characters (态度很差 … 态度极差 share 态度), or an English word of 4+ letters."""
    if one in other or other in one:
        return True
    pairs = {one[i : i + 2] for i in range(len(one) - 1)}
    if any(_HAN_PAIR.match(p) and p in other for p in pairs):
        return True
    words = {w.lower() for w in _LONG_WORD.findall(one)}
    return bool(words & {w.lower() for w in _LONG_WORD.findall(other)})


_HAN_PAIR = re.compile(r"^[\u4e00-\u9fff]{2}$")
_LONG_WORD = re.compile(r"[A-Za-z]{4,}")


def _answered(span: str) -> str:
    """What a reply answers of an analyzer span: all of it, unless it runs on past spaces
    or emoji over several statements (真的无语 点了两份送一份 等了四十分钟没来): then the
    piece it quotes, and the others are left for leftovers.py to answer."""
    if len([p for p in _PIECES.split(span) if p]) <= 1:
        return span
    return quote_span(span).strip("「」") or span


_COLON = re.compile(r"[：:]")


def quote_span(span: str) -> str:
    """The customer's words of a complaint in 「」, or "" when unfit to quote in public; a
    span that runs on past an emoji, a space or a quotation mark (吃出钢丝球的丝😨 拍照…) is
    quoted by its first piece fit to quote, and one over two clauses by its first clause fit
    to quote."""
    whole = clean_quote(span)
    if whole or not span:
        return whole
    pieces = (p for p in _PIECES.split(span) if len(p) >= 4)
    found = next((q for q in map(clean_quote, pieces) if q), "")
    if found:
        return found
    # A span over two clauses (備註寫了去冰微糖，結果做成正常冰全糖): its first clause fit to
    # quote names the point better than its kind alone.
    # A framing verdict before a colon (可惜菜不行：干煸豆角没煸透，生的) names the point
    # less than what follows it.
    said = _COLON.split(span)[-1]
    if said != span and len(said) >= 4 and (found := quote_span(said)):
        return found
    clauses = [p for p in _CLAUSE_BREAK.split(span) if len(p) >= 4]
    found = next((q for q in map(clean_quote, clauses) if q), "")
    # Unfit whole for a question or talk of money back (新客立减怎么没减): its part
    # that names the point (see reading.quote_part); for an amount (米饭单独收费3块一碗):
    # the words before it that name the charge (reading.amount_part).
    return (
        found
        or next((q for q in map(quote_part, clauses) if q), "")
        or next((q for q in map(amount_part, clauses) if q), "")
        or next((q for q in map(tail_part, clauses) if q), "")
    )


def _span_quotes(span: str) -> tuple[str, str]:
    """The quote of a span and of what follows it (answers.rest_after): a span holding two
    points is quoted once for each."""
    first = quote_span(span)
    rest = rest_after(span, first) if first else ""
    return first, (quote_span(rest) if rest else "")


def _specific(variants: list[str], variable: str) -> list[str]:
    """The variants using `variable`, if any do; else all of them."""
    return [v for v in variants if variable in v] or variants


def _quotes(reading: Reading) -> tuple[str, ...]:
    """The customer's words a draft may quote: its complaints' quotes."""
    return tuple(c.quote for c in (reading.main, reading.second) if c is not None and c.quote)


def _you_before_complaint(variant: str) -> bool:
    """您 just before {complaint} (您反馈{complaint}, 看到您说{complaint})."""
    head, found, _ = variant.partition("{complaint}")
    return bool(found) and "您" in head[-4:]


def _names_it(complaint: Complaint | None, values: Mapping[str, str]) -> bool:
    """Whether the complaint's aspect can name it as specifically as the customer did: with
    the dish or the word they used (水煮鱼太咸, 菜里有头发), not just its kind (口味)."""
    if complaint is None or complaint.aspect is None:
        return False
    return any(
        variables_in(v) & {"dish", "term"} and render(v, values) for v in complaint.aspect.complaint
    )


def _of(complaint: Complaint) -> dict[str, str]:
    return {"dish": complaint.dish, "term": complaint.term, "quote": complaint.quote}
