"""The whole loop through real HTTP and a real database: poll → store → analyze → draft →
alert, and what happens when the platform, the database or the notifier misbehave."""

from __future__ import annotations

import io
import shutil
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from reviewbot.app.daemon import Daemon
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.clock import FakeClock
from reviewbot.jobs.pipeline import CHUNK
from reviewbot.jobs.poll import PollOutcome
from reviewbot.platforms.demo.adapter import DemoAdapter
from reviewbot.platforms.demo.server import DemoServer, Fault
from reviewbot.resources import default_templates_dir
from reviewbot.store.schema import (
    Alert,
    Analysis,
    AuditEntry,
    Draft,
    OutboxMessage,
    QuarantinedItem,
    Review,
    ReviewRevision,
    Source,
)
from tests.conftest import make_settings
from tests.harness.analyzers import FailingOn

NEGATIVE = "水煮鱼太咸了，而且送来的时候已经凉了，等了一个多小时"
POSITIVE = "麻婆豆腐很好吃，送得也快，下次还点"


async def count(daemon: Daemon, model: type, *where) -> int:
    async with daemon.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0


@pytest.fixture
async def running(
    database_url: str, demo: DemoServer, clock: FakeClock
) -> AsyncIterator[tuple[Daemon, io.StringIO]]:
    """A daemon (without its timers: the test drives each step) and its console output."""
    out = io.StringIO()
    daemon = Daemon(
        make_settings(database_url, demo_url=demo.base_url),
        clock=clock,
        notifier=ConsoleNotifier(out, color=False),
    )
    await daemon.start(schedule=False)
    try:
        yield daemon, out
    finally:
        await daemon.stop()
        await daemon.close()


async def poll(daemon: Daemon, clock: FakeClock) -> list[PollOutcome]:
    clock.advance(minutes=5)  # past the account's next_poll_at
    return await daemon.poll_all_once()


async def repoll_from_scratch(daemon: Daemon, clock: FakeClock) -> PollOutcome:
    """Poll again from the start of the feed, as if the cursor were lost; the poll must
    succeed (a duplicate insert would fail it, and hide itself from a count)."""
    async with daemon.sessions() as session, session.begin():
        (await session.scalar(select(Source))).cursor = None
    (outcome,) = await poll(daemon, clock)
    source = await source_row(daemon)
    assert outcome.status == "ok", outcome.error
    assert source.consecutive_errors == 0 and source.last_error is None
    return outcome


async def source_row(daemon: Daemon) -> Source:
    async with daemon.sessions() as session:
        source = await session.scalar(select(Source))
        assert source is not None
        return source


async def test_review_flows_from_platform_to_console_alert(running, demo, clock):
    daemon, out = running
    demo.platform.add_review("shop-1", NEGATIVE, 1, nickname="吃货小王")
    demo.platform.add_review("shop-1", POSITIVE, 5)

    await poll(daemon, clock)
    await daemon.drain()

    assert await count(daemon, Review) == 2
    assert await count(daemon, Analysis) == 2
    assert await count(daemon, Draft) == 2
    assert (
        await count(daemon, Alert, Alert.status == "sent") == 1
    )  # the positive one is not an alert
    printed = out.getvalue()
    assert "测试小馆" in printed and "演示平台" in printed
    assert "★☆☆☆☆ 1星" in printed and "吃货小王" in printed
    assert NEGATIVE in printed and POSITIVE not in printed
    assert "建议回复" in printed and "测试小馆 店长" in printed  # the draft, signed from the facts
    async with daemon.sessions() as session:
        actions = set((await session.scalars(select(AuditEntry.action))).all())
    assert {
        "review.received",
        "review.analyzed",
        "draft.created",
        "alert.queued",
        "alert.sent",
    } <= actions


async def test_repolling_the_same_page_stores_nothing_twice(running, demo, clock):
    daemon, _ = running
    for i in range(3):
        demo.platform.add_review("shop-1", f"第{i}条评价，味道一般般", 3)
    (first,) = await poll(daemon, clock)
    assert first.result.new == 3
    for _ in range(2):
        again = await repoll_from_scratch(daemon, clock)
        assert (again.result.new, again.result.revised, again.result.unchanged) == (0, 0, 3)

    assert await count(daemon, Review) == 3
    assert await count(daemon, ReviewRevision) == 3
    assert await count(daemon, QuarantinedItem) == 0


