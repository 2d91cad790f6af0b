"""English replies to English reviews, built like the Chinese ones on the five principles:
name each complaint and own it, apologise, say what changes, offer a way to talk, sign.

The wording is data (templates/replies/en/); store facts may be given in English in config
(`signature_en`, `contact_en`), else the Chinese ones are used.
"""

from __future__ import annotations

import random
import re
import tomllib
from collections.abc import Callable, Sequence
from functools import cache
from importlib import resources

from reviewbot.analysis.base import Complaint
from reviewbot.replies.answers import (
    ENGLISH,
    EnglishLibrary,
    Level,
    body,
    fill,
    fit,
    kind_names,
    sections,
)
from reviewbot.replies.facts import StoreProfile
from reviewbot.replies.reading import Reading

# The customer's words quoted back: plain words only (no digits: no order or phone numbers).
_QUOTE_MAX = 60
# The fewest words before an amount that are quoted for the point (Our waiter vanished).
_LEAD_WORDS = 3
_NEGATORS = frozenset({"no", "not", "never", "nobody", "nothing", "none", "without"})
_JOINERS = frozenset({"but", "and", "so", "then"})


def quote_english(span: str) -> str:
    """An English span fit to quote in public, in quotation marks, or "": an amount in it is
    cut off with the words that only lead to it (without_amount); one too long to quote whole
    is quoted by its head (english_head), else by its few words before where or how it
    happened (brief_english: "smell of cigarette smoke drifted in" of "the smell of
    cigarette smoke drifted in from the guys smoking right at the entrance")."""
    words = span.strip().strip(".,!?;: ")
    for lead in ("and ", "but ", "also ", "then ", "so "):
        if words.lower().startswith(lead):
            words = words[len(lead) :]
    if any(ch.isdigit() for ch in words):
        words = without_amount(words)
    if len(words) > _QUOTE_MAX:
        words = english_head(words) or brief_english(words).strip("\u201c\u201d")
    words = whole_words(words)
    if not words or len(words) > _QUOTE_MAX or any(ch.isdigit() or ch in "@#/" for ch in words):
        return ""
    return f"\u201c{words}\u201d"


# Words a quote never opens or ends on: what only joins it to words it no longer holds.
_JOIN_LEADS = frozenset({"and", "but", "also", "then", "so", "plus", "or", "yet"})
# A clause opening so qualifies another one (the reason, a concession, a condition, what it
# led to): no point of its own.
_QUALIFIERS = frozenset(
    {"because", "though", "although", "which", "who", "whereas", "if", "unless", "cause"}
)
# ... nor, once cut at an aside, one that only tells when (Since the new management (…)).
_WHEN_LEADS = frozenset({"since", "when", "while", "after", "before", "until", "as", "once"})
_DANGLING_ENDS = frozenset(
    {
        "the", "a", "an", "another", "my", "our", "your", "their", "its", "of", "than",
        "and", "or", "but", "so", "plus", "because", "since", "unless", "if", "whereas",
        "although", "though", "we", "i", "they", "he", "she", "to", "on", "at", "by", "from",
        "into", "onto",
    }
)  # fmt: skip
# Words a noun follows: a quote cut after one was cut inside what it says (it took another).
_BEFORE_NOUN = frozenset({"the", "a", "an", "another", "my", "our", "your", "their", "its"})
_BRACKETS = {")": "(", "]": "["}
_EDGE = " ,;:-\u2013\u2014"


