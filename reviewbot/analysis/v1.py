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

Complaints and praise (complaints.py, data/aspects.toml)
    Every point of the review with its aspect, target and the customer's own words; the
    categories are the sum of those points.

Scripts and languages
    Every review is normalised first (normalize.py: width, Traditional → Simplified,
    filler) and written Cantonese folded to Mandarin (dialect.py); `script` and `language`
    say what the customer wrote in, spans quote their own characters.
    English reviews are read with a small lexicon (english.py): the sentiment comes from the
    stars; without stars, a review with complaints is negative, one with only praise
    positive, and one with neither is left for a person (below).
    A review in any other language (Japanese, Korean…) takes its sentiment from its stars;
    without stars it is left for a person: negative (so staff see it), polarity neutral,
    sentiment 0.5 — never a guess from a model that cannot read it.

Empty reviews
    Stars alone: 1-2★ negative, 3★ neutral and not negative, 4-5★ positive. Neither text
    nor stars: neutral, 0.5, not negative (there is nothing to answer).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from reviewbot.analysis.aspect_model import (
    CACHED_CLAUSES,
    AspectModel,
    additions,
    fair_priced,
    read_by_rules,
)
from reviewbot.analysis.aspect_model import default_model as aspect_default_model
from reviewbot.analysis.aspects import Reader, Reading, conceded, store_matcher
from reviewbot.analysis.base import (
    CATEGORIES,
    Analysis,
    AnalysisContext,
    CategoryPolarity,
    Complaint,
    Polarity,
    ReviewText,
)
from reviewbot.analysis.complaints import ComplaintReader, Found
from reviewbot.analysis.dialect import fold_cantonese
from reviewbot.analysis.english import english_reader
from reviewbot.analysis.lexicon import DATA, Lexicon, Matcher, load_lexicon
from reviewbot.analysis.malice import MaliceRules
from reviewbot.analysis.malice_model import MaliceModel
from reviewbot.analysis.malice_model import default_model as malice_default_model
from reviewbot.analysis.normalize import Normalized, language_of, normalize, script_of
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
# Praise in the customer's words and no word of blame anywhere (太快了，飞一般): the model's
# doubts about 太 or 不行 (快得不行) are its habits, not the customer's meaning.
PRAISE_ONLY_SHIFT = 2.0
POLARITY_ORDER: tuple[Polarity, ...] = ("negative", "neutral", "positive")
# At 4-5 stars a complaint needs a reply only if the text alone reads this negative.
HIGH_STAR_TEXT = 0.15
STORE_MATCHERS = 256  # stores whose own word lists are kept compiled
# An unrated English review: what its complaints or praise make of it (the model cannot
# read English; these only order such reviews, the flag is what counts).
ENGLISH_NEGATIVE = 0.2
ENGLISH_POSITIVE = 0.8
# Languages the analyzer reads; a review in another one is left for a person.
READ_LANGUAGES = frozenset({"zh", "en", None})
# The learned aspect reader's candidates are scored this many at a time: enough for one
# gather to pay, few enough that the readings of reviews it finds nothing in (most) are not
# kept to the batch's end (kept, they made the collector run six times as often).
LEARNED_CHUNK = 64
# Whether an analyzer made without saying reads with the learned aspect reader too.
LEARNED_ASPECTS = True
NO_CONTEXT = AnalysisContext()  # what a review without one gets (frozen: shared by all)


def star_shift(rating: float) -> float:
    rating = min(5.0, max(1.0, rating))
    low = math.floor(rating)
    if low == rating:
        return STAR_SHIFT[int(rating)]
    frac = rating - low
    return (1 - frac) * STAR_SHIFT[low] + frac * STAR_SHIFT[low + 1]


def _sigmoid(z: float) -> float:
    return 0.5 * (1.0 + math.tanh(0.5 * z))


@cache
def _compiled(extra: tuple[Path, ...]) -> tuple[Lexicon, Reader, MaliceRules, ComplaintReader]:
    """The bundled lexicon (plus `extra`) and what is compiled from it, once per process:
    read-only after construction, shared by every analyzer (each daemon, command and test
    made its own, 0.1 s of regex building each)."""
    lexicon = load_lexicon(DATA, extra)
    return lexicon, Reader(lexicon), MaliceRules(lexicon), ComplaintReader(lexicon)


_COMPILED = ("lexicon", "reader", "malice", "complaints")


