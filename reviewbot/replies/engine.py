"""The reply engine v0: picks the template for a review's situation and assembles a draft
from one variant per 5S part, naming what the customer named.

Variant choice is deterministic per review (so `reviewbot draft` is reproducible) and
steps aside from replies recently sent by the same store (so they do not look canned).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reviewbot.analysis.base import Analysis, ReviewText
from reviewbot.analysis.clauses import split_clauses
from reviewbot.replies.templates import PRINCIPLES, Template, TemplateLibrary, load_library, render

CATEGORY_NAMES = {
    "food": "菜品",
    "service": "服务",
    "delivery": "配送",
    "environment": "环境",
    "price": "价格",
    "hygiene": "卫生",
}
# Which complaint a reply leads with when a review has several.
CATEGORY_PRIORITY = ("hygiene", "food", "service", "delivery", "environment", "price")
CONTRAST = ("但是", "但", "可是", "不过", "就是", "只是")
_QUOTABLE = re.compile(r"^[\u4e00-\u9fff，、\s]{3,18}$")


@dataclass(frozen=True, slots=True)
class StoreProfile:
    """The facts a reply may state about the store; nothing else is ever claimed."""

    name: str
    signature: str = ""
    contact: str = ""
    menu: tuple[str, ...] = ()
    proofs: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, name: str, facts: Any) -> StoreProfile:
        return cls(
            name=name,
            signature=facts.signature,
            contact=facts.contact,
            menu=tuple(facts.menu),
            proofs=tuple(facts.proofs),
        )


@dataclass(frozen=True, slots=True)
class Draft:
    text: str
    template_id: str
    principles: tuple[str, ...] = field(default_factory=tuple)

    def to_contract(self, review_id: Any) -> dict[str, Any]:
        return {
            "id": review_id,
            "reply": self.text,
            "template": self.template_id,
            "principles": list(self.principles),
        }


def choose_template(library: TemplateLibrary, review: ReviewText, analysis: Analysis) -> Template:
    if analysis.malicious:
        return library.find("malicious")
    hygiene = analysis.category("hygiene")
    if analysis.severity == "critical" or (hygiene is not None and hygiene.polarity == "negative"):
        return library.find("crisis", "hygiene")
    if analysis.negative:
        if not review.text.strip():
            return library.find("star_only")
        negatives = {c.name for c in analysis.negative_categories()}
        main = next((name for name in CATEGORY_PRIORITY if name in negatives), "general")
        return library.find("negative", main)
    if analysis.polarity == "positive":
        return library.find("positive")
    return library.find("neutral")


def _complaint(text: str, template: Template, analysis: Analysis) -> str:
    """The customer's own words for the problem, when short and plain enough to quote."""
    category = analysis.category(template.category)
    if category is not None and category.terms:
        for clause, _ in split_clauses(text, CONTRAST):
            if any(term in clause for term in category.terms) and _QUOTABLE.match(clause):
                return f"「{clause}」"
    return template.default_complaint


def _variables(
    review: ReviewText, analysis: Analysis, store: StoreProfile, template: Template
) -> dict[str, str]:
    text = review.text
    dish = next((d for d in sorted(store.menu, key=len, reverse=True) if d in text), "")
    praised = [
        CATEGORY_NAMES[c.name]
        for c in analysis.categories
        if c.polarity == "positive" and c.name in CATEGORY_NAMES
    ]
    return {
        "store": store.name,
        "signature": store.signature or store.name,
        "contact": store.contact,
        "proof": "、".join(store.proofs),
        "dish": dish,
        "complaint": _complaint(text, template, analysis),
        "praised": "、".join(praised) if analysis.negative else "",
    }


def _pick(variants: Sequence[str], values: dict[str, str], key: int) -> str | None:
    """The variant at `key`, or the next one whose variables all have values."""
    for offset in range(len(variants)):
        rendered = render(variants[(key + offset) % len(variants)], values)
        if rendered is not None:
            return rendered
    return None


class TemplateDrafter:
    version = "v0-templates"

    def __init__(self, library: TemplateLibrary | None = None) -> None:
        self.library = library or load_library()

    def draft(
        self,
        review: ReviewText,
        analysis: Analysis,
        store: StoreProfile,
        *,
        recent: Sequence[str] = (),
        attempt: int = 0,
    ) -> Draft:
        template = choose_template(self.library, review, analysis)
        values = _variables(review, analysis, store, template)
        seed = zlib.crc32(review.id.encode("utf-8"))
        recent_set = set(recent)
        best: Draft | None = None
        for tries in range(8):
            draft = self._assemble(template, values, seed + 7919 * (attempt + tries))
            if draft.text not in recent_set:
                return draft
            best = best or draft
        assert best is not None
        return best

    def _assemble(self, template: Template, values: dict[str, str], seed: int) -> Draft:
        common = self.library.common
        pieces: list[str] = []
        used: list[str] = []
        greeting = _pick(common.greeting, values, seed)
        if greeting:
            pieces.append(greeting)
        if values["praised"]:
            praise = _pick(common.praise, values, seed >> 3)
            if praise:
                pieces.append(praise)
        for index, principle in enumerate(PRINCIPLES):
            variants = template.parts.get(principle)
            if not variants:
                continue
            chosen = _pick(variants, values, (seed >> (4 + index)) + index)
            if chosen:
                pieces.append(chosen)
                used.append(principle)
        body = "".join(pieces)
        closing = _pick(common.closing, values, seed >> 11)
        text = f"{body}\n{closing}" if closing else body
        return Draft(text=text, template_id=template.id, principles=tuple(used))
