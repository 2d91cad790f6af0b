"""Per-complaint answers: one acknowledgement and one concrete next step for every point the
customer made (Analysis.complaints), from templates/replies/aspects.toml.

A reply that answers one of three complaints tells the customer the other two were not
read; so every complaint gets its own sentence pair, the most severe first, and when the
platform's length limit cannot hold them all, the lesser ones are named together in one
sentence rather than dropped. The wording is data (owners edit it); this module only reads
it and puts the pieces together.
"""

from __future__ import annotations

import random
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from reviewbot.analysis.base import Complaint
from reviewbot.analysis.normalize import to_simplified

SLOTS: frozenset[str] = frozenset({"span", "target"})
SEVERITY_RANK: Mapping[str, int] = {"critical": 0, "high": 1, "medium": 2, "low": 3}
_FIELD = re.compile(r"\{(\w+)\}")
_PLAIN_TARGET = re.compile(r"^[\u4e00-\u9fff]+$|^[A-Za-z][A-Za-z '\-]*$")


@dataclass(frozen=True, slots=True)
class Answer:
    """How to answer one aspect: its short name, acknowledgements, next steps, and the
    variants that replace them when the customer's words hold a given word (腥)."""

    name: str
    ack: tuple[str, ...]
    step: tuple[str, ...]
    when: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    # What the customer's words name when the analyzer found no target in them (开瓶费一瓶
    # 100 names 开瓶费): the first match of the first pattern that matches.
    names: tuple[re.Pattern[str], ...] = ()
    # The acknowledgement and step in the fewest words, for the last resort under a length
    # limit only (never drawn otherwise): "" when the shortest of `ack`/`step` will do.
    short_ack: str = ""
    short_step: str = ""

    def named_in(self, span: str) -> str:
        """The thing these words name by `names`, or ""."""
        return next((m.group(0) for p in self.names if (m := p.search(span))), "")

    def word_for(self, span: str) -> str:
        """The `when` word these words hold (the first listed), or ""."""
        plain = to_simplified(span) if self.when else span
        return next((word for word in self.when if word in plain), "")

    def for_words(self, span: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(acks, steps) for a complaint in these words: the first matching `when`, else own
        (read in Simplified: 鹹 is 咸)."""
        plain = to_simplified(span) if self.when else span
        for word, (ack, step) in self.when.items():
            if word in plain:
                return ack or self.ack, step or self.step
        return self.ack, self.step


@dataclass(frozen=True, slots=True)
class Language:
    """The joining words of one reply language: how sections, lists and pieces are glued."""

    later: tuple[str, ...]  # before the second and later complaints (另外，)
    together: tuple[str, ...]  # the lesser points named together: {names}
    checking: tuple[str, ...]  # the same in a food-safety crisis: checked, not admitted
    list_sep: str
    last_sep: str
    piece_sep: str
    # The lesser points named in the customer's own words where they were quoted (您提到的
    # 「汤洒了」和「少了米饭」): Chinese reads well so; the English sentences name kinds.
    quote_names: bool = False
    # The last resort under a length limit (`body(shortest=True)`): the lesser points named
    # in the fewest words, still named (a reply over the limit cannot be posted at all).
    brief: str = ""
    brief_checking: str = ""
    # Words of an apology: a first point acknowledged in its fewest words with one of them
    # (We are sorry the dish was not cooked right) is not followed by a second apology on
    # the last resorts, so the words naming the other points fit (`body(plain=True)`).
    apologies: tuple[str, ...] = ()
    # The first point's fewest words with its quote put before them (`body(own=True)`):
    # {span} the quote, {ack} the fewest words (You wrote “…”: we are sorry …), or "".
    own_short: str = ""
    # The lesser points named together by their kind before the customer's words (送餐慢
    # 「送了一个半小时」): the quote alone may hold none of the words that say what went
    # wrong; where the whole quotes fit, and for points mapped to an aspect only.
    kind_with_quote: bool = False


CHINESE = Language(
    later=("另外，", "还有，", "同时，"),
    together=(
        "另外，您提到的{names}，我们也都记下了，会逐一改进。",
        "您说的{names}，我们也一并记下，会逐项改进。",
    ),
    checking=(
        "另外，您提到的{names}，我们也一并核查，查清楚后如实告诉您。",
        "您说的{names}，我们也在一并核查。",
    ),
    list_sep="、",
    last_sep="和",
    piece_sep="",
    quote_names=True,
    brief="{names}也会一并改进。",
    brief_checking="{names}也在一并核查。",
    kind_with_quote=True,
)


def read_answers(path: Path) -> tuple[dict[str, Answer], list[str]]:
    """The answers in `path` by aspect id, and every problem found reading them."""
    problems: list[str] = []
    where = path.name
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        return {}, [f"{where}: {exc}"]
    answers: dict[str, Answer] = {}
    for category, aspects in data.items():
        if not isinstance(aspects, dict):
            problems.append(f"{where}: {category}: expected a table per aspect")
            continue
        for name, table in aspects.items():
            aspect = f"{category}.{name}"
            at = f"{where}: [{aspect}]"
            if not isinstance(table, dict):
                problems.append(f"{at}: expected a table")
                continue
            unknown = set(table) - {"name", "ack", "step", "when", "names", "short"}
            problems.extend(f"{at}: unknown key {k!r}" for k in sorted(unknown))
            ack = variants(table.get("ack"), f"{at}.ack", problems)
            step = variants(table.get("step"), f"{at}.step", problems)
            label = table.get("name")
            if not isinstance(label, str) or not label:
                problems.append(f"{at}.name: a short name is required")
                label = aspect
            when: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
            raw_when = table.get("when", {})
            if not isinstance(raw_when, dict):
                problems.append(f"{at}.when: expected a table per word")
                raw_when = {}
            for word, sub in raw_when.items():
                wat = f"{at}.when.{word}"
                if not isinstance(sub, dict) or set(sub) - {"ack", "step", "also"}:
                    problems.append(f"{wat}: expected ack and/or step (and also)")
                    continue
                when[word] = (
                    variants(sub.get("ack", []), f"{wat}.ack", problems, allow_empty=True),
                    variants(sub.get("step", []), f"{wat}.step", problems, allow_empty=True),
                )
                # other words that choose the same answer (甩锅: 互相推, 推来推去)
                also = sub.get("also", [])
                if not isinstance(also, list) or not all(isinstance(w, str) and w for w in also):
                    problems.append(f"{wat}.also: expected a list of words")
                    also = []
                for other in also:
                    when.setdefault(other, when[word])
            if not any(not slots_in(a) for a in ack):
                problems.append(f"{at}.ack: needs one variant without slots (always usable)")
            names = _patterns(table.get("names", []), f"{at}.names", problems)
            short = variants(table.get("short", []), f"{at}.short", problems, allow_empty=True)
            if short and (len(short) != 2 or any(slots_in(v) for v in short)):
                problems.append(f"{at}.short: expected [ack, step] without slots")
                short = ()
            answers[aspect] = Answer(label, ack, step, when, names, *(short or ("", "")))
    return answers, problems


def variants(
    raw: object,
    where: str,
    problems: list[str],
    *,
    allow_empty: bool = False,
    known: frozenset[str] = SLOTS,
    kind: str = "slot",
) -> tuple[str, ...]:
    """A list of texts read from a library file, its problems told: not a list of texts,
    empty where a variant is required, a `kind` of {slot} not among `known`."""
    if not isinstance(raw, list) or not all(isinstance(v, str) and v for v in raw):
        problems.append(f"{where}: expected a list of texts")
        return ()
    if not raw and not allow_empty:
        problems.append(f"{where}: at least one variant is required")
    for text in raw:
        unknown = slots_in(text) - known
        if unknown:
            problems.append(f"{where}: unknown {kind}(s) {sorted(unknown)} in {text!r}")
    return tuple(raw)


def _patterns(raw: object, where: str, problems: list[str]) -> tuple[re.Pattern[str], ...]:
    if not isinstance(raw, list) or not all(isinstance(v, str) and v for v in raw):
        problems.append(f"{where}: expected a list of regular expressions")
        return ()
    compiled = []
    for text in raw:
        try:
            compiled.append(re.compile(text, re.IGNORECASE))
        except re.error as exc:
            problems.append(f"{where}: {text!r}: {exc}")
    return tuple(compiled)


def slots_in(text: str) -> set[str]:
    return set(_FIELD.findall(text))


def fill(text: str, values: Mapping[str, str]) -> str | None:
    """`text` with its slots filled, or None when one has no value."""
    missing = False

    def one(match: re.Match[str]) -> str:
        nonlocal missing
        value = values.get(match.group(1), "")
        missing = missing or not value
        return value

    out = _FIELD.sub(one, text)
    return None if missing else out


def answer_for(aspect: str, answers: Mapping[str, Answer]) -> Answer | None:
    """The answer to a complaint of `aspect`; a clause the analyzer missed whose aspect was
    still told (unmapped.food.taste) is answered as that aspect, else by its kind
    (unmapped.food)."""
    found = answers.get(aspect)
    if found is None and aspect.startswith("unmapped.") and aspect.count(".") == 2:
        _, category, name = aspect.split(".")
        found = answers.get(f"{category}.{name}") or answers.get(f"unmapped.{category}")
    return found


def ordered(complaints: Sequence[Complaint]) -> list[Complaint]:
    """Most severe first, then in the customer's order; one per aspect (服务员态度差 and
    态度极差 in one review are one point to answer)."""
    seen: set[str] = set()
    unique = []
    for complaint in sorted(complaints, key=lambda c: SEVERITY_RANK.get(c.severity, 9)):
        # Clauses mapped to no aspect (unmapped.*) are distinct points, one per clause.
        key = complaint.aspect
        if key.startswith("unmapped.") and complaint.span:
            key = f"{key}\x00{complaint.span}"
        if key not in seen:
            seen.add(key)
            unique.append(complaint)
    return unique


@dataclass(frozen=True, slots=True)
class Section:
    """One complaint answered: its acknowledgement, its next step, its short name."""

    ack: str
    step: str
    name: str
    category: str = ""
    connected: bool = False  # the ack has its own connector (另外，…): none is added
    unmapped: bool = False  # a clause the analyzer mapped to no aspect (leftovers.py)
    # The customer's words for it, quoted (「…」), or "": what names it when the lesser
    # points are named together (their words say which point better than its kind does).
    said: str = ""
    aspect: str = ""  # the complaint's aspect id (unmapped.* for a leftover clause)
    # The acknowledgement and next step in their fewest words (the last resort under a
    # length limit, `body(plain=True)`): "" where the ones above are the only ones.
    short_ack: str = ""
    short_step: str = ""
    # The customer's words for it in fewer words (English: "chili oil had leaked" for the
    # whole "the chili oil had leaked all over the bag"), or "": what names it together
    # with the others when its whole quote does not fit (`Level.brief`).
    brief: str = ""
    # The acknowledgement in its fewest words that still quote the customer ("" when none
    # does): the first point's own words kept on the last resorts (`Level.own`).
    short_said: str = ""


# Characters two sentences of one reply may share in a row before one reads as the other
# said again (我们会重新, 是我们的问题 are shorter).
SAID_AGAIN = 8


def _said(sentence: str, used: set[str]) -> bool:
    """Whether `sentence`, or SAID_AGAIN characters of it in a row, was said already."""
    if sentence in used:
        return True
    pieces = {sentence[i : i + SAID_AGAIN] for i in range(len(sentence) - SAID_AGAIN + 1)}
    return any(piece in other for other in used for piece in pieces)


def sections(
    complaints: Sequence[Complaint],
    answers: Mapping[str, Answer],
    quote: Callable[[str], str],
    rng: random.Random,
    says: Callable[[str, str], bool] = lambda words, category: False,
    hint: Callable[[Complaint], str] = lambda complaint: "",
    brief: Callable[[str], str] = lambda quoted: "",
) -> list[Section]:
    """A section per complaint (most severe first); `quote` makes a span fit to quote;
    `says(words, category)` whether quoted words, read alone, make a complaint of that
    category (leftovers.says_kind: the caller passes it, leftovers reads English through
    english.py, which imports this module); `hint(complaint)` a `when` word the review
    around its words tells (a wait in a review of queueing for a table: 等位), tried after
    the words' own; `brief(quote)` the quote in fewer words (Section.brief)."""
    result = []
    quoted: set[str] = set()  # one span can hold two complaints (又贵又难吃): quote it once
    # Aspects already answered (with the word of theirs that chose the answer): a second
    # point of one is answered by its kind, not in the same words again, unless its words
    # ask for another answer of the aspect (怪味 … 湯又鹹到死: too salty is its own point).
    done: set[tuple[str, str]] = set()
    used: set[str] = set()
    for complaint in ordered(complaints):
        aspect = complaint.aspect
        own = aspect.removeprefix("unmapped.")
        answer = answer_for(own, answers) if own.count(".") == 1 else None
        told = hint(complaint)
        word = answer.word_for(complaint.span) if answer else ""
        if answer and not word and told:
            word = answer.word_for(told)
        if own.count(".") == 1 and (own, word) not in done and any(a == own for a, _ in done):
            aspect = own  # another answer of an aspect answered: answered as that aspect
        elif aspect.count(".") == 2 and any(a == own for a, _ in done):
            aspect = f"unmapped.{complaint.category}"
        answer = answer_for(aspect, answers)
        if answer is None:
            continue
        done.add((aspect.removeprefix("unmapped."), word))
        acks, steps = answer.for_words(complaint.span)
        if told and not answer.word_for(complaint.span) and answer.word_for(told):
            acks, steps = answer.for_words(told)
        span = _carrying(
            complaint.span, word, (*answer.when, *_problem_words(complaint.category)), quote
        )
        # A target is named only in plain Chinese words (等1小时, 14:36 are no dish: digits
        # in a reply can read as a time, a price or an order number).
        target = complaint.target or ""
        if complaint.aspect.startswith("unmapped.") and not complaint.span:
            # A clause the analyzer mapped to no aspect carries, when it cannot be quoted
            # (收我们一人2块的餐具费), its words as the target: only what `names` finds in
            # them is said (餐具费), never the words themselves.
            target = answer.named_in(target)
            named = target
        else:
            target = target if _PLAIN_TARGET.match(target) else ""
            named = "" if target else answer.named_in(complaint.span)
            target = target or named
        if named and span and to_simplified(named) not in to_simplified(span):
            # A fee the quote leaves out (「埋单先知要收」 for 开瓶费) is named by its name.
            span = ""
        if span and span in quoted:
            # One span holding two points (goes cold quickly because the tables are so
            # cramped): the next is quoted by what follows the words quoted for the first.
            # Only when those words say a point of its kind (not 不会再点第二次 for 贵).
            rest = rest_after(complaint.span, span)
            # Else it keeps the words quoted already: named by them, it is not named again.
            after = quote(rest) if rest else ""
            span = after if after and says(after, complaint.category) else span
        values = {"span": "" if span in quoted else span, "target": target}
        # The customer's own words beat the dish alone, and either beats a generic line; the
        # words and the dish beat the words alone when the words leave the dish out (您说辣子鸡
        # 「炸得干巴巴的像嚼柴」), and never name it twice when they hold it.
        quoting = [v for v in acks if "span" in slots_in(v)]
        both = {"span", "target"}
        named_in_words = bool(target) and to_simplified(target) in to_simplified(values["span"])
        if named_in_words:
            quoting = [v for v in quoting if not both <= slots_in(v)] or quoting
        else:
            quoting = [v for v in quoting if both <= slots_in(v) and fill(v, values)] or quoting
        with_span = [a for a in (fill(v, values) for v in quoting) if a]
        specific = with_span or [a for a in (fill(v, values) for v in acks if slots_in(v)) if a]
        generic = [a for a in acks if not slots_in(a)]
        # A `when` answer whose every ack needs words this point lacks (死鹹 is unfit to
        # quote and names no dish) falls back to the aspect's own, never to no answer.
        generic = generic or [a for a in answer.ack if not slots_in(a)]
        options = specific or generic
        # A sentence already said for another point, or much of it (菜品的定价和出品我们会重新
        # 评估 for 贵 and again for 不值), is not said again if another will do.
        options = [o for o in options if not _said(o, used)] or options
        ack = rng.choice(options) if options else ""
        # in its fewest words: its own words or its kind's, whichever is shorter
        shorter = [o for o in (*specific, *generic) if not _said(o, used)] or options
        shorter += [answer.short_ack] if answer.short_ack else []
        said_short = [o for o in shorter if span and span in o]
        step_options = [s for s in (fill(v, values) for v in steps) if s]
        step_options = [o for o in step_options if not _said(o, used)] or step_options
        step = rng.choice(step_options) if step_options else ""
        short_steps = [*step_options, *([answer.short_step] if answer.short_step else [])]
        used.update((ack, step))
        if span and span in ack:
            quoted.add(span)
        if ack:
            loose = complaint.aspect.startswith("unmapped.")
            result.append(
                Section(
                    ack,
                    step,
                    # named together, a fee keeps its name (配送费的收费问题; in English
                    # its name alone, the packaging fee)
                    _fee_name(named, answer.name) if named and named in ack else answer.name,
                    complaint.category,
                    unmapped=loose,
                    said=span,
                    aspect=complaint.aspect,
                    short_ack=min(shorter, key=len, default=ack),
                    short_step=min(short_steps, key=len, default=step),
                    brief=brief(span) if span else "",
                    short_said=min(said_short, key=len, default=""),
                )
            )
    return result


