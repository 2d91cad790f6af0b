"""Word lists the reply engine and its guardrails share, kept as data in data/."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from typing import Any

from reviewbot.analysis.base import Analysis


def _data(name: str) -> str:
    return resources.files("reviewbot.replies").joinpath(f"data/{name}").read_text("utf-8")


@cache
def guardrail_data() -> dict[str, Any]:
    return tomllib.loads(_data("guardrails.toml"))


@cache
def dish_lexicon() -> tuple[str, ...]:
    """Common dish names, longest first: dishes a review may name that a menu may lack."""
    lines = (line.strip() for line in _data("dishes.txt").splitlines())
    words = {line for line in lines if line and not line.startswith("#")}
    return tuple(sorted(words, key=lambda word: (-len(word), word)))


@cache
def alarm_terms() -> tuple[str, ...]:
    return tuple(guardrail_data()["crisis"]["alarm_terms"])


@cache
def alarm_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in guardrail_data()["crisis"]["alarm_patterns"])


@cache
def ambiguous_terms() -> frozenset[str]:
    return frozenset(guardrail_data()["crisis"]["ambiguous"])


def is_crisis(analysis: Analysis, text: str) -> bool:
    """A food-safety claim or a critical review: the careful path, approved by a manager.

    The analysis decides, with two corrections: a review using an unambiguous food-safety
    word (hair, insects, spoiled, food poisoning) takes the careful path even if the
    classifier missed it, because a breezy reply to such a claim is a disaster; and a
    hygiene flag resting only on ambiguous words ("空调坏了") does not, because a holding
    statement about food safety in reply to a broken air conditioner is absurd.
    """
    if analysis.severity == "critical" or any(term in text for term in alarm_terms()):
        return True
    if any(pattern.search(text) for pattern in alarm_patterns()):
        return True
    hygiene = analysis.category("hygiene")
    if hygiene is None or hygiene.polarity != "negative":
        return False
    return not hygiene.terms or not set(hygiene.terms) <= ambiguous_terms()
