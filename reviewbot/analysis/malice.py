"""Malicious reviews: text signals plus what the store knows around the review.

A malicious flag sends a review down the appeal path, which accuses a customer in front of
the platform, so every rule here prefers missing a malicious review to flagging an honest
one: patterns are narrow (data/malice.toml), and the reasons that hinge on a reading of
the whole review (abuse, competitor, irrelevant, no_order) are only looked for in reviews
that hurt the store (negative, or 3 stars and below).
"""

from __future__ import annotations

import re

from reviewbot.analysis.aspects import Reading
from reviewbot.analysis.base import MALICIOUS_REASONS, AnalysisContext
from reviewbot.analysis.lexicon import Lexicon

# The same text seen this many times in the store (this review included) is a flood.
FLOOD_COPIES = 2
# A text shorter than this repeated is just a common phrase (好吃, 一般), not a flood.
FLOOD_MIN_CHARS = 8
# One author posting this many reviews on the store within a day is bombing it.
FLOOD_AUTHOR_REVIEWS = 3
# Reasons found in any review; the others only in reviews that hurt the store.
ANY_REVIEW = frozenset({"spam_ad", "extortion", "threat", "flood"})


class MaliceRules:
    def __init__(self, lexicon: Lexicon) -> None:
        self.patterns = {
            reason: re.compile("|".join(f"(?:{p})" for p in patterns))
            for reason, patterns in lexicon.malice.items()
            if patterns
        }

    def reasons(
        self, reading: Reading, context: AnalysisContext, *, hurts: bool
    ) -> tuple[str, ...]:
        text = reading.text
        found = {
            reason
            for reason, pattern in self.patterns.items()
            if (hurts or reason in ANY_REVIEW) and pattern.search(text)
        }
        if len(text) >= FLOOD_MIN_CHARS and context.identical_texts >= FLOOD_COPIES:
            found.add("flood")
        if context.author_reviews_last_day >= FLOOD_AUTHOR_REVIEWS and hurts:
            found.add("flood")
        if context.has_order is False and hurts:
            found.add("no_order")
        return tuple(r for r in MALICIOUS_REASONS if r in found)
