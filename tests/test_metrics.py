"""The metrics on a small constructed history whose answers were worked out by hand
(the history and its timeline are in tests/history.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from reviewbot.reporting import metrics, summary
from reviewbot.store import verdicts
from reviewbot.store.schema import Draft
from tests.history import AS_OF, T0, History, M, S, build, settings


@pytest.fixture
async def history(sessions) -> None:
    await build(sessions)


async def compute(sessions, database_url, store_ids):
    s = settings(database_url)
    scope = metrics.period_scope(s, store_ids, "day", date(2026, 11, 20), AS_OF)
    async with sessions() as session:
        return await metrics.figures(session, s, scope)


async def test_store_figures_match_the_hand_computed_answers(sessions, database_url, history):
    f = await compute(sessions, database_url, ["s1"])

    assert f.start == datetime(2026, 11, 19, 16, tzinfo=UTC)
    assert f.end == datetime(2026, 11, 20, 16, tzinfo=UTC)
    assert f.reviews == 7
    assert f.polarity == {"negative": 4, "neutral": 1, "positive": 2}
    assert (f.negative, f.positive) == (4, 2)
    # Alerts after 30, 90, 60 and 600 s: median of 60 and 90; p90 is the 4th of 4.
    assert f.steps["alert"] == metrics.Spread(count=4, median=75, p90=600, maximum=600)
    # Handled 600 − 30 = 570 s (R1) and 3000 − 90 = 2910 s (R2) after their alerts.
    assert f.steps["approve"] == metrics.Spread(count=2, median=1740, p90=2910, maximum=2910)
    assert f.steps["post"] == metrics.Spread(count=2, median=1920, p90=3120, maximum=3120)
    assert f.steps["contact"] == metrics.Spread(count=1, median=10800, p90=10800, maximum=10800)
    assert f.window == metrics.WindowShare(on_time=1, late=1, missed=1, pending=1)
    assert f.window.share == pytest.approx(1 / 3)
    assert f.negative_by_category == {"food": 2, "service": 1, "delivery": 1, "hygiene": 1}
    assert f.categories["service"] == {"negative": 1, "positive": 1}
    assert f.negative_terms["food"] == ["太咸"]
    assert f.rated == 7 and f.average_rating == pytest.approx(20 / 7)
    assert f.previous_average_rating == 4  # 孙七's review, at its current rating
    # 老张 came back happy; 孙七 raised the rating; 小李 did not (匿名 and nameless never count).
    assert f.recovery == metrics.Recovery(unhappy=2, recovered=2)
    assert f.replies_posted == 2
    assert f.quotes == ["水煮鱼很好吃，下次还来", "服务很热情"]
    (day,) = f.days
    assert day.day == date(2026, 11, 20) and day.reviews == 7
    assert day.categories["food"] == {"negative": 2}
    # A one-day period shows a fortnight of rating trend for context.
    assert len(f.trend) == 14 and f.trend[-1].day == date(2026, 11, 20)
    assert f.trend[-2].average == 4 and f.trend[-1].average == pytest.approx(20 / 7)
    assert f.targets == {"alert": 60, "approve": 3600, "post": 7200, "contact": 86400}
    # Every review of the history was visible the moment it was posted.
    assert f.platform_delay == {"demo": metrics.Spread(count=7, median=0, p90=0, maximum=0)}


async def test_overall_figures_cover_every_store(sessions, database_url, history):
    f = await compute(sessions, database_url, ["s1", "s2"])
    assert f.reviews == 8 and f.negative == 5
    # 30, 60, 90, 120, 600 s.
    assert f.steps["alert"] == metrics.Spread(count=5, median=90, p90=600, maximum=600)
    assert f.window.missed == 2  # the other store's review was never answered


async def test_events_after_as_of_have_not_happened_yet(sessions, database_url, history):
    s = settings(database_url)
    day = metrics.period_scope(s, ["s1"], "day", date(2026, 11, 20), AS_OF)
    early = metrics.Scope(day.store_ids, day.start, day.end, T0 + 11 * M)
    async with sessions() as session:
        f = await metrics.figures(session, s, early)
    assert f.reviews == 1  # only R1 had been seen
    assert f.steps["approve"].count == 1 and f.steps["post"].count == 0
    assert f.window == metrics.WindowShare(pending=1)


async def test_a_review_edited_to_negative_is_judged_from_the_edit(sessions, database_url):
    """Seen at 10:00 as a happy review, edited to a complaint seen at 13:00 and answered at
    14:40: on time (the window started with the edit), 100 minutes to post."""
    async with sessions() as session, session.begin():
        history = History(session)
        await history.setup()
        review = await history.review(
            seen=T0, rating=1, polarity="negative", severity="medium", alert=30 * S
        )
        review.alerted_seen_at = T0 + 180 * M
        session.add(
            Draft(
                review_id=review.id,
                revision=2,
                template_id="t",
                text="回复",
                status="posted",
                created_at=T0 + 181 * M,
                posted_at=T0 + 280 * M,
            )
        )
    f = await compute(sessions, database_url, ["s1"])
    assert f.window == metrics.WindowShare(on_time=1)
    assert f.steps["post"] == metrics.Spread(count=1, median=6000, p90=6000, maximum=6000)


async def test_how_late_each_platform_served_its_reviews(sessions, database_url):
    async with sessions() as session, session.begin():
        history = History(session)
        await history.setup()
        for hours in (0, 10, 20, 30):
            review = await history.review(seen=T0 + hours * M, rating=4, polarity="positive")
            review.created_at = review.first_seen_at - timedelta(hours=hours)
    f = await compute(sessions, database_url, ["s1"])
    assert f.platform_delay == {
        "demo": metrics.Spread(count=4, median=15 * 3600, p90=30 * 3600, maximum=30 * 3600)
    }
    line = summary.delay_line(f)
    assert line is not None and line.startswith("平台延迟：演示平台 中位 15.0 小时、最慢 30.0 小时")
    assert line in summary.details(f)


async def test_the_malice_flags_staff_cleared_are_counted_in_their_period(sessions, database_url):
    """「不是恶意」 on a flagged review counts once however often it is pressed; a verdict
    on an unflagged review, or after the period, does not."""
    async with sessions() as session, session.begin():
        history = History(session)
        await history.setup()
        flagged = await history.review(seen=T0, rating=1, polarity="negative")
        other = await history.review(seen=T0, rating=1, polarity="negative")
        for review, was_flagged, at in (
            (flagged, True, T0 + 60 * M),
            (flagged, True, T0 + 90 * M),  # pressed again (a colleague, another front)
            (other, False, T0 + 60 * M),  # an appeal taken back: not a flag of the analyzer
            (other, True, AS_OF + 60 * M),  # after the period
        ):
            row = verdicts.record(
                session, review, review.text or "", "not_malicious", actor="t:1",
                actor_name="小王", now=at, analysis=None,
            )  # fmt: skip
            row.flagged = was_flagged
    f = await compute(sessions, database_url, ["s1"])
    assert f.flags_cleared == 1
    line = "误判恶意：店员确认 1 条疑似恶意的评价不是恶意，已按普通评价处理"
    assert summary.cleared_line(f) == line and line in summary.details(f)
    assert summary.cleared_line(f.model_copy(update={"flags_cleared": 0})) is None


def test_percentiles_by_hand():
    assert metrics.spread([]) == metrics.Spread()
    ten = metrics.spread([7, 1, 3, 2, 9, 10, 4, 6, 5, 8])
    assert (ten.median, ten.p90, ten.maximum) == (5.5, 9, 10)
    eleven = metrics.spread(range(1, 12))
    assert (eleven.median, eleven.p90) == (6, 10)  # ceil(9.9) = 10th smallest
    assert metrics.spread([-5, 10]).median == 5  # a step "before" its start counts as 0


def test_who_counts_as_an_identifiable_customer():
    assert metrics.identifiable("老张")
    for name in (None, "", "  ", "匿名用户", "Anonymous", "j**3", "A Google user"):
        assert not metrics.identifiable(name)
