"""The chat rough edges a staff member met on a phone (issue 13), each fixed and checked
through the real bot against the fake Bot API on the shared harness."""

from __future__ import annotations

from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy import select

from reviewbot.store.schema import AuditEntry, Crisis, Review, Store, Task
from tests.fakes.telegram import plain_text
from tests.harness.daemon import Running, review_number, shanghai
from tests.harness.telegram import MANAGER, OTHER_STORE, OWNER, STAFF, STAFF_CHAT, STRANGER

pytestmark = pytest.mark.one_database  # SQLite only: tests/conftest.py says why


async def test_the_card_says_how_the_customer_feels_not_a_raw_score(bot: Running):
    card = await bot.review_arrives("水煮鱼太咸了，送到的时候已经凉了", 1)
    assert "顾客很不满" in card["text"] and "情感" not in card["text"]
    fine = await bot.review_arrives("味道还可以，就是有点慢", 3)
    assert "顾客一般" in fine["text"]


def test_moods_follow_the_stars_and_the_words():
    from reviewbot.reporting.labels import mood

    assert mood(1, 0.9) == "很不满" and mood(None, 0.05) == "很不满"
    assert mood(2, 0.9) == "不满" and mood(5, 0.3) == "不满"
    assert mood(3, 0.9) == "一般" and mood(None, 0.5) == "一般"
    assert mood(5, 0.8) == "满意" and mood(4, 0.95) == "满意"


def test_three_stars_and_a_lukewarm_word_is_no_strong_displeasure():
    """The model reads 一般般 as low as 难吃死了: beside three stars the card said 很不满."""
    from reviewbot.analysis.base import ReviewText
    from reviewbot.analysis.v1 import AnalyzerV1
    from reviewbot.reporting.labels import mood

    analyzer = AnalyzerV1()
    lukewarm = analyzer.analyze(ReviewText("1", "一般般吧，没什么特别的", 3))
    assert mood(3, lukewarm.sentiment, "一般般吧，没什么特别的") == "一般"
    assert mood(None, lukewarm.sentiment, "一般般") == "一般"
    harsh = "太难吃了，服务员态度也很差，再也不来了"
    angry = analyzer.analyze(ReviewText("2", harsh, 3))
    assert mood(3, angry.sentiment, harsh) == "不满"  # three stars: never 很不满
    assert mood(1, angry.sentiment, harsh) == "很不满"
    assert mood(2, lukewarm.sentiment, "一般般") == "不满"  # the stars say worse
    assert mood(None, angry.sentiment, harsh) == "很不满"


async def test_pending_puts_the_nearest_deadline_first_with_tappable_links(bot: Running):
    ordinary = await bot.review_arrives("第一条：米饭是生的", 1)  # a 2 h window
    urgent = await bot.review_arrives("吃完上吐下泻，去医院查了是食物中毒", 1)  # 30 min

    listing = (await bot.ask(STAFF, STAFF_CHAT, "/pending")).splitlines()

    assert listing[0] == "待处理 2 条（回复时限最近的在前）："
    assert listing[1].startswith(f"/review_{review_number(urgent)} ")
    assert listing[2].startswith(f"/review_{review_number(ordinary)} ")
    assert "/review 编号" not in "\n".join(listing)

    # Tapping the link sends it as a command (with the bot's name in a group): the card.
    before = len(bot.fake.cards(STAFF_CHAT))
    bot.fake.say(STAFF, STAFF_CHAT, f"/review_{review_number(ordinary)}@reviewbot_test_bot")
    copy = await bot.fake.wait_for(
        lambda: bot.fake.cards(STAFF_CHAT)[before:] and bot.fake.cards(STAFF_CHAT)[-1]
    )
    assert "第一条：米饭是生的" in copy["text"]
    assert (await bot.press(STAFF, copy, "a"))["text"] == "已通过，正在发布到平台。"