def _own_words(section: Section, language: Language) -> list[str]:
    """The first point's acknowledgements in few words that quote the customer: its fewest
    that do, and its fewest words with the quote put before them (Language.own_short)."""
    found = [section.short_said] if section.short_said else []
    if language.own_short and section.short_ack:
        ack = section.short_ack
        ack = ack[:1].lower() + ack[1:] if language is not CHINESE else ack
        found.append(language.own_short.replace("{span}", section.said).replace("{ack}", ack))
    return found


def _fee_name(named: str, name: str) -> str:
    """A point named together by the fee or thing the customer named: 配送费的收费问题, and in
    English the thing alone (packaging fee: no Chinese joined into an English reply)."""
    return named if named.isascii() else f"{named}的{name}"


_REST_LEAD = re.compile(
    r"^(?:[\s，,；;：:。！？!?、]|(?:because|when|and|but|so|as|while|since)\b)+", re.I
)


def rest_after(span: str, quoted: str) -> str:
    """What a span says after the words quoted from it (goes cold quickly | because the
    tables are so cramped …; 糖醋汁太酸 | ，地三鲜油汪汪的), from its next word on, or ""."""
    said = quoted.strip("「」\u201c\u201d")
    at = span.find(said) if said else -1
    if at < 0:
        return ""
    return _REST_LEAD.sub("", span[at + len(said) :]).strip()


