"""Builds the adapter for a configured source; the one place that knows every platform."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reviewbot.platforms.base import PlatformAdapter
from reviewbot.platforms.demo.adapter import DemoAdapter
from reviewbot.platforms.http import HttpClient
from reviewbot.platforms.jsonfeed import JsonFeedAdapter
from reviewbot.platforms.settings import DemoSource, JsonFeedSource, SourceBase


@dataclass(frozen=True, slots=True)
class AdapterContext:
    http: HttpClient
    secret: Callable[[str], str]
    demo_base_url: str | None = None


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


BUILDERS: dict[type[SourceBase], Callable[..., PlatformAdapter]] = {
    DemoSource: _demo,
    JsonFeedSource: _jsonfeed,
}


def build_adapter(source: SourceBase, ctx: AdapterContext) -> PlatformAdapter:
    return BUILDERS[type(source)](source, ctx)