def whole_words(words: str) -> str:
    """A quote's words as a whole of their own, or "": no unbalanced bracket (a clause cut
    inside an aside: "the rice)" keeps what follows the aside, none; "Ate the cold dishes (fu
    qi fei pian" what precedes it), never opening on a word that joins it to what it lost
    (and, plus) nor ending on one (the, my, unless, another), and no clause that only
    qualifies another (because…, though…, which…, if…)."""
    opened: list[int] = []
    last_close = -1
    for at, ch in enumerate(words):
        if ch in "([":
            opened.append(at)
        elif ch in _BRACKETS:
            if opened and words[opened[-1]] == _BRACKETS[ch]:
                opened.pop()
            else:
                last_close, opened = at, []
    cut = last_close >= 0 or bool(opened)
    if opened:
        words = words[: opened[0]]
    words = words[last_close + 1 :] if last_close >= 0 and not opened else words
    if last_close >= 0 and opened:  # both: the words between them, an aside's tail and head
        return ""
    tokens = words.strip(_EDGE).split()
    while tokens and tokens[0].lower().strip(_EDGE) in _JOIN_LEADS:
        tokens.pop(0)
    mid_phrase = False
    while tokens and tokens[-1].lower().strip(_EDGE) in _DANGLING_ENDS:
        ended = tokens.pop().lower().strip(_EDGE)
        mid_phrase = mid_phrase or ended in _BEFORE_NOUN
    if not tokens:
        return ""
    first = tokens[0].lower().strip(_EDGE)
    if first in _QUALIFIERS or (cut and first in _WHEN_LEADS):
        return ""
    if mid_phrase and len(tokens) <= 3:
        return ""
    return " ".join(tokens).strip(_EDGE)


@cache
def _amount_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    raw = resources.files("reviewbot.replies").joinpath("data/reading.toml").read_text("utf-8")
    spec = tomllib.loads(raw)["amount"]["english"]
    return frozenset(spec["lead_ends"]), frozenset(spec["units"]), frozenset(spec["time_units"])


@cache
def _head_cuts() -> tuple[re.Pattern[str], int]:
    raw = resources.files("reviewbot.replies").joinpath("data/reading.toml").read_text("utf-8")
    spec = tomllib.loads(raw)["english_head"]
    words = "|".join(re.escape(w) for w in sorted(spec["cut_before"], key=len, reverse=True))
    return re.compile(rf"\s(?:{words})\b", re.I), int(spec["min_words"])


def english_head(words: str) -> str:
    """The head of an English point (reading.toml `[english_head]`): its words before the
    first `when`, `than`, `because` … that leaves three words or more (the waiter got
    defensive | when we questioned it), else ""."""
    cut, least = _head_cuts()
    for found in cut.finditer(words):
        head = words[: found.start()].strip(",;: ")
        if len(head.split()) >= least:
            return head
    return ""


@cache
def _brief_cuts() -> tuple[frozenset[str], re.Pattern[str], int, int]:
    raw = resources.files("reviewbot.replies").joinpath("data/reading.toml").read_text("utf-8")
    spec = tomllib.loads(raw)["english_brief"]
    cuts = sorted(spec["cut_before"], key=len, reverse=True)
    words = "|".join(rf"\s{re.escape(w)}\b" if w[0].isalpha() else re.escape(w) for w in cuts)
    return (
        frozenset(spec["drop_lead"]),
        re.compile(words, re.I),
        int(spec["min_words"]),
        int(spec["max_words"]),
    )


def brief_english(quoted: str) -> str:
    """A lesser point named in few of the customer's words (reading.toml `[english_brief]`),
    in quotation marks, when its whole quote would not fit a short reply: the quote without
    its leading article, up to the first word that only says where, when or how much more
    ("the chili oil had leaked all over the bag" → "chili oil had leaked"), or "" when no
    such head is short enough (it is then named by its whole quote or its kind)."""
    lead, cut, least, most = _brief_cuts()
    words = quoted.strip('\u201c\u201d"').strip()
    tokens = words.split()
    while tokens and tokens[0].lower() in lead:
        tokens = tokens[1:]
    words = " ".join(tokens)
    for found in cut.finditer(words):
        head = words[: found.start()].strip(",;: ")
        if len(head.split()) >= least:
            words = head
            break
    words = whole_words(words)
    if not words or len(words.split()) > most or len(words.split()) < 2:
        return ""
    return f"\u201c{words}\u201d"


