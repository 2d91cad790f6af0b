"""Builds the adapter for a configured source; the one place that knows every platform."""

from __future__ import annotations

from collections.abc import Callable

from reviewbot.platforms.base import PlatformAdapter
from reviewbot.platforms.context import AdapterContext, AdapterUnavailable
from reviewbot.platforms.demo.adapter import DemoAdapter
from reviewbot.platforms.dianping import adapter as dianping
from reviewbot.platforms.eleme import adapter as eleme
from reviewbot.platforms.google import adapter as google
from reviewbot.platforms.jsonfeed import JsonFeedAdapter
from reviewbot.platforms.meituan import adapter as meituan
from reviewbot.sourceconfig import (
    DemoSource,
    DianpingSource,
    ElemeSource,
    GoogleSource,
    JsonFeedSource,
    MeituanSource,
    SourceBase,
)


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
    return meituan.build(source, ctx)


def _eleme(source: ElemeSource, ctx: AdapterContext) -> PlatformAdapter:
    return eleme.build(source, ctx)


def _dianping(source: DianpingSource, ctx: AdapterContext) -> PlatformAdapter:
    return dianping.build(source, ctx)


def _google(source: GoogleSource, ctx: AdapterContext) -> PlatformAdapter:
    return google.build(source, ctx)


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
