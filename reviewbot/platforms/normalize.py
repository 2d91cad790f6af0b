"""Turning untrusted platform values into clean text, times and ratings.

Review text is user input from the internet: it may carry HTML, control characters,
megabytes of spam or nothing at all. Times come in every format and zone a platform
fancies. Everything leaving this module is plain, bounded and in UTC.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from reviewbot.safejson import has_unstorable, storable_text

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
    text = storable_text(_CONTROL.sub("", text))  # lone surrogates (valid JSON) → U+FFFD
    text = _SPACES.sub(" ", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def clean_text(value: Any, *, limit: int = MAX_TEXT_CHARS) -> tuple[str, bool]:
    """Plain, NFC-normalized text without markup or control characters; (text, truncated)."""
    if value is None or value == "":
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


def _none_when_out_of_range(
    parse: Callable[..., datetime | None],
) -> Callable[..., datetime | None]:
    """A time beyond what datetime holds (`1e20`, year 0, NaN) is no time, not an error."""

    @functools.wraps(parse)
    def guarded(*args: Any, **kwargs: Any) -> datetime | None:
        try:
            return parse(*args, **kwargs)
        except (OverflowError, OSError, ValueError):
            return None

    return guarded


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


# Dates as Chinese back-ends and Excel on zh-CN Windows write them: 2026-11-20 12:30,
# 2026/11/20 12:30 (unpadded 2026/1/5 9:05 too), 2026/11/20, 2026年11月20日, 2026.11.20.
_LOCAL_TIME = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:\s+|T)(\d{1,2})\s*[:：]\s*(\d{1,2})(?:\s*[:：]\s*(\d{1,2}))?)?$"
)


def _local_time(text: str) -> tuple[datetime, str] | None:
    """A naive datetime and its precision ("day", "minute", "second"), or None."""
    match = _LOCAL_TIME.match(text)
    if match is None:
        if len(text) == 8 and text.isdigit():  # yyyyMMdd, as Meituan sends days
            try:
                return datetime.strptime(text, "%Y%m%d"), "day"
            except ValueError:
                return None
        return None
    year, month, day, hour, minute, second = match.groups()
    try:
        moment = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError:  # 2026/13/45
        return None
    precision = "second" if second else "minute" if minute else "day"
    return moment, precision


@_none_when_out_of_range
def parse_time(value: Any, tz: str | ZoneInfo = "Asia/Shanghai") -> datetime | None:
    """A UTC datetime from ISO 8601, common Chinese formats or Unix seconds/milliseconds.

    Times without a zone are read in `tz` (the platform's local time, usually Beijing).
    Relative times ("昨天") and impossible dates give None: there is no guessing.
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
        local = _local_time(text)
        parsed = local[0] if local else None
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
    return text if text and not has_unstorable(text) else None  # an id must be stored exactly


def as_url(value: Any) -> str | None:
    """A link to a review on its platform, if it is one a card may show: http(s) only,
    nothing that could be a script or a local file, of a sane length."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if len(url) > 2000 or any(c.isspace() for c in url) or has_unstorable(url):
        return None
    scheme, _, rest = url.partition("://")
    return url if scheme.lower() in ("http", "https") and rest else None


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
    local = _local_time(value.strip())
    if local is not None:
        return local[1]
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
        except Exception as exc:  # whatever it is, only this item is affected
            rejected.append(RejectedItem(item, f"{type(exc).__name__}: {exc}"))
    return parsed, rejected
