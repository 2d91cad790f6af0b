"""An Ele.me `OpenapiOrderRate` as a ReviewRecord.

The order-level text is often empty while the customer wrote about single dishes, so
per-dish comments are appended to the text ("【菜名】…") as well as kept as items; the
classifier and the alert then see everything the customer said. Pictures exist only per
dish. Anonymous reviews (since 2022-05) carry no `rateTag.orderId`.
"""

from __future__ import annotations

from typing import Any

from reviewbot.platforms.base import ItemFeedback, ReviewRecord
from reviewbot.platforms.normalize import (
    as_id,
    clean_text,
    dig,
    parse_rating,
    parse_time,
    split_list,
)


def _item(raw: Any) -> ItemFeedback | None:
    if not isinstance(raw, dict):
        return None
    name = clean_text(raw.get("itemName"), limit=100)[0] or str(raw.get("itemId") or "")
    if not name:
        return None
    pictures = raw.get("pictures")
    return ItemFeedback(
        name=name,
        rating=parse_rating(raw.get("rating")),
        text=clean_text(raw.get("rateContent"), limit=1000)[0],
        images=split_list(pictures) if isinstance(pictures, list | str) else (),
    )


def parse_rate(rate: Any) -> ReviewRecord:
    if not isinstance(rate, dict):
        raise ValueError(f"rate is a {type(rate).__name__}, not an object")
    external_id = as_id(rate.get("id"))
    if external_id is None:
        raise ValueError("rate has no id")
    raw_items = rate.get("itemRates")
    items = tuple(
        item for raw in (raw_items if isinstance(raw_items, list) else ()) if (item := _item(raw))
    )
    text, truncated = clean_text(rate.get("rateContent"))
    dish_lines = [f"【{item.name}】{item.text}" for item in items if item.text]
    if dish_lines:
        text = "\n".join([text, *dish_lines] if text else dish_lines)
        text, truncated = clean_text(text)
    tags = dig(rate, "rateTag.tagList")
    return ReviewRecord(
        external_id=external_id,
        text=text,
        rating=parse_rating(rate.get("rating")),
        created_at=parse_time(rate.get("ratedAt")),
        order_id=as_id(dig(rate, "rateTag.orderId")),
        images=tuple(url for item in items for url in item.images),
        reply_text=clean_text(dig(rate, "orderRateReply.content"))[0] or None,
        text_truncated=truncated,
        raw=rate,
        items=items,
        tags=split_list(tags if isinstance(tags, list) else dig(rate, "rateTag.tags")),
        created_precision="second",
    )