def _carrying(span: str, word: str, words: tuple[str, ...], quote: Callable[[str], str]) -> str:
    """The quote of a span over several clauses (这道酸菜鱼卖相不错，汤咸得发苦): the clause
    holding the word that chose the answer (咸) when the first clause fit to quote holds
    none of `words` (the answer's own and the analyzer's complaint words of its category),
    so the words quoted say what the problem is; else `quote(span)` (外皮一点都不脆，软塌塌的
    keeps 「炸鸡外皮一点都不脆」: 脆 is a word of the answer; 糖醋汁太酸，地三鲜油汪汪的 keeps
    「糖醋汁太酸」: 太酸 is a complaint of its own)."""
    quoted = quote(span)
    if not word or not quoted or any(w in to_simplified(quoted) for w in words):
        return quoted
    for clause in _CLAUSES.split(span):
        if word in to_simplified(clause) and (better := quote(clause)):
            return better
    return quoted


_CLAUSES = re.compile(r"[，,；;：:。！？!?]+")


@cache
def _problem_words(category: str) -> tuple[str, ...]:
    """The analyzer's complaint words of a category's aspects (太酸, 一般般, 不新鲜)."""
    from reviewbot.analysis.complaints import load_taxonomy

    taxonomy = load_taxonomy()
    return tuple(
        word
        for word, senses in taxonomy.words.items()
        if any(
            sign < 0 and (a := taxonomy.aspects.get(aspect)) and a.category == category
            for aspect, sign in senses
        )
    )


