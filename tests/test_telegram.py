"""The staff workflow in Telegram: the real python-telegram-bot Application against a fake
Bot API server, with the demo platform receiving the replies."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from html import escape as _escape

import pytest
from sqlalchemy import select

from reviewbot.app.daemon import Daemon
from reviewbot.platforms.demo.server import Fault
from reviewbot.store.schema import AuditEntry, Draft, OutboxMessage, Review, Task
from tests.conftest import TEST_FACTS
from tests.fakes.telegram import DROP, TOKEN, FakeTelegram, plain_text, utf16_len
from tests.harness.daemon import Running, review_number, shanghai
from tests.harness.daemon import start_daemon as start_bot
from tests.harness.telegram import (
    MANAGER,
    NEGATIVE,
    OTHER_STORE,
    OWNER,
    STAFF,
    STAFF_CHAT,
    STRANGER,
    TWO_HATS,
    telegram_settings,
)

pytestmark = pytest.mark.one_database  # SQLite only: tests/conftest.py says why

Bot = Running  # the running daemon as these tests call it


async def test_approve_posts_the_reply_and_redraws_the_card(bot):
    card = await bot.review_arrives()
    assert NEGATIVE in card["text"] and "测试小馆" in card["text"] and "★☆☆☆☆" in card["text"]
    labels = [b["text"] for row in card["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == [
        "✅ 通过并发布",
        "✏️ 修改",
        "🔁 换一版",
        "☎️ 已联系顾客",
        "🚩 恶意（申诉）",
        "🙈 忽略",
        "⏰ 稍后提醒",
    ]

    answer = await bot.press(STAFF, card, "a")

    assert answer["text"] == "已通过，正在发布到平台。" and not answer["show_alert"]
    (reply,) = bot.demo.platform.replies
    assert "水煮鱼" in reply.content  # the draft named the dish
    redrawn = bot.card(card)
    assert "✅ 已发布到平台（小张 于" in redrawn["text"]
    assert [b["text"] for row in redrawn["reply_markup"]["inline_keyboard"] for b in row] == [
        "☎️ 已联系顾客"
    ]


async def test_review_text_cannot_break_or_inject_markup(bot):
    # Entities survive cleaning as literal < > characters; the card must escape them again.
    hostile = (
        "&lt;/blockquote&gt;&lt;a href='http://evil'&gt;点我&lt;/a&gt; 价格<50 & 味道>差，难吃"
    )
    card = await bot.review_arrives(hostile, 1)
    assert "&lt;/blockquote&gt;&lt;a href='http://evil'&gt;点我&lt;/a&gt;" in card["text"]
    assert "价格&lt;50 &amp; 味道&gt;差" in card["text"]
    # The only link is the card's own, to the review on the platform (and the fake,
    # parsing like Telegram, accepted the card).
    links = [part.split('"')[1] for part in card["text"].split("<a ")[1:]]
    assert len(links) == 1 and links[0].startswith(f"{bot.demo.base_url}/shops/shop-1/")


async def test_emoji_heavy_reviews_and_long_drafts_still_fit_in_one_card(bot):
    # Telegram counts UTF-16 units: every 😡 is two. A critical review (so a staff edit
    # stays on the card, waiting for a manager), an emoji follow-up and a long draft.
    text = "吃完上吐下泻，去医院查了是食物中毒" + "😡" * 3000
    first = await bot.review_arrives(text, 1)
    (external_id,) = list(bot.demo.platform.by_id)
    bot.demo.platform.add_follow_up(external_id, "追评：医院的诊断书都有" + "🤮" * 3000)
    updated = await bot.review_arrives_again()
    draft = "非常抱歉，我们已封存留样送检，店长会马上联系您。" + "🙏" * 440
    preview = await edit(bot, STAFF, updated, draft)
    assert "修改已保存为当前草稿" in (await bot.press(STAFF, preview, "y"))["text"]
    bot.fake.say(STAFF, STAFF, f"/review {review_number(first)}")
    copy = await bot.fake.wait_for(lambda: next(iter(bot.fake.cards(STAFF)), None))

    cards = [bot.card(first), bot.card(updated), copy]
    for card in cards:  # the fake refuses what Telegram refuses (over 4096 units)
        shown = plain_text(card["text"], "HTML")
        assert utf16_len(shown) <= 4096 and "😡…" in shown
        assert "非常抱歉，我们已封存留样送检" in shown
    assert "🤮…" in plain_text(bot.card(updated)["text"], "HTML")
    assert await bot.count(OutboxMessage, OutboxMessage.status != "sent") == 0


def test_no_field_can_push_a_card_over_the_limit():
    from datetime import UTC

    from reviewbot.chat.telegram.render import alert_html
    from reviewbot.workflow.cards import AlertView

    view = AlertView(
        alert_id=1,
        kind="new",
        token="t",
        review_id=7,
        store_id="store-1",
        store_name="店" * 3000,
        platform="demo",
        rating=1,
        author="😡" * 3000,
        order_id="9" * 5000,
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
        text="难吃" * 2500,
        follow_up="🤮" * 5000,
        revision=2,
        polarity="negative",
        sentiment=0.1,
        categories=[],
        malicious=False,
        malicious_reasons=[],
        severity="medium",
        required_role="staff",
        draft_id=1,
        draft_text="抱歉" * 2000,
        draft_template="t",
        draft_status="failed",
        reply_error="平台报错" * 1000,
    )
    card = plain_text(alert_html(view), "HTML")
    assert utf16_len(card) <= 4096 and "抱歉抱歉" in card and "草稿较长" in card
    # Names come from the config, unbounded: the card degrades to plain text, still fits.
    handled = alert_html(replace(view, review_status="ignored", handled_by="名" * 5000))
    assert utf16_len(plain_text(handled, "HTML")) <= 4096


async def test_edit_then_confirm_posts_the_edited_text(bot):
    card = await bot.review_arrives()
    await bot.press(STAFF, card, "e")
    prompt = await bot.fake.wait_for(
        lambda: next(
            (m for m in bot.fake.in_chat(STAFF_CHAT) if "回复本消息" in m.get("text", "")), None
        )
    )
    assert bot.fake.requested_markup[prompt["message_id"]]["force_reply"] is True
    # A selective reply box opens only for mentioned users: the prompt mentions its editor.
    assert f'<a href="tg://user?id={STAFF}">小张</a>' in prompt["text"]

    bot.fake.say(
        STAFF, STAFF_CHAT, "您好，水煮鱼偏咸是我们的问题，已经调整，抱歉！", reply_to=prompt
    )
    preview = await bot.fake.wait_for(
        lambda: next(
            (m for m in bot.fake.in_chat(STAFF_CHAT) if "确认发布吗" in m.get("text", "")), None
        )
    )
    assert "您好，水煮鱼偏咸是我们的问题" in preview["text"]
    await bot.daemon.drain()
    assert "您好，水煮鱼偏咸是我们的问题" not in bot.card(card)["text"]  # not before the confirm

    await bot.press(STAFF, preview, "y")

    assert [r.content for r in bot.demo.platform.replies] == [
        "您好，水煮鱼偏咸是我们的问题，已经调整，抱歉！"
    ]
    async with bot.daemon.sessions() as session:
        edit = await session.scalar(select(AuditEntry).where(AuditEntry.action == "draft.edited"))
    assert edit.actor == f"telegram:{STAFF}" and edit.details["before"] != edit.details["after"]


async def edit(bot: Bot, user: int, card: dict, text: str) -> dict:
    """Press ✏️ on `card` and answer the prompt with `text`: returns the preview message
    with its confirm buttons."""
    chat = card["chat"]["id"]
    await bot.press(user, card, "e")
    prompt = [m for m in bot.fake.in_chat(chat) if "回复本消息" in m.get("text", "")][-1]
    seen = {m["message_id"] for m in bot.fake.in_chat(chat)}
    bot.fake.say(user, chat, text, reply_to=prompt)
    return await bot.fake.wait_for(
        lambda: next(
            (
                m
                for m in bot.fake.in_chat(chat)
                if m["message_id"] not in seen and "确认发布吗" in m.get("text", "")
            ),
            None,
        )
    )


async def test_every_field_on_a_card_and_a_preview_is_escaped(
    database_url, demo, telegram, clock, monkeypatch
):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    settings = telegram_settings(database_url, demo.base_url, telegram.base_url)
    settings["stores"][0]["name"] = "<b>测试</b>小馆 & 分店"
    bot = await start_bot(settings, telegram, demo, clock)
    try:
        posted = demo.platform.add_review(
            "shop-1", "水煮鱼太咸了", 1, nickname="老王<3 & 小李>", anonymous=False
        )
        posted.order_id = "A<1>&B"
        clock.advance(minutes=5)
        await bot.daemon.poll_all_once()
        await bot.daemon.drain()
        (card,) = telegram.cards(STAFF_CHAT)  # the fake parses HTML strictly, as Telegram does
        assert "&lt;b&gt;测试&lt;/b&gt;小馆 &amp; 分店" in card["text"]
        assert "老王&lt;3 &amp; 小李&gt;" in card["text"]
        assert "订单 A&lt;1&gt;&amp;B" in card["text"]

        typed = "</blockquote><b>抱歉</b> & <a href='x'>水煮鱼</a>我们已经调整"
        preview = await edit(bot, STAFF, card, typed)
        escaped = "&lt;/blockquote&gt;&lt;b&gt;抱歉&lt;/b&gt; &amp; &lt;a href='x'&gt;水煮鱼"
        assert escaped in preview["text"]
        await bot.press(STAFF, preview, "y")
        assert [r.content for r in demo.platform.replies] == [typed]
        assert escaped in bot.card(card)["text"]  # the redrawn card shows the posted draft
    finally:
        await bot.daemon.stop()
        await bot.daemon.close()


async def test_staff_text_and_customer_text_keep_their_angle_brackets(bot):
    card = await bot.review_arrives("汤里<A套餐>的肉没有，水煮鱼太咸", 1)
    assert "汤里&lt;A套餐&gt;的肉没有" in card["text"]
    typed = "抱歉！下次点<A套餐>我们会注意咸淡 & 温度"
    preview = await edit(bot, STAFF, card, typed)
    assert "下次点&lt;A套餐&gt;我们会注意咸淡 &amp; 温度" in preview["text"]
    await bot.press(STAFF, preview, "y")
    assert [r.content for r in bot.demo.platform.replies] == [typed]


async def drafts(bot: Bot) -> list[tuple[str, str]]:
    async with bot.daemon.sessions() as session:
        return [tuple(row) for row in await session.execute(select(Draft.status, Draft.text))]


async def test_cancelling_at_the_confirm_step_keeps_the_draft(bot):
    card = await bot.review_arrives()
    original = bot.card(card)["text"]
    preview = await edit(bot, STAFF, card, "半成品回复，不要发")

    answer = await bot.press(STAFF, preview, "x")

    assert answer["text"] == "已取消修改，草稿保持不变。"
    assert bot.card(card)["text"] == original
    answer = await bot.press(MANAGER, card, "a")  # a colleague approves the card as shown
    assert answer["text"] == "已通过，正在发布到平台。"
    (reply,) = bot.demo.platform.replies
    assert reply.content != "半成品回复，不要发" and reply.content in original
    assert ("dropped", "半成品回复，不要发") in await drafts(bot)
    async with bot.daemon.sessions() as session:
        actions = (await session.scalars(select(AuditEntry.action))).all()
    assert "draft.edit_cancelled" in actions and "draft.edited" not in actions


async def test_a_confirm_after_the_edit_expired_is_refused(bot):
    card = await bot.review_arrives()
    original = bot.card(card)["text"]
    preview = await edit(bot, STAFF, card, "过了很久才确认的回复。")
    bot.clock.advance(seconds=121)  # the sweeper has not run yet

    answer = await bot.press(STAFF, preview, "y")

    assert answer["show_alert"] and "修改已超时，没有发布" in answer["text"]
    assert bot.demo.platform.replies == [] and bot.card(card)["text"] == original
    assert ("dropped", "过了很久才确认的回复。") in await drafts(bot)
    assert await bot.count(AuditEntry, AuditEntry.action == "draft.edit_expired") == 1


@pytest.mark.both_databases
async def test_two_people_editing_one_review_post_once_and_the_other_is_told(bot):
    card = await bot.review_arrives()
    by_staff = await edit(bot, STAFF, card, "店员的版本：水煮鱼做咸了，抱歉。")
    by_manager = await edit(bot, MANAGER, card, "店长的版本：水煮鱼做咸了，我们已经调整。")

    first = await bot.press(MANAGER, by_manager, "y")
    second = await bot.press(STAFF, by_staff, "y")

    assert first["text"] == "已通过，正在发布到平台。"
    assert second["show_alert"] and "已由 李店长 于" in second["text"]
    assert "你的修改没有发布" in second["text"]
    assert [r.content for r in bot.demo.platform.replies] == [
        "店长的版本：水煮鱼做咸了，我们已经调整。"
    ]


async def test_an_edit_written_against_a_replaced_draft_is_not_confirmed(bot):
    """Two staff edit a review only a manager may post: the first confirm becomes the
    draft on the card; the second, written against the old draft, must not replace it
    unseen."""
    card = await bot.review_arrives("吃完上吐下泻，去医院查了是食物中毒", 1)
    first = await edit(bot, STAFF, card, "非常抱歉，我们已封存留样送检，店长会马上联系您。")
    second = await edit(bot, TWO_HATS, card, "抱歉给您带来不适，我们正在核查。")

    saved = await bot.press(STAFF, first, "y")
    refused = await bot.press(TWO_HATS, second, "y")

    assert "修改已保存为当前草稿" in saved["text"]
    assert refused["show_alert"] and "小张 已把草稿换成了新的版本" in refused["text"]
    assert "你的修改没有保存" in refused["text"]
    assert "我们已封存留样送检" in bot.card(card)["text"]
    assert "我们正在核查" not in bot.card(card)["text"]
    async with bot.daemon.sessions() as session:
        drafts = dict((await session.execute(select(Draft.text, Draft.status))).all())
    assert drafts["抱歉给您带来不适，我们正在核查。"] == "dropped"  # kept for the audit
    assert await bot.count(AuditEntry, AuditEntry.action == "draft.edit_outdated") == 1


async def test_a_staff_edit_of_a_critical_review_waits_for_a_manager(bot):
    card = await bot.review_arrives("吃完上吐下泻，去医院查了是食物中毒", 1)
    preview = await edit(bot, STAFF, card, "非常抱歉，我们已封存留样送检，店长会马上联系您。")

    answer = await bot.press(STAFF, preview, "y")

    assert "修改已保存为当前草稿" in answer["text"] and "店长" in answer["text"]
    assert bot.demo.platform.replies == []
    assert "我们已封存留样送检" in bot.card(card)["text"]
    answer = await bot.press(MANAGER, card, "a")
    assert answer["text"] == "已通过，正在发布到平台。"
    assert [r.content for r in bot.demo.platform.replies] == [
        "非常抱歉，我们已封存留样送检，店长会马上联系您。"
    ]


async def test_new_text_at_the_confirm_step_replaces_the_held_edit(bot):
    card = await bot.review_arrives()
    first = await edit(bot, STAFF, card, "第一版：水煮鱼偏咸，抱歉。")
    stale = bot.fake.button(first, "y")
    seen = {m["message_id"] for m in bot.fake.in_chat(STAFF_CHAT)}
    typed = "第二版：水煮鱼偏咸是我们的问题，厨房已经调整，抱歉！"

    bot.fake.say(STAFF, STAFF_CHAT, typed, reply_to=first)

    second = await bot.fake.wait_for(
        lambda: next(
            (
                m
                for m in bot.fake.in_chat(STAFF_CHAT)
                if m["message_id"] not in seen and "确认发布吗" in m.get("text", "")
            ),
            None,
        )
    )
    assert "第二版" in second["text"] and "第一版" not in second["text"]
    # The old preview keeps its text to copy from, and loses its buttons.
    retired = await bot.fake.wait_for(
        lambda: "reply_markup" not in bot.card(first) and bot.card(first)
    )
    assert "已被你后来发送的修改替换" in retired["text"] and "第一版" in retired["text"]
    # A text the guardrails refuse leaves the held one waiting.
    refusal = await bot.ask(STAFF, STAFF_CHAT, "亲，删掉差评我们给您返现20元")
    assert refusal.startswith("不能发布：") and "你上一版修改仍在等待确认" in refusal
    # A reply to a colleague in the group is conversation, not an edit.
    colleague = {
        "message_id": 990001,
        "date": 0,
        "chat": bot.fake._chat(STAFF_CHAT),
        "from": bot.fake.user(MANAGER),
        "text": "小张，5号桌加一份酸辣汤",
    }
    bot.fake.say(STAFF, STAFF_CHAT, "好的，马上", reply_to=colleague)
    await bot.ask(STAFF, STAFF_CHAT, "/help")  # processed in order: the chatter was seen
    assert (
        await bot.count(Draft, Draft.text.in_(["好的，马上", "亲，删掉差评我们给您返现20元"])) == 0
    )
    query = bot.fake.press(STAFF, first, stale)  # the old preview's ✅, pressed anyway
    answer = await bot.fake.wait_for(lambda: bot.fake.answer_to(query))
    assert answer["show_alert"] and "请在最新的预览上确认" in answer["text"]
    assert bot.demo.platform.replies == []

    confirmed = await bot.press(STAFF, second, "y")

    assert confirmed["text"] == "已通过，正在发布到平台。"
    assert [r.content for r in bot.demo.platform.replies] == [typed]
    assert ("dropped", "第一版：水煮鱼偏咸，抱歉。") in await drafts(bot)
    assert await bot.count(AuditEntry, AuditEntry.action == "draft.edit_replaced") == 1


async def test_cancelling_an_edit_changes_nothing(bot):
    card = await bot.review_arrives()
    await bot.press(STAFF, card, "e")
    bot.fake.say(STAFF, STAFF_CHAT, "/cancel")
    await bot.fake.wait_for(
        lambda: any("已取消修改" in m.get("text", "") for m in bot.fake.in_chat(STAFF_CHAT))
    )
    bot.fake.say(STAFF, STAFF_CHAT, "这句话不应该变成草稿")
    await bot.press(STAFF, card, "c")  # something to wait on after the chatter
    assert await bot.count(Draft, Draft.text == "这句话不应该变成草稿") == 0


async def test_another_draft_gives_a_different_variant(bot):
    card = await bot.review_arrives()
    first = bot.card(card)["text"]
    answer = await bot.press(STAFF, card, "r")
    assert answer["text"] == "已换一版草稿。"
    second = bot.card(card)["text"]
    assert second != first
    async with bot.daemon.sessions() as session:
        statuses = (await session.scalars(select(Draft.status).order_by(Draft.id))).all()
    assert list(statuses) == ["superseded", "proposed"]


async def test_another_draft_waits_while_a_colleagues_edit_awaits_its_confirm(bot):
    card = await bot.review_arrives()
    original = bot.card(card)["text"]
    typed = "店员的版本：水煮鱼做咸了，我们已经调整口味，抱歉。"
    preview = await edit(bot, STAFF, card, typed)

    answer = await bot.press(MANAGER, card, "r")

    assert answer["show_alert"] and answer["text"].startswith("小张 正在修改这条评价的回复")
    assert bot.card(card)["text"] == original  # no variant slipped in under the edit
    assert sorted(status for status, _ in await drafts(bot)) == ["editing", "proposed"]
    refused = AuditEntry.action == "review.being_edited"
    assert await bot.count(AuditEntry, refused, AuditEntry.actor == f"telegram:{MANAGER}") == 1
    mine = await bot.press(STAFF, card, "r")  # the editor is told to finish first
    assert mine["show_alert"] and "你对这条评价的修改还在等待确认" in mine["text"]

    confirmed = await bot.press(STAFF, preview, "y")

    assert confirmed["text"] == "已通过，正在发布到平台。"
    assert [r.content for r in bot.demo.platform.replies] == [typed]


async def test_another_draft_after_the_edit_ends_works_again(bot):
    card = await bot.review_arrives()
    cancelled = await edit(bot, STAFF, card, "写了一半，不发了。")
    await bot.press(STAFF, cancelled, "x")
    assert (await bot.press(MANAGER, card, "r"))["text"] == "已换一版草稿。"
    abandoned = await edit(bot, STAFF, card, "写完就走开了，没确认。")
    bot.clock.advance(seconds=121)  # expired, and the sweeper has not run yet

    answer = await bot.press(MANAGER, card, "r")

    assert answer["text"] == "已换一版草稿。"
    assert any("一个修改已超时" in m.get("text", "") for m in bot.fake.in_chat(STAFF_CHAT))
    late = await bot.press(STAFF, abandoned, "y")
    assert late["show_alert"] and bot.demo.platform.replies == []
    assert ("dropped", "写完就走开了，没确认。") in await drafts(bot)


async def test_a_stranger_is_refused_politely_and_nothing_is_posted(bot):
    card = await bot.review_arrives()
    answer = await bot.press(STRANGER, card, "a")
    assert answer["show_alert"] and "没有权限" in answer["text"]
    answer = await bot.press(OTHER_STORE, card, "a")  # listed, but for another store
    assert answer["show_alert"] and "没有权限" in answer["text"]
    assert bot.demo.platform.replies == []
    async with bot.daemon.sessions() as session:
        refused = (
            await session.scalars(
                select(AuditEntry.actor).where(AuditEntry.action == "chat.refused")
            )
        ).all()
    assert sorted(refused) == [f"telegram:{OTHER_STORE}", f"telegram:{STRANGER}"]


async def test_a_double_tap_and_a_colleague_post_exactly_once(bot):
    card = await bot.review_arrives()
    data = bot.fake.button(card, "a")
    queries = [
        bot.fake.press(STAFF, card, data),
        bot.fake.press(STAFF, card, data),
        bot.fake.press(MANAGER, card, data),
    ]
    answers = [await bot.fake.wait_for(lambda q=q: bot.fake.answer_to(q)) for q in queries]
    await bot.daemon.drain()
    assert len(bot.demo.platform.replies) == 1
    assert answers[0]["text"] == "已通过，正在发布到平台。"
    local = shanghai(bot.clock.now())  # the card and the answers both say store time
    assert f"（小张 于 {local} 通过）" in bot.card(card)["text"]
    assert all(f"已由 小张 于 {local} 处理" in a["text"] for a in answers[1:])
    late = AuditEntry.action == "review.already_handled"
    assert await bot.count(AuditEntry, late, AuditEntry.actor == f"telegram:{MANAGER}") == 1
    assert await bot.count(AuditEntry, late) == 2


async def test_critical_reviews_need_a_manager(bot):
    card = await bot.review_arrives("吃完上吐下泻，去医院查了是食物中毒", 1)
    assert "需店长或店主通过" in card["text"]
    answer = await bot.press(STAFF, card, "a")
    assert answer["show_alert"] and "店长或以上" in answer["text"]
    assert bot.demo.platform.replies == []
    answer = await bot.press(MANAGER, card, "a")
    assert answer["text"] == "已通过，正在发布到平台。"
    assert len(bot.demo.platform.replies) == 1


async def test_a_malicious_review_needs_a_manager_even_when_its_draft_does_not(bot):
    card = await bot.review_arrives("加微信xx123领优惠券，代刷好评", 1)
    async with bot.daemon.sessions() as session:
        draft = await session.scalar(select(Draft))
    assert draft.requires_role is None  # the rule at stake is the analysis's, not the draft's
    assert "🚩 疑似恶意" in card["text"] and "需店长或店主通过" in card["text"]

    answer = await bot.press(STAFF, card, "a")

    assert answer["show_alert"] and "店长或以上" in answer["text"]
    assert bot.demo.platform.replies == []
    assert (await bot.press(MANAGER, card, "a"))["text"] == "已通过，正在发布到平台。"
    assert len(bot.demo.platform.replies) == 1


async def test_marking_malicious_starts_an_appeal_for_managers_only(bot):
    card = await bot.review_arrives("难吃", 1)
    answer = await bot.press(STAFF, card, "m")
    assert answer["show_alert"] and await bot.count(Task) == 0
    answer = await bot.press(MANAGER, card, "m")
    assert "申诉任务" in answer["text"]
    assert await bot.count(Task, Task.kind == "appeal", Task.status == "open") == 1
    assert "🚩 已标记为恶意评价" in bot.card(card)["text"]


async def test_staff_clear_a_malicious_flag_and_answer_it_as_an_ordinary_complaint(bot):
    """「不是恶意」: the card loses its mark, its lock and its appeal, staff may post the
    ordinary reply that replaced the note to readers, and a follow-up by the customer is
    read as ordinary too (its alert and draft)."""
    card = await bot.review_arrives("加微信xx123领优惠券，代刷好评", 1)
    assert "🚩 疑似恶意" in card["text"] and "👌 不是恶意" in labels_of(card)

    answer = await bot.press(STAFF, card, "n")

    assert answer["text"] == "已确认不是恶意，这条评价按普通评价处理，草稿已换成普通回复。"
    shown = bot.card(card)
    local = shanghai(bot.clock.now())
    assert "疑似恶意" not in shown["text"] and "需店长或店主通过" not in shown["text"]
    assert f"👌 小张 于 {local} 确认不是恶意" in shown["text"]
    assert not {"👌 不是恶意", "🚩 恶意（申诉）"} & set(labels_of(shown))
    async with bot.daemon.sessions() as session:
        draft = await session.scalar(select(Draft).order_by(Draft.id.desc()))
    assert draft.template_id != "malicious" and draft.text in shown["text"]
    (external_id,) = list(bot.demo.platform.by_id)
    bot.demo.platform.add_follow_up(external_id, "追评：还是加微信xx123领优惠券")
    updated = await bot.review_arrives_again()
    assert "疑似恶意" not in updated["text"] and "需店长或店主通过" not in updated["text"]
    assert (await bot.press(STAFF, updated, "a"))["text"] == "已通过，正在发布到平台。"
    assert len(bot.demo.platform.replies) == 1


async def test_an_appeal_a_manager_started_is_taken_back_by_a_manager_only(bot):
    card = await bot.review_arrives("难吃", 1)
    assert "👌 不是恶意" not in labels_of(card)  # nothing flagged: nothing to clear
    assert "申诉任务" in (await bot.press(MANAGER, card, "m"))["text"]
    shown = bot.card(card)
    assert "👌 不是恶意" in labels_of(shown)

    refused = await bot.press(STAFF, shown, "n")

    assert refused["show_alert"] and "需要店长或以上权限" in refused["text"]
    answer = await bot.press(MANAGER, shown, "n")
    assert answer["text"] == "已确认不是恶意，这条评价按普通评价处理，申诉任务已关闭。"
    assert await bot.count(Task, Task.status == "open") == 0
    assert "申诉处理中" not in bot.card(card)["text"]
    assert await bot.count(Review, Review.status == "open") == 1


def labels_of(card: dict) -> list[str]:
    return [
        b["text"] for row in card.get("reply_markup", {}).get("inline_keyboard", []) for b in row
    ]


async def test_contacted_and_ignore_are_recorded(bot):
    card = await bot.review_arrives()
    await bot.press(STAFF, card, "c")
    again = await bot.press(MANAGER, card, "c")
    local = shanghai(bot.clock.now())
    assert f"小张 已于 {local}" in again["text"]
    colleague = await bot.ask_ignore(MANAGER, card)  # a colleague asks too, at the same time
    await bot.ignore(STAFF, card)
    again = await bot.press(MANAGER, colleague, "g")
    assert f"已由 小张 于 {local} 处理（忽略）" in again["text"]
    text = bot.card(card)["text"]
    assert f"☎️ 小张 于 {local}" in text and f"🙈 小张 于 {local}" in text
    assert await bot.count(Review, Review.status == "ignored") == 1


@pytest.mark.both_databases
async def test_telegram_outages_delay_alerts_but_lose_or_repeat_none(bot):
    bot.fake.fail("sendMessage", 429, retry_after=3)
    bot.fake.fail("sendMessage", 502, times=2)
    texts = ["第一条：米饭是生的", "第二条：送错了菜", "第三条：汤全洒了"]
    for text in texts:
        bot.demo.platform.add_review("shop-1", text, 1)
    bot.clock.advance(minutes=5)
    await bot.daemon.poll_all_once()
    for _ in range(6):  # Telegram comes back; the outbox retries as time passes
        await bot.daemon.drain()
        bot.clock.advance(seconds=70)
    cards = bot.fake.cards(STAFF_CHAT)
    assert [next(t for t in texts if t in c["text"]) for c in cards] == texts  # in order, once
    async with bot.daemon.sessions() as session:
        first = await session.scalar(select(OutboxMessage).order_by(OutboxMessage.id))
    assert first.status == "sent" and first.attempts == 4


async def test_dropped_connections_are_retried_without_duplicates(bot):
    bot.fake.fail("sendMessage", DROP, times=2)
    card = await bot.review_arrives_after_retries("米饭是生的")
    assert "米饭是生的" in card["text"]
    bot.fake.fail("editMessageText", DROP)
    await bot.press(STAFF, card, "a")
    for _ in range(3):
        bot.clock.advance(seconds=70)
        await bot.daemon.drain()
    assert "✅ 已发布到平台" in bot.card(card)["text"]
    async with bot.daemon.sessions() as session:
        rows = (await session.execute(select(OutboxMessage.kind, OutboxMessage.attempts))).all()
    assert ("alert", 3) in rows and all(kind != "alert" or n == 3 for kind, n in rows)
    assert await bot.count(OutboxMessage, OutboxMessage.status != "sent") == 0


@pytest.mark.slow
async def test_an_hour_long_telegram_outage_delays_alerts_in_order_and_loses_none(bot):
    bot.fake.fail("sendMessage", 502, times=100_000)
    texts = ["一：米饭是生的", "二：送错了菜", "三：汤全洒了"]
    for text in texts:  # they keep coming while Telegram is down
        bot.demo.platform.add_review("shop-1", text, 1)
        bot.clock.advance(minutes=5)
        await bot.daemon.poll_all_once()
        await bot.daemon.drain()
    for _ in range(25):  # the rest of the hour, on the daemon's clock; each run past the
        bot.clock.advance(seconds=122)  # longest retry delay (a minute, plus jitter) tries
        await bot.daemon.drain()
    assert bot.fake.cards(STAFF_CHAT) == []
    async with bot.daemon.sessions() as session:
        first = await session.scalar(select(OutboxMessage).order_by(OutboxMessage.id))
    assert first.status == "pending" and first.attempts >= 20  # retried all along, not dead

    bot.fake.faults.clear()  # Telegram is back
    bot.clock.advance(minutes=2)  # past the longest retry delay (a minute, plus jitter)
    await bot.daemon.drain()

    cards = bot.fake.cards(STAFF_CHAT)
    assert [next(t for t in texts if t in c["text"]) for c in cards] == texts
    assert await bot.count(OutboxMessage, OutboxMessage.status == "dead") == 0
    assert (await bot.press(STAFF, cards[0], "a"))["text"] == "已通过，正在发布到平台。"


async def test_start_says_who_you_are_and_strangers_learn_their_ids(bot):
    greeting = await bot.ask(STAFF, STAFF_CHAT, "/start")
    assert greeting.startswith("你好，小张。") and "负责门店：测试小馆（店员）" in greeting
    assert "还可以" not in greeting and f"用户 ID：{STAFF}" in greeting
    assert "批量发布好评的感谢回复（/thanks）" in greeting
    refusal = await bot.ask(STRANGER, STRANGER, "/pending")
    assert "没有权限" in refusal
    assert f"用户 ID：{STRANGER}；本聊天 ID：{STRANGER}" in refusal  # what the config needs


async def test_help_explains_the_buttons_and_every_command(bot):
    text = await bot.ask(MANAGER, STAFF_CHAT, "/help")
    for needed in (
        "✅ 通过并发布",
        "✏️ 修改",
        "🔁 换一版",
        "☎️ 已联系顾客",
        "🚩 恶意",
        "👌 不是恶意",
        "🙈 忽略",
    ):
        assert needed in text
    for command in (
        "pending",
        "review",
        "thanks",
        "stats",
        "mute",
        "cancel",
        "crisis",
        "start",
        "help",
    ):
        assert f"/{command} — " in text
    assert "发送 /thanks 查看一批待发布的感谢回复" in text
    assert "没有权限" in await bot.ask(STRANGER, STAFF_CHAT, "/help")


async def test_pending_counts_every_open_review_and_lists_the_oldest_first(bot):
    first = await bot.review_arrives("第一条：米饭是生的", 1)
    await bot.review_arrives("第二条：送错了菜", 1)
    for n in range(21):  # more than one message lists
        bot.demo.platform.add_review("shop-1", f"第{n + 3}单：汤全洒了，袋子{n}号都湿了", 1)
    bot.clock.advance(minutes=5)
    await bot.daemon.poll_all_once()
    await bot.daemon.drain()

    listing = (await bot.ask(STAFF, STAFF_CHAT, "/pending")).splitlines()

    assert listing[0] == "待处理 23 条（回复时限最近的在前，下面是最急的 20 条）："
    assert "第一条" in listing[1] and "第二条" in listing[2] and len(listing) == 22
    # Each line tells how long is left of the review's reply window (2 h for these).
    assert " · 回复时限还剩 2 小时 · " in listing[1]
    await bot.press(STAFF, first, "a")
    bot.clock.advance(hours=3)
    listing = (await bot.ask(STAFF, STAFF_CHAT, "/pending")).splitlines()
    assert listing[0].startswith("待处理 22 条") and "第二条" in listing[1]
    # Seen 5 minutes apart (the poll advanced the clock), both now past their windows.
    assert " · 已超出回复时限 65 分钟 · " in listing[1]
    assert " · 已超出回复时限 60 分钟 · " in listing[2]


async def test_roles_are_per_store(bot):
    greeting = await bot.ask(TWO_HATS, STAFF_CHAT, "/start")
    assert "测试小馆（店员）、别的店（店主）" in greeting and "在别的店还可以：" in greeting
    card = await bot.review_arrives("吃完上吐下泻，去医院查了是食物中毒", 1)
    answer = await bot.press(TWO_HATS, card, "a")  # only staff here
    assert answer["show_alert"] and "店长或以上" in answer["text"]
    assert bot.demo.platform.replies == []
    ordinary = await bot.review_arrives()
    assert (await bot.press(TWO_HATS, ordinary, "a"))["text"] == "已通过，正在发布到平台。"


async def test_presses_on_foreign_buttons_are_answered_and_strangers_audited(bot):
    card = await bot.review_arrives()
    mine = bot.fake.press(STAFF, card, "not-ours")
    theirs = bot.fake.press(STRANGER, card, "rb:forged:a")
    answers = [await bot.fake.wait_for(lambda q=q: bot.fake.answer_to(q)) for q in (mine, theirs)]
    assert answers[0]["text"] == "无法识别的按钮。"
    assert answers[1]["show_alert"] and "没有权限" in answers[1]["text"]
    assert await bot.count(AuditEntry, AuditEntry.actor == f"telegram:{STRANGER}") == 1


async def test_review_command_resends_a_working_card(bot):
    card = await bot.review_arrives()
    review_id = review_number(card)
    bot.fake.say(STAFF, STAFF, f"/review {review_id}")  # in the staff member's private chat
    copy = await bot.fake.wait_for(lambda: next(iter(bot.fake.cards(STAFF)), None))
    await bot.press(STAFF, copy, "a")
    async with bot.daemon.sessions() as session:
        shown = await session.scalar(select(AuditEntry).where(AuditEntry.action == "alert.shown"))
    assert shown.actor == f"telegram:{STAFF}" and shown.details["chat_id"] == STAFF
    assert len(bot.demo.platform.replies) == 1
    assert "已发布到平台" in bot.card(card)["text"] and "已发布到平台" in bot.card(copy)["text"]


async def test_mute_holds_ordinary_alerts_but_not_critical_ones(bot):
    bot.fake.say(STAFF, STAFF_CHAT, "/mute 1h")
    await bot.fake.wait_for(
        lambda: any("已暂停" in m.get("text", "") for m in bot.fake.in_chat(STAFF_CHAT))
    )
    bot.demo.platform.add_review("shop-1", "菜量太少了", 2)
    bot.demo.platform.add_review("shop-1", "吃完拉肚子，怀疑食物中毒", 1)
    bot.clock.advance(minutes=5)
    await bot.daemon.poll_all_once()
    await bot.daemon.drain()
    assert [("食物中毒" in c["text"]) for c in bot.fake.cards(STAFF_CHAT)] == [True]
    bot.fake.say(STAFF, STAFF_CHAT, "/mute off")
    await bot.fake.wait_for(
        lambda: any("已恢复" in m.get("text", "") for m in bot.fake.in_chat(STAFF_CHAT))
    )
    await bot.daemon.drain()
    assert len(bot.fake.cards(STAFF_CHAT)) == 2


async def test_a_mute_does_not_hold_back_card_redraws(bot):
    bot.fake.say(STAFF, STAFF_CHAT, "/mute 1h")
    await bot.fake.wait_for(
        lambda: any("已暂停" in m.get("text", "") for m in bot.fake.in_chat(STAFF_CHAT))
    )
    bot.demo.platform.add_review("shop-1", "菜量太少了", 2)  # held by the mute
    bot.demo.platform.add_review("shop-1", "吃完拉肚子，怀疑食物中毒", 1)
    bot.clock.advance(minutes=5)
    await bot.daemon.poll_all_once()
    await bot.daemon.drain()
    (card,) = bot.fake.cards(STAFF_CHAT)

    answer = await bot.press(MANAGER, card, "a")

    assert answer["text"] == "已通过，正在发布到平台。" and len(bot.demo.platform.replies) == 1
    redrawn = bot.card(card)
    assert "✅ 已发布到平台（李店长 于" in redrawn["text"]
    assert "需店长或店主通过" not in redrawn["text"]
    assert [b["text"] for row in redrawn["reply_markup"]["inline_keyboard"] for b in row] == [
        "☎️ 已联系顾客"
    ]
    assert not any("菜量太少了" in m.get("text", "") for m in bot.fake.in_chat(STAFF_CHAT))


@pytest.mark.both_databases
async def test_restart_mid_flow_resumes(database_url, demo, telegram, clock, monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    settings = telegram_settings(database_url, demo.base_url, telegram.base_url)
    first = await start_bot(settings, telegram, demo, clock)
    card = await first.review_arrives()
    other = await first.review_arrives("酸辣汤一点都不酸", 2)
    # The platform is down: an approved reply waits in the outbox …
    demo.platform.faults.append(Fault("status", status=503, target="reply"))
    query = telegram.press(STAFF, card, telegram.button(card, "a"))
    await telegram.wait_for(lambda: telegram.answer_to(query))
    # … a colleague starts editing another draft …
    query = telegram.press(STAFF, other, telegram.button(other, "e"))
    await telegram.wait_for(lambda: telegram.answer_to(query))
    await first.daemon.drain()
    async with first.daemon.sessions() as session:
        queued = await session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reply"))
    assert queued.status == "pending" and queued.attempts == 1
    await first.daemon.stop()  # … and the daemon goes down.
    await first.daemon.close()
    assert demo.platform.replies == []

    second = await start_bot(settings, telegram, demo, clock)
    try:
        clock.advance(seconds=30)  # the platform is back (and the edit has not timed out)
        await second.daemon.drain()
        assert len(demo.platform.replies) == 1 and "已发布到平台" in second.card(card)["text"]
        prompt = next(m for m in telegram.in_chat(STAFF_CHAT) if "回复本消息" in m.get("text", ""))
        telegram.say(STAFF, STAFF_CHAT, "酸辣汤的问题我们已经改进了，抱歉！", reply_to=prompt)
        preview = await telegram.wait_for(
            lambda: next(
                (m for m in telegram.in_chat(STAFF_CHAT) if "确认发布吗" in m.get("text", "")), None
            )
        )
        await second.press(STAFF, preview, "y")
        assert [r.content for r in demo.platform.replies][
            -1
        ] == "酸辣汤的问题我们已经改进了，抱歉！"
        assert len(demo.platform.replies) == 2
    finally:
        await second.daemon.stop()
        await second.daemon.close()


async def test_an_abandoned_edit_times_out(bot):
    card = await bot.review_arrives()
    await bot.press(STAFF, card, "e")
    bot.clock.advance(seconds=121)
    assert await bot.daemon.telegram.expire_sessions() == 1
    assert any("修改已超时" in m.get("text", "") for m in bot.fake.in_chat(STAFF_CHAT))
    bot.fake.say(STAFF, STAFF_CHAT, "超时以后才发的文字")
    await bot.press(STAFF, card, "c")  # something to wait on after the late text
    assert await bot.count(Draft, Draft.text == "超时以后才发的文字") == 0


async def test_stats_counts_today(bot):
    card = await bot.review_arrives()
    await bot.press(STAFF, card, "a")
    bot.fake.say(MANAGER, STAFF_CHAT, "/stats")
    text = await bot.fake.wait_for(
        lambda: next(
            (m["text"] for m in bot.fake.in_chat(STAFF_CHAT) if "今日" in m.get("text", "")), None
        )
    )
    assert "测试小馆 今日" in text and "新评价 1 条" in text and "已发布回复 1 条" in text
    assert "提醒 1 条，待处理 0 条" in text
    assert "需回复 1 条，按时回复 1/1（100%）" in text  # approved and posted at once
    assert "提醒送达→店员处理：中位 0 秒" in text  # the fake clock did not move meanwhile


async def test_stats_in_a_stores_group_shows_only_that_store(bot):
    """The owner covers every store, but store-1's staff group must not see store-2's."""
    bot.fake.say(OWNER, STAFF_CHAT, "/stats")
    text = await bot.fake.wait_for(
        lambda: next(
            (m["text"] for m in bot.fake.in_chat(STAFF_CHAT) if "今日" in m.get("text", "")), None
        )
    )
    assert "测试小馆 今日" in text and "别的店" not in text
    bot.fake.say(OWNER, OWNER, "/stats")  # in private, the owner sees every store
    text = await bot.fake.wait_for(
        lambda: next(
            (m["text"] for m in bot.fake.in_chat(OWNER) if "今日" in m.get("text", "")), None
        )
    )
    assert "测试小馆 今日" in text and "别的店 今日" in text


async def test_audit_prints_a_reviews_whole_history(bot, database_url, tmp_path):
    from tests.harness.cli import reviewbot_here

    card = await bot.review_arrives()
    await bot.press(STAFF, card, "r")
    await bot.press(STRANGER, card, "a")
    await bot.press(STAFF, await edit(bot, STAFF, card, "写到一半的回复"), "x")
    approve = bot.fake.button(card, "a")
    await bot.press(STAFF, card, "a")
    late = bot.fake.press(MANAGER, card, approve)
    await bot.fake.wait_for(lambda: bot.fake.answer_to(late))
    config = tmp_path / "audit.toml"
    config.write_text(
        f'[database]\nurl = "{database_url}"\n[[stores]]\nid = "store-1"\n'
        'name = "测试小馆"\n[[stores.sources]]\nplatform = "demo"\naccount = "shop-1"\n',
        encoding="utf-8",
    )
    # The command in this process (tests/harness/cli.py), in a thread beside the bot's loop.
    done = await asyncio.to_thread(
        reviewbot_here, "audit", "--review", "1", "-c", str(config), cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode()
    assert "revision 1" in out and NEGATIVE in out
    order = [
        "review.received",
        "review.analyzed",
        "draft.created",
        "alert.queued",
        "alert.sent",
        "draft.regenerated",
        "chat.refused",
        "draft.edit_started",
        "draft.edit_previewed",
        "draft.edit_cancelled",
        "draft.approved",
        "reply.posted",
        "review.already_handled",
    ]
    positions = [out.find(action) for action in order]
    assert -1 not in positions and positions == sorted(positions), out
    assert f"telegram:{STAFF}" in out and f"telegram:{STRANGER}" in out
    assert "before: " in out and "after:  " in out


async def test_a_read_only_platform_is_answered_by_hand(
    database_url, demo, telegram, clock, monkeypatch
):
    from reviewbot.config import parse_settings
    from tests.fakes import serve
    from tests.fakes.dianping import DianpingPlatform

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DP_SECRET", "dp_secret")
    monkeypatch.setenv("DP_SESSION", "sess123")
    dianping = DianpingPlatform(now=clock.now)
    dianping.add(1)
    async with serve(dianping.app()) as dp_url:
        settings = telegram_settings(database_url, demo.base_url, telegram.base_url)
        settings["stores"][0]["sources"] = [
            {
                "platform": "dianping",
                "open_shop_uuid": "abc",
                "app_key": "1000069",
                "app_secret_env": "DP_SECRET",
                "session_env": "DP_SESSION",
                "base_url": dp_url,
            }
        ]
        daemon = Daemon(parse_settings(settings), clock=clock)
        await daemon.start(schedule=False)
        bot = Bot(daemon, telegram, demo, clock)
        try:
            clock.advance(minutes=1)
            await daemon.poll_all_once()
            await daemon.drain()
            (card,) = telegram.cards(STAFF_CHAT)
            assert "大众点评" in card["text"] and "（只有评分，没有文字）" in card["text"]
            assert "不支持接口回复" in card["text"]
            assert telegram.button(card, "a") and any(
                b["text"] == "✅ 已手动回复"
                for row in card["reply_markup"]["inline_keyboard"]
                for b in row
            )
            answer = await bot.press(STAFF, card, "a")
            assert answer["text"] == "已记录为手动回复。"
            assert await bot.count(OutboxMessage, OutboxMessage.kind == "reply") == 0
            assert await bot.count(Review, Review.status == "replied_manually") == 1
            assert "确认已在平台手动回复" in bot.card(card)["text"]
        finally:
            await daemon.stop()
            await daemon.close()


async def test_escalations_and_crisis_pages_reach_the_right_people(bot):
    owner_chat = STAFF_CHAT  # no private owner chat configured: pages go to the staff group
    card = await bot.review_arrives("吃完上吐下泻，去医院查了是食物中毒", 1)
    page = await bot.fake.wait_for(
        lambda: next(
            (
                m
                for m in bot.fake.in_chat(owner_chat)
                if "门店进入危机处理状态" in m.get("text", "")
            ),
            None,
        )
    )
    assert "5S 处理清单" in page["text"] and "/crisis close" in page["text"]
    assert "请在" in card["text"] and "前回复（30 分钟内）" in card["text"]

    bot.clock.advance(minutes=23)  # three quarters of the 30-minute critical window
    await bot.daemon.drain()
    to_manager = [m["text"] for m in bot.fake.in_chat(MANAGER)]
    assert len(to_manager) == 1 and "请店长跟进" in to_manager[0]

    bot.fake.say(STAFF, STAFF_CHAT, "/crisis close 已处理")
    bot.fake.say(OWNER, STAFF_CHAT, "/crisis")
    bot.fake.say(OWNER, STAFF_CHAT, "/crisis close 已送检留样，结果正常；已联系顾客道歉")

    def said(fragment: str) -> str | None:
        return next(
            (
                m["text"]
                for m in bot.fake.in_chat(STAFF_CHAT)
                if "reply_markup" not in m and fragment in m["text"]
            ),
            None,
        )

    await bot.fake.wait_for(lambda: said("已结束危机（测试小馆）"))
    assert said("只有店主可以结束危机")
    listing = said("🚨 测试小馆：")
    assert listing and "顾客反映食物中毒或身体不适" in listing
    await bot.daemon.drain()
    assert any("危机已由 王老板 结束" in m.get("text", "") for m in bot.fake.in_chat(STAFF_CHAT))


async def test_an_edit_breaking_a_guardrail_is_refused_with_the_reason(bot):
    card = await bot.review_arrives()
    await bot.press(STAFF, card, "e")
    prompt = next(m for m in bot.fake.in_chat(STAFF_CHAT) if "回复本消息" in m.get("text", ""))
    bot.fake.say(STAFF, STAFF_CHAT, "亲，删掉差评我们给您返现20元", reply_to=prompt)
    refusal = await bot.fake.wait_for(
        lambda: next(
            (
                m["text"]
                for m in bot.fake.in_chat(STAFF_CHAT)
                if m.get("text", "").startswith("不能发布：")
            ),
            None,
        )
    )
    assert "请修改后重新发送" in refusal
    assert await bot.count(Draft, Draft.text.contains("返现")) == 0
    bot.fake.say(STAFF, STAFF_CHAT, "抱歉水煮鱼做咸了，我们已经调整口味。", reply_to=prompt)
    preview = await bot.fake.wait_for(
        lambda: next(
            (m for m in bot.fake.in_chat(STAFF_CHAT) if "确认发布吗" in m.get("text", "")), None
        )
    )
    await bot.press(STAFF, preview, "y")
    assert [r.content for r in bot.demo.platform.replies] == [
        "抱歉水煮鱼做咸了，我们已经调整口味。"
    ]


async def test_a_promise_in_any_wording_is_refused_with_a_suggested_rewording(bot):
    """Issue 12: "菜钱全免" went through the Telegram edit flow to the platform."""
    card = await bot.review_arrives()
    await bot.press(STAFF, card, "e")
    prompt = next(m for m in bot.fake.in_chat(STAFF_CHAT) if "回复本消息" in m.get("text", ""))
    bot.fake.say(STAFF, STAFF_CHAT, "抱歉水煮鱼做咸了，菜钱全免。", reply_to=prompt)
    refusal = await bot.fake.wait_for(
        lambda: next(
            (
                m["text"]
                for m in bot.fake.in_chat(STAFF_CHAT)
                if m.get("text", "").startswith("不能发布：")
            ),
            None,
        )
    )
    assert "「菜钱全免」" in refusal  # the words at fault, as staff wrote them
    assert "请私下联系顾客" in refusal
    assert "可以改成：「抱歉水煮鱼做咸了，店长会私下联系您，把这件事处理好。」" in refusal
    assert "remedy" not in refusal and "配置" not in refusal
    await bot.daemon.drain()
    assert bot.demo.platform.replies == []
    assert await bot.count(Draft, Draft.text.contains("全免")) == 0
    assert not any("确认发布吗" in m.get("text", "") for m in bot.fake.in_chat(STAFF_CHAT))


async def test_webhook_mode_receives_updates_with_the_secret(
    database_url, demo, telegram, clock, monkeypatch
):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TG_HOOK_SECRET", "hook-secret-123")
    settings = telegram_settings(database_url, demo.base_url, telegram.base_url)
    settings["telegram"].update(
        mode="webhook",
        webhook_listen="127.0.0.1",
        webhook_port=port,
        webhook_url=f"http://127.0.0.1:{port}/telegram",
        webhook_secret_env="TG_HOOK_SECRET",
    )
    bot = await start_bot(settings, telegram, demo, clock)
    try:
        assert telegram.webhook == {
            "url": f"http://127.0.0.1:{port}/telegram",
            "secret_token": "hook-secret-123",
        }
        card = await bot.review_arrives()
        press = {
            "callback_query": {
                "id": "cq-hook",
                "from": telegram.user(STAFF),
                "message": card,
                "chat_instance": "ci",
                "data": telegram.button(card, "a"),
            }
        }
        telegram.webhook["secret_token"] = "forged"
        assert await telegram.push(dict(press)) == 403  # a forged push is refused
        telegram.webhook["secret_token"] = "hook-secret-123"
        assert await telegram.push(dict(press)) == 200
        await telegram.wait_for(lambda: telegram.answer_to("cq-hook"))
        await bot.daemon.drain()
        assert len(demo.platform.replies) == 1
    finally:
        await bot.daemon.stop()
        await bot.daemon.close()


@pytest.fixture
def cli_logging(caplog) -> Iterator[None]:
    """The logging `reviewbot run -v` sets up, on top of pytest's capture (at DEBUG);
    logger levels are put back afterwards."""
    from reviewbot.app.cli import setup_logging

    names = ["httpx", "httpcore", "apscheduler", "aiohttp.access", "alembic"]
    levels = {name: logging.getLogger(name).level for name in names}
    caplog.set_level(logging.DEBUG)
    setup_logging(1)
    try:
        yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


async def test_the_bot_token_never_reaches_the_logs(
    database_url, demo, telegram, clock, monkeypatch, caplog, cli_logging
):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    bot = await start_bot(
        telegram_settings(database_url, demo.base_url, telegram.base_url), telegram, demo, clock
    )
    try:
        card = await bot.review_arrives()
        await bot.press(STAFF, card, "a")
        # Whatever a library logs, even a URL at WARNING or a traceback, is redacted too.
        url = f"{telegram.base_url}/bot{TOKEN}/sendMessage"
        logging.getLogger("httpx").warning("HTTP Request: POST %s", url)
        try:
            raise RuntimeError(f"The token `{TOKEN}` was rejected by the server.")
        except RuntimeError:
            logging.getLogger("telegram.ext").exception("could not start")
    finally:
        await bot.daemon.stop()
        await bot.daemon.close()
    secret = TOKEN.split(":", 1)[1]
    leaked = [r for r in caplog.records if secret in r.getMessage() or secret in (r.exc_text or "")]
    assert [r.getMessage()[:120] for r in leaked] == [] and secret not in caplog.text
    assert any(r.name.startswith("telegram") and r.levelno == logging.DEBUG for r in caplog.records)
    assert "bot<redacted>/sendMessage" in caplog.text


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
async def test_a_wrong_token_is_a_clear_config_error_that_hides_the_token(tmp_path, demo, telegram):
    wrong = "999999:WRONG-secret-token-value-0123456789abcdef"
    config = tmp_path / "bot.toml"
    config.write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "bot.db"}"\n'
        '[demo]\nserve = false\n[notifier]\nkind = "telegram"\n'
        f'[telegram]\napi_base_url = "{telegram.base_url}/bot"\n'
        '[[stores]]\nid = "store-1"\nname = "测试小馆"\n'
        f"[stores.chat]\ntelegram_chat_id = {STAFF_CHAT}\n"
        '[[stores.sources]]\nplatform = "demo"\naccount = "shop-1"\n'
        f'base_url = "{demo.base_url}"\n',
        encoding="utf-8",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "reviewbot",
        "-v",
        "run",
        "-c",
        str(config),
        env={**os.environ, "TELEGRAM_BOT_TOKEN": wrong},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    stderr = err.decode()
    assert process.returncode == 2, stderr
    assert "Telegram 拒绝了机器人令牌（TELEGRAM_BOT_TOKEN）" in stderr
    assert "rejected the bot token in TELEGRAM_BOT_TOKEN" in stderr
    assert "getMe" in stderr  # the -v log of the refused request is there, redacted
    assert wrong.split(":")[1] not in stderr + out.decode()
    assert "Traceback" not in stderr and "Unclosed" not in stderr


async def test_telegram_out_of_reach_at_startup_does_not_stop_the_daemon(
    database_url, demo, clock, monkeypatch
):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    port = free_port()  # nothing listens there yet: Telegram is out of reach
    fake = FakeTelegram()
    settings = telegram_settings(database_url, demo.base_url, f"http://127.0.0.1:{port}")
    bot = await start_bot(settings, fake, demo, clock)
    try:
        assert not bot.daemon.telegram.started
        # Polling, analysis and alerting go on; the alert waits in the outbox.
        demo.platform.add_review("shop-1", NEGATIVE, 1)
        clock.advance(minutes=5)
        await bot.daemon.poll_all_once()
        await bot.daemon.drain()
        assert await bot.count(Review) == 1
        assert await bot.count(OutboxMessage, OutboxMessage.status == "pending") == 1

        await bot.daemon.telegram.maintain()  # a retry in the background, still out of reach
        assert not bot.daemon.telegram.started
        await fake.start(port)  # Telegram is back
        await bot.daemon.telegram.maintain()  # the next try (after a longer wait) is not due
        assert not bot.daemon.telegram.started and fake.calls == []
        clock.advance(minutes=1)
        await bot.daemon.telegram.maintain()
        assert bot.daemon.telegram.started
        for _ in range(3):  # the alert's own retry comes due
            await bot.daemon.drain()
            clock.advance(minutes=1)
        (card,) = fake.cards(STAFF_CHAT)
        answer = await bot.press(STAFF, card, "a")  # and the bot reads updates
        assert answer["text"] == "已通过，正在发布到平台。"
        assert len(demo.platform.replies) == 1
    finally:
        await bot.daemon.stop()
        await bot.daemon.close()
        await fake.stop()


async def test_webhook_mode_without_a_configured_secret_makes_one_and_uses_the_url_path(
    database_url, demo, telegram, clock, monkeypatch
):
    port = free_port()
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    settings = telegram_settings(database_url, demo.base_url, telegram.base_url)
    url = f"http://127.0.0.1:{port}/hooks/reviewbot-1"
    settings["telegram"].update(
        mode="webhook", webhook_listen="127.0.0.1", webhook_port=port, webhook_url=url
    )
    bot = await start_bot(settings, telegram, demo, clock)
    try:
        registered = dict(telegram.webhook)
        assert registered["url"] == url and len(registered["secret_token"] or "") >= 32
        card = await bot.review_arrives()

        def press(query_id: str) -> dict:
            return {
                "callback_query": {
                    "id": query_id,
                    "from": telegram.user(OWNER),
                    "message": card,
                    "chat_instance": "ci",
                    "data": telegram.button(card, "a"),
                }
            }

        telegram.webhook["secret_token"] = None  # a forger who only knows the URL
        assert await telegram.push(press("forged")) == 403
        telegram.webhook = registered
        assert await telegram.push(press("real")) == 200
        await telegram.wait_for(lambda: telegram.answer_to("real"))
        await bot.daemon.drain()
        assert len(demo.platform.replies) == 1 and telegram.answer_to("forged") is None
    finally:
        await bot.daemon.stop()
        await bot.daemon.close()


# -- /thanks: thank-you replies to positive reviews, a batch at a time ----------------------


async def positive_reviews_arrive(bot: Bot, *texts: str, shop: str = "shop-1") -> None:
    """Positive reviews, each seen in its own poll (so "oldest first" has an order):
    analyzed and drafted, and no alert for any of them."""
    cards = len(bot.fake.cards(STAFF_CHAT))
    for text in texts:
        bot.demo.platform.add_review(shop, text, 5)
        bot.clock.advance(minutes=5)
        await bot.daemon.poll_all_once()
        await bot.daemon.drain()
    assert len(bot.fake.cards(STAFF_CHAT)) == cards  # thank-yous never page anyone


async def thanks_page(bot: Bot, user: int, chat: int) -> dict:
    """Send /thanks and return the bot's answer (the page, or the empty-state text)."""
    seen = {m["message_id"] for m in bot.fake.in_chat(chat)}
    bot.fake.say(user, chat, "/thanks")
    return await bot.fake.wait_for(
        lambda: next((m for m in bot.fake.in_chat(chat) if m["message_id"] not in seen), None)
    )


