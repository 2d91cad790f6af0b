"""Guardrails: what a public reply must never say, checked before anything is posted.

`check_reply` is a pure function over the reply text, the review, its analysis and the
store's fact sheet. The engine runs it on every draft (and never returns a draft that fails
it when a clean one exists); the chat workflow runs it again on the text staff approve,
edited or not, and blocks posting while it reports anything. Each `Violation` carries a
message in Chinese telling the staff member what to change.

The rules are pattern families kept as data (data/guardrails.toml), matched on normalised
text so that full-width digits and digits written out in Chinese do not slip through. The
only text exempt from some rules is the customer's words the engine itself quoted: a 「」
added by staff is no licence to write anything.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Protocol

from reviewbot.analysis.base import Analysis, ReviewText
from reviewbot.replies.facts import StoreProfile
from reviewbot.replies.lexicon import dish_lexicon, dish_shapes, guardrail_data, is_crisis

DEFAULT_MAX_CHARS = 500
_DIGITS = re.compile(r"[0-9]+")
_SEPARATORS = re.compile(r"[\s\-－—:：()（）/.·]")
_SENTENCE_END = re.compile(r"[。！？!?\n]")
# Chinese digits read one by one (一三八…, 幺 as said on the phone) in a run of three or
# more, or next to an Arabic digit: a number, not prose (一一, 十五 and 第一 stay as they are).
_HAN_DIGIT = "〇零一二三四五六七八九幺"
_HAN_DIGIT_RUN = re.compile(
    f"(?<=[0-9])[{_HAN_DIGIT}]+|[{_HAN_DIGIT}]+(?=[0-9])|[{_HAN_DIGIT}]{{3,}}"
)
_TO_ASCII = str.maketrans(_HAN_DIGIT, "001234567891")
# Read past, so that quoting a word does not hide it (删「差评」).
_QUOTE_MARKS = frozenset("「」『』“”‘’\"'")


@dataclass(frozen=True, slots=True)
class Violation:
    """One reason a reply cannot be posted; `message_zh` is shown to staff as is.

    `found` is the offending text as the reply wrote it; `family` names the kind of
    paraphrase the rule caught (data/guardrails.toml), empty for the fixed checks."""

    code: str
    message_zh: str
    found: str = ""
    family: str = ""

    def to_json(self) -> dict[str, str]:
        """As stored with a draft and printed by `reviewbot draft`."""
        return {"code": self.code, "message": self.message_zh, "found": self.found}


class _HasReplyLimit(Protocol):
    reply_max_chars: int


@dataclass(frozen=True, slots=True)
class ReplyLimits:
    """A platform's reply rules: how long a reply may be and how many a review may have."""

    max_chars: int = DEFAULT_MAX_CHARS
    max_replies: int = 1
    replaces: bool = False  # a new reply replaces the published one: no count to keep

    @classmethod
    def of(cls, limits: ReplyLimits | _HasReplyLimit | None) -> ReplyLimits:
        """Accepts these limits, a platform's `Capabilities`, or None (the defaults)."""
        if limits is None:
            return cls()
        if isinstance(limits, ReplyLimits):
            return limits
        return cls(
            max_chars=limits.reply_max_chars,
            max_replies=getattr(limits, "max_replies_per_review", 1),
            replaces=getattr(limits, "replaces_reply", False),
        )


@dataclass(frozen=True, slots=True)
class _Family:
    """A group of patterns catching one kind of paraphrase, with its reason for staff."""

    name: str
    message: str
    allow: str
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class _Rule:
    code: str
    families: tuple[_Family, ...]
    quotes_exempt: bool
    crisis_only: bool
    conditional: re.Pattern[str] | None


@dataclass(frozen=True, slots=True)
class _Rules:
    rules: tuple[_Rule, ...]
    messages: dict[str, str]


_ALLOWANCES = ("", "facts", "remedy", "proofs", "any_proof")


