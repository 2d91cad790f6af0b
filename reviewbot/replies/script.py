"""Replies in the customer's script: a Traditional-Chinese review gets a Traditional reply.

The templates are written in Simplified; OpenCC (the converter the analyzer already uses to
read Traditional reviews) turns a draft into Traditional, in the Hong Kong or Taiwan
standard when the review's own characters show which (裏/裡, 着/著 …), else the generic
one. A short data list (data/traditional.toml) fixes words plain conversion gets wrong.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources

# OpenCC configurations: the generic standard and the two regional ones.
GENERIC = "s2t"
VARIANTS: tuple[str, ...] = ("s2hk", "s2tw")


@cache
def _converter(config: str) -> object:
    import opencc  # imported on first use: Simplified replies never load it

    return opencc.OpenCC(config)


def _convert(text: str, config: str) -> str:
    return _converter(config).convert(text)  # type: ignore[attr-defined]


@cache
def fixes() -> dict[str, dict[str, str]]:
    """{config: {what OpenCC writes: what is right}} from data/traditional.toml."""
    raw = resources.files("reviewbot.replies").joinpath("data/traditional.toml").read_text("utf-8")
    data = tomllib.loads(raw)
    common = dict(data.get("all", {}))
    return {c: {**common, **data.get(c, {})} for c in (GENERIC, *VARIANTS)}


def script_variant(review: str) -> str:
    """The OpenCC configuration that best reproduces the review's own Traditional forms:
    the review folded to Simplified and converted back by each regional standard; the one
    that gives back more of the customer's characters wins, and a tie is the generic one."""
    from reviewbot.analysis.normalize import to_simplified

    simple = to_simplified(review)
    if simple == review:
        return GENERIC
    scores = {}
    for config in (GENERIC, *VARIANTS):
        back = _convert(simple, config)
        scores[config] = sum(a == b for a, b in zip(back, review, strict=False))
    best = max(scores.values())
    return GENERIC if scores[GENERIC] == best else max(VARIANTS, key=lambda c: scores[c])


def to_traditional(text: str, config: str = GENERIC) -> str:
    """`text` (Simplified) in Traditional characters by `config`, with the known fixes."""
    out = _convert(text, config)
    for wrong, right in fixes().get(config, {}).items():
        out = out.replace(wrong, right)
    return out


_QUOTE = re.compile(r"「([^」]+)」")


def as_written(text: str, review: str) -> str:
    """`text` with each 「quote」 put back in the customer's own characters: a quote is read
    in Simplified and converted back, and conversion can pick another character than the
    customer's (黑口黑面 came back 黑口黑麪, 淋晒 as 淋曬). Where the quote's words occur in
    the review read in Simplified, the review's own characters there are quoted instead."""
    from reviewbot.analysis.normalize import to_simplified

    simple = to_simplified(review)
    if len(simple) != len(review):  # a conversion that changed lengths: offsets unknown
        return text

    def original(match: re.Match[str]) -> str:
        words = to_simplified(match.group(1))
        at = simple.find(words)
        return f"「{review[at : at + len(words)]}」" if at >= 0 else match.group(0)

    return _QUOTE.sub(original, text)
