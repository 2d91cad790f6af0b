"""Per-credential token buckets, so one merchant account never trips its platform's quota.

Platforms count calls per app or per token (Google: 300 per minute per project; Meituan
and Ele.me: unpublished quotas enforced with 711 / EXCEED_LIMIT). Every adapter sharing a
credential shares its bucket, whichever store or review set it polls for.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class TokenBucket:
    """`rate_per_minute` calls a minute on average, up to `burst` at once.

    A caller that finds the bucket empty reserves the next token and sleeps until it is
    due, so waiting callers are served in order and never all wake at once.
    """

    def __init__(
        self,
        rate_per_minute: float,
        burst: float | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate_per_minute <= 0:
            raise ValueError("rate_per_minute must be positive")
        self.rate = rate_per_minute / 60.0
        self.burst = max(1.0, burst if burst is not None else min(10.0, rate_per_minute / 6))
        self._tokens = self.burst
        self._monotonic = monotonic
        self._sleep = sleep
        self._last = monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> float:
        """Take one token, waiting if needed; returns the seconds waited."""
        async with self._lock:
            now = self._monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
            self._last = now
            self._tokens -= 1.0
            wait = 0.0 if self._tokens >= 0 else -self._tokens / self.rate
        if wait > 0:
            await self._sleep(wait)
        return wait


class RateLimits:
    """The buckets of one process, by credential key."""

    def __init__(
        self,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._buckets: dict[str, TokenBucket] = {}
        self._monotonic = monotonic
        self._sleep = sleep

    def bucket(self, key: str, rate_per_minute: float) -> TokenBucket:
        """The bucket for `key`; the first caller's rate wins for a shared credential."""
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = TokenBucket(rate_per_minute, monotonic=self._monotonic, sleep=self._sleep)
            self._buckets[key] = bucket
        return bucket
