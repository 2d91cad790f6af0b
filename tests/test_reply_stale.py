"""A reply approved for words the customer then changed (an edit, a 追评) before it
reached the platform: it is withdrawn, not posted, and the review opens again for its new
words, with a card that says so. The approval stays in the audit."""

from __future__ import annotations

from sqlalchemy import select

from reviewbot.platforms.demo.server import Fault
from reviewbot.store.schema import AuditEntry, Draft, Review, ReviewRevision
from tests.harness.daemon import Running as Bot
from tests.harness.telegram import MANAGER, NEGATIVE, STAFF

POISONED = "吃完以后全家上吐下泻，去医院说是食物中毒"
WITHDRAWN = "通过的回复没有发布"


def labels(card: dict) -> list[str]:
    markup = card.get("reply_markup") or {"inline_keyboard": []}
    return [b["text"] for row in markup["inline_keyboard"] for b in row]


async def approved_then_edited(bot: Bot) -> tuple[dict, str]:
    """Staff approve a reply the platform does not take at once (a 503); meanwhile the
    customer rewrites the review. Returns the first card and the approved text."""
    card = await bot.review_arrives(NEGATIVE)
    bot.demo.platform.faults.append(Fault(kind="status", status=503, target="reply"))
    await bot.press(STAFF, card, "a")
    assert bot.demo.platform.replies == []
    async with bot.daemon.sessions() as session:
        (approved,) = await session.scalars(select(Draft).where(Draft.status == "approved"))
    (demo_review,) = [r for r in bot.demo.platform.by_id.values() if r.content == NEGATIVE]
    bot.demo.platform.edit_review(demo_review.review_id, content=POISONED)
    return card, approved.text


async def the_review(bot: Bot) -> Review:
    async with bot.daemon.sessions() as session:
        (row,) = (await session.scalars(select(Review))).all()
        return row


async def actions(bot: Bot) -> list[str]:
    async with bot.daemon.sessions() as session:
        return list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


async def test_a_reply_approved_before_the_review_changed_is_not_posted(bot):
    card, old = await approved_then_edited(bot)
    bot.clock.advance(minutes=5)
    await bot.daemon.poll_all_once()
    await bot.daemon.drain()  # analyzed, then the reply's retry falls due
    first, again = bot.fake.cards(bot.staff_chat)  # the first card is open again too
    assert first["message_id"] == card["message_id"]

    assert bot.demo.platform.replies == []
    row = await the_review(bot)
    assert (row.status, row.window_round, row.handled_by) == ("open", 1, None)
    assert POISONED in again["text"] and WITHDRAWN in again["text"] and "小张" in again["text"]
    assert "✅ 通过并发布" in labels(again)
    assert WITHDRAWN in first["text"]  # the first card says so too
    trail = await actions(bot)
    assert "draft.approved" in trail and "reply.withdrawn" in trail  # nothing is lost

    await bot.press(MANAGER, again, "a")  # the new words' draft, approved anew
    (posted,) = bot.demo.platform.replies
    assert posted.content != old
    row = await the_review(bot)
    assert row.status == "replied" and row.reply_text == posted.content
    assert WITHDRAWN not in bot.card(again)["text"]


async def test_a_stale_reply_due_before_the_new_words_are_analyzed_is_withdrawn(bot):
    """The edit is stored and the reply's retry comes before the analysis: the outbox
    refuses it, and the new words get their own alert and speed window."""
    await approved_then_edited(bot)
    bot.clock.advance(minutes=5)
    await bot.daemon.poll_all_once()
    await bot.daemon.dispatcher.run_once()

    assert bot.demo.platform.replies == []
    row = await the_review(bot)
    assert (row.status, row.window_round) == ("open", 1)
    await bot.daemon.drain()
    again = bot.fake.cards(bot.staff_chat)[-1]
    assert POISONED in again["text"] and WITHDRAWN in again["text"]
    row = await the_review(bot)
    async with bot.daemon.sessions() as session:
        seen = await session.scalar(
            select(ReviewRevision.seen_at).where(ReviewRevision.revision == row.revision)
        )
    assert row.alerted_seen_at == seen  # the new complaint's window starts with it
    assert bot.demo.platform.replies == []
