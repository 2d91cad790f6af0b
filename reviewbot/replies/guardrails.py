"""Guardrails: what a public reply must never say, checked before anything is posted.

`check_reply` is a pure function over the reply text, the review, its analysis and the
store's fact sheet. The engine runs it on every draft (and never returns a draft that fails
it when a clean one exists); the chat workflow runs it again on the text staff approve,
edited or not, and blocks posting while it reports anything. Each `Violation` carries a
message in Chinese telling the staff member what to change. The word lists and patterns
are data (data/guardrails.toml).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from reviewbot.analysis.base import Analysis, ReviewText
from reviewbot.replies.facts import StoreProfile
from reviewbot.replies.lexicon import dish_lexicon, guardrail_data, is_crisis

DEFAULT_MAX_CHARS = 500
_QUOTE = re.compile(r"「([^「」]*)」")
_DIGITS = re.compile(r"[0-9]+")
_CONDITIONAL = ("如果", "如", "若", "一旦", "假如", "倘若")
_SEPARATORS = re.compile(r"[\s\-－—:：()（）/]")


@dataclass(frozen=True, slots=True)
class Violation:
    """One reason a reply cannot be posted; `message_zh` is shown to staff as is."""

    code: str
    message_zh: str
    found: str = ""


class _HasReplyLimit(Protocol):
    reply_max_chars: int


@dataclass(frozen=True, slots=True)
class ReplyLimits:
    """A platform's reply rules: how long a reply may be and how many a review may have."""

    max_chars: int = DEFAULT_MAX_CHARS
    max_replies: int = 1

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
        )


@dataclass(frozen=True, slots=True)
class _Rules:
    messages: dict[str, str]
    remedy: tuple[str, ...]
    review_change: tuple[re.Pattern[str], ...]
    blame_words: tuple[str, ...]
    blame_patterns: tuple[re.Pattern[str], ...]
    admission: tuple[re.Pattern[str], ...]
    denial: tuple[re.Pattern[str], ...]
    private: tuple[re.Pattern[str], ...]
    facts: tuple[re.Pattern[str], ...]
    proof_words: tuple[str, ...]
    any_proof: tuple[str, ...]


