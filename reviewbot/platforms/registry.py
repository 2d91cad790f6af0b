"""Builds the adapter for a configured source; the one place that knows every platform."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from reviewbot.platforms.base import PlatformAdapter
from reviewbot.platforms.credentials import Keepers, MemoryCredentialStore
from reviewbot.platforms.demo.adapter import DemoAdapter
from reviewbot.platforms.http import HttpClient
from reviewbot.platforms.jsonfeed import JsonFeedAdapter
from reviewbot.platforms.ratelimit import RateLimits
from reviewbot.sourceconfig import (
    DemoSource,
    DianpingSource,
    ElemeSource,
    GoogleSource,
    JsonFeedSource,
    MeituanSource,
    SourceBase,
)


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


def _demo(source: DemoSource, ctx: AdapterContext) -> PlatformAdapter:
    base_url = source.base_url or ctx.demo_base_url
    if base_url is None:
        raise AdapterUnavailable(
            f"demo account {source.account!r} has no base_url and the in-process demo "
            "platform is not running (set [demo] serve = true)"
        )
    return DemoAdapter(ctx.http, base_url, source.account)


def _jsonfeed(source: JsonFeedSource, ctx: AdapterContext) -> PlatformAdapter:
    auth = ctx.secret(source.auth_secret_env) if source.auth_secret_env else None
    return JsonFeedAdapter(ctx.http, source, auth)


def _meituan(source: MeituanSource, ctx: AdapterContext) -> PlatformAdapter:
    from reviewbot.platforms.meituan.adapter import build

    return build(source, ctx)


def _eleme(source: ElemeSource, ctx: AdapterContext) -> PlatformAdapter:
    from reviewbot.platforms.eleme.adapter import build

    return build(source, ctx)


def _dianping(source: DianpingSource, ctx: AdapterContext) -> PlatformAdapter:
    from reviewbot.platforms.dianping.adapter import build

    return build(source, ctx)


def _google(source: GoogleSource, ctx: AdapterContext) -> PlatformAdapter:
    from reviewbot.platforms.google.adapter import build

    return build(source, ctx)


BUILDERS: dict[type[SourceBase], Callable[..., PlatformAdapter]] = {
    DemoSource: _demo,
    JsonFeedSource: _jsonfeed,
    MeituanSource: _meituan,
    ElemeSource: _eleme,
    DianpingSource: _dianping,
    GoogleSource: _google,
}


def build_adapter(source: SourceBase, ctx: AdapterContext) -> PlatformAdapter:
    return BUILDERS[type(source)](source, ctx)