async def test_an_edited_review_becomes_a_new_revision_and_alerts_again(running, demo, clock):
    daemon, out = running
    review = demo.platform.add_review("shop-1", "酸辣汤不够酸，一般", 2)
    await poll(daemon, clock)
    await daemon.drain()
    demo.platform.add_follow_up(review.review_id, "第二次点还是一样，而且汤洒了一袋子")
    await poll(daemon, clock)
    await daemon.drain()

    async with daemon.sessions() as session:
        stored = await session.scalar(select(Review))
        revisions = (
            await session.scalars(select(ReviewRevision.revision).order_by(ReviewRevision.revision))
        ).all()
        kinds = (await session.scalars(select(Alert.kind).order_by(Alert.id))).all()
    assert stored.revision == 2 and list(revisions) == [1, 2]
    assert stored.follow_up == "第二次点还是一样，而且汤洒了一袋子"
    assert list(kinds) == ["new", "updated"]
    assert "追评：第二次点还是一样" in out.getvalue()


@pytest.mark.parametrize(
    "fault",
    [
        Fault("status", status=500),
        Fault("status", status=503),
        Fault("rate_limit", retry_after=0.3),
        Fault("malformed"),
        Fault("delay", delay=2.0),  # longer than the client's 0.5 s timeout
    ],
)
async def test_a_transient_platform_failure_is_retried_within_the_poll(running, demo, clock, fault):
    daemon, _ = running
    demo.platform.add_review("shop-1", NEGATIVE, 1)
    demo.platform.faults.append(fault)

    await poll(daemon, clock)

    assert await count(daemon, Review) == 1
    source = await source_row(daemon)
    assert source.consecutive_errors == 0 and source.last_error is None
    assert demo.platform.requests >= 2  # the failed request and its retry


async def test_retry_after_is_honoured(demo, http, sleeps):
    adapter = DemoAdapter(http, demo.base_url, "shop-1")
    demo.platform.add_review("shop-1", NEGATIVE, 1)
    demo.platform.faults.append(Fault("rate_limit", retry_after=1.5))
    page = await adapter.fetch_page(None)
    assert sleeps.calls == [1.5]
    assert [r.text for r in page.reviews] == [NEGATIVE]


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        (Fault("status", status=500), "unavailable"),
        (Fault("malformed"), "malformed_response"),
        (Fault("rate_limit", retry_after=0.1), "rate_limited"),
        (Fault("delay", delay=2.0), "unavailable"),
    ],
)
async def test_a_lasting_failure_is_recorded_and_keeps_the_cursor(
    running, demo, clock, fault, code
):
    daemon, _ = running
    demo.platform.add_review("shop-1", NEGATIVE, 1)
    await poll(daemon, clock)
    cursor = (await source_row(daemon)).cursor
    demo.platform.add_review("shop-1", "第二条：辣子鸡全是辣椒找不到鸡", 2)
    demo.platform.faults.extend([fault, fault, fault])  # every attempt of one poll fails

    await poll(daemon, clock)

    source = await source_row(daemon)
    assert source.cursor == cursor
    assert source.consecutive_errors == 1
    assert source.last_error.startswith(f"{code}: ")
    assert source.next_poll_at > clock.now()
    assert await count(daemon, Review) == 1

    await poll(daemon, clock)  # the platform is back
    source = await source_row(daemon)
    assert source.consecutive_errors == 0 and source.last_error is None
    assert await count(daemon, Review) == 2


async def test_a_long_retry_after_reschedules_the_account_instead_of_waiting(running, demo, clock):
    daemon, _ = running
    demo.platform.faults.append(Fault("rate_limit", retry_after=600))
    await poll(daemon, clock)
    source = await source_row(daemon)
    assert source.consecutive_errors == 1 and "rate_limited" in source.last_error
    assert (source.next_poll_at - clock.now()).total_seconds() >= 600