async def test_a_stranger_in_a_group_is_refused_once_an_hour_without_the_chat_id(
    bot: Running,
):
    refusal = await bot.ask(STRANGER, STAFF_CHAT, "/pending")
    assert "没有权限" in refusal and f"用户 ID：{STRANGER}" in refusal
    assert str(STAFF_CHAT) not in refusal

    for command in ("/pending", "/stats", "/help"):  # more commands: no more refusals
        bot.fake.say(STRANGER, STAFF_CHAT, command)
    await bot.ask(MANAGER, STAFF_CHAT, "/help")  # answered after the stranger's three
    said = [m for m in bot.fake.in_chat(STAFF_CHAT) if "没有权限" in m.get("text", "")]
    assert len(said) == 1

    bot.clock.advance(minutes=61)  # an hour on: told once more
    assert "没有权限" in await bot.ask(STRANGER, STAFF_CHAT, "/stats")
    async with bot.daemon.sessions() as session:
        refused = (
            await session.scalars(
                select(AuditEntry.details).where(AuditEntry.action == "chat.refused")
            )
        ).all()
    assert len(refused) == 5 and sum(bool(d["told"]) for d in refused) == 2  # all audited

    # In a private chat the ids the config needs are still given.
    private = await bot.ask(STRANGER, STRANGER, "/start")
    assert f"用户 ID：{STRANGER}；本聊天 ID：{STRANGER}" in private


async def test_a_confirmed_edit_retires_its_preview_and_its_prompt(bot: Running):
    card = await bot.review_arrives()
    await bot.press(STAFF, card, "e")
    prompt = [m for m in bot.fake.in_chat(STAFF_CHAT) if "回复本消息" in m.get("text", "")][-1]
    bot.fake.say(STAFF, STAFF_CHAT, "您好，水煮鱼偏咸是我们的问题，抱歉！", reply_to=prompt)
    preview = await bot.fake.wait_for(
        lambda: next(
            (m for m in bot.fake.in_chat(STAFF_CHAT) if "确认发布吗" in m.get("text", "")), None
        )
    )
    # Answered: the prompt (and its reply box) is gone, the preview carries on.
    await bot.fake.wait_for(lambda: prompt in bot.fake.deleted)
    assert (STAFF_CHAT, prompt["message_id"]) not in bot.fake.messages

    answer = await bot.press(STAFF, preview, "y")

    assert not answer["show_alert"] and len(bot.demo.platform.replies) == 1
    retired = bot.fake.messages[(STAFF_CHAT, preview["message_id"])]
    assert "reply_markup" not in retired  # no live ✅ left to say "可能已超时"
    assert "您好，水煮鱼偏咸是我们的问题" in retired["text"] and "✅ 已确认" in retired["text"]


async def test_a_cancelled_edit_retires_its_preview(bot: Running):
    card = await bot.review_arrives()
    await bot.press(STAFF, card, "e")
    prompt = [m for m in bot.fake.in_chat(STAFF_CHAT) if "回复本消息" in m.get("text", "")][-1]
    bot.fake.say(STAFF, STAFF_CHAT, "半成品回复，不要发", reply_to=prompt)
    preview = await bot.fake.wait_for(
        lambda: next(
            (m for m in bot.fake.in_chat(STAFF_CHAT) if "确认发布吗" in m.get("text", "")), None
        )
    )
    assert (await bot.press(STAFF, preview, "x"))["text"] == "已取消修改，草稿保持不变。"
    retired = bot.fake.messages[(STAFF_CHAT, preview["message_id"])]
    assert "reply_markup" not in retired and "✖ 已取消" in retired["text"]
    assert "半成品回复，不要发" in retired["text"] and bot.demo.platform.replies == []