@dataclass(frozen=True, slots=True)
class Level:
    """One rung of the compression ladder: sections in full, invitation kept, greeting
    kept, the rest quoted; below those, the rest named by their kind only (`kinds`), the
    first point in its fewest words (`plain`) and the praise left out (`praise`)."""

    full: int
    invite: bool = True
    greeting: bool = True
    quoted: bool = True
    kinds: bool = False
    plain: bool = False
    praise: bool = True
    # every point after the first named as one (其他几点, other points): the fewest words
    # whatever the review holds
    as_one: bool = False
    # the rest named by the customer's words in fewer words where a language has them
    # (Section.brief): still their words, where the whole quotes do not fit
    brief: bool = False
    # with `plain`: the first point's acknowledgement in few words that still quote the
    # customer (Section.short_said, Language.own_short), where it has a quote
    own: bool = False
    # > 0: only the first `named` of the rest named in the customer's words (whole or brief),
    # the others by their short names: between every point quoted and none quoted, the
    # most severe keep the customer's words when all of them do not fit
    named: int = 0


def _partly_quoted(level: Level, rest: int) -> list[Level]:
    """`level` with fewer and fewer of the `rest` points named in the customer's words
    (all but one first), the others by their short names."""
    return [replace(level, named=k) for k in range(rest - 1, 0, -1)]