async def test_invalid_utf8_and_html_in_reviews_are_kept_readable(running, demo, clock):
    daemon, _ = running
    demo.platform.add_review(
        "shop-1", "<p>菜品<b>很难吃</b></p><script>alert(1)</script>&amp;服务差", 1
    )
    demo.platform.faults.append(Fault("bad_utf8"))
    await poll(daemon, clock)
    async with daemon.sessions() as session:
        review = await session.scalar(select(Review))
    assert "<" not in review.text and "alert(1)" not in review.text
    assert "菜品" in review.text and "很难吃" in review.text and "&服务差" in review.text
    assert "\ufffd" in review.text  # the undecodable bytes are marked, the review is not lost


async def test_an_item_without_id_is_quarantined_not_dropped(running, demo, clock):
    daemon, _ = running
    demo.platform.add_review("shop-1", "正常的一条：米饭夹生", 2)
    broken = demo.platform.add_review("shop-1", "这条没有编号", 1)
    broken.review_id = ""
    await poll(daemon, clock)
    assert await count(daemon, Review) == 1
    async with daemon.sessions() as session:
        item = await session.scalar(select(QuarantinedItem))
    assert item.raw["content"] == "这条没有编号" and "review_id" in item.reason


async def test_a_review_with_a_lone_surrogate_is_served_and_stored(running, demo, clock):
    """Valid JSON can carry "\\ud800" (e.g. added through /_control/reviews): the platform
    must still serve the feed, and the review is stored with the damage marked."""
    daemon, _ = running
    demo.platform.add_review("shop-1", "第一条：米饭夹生", 2)
    demo.platform.add_review("shop-1", "坏的一条\ud800", 1)
    demo.platform.add_review("shop-1", "第三条：汤洒了", 1)
    (outcome,) = await poll(daemon, clock)
    assert outcome.status == "ok" and outcome.result.new == 3, outcome.error
    async with daemon.sessions() as session:
        texts = set((await session.scalars(select(Review.text))).all())
    assert texts == {"第一条：米饭夹生", "坏的一条\ufffd", "第三条：汤洒了"}


class Crash(BaseException):
    """The process dying: no `except Exception` in reviewbot gets to handle it."""


async def test_a_crash_between_fetch_and_commit_refetches_without_duplicates(running, demo, clock):
    daemon, _ = running
    for text in ("鱼香肉丝太甜", "回锅肉很香", "担担面坨了"):
        demo.platform.add_review("shop-1", text, 2)
    crashes = []

    def crash_before_commit(conn, cursor, statement, parameters, context, executemany):
        # The page's reviews are written; the process dies as the cursor is saved.
        if statement.lstrip().upper().startswith("UPDATE SOURCES SET CURSOR") and not crashes:
            crashes.append(statement)
            raise Crash

    event.listen(daemon.engine.sync_engine, "before_cursor_execute", crash_before_commit)
    try:
        with pytest.raises(Crash):
            await poll(daemon, clock)
    finally:
        event.remove(daemon.engine.sync_engine, "before_cursor_execute", crash_before_commit)
    assert crashes
    assert await count(daemon, Review) == 0  # rolled back together with the cursor
    assert (await source_row(daemon)).cursor is None

    (refetch,) = await poll(daemon, clock)  # the page again, from the stored (empty) cursor
    assert refetch.status == "ok" and refetch.result.new == 3
    again = await repoll_from_scratch(daemon, clock)
    assert (again.result.new, again.result.unchanged) == (0, 3)
    assert await count(daemon, Review) == 3
    assert await count(daemon, ReviewRevision) == 3


