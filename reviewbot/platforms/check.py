"""`reviewbot sources check`: one light, real call per configured account.

It uses the same token keepers as the daemon (the database), so a token refreshed here
is the one the daemon uses next: a rotated refresh token is never lost to a check.
"""

from __future__ import annotations

from typing import Any

import aiohttp

from reviewbot.clock import SystemClock
from reviewbot.config import ConfigError, Settings
from reviewbot.platforms.base import PlatformAdapter, PlatformError, ReauthorizationRequired
from reviewbot.platforms.context import AdapterContext, AdapterUnavailable
from reviewbot.platforms.credential_store import DbCredentialStore
from reviewbot.platforms.credentials import Keepers
from reviewbot.platforms.http import HttpClient, RetryPolicy
from reviewbot.platforms.registry import build_adapter
from reviewbot.store.db import SessionFactory


def describe_capabilities(adapter: PlatformAdapter) -> str:
    c = adapter.capabilities
    parts = ["replies" if c.can_reply else "read-only (no reply API)"]
    if c.replaces_reply:
        parts.append("a new reply replaces the last")
    if c.freshness:
        parts.append(f"reviews arrive T+{c.freshness.days or 1}")
    if c.lookback is not None:
        parts.append(f"last {c.lookback.days} days only")
    return ", ".join(parts)


async def _check_one(adapter: PlatformAdapter) -> str:
    check = getattr(adapter, "check", None)
    if check is not None:
        return await check()
    page = await adapter.fetch_page(None)
    return f"reachable ({len(page.reviews)} review(s) on the first page)"


async def check_sources(settings: Settings, sessions: SessionFactory) -> list[dict[str, Any]]:
    clock = SystemClock()
    h = settings.http
    rows: list[dict[str, Any]] = []
    async with aiohttp.ClientSession(headers={"User-Agent": h.user_agent}) as session:
        ctx = AdapterContext(
            http=HttpClient(
                session,
                RetryPolicy(
                    h.max_attempts,
                    h.backoff_initial_seconds,
                    h.backoff_max_seconds,
                    h.max_retry_after_seconds,
                ),
                timeout=h.timeout_seconds,
            ),
            secret=settings.secret,
            now=clock.now,
            keepers=Keepers(DbCredentialStore(sessions, clock, "sources-check"), clock.now),
        )
        for store in settings.stores:
            for source in store.sources:
                row = {
                    "store_id": store.id,
                    "platform": source.platform,
                    "account": source.account,
                }
                if not source.enabled:
                    rows.append({**row, "result": "disabled", "detail": "enabled = false"})
                    continue
                try:
                    adapter = build_adapter(source, ctx)
                    detail = await _check_one(adapter)
                    result = "ok"
                    detail = f"{detail}; {describe_capabilities(adapter)}"
                except ReauthorizationRequired as exc:
                    result, detail = "needs_reauth", f"authorise again, then renew secrets: {exc}"
                except PlatformError as exc:
                    result, detail = exc.code, str(exc)
                except (ConfigError, AdapterUnavailable) as exc:
                    result, detail = "not_configured", str(exc)
                rows.append({**row, "result": result, "detail": detail})
    return rows
