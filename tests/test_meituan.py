"""The Meituan adapter, both gateways, against the fake Meituan platform."""

from __future__ import annotations

import asyncio
import io
import logging
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from reviewbot.app.daemon import Daemon
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.platforms.base import (
    ContentRejected,
    PlatformError,
    SignatureInvalid,
    ValidationFailed,
)
from reviewbot.platforms.credential_store import DbCredentialStore
from reviewbot.platforms.registry import build_adapter
from reviewbot.sourceconfig import MeituanSource
from reviewbot.store.health import source_health
from reviewbot.store.schema import (
    Alert,
    AuditEntry,
    Draft,
    OutboxMessage,
    QuarantinedItem,
    Review,
    ReviewRevision,
    Source,
)
from reviewbot.workflow import actions
from reviewbot.workflow.actions import Actor
from tests.conftest import make_settings
from tests.fakes import adapter_context, read_all, serve
from tests.fakes.meituan import MeituanPlatform

SECRETS = {
    "MT_SECRET": "test_secret",
    "MT_TOKEN": "tok-1",
    "MT_REFRESH": "r-1",
    "MT_SIGN_KEY": "signkey123",
    "MT_AUTH": "tok123",
}


@pytest.fixture
async def meituan(clock):
    platform = MeituanPlatform(now=clock.now)
    async with serve(platform.app()) as base:
        platform.public_base = f"{base}/api/v1"
        yield platform, base


def legacy(base: str, **extra: Any) -> dict[str, Any]:
    return {
        "platform": "meituan",
        "account": "store_001",
        "app_id": "1234",
        "app_secret_env": "MT_SECRET",
        "base_url": f"{base}/api/v1",
        **extra,
    }


def ng(base: str, **extra: Any) -> dict[str, Any]:
    return {
        "platform": "meituan",
        "gateway": "ng",
        "account": "store_001",
        "developer_id": "100001",
        "sign_key_env": "MT_SIGN_KEY",
        "app_auth_token_env": "MT_AUTH",
        "base_url": base,
        **extra,
    }


def adapter(http, clock, source: dict[str, Any], store=None, secrets=SECRETS):
    return build_adapter(
        MeituanSource.model_validate(source), adapter_context(http, clock, secrets, store)
    )


async def test_the_legacy_gateway_pages_a_whole_window_and_normalizes(meituan, http, clock):
    platform, base = meituan
    for n in range(44):
        platform.add(f"第{n}条：还可以", 4, days_ago=1 + n % 20)
    special = platform.add(
        "鱼香肉丝太甜了",
        2,
        days_ago=2,
        order_comment_score=3,
        comment_pictures="https://p/1.jpg, https://p/2.jpg,",
        comment_lables="味道赞,包装好",
        praise_food_list="米饭",
        critic_food_list="鱼香肉丝",
        comment_order_detail=[{"food_name": "鱼香肉丝", "count": 1}],
        add_comment="第二天肚子不舒服",
        add_comment_time="2026-11-21",
        e_reply_content="抱歉",
    )
    broken = {"comment_content": "没有编号的一条", "comment_time": "2026-11-20"}
    platform.comments.append(broken)

    mt = adapter(http, clock, legacy(base))
    reviews, pages, _ = await read_all(mt)

    assert [len(p.reviews) + len(p.rejected) for p in pages] == [20, 20, 6]
    assert len({r.external_id for r in reviews}) == 45
    assert pages[-1].completed_scan is not None and not pages[-1].has_more
    assert [item.raw for p in pages for item in p.rejected] == [broken]
    record = next(r for r in reviews if r.external_id == str(special["comment_id"]))
    assert record.external_id == "9007199254741037"  # int64, exact
    assert record.rating == 2.0 and record.sub_scores == {
        "taste": 3.0,
        "delivery": 5.0,
        "packaging": 4.0,
    }
    assert record.images == ("https://p/1.jpg", "https://p/2.jpg")
    assert record.tags == ("味道赞", "包装好")
    assert [(i.name, i.count, i.liked) for i in record.items] == [
        ("鱼香肉丝", 1, False),
        ("米饭", None, True),
    ]
    assert [f.text for f in record.follow_ups] == ["第二天肚子不舒服"]
    assert record.reply_text == "抱歉" and record.author is None and record.order_id is None
    assert record.created_precision == "day"
    assert record.created_at.isoformat() == "2026-11-19T16:00:00+00:00"  # Beijing midnight
    queries = [r for r in platform.requests if "pageoffset" in r]
    assert {q["end_time"] for q in queries} == {"20261121"}  # never today
    assert {q["pagesize"] for q in queries} == {"20"}
    assert [q["pageoffset"] for q in queries] == ["0", "20", "40"]


