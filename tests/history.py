"""A small history of reviews, alerts, drafts and contacts with hand-computed figures.

The day measured is 2026-11-20 in Shanghai: [2026-11-19 16:00Z, 2026-11-20 16:00Z).
Default speed window: alert 1 min; reply low and medium 120, critical 30 min; contact 24 h.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from reviewbot.store.schema import Alert, Analysis, Draft, Review, ReviewRevision, Source, Store
from tests.conftest import make_settings

T0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
AS_OF = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)  # 00:30 the next local day
M = timedelta(minutes=1)
S = timedelta(seconds=1)
STORES = [
    {"id": "s1", "name": "一号店", "sources": [{"platform": "demo", "account": "a"}]},
    {"id": "s2", "name": "二号店", "sources": [{"platform": "demo", "account": "b"}]},
]


def settings(database_url: str):
    return make_settings(database_url, stores=STORES)


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
            alerted_seen_at=seen if alert is not None else None,
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


async def build(sessions) -> None:
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
            sentiment=0.98,
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
