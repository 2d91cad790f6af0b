"""A review whose new words the analyzer keeps failing on, through the daemon, its bot on
the fake Telegram server and the real database: while the analysis is retried, ✅ says
so and when it is tried again; once it has failed its retries (and staff were sent the
review to read), a person can approve the draft they see, or write their own reply."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from reviewbot.app.daemon import Daemon
from reviewbot.config import parse_settings
from reviewbot.store.schema import Review
from tests.fakes.telegram import TOKEN
from tests.harness.analyzers import FailingOn
from tests.harness.daemon import Running, review_number
from tests.harness.telegram import NEGATIVE, STAFF, STAFF_CHAT, telegram_settings

BREAKS = "米饭是夹生的，汤洒了一半"  # the analyzer fails on these words


@pytest.fixture
async def bot(database_url, demo, telegram, clock, monkeypatch) -> AsyncIterator[Running]:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    settings = telegram_settings(database_url, demo.base_url, telegram.base_url)
    daemon = Daemon(parse_settings(settings), clock=clock, analyzer=FailingOn("夹生"))
    await daemon.start(schedule=False)
    try:
        yield Running(daemon, telegram, demo, clock)
    finally:
        await daemon.stop()
        await daemon.close()


async def changed_and_failing(bot: Running) -> tuple[dict, int]:
    """A complaint alerted, then changed by the customer into words the analyzer fails
    on: its card and review id."""
    posted = bot.demo.platform.add_review("shop-1", NEGATIVE, 1)
    bot.clock.advance(minutes=5)
    await bot.daemon.poll_all_once()
    await bot.daemon.drain()
    (card,) = bot.fake.cards(STAFF_CHAT)
    bot.demo.platform.edit_review(posted.review_id, content=BREAKS)
    bot.clock.advance(minutes=5)
    await bot.daemon.poll_all_once()
    await bot.daemon.drain()
    return card, review_number(card)


async def give_up(bot: Running) -> None:
    """Past every retry (15 s, 1, 4 and 16 min apart)."""
    for _ in range(5):
        bot.clock.advance(minutes=20)
        await bot.daemon.drain()


async def review(bot: Running, review_id: int) -> Review:
    async with bot.daemon.sessions() as session:
        return await session.scalar(select(Review).where(Review.id == review_id))


def notices(bot: Running) -> list[str]:
    return [m["text"] for m in bot.fake.in_chat(STAFF_CHAT) if "自动分析失败" in m.get("text", "")]


async def test_approve_waits_for_a_retry_then_goes_through_once_analysis_gave_up(bot):
    card, review_id = await changed_and_failing(bot)
    waiting = await bot.press(STAFF, card, "a")
    assert "自动分析失败（已试 1 次）" in waiting["text"]
    assert "将于" in waiting["text"] and "重试" in waiting["text"]
    assert (await review(bot, review_id)).status == "open"

    await give_up(bot)
    assert (await review(bot, review_id)).process_attempts == 5
    assert len(notices(bot)) == 1  # staff were sent it to read themselves
    done = await bot.press(STAFF, bot.card(card), "a")
    assert "已通过" in done["text"]
    await bot.daemon.drain()
    assert (await review(bot, review_id)).status in ("approved", "replied")
    assert len(bot.demo.platform.replies) == 1


async def test_staff_write_their_own_reply_once_analysis_gave_up(bot):
    card, review_id = await changed_and_failing(bot)
    await give_up(bot)
    await bot.press(STAFF, bot.card(card), "e")
    prompt = [m for m in bot.fake.in_chat(STAFF_CHAT) if "回复本消息" in m.get("text", "")][-1]
    own = "您好，米饭夹生、汤洒出来是我们的问题，已经提醒后厨和骑手，非常抱歉！"
    bot.fake.say(STAFF, STAFF_CHAT, own, reply_to=prompt)
    preview = await bot.fake.wait_for(
        lambda: next(
            (m for m in bot.fake.in_chat(STAFF_CHAT) if "确认发布吗" in m.get("text", "")), None
        )
    )
    done = await bot.press(STAFF, preview, "y")
    assert "没有保存" not in done["text"]
    await bot.daemon.drain()
    assert [r.content for r in bot.demo.platform.replies] == [own]
    assert (await review(bot, review_id)).status in ("approved", "replied")
