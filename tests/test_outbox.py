"""Posting approved replies through the outbox, and replicas sharing the work safely."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from reviewbot.app.daemon import Daemon
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.jobs.deliveries import ReplyHandler
from reviewbot.jobs.outbox import ASKED_WAIT_MAX, OutboxDispatcher, retry_delay
from reviewbot.jobs.poll import Poller
from reviewbot.platforms.demo.server import Fault
from reviewbot.store import outbox
from reviewbot.store.schema import AuditEntry, Draft, OutboxMessage, Review, ReviewRevision
from reviewbot.workflow import actions
from reviewbot.workflow.actions import Actor
from tests.conftest import make_settings


@pytest.fixture
async def daemon(database_url, demo, clock) -> AsyncIterator[Daemon]:
    daemon = Daemon(
        make_settings(database_url, demo_url=demo.base_url),
        clock=clock,
        notifier=ConsoleNotifier(io.StringIO()),
    )
    await daemon.start(schedule=False)
    demo.platform.add_review("shop-1", "酸菜鱼的鱼片不新鲜，有点腥", 2)
    clock.advance(minutes=5)
    await daemon.poll_all_once()
    await daemon.drain()
    try:
        yield daemon
    finally:
        await daemon.stop()
        await daemon.close()


async def the_draft(daemon: Daemon) -> Draft:
    async with daemon.sessions() as session:
        return await session.scalar(select(Draft).order_by(Draft.id.desc()))


def staff(name: str) -> Actor:
    return Actor(f"telegram:{name}", name, {"store-1": "staff"})


async def approve(daemon: Daemon, draft_id: int, name: str, text: str | None = None):
    """What a staff member's approve (after an optional edit) does."""
    async with daemon.sessions() as session, session.begin():
        draft = await session.get(Draft, draft_id)
        now = daemon.clock.now()
        if text is not None:
            draft = await actions.hold_edit(session, draft.review_id, staff(name), now, text=text)
            return await actions.confirm_edit(
                session,
                draft.review_id,
                staff(name),
                now,
                draft_id=draft.id,
                store=daemon.directory.profile("store-1"),
            )
        return await actions.approve(
            session,
            draft.review_id,
            staff(name),
            now,
            draft_id=draft.id,
            store=daemon.directory.profile("store-1"),
        )


async def test_an_approved_draft_is_posted_to_the_platform(daemon, demo):
    draft = await the_draft(daemon)
    result = await approve(daemon, draft.id, "阿明")
    assert result.ok and result.changed
    await daemon.drain()

    (reply,) = demo.platform.replies
    assert reply.content == draft.text and reply.shop_id == "shop-1"
    async with daemon.sessions() as session:
        posted = await session.get(Draft, draft.id)
        review = await session.get(Review, draft.review_id)
        actions = (await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))).all()
    assert posted.status == "posted" and posted.decided_by == "telegram:阿明"
    assert review.status == "replied" and review.reply_text == draft.text
    assert actions[-2:] == ["draft.approved", "reply.posted"]


async def test_approving_twice_posts_once_and_names_who_did(daemon, demo):
    draft = await the_draft(daemon)
    first, second = await approve(daemon, draft.id, "alice"), await approve(daemon, draft.id, "bob")
    await daemon.drain()
    assert first.ok and not second.ok and "已由 alice" in second.message
    assert len(demo.platform.replies) == 1


async def test_simultaneous_approvals_post_once_and_tell_the_others_who(daemon, demo):
    draft = await the_draft(daemon)
    names = ["alice", "bob", "carol", "dave", "erin"]
    # Five people at once, each in their own transaction and connection (row lock on
    # PostgreSQL, BEGIN IMMEDIATE on SQLite).
    outcomes = await asyncio.gather(*(approve(daemon, draft.id, name) for name in names))
    await daemon.drain()

    winners = [name for name, outcome in zip(names, outcomes, strict=True) if outcome.ok]
    assert len(winners) == 1 and len(demo.platform.replies) == 1
    losers = [outcome.message for outcome in outcomes if not outcome.ok]
    assert len(losers) == 4 and all(f"已由 {winners[0]} 于" in m for m in losers)
    async with daemon.sessions() as session:
        replies = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "reply")
        )
    assert replies == 1