def labels(message: dict) -> list[str]:
    return [
        b["text"] for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row
    ]


async def drafts_of(bot: Bot) -> dict[str, str]:
    """Each review's current draft, by the review's text."""
    async with bot.daemon.sessions() as session:
        rows = await session.execute(
            select(Review.text, Draft.text)
            .join(Draft, Draft.review_id == Review.id)
            .where(Draft.status.not_in(("superseded", "editing", "dropped")))
        )
        return {review: draft for review, draft in rows.all()}


def html_escape(text: str) -> str:
    """As the bot escapes what it shows (quotes stay as they are)."""
    return _escape(text, quote=False)


THANKS = ["水煮鱼很好吃，送餐也快", "服务态度超好，人均<50 & 分量足，下次还来", "麻婆豆腐一绝！"]


async def test_thanks_posts_a_page_of_thank_yous_once_each(bot):
    await positive_reviews_arrive(bot, *THANKS)
    await bot.review_arrives()  # a bad review is not a thank-you

    page = await thanks_page(bot, STAFF, STAFF_CHAT)

    text = page["text"]
    assert text.startswith("<b>💐 好评感谢</b>（待发布 3 条，最早的在前）")
    drafts = await drafts_of(bot)
    positions = [text.find(f"<blockquote>{html_escape(drafts[t])}</blockquote>") for t in THANKS]
    assert -1 not in positions and positions == sorted(positions), text  # oldest first
    assert "服务态度超好，人均&lt;50 &amp; 分量足，下次还来" in text  # escaped
    assert NEGATIVE not in text and "<b>1.</b> ★★★★★ 5星" in text
    assert labels(page) == [
        "✅ 全部发布（3 条）",
        "跳过 1",
        "跳过 2",
        "跳过 3",
        "🔁 换一批",
        "🙈 全部忽略",
    ]

    answer = await bot.press(STAFF, page, "p")

    assert answer["text"] == "已通过 3 条，正在发布到平台。" and not answer["show_alert"]
    replies = bot.demo.platform.replies
    assert sorted(r.content for r in replies) == sorted(drafts[t] for t in THANKS)
    assert len({r.review_id for r in replies}) == 3  # one reply per review
    done = bot.card(page)
    local = shanghai(bot.clock.now())
    assert "<b>💐 好评感谢 · 已发布</b>" in done["text"]
    assert f"小张 于 {local} 发布了这一批：通过 3 条。" in done["text"]
    assert done["text"].count("✅ ") == 3 and "reply_markup" not in done
    assert "发布结果：已发布 3/3。" in done["text"]  # redrawn once they reached the platform
    assert await bot.count(Review, Review.status == "replied") == 3
    approved = AuditEntry.action == "draft.approved"
    assert await bot.count(AuditEntry, approved, AuditEntry.actor == f"telegram:{STAFF}") == 3
    assert await bot.count(AuditEntry, AuditEntry.action == "thanks.posted") == 1
    assert "暂时没有待发布的感谢回复" in (await thanks_page(bot, STAFF, STAFF_CHAT))["text"]


