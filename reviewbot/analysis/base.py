"""The analyzer interface: what a classifier receives and what it must say about a review.

The JSON form of `Analysis` is the public `reviewbot classify` contract (DESIGN.md);
`CategoryPolarity.terms` is internal evidence the reply engine uses to be specific.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

Polarity = Literal["negative", "neutral", "positive"]
Severity = Literal["none", "low", "medium", "high", "critical"]

CATEGORIES: tuple[str, ...] = ("food", "service", "delivery", "environment", "price", "hygiene")
MALICIOUS_REASONS: tuple[str, ...] = (
    "extortion",
    "abuse",
    "spam_ad",
    "irrelevant",
    "competitor",
    "no_order",
    "flood",
    "threat",
)
SEVERITIES: tuple[str, ...] = ("none", "low", "medium", "high", "critical")


@dataclass(frozen=True, slots=True)
class ReviewText:
    """The part of a review a classifier sees: the id is only echoed back."""

    id: str
    text: str
    rating: float | None = None
    # where it was posted (meituan, eleme, dianping, google …), when known: the reply engine
    # reads a wait on a delivery-only platform as a late delivery (replies/reading.delivered)
    platform: str | None = None


@dataclass(frozen=True, slots=True)
class AnalysisContext:
    """What the store knows around a review; all optional (the CLI contract has none).

    identical_authors        different authors of the store's reviews with exactly this text on
                             this platform, this one's included (anonymous or masked names
                             count as one author: they cannot be told apart)
    author_hurting_last_day  reviews of the store by this (identifiable) author that hurt it
                             (≤3 stars or analysed negative) in the day up to this one,
                             this one included
    cross_posts              other platforms of the store showing this same text: the
                             customer spreading a complaint (reach), never malice
    has_order                True: the platform links an order; False: it says there is
                             none; None: it does not say (anonymous reviews)
    images                   photos attached: a review with photos reaches more readers
    menu, terms              the store's dish names, and its own (category, word) pairs
    """

    identical_authors: int = 0
    author_hurting_last_day: int = 0
    cross_posts: int = 0
    has_order: bool | None = None
    images: int = 0
    menu: tuple[str, ...] = ()
    terms: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class CategoryPolarity:
    name: str
    polarity: Polarity
    terms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Complaint:
    """One point the customer made against the store: what the reply must answer.

    aspect is `<category>.<name>` from data/aspects.toml; target the thing named (a dish,
    a person's role) or None; span the customer's own words it comes from; evidence, for a
    complaint the learned aspect reader added (aspect_model.py), what read it and its score
    (None: the rules' words and patterns found it).
    """

    category: str
    aspect: str
    span: str
    target: str | None = None
    severity: Severity = "low"
    evidence: str | None = None

    def to_contract(self) -> dict[str, Any]:
        out = {
            "category": self.category,
            "aspect": self.aspect,
            "target": self.target,
            "span": self.span,
            "severity": self.severity,
        }
        if self.evidence is not None:
            out["evidence"] = self.evidence
        return out


@dataclass(frozen=True, slots=True)
class Praise:
    """What the customer liked, so thanks and digests can be specific."""

    category: str
    aspect: str
    span: str
    target: str | None = None

    def to_contract(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "aspect": self.aspect,
            "target": self.target,
            "span": self.span,
        }


@dataclass(frozen=True, slots=True)
class MaliceEvidence:
    """Why a review is flagged: the words and the context facts staff and the appeal show."""

    reason: str
    span: str
    facts: tuple[str, ...] = ()

    def to_contract(self) -> dict[str, Any]:
        return {"reason": self.reason, "span": self.span, "facts": list(self.facts)}


@dataclass(frozen=True, slots=True)
class Analysis:
    sentiment: float
    polarity: Polarity
    negative: bool
    categories: tuple[CategoryPolarity, ...]
    malicious: bool
    malicious_reasons: tuple[str, ...]
    severity: Severity
    model: str
    script: str | None = None
    language: str | None = None
    complaints: tuple[Complaint, ...] = ()
    praise: tuple[Praise, ...] = ()
    malicious_evidence: tuple[MaliceEvidence, ...] = ()

    def category(self, name: str) -> CategoryPolarity | None:
        return next((c for c in self.categories if c.name == name), None)

    def negative_categories(self) -> list[CategoryPolarity]:
        return [c for c in self.categories if c.polarity == "negative"]

    def details(self) -> dict[str, Any]:
        """The fields added for the reply engine, as stored beside the analysis."""
        return {
            "script": self.script,
            "language": self.language,
            "complaints": [c.to_contract() for c in self.complaints],
            "praise": [p.to_contract() for p in self.praise],
            "malicious_evidence": [e.to_contract() for e in self.malicious_evidence],
        }

    def to_contract(self, review_id: Any) -> dict[str, Any]:
        return {
            "id": review_id,
            "sentiment": round(self.sentiment, 4),
            "polarity": self.polarity,
            "negative": self.negative,
            "categories": [{"name": c.name, "polarity": c.polarity} for c in self.categories],
            "malicious": self.malicious,
            "malicious_reasons": list(self.malicious_reasons),
            "severity": self.severity,
            **self.details(),
        }


# What the guardrails and the reply engine assume of a review nobody has analyzed yet (a
# food-safety claim is still recognised from the review's own words).
UNREAD = Analysis(
    sentiment=0.5,
    polarity="neutral",
    negative=False,
    categories=(),
    malicious=False,
    malicious_reasons=(),
    severity="none",
    model="none",
)


def details_fields(details: dict[str, Any] | None) -> dict[str, Any]:
    """Stored details back as `Analysis` keyword arguments (older rows have none)."""
    if not details:
        return {}
    return {
        "script": details.get("script"),
        "language": details.get("language"),
        "complaints": tuple(
            Complaint(
                c["category"],
                c["aspect"],
                c.get("span", ""),
                c.get("target"),
                c["severity"],
                c.get("evidence"),
            )
            for c in details.get("complaints", ())
        ),
        "praise": tuple(
            Praise(p["category"], p["aspect"], p.get("span", ""), p.get("target"))
            for p in details.get("praise", ())
        ),
        "malicious_evidence": tuple(
            MaliceEvidence(e["reason"], e.get("span", ""), tuple(e.get("facts", ())))
            for e in details.get("malicious_evidence", ())
        ),
    }


class Analyzer(Protocol):
    version: str

    def analyze(self, review: ReviewText, context: AnalysisContext | None = None) -> Analysis: ...
