"""A review that changes after it was answered (a customer's 追评, or an edit): a new
complaint with a new speed window, answered again where the platform lets a reply be
replaced (Google), and otherwise handed to staff to reach the customer in private."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from reviewbot.reporting import metrics
from reviewbot.store.schema import Escalation, Review
from tests.fakes import serve
from tests.fakes.google import GooglePlatform
from tests.fakes.telegram import TOKEN
from tests.harness.daemon import Running as Bot
from tests.harness.daemon import start_daemon as start_bot
from tests.harness.telegram import MANAGER, NEGATIVE, STAFF, STAFF_CHAT, telegram_settings

pytestmark = pytest.mark.one_database  # SQLite only: tests/conftest.py says why

SHANGHAI = ZoneInfo("Asia/Shanghai")
FOLLOW_UP = "打电话过去也没人管，菜还是凉的，太失望了"


def labels(card: dict) -> list[str]:
    markup = card.get("reply_markup") or {"inline_keyboard": []}
    return [b["text"] for row in markup["inline_keyboard"] for b in row]


async def review(bot: Bot) -> Review:
    async with bot.daemon.sessions() as session:
        (row,) = (await session.scalars(select(Review))).all()
        return row


async def follow_up_card(bot: Bot) -> dict:
    """Poll, and the card about the follow-up (which may carry no approve button)."""
    bot.clock.advance(minutes=5)
    await bot.daemon.poll_all_once()
    await bot.daemon.drain()
    (card,) = [m for m in bot.fake.in_chat(STAFF_CHAT) if FOLLOW_UP in m.get("text", "")]
    return card


def chat_texts(bot: Bot, fragment: str) -> list[str]:
    return [m["text"] for m in bot.fake.in_chat(STAFF_CHAT) if fragment in m.get("text", "")]


async def test_a_follow_up_after_our_reply_asks_staff_to_reach_the_customer(bot):
    """The demo platform takes one reply per review: the 追评 cannot be answered publicly,
    so the card says so, offers only ☎️, and the contact reminder runs again."""
    card = await bot.review_arrives(NEGATIVE)
    await bot.press(STAFF, card, "a")
    assert len(bot.demo.platform.replies) == 1
    bot.clock.advance(hours=25)  # the first complaint's contact reminder
    await bot.daemon.drain()
    assert len(chat_texts(bot, "还没有记录联系结果")) == 1

    (demo_review,) = [r for r in bot.demo.platform.by_id.values() if r.content == NEGATIVE]
    bot.demo.platform.add_follow_up(demo_review.review_id, FOLLOW_UP)
    again = await follow_up_card(bot)

    assert FOLLOW_UP in again["text"]
    assert "顾客在我们回复之后又追评" in again["text"] and "只能回复一次" in again["text"]
    assert labels(again) == ["☎️ 已联系顾客"]
    row = await review(bot)
    assert (row.status, row.window_round, row.contacted_at) == ("replied", 1, None)

    bot.clock.advance(hours=25)  # the new complaint's contact reminder, and no reply ladder
    await bot.daemon.drain()
    assert len(chat_texts(bot, "还没有记录联系结果")) == 2
    assert chat_texts(bot, "还没有回复") == [] and chat_texts(bot, "已超过回复时限") == []
    async with bot.daemon.sessions() as session:
        rungs = (await session.execute(select(Escalation.round, Escalation.step))).all()
    assert sorted(rungs) == [(0, "contact"), (1, "contact")]

    await bot.press(MANAGER, again, "c")
    row = await review(bot)
    assert row.contacted_by == "李店长" and len(bot.demo.platform.replies) == 1


async def test_a_follow_up_before_any_reply_stays_one_open_review(bot):
    card = await bot.review_arrives(NEGATIVE)
    (demo_review,) = [r for r in bot.demo.platform.by_id.values() if r.content == NEGATIVE]
    bot.demo.platform.add_follow_up(demo_review.review_id, FOLLOW_UP)
    again = await follow_up_card(bot)
    assert "顾客在我们回复之后又追评" not in again["text"]
    assert labels(again)[0] == "✅ 通过并发布"
    row = await review(bot)
    assert (row.status, row.window_round) == ("open", 0)
    await bot.press(STAFF, again, "a")
    assert len(bot.demo.platform.replies) == 1
    assert labels(bot.card(card)) == labels(bot.card(again)) == ["☎️ 已联系顾客"]


@pytest.fixture
async def google_bot(database_url, telegram, clock, monkeypatch) -> AsyncIterator[Any]:
    """The Telegram workflow for a store on the fake Google Business Profile."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("G_SECRET", "g-secret")
    monkeypatch.setenv("G_REFRESH", "g-refresh")
    google = GooglePlatform(now=clock.now)
    async with serve(google.app()) as url:
        settings = telegram_settings(database_url, "http://127.0.0.1:9", telegram.base_url)
        settings["stores"] = settings["stores"][:1]  # and the people of that store only
        settings["people"] = [
            p for p in settings["people"] if p.get("stores") in (["*"], ["store-1"])
        ]
        settings["stores"][0]["sources"] = [
            {
                "platform": "google",
                "account": "accounts/111/locations/222",
                "client_id": "client-1.apps.googleusercontent.com",
                "client_secret_env": "G_SECRET",
                "refresh_token_env": "G_REFRESH",
                "base_url": url,
                "token_url": f"{url}/token",
            }
        ]
        running = await start_bot(settings, telegram, None, clock)
        try:
            yield running, google
        finally:
            await running.daemon.stop()
            await running.daemon.close()