async def test_a_thanks_page_shows_its_replies_reaching_the_platform_or_not(bot):
    await positive_reviews_arrive(bot, *THANKS)
    page = await thanks_page(bot, STAFF, STAFF_CHAT)
    bot.demo.platform.faults.append(Fault("status", status=503, target="reply"))  # down a while

    answer = await bot.press(STAFF, page, "p")

    assert answer["text"] == "已通过 3 条，正在发布到平台。" and bot.demo.platform.replies == []
    sending = bot.card(page)["text"]
    assert "<b>💐 好评感谢 · 发布中</b>" in sending
    assert "⏳ 发布进度：已发布 0/3，其余正在发布。" in sending
    assert sending.count("⏳ ") == 4 and "✅ " not in sending  # three items and the total
    # The platform is back, but refuses the first reply (the oldest review's).
    bot.demo.platform.faults.append(Fault("status", status=400, target="reply"))
    bot.clock.advance(seconds=70)
    await bot.daemon.drain()
    await bot.daemon.drain()  # a dead message ends its queue's run: the next run goes on

    assert len(bot.demo.platform.replies) == 2
    done = bot.card(page)["text"]
    assert "<b>💐 好评感谢 · 部分发布失败</b>" in done
    assert (
        "发布结果：已发布 2/3，1 条发布失败（评价已重新打开，发送 /thanks 查看后重新发布）。"
        in done
    )
    assert f"❌ 1. ★★★★★ 5星 · {THANKS[0]} — 平台没有接受这条回复，评价已重新打开" in done
    assert done.count("✅ ") == 2 and "⏳" not in done
    again = await thanks_page(bot, STAFF, STAFF_CHAT)
    assert "上次发布到平台失败" in again["text"]


