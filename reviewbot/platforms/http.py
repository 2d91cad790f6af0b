"""One retrying JSON-over-HTTP client shared by every adapter.

Retries follow the platforms' own advice: exponential backoff with full jitter on 5xx,
timeouts, network errors and malformed bodies, and exactly the wait a 429 asks for in
Retry-After. A wait longer than `max_retry_after_seconds` is not slept through: the error
goes up so the poller can reschedule the account instead of holding a worker.
Secrets travel in headers or signed parameters; only method, host and path are logged, and
query strings are cut from the errors the HTTP library reports.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import random
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from reviewbot.platforms.base import (
    AlreadyReplied,
    AuthExpired,
    AuthInvalid,
    MalformedResponse,
    NotFound,
    PlatformError,
    RateLimited,
    Unavailable,
    ValidationFailed,
)

log = logging.getLogger(__name__)

BodyCheck = Callable[[Any], None]
"""Raises a PlatformError for errors a platform reports inside an HTTP 200 body."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 4
    initial: float = 0.5
    maximum: float = 30.0
    max_retry_after: float = 60.0

    def backoff(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        """Full-jitter exponential backoff for the wait after failed attempt `attempt` (1-based)."""
        return rng() * min(self.maximum, self.initial * 2 ** (attempt - 1))


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:  # "inf" and "nan" parse as floats but are no wait at all
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}{':' + str(parts.port) if parts.port else ''}{parts.path}"


_QUERY = re.compile(r"(\w+://[^\s?#'\"]*)\?[^\s#'\"]*")


def _without_queries(text: str) -> str:
    """Some platforms take tokens in the query string (Meituan ISV access_token, the
    Dianping session); an error naming a URL (a redirect loop, a bad URL) must not carry it
    into logs and `sources.last_error`."""
    return _QUERY.sub(r"\1?…", text)


def _snippet(body: bytes, limit: int = 200) -> str:
    text = body[:limit].decode("utf-8", errors="replace").replace("\n", " ")
    return text + ("…" if len(body) > limit else "")


_STATUS_ERRORS: dict[int, type[PlatformError]] = {
    400: ValidationFailed,
    401: AuthExpired,
    403: AuthInvalid,
    404: NotFound,
    409: AlreadyReplied,
    422: ValidationFailed,
}


def decode_json(body: bytes, where: str) -> Any:
    """JSON from bytes; invalid UTF-8 is replaced (the review survives, marked with U+FFFD)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        log.warning("invalid UTF-8 in response from %s; undecodable bytes replaced", where)
        text = body.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError as exc:
        raise MalformedResponse(f"malformed JSON from {where}: {exc}: {_snippet(body)}") from None


class HttpClient:
    """Wraps the process's one aiohttp session with timeouts, retries and error mapping."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        policy: RetryPolicy,
        *,
        timeout: float = 15.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.session = session
        self.policy = policy
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._sleep = sleep
        self._rng = rng

    async def request_json(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        form: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        check: BodyCheck | None = None,
        idempotent: bool = True,
    ) -> Any:
        """The decoded JSON body of a successful response, after retries.

        Non-idempotent calls (posting a reply) get one attempt: whether a lost response
        was applied is for the caller to find out before trying again.
        """
        where = _where(url)
        attempts = self.policy.max_attempts if idempotent else 1
        for attempt in range(1, attempts + 1):
            try:
                return await self._once(method, url, where, params, json_body, form, headers, check)
            except PlatformError as exc:
                error = exc
            if not error.retryable or attempt == attempts:
                raise error
            if error.retry_after is not None:
                delay = error.retry_after
            else:
                delay = self.policy.backoff(attempt, self._rng)
            if delay > self.policy.max_retry_after:
                raise error
            log.info(
                "%s %s failed (%s), attempt %d/%d, retrying in %.1fs",
                method,
                where,
                error,
                attempt,
                attempts,
                delay,
            )
            await self._sleep(delay)
        raise AssertionError("unreachable")

    async def _once(
        self,
        method: str,
        url: str,
        where: str,
        params: Mapping[str, Any] | None,
        json_body: Any,
        form: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        check: BodyCheck | None,
    ) -> Any:
        try:
            async with self.session.request(
                method,
                url,
                params=params,
                json=json_body,
                data=form,
                headers=headers,
                timeout=self.timeout,
            ) as response:
                body = await response.read()
                status = response.status
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
        except TimeoutError:
            raise Unavailable(f"{method} {where} timed out after {self.timeout.total:g}s") from None
        except aiohttp.ClientError as exc:
            raise Unavailable(
                f"{method} {where}: {type(exc).__name__}: {_without_queries(str(exc))}"
            ) from None
        if status == 429:
            raise RateLimited(f"{method} {where}: HTTP 429 rate limited", retry_after=retry_after)
        if status >= 500:
            raise Unavailable(
                f"{method} {where}: HTTP {status}: {_snippet(body)}", retry_after=retry_after
            )
        if status >= 400:
            error = _STATUS_ERRORS.get(status, PlatformError)
            raise error(f"{method} {where}: HTTP {status}: {_snippet(body)}")
        data = decode_json(body, where)
        if check is not None:
            check(data)
        return data