def without_amount(words: str) -> str:
    """What an English point says besides its amount (reading.toml `[amount.english]`): the
    words before the first amount when they still say something (Our server disappeared:
    three words at least, or fewer that negate: no reply; We sat, Bill had, Food gets are a
    subject and its verb cut from what they were saying), else those after it (steak should
    be cooked right, "tea fee" nobody mentioned), or "" when neither names anything (Waited
    50 minutes for …)."""
    lead_ends, units, time_units = _amount_words()
    tokens = words.split()
    at = next(i for i, t in enumerate(tokens) if any(ch.isdigit() for ch in t))
    before = tokens[:at]
    while before and before[-1].lower().strip(",;:") in lead_ends:
        before.pop()
    if len(before) >= _LEAD_WORDS or (before and _negates(before)):
        return " ".join(before).strip(",;: ")
    after = tokens[at + 1 :]
    if after and after[0].lower().strip(",;:") in time_units:
        return ""  # a wait, said by its length: named by its kind
    while after and after[0].lower().strip(",;:") in (units | lead_ends | _JOINERS):
        after.pop(0)
    if len(after) < 2 or any(ch.isdigit() for t in after for ch in t):
        return ""
    return " ".join(after).strip(",;: ")


def _negates(words: list[str]) -> bool:
    """Whether a few words say something is missing or failed (no reply, never came): a
    point however short, unlike a subject and its verb (We sat)."""
    said = [w.lower().strip(",;:") for w in words]
    return any(w in _NEGATORS or w.endswith("n't") for w in said)


def _latin(text: str) -> str:
    """`text` if an English reader can read it (no Chinese characters), else ""."""
    return "" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else text


def assemble_english(
    library: EnglishLibrary,
    points: Sequence[Complaint],
    store: StoreProfile,
    reading: Reading,
    rng: random.Random,
    max_chars: int,
    *,
    last_resort: bool = True,
    says: Callable[[str, str], bool] = lambda words, category: False,
) -> tuple[str, tuple[str, ...]]:
    """An English reply answering every complaint (or thanking, when there is none);
    `says` as answers.sections takes it."""
    values = {
        "store": store.name,
        "signature": store.facts_in("en").get("signature")
        or _latin(store.signature)
        or _latin(store.name)
        or "The restaurant team",
        "contact": store.facts_in("en").get("contact") or "a private message here",
    }
    chosen, shortest = {}, {}
    for part, variants in library.parts.items():
        options = [r for r in (fill(v, values) for v in variants) if r is not None]
        chosen[part] = rng.choice(options) if options else ""
        shortest[part] = min((o for o in options if o), key=len, default="")
    found = sections(points, library.answers, quote_english, rng, says, brief=brief_english)
    state = rng.getstate()

    kinds = kind_names(library.answers)

    def compose(parts: dict[str, str], level: Level) -> str:
        rng.setstate(state)
        middle = body(
            found,
            level.full,
            parts.get("sincerity", ""),
            ENGLISH,
            rng,
            checking=reading.crisis,
            quoted=level.quoted,
            shortest=parts is shortest,
            kinds=kinds if level.kinds else None,
            plain=level.plain,
            as_one=level.as_one,
            brief=level.brief,
            own=level.own,
            named_first=level.named,
        )
        # A food-safety claim gets a holding statement: no praise, no invitation back.
        praise = parts.get("praise", "") if reading.praised and not reading.crisis else ""
        praise = praise if level.praise else ""
        # A review of praise alone is thanked for it, never answered as a complaint.
        thanks = parts.get("thanks", "") if reading.situation == "positive" and not found else ""
        pieces = [parts.get("greeting", "") if level.greeting else "", thanks, praise, middle]
        if found:
            pieces.append(parts.get("speed", ""))
        if level.invite and not reading.crisis:
            pieces.append(parts.get("invite", ""))
        text = " ".join(p for p in pieces if p)
        return f"{text}\n{parts['closing']}" if parts.get("closing") else text

    text = fit(compose, (chosen, shortest), len(found), max_chars, last_resort=last_resort)
    used = ("shoulder", "sincerity", "system", "speed") if found else ()
    return text, used
