"""A Meituan `CommentInfo` (the same snake_case fields on both gateways) as a ReviewRecord.

Quirks kept in mind: the overall star rating is `food_comment_score`; `comment_id` is an
int64 kept as a string; a 追评 keeps the id and arrives as `add_comment`, so it becomes a
follow-up (a new revision of the same review); pictures, tags and dishes are
comma-joined strings; times are Beijing days; there is no order id or author.
"""

from __future__ import annotations

from typing import Any

from reviewbot.platforms.base import FollowUp, ItemFeedback, ReviewRecord
from reviewbot.platforms.normalize import (
    as_id,
    clean_text,
    parse_rating,
    parse_time,
    precision_of,
    split_list,
)

SUB_SCORES = {
    "taste": "order_comment_score",
    "delivery": "delivery_comment_score",
    "packaging": "packing_score",
}


def _items(item: dict[str, Any]) -> tuple[ItemFeedback, ...]:
    found: dict[str, ItemFeedback] = {}
    details = item.get("comment_order_detail")
    for dish in details if isinstance(details, list) else ():
        if isinstance(dish, dict) and (name := clean_text(dish.get("food_name"), limit=100)[0]):
            count = dish.get("count")
            found[name] = ItemFeedback(name, count=count if isinstance(count, int) else None)
    for field, liked in (("praise_food_list", True), ("critic_food_list", False)):
        for name in split_list(item.get(field)):
            base = found.get(name) or ItemFeedback(name)
            found[name] = ItemFeedback(base.name, count=base.count, liked=liked)
    return tuple(found.values())


def _invalid(valid: Any) -> bool:
    """`valid` 0 (int or "0") marks a hidden or removed review; absent means visible."""
    if isinstance(valid, bool) or valid is None:
        return False
    return str(valid).strip() == "0"


def parse_comment(item: Any) -> ReviewRecord:
    if not isinstance(item, dict):
        raise ValueError(f"comment is a {type(item).__name__}, not an object")
    external_id = as_id(item.get("comment_id"))
    if external_id is None:
        raise ValueError("comment has no comment_id")
    text, truncated = clean_text(item.get("comment_content"))
    follow_ups: tuple[FollowUp, ...] = ()
    added_at = parse_time(item.get("add_comment_time"))
    if added := clean_text(item.get("add_comment"))[0]:
        follow_ups = (FollowUp(added, added_at),)
    scores = {
        name: score
        for name, field in SUB_SCORES.items()
        if (score := parse_rating(item.get(field))) is not None
    }
    reply = clean_text(item.get("e_reply_content"))[0]
    return ReviewRecord(
        external_id=external_id,
        text=text,
        rating=parse_rating(item.get("food_comment_score")),
        created_at=parse_time(item.get("comment_time")),
        updated_at=added_at if follow_ups else None,
        follow_ups=follow_ups,
        images=split_list(item.get("comment_pictures")),
        reply_text=reply or None,
        text_truncated=truncated,
        raw=item,
        sub_scores=scores,
        items=_items(item),
        tags=split_list(item.get("comment_lables")),
        created_precision=precision_of(item.get("comment_time")),
        is_visible=not _invalid(item.get("valid")),
    )
