"""The Dianping adapter against the fake Dianping router."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from reviewbot.platforms.base import (
    PlatformError,
    ReauthorizationRequired,
    ReplyNotSupported,
    SignatureInvalid,
    Unavailable,
)
from reviewbot.platforms.context import AdapterContext
from reviewbot.platforms.credentials import Keepers, MemoryCredentialStore
from reviewbot.platforms.registry import build_adapter
from reviewbot.sourceconfig import DianpingSource
from tests.fakes import adapter_context, read_all, serve
from tests.fakes.dianping import DianpingPlatform

SECRETS = {"DP_SECRET": "dp_secret", "DP_SESSION": "sess123", "DP_REFRESH": "ref-1"}


@pytest.fixture
async def dianping(clock):
    platform = DianpingPlatform(now=clock.now)
    async with serve(platform.app()) as base:
        yield platform, base


def source(base: str, **extra: Any) -> DianpingSource:
    return DianpingSource.model_validate(
        {
            "platform": "dianping",
            "open_shop_uuid": "abc",
            "app_key": "1000069",
            "app_secret_env": "DP_SECRET",
            "session_env": "DP_SESSION",
            "base_url": base,
            **extra,
        }
    )


def adapter(http, clock, base: str, secrets=SECRETS, ctx=None, **extra):
    return build_adapter(source(base, **extra), ctx or adapter_context(http, clock, secrets))


async def test_the_two_review_sets_of_a_shop_are_separate_sources(dianping, http, clock):
    platform, base = dianping
    for _ in range(21):
        platform.add(4)
    half = platform.add(2, accurateStar=25, reviewQuality=1)
    meituan_side = platform.add(1, review_set="2")
    ctx = adapter_context(http, clock, SECRETS)
    dp = adapter(http, clock, base, ctx=ctx)
    mt = adapter(http, clock, base, ctx=ctx, review_set="meituan")
    assert (dp.account, mt.account) == ("abc/dianping", "abc/meituan")

    dp_reviews, _, _ = await read_all(dp)
    mt_reviews, _, _ = await read_all(mt)

    assert len(dp_reviews) == 22 and [r.external_id for r in mt_reviews] == ["dp23"]
    assert meituan_side["reviewId"] not in {r.external_id for r in dp_reviews}
    record = next(r for r in dp_reviews if r.external_id == half["reviewId"])
    assert record.rating == 2.5 and record.text is None  # no text on this API, not ""
    assert record.sub_scores == {"口味": 2.0} and record.order_id == half["consumeOrderId"]
    assert record.created_precision == "minute" and record.tags == ("优质评价",)
    listed = [r for r in platform.requests if r.get("platform") == "1"]
    assert [r["offset"] for r in listed] == ["1", "21"]  # 1-based item offsets
    assert listed[0]["timestamp"] == "2026-11-22 12:00:00"  # Beijing time
    assert listed[0]["endtime"] == "2026-11-22 12:00:00"


async def test_stars_are_always_tens_so_5_is_half_a_star(dianping, http, clock):
    platform, base = dianping
    for accurate in (5, 10, 15):
        platform.add(
            1,
            accurateStar=accurate,
            scoreDetails=[{"title": "口味", "score": 10, "accurateScore": accurate}],
        )
    reviews, _, _ = await read_all(adapter(http, clock, base))
    assert sorted((r.rating, r.sub_scores["口味"]) for r in reviews) == [
        (0.5, 0.5),  # the worst review, not five stars
        (1.0, 1.0),
        (1.5, 1.5),
    ]


async def test_dianping_is_read_only(dianping, http, clock):
    _, base = dianping
    dp = adapter(http, clock, base)
    assert dp.capabilities.can_reply is False
    with pytest.raises(ReplyNotSupported):
        await dp.post_reply("dp1", "谢谢")


async def test_an_expired_session_is_refreshed_until_no_refreshes_remain(dianping, http, clock):
    platform, base = dianping
    platform.add(3)
    platform.sessions = set()
    platform.refresh_tokens = {"ref-1": "sess-2"}
    platform.remain_refresh_count = 1
    dp = adapter(http, clock, base, refresh_token_env="DP_REFRESH")
    page = await dp.fetch_page(None)
    assert len(page.reviews) == 1 and platform.refreshes == 1
    assert platform.requests[-1]["session"] == "sess-2"

    platform.sessions = set()  # expires again; the platform granted its last refresh
    with pytest.raises(ReauthorizationRequired, match="no refreshes left"):
        await dp.fetch_page(None)
    assert platform.refreshes == 1


async def test_shops_sharing_one_session_refresh_it_once(dianping, http, clock):
    platform, base = dianping
    platform.other_shops.add("def")
    platform.add(3)
    platform.sessions = set()
    platform.refresh_tokens = {"ref-1": "sess-2"}
    ctx = adapter_context(http, clock, SECRETS)
    shops = [
        adapter(http, clock, base, ctx=ctx, open_shop_uuid=shop, refresh_token_env="DP_REFRESH")
        for shop in ("abc", "def")
    ]

    pages = [await shop.fetch_page(None) for shop in shops]

    assert len(pages[0].reviews) == 1 and platform.refreshes == 1  # not "re-authorise" for def
    assert [r["session"] for r in platform.requests[-2:]] == ["sess-2", "sess-2"]


async def test_a_token_endpoint_hiccup_is_retried_not_a_lost_grant(dianping, http, clock):
    platform, base = dianping
    platform.add(3)
    platform.sessions = set()
    platform.refresh_tokens = {"ref-1": "sess-2"}
    platform.token_faults.append((503, "系统繁忙，请稍后再试"))  # an undocumented code
    dp = adapter(http, clock, base, refresh_token_env="DP_REFRESH")

    with pytest.raises(Unavailable, match="503"):
        await dp.fetch_page(None)
    page = await dp.fetch_page(None)  # the next poll refreshes; nobody re-authorises

    assert len(page.reviews) == 1 and platform.refreshes == 1


async def test_token_refusals_are_mapped_through_the_configured_codes(dianping, http, clock):
    platform, base = dianping
    platform.sessions = set()
    platform.refresh_tokens = {"ref-1": "sess-2"}
    platform.token_faults.append((9001, "商家已解除授权"))
    dp = adapter(
        http, clock, base, refresh_token_env="DP_REFRESH", error_codes={"9001": "auth_invalid"}
    )
    with pytest.raises(ReauthorizationRequired, match="9001"):
        await dp.fetch_page(None)
    platform.refresh_tokens = {}  # a refresh token the platform does not know
    other = adapter(http, clock, base, refresh_token_env="DP_REFRESH")
    with pytest.raises(ReauthorizationRequired, match="refresh_token无效"):
        await other.fetch_page(None)


async def test_a_wrong_secret_is_a_signature_error(dianping, http, clock, sleeps):
    _, base = dianping
    with pytest.raises(SignatureInvalid, match="签名"):
        await adapter(http, clock, base, secrets={**SECRETS, "DP_SECRET": "x"}).fetch_page(None)
    assert sleeps.calls == []


async def test_undocumented_codes_can_be_mapped_in_config(dianping, http, clock, sleeps):
    platform, base = dianping
    platform.add(5)
    platform.faults.append((429, "调用超限"))
    dp = adapter(http, clock, base, error_codes={"429": "rate_limited"})
    assert len((await dp.fetch_page(None)).reviews) == 1
    assert len(sleeps.calls) == 1  # retried as a rate limit


async def test_page_numbered_offsets_can_be_configured(dianping, http, clock):
    platform, base = dianping
    platform.offset_unit = "page"
    for n in range(45):
        platform.add(4, minutes_ago=60 + n)
    reviews, _, _ = await read_all(
        adapter(http, clock, base, offset_unit="page", offset_base=1, page_size=20)
    )
    assert len({r.external_id for r in reviews}) == 45
    assert [r["offset"] for r in platform.requests] == ["1", "2", "3"]


async def test_the_fake_rejects_what_the_platform_rejects(dianping, http, clock):
    """The one-year span, the page size and clock skew: the adapter stays inside them
    above, and here the fake is shown to refuse what is outside."""
    _, base = dianping
    dp = adapter(http, clock, base)
    now = clock.now()
    with pytest.raises(PlatformError, match="一年"):
        await dp._list(now - timedelta(days=400), now, 0, 20)
    with pytest.raises(PlatformError, match="limit最大50"):
        await dp._list(now - timedelta(days=1), now, 0, 51)
    skewed = AdapterContext(
        http=http,
        secret=SECRETS.__getitem__,
        now=lambda: clock.now() + timedelta(minutes=30),  # our clock half an hour fast
        keepers=Keepers(MemoryCredentialStore(), clock.now),
    )
    with pytest.raises(PlatformError, match="timestamp"):
        await adapter(http, clock, base, ctx=skewed).fetch_page(None)