class AnalyzerV1:
    version = "v1-aspects"

    lexicon: Lexicon
    reader: Reader
    malice: MaliceRules
    complaints: ComplaintReader

    def __getattr__(self, name: str) -> Any:
        """The bundled lexicon and its regexes, built on first use rather than when the
        analyzer is made: a restarted daemon is delivering and reading chat while its
        pipeline's worker builds them (about a second of CPU)."""
        extra = self.__dict__.get("_extra")
        if name not in _COMPILED or extra is None:
            raise AttributeError(name)
        for attribute, value in zip(_COMPILED, _compiled(extra), strict=True):
            self.__dict__.setdefault(attribute, value)
        return self.__dict__[name]

    def __init__(
        self,
        lexicon: Lexicon | None = None,
        weights: Weights | None = None,
        *,
        extra_lexicons: Sequence[Path] = (),
        learned: bool | MaliceModel = True,
        learned_aspects: bool | AspectModel | None = None,
    ) -> None:
        if lexicon is None:  # compiled on first use (see __getattr__)
            self._extra = tuple(Path(p) for p in extra_lexicons)
        else:
            self.lexicon = lexicon
            self.reader = Reader(lexicon)
            self.malice = MaliceRules(lexicon)
            self.complaints = ComplaintReader(lexicon)
        self.model = weights or default_model()
        # The learned malice reader beside the patterns (malice_model.py); False: patterns
        # alone. The shipped one is loaded when the first cued review needs it.
        self._learned = learned
        # The learned aspect reader beside the rules (aspect_model.py); True: the shipped
        # one, loaded when the first negative or mixed review needs it. Off by default: it
        # gains recall leave-one-writer-out, but reads praise the lexicon does not know
        # (味道也咸香, 很快就换了) and prices said in praise in 1-2★ reviews as complaints
        # (tests/test_reply_cover.py), which the rules do not.
        self._learned_aspects = LEARNED_ASPECTS if learned_aspects is None else learned_aspects
        # the learned reader's additions of the reviews read so far, by what decides them
        self._added: dict[tuple, tuple[tuple[int, str, float], ...]] = {}
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
        ctxs = [c or NO_CONTEXT for c in (contexts or [None] * len(reviews))]
        folded = [_fold(r.text.strip()) for r in reviews]
        languages = [language_of(n.text) for n in folded]
        texts = [
            n.text if lang in ("zh", None) else ""
            for n, lang in zip(folded, languages, strict=True)
        ]
        stores = [self._store_matcher(ctx) for ctx in ctxs]
        readings = [
            self.reader.read(text, store) for text, store in zip(texts, stores, strict=True)
        ]
        scored = [i for i, text in enumerate(texts) if text]
        z_text = [0.0] * len(reviews)
        if scored:
            logits = self.model.calibrated_logits([readings[i].model_text for i in scored])
            for i, z in zip(scored, logits.tolist(), strict=True):
                z_text[i] = z
        clause_logits = self._clause_logits(readings)
        out: list[Analysis] = []
        pending: list[_Pending] = []  # candidates of the learned aspect reader, not yet scored
        over: list[_Pending] = []  # those with a clause over a threshold
        for i, review in enumerate(reviews):
            if languages[i] not in ("zh", None):
                out.append(self._decide_foreign(review, ctxs[i], folded[i], languages[i]))
                continue
            waiting = len(pending)
            out.append(
                self._decide(
                    review,
                    ctxs[i],
                    readings[i],
                    z_text[i],
                    clause_logits[i],
                    folded[i],
                    languages[i],
                    stores[i],
                    pending,
                )
            )
            if len(pending) > waiting:
                pending[-1].index = i
                if len(pending) >= LEARNED_CHUNK:
                    over += self._score_learned(pending)
                    pending.clear()
        if pending:
            over += self._score_learned(pending)
        if over:
            self._finish_learned(over, out)
        return out

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
            # jieba cuts the store's dishes and words whole when it looks for a target
            self.complaints.segmenter.add_words([*context.menu, *(w for _, w in context.terms)])
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

    def learned_malice(self) -> MaliceModel | None:
        if self._learned is True:
            self._learned = malice_default_model() or False
        return self._learned or None

    def learned_aspect_model(self) -> AspectModel | None:
        if self._learned_aspects is True:
            self._learned_aspects = aspect_default_model() or False
        return self._learned_aspects or None

    def _learned_complaints(
        self, reading: Reading, folded: Normalized, found: Found, platform: str | None, gate: bool
    ) -> _Pending | tuple[()]:
        """The learned aspect reader's candidate (aspect_model.py) in a review read as
        negative or mixed (`gate`): the clauses the rules left unread, or empty. The
        candidates of a batch are scored at once (_score_learned) and the sentiment model
        asked about the clauses over a threshold in one call (_finish_learned)."""
        model = self.learned_aspect_model() if gate else None
        if model is None or not reading.clauses:
            return ()
        judged = read_by_rules(reading, found)
        if len(judged) == len(reading.clauses):
            return ()
        spans = tuple((c.clause.start, c.clause.end, c.clause.contrasted) for c in reading.clauses)
        text = reading.text
        delivery = self.complaints.delivered(text, platform)
        wanted = tuple(i for i in range(len(spans)) if i not in judged)
        # the aspects the rules found in a review are never added to it (additions)
        index = model.head_index()
        ignored = sorted(index[c.aspect] for c in found.complaints if c.aspect in index)
        # what decides the additions: the clauses, the kind of review, the clauses the rules
        # left and the aspects they found (a short review read before: the same answer)
        key = (text, spans, delivery, wanted, tuple(ignored))
        known = self._added.get(key)
        if known is not None:
            return self._learned_of(known, spans, folded) if known else ()
        item = ([text[s:e] for s, e, _ in spans], delivery, [c for _, _, c in spans], wanted)
        pending = _Pending(model, reading, folded, found, spans, wanted, item, ignored, judged)
        pending.key = key
        return pending

    def _score_learned(self, pending: list[_Pending]) -> list[_Pending]:
        """The pending reviews with a clause over a threshold (most have none), their logits
        read for the whole batch at once (AspectModel.batch_logits)."""
        out = []
        by_model: dict[int, list[_Pending]] = {}
        for p in pending:
            by_model.setdefault(id(p.model), []).append(p)
        for group in by_model.values():
            model = group[0].model
            items = [p.item for p in group]
            blocked = model.blocked(items, [p.ignored for p in group])
            z = model.batch_logits(items, blocked)
            over = ((z >= model.logit_cut()) & ~blocked).any(axis=1).tolist()
            at = 0
            for p in group:
                end = at + len(p.wanted)
                if any(over[at:end]):  # most reviews: nothing over the threshold
                    p.z = z[at:end]
                    p.asked = [i for i, o in zip(p.wanted, over[at:end], strict=True) if o]
                    out.append(p)
                else:
                    self._remember(p.key, ())
                at = end
        if len(by_model) > 1:
            out.sort(key=lambda p: p.index)
        return out

    def _finish_learned(self, pending: list[_Pending], out: list[Analysis]) -> None:
        """Add the learned complaints of each scored review to its analysis in `out`:
        never in a clause the sentiment model reads as praise (one batch for all of them),
        nor a price aspect where a price is said to be fair; the span is the clause, the
        severity the aspect's as the rules give it."""
        if not pending:
            return
        texts = [p.reading.text[p.spans[i][0] : p.spans[i][1]] for p in pending for i in p.asked]
        logits = iter(self.model.calibrated_logits(texts).tolist())
        for p in pending:
            model = p.model
            judged = set(p.judged)
            for i in p.asked:
                if next(logits) >= model.config.praise_logit:  # read as praise
                    judged.add(i)
            if len(judged) == len(p.spans):
                self._remember(p.key, ())
                continue
            probabilities = np.zeros((len(p.spans), len(model.heads)))
            probabilities[list(p.wanted)] = 1.0 / (1.0 + np.exp(-p.z))
            clause_texts = [p.reading.text[s:e] for s, e, _ in p.spans]
            added = additions(
                probabilities,
                model.heads,
                model.addable(),
                model.cut,
                judged,
                {c.aspect for c in p.found.complaints},
                fair_priced(clause_texts, [c for _, _, c in p.spans]),
            )
            self._remember(p.key, tuple(added))
            if not added:
                continue
            learned = self._learned_of(added, p.spans, p.folded)
            before = out[p.index]
            out[p.index] = replace(
                before,
                complaints=before.complaints + learned,
                categories=_blamed_too(before.categories, learned),
            )

    def _remember(self, key: tuple, added: tuple[tuple[int, str, float], ...]) -> None:
        """Keep the learned reader's additions (clause, aspect, probability) of a review by
        what decides them (_learned_complaints' key): short reviews repeat whole (太慢了;
        菜都凉了，送了一个多小时; the 50,000 short reviews of the speed figure are a seventh
        distinct), and a review read before is not scored again. Per analyzer: the praise
        check is its own sentiment model's."""
        if len(self._added) >= CACHED_CLAUSES:
            self._added.clear()
        self._added[key] = added

    def _learned_of(
        self,
        added: Sequence[tuple[int, str, float]],
        spans: Sequence[tuple[int, int, bool]],
        folded: Normalized,
    ) -> tuple[Complaint, ...]:
        """The complaints of the learned reader's additions (clause, aspect, probability):
        the span is the clause in the customer's words, the severity the aspect's."""
        aspects = self.complaints.taxonomy.aspects
        learned = []
        for clause, aspect, prob in added:
            start, end, _ = spans[clause]
            known = aspects[aspect]
            words = folded.span(start, end).strip()
            evidence = f"learned {prob:.2f}"  # the reader's probability, not a word found
            learned.append(Complaint(known.category, aspect, words, None, known.severity, evidence))
        return tuple(learned)

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
        folded: Normalized,
        language: str | None,
        store: Matcher | None = None,
        pending: list[_Pending] | None = None,
    ) -> Analysis:
        """The review's analysis by the rules; the learned aspect reader's complaints are
        added by analyze_batch (_finish_learned) where it has candidates (`pending`)."""
        text, rating = reading.text, review.rating
        script = script_of(folded.original)
        if not text.strip():
            return _stars_only(rating, self.version, script, language)
        if reading.sarcastic:
            z_text += SARCASM_SHIFT
        z = z_text + (star_shift(rating) if rating is not None else 0.0)
        sentiment = _sigmoid(z)
        cut = self.threshold(text) if rating is None else RATED_THRESHOLD
        polarity = _polarity(sentiment, cut)
        if rating is not None and rating <= 2:
            polarity = "negative"
        elif rating is not None and rating >= 4 and polarity == "negative" and not reading.blame:
            # The stars say fine and no word of the text blames anything: the model's low
            # score alone is more likely its delivery-corpus habits than a complaint.
            polarity = "neutral"
        if rating is not None and rating >= 4 and not reading.blame:
            clause_logits = None  # no word blames anything, so neither may the model alone
        points: Found = self.complaints.read(
            reading, folded.span, clause_logits, store, rating, review.platform
        )
        if points.praise and not points.complaints and not reading.blame:
            z += PRAISE_ONLY_SHIFT
            sentiment = _sigmoid(z)
            if rating is None or rating >= 3:
                polarity = max(_polarity(sentiment, cut), "neutral", key=POLARITY_ORDER.index)
        found: tuple[CategoryPolarity, ...] = points.categories
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
        evidence = self.malice.evidence(
            review.text.strip(),
            context,
            hurts=hurts,
            rating=rating,
            praise=polarity == "positive",
            learned=self.learned_malice(),
        )
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
            minor=bool(points.complaints) and all(c.severity == "low" for c in points.complaints),
        )
        # negative or mixed: read as negative, or a complaint or a word of blame in it (a
        # neutral 人均100，很划算 names a price in praise: the model is not asked); at 4-5
        # stars only when the words alone count as a complaint (leave-one-writer-out, 4 of
        # the 23 complaints it added to 4-5 star reviews were right: their clauses were praise)
        mixed = polarity == "negative" or bool(points.complaints) or reading.blame > 0
        if rating is not None and rating >= 4:
            mixed = mixed and complaint_counts
        learned = self._learned_complaints(reading, folded, points, review.platform, mixed)
        if isinstance(learned, _Pending):
            if pending is None:
                raise ValueError("a learned candidate needs analyze_batch to finish it")
            pending.append(learned)  # its index is set by analyze_batch
            learned = ()
        return Analysis(
            sentiment=sentiment,
            polarity=polarity,
            negative=negative,
            categories=_blamed_too(found, learned),
            malicious=bool(reasons),
            malicious_reasons=reasons,
            severity=level,
            model=self.version,
            malicious_evidence=evidence,
            script=script,
            language=language,
            complaints=points.complaints + learned,
            praise=points.praise,
        )

    def _decide_foreign(
        self,
        review: ReviewText,
        context: AnalysisContext,
        folded: Normalized,
        language: str | None,
    ) -> Analysis:
        """A review the sentiment model cannot read: English through its small lexicon (and
        the malice evidence: Google and Yelp extortion is written in English), any other
        language left for a person unless its stars speak."""
        rating = review.rating
        script = None  # Chinese characters in Japanese text are not a Chinese script
        if language != "en":
            if rating is not None:
                return _stars_only(rating, self.version, script, language)
            return Analysis(
                0.5,
                "neutral",
                True,
                (),
                False,
                (),
                "low",
                self.version,
                script=script,
                language=language,
            )
        read = english_reader().read(folded.original, review.platform, review.rating)
        if rating is not None:
            sentiment = _sigmoid(star_shift(rating))
            polarity: Polarity = (
                "negative" if rating <= 2 else "neutral" if rating < 4 else "positive"
            )
            negative = rating <= 2 or (rating <= 3 and bool(read.complaints))
        elif read.complaints:
            sentiment, polarity, negative = ENGLISH_NEGATIVE, "negative", True
        elif read.praise or read.general > 0:
            sentiment, polarity, negative = ENGLISH_POSITIVE, "positive", False
        else:  # nothing this lexicon knows: a person reads it
            sentiment, polarity, negative = 0.5, "neutral", True
        hygiene = any(c.category == "hygiene" for c in read.complaints)
        health = any(c.aspect == "hygiene.illness" for c in read.complaints)
        hurts = negative or (rating is not None and rating <= 3)
        evidence = self.malice.evidence(
            review.text.strip(),
            context,
            hurts=hurts,
            rating=rating,
            praise=polarity == "positive",
            learned=self.learned_malice(),
        )
        reasons = tuple(e.reason for e in evidence)
        negative = negative or hygiene or bool(reasons)
        level = severity(
            negative=negative,
            polarity=polarity,
            rating=rating,
            categories=read.categories,
            reasons=reasons,
            health_claim=health,
            reach=has_reach(folded.original, 0),
        )
        return Analysis(
            sentiment=sentiment,
            polarity=polarity,
            negative=negative,
            categories=read.categories,
            malicious=bool(reasons),
            malicious_reasons=reasons,
            severity=level,
            model=self.version,
            malicious_evidence=evidence,
            script=script,
            language=language,
            complaints=read.complaints,
            praise=read.praise,
        )