def test_the_reply_length_limit_is_a_setting(http, clock):
    short = adapter(http, clock, legacy("http://127.0.0.1:9", reply_max_chars=120))
    assert short.capabilities.reply_max_chars == 120
    assert adapter(http, clock, ng("http://127.0.0.1:9")).capabilities.reply_max_chars == 300


async def test_todays_reviews_arrive_the_next_day(meituan, http, clock):
    platform, base = meituan
    platform.add("今天的差评：太咸", 1, days_ago=0)
    mt = adapter(http, clock, legacy(base))
    assert mt.capabilities.freshness == timedelta(days=1)
    assert mt.capabilities.lookback == timedelta(days=30)
    reviews, _, cursor = await read_all(mt)
    assert reviews == []
    clock.advance(days=1)
    reviews, _, _ = await read_all(mt, cursor)
    assert [r.text for r in reviews] == ["今天的差评：太咸"]


async def test_a_rescan_overlaps_the_last_window(meituan, http, clock):
    platform, base = meituan
    platform.add("一条", 3, days_ago=1)
    mt = adapter(http, clock, legacy(base, rescan_days=3, full_rescan_hours=0))
    _, _, cursor = await read_all(mt)
    clock.advance(days=1)
    await read_all(mt, cursor)
    last = platform.requests[-1]
    assert (last["start_time"], last["end_time"]) == ("20261119", "20261122")


async def test_rate_limits_and_system_errors_in_200_bodies_are_retried(
    meituan, http, clock, sleeps
):
    platform, base = meituan
    platform.add("好吃", 5)
    platform.faults.extend([711, 700])
    reviews, _, _ = await read_all(adapter(http, clock, legacy(base)))
    assert [r.text for r in reviews] == ["好吃"]
    assert len(sleeps.calls) == 2


async def test_a_bad_signature_is_reported_not_retried(meituan, http, clock, sleeps):
    _, base = meituan
    wrong = {**SECRETS, "MT_SECRET": "not-the-secret"}
    with pytest.raises(SignatureInvalid, match="703"):
        await adapter(http, clock, legacy(base), secrets=wrong).fetch_page(None)
    assert sleeps.calls == []


async def test_the_signature_covers_the_url_the_client_used(meituan, http, clock):
    platform, base = meituan
    platform.public_base = "https://waimaiopen.meituan.com/api/v1"  # not what we called
    with pytest.raises(SignatureInvalid):
        await adapter(http, clock, legacy(base)).fetch_page(None)


async def test_replies_are_posted_as_form_and_sensitive_words_are_rejected(meituan, http, clock):
    platform, base = meituan
    comment = platform.add("菜凉了", 2)
    mt = adapter(http, clock, legacy(base))
    receipt = await mt.post_reply(str(comment["comment_id"]), "非常抱歉，下次一定注意保温")
    assert receipt.external_id == str(comment["comment_id"])
    assert platform.replies == [(str(comment["comment_id"]), "非常抱歉，下次一定注意保温")]
    with pytest.raises(ContentRejected, match="1031"):
        await mt.post_reply(str(comment["comment_id"]), "你傻吗")


