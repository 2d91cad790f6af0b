"""A reply POST whose answer is lost (a gateway timeout after the platform applied it):
Meituan and Ele.me replies are not idempotent, so the outbox looks before posting again
and never reports a live reply as failed."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import pytest
from sqlalchemy import select

from reviewbot.app.daemon import Daemon
from reviewbot.app.exports import import_export, parse_export
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.store.schema import AuditEntry, Draft, OutboxMessage, Review
from reviewbot.workflow import actions
from reviewbot.workflow.actions import Actor
from tests.conftest import make_settings
from tests.fakes import serve
from tests.fakes.eleme import ElemePlatform
from tests.fakes.meituan import MeituanPlatform

ENV = {"ELE_SECRET": "ele_secret", "MT_SECRET": "test_secret"}
OWNER = Actor("telegram:boss", "老板", {"store-1": "owner"})


@pytest.fixture
async def world(database_url, clock, monkeypatch) -> AsyncIterator[dict[str, Any]]:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    eleme, meituan = ElemePlatform(now=clock.now), MeituanPlatform(now=clock.now)
    async with AsyncExitStack() as stack:
        ele_url = await stack.enter_async_context(serve(eleme.app()))
        mt_url = await stack.enter_async_context(serve(meituan.app()))
        meituan.public_base = f"{mt_url}/api/v1"
        sources = [
            {
                "platform": "eleme",
                "account": "123456",
                "app_key": "appkey1",
                "app_secret_env": "ELE_SECRET",
                "base_url": ele_url,
            },
            {
                "platform": "meituan",
                "account": "store_001",
                "app_id": "1234",
                "app_secret_env": "MT_SECRET",
                "base_url": f"{mt_url}/api/v1",
            },
        ]
        daemon = Daemon(
            make_settings(database_url, sources=sources),
            clock=clock,
            notifier=ConsoleNotifier(io.StringIO()),
        )
        await daemon.start(schedule=False)
        try:
            yield {"daemon": daemon, "eleme": eleme, "meituan": meituan}
        finally:
            await daemon.stop()
            await daemon.close()


async def approve_and_deliver(daemon: Daemon, platform: str) -> tuple[Draft, Review, str]:
    """Approve the review's draft; the first POST's answer is lost, the retry follows."""
    draft = await _approve(daemon, platform)
    await daemon.drain()
    async with daemon.sessions() as session:
        message = await session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reply"))
    assert message.status != "sent" and message.last_error.startswith("unavailable")
    daemon.clock.advance(minutes=2)  # past the retry delay
    await daemon.drain()
    async with daemon.sessions() as session:
        draft = await session.get(Draft, draft.id)
        review = await session.get(Review, draft.review_id)
        posted = await session.scalar(select(AuditEntry).where(AuditEntry.action == "reply.posted"))
    return draft, review, posted


async def test_eleme_rereads_the_review_instead_of_reposting(world):
    daemon, eleme = world["daemon"], world["eleme"]
    rate = eleme.add("等了两个小时，菜全凉了", 1)
    daemon.clock.advance(minutes=5)
    await daemon.poll_all_once()
    await daemon.drain()
    eleme.lose_replies = 1

    draft, review, posted = await approve_and_deliver(daemon, "eleme")

    replies = [r for r in eleme.requests if r["action"].endswith("replyRateByRateIdAndShopId")]
    assert len(replies) == 1  # looked, saw our reply, did not post again
    assert rate["orderRateReply"]["content"] == draft.text
    assert draft.status == "posted" and review.status == "replied"
    assert "unconfirmed" not in posted.details  # the re-read confirmed it


async def test_meituan_never_double_posts_a_reply_whose_answer_was_lost(world):
    daemon, meituan = world["daemon"], world["meituan"]
    comment = meituan.add("汤洒了一半，包装太差", 1, days_ago=2)
    daemon.clock.advance(minutes=5)
    await daemon.poll_all_once()
    await daemon.drain()
    meituan.lose_replies = 1

    draft, review, _ = await approve_and_deliver(daemon, "meituan")

    assert meituan.replies == [(str(comment["comment_id"]), draft.text)]  # once, not twice
    assert draft.status == "posted" and review.status == "replied"
    rereads = [r for r in meituan.requests if r.get("replyStatus") == "-1" and "pageoffset" in r]
    assert rereads and rereads[-1]["start_time"] == rereads[-1]["end_time"]  # its day only


async def test_already_replied_after_a_lost_answer_counts_as_posted(world):
    """Without a date the review's window cannot be re-read; the platform's "already
    replied" then means our lost attempt landed, not that posting failed."""
    daemon, eleme = world["daemon"], world["eleme"]
    rate = eleme.add("米饭是夹生的", 1)
    rows = [["评价ID", "评价内容", "评分"], [rate["id"], "米饭是夹生的", "1"]]
    await import_export(
        daemon.sessions,
        parse_export(rows),
        store_id="store-1",
        store_name="测试小馆",
        platform="eleme",
        account="123456",
        polled=True,
        now=daemon.clock.now(),
    )
    await daemon.drain()
    eleme.lose_replies = 1

    draft, review, posted = await approve_and_deliver(daemon, "eleme")

    assert rate["orderRateReply"]["content"] == draft.text
    assert draft.status == "posted" and review.status == "replied"
    assert posted.details.get("unconfirmed") is True  # until a poll shows it