async def test_one_failing_account_does_not_stall_the_others(database_url, demo, clock):
    settings = make_settings(
        database_url,
        sources=[
            {"platform": "demo", "account": "shop-1", "base_url": demo.base_url},
            {"platform": "demo", "account": "down", "base_url": "http://127.0.0.1:9"},  # refused
        ],
    )
    daemon = Daemon(settings, clock=clock, notifier=ConsoleNotifier(io.StringIO()))
    await daemon.start(schedule=False)
    try:
        demo.platform.add_review("shop-1", NEGATIVE, 1)
        await poll(daemon, clock)
        async with daemon.sessions() as session:
            sources = {s.account: s for s in (await session.scalars(select(Source))).all()}
        assert sources["down"].consecutive_errors == 1
        assert "unavailable" in sources["down"].last_error
        assert sources["shop-1"].consecutive_errors == 0
        assert await count(daemon, Review) == 1
    finally:
        await daemon.stop()
        await daemon.close()


class BrokenStream(io.StringIO):
    def write(self, text: str) -> int:
        raise OSError("terminal went away")


async def test_undelivered_alerts_survive_a_restart_and_go_out_in_order(database_url, demo, clock):
    settings = make_settings(database_url, demo_url=demo.base_url)
    first = Daemon(settings, clock=clock, notifier=ConsoleNotifier(BrokenStream()))
    await first.start(schedule=False)
    texts = ["第一条：米饭是生的", "第二条：送错了菜", "第三条：汤全洒了"]
    for text in texts:
        demo.platform.add_review("shop-1", text, 1)
    await poll(first, clock)
    await first.drain()
    assert await count(first, OutboxMessage, OutboxMessage.status == "pending") == 3
    async with first.sessions() as session:
        head = await session.scalar(select(OutboxMessage).order_by(OutboxMessage.id))
    assert head.attempts == 1 and "terminal went away" in head.last_error
    await first.stop()
    await first.close()

    out = io.StringIO()
    second = Daemon(settings, clock=clock, notifier=ConsoleNotifier(out, color=False))
    await second.start(schedule=False)
    try:
        clock.advance(minutes=10)  # past the retry time
        await second.drain()
        printed = out.getvalue()
        positions = [printed.find(text) for text in texts]
        assert -1 not in positions and positions == sorted(positions)
        assert all(printed.count(text) == 1 for text in texts)
        assert await count(second, OutboxMessage, OutboxMessage.status == "sent") == 3
        assert await count(second, Alert, Alert.status == "sent") == 3
    finally:
        await second.stop()
        await second.close()


async def test_a_stop_delivers_alerts_already_queued(running, demo, clock):
    """SIGTERM a moment after an alert was queued: it goes out before exit, not next start."""
    daemon, out = running
    demo.platform.add_review("shop-1", NEGATIVE, 1)
    await poll(daemon, clock)
    stats = await daemon.pipeline.run_once()  # queues the alert, kicks nothing
    assert stats.alerts == 1
    assert await count(daemon, OutboxMessage, OutboxMessage.status == "pending") == 1
    await daemon.stop()
    assert await count(daemon, OutboxMessage, OutboxMessage.status != "sent") == 0
    assert NEGATIVE in out.getvalue()


async def test_a_stop_waits_for_work_that_finishing_jobs_kick(running, demo, clock):
    """The pipeline job running at the signal kicks the outbox as it finishes; the stop
    waits for that kicked delivery too instead of leaving it half done."""
    daemon, _ = running
    for text in ("米饭是生的", "送错了菜", "汤全洒了"):
        demo.platform.add_review("shop-1", text, 1)
    await poll(daemon, clock)
    daemon.pipeline_job.kick()
    await daemon.stop()
    assert all(task.done() for task in daemon._tasks)
    assert await count(daemon, Alert, Alert.status == "sent") == 3
    assert await count(daemon, OutboxMessage, OutboxMessage.status != "sent") == 0


async def test_a_slow_poll_keeps_the_accounts_cadence(database_url, demo):
    """The account is next due 0.8 interval after its poll began, not ended: a slow
    platform must not push it past its own next timer (polls were skipped so)."""
    from reviewbot.clock import SystemClock

    daemon = Daemon(
        make_settings(database_url, demo_url=demo.base_url, http={"timeout_seconds": 5}),
        clock=SystemClock(),
        notifier=ConsoleNotifier(io.StringIO(), color=False),
    )
    await daemon.start(schedule=False)
    try:
        demo.platform.faults.append(Fault("delay", delay=0.6))
        began = daemon.clock.now()
        (outcome,) = await daemon.poll_all_once()
        ended = daemon.clock.now()
        assert outcome.status == "ok" and (ended - began).total_seconds() >= 0.6
        source = await source_row(daemon)
        # Interval 1 s: due at began + 0.8 s, or at once if the poll took longer.
        assert source.next_poll_at <= max(ended, began + timedelta(seconds=0.85))
        assert source.next_poll_at < ended + timedelta(seconds=0.5)
    finally:
        await daemon.stop()
        await daemon.close()


