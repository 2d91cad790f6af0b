"""Analyzer v1: the numpy sentiment model, the star rating, and clause-level lexicons.

Sentiment
    The model's calibrated logit of the text (negated blame, sarcasm and emoji spelled out
    for it, see aspects.py), plus a shift per star (logit blending: STAR_SHIFT), gives
    `sentiment` = P(positive). No text: the stars alone. Sarcasm pulls the logit down.

Polarity
    negative below the decision threshold (the model's, chosen for 96% recall of negatives
    on the delivery corpus, for texts of delivery length; 0.5 for long texts, which that
    threshold was not chosen on), positive from NEUTRAL_BAND above it, neutral between.

Negative (needs a reply from staff), the rule:
    - 1-2 stars, whatever the text;
    - or polarity negative;
    - or malicious, or a health claim, or a hygiene complaint, whatever the stars;
    - or a complaint about a category in a review of 3 stars, or in a short unrated one
      (a long unrated review that mentions one complaint among praise is judged by its
      polarity: on the dine-in check set counting those cost 15 points of accuracy);
    - or, at 4-5 stars, a category complaint in a text the model reads as clearly negative
      on its own (P < HIGH_STAR_TEXT: the stars say fine, the words say otherwise, as in
      5★ "送了两个小时，饭都凉了").
    A 5★ review that praises the food and regrets the queue is not negative: its
    complaint is still a negative category, which the reply engine answers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from reviewbot.analysis.aspects import Reader, Reading, categories, conceded, store_matcher
from reviewbot.analysis.base import (
    Analysis,
    AnalysisContext,
    CategoryPolarity,
    Polarity,
    ReviewText,
)
from reviewbot.analysis.lexicon import DATA, Lexicon, Matcher, load_lexicon
from reviewbot.analysis.malice import MaliceRules
from reviewbot.analysis.sentiment import Weights, default_model
from reviewbot.analysis.severity import has_reach, severity

# Logit shift per star rating (report §6: set a priori, not fitted). Half stars interpolate.
STAR_SHIFT: Mapping[int, float] = {1: -6.0, 2: -4.0, 3: -1.0, 4: 1.0, 5: 2.0}
NEUTRAL_BAND = 0.1
LONG_TEXT_THRESHOLD = 0.5
# With stars, `sentiment` already carries the rating: the text-only threshold (raised for
# recall on the delivery corpus) would call a 5-star review with plain words negative.
RATED_THRESHOLD = 0.5
SARCASM_SHIFT = -2.0
# At 4-5 stars a complaint needs a reply only if the text alone reads this negative.
HIGH_STAR_TEXT = 0.15
STORE_MATCHERS = 256  # stores whose own word lists are kept compiled


def star_shift(rating: float) -> float:
    rating = min(5.0, max(1.0, rating))
    low = math.floor(rating)
    if low == rating:
        return STAR_SHIFT[int(rating)]
    frac = rating - low
    return (1 - frac) * STAR_SHIFT[low] + frac * STAR_SHIFT[low + 1]


def _sigmoid(z: float) -> float:
    return 0.5 * (1.0 + math.tanh(0.5 * z))


class AnalyzerV1:
    version = "v1-ngram-lexicon"

    def __init__(
        self,
        lexicon: Lexicon | None = None,
        weights: Weights | None = None,
        *,
        extra_lexicons: Sequence[Path] = (),
    ) -> None:
        self.lexicon = lexicon or load_lexicon(DATA, tuple(Path(p) for p in extra_lexicons))
        self.model = weights or default_model()
        self.reader = Reader(self.lexicon)
        self.malice = MaliceRules(self.lexicon)
        self._stores: dict[tuple, Matcher | None] = {}

    # -- the Analyzer protocol ------------------------------------------------------------

    def analyze(self, review: ReviewText, context: AnalysisContext | None = None) -> Analysis:
        return self.analyze_batch([review], [context])[0]

    def analyze_batch(
        self,
        reviews: Sequence[ReviewText],
        contexts: Sequence[AnalysisContext | None] | None = None,
    ) -> list[Analysis]:
        """Many reviews at once: the model scores the whole batch in one numpy call, which is
        what makes `reviewbot classify` fast."""
        ctxs = [c or AnalysisContext() for c in (contexts or [None] * len(reviews))]
        texts = [r.text.strip() for r in reviews]
        readings = [
            self.reader.read(text, self._store_matcher(ctx))
            for text, ctx in zip(texts, ctxs, strict=True)
        ]
        scored = [i for i, text in enumerate(texts) if text]
        z_text = [0.0] * len(reviews)
        if scored:
            logits = self.model.calibrated_logits([readings[i].model_text for i in scored])
            for i, z in zip(scored, logits.tolist(), strict=True):
                z_text[i] = z
        clause_logits = self._clause_logits(readings)
        return [
            self._decide(review, ctx, reading, z, clause_z)
            for review, ctx, reading, z, clause_z in zip(
                reviews, ctxs, readings, z_text, clause_logits, strict=True
            )
        ]

    # -- steps -----------------------------------------------------------------------------

    def _store_matcher(self, context: AnalysisContext) -> Matcher | None:
        if not context.menu and not context.terms:
            return None
        key = (context.menu, context.terms)
        if key not in self._stores:
            if len(self._stores) >= STORE_MATCHERS:
                self._stores.clear()
            terms: dict[str, tuple[str, ...]] = {"food": tuple(context.menu)}
            for category, word in context.terms:
                terms[category] = (*terms.get(category, ()), word)
            self._stores[key] = store_matcher(terms)
        return self._stores[key]

    def _clause_logits(self, readings: list[Reading]) -> list[list[float] | None]:
        """The model's logit of each clause that names a category without a polar word."""
        wanted: list[tuple[int, int]] = []
        texts: list[str] = []
        for r_index, reading in enumerate(readings):
            for c_index, clause in enumerate(reading.clauses):
                if clause.terms and clause.general == 0 and not any(clause.own.values()):
                    wanted.append((r_index, c_index))
                    texts.append(reading.text[clause.clause.start : clause.clause.end])
        out: list[list[float] | None] = [None] * len(readings)
        if not texts:
            return out
        for (r_index, c_index), z in zip(
            wanted, self.model.calibrated_logits(texts).tolist(), strict=True
        ):
            row = out[r_index]
            if row is None:
                row = out[r_index] = [0.0] * len(readings[r_index].clauses)
            row[c_index] = z
        return out

    def threshold(self, text: str) -> float:
        """P(positive) under which a review is negative."""
        if len(text) >= self.model.config.prior_max_chars:
            return LONG_TEXT_THRESHOLD
        return self.model.threshold

    def _decide(
        self,
        review: ReviewText,
        context: AnalysisContext,
        reading: Reading,
        z_text: float,
        clause_logits: list[float] | None,
    ) -> Analysis:
        text, rating = reading.text, review.rating
        if reading.sarcastic:
            z_text += SARCASM_SHIFT
        z = z_text + (star_shift(rating) if rating is not None else 0.0)
        sentiment = _sigmoid(z)
        cut = self.threshold(text) if rating is None else RATED_THRESHOLD
        polarity: Polarity = (
            "negative"
            if sentiment < cut
            else "positive"
            if sentiment >= cut + NEUTRAL_BAND
            else "neutral"
        )
        if rating is not None and rating <= 2:
            polarity = "negative"
        elif rating is not None and rating >= 4 and polarity == "negative" and not reading.blame:
            # The stars say fine and no word of the text blames anything: the model's low
            # score alone is more likely its delivery-corpus habits than a complaint.
            polarity = "neutral"
        if rating is not None and rating >= 4 and not reading.blame:
            clause_logits = None  # no word blames anything, so neither may the model alone
        found: tuple[CategoryPolarity, ...] = categories(reading, clause_logits)
        complaint = any(c.polarity == "negative" for c in found) and not conceded(reading)
        hygiene = any(c.name == "hygiene" and c.polarity == "negative" for c in found)
        health = bool(reading.health)
        if rating is None:  # a short review is its complaint; a long one may only mention it
            complaint_counts = complaint and len(text) < self.model.config.prior_max_chars
        elif rating <= 3:
            complaint_counts = complaint
        else:
            complaint_counts = complaint and reading.blame > 0 and _sigmoid(z_text) < HIGH_STAR_TEXT
        hurts = polarity == "negative" or complaint_counts or (rating is not None and rating <= 3)
        evidence = self.malice.evidence(review.text.strip(), context, hurts=hurts, rating=rating)
        reasons = tuple(e.reason for e in evidence)
        negative = polarity == "negative" or bool(reasons) or health or hygiene or complaint_counts
        level = severity(
            negative=negative,
            polarity=polarity,
            rating=rating,
            categories=found,
            reasons=reasons,
            health_claim=health,
            reach=has_reach(text, context.images, context.cross_posts),
        )
        return Analysis(
            sentiment=sentiment,
            polarity=polarity,
            negative=negative,
            categories=found,
            malicious=bool(reasons),
            malicious_reasons=reasons,
            severity=level,
            model=self.version,
            malicious_evidence=evidence,
        )