async def test_ignore_asks_first_and_can_be_undone_for_30_seconds(bot: Running):
    card = await bot.review_arrives()
    ask = await bot.ask_ignore(STAFF, card)
    assert await bot.count(Review, Review.status == "ignored") == 0  # one tap closes nothing
    kept = await bot.press(STAFF, ask, "k")
    assert kept["text"] == "好的，不忽略。" and "reply_markup" not in bot.card(ask)
    assert await bot.count(Review, Review.status == "open") == 1

    ask = await bot.ask_ignore(STAFF, card)
    answer = await bot.press(STAFF, ask, "g")
    assert answer["text"] == "已忽略这条评价，30 秒内可撤销。"
    assert "🙈 小张 于" in bot.card(card)["text"]
    bot.clock.advance(seconds=20)
    undone = await bot.press(STAFF, bot.card(ask), "u")
    assert undone["text"] == "已撤销忽略，这条评价重新待处理。"
    assert "reply_markup" not in bot.card(ask) and "撤销了忽略" in bot.card(ask)["text"]
    redrawn = bot.card(card)
    assert "忽略了这条评价" not in redrawn["text"] and bot.fake.button(redrawn, "a")
    # Open again with its draft: approving posts it.
    assert (await bot.press(STAFF, redrawn, "a"))["text"] == "已通过，正在发布到平台。"
    assert len(bot.demo.platform.replies) == 1


async def test_an_ignore_is_final_after_30_seconds(bot: Running):
    card = await bot.review_arrives()
    ask = await bot.ask_ignore(STAFF, card)
    await bot.press(STAFF, ask, "g")
    undo = bot.fake.button(bot.card(ask), "u")
    bot.clock.advance(seconds=31)
    query = bot.fake.press(STAFF, bot.card(ask), undo)
    late = await bot.fake.wait_for(lambda: bot.fake.answer_to(query))
    assert late["show_alert"] and "已超过撤销时限" in late["text"]
    assert "reply_markup" not in bot.card(ask)
    assert await bot.count(Review, Review.status == "ignored") == 1
    # Nobody else may undo someone's ignore but a manager; a stranger learns nothing.
    card = await bot.review_arrives("第二条：送错了菜", 1)
    ask = await bot.ask_ignore(MANAGER, card)
    await bot.press(MANAGER, ask, "g")
    refused = await bot.press(STAFF, bot.card(ask), "u")
    assert refused["show_alert"] and "店长" in refused["text"]
    assert await bot.count(Review, Review.status == "ignored") == 2


async def test_an_appeal_is_sent_as_a_message_with_its_text_and_whole_checklist(bot: Running):
    card = await bot.review_arrives("加微信xx123领优惠券，代刷好评", 1)
    seen = {m["message_id"] for m in bot.fake.in_chat(STAFF_CHAT)}

    answer = await bot.press(MANAGER, card, "m")

    assert "申诉任务" in answer["text"]
    async with bot.daemon.sessions() as session:
        task = await session.scalar(select(Task).where(Task.kind == "appeal"))
    evidence, text = task.details["evidence"], task.details["text"]
    assert len(evidence) > 3 and text  # more than the pop-up ever showed, and the text
    (sheet,) = [m for m in bot.fake.in_chat(STAFF_CHAT) if m["message_id"] not in seen]
    shown = plain_text(sheet["text"], "HTML")
    assert text in shown and "粘贴到平台的申诉表单" in shown
    for n, item in enumerate(evidence, 1):
        assert f"{n}. {item}" in shown


async def test_an_appeal_staff_start_on_their_own_judgement_has_a_text_too(bot: Running):
    card = await bot.review_arrives("难吃", 1)  # the analysis saw nothing malicious
    seen = {m["message_id"] for m in bot.fake.in_chat(STAFF_CHAT)}
    await bot.press(MANAGER, card, "m")
    (sheet,) = [m for m in bot.fake.in_chat(STAFF_CHAT) if m["message_id"] not in seen]
    shown = plain_text(sheet["text"], "HTML")
    assert "测试小馆" in shown and "难吃" in shown  # the store and the review, quoted
    assert "需要准备的证据" in shown and "1. 评价截图" in shown


