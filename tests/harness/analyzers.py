"""An analyzer with a bug: the real one, failing on reviews that hold given words."""

from __future__ import annotations

from reviewbot.analysis.v1 import AnalyzerV1


class FailingOn(AnalyzerV1):
    """Raises for a review whose text holds `marker`, as an analyzer bug would."""

    def __init__(self, marker: str) -> None:
        super().__init__()
        self.marker = marker

    def analyze(self, review, context=None):
        if self.marker in review.text:
            raise ValueError("analyzer bug")
        return super().analyze(review, context)
