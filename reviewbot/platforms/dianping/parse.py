"""A Dianping `ReviewInfoDTO` as a ReviewRecord.

The API exposes no review text (text is None, not ""), no author and no reply; stars
always come in tens (50 = five stars, 5 = half a star in `accurateStar`); times are
Beijing minutes.
"""

from __future__ import annotations

from typing import Any

from reviewbot.platforms.base import ReviewRecord
from reviewbot.platforms.normalize import as_id, clean_text, parse_time


def _stars(value: Any) -> float | None:
    """Stars from Dianping's tens: 50 is five stars and 5 is half a star, never "5 stars"."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if number != number or number <= 0:  # NaN or "no rating"
        return None
    return round(min(number / 10.0, 5.0), 1)


def parse_review(item: Any) -> ReviewRecord:
    if not isinstance(item, dict):
        raise ValueError(f"review is a {type(item).__name__}, not an object")
    external_id = as_id(item.get("reviewId"))
    if external_id is None:
        raise ValueError("review has no reviewId")
    accurate = _stars(item.get("accurateStar"))
    scores: dict[str, float] = {}
    details = item.get("scoreDetails")
    for detail in details if isinstance(details, list) else ():
        if not isinstance(detail, dict):
            continue
        title = clean_text(detail.get("title"), limit=20)[0]
        score = _stars(detail.get("accurateScore")) or _stars(detail.get("score"))
        if title and score is not None:
            scores[title] = score
    return ReviewRecord(
        external_id=external_id,
        text=None,
        rating=accurate if accurate is not None else _stars(item.get("star")),
        created_at=parse_time(item.get("reviewTime")),
        order_id=as_id(item.get("consumeOrderId")),
        raw=item,
        sub_scores=scores,
        tags=("优质评价",) if item.get("reviewQuality") == 1 else (),
        created_precision="minute",
    )
