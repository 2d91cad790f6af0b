"""Customer cases end to end: the daemon on the demo platform, its bot on the fake Telegram
server, the real database (SQLite and PostgreSQL). After ☎️ the card asks how the call
went, what was agreed and when to follow up; the follow-up is reminded once; a later
review of the same customer marks the case as came back; the digest and the report count
it all per store; strangers are refused."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from reviewbot.jobs.followups import FollowUps
from reviewbot.reporting import metrics, summary
from reviewbot.reporting.page import figures_tables
from reviewbot.store.schema import AuditEntry, CaseReview, CustomerCase, OutboxMessage, Review
from reviewbot.workflow.actions import NotAllowed
from tests.harness.daemon import Running, review_number
from tests.harness.telegram import MANAGER, NEGATIVE, OTHER_STORE, STAFF, STAFF_CHAT, STRANGER

SHANGHAI = ZoneInfo("Asia/Shanghai")
PRAISE = "这次水煮鱼很好吃，送得也快，好评"


def prompts(bot: Running, review_id: int) -> list[dict]:
    """The messages asking about the case of `review_id` (they carry `cs:` buttons)."""
    return [
        m
        for m in bot.fake.in_chat(STAFF_CHAT)
        if f"评价 #{review_id} 的顾客回访记录" in m.get("text", "")
    ]


def codes(message: dict) -> list[str]:
    """The buttons' codes (`cs:<token>:<code>`, an outcome's with `:<calls seen>` after)."""
    return [
        b["callback_data"].split(":")[2]
        for row in message.get("reply_markup", {}).get("inline_keyboard", [])
        for b in row
    ]


async def case_of(bot: Running, review_id: int) -> CustomerCase | None:
    async with bot.daemon.sessions() as session:
        return await session.scalar(select(CustomerCase).where(CustomerCase.review_id == review_id))


async def arrives(bot: Running, text: str, stars: int, nickname: str, **kw) -> int:
    """A review by `nickname` on the demo platform, polled and processed: its id."""
    bot.demo.platform.add_review("shop-1", text, stars, nickname=nickname, anonymous=False, **kw)
    bot.clock.advance(minutes=5)
    await bot.daemon.poll_all_once()
    await bot.daemon.drain()
    async with bot.daemon.sessions() as session:
        return await session.scalar(select(Review.id).order_by(Review.id.desc()).limit(1))


async def call_reached_with_remedy(bot: Running, card: dict) -> dict:
    """☎️, then 接通了 and 给了补偿 on the prompt: returns the prompt."""
    review_id = review_number(card)
    await bot.press(STAFF, card, "c")
    (prompt,) = prompts(bot, review_id)
    assert codes(prompt) == ["h", "n", "w"]
    assert "电话结果如何" in prompt["text"]
    await bot.press(STAFF, prompt, "h")
    prompt = bot.card(prompt)
    assert "私下商定了什么" in prompt["text"] and codes(prompt) == ["o", "v", "f"]
    await bot.press(STAFF, prompt, "v")
    return bot.card(prompt)


async def test_after_contacted_the_card_asks_outcome_agreement_and_follow_up(bot):
    card = await bot.review_arrives()
    review_id = review_number(card)
    opened = await case_of(bot, review_id)
    assert opened is not None and opened.status == "open" and opened.outcome is None

    prompt = await call_reached_with_remedy(bot, card)
    assert "联系结果：接通了 · 小张" in prompt["text"]
    assert "私下商定：给了补偿" in prompt["text"]
    assert codes(prompt) == ["d3", "d7", "d0"]
    await bot.press(STAFF, prompt, "d3")

    case = await case_of(bot, review_id)
    assert case is not None
    assert (case.outcome, case.agreement, case.status) == ("reached", "remedy_offered", "resolved")
    assert case.attempts == 1 and case.reached_at is not None and case.resolved_at is not None
    # Three local days on, at the configured reminder time (10:00 in the store's zone).
    local_day = bot.clock.now().astimezone(SHANGHAI).date() + timedelta(days=3)
    assert case.follow_up_at == datetime(
        local_day.year, local_day.month, local_day.day, 10, tzinfo=SHANGHAI
    )
    shown = bot.card(prompt)
    assert "⏰ 回访提醒" in shown["text"] and codes(shown) == []
    assert "📞 接通了 · 给了补偿 · 回访" in bot.card(card)["text"]
    async with bot.daemon.sessions() as session:
        actions = (
            await session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.review_id == review_id, AuditEntry.action.like("case.%"))
                .order_by(AuditEntry.id)
            )
        ).all()
    assert actions == ["case.opened", "case.outcome", "case.agreement", "case.follow_up_set"]
    # The customer's record: the review, our reply once posted, every contact and the case.
    await bot.press(STAFF, card, "a")
    desk = bot.daemon.telegram.desk  # type: ignore[union-attr]
    story = await desk.cases.story(desk.directory.actor(MANAGER), review_id)
    (told,) = story.reviews
    (reply,) = told.replies
    assert told.text == NEGATIVE and reply.posted_at is not None and reply.approved_by == "小张"
    assert [e.action for e in story.events] == ["case.opened", "customer.contacted", *actions[1:]]
    assert {e.actor for e in story.events[1:]} == {"小张"}
    (shown,) = story.cases
    assert (shown.outcome, shown.agreement, shown.follow_up_at) == (
        "reached",
        "remedy_offered",
        case.follow_up_at,
    )


async def test_no_answer_offers_a_call_again_and_a_later_reach_counts_once(bot):
    card = await bot.review_arrives()
    review_id = review_number(card)
    await bot.press(STAFF, card, "c")
    (prompt,) = prompts(bot, review_id)
    await bot.press(STAFF, prompt, "n")
    prompt = bot.card(prompt)
    assert "要提醒再打一次吗" in prompt["text"] and codes(prompt) == ["d3", "d7", "d0", "h"]
    # An agreement cannot be recorded before anyone reached the customer.
    answer = await bot.press(STAFF, prompt | {"reply_markup": _agreement_markup(prompt)}, "o")
    assert "还没有记录接通" in answer["text"]
    await bot.press(MANAGER, prompt, "h")
    case = await case_of(bot, review_id)
    assert case is not None and (case.outcome, case.attempts) == ("reached", 2)
    assert case.outcome_by == "李店长" and case.status == "open"


async def outcome_audits(bot: Running, review_id: int) -> list[dict]:
    async with bot.daemon.sessions() as session:
        return list(
            (
                await session.scalars(
                    select(AuditEntry.details)
                    .where(AuditEntry.review_id == review_id, AuditEntry.action == "case.outcome")
                    .order_by(AuditEntry.id)
                )
            ).all()
        )


async def test_a_double_tap_on_a_call_result_records_one_call_and_says_so(bot):
    card = await bot.review_arrives()
    review_id = review_number(card)
    await bot.press(STAFF, card, "c")
    (shown,) = prompts(bot, review_id)
    asked = copy.deepcopy(shown)  # the prompt as first drawn (the chat's copy is rewritten)
    first = await bot.press(STAFF, asked, "n")
    # The second tap of a double tap comes from the prompt as it was (not yet rewritten).
    second = await bot.press(STAFF, asked, "n")
    assert "已记录：没接" in first["text"]
    assert "没有重复记录" in second["text"] and second.get("show_alert") is True
    case = await case_of(bot, review_id)
    assert case is not None and (case.outcome, case.attempts) == ("no_answer", 1)
    assert len(await outcome_audits(bot, review_id)) == 1
    # 后来接通了 on the rewritten prompt is the next call: once, however often it is tapped.
    prompt = copy.deepcopy(bot.card(asked))
    await bot.press(STAFF, prompt, "h")
    again = await bot.press(STAFF, prompt, "h")
    assert "没有重复记录" in again["text"] and "第 2 次联系" in again["text"]
    case = await case_of(bot, review_id)
    assert case is not None and (case.outcome, case.attempts) == ("reached", 2)
    # An old copy of the first prompt (another result on it) records nothing either.
    stale = await bot.press(MANAGER, asked, "w")
    assert "没有重复记录" in stale["text"]
    assert [d["attempt"] for d in await outcome_audits(bot, review_id)] == [1, 2]
    case = await case_of(bot, review_id)
    assert case is not None and (case.outcome, case.attempts) == ("reached", 2)


def _agreement_markup(prompt: dict) -> dict:
    """A stale copy of the prompt with the agreement buttons (as a slow phone shows it)."""
    token = prompt["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[1]
    return {"inline_keyboard": [[{"text": "🙏", "callback_data": f"cs:{token}:o"}]]}


async def test_the_follow_up_is_reminded_once_even_when_telegram_fails_first(bot):
    card = await bot.review_arrives()
    review_id = review_number(card)
    prompt = await call_reached_with_remedy(bot, card)
    await bot.press(STAFF, prompt, "d3")

    def reminders() -> list[dict]:
        return [m for m in bot.fake.in_chat(STAFF_CHAT) if "回访提醒：差评" in m.get("text", "")]

    bot.clock.advance(days=2)
    await bot.daemon.drain()
    assert reminders() == []  # not due yet
    bot.clock.advance(days=2)
    bot.fake.fail("sendMessage", 502)
    await bot.daemon.drain()
    for _ in range(3):  # the outbox retries as time passes
        bot.clock.advance(seconds=70)
        await bot.daemon.drain()
    (reminder,) = reminders()
    assert f"#{review_id}" in reminder["text"] and "给了补偿" in reminder["text"]
    # A restarted daemon (a new job object) and later runs find nothing to remind.
    assert await FollowUps(bot.daemon.sessions, bot.clock).run_once() == 0
    bot.clock.advance(days=1)
    await bot.daemon.drain()
    assert len(reminders()) == 1
    async with bot.daemon.sessions() as session:
        queued = (
            await session.scalars(
                select(OutboxMessage.status).where(
                    OutboxMessage.dedupe_key.like("notice:case-follow-up:%")
                )
            )
        ).all()
    assert queued == ["sent"]


async def test_the_follow_up_reminder_records_the_next_call_once(bot):
    card = await bot.review_arrives()
    review_id = review_number(card)
    await bot.press(STAFF, card, "c")
    (prompt,) = prompts(bot, review_id)
    await bot.press(STAFF, prompt, "n")
    await bot.press(STAFF, bot.card(prompt), "d3")
    assert codes(bot.card(prompt)) == []  # the prompt is done; the reminder asks next time
    bot.clock.advance(days=4)
    await bot.daemon.drain()
    (reminder,) = [m for m in bot.fake.in_chat(STAFF_CHAT) if "回访提醒：差评" in m.get("text", "")]
    assert f"#{review_id}" in reminder["text"] and "上次联系：没接" in reminder["text"]
    # The next call's results, drawn at the one call recorded so far.
    assert codes(reminder) == ["h", "n", "w"]
    assert all(
        b["callback_data"].endswith(":1")
        for row in reminder["reply_markup"]["inline_keyboard"]
        for b in row
    )
    shown = copy.deepcopy(reminder)  # the reminder as first drawn (a double tap's copy)
    first = await bot.press(STAFF, shown, "h")
    second = await bot.press(STAFF, shown, "h")
    assert "已记录" in first["text"] and "没有重复记录" in second["text"]
    case = await case_of(bot, review_id)
    assert case is not None and (case.outcome, case.attempts) == ("reached", 2)
    assert [d["attempt"] for d in await outcome_audits(bot, review_id)] == [1, 2]
    # The reminder goes on as the prompt did: what was agreed.
    assert "私下商定了什么" in bot.card(reminder)["text"]


async def test_a_later_review_of_the_same_customer_marks_that_they_came_back(bot):
    complaint = await arrives(bot, NEGATIVE, 1, "回头客小王")
    other = await arrives(bot, "米饭是生的，太难吃了", 1, "老李")
    await arrives(bot, PRAISE, 5, "路人甲")  # someone else: nobody came back
    assert (await case_of(bot, complaint)).came_back is None  # type: ignore[union-attr]
    later = await arrives(bot, PRAISE, 5, "回头客小王")

    case = await case_of(bot, complaint)
    assert case is not None
    assert (case.came_back, case.came_back_review_id, case.status) == (
        "later_review",
        later,
        "resolved",
    )
    (card,) = [c for c in bot.fake.cards(STAFF_CHAT) if review_number(c) == complaint]
    assert "🎉 顾客回来了（又来评价）" in bot.card(card)["text"]
    # 老李 raises the complaint's own rating on the platform.
    async with bot.daemon.sessions() as session:
        external = await session.scalar(select(Review.external_id).where(Review.id == other))
    bot.demo.platform.edit_review(external, stars=4)
    bot.clock.advance(minutes=5)
    await bot.daemon.poll_all_once()
    await bot.daemon.drain()
    raised = await case_of(bot, other)
    assert raised is not None and raised.came_back == "rating_raised"

    desk = bot.daemon.telegram.desk  # type: ignore[union-attr]
    staff = desk.directory.actor(STAFF)
    story = await desk.cases.story(staff, complaint)
    assert [r.review_id for r in story.reviews] == [complaint, later]
    assert [r.linked_on for r in story.reviews] == [None, "author"]
    assert story.linked_on == ("author",)
    assert [c.review_id for c in story.cases] == [complaint]
    assert "case.came_back" in [e.action for e in story.events]
    # The customer's record from the later review tells the same story.
    again = await desk.cases.story(staff, later)
    assert {r.review_id for r in again.reviews} == {complaint, later}


async def test_an_anonymous_review_is_nobody_coming_back(bot):
    complaint = await arrives(bot, NEGATIVE, 1, "回头客小王")
    await arrives(bot, PRAISE, 5, "匿名用户")
    case = await case_of(bot, complaint)
    assert case is not None and case.came_back is None
    async with bot.daemon.sessions() as session:
        links = (
            await session.scalars(select(CaseReview.reason).where(CaseReview.case_id == case.id))
        ).all()
    assert links == ["complaint"]


async def test_strangers_and_other_stores_are_refused(bot):
    card = await bot.review_arrives()
    review_id = review_number(card)
    await bot.press(STAFF, card, "c")
    (prompt,) = prompts(bot, review_id)
    for who in (STRANGER, OTHER_STORE):
        answer = await bot.press(who, prompt, "h")
        assert "没有" in answer["text"] and "权限" in answer["text"]
    case = await case_of(bot, review_id)
    assert case is not None and case.outcome is None
    desk = bot.daemon.telegram.desk  # type: ignore[union-attr]
    other = desk.directory.actor(OTHER_STORE)
    with pytest.raises(NotAllowed):
        await desk.cases.story(other, review_id)
    refused = await desk.cases.record_outcome(other, review_id, "reached")
    assert not refused.ok and "没有这家门店的权限" in refused.message
    async with bot.daemon.sessions() as session:
        attempts = (
            await session.scalars(
                select(AuditEntry.details["attempted"].as_string()).where(
                    AuditEntry.action == "chat.refused"
                )
            )
        ).all()
    assert "case.story" in attempts and "case.outcome:reached" in attempts
    assert sum(1 for a in attempts if a.startswith("case button")) == 2
    assert (await case_of(bot, review_id)).outcome is None  # type: ignore[union-attr]


async def test_digest_and_report_count_cases_per_store(bot):
    first = await bot.review_arrives()
    prompt = await call_reached_with_remedy(bot, first)  # reached and resolved
    await bot.press(STAFF, prompt, "d0")
    second = await bot.review_arrives("米饭是生的，太难吃了")
    await bot.press(STAFF, second, "c")
    (asked,) = prompts(bot, review_number(second))
    await bot.press(STAFF, asked, "n")  # not reached, still open
    complaint = await arrives(bot, "汤全洒了，包装太差", 1, "回头客小王")
    await arrives(bot, PRAISE, 5, "回头客小王")  # came back (resolved)
    assert (await case_of(bot, complaint)).came_back == "later_review"  # type: ignore[union-attr]

    settings = bot.daemon.settings
    today = bot.clock.now().astimezone(SHANGHAI).date()
    scope = metrics.period_scope(settings, ["store-1", "store-2"], "day", today, bot.clock.now())
    async with bot.daemon.sessions() as session:
        f = await metrics.figures(session, settings, scope)
    assert f.cases == metrics.CaseFigures(opened=3, reached=1, resolved=2, came_back=1)
    assert f.cases_by_store == {
        "store-1": metrics.CaseFigures(opened=3, reached=1, resolved=2, came_back=1),
        "store-2": metrics.CaseFigures(),
    }
    # The digest's summary (and `reviewbot report`'s) says it; the page has a row a store.
    assert "顾客回访：新开 3 件，已接通 1 件，已解决 2 件，顾客回来了 1 位" in summary.details(f)
    page = figures_tables(f, {s.id: s.name for s in settings.stores})
    assert "<td>测试小馆</td><td>3</td><td>1</td><td>2</td><td>1</td>" in page
    assert "<td>别的店</td><td>0</td>" in page
    # A period before any of it counts nothing.
    earlier = metrics.period_scope(
        settings, ["store-1"], "day", today - timedelta(days=2), bot.clock.now()
    )
    async with bot.daemon.sessions() as session:
        assert (await metrics.figures(session, settings, earlier)).cases.opened == 0
    assert isinstance(today, date)
