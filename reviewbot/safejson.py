"""Text and JSON that survive storage and transport, whatever a platform or a user sent.

Valid JSON can still carry values that break the next hop: a lone surrogate (`"\\ud800"`)
cannot be encoded as UTF-8, PostgreSQL's JSONB and text columns refuse NUL, and NaN or
Infinity are not JSON at all. One bad value must cost one field, never a page of reviews.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

REPLACEMENT = "\ufffd"
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
# Line breaks that JSON allows raw inside strings but line-splitting readers honour
# (Python's str.splitlines, JavaScript before ES2019).
_LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}
_LINE_BREAK = re.compile("[\u2028\u2029\x85]")


def storable_text(text: str) -> str:
    """`text` with NUL and lone surrogates replaced by U+FFFD, so the damage stays visible."""
    return _UNSTORABLE.sub(REPLACEMENT, text)


def has_unstorable(text: str) -> bool:
    return _UNSTORABLE.search(text) is not None


def storable(value: Any) -> Any:
    """A copy of a JSON-like value that every database accepts: strings (keys too) made
    storable, NaN and ±Infinity turned into null, tuples into lists."""
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {storable_text(str(key)): storable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [storable(item) for item in value]
    return value  # anything else is a bug json.dumps reports


# What a JSON text holds if a value needed `storable`: an escaped NUL (PostgreSQL refuses
# it in JSONB) or a lone surrogate (which json.dumps writes raw with ensure_ascii=False).
_NEEDS_CARE = re.compile(r"\\u0000|[\ud800-\udfff]")


def dumps_storable(value: Any) -> str:
    """The database engines' JSON serializer (see store/db.py). Nearly every value is clean
    already: it is dumped once and checked, and only copied by `storable` when it is not
    (an import serializes a few JSON columns for each of tens of thousands of rows)."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (ValueError, TypeError):  # NaN or Infinity, a key JSON cannot take
        pass
    else:
        if _NEEDS_CARE.search(text) is None:
            return text
    return json.dumps(storable(value), ensure_ascii=False, allow_nan=False)


def _surely_within(raw: dict[str, Any], limit: int) -> bool:
    """True when a flat dict's JSON cannot exceed `limit` characters: a character takes
    at most 6 in JSON (a \\u escape), a key or value at most 2 more for its quotes and
    separators beside. Nested values are not estimated (False: measure them)."""
    budget = limit - 2
    for key, value in raw.items():
        if isinstance(value, str):
            size = len(value)
        elif value is None or isinstance(value, bool | float):
            size = 24  # the longest repr of a float
        elif isinstance(value, int) and abs(value) < 10**20:
            size = 24
        else:
            return False
        budget -= 6 * (len(str(key)) + size) + 8
        if budget < 0:
            return False
    return True


def bounded(raw: dict[str, Any], limit: int) -> dict[str, Any]:
    """`raw` if its JSON is at most `limit` characters, else a stand-in that says so.

    Long strings (spam) are cut first; if that is not enough, the beginning of the JSON
    text is kept as a string. Either way the result carries `"_truncated": <original
    size>`. The review's own text is capped separately and never depends on this.
    """
    if _surely_within(raw, limit):  # an export row: no need to serialize it to know
        return raw
    size = len(dumps_storable(raw))
    if size <= limit:
        return raw
    keep = max(64, limit // 20)

    def cut(value: Any) -> Any:
        if isinstance(value, str) and len(value) > keep:
            return value[:keep] + "…"
        if isinstance(value, dict):
            return {key: cut(item) for key, item in value.items()}
        if isinstance(value, list):
            return [cut(item) for item in value]
        return value

    smaller = {**cut(raw), "_truncated": size}
    if len(dumps_storable(smaller)) <= limit:
        return smaller
    # Escaping the JSON text as a string at most doubles it (only `"` and `\\` grow).
    return {"_truncated": size, "_prefix": dumps_storable(raw)[: limit // 2 - 40]}


# json.dumps with options builds an encoder per call: a sixth of the time of a classify line
_ENCODE = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode


def json_bytes(value: Any) -> bytes:
    """Readable UTF-8 JSON that any strict reader takes: no NaN, no character a line reader
    could split on, and a lone surrogate (only possible inside a string) as its \\u escape,
    so an id comes back exactly as it was sent."""
    text = _ENCODE(value)
    if "\u2028" in text or "\u2029" in text or "\x85" in text:  # faster than one search
        text = _LINE_BREAK.sub(lambda match: _LINE_BREAKS[match.group()], text)
    return text.encode("utf-8", errors="backslashreplace")
