"""The malice tests' shared reading: one analyzer per process (the learned reader on, as
shipped), and the reasons it flags a text for at a given number of stars."""

from __future__ import annotations

from functools import cache

from reviewbot.analysis.base import ReviewText
from reviewbot.analysis.v1 import AnalyzerV1

STARS = (None, 1, 3)


@cache
def analyzer() -> AnalyzerV1:
    return AnalyzerV1()


def reasons(text: str, rating: float | None = 1) -> tuple[str, ...]:
    return analyzer().analyze(ReviewText("t", text, rating)).malicious_reasons