async def test_an_edited_approval_posts_the_edited_text(daemon, demo):
    draft = await the_draft(daemon)
    await approve(daemon, draft.id, "alice", text="您好，鱼片的问题我们已经在查，抱歉。")
    await daemon.drain()
    assert demo.platform.replies[0].content == "您好，鱼片的问题我们已经在查，抱歉。"
    async with daemon.sessions() as session:
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "draft.edited"))
    assert entry.actor == "telegram:alice" and entry.details["before"] == draft.text
    assert entry.details["after"] == "您好，鱼片的问题我们已经在查，抱歉。"


async def test_a_platform_outage_delays_the_reply_but_loses_nothing(daemon, demo, clock):
    demo.platform.faults.extend([Fault("status", status=502, target="reply")] * 2)
    draft = await the_draft(daemon)
    await approve(daemon, draft.id, "alice")
    await daemon.drain()
    assert demo.platform.replies == []
    for _ in range(3):
        clock.advance(minutes=30)
        await daemon.drain()
    assert len(demo.platform.replies) == 1
    async with daemon.sessions() as session:
        message = await session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reply"))
    assert message.status == "sent" and message.attempts == 3


async def test_a_reply_breaking_a_guardrail_is_blocked_with_the_reason(daemon, demo):
    draft = await the_draft(daemon)
    outcome = await approve(daemon, draft.id, "alice", text="非常抱歉，" * 120)  # 600 characters
    assert not outcome.ok and outcome.message.startswith("不能发布：") and "500" in outcome.message
    outcome = await approve(
        daemon, draft.id, "alice", text="抱歉！麻烦您把差评删掉，我们给您退款。"
    )
    assert not outcome.ok and "删" in outcome.message
    await daemon.drain()
    assert demo.platform.replies == []
    async with daemon.sessions() as session:
        blocked = (
            await session.scalars(
                select(AuditEntry.action).where(AuditEntry.action == "draft.blocked")
            )
        ).all()
        queued = await session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reply"))
    assert len(blocked) == 2 and queued is None


async def test_a_rejected_reply_is_dead_and_reported_not_retried(daemon, demo, clock):
    draft = await the_draft(daemon)
    demo.platform.faults.append(Fault("status", status=400, target="reply"))
    await approve(daemon, draft.id, "alice")
    await daemon.drain()
    clock.advance(hours=2)
    await daemon.drain()
    assert demo.platform.replies == []
    async with daemon.sessions() as session:
        message = await session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reply"))
        failed = await session.get(Draft, message.ref_id)
        review = await session.get(Review, draft.review_id)
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "reply.failed"))
    assert message.status == "dead" and message.attempts == 1
    assert "validation_failed" in message.last_error and "HTTP 400" in message.last_error
    assert failed.status == "failed" and entry is not None
    assert review.status == "open" and review.handled_by is None  # staff can fix and retry


async def test_a_staff_edit_keeps_the_engines_quotes_and_gets_no_others(daemon, demo, clock):
    demo.platform.add_review("shop-1", "等了两小时，都饿过头了", 1)
    clock.advance(minutes=5)
    await daemon.poll_all_once()
    await daemon.drain()
    draft = await the_draft(daemon)
    # The engine quoted the customer; the figure in their words is theirs, not an invented one.
    assert draft.quotes == ["「等了两小时」"] and "「等了两小时」" in draft.text
    # A time the customer wrote may be named back; a price cut nobody authorised may not.
    smuggled = await approve(daemon, draft.id, "alice", text=draft.text + "这单只收您18元。")
    assert not smuggled.ok and "「只收您18元」" in smuggled.message
    kept = await approve(daemon, draft.id, "alice", text=draft.text.replace("。", "！", 1))
    assert kept.ok, kept.message
    async with daemon.sessions() as session:
        edited = await session.get(Draft, kept.draft_id)
    assert edited.template_id == "staff-edit" and edited.quotes == draft.quotes


async def test_two_replicas_deliver_each_message_once(daemon, demo, clock):
    for n in range(6):
        demo.platform.add_review("shop-1", f"第{n}条：菜不热", 1)
    clock.advance(minutes=5)
    await daemon.poll_all_once()
    await daemon.pipeline.run_once()
    async with daemon.sessions() as session:
        drafts = (await session.scalars(select(Draft).where(Draft.status == "proposed"))).all()
    for draft in drafts:
        await approve(daemon, draft.id, "alice")
    handlers = {
        "reply": ReplyHandler(
            daemon.sessions, {sid: rs.adapter for sid, rs in daemon.sources.items()}
        ),
        "alert": daemon.dispatcher.handlers["alert"],
    }
    replicas = [
        OutboxDispatcher(daemon.sessions, clock, f"replica-{n}", handlers) for n in range(3)
    ]
    await asyncio.gather(*(replica.run_once() for replica in replicas))
    await asyncio.gather(*(replica.run_once() for replica in replicas))
    assert sorted(r.review_id for r in demo.platform.replies) == sorted(
        {r.review_id for r in demo.platform.replies}
    )
    assert len(demo.platform.replies) == len(drafts) == 7