def compressions(count: int) -> list[Level]:
    """The ladder, from the longest reply to the shortest: the invitation goes first, then
    the lesser points are named together one by one, then the greeting, and then the
    points named together lose the customer's words for their short names (a long review
    under a 300-character limit would not fit otherwise, and a reply over the limit cannot
    be posted at all)."""
    steps = [Level(count)]
    steps += [Level(full, invite=False) for full in range(count, 0, -1)]
    one = min(count, 1)
    briefest = Level(one, invite=False, greeting=False, brief=True)
    return [
        *steps,
        Level(one, invite=False, greeting=False),
        briefest,
        *_partly_quoted(briefest, count - one),
        Level(one, invite=False, greeting=False, quoted=False),
    ]


def last_resorts(count: int) -> list[Level]:
    """The rungs below the ladder, tried with each part in its fewest words: the first
    point acknowledged and answered in its fewest words (the rest still named by the
    customer's words, then by their short names), then every point after the first named
    together by its kind only (food, delivery: at most one name per category, so the
    sentence is short whatever the review holds), then without the praise, and last every
    other point named as one. The apology, the first point's acknowledgement and next
    step, and the contact always stay. Each is tried first with the first point still in
    the customer's words (`own`: its fewest words that quote it), the rest named alike;
    and while the rest are named in their words, whole or brief, the first keeps its own
    before they are named in fewer."""
    one = min(count, 1)
    plain = Level(one, invite=False, greeting=False, plain=True)
    kinds = replace(plain, quoted=False, kinds=True)
    least = replace(kinds, praise=False)
    rungs = [
        plain,
        replace(plain, brief=True),
        *_partly_quoted(replace(plain, brief=True), count - one),
        replace(plain, quoted=False),
        kinds,
        least,
        replace(least, as_one=True),
    ]
    own = [replace(rung, own=True) for rung in rungs]
    # the first point's words go before the rest lose theirs (whole or brief)
    pairs = zip(own[2:], rungs[2:], strict=True)
    return [*own[:2], *rungs[:2], *(level for pair in pairs for level in pair)]


