"""The Google Business Profile adapter against the fake Google API."""

from __future__ import annotations

from typing import Any

import pytest

from reviewbot.platforms.base import NotFound, ReauthorizationRequired, ValidationFailed
from reviewbot.platforms.registry import build_adapter
from reviewbot.sourceconfig import GoogleSource
from tests.fakes import adapter_context, read_all, serve
from tests.fakes.google import GooglePlatform

SECRETS = {"G_SECRET": "g-secret", "G_REFRESH": "g-refresh"}


@pytest.fixture
async def google(clock):
    platform = GooglePlatform(now=clock.now)
    async with serve(platform.app()) as base:
        yield platform, base


def adapter(http, clock, base: str, secrets=SECRETS, **extra: Any):
    settings = GoogleSource.model_validate(
        {
            "platform": "google",
            "account": "accounts/111/locations/222",
            "client_id": "client-1.apps.googleusercontent.com",
            "client_secret_env": "G_SECRET",
            "refresh_token_env": "G_REFRESH",
            "base_url": base,
            "token_url": f"{base}/token",
            **extra,
        }
    )
    return build_adapter(settings, adapter_context(http, clock, secrets))


def listed(platform: GooglePlatform) -> list[dict[str, str]]:
    return [r for r in platform.requests if r["path"].endswith("/reviews")]


async def test_reviews_are_paged_by_token_and_normalized(google, http, clock):
    platform, base = google
    for n in range(110):
        platform.add(5, f"好评{n}", minutes_ago=200 + n)
    anonymous = platform.add(
        1, None, reviewer={"displayName": "A Google user", "isAnonymous": True}
    )
    replied = platform.add(2, "Too salty", reviewReply={"comment": "Sorry!", "updateTime": "x"})

    reviews, pages, _ = await read_all(adapter(http, clock, base))

    assert [len(p.reviews) for p in pages] == [50, 50, 12]
    assert pages[-1].completed_scan is not None  # a full scan of the whole history
    by_id = {r.external_id: r for r in reviews}
    star_only = by_id[anonymous["reviewId"]]
    assert star_only.rating == 1.0 and star_only.text == "" and star_only.author is None
    assert by_id[replied["reviewId"]].reply_text == "Sorry!"
    assert by_id["g1"].author == "顾客1" and by_id["g1"].rating == 5.0
    assert {r["pageSize"] for r in listed(platform)} == {"50"}
    assert {r["orderBy"] for r in listed(platform)} == {"updateTime desc"}
    assert len([r for r in platform.requests if r["path"] == "/token"]) == 1


async def test_an_incremental_poll_stops_at_the_high_water_mark(google, http, clock):
    platform, base = google
    for n in range(120):
        platform.add(4, f"旧评价{n}", minutes_ago=60 * 24 * 5 + n)
    g = adapter(http, clock, base, rescan_days=1)
    _, _, cursor = await read_all(g)
    before = len(listed(platform))
    clock.advance(minutes=30)
    platform.add(1, "New and bad")

    reviews, pages, _ = await read_all(g, cursor)

    assert len(listed(platform)) - before == 1  # one page, not the whole history again
    assert "New and bad" in [r.text for r in reviews] and pages[-1].completed_scan is None


async def test_an_edit_bumps_update_time_and_is_read_again(google, http, clock):
    platform, base = google
    review = platform.add(5, "Great noodles", minutes_ago=60 * 24 * 10)
    for n in range(60):
        platform.add(4, f"其他{n}", minutes_ago=60 * 24 * 3)
    g = adapter(http, clock, base)
    first, _, cursor = await read_all(g)
    clock.advance(hours=1)
    platform.edit(review, "Got food poisoning", 1)
    second, _, _ = await read_all(g, cursor)
    edited = next(r for r in second if r.external_id == review["reviewId"])
    original = next(r for r in first if r.external_id == review["reviewId"])
    assert (edited.text, edited.rating) == ("Got food poisoning", 1.0)
    assert edited.content_hash != original.content_hash
    assert edited.updated_at > original.updated_at


async def test_replies_are_an_idempotent_upsert(google, http, clock, sleeps):
    platform, base = google
    review = platform.add(2, "Slow service")
    g = adapter(http, clock, base)
    await g.post_reply(review["reviewId"], "Sorry for the wait")
    platform.faults.append(429)  # throttled once: a PUT is safe to retry
    receipt = await g.post_reply(review["reviewId"], "Sorry for the wait, fixed")
    assert review["reviewReply"]["comment"] == "Sorry for the wait, fixed"
    assert receipt.replied_at is not None and sleeps.calls == [1.0]


async def test_an_expired_token_is_refreshed_and_a_revoked_grant_asks_for_reauth(
    google, http, clock
):
    platform, base = google
    platform.add(3, "OK")
    g = adapter(http, clock, base)
    await g.fetch_page(None)
    platform.tokens = set()  # the hour is up
    assert len((await g.fetch_page(None)).reviews) == 1
    assert platform.issued == 2

    platform.tokens = set()
    platform.refresh_tokens = set()  # the owner revoked access
    with pytest.raises(ReauthorizationRequired, match="invalid_grant"):
        await g.fetch_page(None)


async def test_a_fresh_token_that_is_refused_too_asks_for_reauth_once(google, http, clock):
    platform, base = google
    platform.add(3, "OK")
    platform.honour_new_tokens = False  # the token endpoint answers, the API refuses
    g = adapter(http, clock, base)
    with pytest.raises(ReauthorizationRequired, match="a fresh token was refused"):
        await g.fetch_page(None)
    calls = len(platform.requests)
    with pytest.raises(ReauthorizationRequired):
        await g.fetch_page(None)
    assert len(platform.requests) == calls  # fails fast, no refresh loop
    assert platform.issued == 2  # the first token, then one refresh: never more


async def test_the_fake_rejects_what_the_platform_rejects(google, http, clock):
    """pageSize over 50 and an unknown location: the adapter stays inside the first above,
    and here the fake is shown to refuse both."""
    platform, base = google
    g = adapter(http, clock, base)
    with pytest.raises(ValidationFailed, match="pageSize"):
        await g._call("GET", f"{base}/v4/{platform.location}/reviews", params={"pageSize": "51"})
    elsewhere = adapter(http, clock, base, location="accounts/111/locations/999")
    with pytest.raises(NotFound, match="404"):
        await elsewhere.fetch_page(None)
