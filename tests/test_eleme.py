"""The Ele.me adapter against the fake Ele.me platform."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest

from reviewbot import logs
from reviewbot.platforms.base import (
    AlreadyReplied,
    ContentRejected,
    ReauthorizationRequired,
    SignatureInvalid,
    ValidationFailed,
)
from reviewbot.platforms.context import AdapterContext
from reviewbot.platforms.credentials import Keepers, MemoryCredentialStore, TokenSet
from reviewbot.platforms.registry import build_adapter
from reviewbot.sourceconfig import ElemeSource
from tests.fakes import adapter_context, read_all, serve
from tests.fakes.eleme import BEIJING, ElemePlatform

SECRETS = {"ELE_SECRET": "ele_secret", "ELE_REFRESH": "refresh-0"}


@pytest.fixture
async def eleme(clock):
    platform = ElemePlatform(now=clock.now)
    async with serve(platform.app()) as base:
        yield platform, base


def settings(base: str, **extra: Any) -> ElemeSource:
    return ElemeSource.model_validate(
        {
            "platform": "eleme",
            "account": "123456",
            "app_key": "appkey1",
            "app_secret_env": "ELE_SECRET",
            "base_url": base,
            **extra,
        }
    )


def adapter(http, clock, base: str, secrets=SECRETS, ctx: AdapterContext | None = None, **extra):
    return build_adapter(settings(base, **extra), ctx or adapter_context(http, clock, secrets))


async def test_rates_are_paged_within_90_days_and_normalized(eleme, http, clock):
    platform, base = eleme
    for n in range(25):
        platform.add(f"第{n}单：还行", 4, hours_ago=1 + n * 20)
    anonymous = platform.add(
        "",
        2,
        hours_ago=3,
        order_id=None,
        items=[
            {
                "itemId": 1,
                "itemName": "宫保鸡丁",
                "rating": 1,
                "rateContent": "太咸了",
                "pictures": ["https://i/1.jpg", "https://i/2.jpg"],
            },
            {"itemId": 2, "itemName": "米饭", "rating": 5, "rateContent": "", "pictures": []},
        ],
    )
    anonymous["rateTag"]["tagList"] = ["分量足"]
    platform.add("三个月前的", 1, hours_ago=24 * 95)  # beyond what the platform serves

    reviews, pages, _ = await read_all(adapter(http, clock, base, backfill_days=90))

    assert len(reviews) == 26 and [len(p.reviews) for p in pages] == [20, 6]
    record = next(r for r in reviews if r.external_id == anonymous["id"])
    assert record.order_id is None and record.rating == 2.0
    assert record.text == "【宫保鸡丁】太咸了"  # per-dish words reach the classifier
    assert record.images == ("https://i/1.jpg", "https://i/2.jpg")
    assert [(i.name, i.rating) for i in record.items] == [("宫保鸡丁", 1.0), ("米饭", 5.0)]
    assert record.tags == ("分量足",)
    assert record.created_at == (clock.now() - timedelta(hours=3)).replace(microsecond=0)
    ordinary = next(r for r in reviews if r.external_id == "r1")
    assert ordinary.order_id == "o-1"
    listed = [e for e in platform.requests if e["action"].endswith("getOrderRatesByShopId")]
    oldest = min(
        datetime.fromisoformat(e["params"]["startTime"]).replace(tzinfo=BEIJING) for e in listed
    )
    assert oldest >= clock.now() - timedelta(days=90)
    assert {e["params"]["pageSize"] for e in listed} == {20}
    assert all(e["metas"]["timestamp"] > 1e12 for e in listed)  # milliseconds by default
    assert len(platform.token_requests) == 1  # client_credentials, obtained once


def test_the_reply_length_limit_is_a_setting(http, clock):
    assert adapter(http, clock, "http://127.0.0.1:9").capabilities.reply_max_chars == 300
    long = adapter(http, clock, "http://127.0.0.1:9", reply_max_chars=450)
    assert long.capabilities.reply_max_chars == 450


async def test_seconds_timestamps_can_be_configured(eleme, http, clock):
    platform, base = eleme
    platform.add("好", 5)
    reviews, _, _ = await read_all(adapter(http, clock, base, timestamp_unit="s"))
    assert len(reviews) == 1 and platform.requests[-1]["metas"]["timestamp"] < 1e12


async def test_one_app_token_is_shared_by_the_shops_of_an_app(eleme, http, clock):
    platform, base = eleme
    ctx = AdapterContext(
        http=http,
        secret=SECRETS.__getitem__,
        now=clock.now,
        keepers=Keepers(MemoryCredentialStore(), clock.now),
    )
    first = adapter(http, clock, base, ctx=ctx)
    second = adapter(http, clock, base, ctx=ctx, account="other", shop_id="123456")
    await asyncio.gather(first.fetch_page(None), second.fetch_page(None))
    assert len(platform.token_requests) == 1


async def test_an_expired_token_is_replaced_and_the_call_retried_once(eleme, http, clock):
    platform, base = eleme
    platform.add("好", 5)
    ele = adapter(http, clock, base)
    await ele.fetch_page(None)
    platform.tokens = set()  # the platform expired it
    page = await ele.fetch_page(None)
    assert len(page.reviews) == 1 and len(platform.token_requests) == 2


async def test_rate_limits_are_retried_and_bad_signatures_are_not(eleme, http, clock, sleeps):
    platform, base = eleme
    platform.add("好", 5)
    ele = adapter(http, clock, base)
    await ele.fetch_page(None)
    platform.faults.append("EXCEED_LIMIT")
    assert len((await ele.fetch_page(None)).reviews) == 1
    assert len(sleeps.calls) == 1
    # A valid token (stored by an earlier run) but a wrong secret: the calls are signed
    # wrongly. /token would refuse the wrong secret first, so the token comes from the store.
    store = MemoryCredentialStore()
    wrong_secrets = {**SECRETS, "ELE_SECRET": "nope"}
    wrong = adapter(http, clock, base, ctx=adapter_context(http, clock, wrong_secrets, store))
    (token,) = platform.tokens
    await store.save(wrong.keeper.key, wrong.keeper.seed_hash, TokenSet(token), clock.now())
    with pytest.raises(SignatureInvalid, match="INVALID_SIGNATURE"):
        await wrong.fetch_page(None)
    assert len(sleeps.calls) == 1 and len(platform.token_requests) == 1


async def test_the_fake_rejects_what_the_platform_rejects(eleme, http, clock):
    """Page size, the 90-day window and clock skew: the adapter stays inside them above,
    and here the fake is shown to refuse what is outside."""
    _, base = eleme
    ele = adapter(http, clock, base)
    now = clock.now()
    with pytest.raises(ValidationFailed, match="pageSize"):
        await ele._list(now - timedelta(days=1), now, 0, 21)
    with pytest.raises(ValidationFailed, match="90天"):
        await ele._list(now - timedelta(days=91), now, 0, 20)
    skewed = AdapterContext(
        http=http,
        secret=SECRETS.__getitem__,
        now=lambda: clock.now() - timedelta(hours=1),  # our clock an hour slow
        keepers=Keepers(MemoryCredentialStore(), clock.now),
    )
    with pytest.raises(SignatureInvalid, match="INVALID_TIMESTAMP"):
        await adapter(http, clock, base, ctx=skewed).fetch_page(None)


async def test_replies_go_by_rate_id_even_for_anonymous_reviews(eleme, http, clock):
    platform, base = eleme
    rate = platform.add("", 1, order_id=None)
    ele = adapter(http, clock, base)
    await ele.post_reply(rate["id"], "非常抱歉，我们会改进")
    assert rate["orderRateReply"]["content"] == "非常抱歉，我们会改进"
    sent = platform.requests[-1]["params"]
    assert sent == {
        "rateId": rate["id"],
        "shopId": "123456",
        "replyType": "ORDER",
        "reply": "非常抱歉，我们会改进",
    }
    with pytest.raises(AlreadyReplied):
        await ele.post_reply(rate["id"], "再回复一次")
    other = platform.add("难吃", 1)
    with pytest.raises(ContentRejected):
        await ele.post_reply(other["id"], "你这是垃圾评价")


async def test_a_refused_refresh_token_asks_for_reauthorisation(eleme, http, clock):
    platform, base = eleme
    ele = adapter(http, clock, base, grant="refresh_token", refresh_token_env="ELE_REFRESH")
    with pytest.raises(ReauthorizationRequired, match="refresh refused"):
        await ele.fetch_page(None)
    platform.refresh_tokens["refresh-0"] = "granted"
    with pytest.raises(ReauthorizationRequired):  # stays marked until the secrets change
        await ele.fetch_page(None)
    assert len(platform.token_requests) == 1


async def test_shops_sharing_one_isv_grant_share_its_token(eleme, http, clock):
    platform, base = eleme
    platform.other_shops.add("654321")
    platform.refresh_tokens["refresh-0"] = "granted"
    ctx = adapter_context(http, clock, SECRETS)
    isv = {"grant": "refresh_token", "refresh_token_env": "ELE_REFRESH"}
    shops = [
        adapter(http, clock, base, ctx=ctx, **isv),
        adapter(http, clock, base, ctx=ctx, account="654321", **isv),
    ]

    for shop in shops:
        await shop.fetch_page(None)
    platform.tokens = set()  # expired: refreshed once for both shops
    await asyncio.gather(*(shop.fetch_page(None) for shop in shops))

    assert [r["refresh_token"] for r in platform.token_requests] == ["refresh-0", "refresh-1"]


async def test_refresh_token_grant_rotates_and_keeps_the_new_refresh_token(eleme, http, clock):
    platform, base = eleme
    platform.refresh_tokens["refresh-0"] = "granted"
    platform.add("好", 5)
    ele = adapter(http, clock, base, grant="refresh_token", refresh_token_env="ELE_REFRESH")
    await ele.fetch_page(None)
    platform.tokens = set()
    await ele.fetch_page(None)  # refreshed with the rotated refresh token, not the configured one
    assert [r["refresh_token"] for r in platform.token_requests] == ["refresh-0", "refresh-1"]
    # Tokens obtained at run time are secrets: a log line quoting them is redacted.
    assert platform.tokens == {"granted-next"}
    line = logs.redact("GET /shop?token=granted-next refresh=refresh-2")
    assert "granted-next" not in line and "refresh-2" not in line