async def test_the_fake_rejects_what_the_platform_rejects(meituan, http, clock):
    """The fake enforces the real limits, so the adapter's compliance above means something."""
    _, base = meituan
    mt = adapter(http, clock, legacy(base))
    with pytest.raises(ValidationFailed, match="当前日期"):
        await mt.gateway.list(
            clock.now() - timedelta(days=1), clock.now() + timedelta(days=1), 0, 20
        )
    with pytest.raises(ValidationFailed, match="pagesize"):
        await mt.gateway.list(
            clock.now() - timedelta(days=3), clock.now() - timedelta(days=1), 0, 21
        )
    with pytest.raises(ValidationFailed, match="30天"):
        await mt.gateway.list(
            clock.now() - timedelta(days=40), clock.now() - timedelta(days=1), 0, 20
        )


async def test_isv_token_is_refreshed_once_for_concurrent_calls_and_survives_restart(
    meituan, http, clock, sessions, caplog
):
    caplog.set_level(logging.DEBUG)
    platform, base = meituan
    platform.require_token = True
    platform.refresh_tokens = {"r-1": "tok-2"}  # tok-1 (configured) has expired
    platform.add("好吃", 5)
    source = legacy(base, access_token_env="MT_TOKEN", refresh_token_env="MT_REFRESH")
    store = DbCredentialStore(sessions, clock, "replica-a")
    mt = adapter(http, clock, source, store)

    pages = await asyncio.gather(*(mt.fetch_page(None) for _ in range(3)))

    assert all(len(p.reviews) == 1 for p in pages)
    assert platform.refreshes == 1
    restarted = adapter(http, clock, source, DbCredentialStore(sessions, clock, "replica-b"))
    await restarted.fetch_page(None)
    assert platform.refreshes == 1  # the stored token was used, not the configured one
    assert platform.requests[-1]["access_token"] == "tok-2"
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("reviewbot")]
    assert ours and not any("tok-2" in m or "r-1" in m for m in ours)  # never logged


async def test_new_gateway_lists_replies_and_refreshes(meituan, http, clock):
    platform, base = meituan
    platform.tokens = {"tok123"}
    comment = platform.add("送餐太慢", 2)
    mt = adapter(http, clock, ng(base, refresh_token_env="MT_REFRESH"))
    reviews, _, _ = await read_all(mt)
    assert [r.external_id for r in reviews] == [str(comment["comment_id"])]
    assert platform.requests[-1]["biz"].startswith(
        '{"startTime":"2026-10-24","endTime":"2026-11-21"'
    )

    platform.tokens = set()  # appAuthToken expired
    platform.refresh_tokens = {"r-1": "tok456"}
    await mt.post_reply(str(comment["comment_id"]), "抱歉让您久等了")
    assert platform.refreshes == 1
    assert platform.replies == [(str(comment["comment_id"]), "抱歉让您久等了")]


async def test_new_gateway_signature_rate_limit_and_limits(meituan, http, clock, sleeps):
    platform, base = meituan
    platform.tokens = {"tok123"}
    platform.add("好吃", 5)
    wrong = {**SECRETS, "MT_SIGN_KEY": "not-the-key"}
    with pytest.raises(SignatureInvalid, match="OP_SIGN_ERROR"):
        await adapter(http, clock, ng(base), secrets=wrong).fetch_page(None)
    assert sleeps.calls == []  # a bad signature is not retried

    mt = adapter(http, clock, ng(base))
    platform.faults.append("OP_LIMIT")  # "接口调用过于频繁": a rate limit, retried
    reviews, _, _ = await read_all(mt)
    assert [r.text for r in reviews] == ["好吃"] and len(sleeps.calls) == 1

    yesterday = clock.now() - timedelta(days=1)
    with pytest.raises(PlatformError, match="OP_PARAM_ERROR"):  # page size over 20
        await mt.gateway.list(yesterday - timedelta(days=1), yesterday, 0, 21)
    with pytest.raises(PlatformError, match="OP_PARAM_ERROR"):  # more than 30 days back
        await mt.gateway.list(clock.now() - timedelta(days=40), yesterday, 0, 20)


