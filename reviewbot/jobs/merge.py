"""How a review row takes in what the platform's API and a merchant export say about it.

The API is the truth for a polled review: an export row is usually poorer (Ele.me exports
lack the dish-level comments, images and items; Meituan exports lack 追评) but sometimes
richer (Dianping's API has no text, exports do). So an export row only *fills* what the
API lacks, and the next poll keeps those fills instead of erasing them; `details.filled`
lists them. Otherwise importing and polling would overwrite each other and each re-import
would create two revisions and two alerts.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from reviewbot.platforms.base import ReviewRecord
from reviewbot.safejson import bounded, storable_text
from reviewbot.store.schema import Review

# The original payload kept beside each review and quarantined item. Real items are a few
# kilobytes; a spam review can be megabytes, and its text is capped at 5,000 characters.
MAX_RAW_CHARS = 64_000

DETAIL_KEYS = ("sub_scores", "items", "tags")
CONTENT = ("text", "rating", "follow_up")
EVERYTHING = (
    "author",
    "order_id",
    "rating",
    "text",
    "follow_up",
    "images",
    "reply_text",
    "url",
    "updated_at",
    *DETAIL_KEYS,
)


def follow_up_text(record: ReviewRecord) -> str | None:
    return "\n".join(f.text for f in record.follow_ups if f.text) or None


def _text(value: str | None, limit: int | None = None) -> str | None:
    """Adapters clean what they read; this keeps a field they did not from costing the
    review (NUL and lone surrogates are refused by the databases, short columns by PG)."""
    return None if value is None else storable_text(value)[:limit]


def stored_raw(raw: Any) -> dict[str, Any]:
    return bounded(raw if isinstance(raw, dict) else {"item": raw}, MAX_RAW_CHARS)


def _columns(record: ReviewRecord) -> dict[str, Any]:
    return {
        "author": _text(record.author, 200),
        "order_id": _text(record.order_id, 200),
        "rating": record.rating,
        "text": _text(record.text),
        "follow_up": _text(follow_up_text(record)),
        "images": list(record.images),
        "reply_text": _text(record.reply_text),
        "url": _text(record.url),
        "updated_at": record.updated_at,
    }


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def content(review: Review) -> dict[str, Any]:
    """What the customer said, as stored: what revisions and alerts are about."""
    return {name: getattr(review, name) for name in CONTENT}


def apply(review: Review, record: ReviewRecord, now: datetime, keep: Collection[str] = ()) -> None:
    """Write what `record` says. Where it says nothing about a field named in `keep` (what
    an export filled in and the API lacks), the stored value stays."""
    filled: list[str] = []
    for name, value in _columns(record).items():
        if name in keep and _empty(value) and not _empty(getattr(review, name)):
            filled.append(name)
        else:
            setattr(review, name, value)
    # A review polled without a time is news (first seen now); an export row without a
    # date may be years old and keeps none rather than pretending to be new.
    review.created_at = (
        record.created_at or review.created_at or (now if record.origin == "poll" else None)
    )
    old = review.details or {}
    details = record.details()
    for key in DETAIL_KEYS:
        if key in keep and old.get(key) and not details.get(key):
            details[key] = old[key]
            filled.append(key)
    if filled:
        details["filled"] = sorted(filled)
    review.details = details
    review.content_hash = record.content_hash
    review.raw = stored_raw(dict(record.raw))
    review.last_seen_at = now
    review.is_visible = record.is_visible
    review.missed_scans = 0


def fill(review: Review, record: ReviewRecord) -> None:
    """Copy into a polled review what an export row knows and the API does not.

    API data is never overwritten or downgraded (text, images, items, sub-scores, raw),
    and the review's visibility and last sighting stay the API's business.
    """
    details = dict(review.details or {})
    filled = set(details.get("filled", ()))
    for name, value in _columns(record).items():
        if not _empty(value) and _empty(getattr(review, name)):
            setattr(review, name, value)
            filled.add(name)
    if review.created_at is None and record.created_at is not None:
        review.created_at = record.created_at
    extra = record.details()
    for key in DETAIL_KEYS:
        if not extra.get(key):
            continue
        if not details.get(key):
            details[key] = extra[key]
            filled.add(key)
        elif key == "sub_scores" and set(extra[key]) - set(details[key]):
            details[key] = {**extra[key], **details[key]}  # the API's scores win
            filled.add(key)
    if filled:
        details["filled"] = sorted(filled)
    review.details = details


def adds_information(before: dict[str, Any], review: Review) -> bool:
    """Whether the API, replacing an export row, says more than the export did: other
    stars, a new follow-up, or words the export did not have (not merely the same words
    plus the dish-level lines exports leave out)."""
    if before["rating"] is not None and review.rating != before["rating"]:
        return True
    if before["rating"] is None and review.rating is not None:
        return True
    if review.follow_up and review.follow_up != before["follow_up"]:
        return True
    old, new = before["text"] or "", review.text or ""
    return bool(new) and old not in new
