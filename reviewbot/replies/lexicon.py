"""Word lists the reply engine and its guardrails share, kept as data in data/."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from typing import Any

from reviewbot.analysis.aspects import food_safety_claim
from reviewbot.analysis.base import Analysis


def _data(name: str) -> str:
    return resources.files("reviewbot.replies").joinpath(f"data/{name}").read_text("utf-8")


@cache
def guardrail_data() -> dict[str, Any]:
    return tomllib.loads(_data("guardrails.toml"))


@cache
def dish_shapes() -> tuple[re.Pattern[str], ...]:
    """Names shaped like a dish (红烧狮子头), for the dishes no list can hold."""
    shapes = guardrail_data()["invented_dish"].get("shapes", ())
    return tuple(re.compile(shape) for shape in shapes)


@cache
def dish_lexicon() -> tuple[str, ...]:
    """Common dish names, longest first: dishes a review may name that a menu may lack."""
    lines = (line.strip() for line in _data("dishes.txt").splitlines())
    words = {line for line in lines if line and not line.startswith("#")}
    return tuple(sorted(words, key=lambda word: (-len(word), word)))


def is_crisis(analysis: Analysis, text: str) -> bool:
    """A food-safety claim or a critical review: the careful path, approved by a manager.

    The analyzer decides (a claim of harm to health is critical, anything found in or wrong
    with the food is a hygiene complaint: reviewbot/analysis/data/). Its own reading of the
    text is asked again in case `analysis` came from another analyzer or an older lexicon,
    because a breezy reply to such a claim is a disaster; there is no second word list here
    to drift apart from the classifier's.
    """
    if analysis.severity == "critical":
        return True
    hygiene = analysis.category("hygiene")
    if hygiene is not None and hygiene.polarity == "negative":
        return True
    return food_safety_claim(text)