async def test_a_thanks_reply_withdrawn_for_the_customer_s_edit_reads_withdrawn(bot):
    """A reply waiting for the platform is withdrawn when its review is rewritten: the
    page says so, not that the platform refused it."""
    await positive_reviews_arrive(bot, *THANKS)
    page = await thanks_page(bot, STAFF, STAFF_CHAT)
    bot.demo.platform.faults.append(Fault("status", status=503, target="reply"))
    await bot.press(STAFF, page, "p")
    (first,) = [r for r in bot.demo.platform.by_id.values() if r.content == THANKS[0]]
    bot.demo.platform.edit_review(first.review_id, content="吃完以后全家上吐下泻，说是食物中毒")
    bot.clock.advance(minutes=5)
    await bot.daemon.poll_all_once()
    await bot.daemon.drain()  # the edit analysed (the reply withdrawn), then the retries
    await bot.daemon.drain()

    assert len(bot.demo.platform.replies) == 2
    done = bot.card(page)["text"]
    assert f"↩️ 1. ★★★★★ 5星 · {THANKS[0]} — 顾客改了评价，回复已撤回" in done, done
    assert "平台没有接受" not in done and "1 条已撤回" in done


async def test_a_skipped_item_waits_and_one_handled_meanwhile_is_reported(bot):
    await positive_reviews_arrive(bot, *THANKS)
    page = await thanks_page(bot, STAFF, STAFF_CHAT)
    drafts = await drafts_of(bot)

    answer = await bot.press(STAFF, page, "s2")

    assert answer["text"] == "已跳过第 2 条。"
    page = bot.card(page)
    assert "⏭ 小张 跳过" in page["text"] and html_escape(drafts[THANKS[1]]) not in page["text"]
    assert labels(page)[:3] == ["✅ 全部发布（2 条）", "跳过 1", "跳过 3"]
    # Meanwhile a manager opens the third review and approves it on its own card.
    async with bot.daemon.sessions() as session:
        third = await session.scalar(select(Review.id).where(Review.text == THANKS[2]))
    bot.fake.say(MANAGER, MANAGER, f"/review {third}")
    card = await bot.fake.wait_for(lambda: next(iter(bot.fake.cards(MANAGER)), None))
    await bot.press(MANAGER, card, "a")
    manager_local = shanghai(bot.clock.now())
    bot.clock.advance(minutes=3)

    answer = await bot.press(STAFF, page, "p")

    assert answer["text"] == "已通过 1 条，正在发布到平台；1 条没有发布，原因见消息。"
    assert answer["show_alert"]
    assert sorted(r.content for r in bot.demo.platform.replies) == sorted(
        [drafts[THANKS[0]], drafts[THANKS[2]]]
    )  # the manager's reply once, the skipped one not at all
    done = bot.card(page)["text"]
    assert "通过 1 条，跳过 1 条，已被他人处理 1 条" in done
    assert "⏭ 2. ★★★★★ 5星 · 服务态度超好" in done and "— 小张 跳过" in done
    assert f"↩️ 3. ★★★★★ 5星 · 麻婆豆腐一绝！ — 这条评价已由 李店长 于 {manager_local} 处理" in done
    late = AuditEntry.action == "review.already_handled"
    assert await bot.count(AuditEntry, late, AuditEntry.actor == f"telegram:{STAFF}") == 1
    again = await thanks_page(bot, STAFF, STAFF_CHAT)  # skipped is not ignored: it comes back
    assert "待发布 1 条" in again["text"] and "服务态度超好" in again["text"]