def fit(
    compose: Callable[[dict[str, str], Level], str],
    frames: Sequence[dict[str, str]],
    count: int,
    max_chars: int,
    *,
    last_resort: bool = True,
) -> str:
    """The first reply within `max_chars`: each frame of wordings (the chosen ones, then
    each part in its fewest words) at every compression level, longest first, and with the
    last frame the last resorts; the last one tried when none fits (a reply over the limit
    is refused, not cut). `last_resort` False: the ladder only."""
    text = ""
    for index, frame in enumerate(frames):
        levels = compressions(count)
        if last_resort and index == len(frames) - 1:
            levels += last_resorts(count)
        for level in levels:
            text = compose(frame, level)
            if max_chars <= 0 or len(text) <= max_chars:
                return text
    return text


def kind_names(answers: Mapping[str, Answer]) -> dict[str, str]:
    """The short name of each kind of point (category: its name), from the answers to a
    point of that kind the analyzer mapped to no aspect (unmapped.food: 菜品的问题)."""
    return {
        aspect.removeprefix("unmapped."): answer.name
        for aspect, answer in answers.items()
        if aspect.count(".") == 1 and aspect.startswith("unmapped.")
    }


def join_names(names: Sequence[str], language: Language) -> str:
    if len(names) <= 1:
        return "".join(names)
    return language.list_sep.join(names[:-1]) + language.last_sep + names[-1]