def _rule(code: str, table: dict[str, Any]) -> _Rule:
    families = []
    for family in table["family"]:
        allow = family.get("allow", table.get("allow", ""))
        if allow not in _ALLOWANCES:
            raise ValueError(f"guardrails.toml: [{code}] {family['name']}: unknown allow {allow!r}")
        families.append(
            _Family(
                name=family["name"],
                message=family.get("message", table["message"]),
                allow=allow,
                patterns=tuple(re.compile(p) for p in family["patterns"]),
            )
        )
    conditional = table.get("conditional")
    return _Rule(
        code=code,
        families=tuple(families),
        quotes_exempt=table.get("quotes_exempt", False),
        crisis_only=table.get("crisis_only", False),
        conditional=re.compile(conditional) if conditional else None,
    )


@cache
def _rules() -> _Rules:
    data: dict[str, Any] = guardrail_data()
    messages = {code: table["message"] for code, table in data.items() if "message" in table}
    messages["invented_number"] = data["invented_fact"]["number_message"]
    rules = tuple(_rule(code, table) for code, table in data.items() if "family" in table)
    return _Rules(rules=rules, messages=messages)


class _FoldTable(dict[int, str]):
    """`str.translate` table computing each character's reading once (see `_fold`)."""

    def __missing__(self, code: int) -> str:
        self[code] = _fold(chr(code))
        return self[code]


_FOLD = _FoldTable()


def _fold(char: str) -> str:
    """What one written character reads as: its NFKC form without quotation marks, spaces
    (not line breaks) and invisible formatting characters."""
    return "".join(
        c
        for c in unicodedata.normalize("NFKC", char)
        if c not in _QUOTE_MARKS
        and (c == "\n" or not c.isspace())
        and unicodedata.category(c) != "Cf"
    )


def _digits(text: str) -> str:
    return _HAN_DIGIT_RUN.sub(lambda m: m.group(0).translate(_TO_ASCII), text)


@dataclass(frozen=True, slots=True)
class _Text:
    """Text as the rules read it (`_read`); `body` is the same with the engine's own quotes
    of the customer blanked (same length)."""

    text: str
    body: str
    written: str

    def written_at(self, start: int, end: int) -> str:
        """The written text that reads as text[start:end], to show staff their own words."""
        origin = [i for i, char in enumerate(self.written) for _ in char.translate(_FOLD)]
        return self.written[origin[start] : origin[end - 1] + 1]


def _read(written: str, quotes: Collection[str] = ()) -> _Text:
    """NFKC (full-width → ASCII); spaces, quotation marks and invisible characters left
    out (so "退 款" and 删「差评」 read as what they say); Chinese digit runs → digits."""
    blanked = written
    for quote in quotes:
        inner = quote.strip().removeprefix("「").removesuffix("」")
        if inner:
            blank = "".join("□" * len(char.translate(_FOLD)) for char in inner)
            blanked = blanked.replace(f"「{inner}」", f"「{blank}」")
    return _Text(_digits(written.translate(_FOLD)), _digits(blanked.translate(_FOLD)), written)


@lru_cache(maxsize=256)
def normalise(text: str) -> str:
    """`text` as the guardrails read it: １３８, 1 3 8 and 一三八 all become 138."""
    return _read(text).text


def _squash(text: str) -> str:
    return _SEPARATORS.sub("", text)


@dataclass(frozen=True, slots=True)
class _Sheet:
    """The store's fact sheet, normalised and squashed for finding a hit in it."""

    facts: str
    remedy: str
    proofs: str
    has_proof: bool
    digits: frozenset[str]

    @classmethod
    @lru_cache(maxsize=64)
    def of(cls, store: StoreProfile) -> _Sheet:
        facts = normalise(store.text)
        return cls(
            facts=_squash(facts),
            remedy=_squash(normalise(store.remedy)),
            proofs=_squash(normalise("".join(store.proofs))),
            has_proof=bool(store.proofs),
            digits=frozenset(_DIGITS.findall(facts)),
        )

    def allows(self, allow: str, hit: str) -> bool:
        if allow == "any_proof":
            return self.has_proof
        sheet = {"facts": self.facts, "remedy": self.remedy, "proofs": self.proofs}.get(allow)
        squashed = _squash(hit)
        return bool(sheet and squashed and squashed in sheet)


def _is_conditional(text: str, at: int, conditional: re.Pattern[str]) -> bool:
    """Whether the sentence leading up to `at` states a condition (如果核查确认…)."""
    starts = [m.end() for m in _SENTENCE_END.finditer(text, 0, at)]
    return bool(conditional.search(text, starts[-1] if starts else 0, at))