@dataclass(slots=True)
class _Pending:
    """A review with clauses the rules left unread, waiting for the learned aspect reader
    (scored for the whole batch at once) and the sentiment model's reading of the clauses
    over a threshold."""

    model: AspectModel
    reading: Reading
    folded: Normalized
    found: Found
    spans: tuple[tuple[int, int, bool], ...]
    wanted: tuple[int, ...]
    # as AspectModel.batch_logits reads it
    item: tuple[list[str], bool, list[bool], tuple[int, ...]]
    ignored: list[int]  # the heads of the aspects the rules found (never added)
    judged: set[int]
    z: np.ndarray | None = None  # the wanted clauses' logits, once scored
    asked: list[int] = field(default_factory=list)  # the clauses over a threshold
    index: int = -1  # the review's place in the batch
    key: tuple = ()  # what decides its additions (AnalyzerV1._remember)


def _blamed_too(
    found: tuple[CategoryPolarity, ...], learned: tuple[Complaint, ...]
) -> tuple[CategoryPolarity, ...]:
    """The categories with those of the learned complaints negative where the rules read
    them neutral or not at all (praised ones stay: the review is mixed about them)."""
    if not learned:
        return found
    blamed = {c.category for c in learned}
    out = [
        CategoryPolarity(c.name, "negative", c.terms)
        if c.name in blamed and c.polarity == "neutral"
        else c
        for c in found
    ]
    named = {c.name for c in found}
    out += [CategoryPolarity(name, "negative", ()) for name in blamed - named]
    return tuple(sorted(out, key=lambda c: CATEGORIES.index(c.name)))


def _polarity(sentiment: float, cut: float) -> Polarity:
    if sentiment < cut:
        return "negative"
    return "positive" if sentiment >= cut + NEUTRAL_BAND else "neutral"


def _fold(text: str) -> Normalized:
    return fold_cantonese(normalize(text))


def _stars_only(
    rating: float | None, version: str, script: str | None, language: str | None
) -> Analysis:
    """No words to read: the stars say it all, and without stars there is nothing to answer."""
    if rating is None:
        return Analysis(
            0.5, "neutral", False, (), False, (), "none", version, script=script, language=language
        )
    sentiment = _sigmoid(star_shift(rating))
    polarity: Polarity = "negative" if rating <= 2 else "neutral" if rating < 4 else "positive"
    negative = rating <= 2
    level = severity(
        negative=negative,
        polarity=polarity,
        rating=rating,
        categories=(),
        reasons=(),
        health_claim=False,
        reach=False,
    )
    return Analysis(
        sentiment,
        polarity,
        negative,
        (),
        False,
        (),
        level,
        version,
        script=script,
        language=language,
    )