async def test_new_gateway_error_codes_can_be_mapped_in_config(meituan, http, clock):
    platform, base = meituan
    platform.tokens = {"tok123"}
    platform.faults.append("OP_BIZ_FORBIDDEN")
    mt = adapter(http, clock, ng(base, error_codes={"OP_BIZ_FORBIDDEN": "validation_failed"}))
    with pytest.raises(ValidationFailed, match="OP_BIZ_FORBIDDEN"):
        await mt.fetch_page(None)


# -- through the daemon ----------------------------------------------------------------


@pytest.fixture
async def daemon_for(database_url, clock, monkeypatch):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    daemons = []

    async def start(
        *sources: dict[str, Any], out: io.StringIO | None = None, **sections: Any
    ) -> Daemon:
        daemon = Daemon(
            make_settings(database_url, sources=list(sources), **sections),
            clock=clock,
            notifier=ConsoleNotifier(out or io.StringIO(), color=False),
        )
        await daemon.start(schedule=False)
        daemons.append(daemon)
        return daemon

    yield start
    for daemon in daemons:
        await daemon.stop()
        await daemon.close()


async def poll(daemon: Daemon, clock, **advance: float) -> None:
    clock.advance(**(advance or {"minutes": 10}))
    await daemon.poll_all_once()


async def count(daemon: Daemon, model: type, *where) -> int:
    async with daemon.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0


async def test_a_follow_up_becomes_a_revision_of_the_same_review(meituan, daemon_for, clock):
    platform, base = meituan
    comment = platform.add("酸辣汤不够酸", 2)
    out = io.StringIO()
    daemon = await daemon_for(legacy(base), out=out)
    await poll(daemon, clock)
    await daemon.drain()
    comment["add_comment"] = "第二次点还是一样，汤还洒了"
    comment["add_comment_time"] = "2026-11-22"
    await poll(daemon, clock, days=1)
    await daemon.drain()

    assert await count(daemon, Review) == 1
    async with daemon.sessions() as session:
        review = await session.scalar(select(Review))
        kinds = (await session.scalars(select(Alert.kind).order_by(Alert.id))).all()
    assert review.revision == 2 and review.follow_up == "第二次点还是一样，汤还洒了"
    assert review.external_id == str(comment["comment_id"])
    assert await count(daemon, ReviewRevision) == 2
    assert list(kinds) == ["new", "updated"]
    assert "美团外卖" in out.getvalue()


async def test_refused_refresh_marks_the_source_and_tells_the_owner_once(
    meituan, daemon_for, clock, monkeypatch
):
    platform, base = meituan
    platform.require_token = True  # tok-1 expired, and r-1 is not a known refresh token
    platform.add("好吃", 5)
    out = io.StringIO()
    source = legacy(base, access_token_env="MT_TOKEN", refresh_token_env="MT_REFRESH")
    daemon = await daemon_for(source, out=out)
    await poll(daemon, clock)
    await daemon.drain()
    seen = len(platform.requests)
    await poll(daemon, clock, hours=2)
    await daemon.drain()

    assert len(platform.requests) == seen  # failing fast, not hammering the platform
    rows = await source_health(daemon.sessions)
    assert rows[0]["state"] == "reauth" and rows[0]["needs_reauth"] is True
    assert out.getvalue().count("授权已失效") == 1
    await daemon.stop()
    await daemon.close()

    # The owner authorises again and puts the new token in the environment.
    monkeypatch.setenv("MT_TOKEN", "tok-fresh")
    platform.tokens = {"tok-fresh"}
    again = await daemon_for(source)
    await poll(again, clock)
    rows = await source_health(again.sessions)
    assert rows[0]["state"] == "ok" and await count(again, Review) == 1