async def test_staff_refused_on_a_managers_review_can_ping_the_managers_once(bot: Running):
    card = await bot.review_arrives("吃完上吐下泻，去医院查了是食物中毒", 1)
    refused = await bot.press(STAFF, card, "a")
    assert refused["show_alert"] and "请店长处理" in refused["text"]
    ping = bot.fake.button(card, "p")
    assert bot.fake.in_chat(MANAGER) == []

    answer = await bot.press(STAFF, card, "p")

    assert answer["text"] == "已通知店长。"
    (page,) = bot.fake.in_chat(MANAGER)  # the manager's private chat
    assert f"小张 请店长处理评价 #{review_number(card)}" in page["text"]
    assert f"/review_{review_number(card)}" in page["text"]
    redrawn = bot.card(card)
    assert "📣 小张 于" in redrawn["text"] and "已请店长处理" in redrawn["text"]
    assert "请店长处理" not in [
        b["text"] for r in redrawn["reply_markup"]["inline_keyboard"] for b in r
    ]

    query = bot.fake.press(STAFF, card, ping)  # the card as it was: a second ping
    again = await bot.fake.wait_for(lambda: bot.fake.answer_to(query))
    await bot.daemon.drain()
    assert "已于" in again["text"] and "通知过店长" in again["text"]
    assert len(bot.fake.in_chat(MANAGER)) == 1


async def test_an_ordinary_review_has_no_manager_button(bot: Running):
    card = await bot.review_arrives()
    labels = [b["text"] for row in card["reply_markup"]["inline_keyboard"] for b in row]
    assert "📣 请店长处理" not in labels


async def test_the_card_links_to_the_review_on_its_platform(bot: Running):
    card = await bot.review_arrives()
    (external_id,) = list(bot.demo.platform.by_id)
    url = f"{bot.demo.base_url}/shops/shop-1/reviews/{external_id}"
    assert f'🔗 <a href="{url}">在演示平台查看这条评价</a>' in card["text"]
    async with aiohttp.ClientSession() as http, http.get(url) as page:
        assert page.status == 200 and "水煮鱼太咸了" in await page.text()


def test_only_web_links_reach_a_card():
    from reviewbot.platforms.normalize import as_url

    assert as_url("https://www.example.com/r/1?a=1&b=2") == "https://www.example.com/r/1?a=1&b=2"
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "https://", "http://a b", 7, None):
        assert as_url(bad) is None


OTHER_CHAT = -100999  # store-2's group in the harness


async def _outage_with_alerts_held(bot: Running) -> None:
    """Telegram refuses every message while a review arrives in each store; the outage
    lasts until the outbox backs off to its longest delay."""
    bot.fake.fail("sendMessage", 502, times=100_000)
    bot.demo.platform.add_review("shop-1", "第一条：米饭是生的", 1)
    bot.demo.platform.add_review("shop-2", "第二条：送错了菜", 1)
    bot.clock.advance(minutes=5)
    await bot.daemon.poll_all_once()
    await bot.daemon.drain()
    for _ in range(120):  # ten minutes of outage, the outbox run every 5 s
        bot.clock.advance(seconds=5)
        await bot.daemon.dispatcher.run_once()


@pytest.mark.both_databases
async def test_alerts_held_in_an_outage_flow_within_seconds_of_telegram_coming_back(
    bot: Running,
):
    await _outage_with_alerts_held(bot)
    tried = len([c for c in bot.fake.calls if c.method == "sendMessage"])
    while len([c for c in bot.fake.calls if c.method == "sendMessage"]) == tried:
        bot.clock.advance(seconds=1)  # Telegram comes back just after an attempt failed
        await bot.daemon.dispatcher.run_once()
    bot.fake.faults.clear()
    assert bot.fake.cards(STAFF_CHAT) == [] and bot.fake.cards(OTHER_CHAT) == []

    bot.clock.advance(seconds=6)
    await bot.daemon.dispatcher.run_once()

    # Both stores' alerts: the one retried soonest and the one its success released.
    assert len(bot.fake.cards(STAFF_CHAT)) == 1 and len(bot.fake.cards(OTHER_CHAT)) == 1


