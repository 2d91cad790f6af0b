"""Turning untrusted platform values into clean text, times and ratings.

Review text is user input from the internet: it may carry HTML, control characters,
megabytes of spam or nothing at all. Times come in every format and zone a platform
fancies. Everything leaving this module is plain, bounded and in UTC.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

MAX_TEXT_CHARS = 5000
T = TypeVar("T")

# Only real HTML is markup: a known tag name, so a customer's 汤里<A套餐>的肉没有 keeps
# its words. Scripts and styles go with their content; block tags become line breaks.
_HTML_TAGS = (
    "a|abbr|b|big|blockquote|body|br|center|code|del|div|em|font|h[1-6]|head|hr|html|i|img|"
    "ins|label|li|link|mark|meta|ol|p|pre|q|s|small|span|strike|strong|sub|sup|table|tbody|"
    "td|th|thead|title|tr|tt|u|ul"
)
_ATTRS = r"""(?:\s+[a-zA-Z_:][-\w:.]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?\s*>"""
_TAG = re.compile(rf"<\s*/?\s*(?:{_HTML_TAGS}){_ATTRS}", re.IGNORECASE)
_BREAK = re.compile(rf"<\s*(?:br|p|div|li|tr){_ATTRS}", re.IGNORECASE)
_SKIPPED = re.compile(r"<\s*(script|style)\b[^>]*>.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\u3000]{2,}")


def tidy_text(text: str) -> str:
    """NFC, no control characters, collapsed spaces and blank lines: all that text which is
    plain already (what staff type in a chat) needs, and the last step of clean_text."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def clean_text(value: Any, *, limit: int = MAX_TEXT_CHARS) -> tuple[str, bool]:
    """Plain, NFC-normalized text without markup or control characters; (text, truncated)."""
    if value is None:
        return "", False
    text = value if isinstance(value, str) else str(value)
    if "<" in text:
        text = _COMMENT.sub("", text)
        text = _SKIPPED.sub("", text)
        text = _BREAK.sub("\n", text)
        text = _TAG.sub("", text)
    text = tidy_text(html.unescape(text) if "&" in text else text)
    if len(text) > limit:
        return text[:limit].rstrip() + "…", True
    return text, False


def parse_rating(value: Any, *, scale: float = 5.0) -> float | None:
    """A rating on our 1..5 scale, or None when absent or unreadable."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number != number or number <= 0:  # NaN or "no rating"
        return None
    rating = number * 5.0 / scale
    return round(min(max(rating, 1.0), 5.0), 1)


_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d", "%Y%m%d")


def parse_time(value: Any, tz: str | ZoneInfo = "Asia/Shanghai") -> datetime | None:
    """A UTC datetime from ISO 8601, common Chinese formats or Unix seconds/milliseconds.

    Times without a zone are read in `tz` (the platform's local time, usually Beijing).
    """
    if value is None or value == "" or isinstance(value, bool):
        return None
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    if isinstance(value, int | float) or (
        isinstance(value, str) and value.isdigit() and len(value) >= 9
    ):
        number = float(value)
        if number > 1e11:  # milliseconds
            number /= 1000.0
        return datetime.fromtimestamp(number, UTC)
    if not isinstance(value, str):
        return None
    text = value.strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        for fmt in _FORMATS:
            try:
                parsed = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC)


def dig(data: Any, path: str) -> Any:
    """The value at a dotted path (`data.items.0.text`); None where the path does not lead."""
    if not path:
        return data
    current = data
    for part in path.split("."):
        if isinstance(current, Mapping):
            current = current.get(part)
        elif (
            isinstance(current, Sequence)
            and not isinstance(current, str)
            and part.lstrip("-").isdigit()
        ):
            index = int(part)
            current = current[index] if -len(current) <= index < len(current) else None
        else:
            return None
        if current is None:
            return None
    return current


def as_id(value: Any) -> str | None:
    """A platform id as a string; ints stay exact (Meituan ids are int64, never floats)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else None
    text = str(value).strip()
    return text or None


def split_list(value: Any) -> tuple[str, ...]:
    """Items of a comma-joined string (Meituan pictures, tags, dishes) or of a list."""
    if value is None or value == "":
        return ()
    parts = value if isinstance(value, list | tuple) else re.split(r"[,，]", str(value))
    return tuple(text for part in parts if (text := str(part).strip()))


def precision_of(value: Any) -> str:
    """ "day", "minute" or "second": how exact a platform's time string is."""
    if not isinstance(value, str):
        return "second"
    digits = re.sub(r"\D", "", value.strip())
    if len(digits) <= 8:
        return "day"
    return "minute" if len(digits) <= 12 else "second"


def parse_items(items: Iterable[Any], parse: Callable[[Any], T]) -> tuple[list[T], list[Any]]:
    """Parse each item; an unreadable one becomes a RejectedItem (quarantined, not lost)."""
    from reviewbot.platforms.base import RejectedItem

    parsed: list[T] = []
    rejected: list[RejectedItem] = []
    for item in items:
        try:
            parsed.append(parse(item))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            rejected.append(RejectedItem(item, f"{type(exc).__name__}: {exc}"))
    return parsed, rejected
