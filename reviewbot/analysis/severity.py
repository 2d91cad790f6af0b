"""How urgent a review is, from what the analyzer found.

critical  a claim of harm to health (食物中毒, 拉肚子…) in a review that is not malicious:
          the crisis path, a manager within minutes
high      any other hygiene complaint; a threat; a negative review with reach
medium    a negative review (≤2★, or its text is negative); a malicious one
low       a complaint in a review that is otherwise fine (3★+, text not negative); a 3★+
          review whose every complaint is a minor one (有点挤, 包装一般: the taxonomy's
          `severity = "low"`), whatever the text's score
none      nothing to answer

Reach (a long, detailed review, one with photos, or one the customer also posted on
another platform) moves low to medium and medium to
high: more readers see it and believe it. Only a health claim makes a review critical.
"""

from __future__ import annotations

from reviewbot.analysis.base import CategoryPolarity, Polarity, Severity

LONG_REVIEW_CHARS = 100
_ORDER: tuple[Severity, ...] = ("none", "low", "medium", "high", "critical")


def has_reach(text: str, images: int, cross_posts: int = 0) -> bool:
    """More readers see it: photos, a long review, or the same text on other platforms."""
    return images > 0 or cross_posts > 0 or len(text) >= LONG_REVIEW_CHARS


def severity(
    *,
    negative: bool,
    polarity: Polarity,
    rating: float | None,
    categories: tuple[CategoryPolarity, ...],
    reasons: tuple[str, ...],
    health_claim: bool,
    reach: bool,
    minor: bool = False,
) -> Severity:
    """`minor`: every complaint the review makes is of a low-severity aspect."""
    if not negative and not reasons:
        return "none"
    if health_claim and not reasons:
        return "critical"
    if any(c.name == "hygiene" and c.polarity == "negative" for c in categories):
        return "high"
    if reasons:
        return "high" if "threat" in reasons else "medium"
    low_rating = rating is not None and rating <= 2
    # 店面比较小，人多的时候有点挤，菜还行 at 3★ with a photo was "high", an hour to answer
    mild = minor and rating is not None and rating >= 3
    level = 2 if low_rating or (polarity == "negative" and not mild) else 1
    if reach:
        level += 1
    return _ORDER[min(level, 3)]
