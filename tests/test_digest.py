"""The owner's digest: scheduled times, exactly once per store and period across two
replicas and restarts, and delivery as a photo with its summary through the outbox."""

from __future__ import annotations

import asyncio
import io
from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlalchemy import func, select

from reviewbot.chat.console import ConsoleNotifier
from reviewbot.chat.pictures import Picture
from reviewbot.chat.telegram.notifier import CAPTION_LIMIT, split_caption, utf16_len
from reviewbot.config import DigestSettings
from reviewbot.jobs.digest import latest_fire, period_of
from reviewbot.store.schema import Digest, OutboxMessage
from tests.fakes.telegram import TOKEN, FakeTelegram
from tests.harness.daemon import start_daemon as start_bot
from tests.harness.telegram import NEGATIVE, telegram_settings

SHANGHAI = ZoneInfo("Asia/Shanghai")
OWNER_CHAT = 1001  # the owner's private chat
CONFIG = DigestSettings(daily_at="21:30", weekly_on="mon", weekly_at="09:00")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_scheduled_times_in_the_store_zone():
    # 2026-11-22 is a Sunday; 13:31Z is 21:31 in Shanghai.
    assert latest_fire(utc(2026, 11, 22, 13, 31), "day", CONFIG, SHANGHAI) == utc(
        2026, 11, 22, 13, 30
    )
    assert latest_fire(utc(2026, 11, 22, 13, 29), "day", CONFIG, SHANGHAI) == utc(
        2026, 11, 21, 13, 30
    )
    # Monday 09:00 Shanghai is Monday 01:00Z; on Sunday the last one was 6 days ago.
    assert latest_fire(utc(2026, 11, 22, 13, 0), "week", CONFIG, SHANGHAI) == utc(
        2026, 11, 16, 1, 0
    )
    assert latest_fire(utc(2026, 11, 23, 1, 0), "week", CONFIG, SHANGHAI) == utc(2026, 11, 23, 1, 0)
    # Each digest covers the interval since the previous one, so they tile time.
    assert period_of(utc(2026, 11, 22, 13, 30), "day", SHANGHAI) == (
        utc(2026, 11, 21, 13, 30),
        utc(2026, 11, 22, 13, 30),
    )
    assert period_of(utc(2026, 11, 23, 1, 0), "week", SHANGHAI)[0] == utc(2026, 11, 16, 1, 0)


def test_local_time_is_kept_across_a_daylight_saving_change():
    berlin = ZoneInfo("Europe/Berlin")  # clocks went back on 2026-10-25
    fire = latest_fire(utc(2026, 10, 25, 21, 0), "day", CONFIG, berlin)
    assert fire == utc(2026, 10, 25, 20, 30)  # 21:30 CET
    assert period_of(fire, "day", berlin)[0] == utc(2026, 10, 24, 19, 30)  # 21:30 CEST: 25 h


def test_a_long_summary_follows_the_photo():
    caption, following = split_caption("📊 标题\n新评价 3 条", "优先改进：" + "很长的建议。" * 300)
    assert caption == "📊 标题\n新评价 3 条"
    assert "".join(following).startswith("优先改进：") and utf16_len(following[0]) <= 4096
    caption, following = split_caption("📊 标题", "短")
    assert (caption, following) == ("📊 标题\n\n短", [])
    caption, following = split_caption("长" * 2000, None)
    assert utf16_len(caption) <= CAPTION_LIMIT and following == ["长" * 2000]


async def test_console_writes_the_chart_and_prints_where(tmp_path):
    out = io.StringIO()
    console = ConsoleNotifier(out, color=False, image_dir=tmp_path / "images")
    png = b"\x89PNG\r\n\x1a\n fake"
    ref = await console.send_image(
        Picture("s", "测试小馆", png, "📊 测试小馆 · 日报\n新评价 2 条", "优先改进：…", "d.png")
    )
    path = tmp_path / "images" / "d.png"
    assert path.read_bytes() == png and ref["image"] == str(path.resolve())
    text = out.getvalue()
    assert "测试小馆 · 日报" in text and "新评价 2 条" in text and "优先改进" in text
    assert f"图表：{path.resolve()}" in text


@pytest.fixture
async def telegram():
    fake = FakeTelegram()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


async def replica(database_url, demo, telegram, clock, **digest):
    settings = telegram_settings(database_url, demo.base_url, telegram.base_url)
    settings["stores"][0]["chat"]["owner_telegram_chat_id"] = OWNER_CHAT
    settings["digest"] = {"daily_at": "21:30", "weekly_at": "09:00", **digest}
    return await start_bot(settings, telegram, demo, clock)


def photos(fake: FakeTelegram) -> list[dict]:
    return [m for m in fake.in_chat(OWNER_CHAT) if "photo" in m]


def uploads(fake: FakeTelegram, chat: int | None = None) -> list:
    return [
        c
        for c in fake.calls
        if c.method == "sendPhoto" and chat in (None, int(c.params["chat_id"]))
    ]


async def digests(bot) -> int:
    async with bot.daemon.sessions() as session:
        return await session.scalar(select(func.count()).select_from(Digest)) or 0


async def per_store(bot) -> dict[str, int]:
    async with bot.daemon.sessions() as session:
        rows = await session.execute(
            select(Digest.store_id, func.count()).group_by(Digest.store_id)
        )
        return dict(rows.all())