async def test_a_double_tap_and_a_colleague_post_a_page_once(bot):
    await positive_reviews_arrive(bot, *THANKS[:2])
    page = await thanks_page(bot, STAFF, STAFF_CHAT)
    data = bot.fake.button(page, "p")
    queries = [
        bot.fake.press(STAFF, page, data),
        bot.fake.press(STAFF, page, data),
        bot.fake.press(MANAGER, page, data),
    ]
    answers = [await bot.fake.wait_for(lambda q=q: bot.fake.answer_to(q)) for q in queries]
    await bot.daemon.drain()

    assert len(bot.demo.platform.replies) == 2
    assert await bot.count(OutboxMessage, OutboxMessage.kind == "reply") == 2  # queued once
    assert answers[0]["text"] == "已通过 2 条，正在发布到平台。"
    local = shanghai(bot.clock.now())
    for late in answers[1:]:
        assert late["show_alert"] and late["text"] == f"这一批已由 小张 于 {local} 发布了。"
    decided = AuditEntry.action == "thanks.already_decided"
    assert await bot.count(AuditEntry, decided) == 2
    assert await bot.count(AuditEntry, AuditEntry.action == "draft.approved") == 2


async def test_strangers_cannot_post_a_page_and_are_audited(bot):
    await positive_reviews_arrive(bot, *THANKS[:2])
    page = await thanks_page(bot, STAFF, STAFF_CHAT)

    for user in (STRANGER, OTHER_STORE):  # unknown; listed, but for another store
        answer = await bot.press(user, page, "p")
        assert answer["show_alert"] and "没有权限" in answer["text"]
    refusal = await bot.ask(STRANGER, STAFF_CHAT, "/thanks")

    assert "没有权限" in refusal
    assert bot.demo.platform.replies == [] and bot.card(page) == page  # nothing changed
    async with bot.daemon.sessions() as session:
        refused = (
            await session.scalars(
                select(AuditEntry.actor).where(AuditEntry.action == "chat.refused")
            )
        ).all()
    assert sorted(refused) == sorted([f"telegram:{STRANGER}"] * 2 + [f"telegram:{OTHER_STORE}"])
    answer = await bot.press(STAFF, page, "p")  # the page still works for its people
    assert answer["text"] == "已通过 2 条，正在发布到平台。"