async def test_restart_resumes_from_the_stored_cursor(database_url, demo, clock):
    settings = make_settings(database_url, demo_url=demo.base_url)
    cursors: list[str | None] = []  # in the database when each run starts
    for run in range(2):
        daemon = Daemon(settings, clock=clock, notifier=ConsoleNotifier(io.StringIO()))
        await daemon.start(schedule=False)
        try:
            demo.platform.add_review("shop-1", f"第{run}次：菜量太少了", 2)
            cursors.append((await source_row(daemon)).cursor)
            asked = len(demo.platform.list_requests)
            (outcome,) = await poll(daemon, clock)
            requests = list(demo.platform.list_requests)[asked:]
            stored = await count(daemon, Review)
        finally:
            await daemon.stop()
            await daemon.close()
    first_run_cursor, second_run_cursor = cursors
    assert first_run_cursor is None and second_run_cursor is not None
    # The second run asked for what came after the cursor the first run stored, and got
    # only the review that was new.
    assert requests[0].cursor == second_run_cursor
    assert requests[0].served == 1 and outcome.result.new == 1
    assert stored == 2


async def test_a_restarted_demo_platform_is_read_from_where_the_last_run_stopped(
    database_url, clock
):
    """The in-process simulator starts afresh on every `reviewbot run` (no fixed seed):
    what it publishes must come after the cursor stored by the previous run, under ids
    no earlier run used."""
    settings = make_settings(
        database_url,
        sources=[{"platform": "demo", "account": "shop-1"}],
        demo={"port": 0, "backlog": 3, "reviews_per_minute": 0, "follow_up_probability": 0},
    )
    stored = []
    for _ in range(2):
        daemon = Daemon(settings, clock=clock, notifier=ConsoleNotifier(io.StringIO()))
        await daemon.start(schedule=False)
        try:
            (outcome,) = await poll(daemon, clock)
            assert outcome.status == "ok", outcome.error
            # No new review was taken for an edit of an old one with the same id.
            assert (outcome.result.new, outcome.result.revised) == (3, 0)
            stored.append(await count(daemon, Review))
        finally:
            await daemon.stop()
            await daemon.close()
    assert stored == [3, 6]


async def test_alert_for_a_review_survives_analysis_failing_for_another(database_url, demo, clock):
    from reviewbot.store.health import source_health

    out = io.StringIO()
    daemon = Daemon(
        make_settings(database_url, demo_url=demo.base_url),
        clock=clock,
        notifier=ConsoleNotifier(out),
        analyzer=FailingOn("炸了"),
    )
    await daemon.start(schedule=False)
    try:
        demo.platform.add_review("shop-1", "这条会让分析器炸了", 1)
        demo.platform.add_review("shop-1", NEGATIVE, 1)
        edited = demo.platform.add_review("shop-1", "这条也会让分析器炸了", 1)
        await poll(daemon, clock)
        await daemon.drain()
        async with daemon.sessions() as session:
            # (the first of the two: without an order PostgreSQL may give the other, which
            # is edited and analysed below, and the test then failed with 0 attempts)
            broken = await session.scalar(
                select(Review).where(Review.text.contains("炸了")).order_by(Review.id)
            )
        assert broken.needs_processing and "analyzer bug" in broken.process_error
        assert broken.process_attempts == 1  # not again at once: later, further apart
        assert NEGATIVE in out.getvalue()
        assert "自动分析失败" not in out.getvalue()
        for _ in range(3):
            clock.advance(minutes=20)
            await daemon.drain()
        # A customer's edit is new words: analysed at once, whatever the backoff (16 min)
        demo.platform.edit_review(edited.review_id, content="米饭是夹生的，汤也是凉的")
        await poll(daemon, clock)
        await daemon.drain()
        async with daemon.sessions() as session:
            fixed = await session.scalar(select(Review).where(Review.text.contains("米饭")))
        assert not fixed.needs_processing
        for _ in range(3):
            clock.advance(minutes=20)
            await daemon.drain()
        async with daemon.sessions() as session:
            broken = await session.get(Review, broken.id, populate_existing=True)
        assert broken.process_attempts == 5  # retried, then left for a human
        # ... who is sent the review as it is, once
        assert out.getvalue().count("自动分析失败，请人工查看") == 1
        (notice,) = [b for b in out.getvalue().split("━━━ ") if "自动分析失败" in b]
        assert "这条会让分析器炸了" in notice and "★1" in notice and "/shops/shop-1/" in notice
        (account,) = await source_health(daemon.sessions)
        assert account["unanalyzed"] == 1
    finally:
        await daemon.stop()
        await daemon.close()


