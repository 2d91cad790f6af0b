"""The metrics on a small constructed history whose answers were worked out by hand.

The day measured is 2026-11-20 in Shanghai: [2026-11-19 16:00Z, 2026-11-20 16:00Z).
Default speed window: alert 1 min; reply low 240, medium 120, critical 30 min; contact 24 h.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from reviewbot import metrics
from reviewbot.store.schema import Alert, Analysis, Draft, Review, ReviewRevision, Source, Store
from tests.conftest import make_settings

T0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
AS_OF = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)  # 00:30 the next local day
M = timedelta(minutes=1)
S = timedelta(seconds=1)


def settings(database_url: str):
    source = [{"platform": "demo", "account": "a"}]
    return make_settings(
        database_url,
        stores=[
            {"id": "s1", "name": "一号店", "sources": source},
            {"id": "s2", "name": "二号店", "sources": [{"platform": "demo", "account": "b"}]},
        ],
    )


class History:
    def __init__(self, session) -> None:
        self.session = session
        self.n = 0

    async def setup(self) -> None:
        for store, account in (("s1", "a"), ("s2", "b")):
            self.session.add(Store(id=store, name=store, created_at=T0 - timedelta(days=30)))
            await self.session.flush()
            self.session.add(Source(store_id=store, platform="demo", account=account))
        await self.session.flush()

    async def review(
        self,
        *,
        seen: datetime,
        rating: float | None,
        polarity: str,
        severity: str = "none",
        author: str | None = None,
        text: str | None = None,
        sentiment: float = 0.5,
        categories: list[dict[str, Any]] = (),  # type: ignore[assignment]
        alert: timedelta | None = None,
        handled: timedelta | None = None,
        posted: timedelta | None = None,
        contacted: timedelta | None = None,
        store: str = "s1",
    ) -> Review:
        self.n += 1
        source_id = 1 if store == "s1" else 2
        review = Review(
            source_id=source_id,
            store_id=store,
            platform="demo",
            account="a" if store == "s1" else "b",
            external_id=f"r{self.n}",
            author=author,
            rating=rating,
            text=text,
            first_seen_at=seen,
            last_seen_at=seen,
            created_at=seen,
            revision=1,
            content_hash=f"h{self.n}",
            status="approved" if handled else "open",
            handled_at=seen + handled if handled else None,
            contacted_at=seen + contacted if contacted else None,
            needs_processing=False,
        )
        self.session.add(review)
        await self.session.flush()
        self.session.add(
            ReviewRevision(
                review_id=review.id,
                revision=1,
                text=text,
                rating=rating,
                content_hash=review.content_hash,
                seen_at=seen,
            )
        )
        self.session.add(
            Analysis(
                review_id=review.id,
                revision=1,
                model="test",
                sentiment=sentiment,
                polarity=polarity,
                negative=polarity == "negative",
                categories=list(categories),
                malicious=False,
                malicious_reasons=[],
                severity=severity,
                created_at=seen,
            )
        )
        draft = Draft(
            review_id=review.id,
            revision=1,
            template_id="t",
            text="回复",
            status="posted" if posted else "proposed",
            created_at=seen,
            posted_at=seen + posted if posted else None,
        )
        self.session.add(draft)
        await self.session.flush()
        if alert is not None:
            self.session.add(
                Alert(
                    review_id=review.id,
                    revision=1,
                    store_id=store,
                    draft_id=draft.id,
                    kind="new",
                    status="sent",
                    created_at=seen,
                    sent_at=seen + alert,
                    message_ref={},
                )
            )
        await self.session.flush()
        return review


def neg(name: str, *terms: str) -> dict[str, Any]:
    return {"name": name, "polarity": "negative", "terms": list(terms)}


@pytest.fixture
async def history(sessions) -> None:
    async with sessions() as session, session.begin():
        h = History(session)
        await h.setup()
        # Before the day: 孙七 complains (1★), then raises it to 4★ during the day.
        r8 = await h.review(
            seen=datetime(2026, 11, 19, 15, 0, tzinfo=UTC),
            rating=1,
            polarity="negative",
            severity="medium",
            author="孙七",
        )
        await h.review(  # R1: answered on time, contacted
            seen=T0,
            rating=1,
            polarity="negative",
            severity="medium",
            author="老张",
            categories=[neg("food", "太咸"), neg("delivery", "凉了")],
            alert=30 * S,
            handled=10 * M,
            posted=12 * M,
            contacted=180 * M,
        )
        await h.review(  # R2: critical, answered after its 30-minute window
            seen=T0 + 60 * M,
            rating=1,
            polarity="negative",
            severity="critical",
            author="匿名用户",
            categories=[neg("hygiene", "头发")],
            alert=90 * S,
            handled=50 * M,
            posted=52 * M,
        )
        await h.review(  # R3: never answered, window closed
            seen=T0 + 120 * M,
            rating=2,
            polarity="negative",
            severity="medium",
            author="小李",
            categories=[neg("food", "太咸"), neg("service", "态度差")],
            alert=60 * S,
        )
        await h.review(  # R4: low severity at 23:00 local, window still open at AS_OF
            seen=datetime(2026, 11, 20, 15, 0, tzinfo=UTC),
            rating=2,
            polarity="negative",
            severity="low",
            alert=600 * S,
        )
        await h.review(  # R5: 老张 comes back happy
            seen=T0 + 300 * M,
            rating=5,
            polarity="positive",
            author="老张",
            text="水煮鱼很好吃，下次还来",
            sentiment=0.95,
        )
        r6 = await h.review(
            seen=T0 + 360 * M,
            rating=5,
            polarity="positive",
            author="王五",
            text="服务很热情",
            sentiment=0.9,
            categories=[{"name": "service", "polarity": "positive", "terms": []}],
        )
        await h.review(seen=T0 + 400 * M, rating=4, polarity="neutral", author="赵六")
        # Another store's negative review, alerted after 2 minutes.
        await h.review(
            seen=T0, rating=1, polarity="negative", severity="medium", alert=120 * S, store="s2"
        )
        # A card someone asked for with /review is not an alert.
        session.add(
            Alert(
                review_id=r6.id,
                revision=1,
                store_id="s1",
                kind="requested",
                status="sent",
                created_at=T0,
                sent_at=T0 + 400 * M,
                message_ref={},
            )
        )
        r8.revision, r8.rating = 2, 4
        session.add(
            ReviewRevision(
                review_id=r8.id, revision=2, rating=4, content_hash="h8b", seen_at=T0 + 420 * M
            )
        )


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
    assert f.targets == {"alert": 60, "approve": 7200, "post": 7200, "contact": 86400}


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