async def poll(bot: Bot) -> None:
    bot.clock.advance(minutes=5)
    await bot.daemon.poll_all_once()
    await bot.daemon.drain()


async def test_an_edit_after_our_google_reply_is_answered_again_by_replacing_it(google_bot):
    bot, google = google_bot
    posted = google.add(1, "服务员态度很差，菜也是冷的")
    await poll(bot)
    first_seen = bot.clock.now()
    (card,) = bot.fake.cards(STAFF_CHAT)
    await bot.press(STAFF, card, "a")
    first_reply = posted["reviewReply"]["comment"]
    await poll(bot)  # the platform now shows our reply: nobody else answered
    assert (await review(bot)).status == "replied"

    google.edit(posted, "服务员态度很差，菜也是冷的。更新：打电话投诉也没人理", 1)
    await poll(bot)
    again = bot.fake.cards(STAFF_CHAT)[-1]
    assert again is not card and "打电话投诉也没人理" in again["text"]
    assert "只能回复一次" not in again["text"]
    assert labels(again)[:2] == ["✅ 通过并发布", "✏️ 修改"]
    row = await review(bot)
    assert (row.status, row.window_round) == ("open", 1)

    answer = await bot.press(STAFF, again, "a")
    assert answer["text"] == "已通过，正在发布到平台。", answer
    second_reply = posted["reviewReply"]["comment"]
    assert second_reply != first_reply  # replaced, not stacked: Google keeps one reply
    await poll(bot)
    row = await review(bot)
    assert row.status == "replied" and row.handled_by == "小张"

    # The speed figures measure the first answer against the first window: no negative
    # times, and the second approval is not taken for a slow first one (the review keeps
    # only its latest approver, so that review's approval time is left out).
    settings = bot.daemon.settings
    scope = metrics.period_scope(
        settings, ["store-1"], "week", first_seen.astimezone(SHANGHAI).date(), bot.clock.now()
    )
    async with bot.daemon.sessions() as session:
        figures = await metrics.figures(session, settings, scope)
    assert figures.steps["approve"].count == 0 and figures.steps["post"].count == 1
    assert 0 <= figures.steps["post"].median <= 15 * 60
    assert figures.window == metrics.WindowShare(on_time=1, late=0, missed=0, pending=0)


class EditedWhilePosting:
    """The outbox's reply handler, with the customer's edit stored and analysed while
    the reply's POST is on its way (after the handler's check, before it records)."""

    def __init__(self, real: Any, edit: Any) -> None:
        self.real = real
        self.edit = edit

    async def deliver(self, message: Any) -> dict[str, Any]:
        result = await self.real.deliver(message)
        await self.edit()
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


async def test_a_reply_that_lands_after_it_was_withdrawn_leaves_the_new_words_open(google_bot):
    bot, google = google_bot
    posted = google.add(2, "服务员态度很差，菜也是冷的")
    await poll(bot)
    (card,) = bot.fake.cards(STAFF_CHAT)

    async def edit() -> None:
        google.edit(posted, "吃完以后全家上吐下泻，去医院说是食物中毒", 1)
        bot.clock.advance(minutes=5)
        (polled,) = await bot.daemon.poll_all_once()
        assert polled.result.revised == 1
        await bot.daemon.pipeline.run_once()  # withdraws the reply, opens the review again

    handlers = bot.daemon.dispatcher.handlers
    handlers["reply"] = EditedWhilePosting(handlers["reply"], edit)  # type: ignore[index]
    await bot.press(STAFF, card, "a")
    await bot.daemon.drain()

    first_reply = posted["reviewReply"]["comment"]  # it landed: recorded as posted
    row = await review(bot)
    assert (row.status, row.window_round, row.reply_text) == ("open", 1, first_reply)
    again = bot.fake.cards(STAFF_CHAT)[-1]
    assert "食物中毒" in again["text"] and labels(again)[0] == "✅ 通过并发布"
    assert "通过的回复没有发布" not in bot.card(again)["text"]  # it was, after all
    handlers["reply"] = handlers["reply"].real  # type: ignore[index]
    await bot.press(MANAGER, again, "a")  # the new words' reply replaces the first one
    assert posted["reviewReply"]["comment"] != first_reply
    assert (await review(bot)).status == "replied"