def body(
    found: Sequence[Section],
    full: int,
    sincerity: str,
    language: Language,
    rng: random.Random,
    *,
    checking: bool = False,
    quoted: bool = True,
    shortest: bool = False,
    kinds: Mapping[str, str] | None = None,
    plain: bool = False,
    as_one: bool = False,
    brief: bool = False,
    own: bool = False,
    named_first: int = 0,
) -> str:
    """The answering part of a reply: the first `full` sections with their steps, the
    apology after the first, the rest named together in one sentence (in a food-safety
    crisis, `checking`: said to be checked too, nothing admitted before the check); by
    the customer's words when `quoted` and the language quotes names, else by their names;
    `shortest`: that sentence in the language's fewest words; `kinds` (category: its short
    name): the rest named by their kinds only, once each; `plain`: the sections in full in
    their fewest words; `as_one`: the rest named as one (kinds["general"]); `brief`: the
    rest quoted in fewer words where they have them (Section.brief); `own` (with `plain`):
    the sections in the fewest words that still quote the customer where they have any;
    `named_first` > 0: only that many of the rest named in the customer's words, the others
    by their names."""
    pieces: list[str] = []
    leads = rng.sample(language.later, len(language.later))  # no connector twice in a row
    for index, section in enumerate(found[:full]):
        lead = leads[(index - 1) % len(leads)] if index and not section.connected else ""
        ack = (plain and section.short_ack) or section.ack
        if plain and own and section.said and section.said not in ack:
            ack = min(_own_words(section, language) or [ack], key=len)
        step = (plain and section.short_step) or section.step
        if lead and language is not CHINESE:
            ack = ack[:1].lower() + ack[1:]
        pieces.append(lead + ack)
        said_sorry = plain and any(w in ack.lower() for w in language.apologies)
        if index == 0 and sincerity and not said_sorry:
            pieces.append(sincerity)
        if step:
            pieces.append(step)
    named = (
        (brief and s.brief) or _with_kind(s, language, brief) or s.name
        if language.quote_names and quoted
        else s.name
        for s in found[full:]
    )
    if named_first > 0:
        named = (
            name if index < named_first else s.name
            for index, (name, s) in enumerate(zip(named, found[full:], strict=True))
        )
    if kinds is not None:
        named = (kinds.get(s.category) or kinds.get("general") or s.name for s in found[full:])
    if as_one and kinds and kinds.get("general"):
        named = (kinds["general"] for _ in found[full:])
    said = language.piece_sep.join(pieces)  # what was already said in full is not named again
    rest = [name for name in dict.fromkeys(named) if name not in said]
    if rest:
        together = rng.choice(language.checking if checking else language.together)
        brief = language.brief_checking if checking else language.brief
        if shortest and brief:
            together = brief
        pieces.append(together.replace("{names}", join_names(rest, language)))
    return language.piece_sep.join(p for p in pieces if p)


