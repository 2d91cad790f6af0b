"""Notices: system messages to a store's people (queued by the jobs with
`store.alerts.queue_notice`), as a notifier receives them."""

from __future__ import annotations

from dataclasses import dataclass

from reviewbot.vocab import Audience, Level


@dataclass(frozen=True, slots=True)
class Notice:
    store_id: str
    store_name: str
    text: str
    level: Level = "info"
    audience: Audience = "owner"