async def test_two_replicas_polling_at_once_store_each_review_once(daemon, demo, clock):
    for n in range(30):
        demo.platform.add_review("shop-1", f"第{n}条：还行吧", 3)
    clock.advance(minutes=5)
    (running,) = daemon.sources.values()
    pollers = [Poller(daemon.sessions, clock, owner=f"replica-{n}") for n in range(3)]
    outcomes = await asyncio.gather(
        *(p.poll(running.source_id, running.adapter, 60) for p in pollers)
    )
    assert sorted(o.status for o in outcomes).count("ok") >= 1
    async with daemon.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Review)) == 31
        assert await session.scalar(select(func.count()).select_from(ReviewRevision)) == 31


async def test_a_notice_reaches_the_store_in_order_with_its_alerts(database_url, demo, clock):
    from reviewbot.store.alerts import queue_notice

    out = io.StringIO()
    daemon = Daemon(
        make_settings(database_url, demo_url=demo.base_url),
        clock=clock,
        notifier=ConsoleNotifier(out, color=False),
    )
    await daemon.start(schedule=False)
    try:
        async with daemon.sessions() as session, session.begin():
            for _ in range(2):  # queued twice, said once
                await queue_notice(
                    session,
                    store_id="store-1",
                    text="美团账号需要重新授权",
                    now=clock.now(),
                    dedupe_key="reauth:1",
                    level="warning",
                )
        demo.platform.add_review("shop-1", "米饭是夹生的", 1)
        clock.advance(minutes=5)
        await daemon.poll_all_once()
        await daemon.drain()
        printed = out.getvalue()
        assert printed.count("美团账号需要重新授权") == 1
        assert "提醒 · 测试小馆" in printed
        assert printed.index("美团账号需要重新授权") < printed.index("米饭是夹生的")
    finally:
        await daemon.stop()
        await daemon.close()


async def test_delivered_messages_are_pruned_after_the_retention_and_nothing_else(
    database_url, demo, clock
):
    """`daemon.outbox_keep_days`: a message delivered longer ago goes; one delivered since,
    a pending one and a dead one (evidence) stay, however old."""
    daemon = Daemon(
        make_settings(database_url, demo_url=demo.base_url, daemon={"outbox_keep_days": 30}),
        clock=clock,
        notifier=ConsoleNotifier(io.StringIO(), color=False),
    )
    await daemon.start(schedule=False)
    try:
        async with daemon.sessions() as session, session.begin():
            for n, (status, days_ago) in enumerate(
                [("sent", 31), ("sent", 29), ("pending", 60), ("dead", 60)]
            ):
                message = await outbox.enqueue(
                    session,
                    kind="notice",
                    destination="chat:store-1:test",
                    ref_id=n,
                    dedupe_key=f"prune:{n}",
                    now=clock.now() - timedelta(days=days_ago),
                )
                assert message is not None
                message.status = status
                if status == "sent":
                    message.sent_at = clock.now() - timedelta(days=days_ago)
        assert await daemon.prune_outbox() == 1
        assert await daemon.prune_outbox() == 0
        async with daemon.sessions() as session:
            left = (await session.scalars(select(OutboxMessage.ref_id))).all()
        assert sorted(left) == [1, 2, 3]
    finally:
        await daemon.stop()
        await daemon.close()


def test_a_far_side_asking_for_a_day_is_asked_again_within_eleven_minutes():
    """A platform's 503 with Retry-After: 86400 must not park an approved reply, and the
    queue behind it, for a day; a modest request is honoured as asked."""
    assert retry_delay(1, retry_after=86400) == ASKED_WAIT_MAX == 660
    assert retry_delay(1, retry_after=601) == 601  # DingTalk's ten-minute throttle
    assert retry_delay(3, retry_after=30) == 30
    assert retry_delay(1, retry_after=-5) == 0
