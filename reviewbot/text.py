"""Text lengths as chat platforms count them: Telegram measures messages in UTF-16 code
units, so an emoji (outside the Basic Multilingual Plane) counts twice."""

from __future__ import annotations


def utf16_len(text: str) -> int:
    """Telegram counts message lengths in UTF-16 code units (an emoji is two)."""
    return len(text.encode("utf-16-le")) // 2


def clip_utf16(text: str, limit: int) -> str:
    """`text` cut to at most `limit` UTF-16 code units, with an ellipsis if cut."""
    if utf16_len(text) <= limit:
        return text
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit - 1:  # room for the ellipsis
            return text[:index] + "…"
    return text
