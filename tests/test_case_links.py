"""Which reviews are one customer's (store/cases.py), on constructed rows in the real
database: conservative links within one store, a return visit told from the same visit,
and a staff link for what the rules cannot see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reviewbot.store import cases
from reviewbot.store.schema import CustomerCase, Review, Source, Store
from reviewbot.workflow import cases as workflow
from reviewbot.workflow.actions import Actor, NotAllowed

T0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
STAFF = Actor("telegram:1", "小张", {"s1": "staff"})
ELSEWHERE = Actor("telegram:2", "别店的人", {"s2": "owner"})


async def setup(session) -> dict[str, int]:
    for store in ("s1", "s2"):
        session.add(Store(id=store, name=store, created_at=T0))
    await session.flush()
    sources = {}
    for key, store, platform in (
        ("mt", "s1", "meituan"),
        ("dp", "s1", "dianping"),
        ("mt2", "s2", "meituan"),
    ):
        source = Source(store_id=store, platform=platform, account=key)
        session.add(source)
        await session.flush()
        sources[key] = source.id
    return sources


def review(n: int, source: int, store: str, platform: str, author: str | None, **kw) -> Review:
    seen = T0 + timedelta(hours=n)
    return Review(
        source_id=source,
        store_id=store,
        platform=platform,
        account="x",
        external_id=f"r{n}",
        author=author,
        first_seen_at=seen,
        last_seen_at=seen,
        created_at=seen,
        revision=1,
        content_hash=f"h{n}",
        needs_processing=False,
        **kw,
    )


@pytest.fixture
async def rows(sessions) -> dict[str, Review]:
    async with sessions() as session, session.begin():
        s = await setup(session)
        made = {
            "complaint": review(1, s["mt"], "s1", "meituan", "老张", order_id="MT123456", rating=1),
            # Same order on Dianping (Meituan and Dianping share order ids), another name.
            "same_order": review(
                2, s["dp"], "s1", "dianping", "张先生", order_id="MT123456", rating=5
            ),
            # That name's later review on Dianping: linked through the order.
            "by_name": review(3, s["dp"], "s1", "dianping", "张先生", rating=5),
            "other_store": review(4, s["mt2"], "s2", "meituan", "老张", rating=5),
            "other_platform": review(5, s["dp"], "s1", "dianping", "老张", rating=5),
            "anonymous": review(6, s["mt"], "s1", "meituan", "匿名用户", order_id="123", rating=5),
            "masked": review(7, s["mt"], "s1", "meituan", "j**3", rating=5),
        }
        session.add_all(made.values())
        await session.flush()
        await cases.open_case(session, made["complaint"], T0 + timedelta(hours=1))
    return made


async def test_reviews_are_linked_conservatively_within_the_store(sessions, rows):
    async with sessions() as session:
        complaint = await session.get(Review, rows["complaint"].id)
        found = await cases.customer_reviews(session, complaint)
    assert found == {
        rows["complaint"].id: None,
        rows["same_order"].id: "order",
        rows["by_name"].id: "author",
    }


async def test_the_same_visit_is_no_return_but_a_later_order_is(sessions, rows):
    now = T0 + timedelta(days=1)
    async with sessions() as session, session.begin():
        same = await session.get(Review, rows["same_order"].id)
        assert await cases.review_stored(session, same, negative=False, now=now) == []
        later = await session.get(Review, rows["by_name"].id)
        (case,) = await cases.review_stored(session, later, negative=False, now=now)
        assert (case.came_back, case.came_back_review_id) == ("later_review", later.id)
        # Seen again (a second pass of the pipeline): nothing changes twice.
        assert await cases.review_stored(session, later, negative=False, now=now) == []


async def test_staff_link_what_the_rules_cannot_see(sessions, rows):
    now = T0 + timedelta(days=1)
    async with sessions() as session, session.begin():
        linked = await workflow.link_review(
            session, STAFF, rows["complaint"].id, rows["other_platform"].id, now
        )
        again = await workflow.link_review(
            session, STAFF, rows["complaint"].id, rows["other_platform"].id, now
        )
        with pytest.raises(NotAllowed):  # another store's review is never linked
            await workflow.link_review(
                session, STAFF, rows["complaint"].id, rows["other_store"].id, now
            )
    assert linked.ok and not again.ok
    async with sessions() as session:
        story = await workflow.customer_story(session, STAFF, rows["complaint"].id)
        with pytest.raises(NotAllowed):
            await workflow.customer_story(session, ELSEWHERE, rows["complaint"].id)
    assert {r.review_id: r.linked_on for r in story.reviews} == {
        rows["complaint"].id: None,
        rows["same_order"].id: "order",
        rows["by_name"].id: "author",
        rows["other_platform"].id: "staff",
    }
    assert [c.review_id for c in story.cases] == [rows["complaint"].id]
    assert [e.action for e in story.events] == ["case.opened", "case.linked"]


async def test_a_raised_rating_of_the_complaint_is_a_return(sessions, rows):
    now = T0 + timedelta(days=1)
    async with sessions() as session, session.begin():
        complaint = await session.get(Review, rows["complaint"].id)
        assert await cases.review_stored(session, complaint, negative=True, now=now) == []
        complaint.rating = 4
        (case,) = await cases.review_stored(session, complaint, negative=False, now=now)
        assert isinstance(case, CustomerCase)
        assert (case.came_back, case.status, case.resolved_at) == ("rating_raised", "resolved", now)


async def test_a_settlement_taken_back_reopens_the_case(sessions, rows):
    now = T0 + timedelta(days=1)
    async with sessions() as session, session.begin():
        complaint = rows["complaint"].id
        assert not (
            await workflow.record_agreement(session, STAFF, complaint, "apology_only", now)
        ).ok
        await workflow.record_outcome(session, STAFF, complaint, "reached", now)
        await workflow.record_agreement(session, STAFF, complaint, "apology_only", now)
        case = await workflow.case_of(session, complaint)
        assert case is not None and (case.status, case.resolved_at) == ("resolved", now)
        await workflow.record_agreement(session, STAFF, complaint, "refused", now)
        assert (case.status, case.resolved_at, case.agreement) == ("open", None, "refused")