async def test_a_store_wide_analyzer_bug_sends_one_notice_and_skips_history(
    database_url, demo, clock
):
    """Every review of the run breaks the analyzer: staff get one notice listing them
    (not one per review), and an old review of the new account is only counted."""
    from reviewbot.analysis.v1 import AnalyzerV1
    from reviewbot.store.health import source_health

    class BrokenAnalyzer(AnalyzerV1):
        def analyze(self, review, context=None):
            if review.text == "味道不错，送得很快":  # the warm-up
                return super().analyze(review, context)
            raise ValueError("analyzer bug")

    out = io.StringIO()
    daemon = Daemon(
        make_settings(database_url, demo_url=demo.base_url),
        clock=clock,
        notifier=ConsoleNotifier(out),
        analyzer=BrokenAnalyzer(),
    )
    await daemon.start(schedule=False)
    try:
        demo.platform.add_review(
            "shop-1", "上个月点的，米饭是夹生的", 1, when=clock.now() - timedelta(days=20)
        )
        for n in range(12):
            demo.platform.add_review("shop-1", f"第{n}份外卖送错了地址", 1)
        await poll(daemon, clock)
        await daemon.drain()
        for _ in range(6):
            clock.advance(minutes=20)
            await daemon.drain()
        assert out.getvalue().count("自动分析失败，请人工查看") == 1
        (notice,) = [b for b in out.getvalue().split("━━━ ") if "自动分析失败" in b]
        assert "12 条评价" in notice and "另有 2 条" in notice
        assert "第0份外卖" in notice and "米饭是夹生的" not in notice
        async with daemon.sessions() as session:
            old = await session.scalar(select(Review).where(Review.text.contains("米饭")))
        assert f"#{old.id} " not in notice
        (account,) = await source_health(daemon.sessions)
        assert account["unanalyzed"] == 13  # history is counted, not sent
    finally:
        await daemon.stop()
        await daemon.close()


async def test_a_failing_backlog_in_chunks_sends_one_notice_per_store_and_run(
    database_url, demo, clock
):
    """The daemon's pipeline job writes a backlog ten reviews at a time: forty reviews the
    analyzer fails on are still one notice for their store, not one per chunk; and a
    review given up on later is a notice of its own."""
    out = io.StringIO()
    daemon = Daemon(
        make_settings(database_url, demo_url=demo.base_url),
        clock=clock,
        notifier=ConsoleNotifier(out),
        analyzer=FailingOn("送错"),
    )
    await daemon.start(schedule=False)

    async def runs(times: int) -> None:
        """The scheduled pipeline job (chunk after chunk until none is left), then the
        outbox, `times` times, 20 minutes apart (past each retry's wait)."""
        for _ in range(times):
            await daemon.pipeline_job.run()
            await daemon.dispatcher.run_once()
            clock.advance(minutes=20)

    try:
        for n in range(40):
            demo.platform.add_review("shop-1", f"第{n}份外卖送错了地址", 1)
        await poll(daemon, clock)
        await runs(6)
        assert out.getvalue().count("自动分析失败，请人工查看") == 1
        (notice,) = [b for b in out.getvalue().split("━━━ ") if "自动分析失败" in b]
        assert "40 条评价" in notice and "另有 30 条" in notice
        demo.platform.add_review("shop-1", "又一份外卖送错了地址", 1)
        await poll(daemon, clock)
        await runs(6)
        assert out.getvalue().count("自动分析失败，请人工查看") == 2
        assert "又一份外卖送错了地址" in out.getvalue().split("自动分析失败")[-1]
    finally:
        await daemon.stop()
        await daemon.close()