async def test_nothing_to_thank_says_so(bot):
    card = await bot.review_arrives()  # only a bad review
    page = await thanks_page(bot, STAFF, STAFF_CHAT)
    assert page["text"] == "暂时没有待发布的感谢回复 🎉" and "reply_markup" not in page
    await positive_reviews_arrive(bot, THANKS[0])
    await bot.press(STAFF, card, "a")
    assert await bot.ask(STAFF, STAFF_CHAT, "/pending") == (
        "没有待处理的评价 🎉\n另有 1 条好评待感谢，发送 /thanks 查看。"
    )


async def test_ignoring_a_page_closes_its_reviews_without_replies(bot):
    await positive_reviews_arrive(bot, *THANKS[:2])
    page = await thanks_page(bot, STAFF, STAFF_CHAT)
    answer = await bot.press(STAFF, page, "i")
    assert answer["text"] == "已忽略 2 条。"
    assert bot.demo.platform.replies == []
    assert await bot.count(Review, Review.status == "ignored") == 2
    assert "<b>💐 好评感谢 · 已忽略</b>" in bot.card(page)["text"]
    assert "暂时没有待发布的感谢回复" in (await thanks_page(bot, STAFF, STAFF_CHAT))["text"]


@pytest.mark.slow
async def test_a_long_queue_is_paged_and_another_page_moves_on(
    database_url, demo, telegram, clock, monkeypatch
):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    settings = telegram_settings(database_url, demo.base_url, telegram.base_url)
    settings["telegram"]["thanks_page_size"] = 2
    bot = await start_bot(settings, telegram, demo, clock)
    try:
        texts = [f"第{n}次来，水煮鱼还是那么好吃" for n in range(1, 6)]
        await positive_reviews_arrive(bot, *texts)
        page = await thanks_page(bot, STAFF, STAFF_CHAT)
        assert "待发布 5 条" in page["text"] and "还有 3 条没有列出" in page["text"]
        assert "第1次来" in page["text"] and "第2次来" in page["text"]
        first = bot.fake.button(page, "p")

        assert (await bot.press(STAFF, page, "n"))["text"] == "已换一批。"
        page = bot.card(page)
        assert "第3次来" in page["text"] and "第4次来" in page["text"]
        assert "第1次来" not in page["text"]
        stale = bot.fake.press(STAFF, page, first)  # a button of the page it replaced
        answer = await bot.fake.wait_for(lambda: bot.fake.answer_to(stale))
        assert answer["show_alert"] and "换成了新的一批" in answer["text"]
        await bot.press(STAFF, page, "n")
        assert "第5次来" in bot.card(page)["text"]
        await bot.press(STAFF, page, "n")  # past the end: from the oldest again
        page = bot.card(page)
        assert "已经看完一轮" in page["text"] and "第1次来" in page["text"]

        await bot.press(STAFF, page, "p")
        assert len(demo.platform.replies) == 2  # the page shown, not the ones before it
        assert "还有 3 条：发送 /thanks 继续。" in bot.card(page)["text"]
    finally:
        await bot.daemon.stop()
        await bot.daemon.close()


