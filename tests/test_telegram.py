"""The staff workflow in Telegram: the real python-telegram-bot Application against a fake
Bot API server, with the demo platform receiving the replies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select

from reviewbot.clock import FakeClock
from reviewbot.daemon import Daemon
from reviewbot.platforms.demo.server import DemoServer, Fault
from reviewbot.store.schema import AuditEntry, Draft, OutboxMessage, Review, Task
from tests.conftest import TEST_FACTS
from tests.fakes.telegram import TOKEN, FakeTelegram

STAFF_CHAT = -100500
OWNER, MANAGER, STAFF, OTHER_STORE, STRANGER = 1001, 1002, 1003, 1004, 4040
NEGATIVE = "水煮鱼太咸了，送到的时候已经凉了"


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


def telegram_settings(database_url: str, demo_url: str, telegram_url: str) -> dict[str, Any]:
    return {
        "database": {"url": database_url},
        "http": {"timeout_seconds": 0.5, "max_attempts": 2, "backoff_initial_seconds": 0.01},
        "demo": {"serve": False},
        "notifier": {"kind": "telegram"},
        "telegram": {
            "api_base_url": f"{telegram_url}/bot",
            "file_base_url": f"{telegram_url}/file/bot",
            "poll_timeout_seconds": 1,
            "edit_timeout_seconds": 120,
        },
        "people": [
            {"name": "王老板", "telegram_user_id": OWNER, "role": "owner", "stores": ["*"]},
            {
                "name": "李店长",
                "telegram_user_id": MANAGER,
                "role": "manager",
                "stores": ["store-1"],
            },
            {"name": "小张", "telegram_user_id": STAFF, "role": "staff", "stores": ["store-1"]},
            {
                "name": "别店的人",
                "telegram_user_id": OTHER_STORE,
                "role": "manager",
                "stores": ["store-2"],
            },
        ],
        "stores": [
            {
                "id": "store-1",
                "name": "测试小馆",
                "facts": TEST_FACTS,
                "chat": {"telegram_chat_id": STAFF_CHAT},
                "sources": [{"platform": "demo", "account": "shop-1", "base_url": demo_url}],
            },
            {
                "id": "store-2",
                "name": "别的店",
                "chat": {"telegram_chat_id": -100999},
                "sources": [{"platform": "demo", "account": "shop-2", "base_url": demo_url}],
            },
        ],
    }


class Bot:
    """A running daemon with its Telegram bot, driven step by step by a test."""

    def __init__(self, daemon: Daemon, fake: FakeTelegram, demo: DemoServer, clock: FakeClock):
        self.daemon, self.fake, self.demo, self.clock = daemon, fake, demo, clock

    async def review_arrives(
        self, text: str = NEGATIVE, stars: int = 1, shop: str = "shop-1"
    ) -> dict:
        """A review on the platform, polled, analyzed and alerted: returns its card."""
        before = len(self.fake.cards(STAFF_CHAT))
        self.demo.platform.add_review(shop, text, stars)
        self.clock.advance(minutes=5)
        await self.daemon.poll_all_once()
        await self.daemon.drain()
        cards = self.fake.cards(STAFF_CHAT)
        assert len(cards) == before + 1, "no new alert card"
        return cards[-1]

    async def press(self, user: int, card: dict, code: str) -> dict:
        query = self.fake.press(user, card, self.fake.button(card, code))
        answer = await self.fake.wait_for(lambda: self.fake.answer_to(query))
        await self.daemon.drain()
        return answer

    def card(self, card: dict) -> dict:
        return self.fake.messages[(card["chat"]["id"], card["message_id"])]

    async def count(self, model: type, *where: Any) -> int:
        async with self.daemon.sessions() as session:
            return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0


async def start_bot(settings: dict, fake, demo, clock) -> Bot:
    from reviewbot.config import parse_settings

    daemon = Daemon(parse_settings(settings), clock=clock)
    await daemon.start(schedule=False)
    return Bot(daemon, fake, demo, clock)


@pytest.fixture
async def bot(database_url, demo, telegram, clock, monkeypatch) -> AsyncIterator[Bot]:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    running = await start_bot(
        telegram_settings(database_url, demo.base_url, telegram.base_url), telegram, demo, clock
    )
    try:
        yield running
    finally:
        await running.daemon.stop()
        await running.daemon.close()


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
    assert "<a " not in card["text"]  # and the fake, parsing like Telegram, accepted the card


async def test_a_very_long_review_still_fits_in_one_card(bot):
    card = await bot.review_arrives("菜太咸了。" * 2000, 1)
    assert "…" in card["text"] and len(card["text"]) < 4096


async def test_edit_then_confirm_posts_the_edited_text(bot):
    card = await bot.review_arrives()
    await bot.press(STAFF, card, "e")
    prompt = await bot.fake.wait_for(
        lambda: next(
            (m for m in bot.fake.in_chat(STAFF_CHAT) if "回复本消息" in m.get("text", "")), None
        )
    )
    assert bot.fake.requested_markup[prompt["message_id"]]["force_reply"] is True

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
    assert "您好，水煮鱼偏咸是我们的问题" in bot.card(card)["text"]  # the card shows the edit

    await bot.press(STAFF, preview, "y")

    assert [r.content for r in bot.demo.platform.replies] == [
        "您好，水煮鱼偏咸是我们的问题，已经调整，抱歉！"
    ]
    async with bot.daemon.sessions() as session:
        edit = await session.scalar(select(AuditEntry).where(AuditEntry.action == "draft.edited"))
    assert edit.actor == f"telegram:{STAFF}" and edit.details["before"] != edit.details["after"]


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
    assert all("已由 小张 于" in a["text"] for a in answers[1:])


async def test_critical_reviews_need_a_manager(bot):
    card = await bot.review_arrives("吃完上吐下泻，去医院查了是食物中毒", 1)
    assert "需店长或店主通过" in card["text"]
    answer = await bot.press(STAFF, card, "a")
    assert answer["show_alert"] and "店长或以上" in answer["text"]
    assert bot.demo.platform.replies == []
    answer = await bot.press(MANAGER, card, "a")
    assert answer["text"] == "已通过，正在发布到平台。"
    assert len(bot.demo.platform.replies) == 1


async def test_marking_malicious_starts_an_appeal_for_managers_only(bot):
    card = await bot.review_arrives("难吃", 1)
    answer = await bot.press(STAFF, card, "m")
    assert answer["show_alert"] and await bot.count(Task) == 0
    answer = await bot.press(MANAGER, card, "m")
    assert "申诉任务" in answer["text"]
    assert await bot.count(Task, Task.kind == "appeal", Task.status == "open") == 1
    assert "🚩 已标记为恶意评价" in bot.card(card)["text"]


async def test_contacted_and_ignore_are_recorded(bot):
    card = await bot.review_arrives()
    await bot.press(STAFF, card, "c")
    again = await bot.press(MANAGER, card, "c")
    assert "小张 已于" in again["text"]
    await bot.press(STAFF, card, "i")
    text = bot.card(card)["text"]
    assert "☎️ 小张 于" in text and "🙈 小张 于" in text
    assert await bot.count(Review, Review.status == "ignored") == 1


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


async def test_commands(bot):
    await bot.review_arrives()
    bot.fake.say(STAFF, STAFF_CHAT, "/start")
    bot.fake.say(STAFF, STAFF_CHAT, "/pending")
    bot.fake.say(STRANGER, STAFF_CHAT, "/pending")
    replies = await bot.fake.wait_for(
        lambda: (
            [m["text"] for m in bot.fake.in_chat(STAFF_CHAT) if "reply_markup" not in m][-3:]
            if len(bot.fake.in_chat(STAFF_CHAT)) >= 4
            else None
        )
    )
    assert "你好，小张（店员）" in replies[0] and "测试小馆" in replies[0]
    assert "待处理 1 条" in replies[1] and "水煮鱼太咸了" in replies[1]
    assert "没有权限" in replies[2]


async def test_review_command_resends_a_working_card(bot):
    card = await bot.review_arrives()
    review_id = int(card["text"].rsplit("#", 1)[1].split("<")[0])
    bot.fake.say(STAFF, STAFF, f"/review {review_id}")  # in the staff member's private chat
    copy = await bot.fake.wait_for(lambda: next(iter(bot.fake.cards(STAFF)), None))
    await bot.press(STAFF, copy, "a")
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
    import asyncio
    import subprocess
    import sys

    card = await bot.review_arrives()
    await bot.press(STAFF, card, "r")
    await bot.press(STRANGER, card, "a")
    await bot.press(STAFF, card, "a")
    config = tmp_path / "audit.toml"
    config.write_text(
        f'[database]\nurl = "{database_url}"\n[[stores]]\nid = "store-1"\n'
        'name = "测试小馆"\n[[stores.sources]]\nplatform = "demo"\naccount = "shop-1"\n',
        encoding="utf-8",
    )
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "reviewbot", "audit", "--review", "1", "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "revision 1" in out and NEGATIVE in out
    order = [
        "review.received",
        "review.analyzed",
        "draft.created",
        "alert.queued",
        "alert.sent",
        "draft.regenerated",
        "chat.refused",
        "draft.approved",
        "reply.posted",
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

    await bot.fake.wait_for(lambda: said("已结束危机"))
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