def _with_kind(section: Section, language: Language, brief: bool) -> str:
    """A lesser point's quote as it is named together with the others: after its kind's
    name where the language names both (送餐慢「送了一个半小时」) and the point has an aspect
    whose name its words do not already hold, else the quote alone ("" when none)."""
    said = section.said
    if not said or brief or not language.kind_with_quote or section.unmapped:
        return said
    if not section.name or section.name in said:
        return said
    return section.name + said


ENGLISH = Language(
    later=("Also, ", "As for the other point, ", "And "),
    together=(
        "We have also noted what else you told us ({names}), and will work on it too.",
        "What else you raised ({names}) is noted as well, and we will act on it.",
    ),
    checking=(
        "What else you raised ({names}) is being checked as well.",
        "We are also checking what else you told us ({names}).",
    ),
    list_sep=", ",
    last_sep=" and ",
    piece_sep=" ",
    quote_names=True,
    brief="We have noted {names} too.",
    brief_checking="We are checking {names} too.",
    apologies=("sorry", "apologi"),
    own_short="You wrote {span}: {ack}",
)
ENGLISH_PARTS: tuple[str, ...] = (
    "greeting",
    "thanks",
    "praise",
    "sincerity",
    "speed",
    "invite",
    "closing",
)
ENGLISH_VARIABLES: frozenset[str] = frozenset({"signature", "contact", "store"})


@dataclass(frozen=True, slots=True)
class EnglishLibrary:
    """The English replies: framing parts (en/common.toml) and answers (en/aspects.toml)."""

    parts: Mapping[str, tuple[str, ...]]
    answers: Mapping[str, Answer]


def read_english(directory: Path, problems: list[str]) -> EnglishLibrary | None:
    """The English library in `directory` (None when the owner has none)."""
    common = directory / "common.toml"
    if not common.is_file():
        return None
    where = f"{directory.name}/common.toml"
    try:
        data = tomllib.loads(common.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        problems.append(f"{where}: {exc}")
        return None
    parts: dict[str, tuple[str, ...]] = {}
    for key in sorted(set(data) - set(ENGLISH_PARTS)):
        problems.append(f"{where}: unknown key {key!r} (parts are: {', '.join(ENGLISH_PARTS)})")
    for part in ENGLISH_PARTS:
        raw = data.get(part, [])
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            problems.append(f"{where}: {part}: expected a list of texts")
            continue
        for text in raw:
            unknown = slots_in(text) - ENGLISH_VARIABLES
            if unknown:
                problems.append(f"{where}: {part}: unknown variable(s) {sorted(unknown)}")
        parts[part] = tuple(raw)
    answers: dict[str, Answer] = {}
    if (directory / "aspects.toml").is_file():
        answers, found = read_answers(directory / "aspects.toml")
        problems.extend(f"{directory.name}/{p}" for p in found)
    else:
        problems.append(f"{directory.name}/aspects.toml: missing")
    return EnglishLibrary(parts, answers)
