"""Analyzer v0: star rating + snownlp + jieba and lexicons, good enough to drive the loop.

Its successor (issue 4) replaces the sentiment model; the clause-level lexicon approach to
categories, malice and severity is the part meant to last.
"""

from __future__ import annotations

import logging
import math
from functools import cached_property

from reviewbot.analysis.base import (
    Analysis,
    AnalysisContext,
    CategoryPolarity,
    Polarity,
    ReviewText,
    Severity,
)
from reviewbot.analysis.clauses import split_clauses
from reviewbot.analysis.lexicon import Lexicon, load_lexicon

STAR_PRIOR = {1: 0.05, 2: 0.15, 3: 0.45, 4: 0.8, 5: 0.95}


class LexiconAnalyzerV0:
    version = "v0-star-snownlp-lexicon"

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or load_lexicon()
        signed = [(w, 1) for w in self.lexicon.positive] + [(w, -1) for w in self.lexicon.negative]
        self._polar_words = sorted(signed, key=lambda item: len(item[0]), reverse=True)

    @cached_property
    def _jieba(self):  # imported lazily: it costs a second the CLI should not always pay
        import jieba

        jieba.setLogLevel(logging.WARNING)
        return jieba

    @cached_property
    def _snownlp(self):
        from snownlp import SnowNLP

        return SnowNLP

    # -- clause level -------------------------------------------------------------

    def _score(self, clause: str) -> int:
        """Positive minus negative lexicon hits, negators flipping the word they precede."""
        score, i = 0, 0
        while i < len(clause):
            for word, sign in self._polar_words:
                if clause.startswith(word, i):
                    before = clause[max(0, i - 3) : i]
                    negated = any(before.endswith(n) for n in self.lexicon.negators)
                    if negated and word[0] not in "不没":
                        sign = -sign
                    score += sign
                    i += len(word)
                    break
            else:
                i += 1
        return score

    def _categories(self, clause: str) -> dict[str, list[str]]:
        tokens: set[str] | None = None
        found: dict[str, list[str]] = {}
        for name, terms in self.lexicon.categories.items():
            for term in terms:
                if len(term) == 1:
                    if tokens is None:
                        tokens = set(self._jieba.lcut(clause))
                    hit = term in tokens
                else:
                    hit = term in clause
                if hit:
                    found.setdefault(name, []).append(term)
        return found

    # -- review level --------------------------------------------------------------

    def analyze(self, review: ReviewText, context: AnalysisContext | None = None) -> Analysis:
        context = context or AnalysisContext()
        text = review.text.strip()
        lex = self.lexicon
        per_category: dict[str, list[tuple[int, list[str]]]] = {}
        total = 0.0
        for clause, contrasted in split_clauses(text, lex.contrast):
            score = self._score(clause)
            total += score * (2.0 if contrasted else 1.0)
            for name, terms in self._categories(clause).items():
                per_category.setdefault(name, []).append((score, terms))
        sentiment = self._sentiment(text, total, review.rating)
        polarity: Polarity = (
            "negative" if sentiment < 0.4 else "positive" if sentiment > 0.6 else "neutral"
        )
        if review.rating is not None and review.rating <= 2:
            polarity = "negative"
        categories = tuple(
            self._category_polarity(name, hits) for name, hits in per_category.items()
        )
        reasons = self._malice(text, context)
        critical = any(word in text for word in lex.critical)
        hygiene = next((c for c in categories if c.name == "hygiene"), None)
        complaint = any(c.polarity == "negative" for c in categories)
        negative = (
            polarity == "negative"
            or bool(reasons)
            or critical
            or (hygiene is not None and hygiene.polarity == "negative")
            or (complaint and (review.rating is None or review.rating <= 3))
        )
        severity = self._severity(polarity, negative, categories, reasons, critical, review, text)
        return Analysis(
            sentiment=sentiment,
            polarity=polarity,
            negative=negative,
            categories=categories,
            malicious=bool(reasons),
            malicious_reasons=reasons,
            severity=severity,
            model=self.version,
        )

    def _sentiment(self, text: str, lexicon_score: float, rating: float | None) -> float:
        text_p: float | None = None
        if text:
            snow = float(self._snownlp(text).sentiments)
            lex_p = 1.0 / (1.0 + math.exp(-0.9 * max(-30.0, min(30.0, lexicon_score))))
            text_p = 0.4 * snow + 0.6 * lex_p
        if rating is None:
            return 0.5 if text_p is None else text_p
        star = STAR_PRIOR[min(5, max(1, round(rating)))]
        return star if text_p is None else 0.5 * star + 0.5 * text_p

    @staticmethod
    def _category_polarity(name: str, hits: list[tuple[int, list[str]]]) -> CategoryPolarity:
        scores = [score for score, _ in hits]
        terms = tuple(dict.fromkeys(term for _, found in hits for term in found))
        if any(s < 0 for s in scores) or (name == "hygiene" and not all(s > 0 for s in scores)):
            polarity: Polarity = "negative"
        elif any(s > 0 for s in scores):
            polarity = "positive"
        else:
            polarity = "neutral"
        return CategoryPolarity(name, polarity, terms)

    def _malice(self, text: str, context: AnalysisContext) -> tuple[str, ...]:
        reasons = [
            reason
            for reason, patterns in self.lexicon.malice.items()
            if any(p.search(text) for p in patterns)
        ]
        if context.identical_texts >= 2 and len(text) >= 8:
            reasons.append("flood")
        return tuple(reasons)

    @staticmethod
    def _severity(
        polarity: Polarity,
        negative: bool,
        categories: tuple[CategoryPolarity, ...],
        reasons: tuple[str, ...],
        critical: bool,
        review: ReviewText,
        text: str,
    ) -> Severity:
        if critical and not reasons:
            return "critical"
        if any(c.name == "hygiene" and c.polarity == "negative" for c in categories):
            return "high"
        if reasons:
            return "high" if "threat" in reasons else "medium"
        if polarity == "negative":
            if review.rating is not None and review.rating <= 1 and len(text) >= 60:
                return "high"
            return "medium" if review.rating is None or review.rating <= 2 else "low"
        return "low" if negative else "none"