async def test_a_draft_the_guardrails_block_is_reported_and_not_posted(
    database_url, demo, telegram, clock, monkeypatch
):
    # The owner changes who signs and restarts: drafts written with the old signature now
    # name a person the fact sheet does not have.
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    settings = telegram_settings(database_url, demo.base_url, telegram.base_url)
    settings["stores"][0]["facts"] = {**TEST_FACTS, "signature": "测试小馆 王师傅"}
    first = await start_bot(settings, telegram, demo, clock)
    try:
        await positive_reviews_arrive(first, THANKS[0])
        await positive_reviews_arrive(first, "环境干净，价格实惠", shop="shop-2")
        page = await thanks_page(first, OWNER, OWNER)  # the owner's private chat: every store
        assert "· 测试小馆" in page["text"] and "· 别的店" in page["text"]
        assert "王师傅" in page["text"]
    finally:
        await first.daemon.stop()
        await first.daemon.close()
    settings["stores"][0]["facts"] = TEST_FACTS
    bot = await start_bot(settings, telegram, demo, clock)
    try:
        answer = await bot.press(OWNER, page, "p")  # the page from before the restart

        assert answer["text"] == "已通过 1 条，正在发布到平台；1 条没有发布，原因见消息。"
        (reply,) = demo.platform.replies
        assert reply.review_id.startswith("shop-2")
        done = bot.card(page)["text"]
        assert "通过 1 条，未通过检查 1 条" in done
        assert "⛔ 1. ★★★★★ 5星 · 测试小馆 · 水煮鱼很好吃，送餐也快 — 不能发布：" in done
        assert "「王师傅」是本店资料里没有的人员" in done
        assert await bot.count(AuditEntry, AuditEntry.action == "draft.blocked") == 1
        assert await bot.count(Review, Review.status == "open") == 1

        again = await thanks_page(bot, OWNER, OWNER)  # flagged up front from now on
        assert again["text"].startswith("暂时没有待发布的感谢回复 🎉")
        assert "不能直接发布，请发送 /review 编号 修改" in again["text"]
        assert "「王师傅」是本店资料里没有的人员" in again["text"] and "reply_markup" not in again
    finally:
        await bot.daemon.stop()
        await bot.daemon.close()


