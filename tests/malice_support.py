"""The malice tests' shared reading: one analyzer per process (the learned reader on, as
shipped), the reasons it flags a text for at a given number of stars, and the check that
the cue prefilter changes no verdict."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from reviewbot.analysis.base import ReviewText
from reviewbot.analysis.malice import MaliceRules
from reviewbot.analysis.v1 import AnalyzerV1

STARS = (None, 1, 3)


@cache
def analyzer() -> AnalyzerV1:
    return AnalyzerV1()


def reasons(text: str, rating: float | None = 1) -> tuple[str, ...]:
    return analyzer().analyze(ReviewText("t", text, rating)).malicious_reasons


def assert_prefilter_changes_nothing(texts: Iterable[str]) -> None:
    """Each combo's cue is listed (both scripts): the rules give the same reasons with the
    cue prefilter as without it (the learned reader off on both sides)."""
    slow = AnalyzerV1(learned=False)
    slow.malice = MaliceRules(slow.lexicon, prefilter=False)
    fast = AnalyzerV1(learned=False)
    for text in texts:
        got = fast.analyze(ReviewText("t", text, 1)).malicious_reasons
        assert got == slow.analyze(ReviewText("t", text, 1)).malicious_reasons, text
