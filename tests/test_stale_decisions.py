"""Decisions pressed on what staff saw, not on what the database holds by the time they
press: a customer's revision not yet read, a draft replaced since the card, a /thanks
page whose review turned into a complaint. Real rows in SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

from sqlalchemy import select

from reviewbot.replies.engine import StoreProfile
from reviewbot.store import db
from reviewbot.store.alerts import create_alert
from reviewbot.store.schema import (
    Analysis,
    Draft,
    OutboxMessage,
    ReplyBatch,
    Review,
    Source,
    Store,
)
from reviewbot.workflow import actions, thanks
from reviewbot.workflow.actions import Actor
from reviewbot.workflow.directory import Directory
from tests.conftest import make_settings

NOW = datetime(2026, 12, 6, 10, tzinfo=UTC)
STAFF = Actor("telegram:5", "小王", {"a": "staff"})
MANAGER = Actor("telegram:6", "老李", {"a": "manager"})
PROFILE = StoreProfile(name="A店")


def analysis(review_id: int, revision: int, severity: str = "low", **kw) -> Analysis:
    fields = dict(sentiment=0.3, polarity="negative", negative=True, categories=[])
    fields.update(kw)
    return Analysis(
        review_id=review_id, revision=revision, model="m", malicious=False,
        malicious_reasons=[], severity=severity, created_at=NOW, **fields,
    )  # fmt: skip


async def seed(sessions: db.SessionFactory, rating: int = 3, text: str = "菜有点咸") -> int:
    """One store, one review (id 1) read by the pipeline at revision 1 with its draft:
    the draft's id."""
    async with sessions() as s, s.begin():
        s.add(Store(id="a", name="A店", created_at=NOW))
        await s.flush()
        s.add(Source(id=1, store_id="a", platform="meituan", account="x", consecutive_errors=0))
        await s.flush()
        s.add(
            Review(
                id=1, source_id=1, store_id="a", platform="meituan", account="x",
                external_id="e1", rating=rating, text=text, first_seen_at=NOW,
                last_seen_at=NOW, revision=1, content_hash="h", status="open",
                needs_processing=False,
            )
        )  # fmt: skip
        await s.flush()
        s.add(analysis(1, 1))
        draft = Draft(
            review_id=1, revision=1, template_id="t", quotes=[], created_at=NOW,
            text="您好，感谢您的反馈，我们会改进口味。", status="proposed",
        )  # fmt: skip
        s.add(draft)
        await s.flush()
        return draft.id


async def revise(sessions: db.SessionFactory, follow_up: str) -> None:
    """What ingest does when the customer appends: a new revision, to be read."""
    async with sessions() as s, s.begin():
        review = await s.get(Review, 1)
        assert review is not None
        review.revision, review.follow_up, review.needs_processing = 2, follow_up, True


async def test_a_revision_not_yet_read_cannot_be_approved_with_the_old_draft(sessions):
    old = await seed(sessions)
    await revise(sessions, "吃完拉肚子住院了")
    async with sessions() as s, s.begin():
        out = await actions.approve(s, 1, STAFF, NOW, store=PROFILE)
        edit = await actions.hold_edit(s, 1, STAFF, NOW, text="您好，抱歉给您添麻烦了。")
    assert (out.ok, out.code) == (False, "stale") and "顾客刚更新了评价" in out.message
    async with sessions() as s, s.begin():
        confirmed = await actions.confirm_edit(s, 1, STAFF, NOW, draft_id=edit.id, store=PROFILE)
    assert (confirmed.ok, confirmed.code) == (False, "stale")
    # Read, but the pipeline's new draft not written yet (or a manager on an old draft).
    async with sessions() as s, s.begin():
        s.add(analysis(1, 2, "critical"))
        (await s.get(Review, 1)).needs_processing = False  # type: ignore[union-attr]
    async with sessions() as s, s.begin():
        late = await actions.approve(s, 1, MANAGER, NOW, store=PROFILE, draft_id=old)
    assert (late.ok, late.code) == (False, "stale")
    async with sessions() as s:
        assert (await s.scalars(select(OutboxMessage))).all() == []
        assert (await s.get(Review, 1)).status == "open"  # type: ignore[union-attr]


async def test_a_thanks_page_ignores_only_reviews_still_as_it_listed_them(sessions, database_url):
    """ "全部忽略" on a page listing two thank-yous: one customer has since turned theirs
    into a complaint (re-read, a new draft) and it stays open; the other is ignored and
    its card, which someone had asked for, is redrawn."""
    listed = await seed(sessions, rating=5, text="很好吃")
    async with sessions() as s, s.begin():
        (await s.get(Analysis, 1)).polarity = "positive"  # type: ignore[union-attr]
        (await s.get(Analysis, 1)).negative = False  # type: ignore[union-attr]
        s.add(
            Review(
                id=2, source_id=1, store_id="a", platform="meituan", account="x",
                external_id="e2", rating=5, text="服务很好", first_seen_at=NOW,
                last_seen_at=NOW, revision=1, content_hash="h2", status="open",
                needs_processing=False,
            )
        )  # fmt: skip
        await s.flush()
        s.add(analysis(2, 1, polarity="positive", negative=False, sentiment=0.9))
        other = Draft(
            review_id=2, revision=1, template_id="t", quotes=[], created_at=NOW,
            text="感谢您的认可！", status="proposed",
        )  # fmt: skip
        s.add(other)
        await s.flush()
        card = await create_alert(
            s, await s.get(Review, 2), kind="requested", now=NOW, deliver=False
        )
        items = [
            thanks.Item(n=1, review_id=1, draft_id=listed, store_id="a", rating=5,
                        excerpt="很好吃", draft="感谢您的好评！"),
            thanks.Item(n=2, review_id=2, draft_id=other.id, store_id="a", rating=5,
                        excerpt="服务很好", draft="感谢您的认可！"),
        ]  # fmt: skip
        s.add(
            ReplyBatch(
                token="tok", chat_id=-100, stores=["a"], items=[asdict(i) for i in items],
                notes=asdict(thanks.Notes()), passed=[], status="open",
                created_by="telegram:5", created_at=NOW,
            )
        )  # fmt: skip
    async with sessions() as s, s.begin():  # the customer's edit, read by the pipeline
        review = await s.get(Review, 1)
        review.revision, review.rating, review.text = 2, 1, "吃出了头发，恶心"
        s.add(analysis(1, 2, "high", sentiment=0.05))
        (await s.get(Draft, listed)).status = "superseded"  # type: ignore[union-attr]
        s.add(
            Draft(
                review_id=1, revision=2, template_id="t2", quotes=[], created_at=NOW,
                text="非常抱歉……", status="proposed",
            )
        )  # fmt: skip
    directory = Directory(make_settings(database_url, demo_url="http://127.0.0.1:9"))
    async with sessions() as s, s.begin():
        batch = await thanks.locked(s, "tok")
        done = await thanks.ignore(s, batch, STAFF, NOW, directory, lambda store: True)
    assert [(i.review_id, i.result) for i in done] == [(1, "stale"), (2, "ignored")]
    async with sessions() as s:
        assert (await s.get(Review, 1)).status == "open"  # type: ignore[union-attr]
        assert (await s.get(Review, 2)).status == "ignored"  # type: ignore[union-attr]
        redraws = (
            await s.scalars(
                select(OutboxMessage.ref_id).where(OutboxMessage.kind == "alert_update")
            )
        ).all()
    assert redraws == [card.id]
