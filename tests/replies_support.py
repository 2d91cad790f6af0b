"""Building blocks for the reply-engine tests: analyses written by hand through the public
`Analysis` interface (so the tests do not depend on any one classifier) and a test store."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from reviewbot.analysis.base import Analysis, CategoryPolarity, ReviewText
from reviewbot.analysis.v1 import AnalyzerV1
from reviewbot.config import load_settings
from reviewbot.replies.engine import TemplateDrafter
from reviewbot.replies.facts import StoreProfile
from reviewbot.replies.guardrails import ReplyLimits, check_reply

ROOT = Path(__file__).resolve().parents[1]

STORE = StoreProfile(
    name="测试小馆",
    signature="测试小馆 店长",
    contact="店长电话 010-1234 5678",
    hours="每天 10:00-22:00",
    menu=("水煮鱼", "麻婆豆腐", "酸辣汤", "宫保鸡丁", "米饭"),
    proofs=("食品经营许可证 JY00000000000000", "餐饮服务食品安全量化分级 A 级"),
)


@cache
def example_store() -> StoreProfile:
    """The store of config.example.toml (老街坊川菜馆), as the daemon builds it."""
    found = load_settings(ROOT / "config.example.toml").stores[0]
    return StoreProfile.from_settings(found.name, found.facts)


@cache
def example_engine() -> tuple[AnalyzerV1, TemplateDrafter]:
    """One analyzer and drafter shared by the tests that draft real reviews end to end."""
    return AnalyzerV1(), TemplateDrafter()


def analysis(
    *categories: tuple[str, str] | tuple[str, str, tuple[str, ...]],
    polarity: str = "negative",
    negative: bool | None = None,
    malicious: tuple[str, ...] = (),
    severity: str = "medium",
) -> Analysis:
    """An analysis as a classifier would return it: ("food", "negative", ("咸",)), …"""
    cats = tuple(CategoryPolarity(c[0], c[1], c[2] if len(c) > 2 else ()) for c in categories)
    sentiment = {"negative": 0.1, "neutral": 0.5, "positive": 0.9}[polarity]
    return Analysis(
        sentiment=sentiment,
        polarity=polarity,  # type: ignore[arg-type]
        negative=polarity == "negative" or bool(malicious) if negative is None else negative,
        categories=cats,
        malicious=bool(malicious),
        malicious_reasons=malicious,
        severity=severity,  # type: ignore[arg-type]
        model="test",
    )


def clean_draft(
    analyzer: Any,
    drafter: Any,
    text: str,
    rating: int,
    limits: ReplyLimits | None = None,
    review_id: str = "r1",
    platform: str | None = None,
    store: StoreProfile | None = None,
) -> tuple[Analysis, Any]:
    """The analysis of `text` and the engine's draft to it for `store` (STORE by default),
    which must pass every guardrail (its own check and the guardrails run again on the
    text). The review's id seeds the draft's choice of wording."""
    store = store or STORE
    review = ReviewText(review_id, text, rating, platform)
    result = analyzer.analyze(review)
    draft = drafter.draft(review, result, store, limits=limits)
    assert draft.violations == ()
    found = check_reply(
        draft.text,
        review=review,
        analysis=result,
        store=store,
        platform_limits=limits,
        quotes=draft.quotes,
    )
    assert found == [], (draft.text, found)
    return result, draft


def staff_edit_codes(text: str, review: str = "差评") -> set[str]:
    """The rules a staff edit of a reply to a 2-star food complaint breaks."""
    found = check_reply(
        text,
        review=ReviewText("s1", review, 2),
        analysis=analysis(("food", "negative")),
        store=STORE,
        by_staff=True,
    )
    return {v.code for v in found}
