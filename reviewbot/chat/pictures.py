"""Pictures for a store's people (the digest chart), queued in the outbox like notices."""

from __future__ import annotations

from dataclasses import dataclass

from reviewbot.vocab import Audience


@dataclass(frozen=True, slots=True)
class Picture:
    """An image with a short caption, and longer text to follow it when the chat limits
    captions (Telegram: 1,024 characters)."""

    store_id: str
    store_name: str
    image: bytes
    caption: str
    text: str | None = None
    filename: str = "chart.png"
    audience: Audience = "owner"