def _compile(patterns: Sequence[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


@cache
def _rules() -> _Rules:
    data: dict[str, Any] = guardrail_data()
    messages = {code: table["message"] for code, table in data.items() if "message" in table}
    messages["invented_number"] = data["invented_fact"]["number_message"]
    return _Rules(
        messages=messages,
        remedy=tuple(data["remedy"]["words"]),
        review_change=_compile(data["review_change"]["patterns"]),
        blame_words=tuple(data["blame"]["words"]),
        blame_patterns=_compile(data["blame"]["patterns"]),
        admission=_compile(data["crisis_admission"]["patterns"]),
        denial=_compile(data["crisis_denial"]["patterns"]),
        private=_compile(data["private_data"]["patterns"]),
        facts=_compile(data["invented_fact"]["patterns"]),
        proof_words=tuple(data["invented_proof"]["words"]),
        any_proof=tuple(data["invented_proof"]["any_proof"]),
    )


def _squash(text: str) -> str:
    return _SEPARATORS.sub("", text)


def _unquoted(text: str, review_text: str) -> str:
    """The reply without the customer's own words it quotes verbatim (「…」)."""
    source = _squash(review_text)

    def blank(match: re.Match[str]) -> str:
        inner = _squash(match.group(1))
        return "「」" if inner and inner in source else match.group(0)

    return _QUOTE.sub(blank, text)


class _Found:
    """Collects violations, each offending text reported once (under its first code), and
    overlapping hits of one rule once ("是骑手" inside "是骑手的问题")."""

    def __init__(self, messages: dict[str, str]) -> None:
        self.messages = messages
        self.items: list[Violation] = []
        self._seen: set[str] = set()
        self._spans: dict[str, list[tuple[int, int]]] = {}

    def add(
        self,
        code: str,
        found: str = "",
        message_code: str | None = None,
        at: int | None = None,
        **extra: object,
    ) -> None:
        if found:
            if found in self._seen:
                return
            if at is not None:
                spans = self._spans.setdefault(code, [])
                end = at + len(found)
                if any(start < end and at < stop for start, stop in spans):
                    return
                spans.append((at, end))
            self._seen.add(found)
        message = self.messages[message_code or code].replace("{found}", found)
        for key, value in extra.items():
            message = message.replace("{" + key + "}", str(value))
        self.items.append(Violation(code, message, found))


def check_reply(
    text: str,
    *,
    review: ReviewText,
    analysis: Analysis,
    store: StoreProfile,
    platform_limits: ReplyLimits | _HasReplyLimit | None = None,
    replies_posted: int = 0,
) -> list[Violation]:
    """Every reason `text` must not be posted as the public reply to `review` (empty: OK)."""
    rules = _rules()
    limits = ReplyLimits.of(platform_limits)
    found = _Found(rules.messages)
    if not text.strip():
        found.add("empty")
        return found.items
    if replies_posted >= limits.max_replies:
        found.add("already_replied", limit=limits.max_replies)
    if len(text) > limits.max_chars:
        found.add("too_long", str(len(text)), limit=limits.max_chars)

    facts = store.text
    squashed_facts = _squash(facts)
    fact_digits = set(_DIGITS.findall(facts))

    # Private data: checked everywhere, quotes included (a customer's own phone number
    # stays private even when they wrote it in the review).
    private_spans: list[str] = []
    for pattern in rules.private:
        for match in pattern.finditer(text):
            hit = match.group(0)
            if _squash(hit) and _squash(hit) in squashed_facts:
                continue
            private_spans.append(hit)
            found.add("private_data", hit)

    body = _unquoted(text, review.text)
    for pattern in rules.review_change:
        for match in pattern.finditer(body):
            found.add("review_change", match.group(0), at=match.start())
    for word in sorted(rules.remedy, key=len, reverse=True):
        if word in body and word not in store.remedy:
            found.add("remedy", word, at=body.find(word))
    for word in sorted(rules.blame_words, key=len, reverse=True):
        if word in body:
            found.add("blame", word, at=body.find(word))
    for pattern in rules.blame_patterns:
        for match in pattern.finditer(body):
            found.add("blame", match.group(0), at=match.start())
    if is_crisis(analysis, review.text):
        for pattern in rules.admission:
            for match in pattern.finditer(body):
                before = body[max(0, match.start() - 8) : match.start()]
                if not any(word in before for word in _CONDITIONAL):
                    found.add("crisis_admission", match.group(0))
        for pattern in rules.denial:
            for match in pattern.finditer(body):
                found.add("crisis_denial", match.group(0))

    _check_dishes(body, review, store, found)
    squashed_body = _squash(body)
    for word in rules.proof_words:
        if word in squashed_body and word not in _squash("".join(store.proofs)):
            found.add("invented_proof", word)
    if not store.proofs:
        for word in rules.any_proof:
            if word in body:
                found.add("invented_proof", word)
    for pattern in rules.facts:
        for match in pattern.finditer(body):
            if match.group(0) not in facts:
                found.add("invented_fact", match.group(0))
    for digits in _DIGITS.findall(body):
        if digits not in fact_digits and not any(digits in span for span in private_spans):
            found.add("invented_fact", digits, message_code="invented_number")
    return found.items


def _check_dishes(body: str, review: ReviewText, store: StoreProfile, found: _Found) -> None:
    """A dish may be named only if it is on the menu or the customer named it."""
    lexicon = dish_lexicon()
    allowed = {*store.menu, *(dish for dish in lexicon if dish in review.text)}
    masked = body
    for dish in sorted(allowed, key=lambda dish: (-len(dish), dish)):
        if dish:
            masked = masked.replace(dish, "□")
    for dish in lexicon:
        if dish in masked:
            found.add("invented_dish", dish)
            masked = masked.replace(dish, "□")