class _Found:
    """Collects violations: each offending text once, under its first code; overlapping
    hits of one rule once ("是骑手" inside "是骑手的问题"); and nothing inside a text
    already reported ("有惊喜" inside "好评有惊喜")."""

    def __init__(self, messages: dict[str, str]) -> None:
        self.messages = messages
        self.items: list[Violation] = []
        self.spans: dict[str, list[tuple[int, int]]] = {}
        self._seen: set[str] = set()

    def overlaps(self, code: str, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.spans.get(code, ()))

    def _covered(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for spans in self.spans.values() for s, e in spans)

    def add(
        self,
        code: str,
        found: str = "",
        *,
        message: str | None = None,
        family: str = "",
        span: tuple[int, int] | None = None,
        **extra: object,
    ) -> None:
        if found:
            if found in self._seen:
                return
            if span is not None and (self.overlaps(code, *span) or self._covered(*span)):
                return
            if span is not None:
                self.spans.setdefault(code, []).append(span)
            self._seen.add(found)
        text = (message or self.messages[code]).replace("{found}", found)
        for key, value in extra.items():
            text = text.replace("{" + key + "}", str(value))
        self.items.append(Violation(code, text, found, family))


def check_reply(
    text: str,
    *,
    review: ReviewText,
    analysis: Analysis,
    store: StoreProfile,
    platform_limits: ReplyLimits | _HasReplyLimit | None = None,
    replies_posted: int = 0,
    quotes: Collection[str] = (),
) -> list[Violation]:
    """Every reason `text` must not be posted as the public reply to `review` (empty: OK).

    `quotes` are the customer's words the engine quoted in its draft (`Draft.quotes`), the
    only 「」 spans some rules (blame, invented facts) let through: pass them for the
    engine's draft and for a staff edit of it, never quotes taken from the edit itself.
    """
    rules = _rules()
    limits = ReplyLimits.of(platform_limits)
    found = _Found(rules.messages)
    if not text.strip():
        found.add("empty")
        return found.items
    if replies_posted >= limits.max_replies and not limits.replaces:
        found.add("already_replied", limit=limits.max_replies)
    if len(text) > limits.max_chars:
        found.add("too_long", str(len(text)), limit=limits.max_chars)

    reply = _read(text, quotes)
    sheet = _Sheet.of(store)
    crisis = is_crisis(analysis, review.text)
    for rule in rules.rules:
        if rule.crisis_only and not crisis:
            continue
        target = reply.body if rule.quotes_exempt else reply.text
        for family in rule.families:
            for pattern in family.patterns:
                for match in pattern.finditer(target):
                    start, end = match.span()
                    if start == end or sheet.allows(family.allow, match.group(0)):
                        continue
                    if rule.conditional and _is_conditional(target, start, rule.conditional):
                        continue
                    found.add(
                        rule.code,
                        reply.written_at(start, end),
                        message=family.message,
                        family=family.name,
                        span=(start, end),
                    )

    _check_dishes(reply.body, normalise(review.text), store, found)
    for match in _DIGITS.finditer(reply.body):
        start, end = match.span()
        if match.group(0) not in sheet.digits and not found.overlaps("private_data", start, end):
            found.add(
                "invented_fact",
                reply.written_at(start, end),
                message=rules.messages["invented_number"],
                family="number",
            )
    return found.items


def _check_dishes(body: str, review: str, store: StoreProfile, found: _Found) -> None:
    """A dish may be named only if it is on the menu or the customer named it."""
    lexicon = dish_lexicon()
    allowed = {*store.menu, *(dish for dish in lexicon if dish in review)}
    masked = body
    for dish in sorted(allowed, key=lambda dish: (-len(dish), dish)):
        if dish:
            masked = masked.replace(dish, "□")
    for dish in lexicon:
        if dish in masked:
            found.add("invented_dish", dish)
            masked = masked.replace(dish, "□")
    for shape in dish_shapes():
        for match in shape.finditer(masked):
            if match.group(0) not in review:
                found.add("invented_dish", match.group(0))