def test_a_page_holds_as_many_whole_drafts_as_fit_in_one_message():
    from reviewbot.chat.telegram.thanks import batch_html, fitted
    from reviewbot.workflow import thanks
    from reviewbot.workflow.directory import Directory
    from tests.conftest import make_settings

    directory = Directory(make_settings("sqlite+aiosqlite://", demo_url="http://127.0.0.1:1"))
    draft = "谢谢您的好评！" + "🙏" * 300  # 607 units: clipped to DRAFT_UNITS on a page
    items = [
        thanks.Item(
            n=n,
            review_id=n,
            draft_id=n,
            store_id="store-1",
            rating=5,
            excerpt="好吃😋" * 8,
            draft=draft[:300],  # 307 units, shown whole
            clipped=False,
        )
        for n in range(1, 21)
    ]
    reason = "不能发布：" + "回复里有不在本店资料里的数字。" * 20
    notes = thanks.Notes(
        total=40,
        blocked=[[n, reason] for n in range(100, 105)],
        blocked_more=3,
        read_only={"dianping": 2},
    )

    page = fitted(thanks.Page(items, notes), directory)

    shown = len(page.items)
    assert 1 < shown < 20 and page.notes.remaining == 40 - shown - 5 - 3
    markup = batch_html(thanks.page_view(page, directory))
    text = plain_text(markup, "HTML")
    assert utf16_len(text) <= 4096 and markup.count(f"<blockquote>{draft[:300]}<") == shown
    assert f"还有 {page.notes.remaining} 条没有列出" in text and "大众点评 的 2 条好评" in text
    # One more would not have fitted: that page only goes out as clipped plain text.
    bigger = thanks.fit(thanks.Page(items, notes), shown + 1)
    assert "<blockquote>" not in batch_html(thanks.page_view(bigger, directory))
    # Decided, with every note at its longest, the page still fits.
    for item in items:
        item.result, item.note = "blocked", reason[: thanks.NOTE_UNITS]
    done = thanks.View(items, notes, thanks.POSTED, "名" * 5000, "11-22 12:00", {})
    assert utf16_len(plain_text(batch_html(done), "HTML")) <= 4096


async def test_a_thank_you_the_platform_refuses_is_flagged_on_the_next_page(bot):
    await positive_reviews_arrive(bot, THANKS[0])
    page = await thanks_page(bot, STAFF, STAFF_CHAT)
    bot.demo.platform.faults.append(Fault("status", status=400, target="reply"))

    await bot.press(STAFF, page, "p")

    assert bot.demo.platform.replies == []
    async with bot.daemon.sessions() as session:
        review = await session.scalar(select(Review))
    assert review.status == "open"  # reopened, never lost
    again = await thanks_page(bot, STAFF, STAFF_CHAT)
    assert f"#{review.id}：上次发布到平台失败" in again["text"]
    bot.fake.say(STAFF, STAFF, f"/review {review.id}")  # fixed on its card: another draft
    card = await bot.fake.wait_for(lambda: next(iter(bot.fake.cards(STAFF)), None))
    await bot.press(STAFF, card, "r")
    page = await thanks_page(bot, STAFF, STAFF_CHAT)
    assert "待发布 1 条" in page["text"]
    await bot.press(STAFF, page, "p")
    assert len(bot.demo.platform.replies) == 1


async def test_read_only_platforms_are_left_out_of_a_page_with_a_note(
    database_url, demo, telegram, clock, monkeypatch
):
    from tests.fakes import serve
    from tests.fakes.dianping import DianpingPlatform

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DP_SECRET", "dp_secret")
    monkeypatch.setenv("DP_SESSION", "sess123")
    dianping = DianpingPlatform(now=clock.now)
    dianping.add(5)
    async with serve(dianping.app()) as dp_url:
        settings = telegram_settings(database_url, demo.base_url, telegram.base_url)
        settings["stores"][0]["sources"].append(
            {
                "platform": "dianping",
                "open_shop_uuid": "abc",
                "app_key": "1000069",
                "app_secret_env": "DP_SECRET",
                "session_env": "DP_SESSION",
                "base_url": dp_url,
            }
        )
        bot = await start_bot(settings, telegram, demo, clock)
        try:
            await positive_reviews_arrive(bot, THANKS[0])
            assert await bot.count(Review, Review.platform == "dianping") == 1

            page = await thanks_page(bot, STAFF, STAFF_CHAT)

            assert "待发布 1 条" in page["text"] and THANKS[0] in page["text"]
            assert "大众点评 的 1 条好评不在这里：该平台不支持接口回复" in page["text"]
            await bot.press(STAFF, page, "p")
            assert len(demo.platform.replies) == 1
            assert await bot.count(Review, Review.status == "replied_manually") == 0
        finally:
            await bot.daemon.stop()
            await bot.daemon.close()


@pytest.mark.both_databases
async def test_two_people_posting_one_page_at_the_same_moment_post_it_once(bot):
    # Past the bot's one-update-at-a-time loop: two presses decided concurrently (as two
    # replicas would), each in its own transaction on the batch row.
    from reviewbot.chat.telegram.thanks import parse_callback

    await positive_reviews_arrive(bot, *THANKS[:2])
    page = await thanks_page(bot, STAFF, STAFF_CHAT)
    token, _ = parse_callback(bot.fake.button(page, "p"))
    desk = bot.daemon.telegram.desk  # the workflow both replicas would call
    people = [desk.directory.actor(user) for user in (STAFF, MANAGER)]

    results = await asyncio.gather(
        *(
            desk.thanks_press(
                token, "post", who, ["store-1"], STAFF_CHAT, size=10, fit=lambda page: page
            )
            for who in people
        )
    )
    await bot.daemon.drain()

    answers = sorted(answer.text for answer in results)
    assert answers[0] == "已通过 2 条，正在发布到平台。"
    assert answers[1].startswith("这一批已由 ") and answers[1].endswith(" 发布了。")
    assert len(bot.demo.platform.replies) == 2
    assert await bot.count(OutboxMessage, OutboxMessage.kind == "reply") == 2
    assert await bot.count(AuditEntry, AuditEntry.action == "draft.approved") == 2


async def test_a_draft_changed_after_listing_is_not_posted_unseen(bot):
    await positive_reviews_arrive(bot, THANKS[0])
    page = await thanks_page(bot, STAFF, STAFF_CHAT)
    listed = (await drafts_of(bot))[THANKS[0]]
    async with bot.daemon.sessions() as session:
        review_id = await session.scalar(select(Review.id))
    bot.fake.say(MANAGER, MANAGER, f"/review {review_id}")
    card = await bot.fake.wait_for(lambda: next(iter(bot.fake.cards(MANAGER)), None))
    await bot.press(MANAGER, card, "r")  # another variant, after the page was sent

    answer = await bot.press(STAFF, page, "p")

    assert answer["text"] == "没有发布任何回复，原因见消息。"
    assert bot.demo.platform.replies == []
    assert "⚠️ 1. ★★★★★ 5星 · 水煮鱼很好吃，送餐也快 — 列出后草稿有变" in bot.card(page)["text"]
    again = await thanks_page(bot, STAFF, STAFF_CHAT)
    current = (await drafts_of(bot))[THANKS[0]]
    assert current != listed and html_escape(current) in again["text"]
    await bot.press(STAFF, again, "p")
    assert [r.content for r in bot.demo.platform.replies] == [current]