async def test_a_message_telegram_asked_to_wait_still_waits_when_others_flow(bot: Running):
    bot.fake.fail("sendMessage", 429, retry_after=30)  # the first send is told to wait
    bot.demo.platform.add_review("shop-1", "第一条：米饭是生的", 1)
    bot.demo.platform.add_review("shop-2", "第二条：送错了菜", 1)
    bot.clock.advance(minutes=5)
    await bot.daemon.poll_all_once()
    await bot.daemon.drain()
    cards = [len(bot.fake.cards(chat)) for chat in (STAFF_CHAT, OTHER_CHAT)]
    assert sorted(cards) == [0, 1]  # one went, and its success released nothing early
    bot.clock.advance(seconds=6)
    await bot.daemon.dispatcher.run_once()
    assert [len(bot.fake.cards(chat)) for chat in (STAFF_CHAT, OTHER_CHAT)] == cards
    bot.clock.advance(seconds=25)
    await bot.daemon.dispatcher.run_once()
    assert [len(bot.fake.cards(chat)) for chat in (STAFF_CHAT, OTHER_CHAT)] == [1, 1]


async def test_an_edit_cancelled_before_any_text_removes_its_prompt(bot: Running):
    card = await bot.review_arrives()
    await bot.press(STAFF, card, "e")
    prompt = [m for m in bot.fake.in_chat(STAFF_CHAT) if "回复本消息" in m.get("text", "")][-1]
    assert await bot.ask(STAFF, STAFF_CHAT, "/cancel") == "已取消修改，草稿保持不变。"
    assert prompt in bot.fake.deleted


async def test_a_group_lists_and_shows_only_its_own_stores_reviews(bot: Running):
    """The owner covers every store: in store-1's group, /pending and /review speak for
    store-1 only (its staff read the group), in private for all of the owner's."""
    ours = await bot.review_arrives("第一条：米饭是生的", 1)
    bot.staff_chat = -100999  # store-2's group
    theirs = await bot.review_arrives("别的店：汤是凉的", 1, shop="shop-2")
    bot.staff_chat = STAFF_CHAT
    listing = await bot.ask(OWNER, STAFF_CHAT, "/pending")
    assert f"/review_{review_number(ours)} " in listing
    assert f"/review_{review_number(theirs)} " not in listing and "待处理 1 条" in listing
    refused = await bot.ask(OWNER, STAFF_CHAT, f"/review {review_number(theirs)}")
    assert refused == f"找不到评价 #{review_number(theirs)}。"
    mine = await bot.ask(OWNER, OWNER, "/pending")
    assert f"/review_{review_number(theirs)} " in mine and "待处理 2 条" in mine


async def test_closing_a_crisis_with_several_open_asks_which_store_and_names_it(bot: Running):
    async with bot.daemon.sessions() as session, session.begin():
        for store in ("store-1", "store-2"):
            session.add(
                Crisis(
                    store_id=store, status="open", triggers=[], review_ids=[],
                    started_at=bot.clock.now(),
                )
            )  # fmt: skip
    asked = await bot.ask(OWNER, OWNER, "/crisis close 已送检，结果正常")
    assert "测试小馆、别的店" in asked and "请写明结束哪一家" in asked
    assert await bot.ask(OWNER, OWNER, "/crisis close 别的店 已处理") == (
        "已结束危机（别的店），处理记录已保存。"
    )
    assert await bot.ask(OWNER, OWNER, "/crisis close 已送检，结果正常") == (
        "已结束危机（测试小馆），处理记录已保存。"
    )
    async with bot.daemon.sessions() as session:
        closed = (await session.execute(select(Crisis.store_id, Crisis.summary))).all()
    assert sorted(closed) == [("store-1", "已送检，结果正常"), ("store-2", "已处理")]


async def test_mute_where_the_person_has_no_store_mutes_nothing_and_says_so(bot: Running):
    assert await bot.ask(OTHER_STORE, STAFF_CHAT, "/mute 1h") == "这个聊天里没有你负责的门店。"
    async with bot.daemon.sessions() as session:
        assert (await session.scalars(select(Store.muted_until))).all() == [None, None]
    muted = await bot.ask(MANAGER, STAFF_CHAT, "/mute 1h")
    assert f"直到 {shanghai(bot.clock.now() + timedelta(hours=1))[-5:]}。" in muted