async def _approve(daemon: Daemon, platform: str) -> Draft:
    async with daemon.sessions() as session, session.begin():
        review = await session.scalar(select(Review).where(Review.platform == platform))
        draft = await session.scalar(select(Draft).where(Draft.review_id == review.id))
        outcome = await actions.approve(
            session,
            review.id,
            OWNER,
            daemon.clock.now(),
            draft_id=draft.id,
            store=daemon.directory.profile("store-1"),
        )
    assert outcome.ok, outcome
    return draft


async def _reply_message(daemon: Daemon) -> OutboxMessage:
    async with daemon.sessions() as session:
        return await session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reply"))


async def test_a_lost_answer_that_asked_to_wait_is_still_checked_before_reposting(world):
    """A 503 with Retry-After after the platform applied the reply: the error is stored
    behind the wait it asked for, and the retry must still look before posting."""
    daemon, meituan = world["daemon"], world["meituan"]
    comment = meituan.add("外卖送错了，打电话也没人接", 1, days_ago=2)
    daemon.clock.advance(minutes=5)
    await daemon.poll_all_once()
    await daemon.drain()
    meituan.lose_replies, meituan.lost_retry_after = 1, 30

    draft = await _approve(daemon, "meituan")
    await daemon.drain()
    message = await _reply_message(daemon)
    assert message.status == "pending" and message.last_error.startswith("retry-after 30s")
    daemon.clock.advance(minutes=2)
    await daemon.drain()

    assert meituan.replies == [(str(comment["comment_id"]), draft.text)]  # once, not twice
    assert (await _reply_message(daemon)).status == "sent"


async def test_a_throttled_check_does_not_forget_that_the_post_was_lost(world):
    """A timeout, then the re-read before re-posting is throttled: the last error is now
    a 429, but the first post's outcome is still unknown."""
    daemon, meituan = world["daemon"], world["meituan"]
    comment = meituan.add("菜里有头发", 1, days_ago=2)
    daemon.clock.advance(minutes=5)
    await daemon.poll_all_once()
    await daemon.drain()
    meituan.lose_replies = 1

    draft = await _approve(daemon, "meituan")
    await daemon.drain()
    assert (await _reply_message(daemon)).last_error.startswith("unavailable")
    meituan.faults = [711] * 3  # every try of the re-read is throttled
    daemon.clock.advance(minutes=2)
    await daemon.drain()
    assert "rate_limited" in (await _reply_message(daemon)).last_error
    assert not meituan.faults
    daemon.clock.advance(minutes=2)
    await daemon.drain()

    assert meituan.replies == [(str(comment["comment_id"]), draft.text)]  # once, not twice
    async with daemon.sessions() as session:
        draft = await session.get(Draft, draft.id)
    assert draft.status == "posted"


async def test_a_lost_post_found_live_after_the_review_changed_counts_as_posted(world):
    """The first POST landed but its answer was lost, then the customer edited the review:
    the retry is stale, but the reply is live; it is recorded, not withdrawn (Ele.me takes
    one reply: the new words are answered by reaching the customer)."""
    daemon, eleme = world["daemon"], world["eleme"]
    rate = eleme.add("等了两个小时，菜全凉了", 1)
    daemon.clock.advance(minutes=5)
    await daemon.poll_all_once()
    await daemon.drain()
    eleme.lose_replies = 1
    async with daemon.sessions() as session, session.begin():
        review = await session.scalar(select(Review).where(Review.platform == "eleme"))
        draft = await session.scalar(select(Draft).where(Draft.review_id == review.id))
        outcome = await actions.approve(
            session,
            review.id,
            OWNER,
            daemon.clock.now(),
            draft_id=draft.id,
            store=daemon.directory.profile("store-1"),
        )
    assert outcome.ok, outcome
    await daemon.drain()  # posted, answer lost
    rate["rateContent"] = "等了两个小时，菜全凉了，吃完还拉肚子"
    daemon.clock.advance(minutes=5)
    await daemon.poll_all_once()
    await daemon.drain()  # the edit is analysed, then the retry falls due

    replies = [r for r in eleme.requests if r["action"].endswith("replyRateByRateIdAndShopId")]
    assert len(replies) == 1 and rate["orderRateReply"]["content"] == draft.text
    async with daemon.sessions() as session:
        draft = await session.get(Draft, draft.id)
        review = await session.get(Review, review.id)
    assert draft.status == "posted" and review.reply_text == draft.text
    assert (review.status, review.window_round, review.contacted_at) == ("replied", 1, None)