async def test_vanished_reviews_are_hidden_after_three_full_scans_never_deleted(
    meituan, daemon_for, clock
):
    platform, base = meituan
    kept = platform.add("第一条", 4, days_ago=2)
    gone = platform.add("第二条", 1, days_ago=2)
    platform.add("平台标记无效", 1, days_ago=2, valid=0)
    platform.add("字符串也算", 1, days_ago=2, valid="0")  # tolerant of the type
    daemon = await daemon_for(legacy(base, full_rescan_hours=1))
    await poll(daemon, clock)
    platform.comments.remove(gone)
    visible = []
    for _ in range(3):
        await poll(daemon, clock, hours=2)
        async with daemon.sessions() as session:
            row = await session.scalar(
                select(Review).where(Review.external_id == str(gone["comment_id"]))
            )
            visible.append(row.is_visible)
    assert visible == [True, True, False]
    assert await count(daemon, Review) == 4
    async with daemon.sessions() as session:
        states = dict((await session.execute(select(Review.text, Review.is_visible))).all())
    assert states == {"第一条": True, "第二条": False, "平台标记无效": False, "字符串也算": False}
    assert kept["comment_id"]


async def test_the_reply_status_filter_reaches_the_platform(meituan, http, clock):
    platform, base = meituan
    platform.add("没回复", 2)
    platform.add("回复了", 2, reply_status=1, e_reply_content="谢谢")
    reviews, pages, _ = await read_all(adapter(http, clock, legacy(base, reply_status=0)))
    assert [r.text for r in reviews] == ["没回复"]
    assert pages[-1].completed_scan is None  # a filtered scan says nothing about absence


async def test_filtering_by_reply_status_never_hides_answered_reviews(meituan, daemon_for, clock):
    platform, base = meituan
    answered = platform.add("第一条", 2, days_ago=2)
    platform.add("第二条", 2, days_ago=2)
    daemon = await daemon_for(legacy(base, reply_status=0, full_rescan_hours=1))
    await poll(daemon, clock)
    answered.update(reply_status=1, e_reply_content="已处理")  # answered in the merchant app
    for _ in range(4):
        await poll(daemon, clock, hours=2)
    async with daemon.sessions() as session:
        visible = (await session.scalars(select(Review.is_visible))).all()
    assert visible == [True, True]


async def test_incremental_polls_never_count_towards_hiding(meituan, daemon_for, clock):
    platform, base = meituan
    gone = platform.add("被平台删了", 1, days_ago=2)
    daemon = await daemon_for(legacy(base, full_rescan_hours=24))
    await poll(daemon, clock)
    platform.comments.remove(gone)
    for _ in range(5):  # incremental re-scans of the last 3 days, minutes apart
        await poll(daemon, clock)
    async with daemon.sessions() as session:
        review = await session.scalar(select(Review))
    assert review.is_visible and review.missed_scans == 0
    for _ in range(3):  # three full scans, a day apart
        await poll(daemon, clock, hours=24)
    async with daemon.sessions() as session:
        review = await session.scalar(select(Review).execution_options(populate_existing=True))
    assert not review.is_visible and review.missed_scans == 3


async def test_an_unreadable_comment_is_quarantined_once(meituan, daemon_for, clock):
    platform, base = meituan
    platform.comments.append({"comment_content": "没有编号", "comment_time": "2026-11-20"})
    daemon = await daemon_for(legacy(base, full_rescan_hours=1))
    for _ in range(3):  # every poll re-reads the window it is in
        await poll(daemon, clock, hours=2)
    assert await count(daemon, QuarantinedItem) == 1


async def test_day_precision_times_show_the_date_only(meituan, daemon_for, clock):
    platform, base = meituan
    platform.add("水煮鱼太咸了，吃完一直喝水", 1, days_ago=1)
    out = io.StringIO()
    daemon = await daemon_for(legacy(base), out=out)
    await poll(daemon, clock)
    await daemon.drain()
    printed = out.getvalue()
    assert "1星 · 2026-11-21 ·" in printed and "00:00" not in printed  # no made-up clock time
    # Written at some time on 11-21, seen at 12:10 on 11-22 (Beijing).
    assert "评价发布于 11-21（平台只提供日期），12 小时至 36 小时后平台才提供" in printed


