"""What the adapters of one process share (the HTTP client, secrets, the clock, tokens and
rate limits): apart from the registry, so an adapter needs nothing that knows every platform."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from reviewbot.platforms.credentials import Keepers, MemoryCredentialStore
from reviewbot.platforms.http import HttpClient
from reviewbot.platforms.ratelimit import RateLimits


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class AdapterContext:
    """What adapters share in one process: the HTTP client, secrets, the clock, the token
    keepers (backed by the database in the daemon) and the per-credential rate limits."""

    http: HttpClient
    secret: Callable[[str], str]
    demo_base_url: str | None = None
    now: Callable[[], datetime] = _utcnow
    keepers: Keepers = field(default_factory=lambda: Keepers(MemoryCredentialStore(), _utcnow))
    limits: RateLimits = field(default_factory=RateLimits)

    def optional_secret(self, name: str | None) -> str | None:
        return self.secret(name) if name else None


class AdapterUnavailable(Exception):
    """The source cannot be polled as configured (e.g. the demo simulator is not running)."""