async def test_history_is_stored_but_only_news_is_alerted(running, demo, clock):
    daemon, out = running
    old = demo.platform.add_review(
        "shop-1", "上个月点的，米饭是夹生的", 1, when=clock.now() - timedelta(days=20)
    )
    demo.platform.add_review("shop-1", "今天的水煮鱼太咸了", 1, when=clock.now())
    await poll(daemon, clock)
    await daemon.drain()
    assert await count(daemon, Review) == 2 and await count(daemon, Draft) == 2
    printed = out.getvalue()
    assert "今天的水煮鱼太咸了" in printed and "米饭是夹生的" not in printed
    demo.platform.add_follow_up(old.review_id, "商家一直没回复，越想越气")  # news about history
    await poll(daemon, clock)
    await daemon.drain()
    assert "越想越气" in out.getvalue()


async def test_a_draft_too_like_the_stores_recent_replies_says_so_on_the_card(
    database_url, demo, clock, tmp_path
):
    """An owner's library with one wording for star-only reviews: the second such draft
    repeats the first, and staff are told so instead of approving a canned reply unawares."""
    library = tmp_path / "replies"
    shutil.copytree(default_templates_dir(), library)
    (library / "star_only.toml").write_text(
        'situation = "star_only"\n'
        'greeting = ["您好，"]\n'
        'shoulder = ["这次的评分说明我们有做得不好的地方。"]\n'
        'sincerity = ["真诚地向您道歉。"]\n'
        'speed = ["方便的话请通过{contact}告诉我们具体问题。"]\n'
        "invite = []\n"
        'closing = ["{signature}"]\n',
        encoding="utf-8",
    )
    out = io.StringIO()
    daemon = Daemon(
        make_settings(database_url, demo_url=demo.base_url, replies={"templates_dir": library}),
        clock=clock,
        notifier=ConsoleNotifier(out, color=False),
    )
    await daemon.start(schedule=False)
    try:
        demo.platform.add_review("shop-1", "", 1, nickname="甲")
        demo.platform.add_review("shop-1", "", 1, nickname="乙")
        await poll(daemon, clock)
        await daemon.drain()
        async with daemon.sessions() as session:
            drafts = (await session.scalars(select(Draft).order_by(Draft.id))).all()
        assert [d.similarity for d in drafts] == [None, 1.0]
        assert drafts[0].text == drafts[1].text
        cards = out.getvalue().split("差评提醒")[1:]
        assert len(cards) == 2
        assert "重合" not in cards[0]
        assert "这版与本店近期的回复很像（重合 100%）" in cards[1]
    finally:
        await daemon.stop()
        await daemon.close()


async def test_a_backlog_is_alerted_in_chunks_not_after_all_of_it(running, demo, clock):
    """After a crash or an outage the first alerts must not wait until the whole backlog is
    analyzed and drafted: each scheduled pipeline run writes one chunk, whose alerts go
    out while the next chunk is worked on."""
    daemon, _ = running
    for n in range(CHUNK + 5):
        demo.platform.add_review("shop-1", f"{NEGATIVE} 第{n}次", 1)
    await poll(daemon, clock)

    more = await daemon._pipeline_work()  # one scheduled run
    assert more  # the job runs again at once for the rest
    assert await count(daemon, Alert) == CHUNK
    assert await count(daemon, Review, Review.needs_processing.is_(True)) == 5
    assert not await daemon._pipeline_work()
    assert await count(daemon, Alert) == CHUNK + 5