async def stop(*bots) -> None:
    for bot in bots:
        await bot.daemon.stop()
        await bot.daemon.close()


async def test_one_digest_per_period_across_replicas_and_restarts(
    database_url, demo, telegram, clock, monkeypatch
):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    a = await replica(database_url, demo, telegram, clock)
    b = await replica(database_url, demo, telegram, clock)  # a second replica, same database
    try:
        await a.review_arrives(NEGATIVE, 1)
        demo.platform.add_review("shop-1", "麻婆豆腐很好吃，下次还来", 5, nickname="老顾客")
        clock.advance(minutes=5)
        await a.daemon.poll_all_once()
        await a.daemon.drain()
        assert not photos(telegram)  # a positive review pings nobody: it waits for the digest

        clock._now = utc(2026, 11, 22, 13, 31)  # 21:31 in Shanghai
        both = await asyncio.gather(a.daemon.digests.run("day"), b.daemon.digests.run("day"))
        assert sum(both) == 2  # one per store, whichever replica won each
        await asyncio.gather(a.daemon.drain(), b.daemon.drain())
        assert await per_store(a) == {"store-1": 1, "store-2": 1}

        (photo,) = photos(telegram)
        assert "测试小馆 · 日报（11月21日 21:30 至 11月22日 21:30）" in photo["caption"]
        assert "新评价 2 条（差评 1、中评 0、好评 1）" in photo["caption"]
        summary = photo["caption"] + "".join(
            m.get("text", "") for m in telegram.in_chat(OWNER_CHAT) if "photo" not in m
        )
        assert "好评 1 条，例如：「麻婆豆腐很好吃，下次还来」" in summary
        assert "优先改进：" in summary
        (upload,) = uploads(telegram, OWNER_CHAT)
        assert upload.params["photo"] == {"file": "digest-store-1-day-20261122-2130.png"}
        assert len(uploads(telegram)) == 2  # and store-2's, to its own chat

        # Firing again, on either replica, queues nothing.
        assert await a.daemon.digests.run("day") == 0
        assert await b.daemon.digests.run("day") == 0
    finally:
        await stop(a, b)

    c = await replica(database_url, demo, telegram, clock)  # a restart
    try:
        assert await c.daemon.digests.run_due() == 0
        assert await c.daemon.digests.run("day") == 0
        await c.daemon.drain()
        assert len(uploads(telegram)) == 2 and await digests(c) == 2
    finally:
        await stop(c)

    # The next day's 21:30 passes with no daemon running; one starts at 22:15.
    clock._now = utc(2026, 11, 23, 14, 15)
    d = await replica(database_url, demo, telegram, clock)
    try:
        assert await d.daemon.digests.run_due() == 2  # the missed one, for each store
        await d.daemon.drain()
        assert len(uploads(telegram, OWNER_CHAT)) == 2 and len(uploads(telegram)) == 4
        assert "11月22日 21:30 至 11月23日 21:30" in photos(telegram)[-1]["caption"]
        assert "本期没有新评价" in photos(telegram)[-1]["caption"]
        async with d.daemon.sessions() as session:
            rows = (await session.scalars(select(Digest))).all()
            sent = await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.kind == "digest", OutboxMessage.status == "sent")
            )
        assert Counter((r.store_id, r.period, r.status) for r in rows) == {
            ("store-1", "day", "sent"): 2,
            ("store-2", "day", "sent"): 2,
        }
        assert sent == 4
    finally:
        await stop(d)


async def test_a_new_installation_waits_for_the_next_scheduled_digest(
    database_url, demo, telegram, clock, monkeypatch
):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    clock._now = utc(2026, 11, 22, 14, 0)  # 22:00, half an hour after the digest time
    bot = await replica(database_url, demo, telegram, clock)
    try:
        assert await bot.daemon.digests.run_due() == 0  # no surprise digest on first start
        assert await bot.daemon.digests.run("day") == 2  # but the scheduled job does send
    finally:
        await stop(bot)


async def test_disabled_digests_send_nothing(database_url, demo, telegram, clock, monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    clock._now = utc(2026, 11, 22, 13, 31)
    bot = await replica(database_url, demo, telegram, clock, enabled=False)
    try:
        assert await bot.daemon.digests.run("day") == 0 and await digests(bot) == 0
    finally:
        await stop(bot)


async def test_the_digest_chart_decodes(database_url, demo, telegram, clock, monkeypatch):
    from reviewbot.jobs.digest import digest_picture

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    bot = await replica(database_url, demo, telegram, clock)
    try:
        await bot.review_arrives(NEGATIVE, 1)
        clock._now = utc(2026, 11, 22, 13, 31)
        assert await bot.daemon.digests.run("day") == 2
        async with bot.daemon.sessions() as session:
            digest = await session.scalar(select(Digest).where(Digest.store_id == "store-1"))
        picture = digest_picture(digest, "测试小馆", SHANGHAI)
        with Image.open(io.BytesIO(picture.image)) as image:
            assert image.format == "PNG" and image.size == (1200, 800)
        assert "新评价 1 条" in picture.caption
        assert "过时限未回复 1 条" in picture.caption  # nine hours later, nobody answered
    finally:
        await stop(bot)