async def test_a_day_late_review_is_news_and_an_old_one_history(meituan, daemon_for, clock):
    # Meituan serves yesterday's reviews today, dated to the day: with alerts limited to
    # reviews under 24 hours old, yesterday's still alerts; last week's is only stored.
    platform, base = meituan
    fresh = platform.add("水煮鱼太咸了，吃完一直喝水", 1, days_ago=1)
    old = platform.add("上周点的酸辣汤全洒了", 1, days_ago=7)
    daemon = await daemon_for(legacy(base), daemon={"alert_max_age_hours": 24})
    await poll(daemon, clock)
    await daemon.drain()
    async with daemon.sessions() as session:
        alerted = (
            await session.scalars(
                select(Review.external_id).join(Alert, Alert.review_id == Review.id)
            )
        ).all()
        skipped = (
            await session.scalars(
                select(AuditEntry.review_id).where(AuditEntry.action == "alert.skipped")
            )
        ).all()
    assert list(alerted) == [str(fresh["comment_id"])]
    assert len(skipped) == 1 and await count(daemon, Draft) == 2  # old: stored and drafted
    assert str(old["comment_id"]) not in alerted


async def test_a_reply_made_in_the_merchant_app_closes_the_review(meituan, daemon_for, clock):
    # The owner answered in Meituan's own app: the next scan shows the reply. No reminder,
    # no escalation, no second reply through us; the card says so; metrics see a reply.
    platform, base = meituan
    comment = platform.add("酸辣汤不够酸，还洒了一半", 2)
    daemon = await daemon_for(legacy(base))
    await poll(daemon, clock)
    await daemon.drain()
    comment.update(e_reply_content="抱歉，汤的封口我们已经加固了", reply_status=1)
    comment["e_reply_time"] = "2026-11-22 13:00:00"
    await poll(daemon, clock, hours=1)
    await daemon.drain()
    async with daemon.sessions() as session:
        review = await session.scalar(select(Review))
        drafts = (await session.scalars(select(Draft).order_by(Draft.id))).all()
        updates = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind == "alert_update")
        )
        staff = Actor("telegram:1", "小张", {"store-1": "staff"})
        outcome = await actions.approve(
            session, review.id, staff, clock.now(), store=daemon.directory.profile("store-1")
        )
    assert review.status == "replied_elsewhere" and review.handled_by == "商家后台"
    assert [d.status for d in drafts] == ["superseded", "posted"]
    assert drafts[-1].text == "抱歉，汤的封口我们已经加固了" and drafts[-1].posted_at is not None
    assert updates == 1  # the card is redrawn to say it was answered
    assert not outcome.ok and "商家后台" in outcome.message
    assert platform.replies == []  # nothing was posted through us


async def test_a_review_already_answered_when_first_seen_is_not_alerted(meituan, daemon_for, clock):
    platform, base = meituan
    platform.add("米饭夹生", 2, e_reply_content="抱歉，已经提醒后厨", reply_status=1)
    daemon = await daemon_for(legacy(base))
    await poll(daemon, clock)
    await daemon.drain()
    async with daemon.sessions() as session:
        review = await session.scalar(select(Review))
        skipped = await session.scalar(
            select(AuditEntry.details).where(AuditEntry.action == "alert.skipped")
        )
    assert review.status == "replied_elsewhere"
    assert await count(daemon, Alert) == 0 and "platform" in skipped["reason"]


async def test_capabilities_are_recorded_on_the_source(meituan, daemon_for):
    _, base = meituan
    daemon = await daemon_for(legacy(base))
    async with daemon.sessions() as session:
        source = await session.scalar(select(Source))
    assert source.capabilities["freshness_seconds"] == 86400
    assert source.capabilities["lookback_days"] == 30 and source.capabilities["can_reply"]
    assert source.capabilities["reply_max_chars"] == 300  # undocumented: a cautious default
    assert await count(daemon, QuarantinedItem) == 0
