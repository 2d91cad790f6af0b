"""Measuring the speed window and what customers say: pure queries, no chat, no drawing.

Every figure is about a *cohort*: the reviews of the stores in scope that first became
visible to us (`reviews.first_seen_at`) within the period [start, end). What happened to
those reviews is counted up to `as_of` (by default now), so a review seen at 23:50 and
answered at 00:20 counts as answered, and an event after `as_of` has not happened yet.

Durations are seconds. `median` is the ordinary median (the mean of the two middle values
when the count is even); `p90` is the nearest-rank 90th percentile: the smallest duration
that at least 90 % of the durations do not exceed (with fewer than ten durations, that is
the largest one). A step that happened "before" the one it is measured from (staff handled
a review from /review before its alert went out) counts as zero, not as a negative time.

Days are the stores' local calendar days (the store's configured time zone).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from statistics import median
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.config import Settings
from reviewbot.speed import LADDER, Policy, policy
from reviewbot.store import verdicts
from reviewbot.store.cases import identifiable
from reviewbot.store.schema import (
    Alert,
    Analysis,
    CustomerCase,
    Draft,
    MaliceVerdict,
    Review,
    ReviewRevision,
)

PeriodName = Literal["day", "week", "month"]
PERIOD_DAYS: dict[str, int] = {"day": 1, "week": 7, "month": 30}
STEPS = ("alert", "approve", "post", "contact")
CATEGORIES = ("food", "service", "delivery", "environment", "price", "hygiene")
POLARITIES = ("negative", "neutral", "positive")
OPEN_STATES = ("open", "appeal")
# The rating trend of a one-day period shows this many days for context.
DAY_TREND_DAYS = 14


# -- periods ----------------------------------------------------------------------------


def local_midnight(moment: datetime, zone: ZoneInfo) -> datetime:
    """The start of `moment`'s local calendar day, as UTC."""
    local = moment.astimezone(zone)
    return datetime.combine(local.date(), time(), zone).astimezone(UTC)


def days_ending(end_date: date, days: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the `days` local calendar days ending with `end_date`."""
    start = datetime.combine(end_date - timedelta(days=days - 1), time(), zone)
    end = datetime.combine(end_date + timedelta(days=1), time(), zone)
    return start.astimezone(UTC), end.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Scope:
    """What to measure: which stores, which cohort period, events up to when."""

    store_ids: tuple[str, ...]
    start: datetime
    end: datetime
    as_of: datetime
    # The rating trend may look further back than the period (a day alone says little).
    trend_start: datetime | None = None

    @property
    def length(self) -> timedelta:
        return self.end - self.start


# -- the figures --------------------------------------------------------------------------


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Spread(Frozen):
    """How long one step took across the cohort: count, median, p90 and max, in seconds."""

    count: int = 0
    median: float | None = None
    p90: float | None = None
    maximum: float | None = None


class WindowShare(Frozen):
    """Negative reviews against their reply window (per severity, from when the revision
    staff were alerted about was seen: see speed.py).

    on_time: a reply was posted within the window; late: posted after it closed;
    missed: the window closed by `as_of` with no reply posted (ignored reviews included);
    pending: no reply yet and the window still open, so not judged (not in `share`).
    """

    on_time: int = 0
    late: int = 0
    missed: int = 0
    pending: int = 0

    @property
    def judged(self) -> int:
        return self.on_time + self.late + self.missed

    @property
    def share(self) -> float | None:
        return self.on_time / self.judged if self.judged else None


class DayFigures(Frozen):
    """One local day of the cohort."""

    day: date
    reviews: int = 0
    polarity: dict[str, int] = {}
    # category → polarity → mentions
    categories: dict[str, dict[str, int]] = {}
    rated: int = 0
    rating_sum: float = 0.0

    @property
    def average_rating(self) -> float | None:
        return self.rating_sum / self.rated if self.rated else None


class TrendPoint(Frozen):
    day: date
    rated: int
    average: float | None


class Recovery(Frozen):
    """Unhappy customers won back.

    unhappy: identifiable customers (same platform and author name, not anonymous) with a
    negative review in the cohort. recovered: identifiable customers who, within the
    period, came back by the customer cases' rule (store/cases.py): a later review that is
    not negative or rates higher than an earlier negative review of theirs (from any time
    before), or the rating of that negative review itself raised. The cases count the
    same event per case opened in the period; this counts people by when they came back.
    """

    unhappy: int = 0
    recovered: int = 0


class CaseFigures(Frozen):
    """Customer cases (store/cases.py) opened within the period, and what became of them
    by `as_of`: the customer reached by phone, the case resolved (an apology or remedy
    accepted, or the customer came back), the customer came back (a later review that is
    not negative, or a raised rating)."""

    opened: int = 0
    reached: int = 0
    resolved: int = 0
    came_back: int = 0


class Figures(Frozen):
    store_ids: tuple[str, ...]
    start: datetime
    end: datetime
    as_of: datetime
    reviews: int = 0
    polarity: dict[str, int] = {}
    negative: int = 0
    positive: int = 0
    categories: dict[str, dict[str, int]] = {}
    negative_terms: dict[str, list[str]] = {}
    days: list[DayFigures] = []
    rated: int = 0
    average_rating: float | None = None
    previous_average_rating: float | None = None
    trend: list[TrendPoint] = []
    steps: dict[str, Spread] = {}
    targets: dict[str, float] = {}
    window: WindowShare = WindowShare()
    recovery: Recovery = Recovery()
    cases: CaseFigures = CaseFigures()
    # Each store's own case figures (the same as `cases` for a one-store scope).
    cases_by_store: dict[str, CaseFigures] = {}
    replies_posted: int = 0
    # Reviews whose malice flag staff cleared in the period (👌 不是恶意): false accusations
    # the analyzer made and people caught.
    flags_cleared: int = 0
    quotes: list[str] = []
    # platform → how late it served the cohort's reviews (posted → visible to us)
    platform_delay: dict[str, Spread] = {}

    @property
    def negative_by_category(self) -> dict[str, int]:
        """Negative mentions per category, most first (ties in taxonomy order)."""
        counts = {c: self.categories.get(c, {}).get("negative", 0) for c in CATEGORIES}
        extra = {c: v.get("negative", 0) for c, v in self.categories.items() if c not in counts}
        merged = {c: n for c, n in {**counts, **extra}.items() if n}
        return dict(sorted(merged.items(), key=lambda kv: -kv[1]))


# -- statistics -------------------------------------------------------------------------


def nearest_rank(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile: the ceil(share·n)-th smallest value."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def spread(values: Iterable[float]) -> Spread:
    durations = [max(0.0, v) for v in values]
    if not durations:
        return Spread()
    return Spread(
        count=len(durations),
        median=float(median(durations)),
        p90=nearest_rank(durations, 0.9),
        maximum=max(durations),
    )


# -- queries -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    id: int
    store_id: str
    platform: str
    author: str | None
    rating: float | None
    text: str | None
    created_at: datetime | None
    first_seen_at: datetime
    alerted_seen_at: datetime | None
    status: str
    handled_at: datetime | None
    contacted_at: datetime | None
    polarity: str | None = None
    negative: bool = False
    severity: str = "none"
    sentiment: float = 0.5
    categories: list[Any] | None = None


def _cohort(scope: Scope) -> list[Any]:
    return [
        Review.store_id.in_(scope.store_ids),
        Review.first_seen_at >= scope.start,
        Review.first_seen_at < scope.end,
        Review.first_seen_at <= scope.as_of,
    ]


def _before(value: datetime | None, as_of: datetime) -> datetime | None:
    return value if value is not None and value <= as_of else None


async def _rows(session: AsyncSession, scope: Scope) -> dict[int, _Row]:
    reviews = await session.execute(
        select(
            Review.id,
            Review.store_id,
            Review.platform,
            Review.author,
            Review.rating,
            Review.text,
            Review.created_at,
            Review.first_seen_at,
            Review.alerted_seen_at,
            Review.status,
            Review.handled_at,
            Review.contacted_at,
        ).where(*_cohort(scope))
    )
    rows = {
        r.id: _Row(
            r.id,
            r.store_id,
            r.platform,
            r.author,
            r.rating,
            r.text,
            r.created_at,
            r.first_seen_at,
            r.alerted_seen_at,
            r.status,
            _before(r.handled_at, scope.as_of),
            _before(r.contacted_at, scope.as_of),
        )
        for r in reviews
    }
    # The analysis of each review's current text (the newest, if several models ran).
    analyses = await session.execute(
        select(
            Analysis.review_id,
            Analysis.polarity,
            Analysis.negative,
            Analysis.severity,
            Analysis.sentiment,
            Analysis.categories,
        )
        .join(
            Review,
            (Review.id == Analysis.review_id) & (Review.revision == Analysis.revision),
        )
        .where(*_cohort(scope))
        .order_by(Analysis.id)
    )
    for a in analyses:
        row = rows.get(a.review_id)
        if row is not None:
            row.polarity, row.negative, row.severity = a.polarity, a.negative, a.severity
            row.sentiment, row.categories = a.sentiment, a.categories or []
    return rows


async def _first_alerts(
    session: AsyncSession, scope: Scope
) -> dict[int, tuple[datetime, datetime]]:
    """Each review's first alert that reached chat: (sent at, when its revision was seen)."""
    result = await session.execute(
        select(Alert.review_id, Alert.sent_at, ReviewRevision.seen_at, Review.first_seen_at)
        .join(Review, Review.id == Alert.review_id)
        .outerjoin(
            ReviewRevision,
            (ReviewRevision.review_id == Alert.review_id)
            & (ReviewRevision.revision == Alert.revision),
        )
        .where(
            *_cohort(scope),
            Alert.kind != "requested",
            Alert.sent_at.is_not(None),
            Alert.sent_at <= scope.as_of,
        )
    )
    first: dict[int, tuple[datetime, datetime]] = {}
    for review_id, sent_at, seen_at, first_seen in result:
        if review_id not in first or sent_at < first[review_id][0]:
            first[review_id] = (sent_at, seen_at or first_seen)
    return first


async def _first_posts(session: AsyncSession, scope: Scope) -> dict[int, datetime]:
    result = await session.execute(
        select(Draft.review_id, func.min(Draft.posted_at))
        .join(Review, Review.id == Draft.review_id)
        .where(*_cohort(scope), Draft.posted_at.is_not(None), Draft.posted_at <= scope.as_of)
        .group_by(Draft.review_id)
    )
    return {review_id: posted for review_id, posted in result}


async def _ratings(
    session: AsyncSession, store_ids: Sequence[str], start: datetime, end: datetime
) -> list[tuple[str, datetime, float]]:
    result = await session.execute(
        select(Review.store_id, Review.first_seen_at, Review.rating).where(
            Review.store_id.in_(store_ids),
            Review.first_seen_at >= start,
            Review.first_seen_at < end,
            Review.rating.is_not(None),
        )
    )
    return [(s, seen, float(rating)) for s, seen, rating in result]


async def _recovery(session: AsyncSession, scope: Scope, rows: dict[int, _Row]) -> Recovery:
    unhappy = {
        (r.platform, (r.author or "").strip())
        for r in rows.values()
        if r.negative and identifiable(r.author)
    }
    earlier = [
        Review.store_id.in_(scope.store_ids),
        Review.first_seen_at < scope.end,
        Review.first_seen_at <= scope.as_of,
        Review.author.is_not(None),
    ]
    # Every review of an identifiable customer that was negative at some revision.
    negatives = await session.execute(
        select(Review.id, Review.platform, Review.author, Review.first_seen_at, Review.rating)
        .join(Analysis, Analysis.review_id == Review.id)
        .where(*earlier, Analysis.negative.is_(True))
    )
    complaint: dict[int, tuple[tuple[str, str], datetime, float | None]] = {}
    for review_id, platform, author, seen, rating in negatives:
        if identifiable(author):
            complaint[review_id] = ((platform, author.strip()), seen, rating)
    recovered: set[tuple[str, str]] = set()
    # (1) a later review within the period: positive, or rated above the negative one.
    by_customer: dict[tuple[str, str], list[tuple[datetime, float | None]]] = defaultdict(list)
    for customer, seen, rating in complaint.values():
        by_customer[customer].append((seen, rating))
    for r in rows.values():
        if not identifiable(r.author):
            continue
        customer = (r.platform, (r.author or "").strip())
        for seen, rating in by_customer.get(customer, ()):
            higher = r.rating is not None and rating is not None and r.rating > rating
            analysed = r.polarity is not None  # a review not read yet is no return
            if r.first_seen_at > seen and analysed and (not r.negative or higher):
                recovered.add(customer)
    # (2) the negative review's own rating raised by a revision seen within the period.
    revisions = await session.execute(
        select(ReviewRevision.review_id, ReviewRevision.rating, ReviewRevision.seen_at)
        .join(Review, Review.id == ReviewRevision.review_id)
        .where(*earlier, ReviewRevision.revision > 0)
        .order_by(ReviewRevision.review_id, ReviewRevision.revision)
    )
    lowest: dict[int, float] = {}
    for review_id, rating, seen in revisions:
        if review_id not in complaint or rating is None:
            continue
        low = lowest.get(review_id)
        in_period = scope.start <= seen < scope.end and seen <= scope.as_of
        if low is not None and rating > low and in_period:
            recovered.add(complaint[review_id][0])
        lowest[review_id] = rating if low is None else min(low, rating)
    return Recovery(unhappy=len(unhappy), recovered=len(recovered))


async def _cases(session: AsyncSession, scope: Scope) -> dict[str, CaseFigures]:
    result = await session.execute(
        select(
            CustomerCase.store_id,
            CustomerCase.reached_at,
            CustomerCase.resolved_at,
            CustomerCase.came_back_at,
        ).where(
            CustomerCase.store_id.in_(scope.store_ids),
            CustomerCase.opened_at >= scope.start,
            CustomerCase.opened_at < scope.end,
            CustomerCase.opened_at <= scope.as_of,
        )
    )
    counts: dict[str, Counter[str]] = {s: Counter() for s in scope.store_ids}
    for store_id, reached, resolved, came_back in result:
        count = counts[store_id]
        count["opened"] += 1
        count["reached"] += _before(reached, scope.as_of) is not None
        count["resolved"] += _before(resolved, scope.as_of) is not None
        count["came_back"] += _before(came_back, scope.as_of) is not None
    return {s: CaseFigures(**c) for s, c in counts.items()}


async def _flags_cleared(session: AsyncSession, scope: Scope) -> int:
    return (
        await session.scalar(
            select(func.count(func.distinct(MaliceVerdict.review_id))).where(
                MaliceVerdict.store_id.in_(scope.store_ids),
                MaliceVerdict.verdict == "not_malicious",
                MaliceVerdict.flagged.is_(True),
                MaliceVerdict.actor != verdicts.SYSTEM_ACTOR,  # staff's, not carried over
                MaliceVerdict.at >= scope.start,
                MaliceVerdict.at < scope.end,
                MaliceVerdict.at <= scope.as_of,
            )
        )
        or 0
    )


# -- putting it together --------------------------------------------------------------------


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def scope_policy(settings: Settings, store_ids: Sequence[str]) -> Policy:
    """The speed window figures are judged against: the store's own, or for several
    stores the configured defaults (each review is still judged by its own store's)."""
    return policy(settings, store_ids[0] if len(store_ids) == 1 else "")


def targets(p: Policy) -> dict[str, float]:
    """Seconds each step should take at most, for charts and advice: the reply window of an
    ordinary (medium) negative review for posting; handling an alert should take no longer
    than the first rung of the escalation ladder (staff are reminded after that)."""
    reply = p.reply_window("medium").total_seconds()
    return {
        "alert": p.alert_within.total_seconds(),
        "approve": reply * LADDER[0][1],
        "post": reply,
        "contact": p.contact_within.total_seconds(),
    }


def _quotes(rows: Iterable[_Row], count: int, longest: int = 24) -> list[str]:
    """A few short, warm positive reviews: the warmest first (sentiment to one decimal),
    then the shortest, no two alike."""
    chosen: list[str] = []
    candidates = sorted(
        (r for r in rows if r.polarity == "positive" and r.text and len(r.text.strip()) >= 4),
        key=lambda r: (-round(r.sentiment, 1), -(r.rating or 0), len(r.text or ""), r.id),
    )
    for r in candidates:
        text = " ".join((r.text or "").split())
        if len(text) > longest:
            continue
        if text not in chosen:
            chosen.append(text)
        if len(chosen) >= count:
            break
    return chosen


async def figures(
    session: AsyncSession, settings: Settings, scope: Scope, *, quotes: int = 2
) -> Figures:
    """Everything a report, a digest or /stats shows, for one scope."""
    rows = await _rows(session, scope)
    alerts = await _first_alerts(session, scope)
    posts = await _first_posts(session, scope)
    zones = {s.id: s.timezone for s in settings.stores}
    policies: dict[str, Policy] = {}

    def store_policy(store_id: str) -> Policy:
        if store_id not in policies:
            policies[store_id] = policy(settings, store_id)
        return policies[store_id]

    def local_day(store_id: str, moment: datetime) -> date:
        return moment.astimezone(_zone(zones.get(store_id, "Asia/Shanghai"))).date()

    polarity: Counter[str] = Counter()
    categories: dict[str, Counter[str]] = defaultdict(Counter)
    terms: dict[str, Counter[str]] = defaultdict(Counter)
    days: dict[date, dict[str, Any]] = {}
    durations: dict[str, list[float]] = {step: [] for step in STEPS}
    delays: dict[str, list[float]] = defaultdict(list)
    window = Counter[str]()
    for r in rows.values():
        if r.polarity:
            polarity[r.polarity] += 1
        day = days.setdefault(
            local_day(r.store_id, r.first_seen_at),
            {
                "reviews": 0,
                "polarity": Counter(),
                "categories": defaultdict(Counter),
                "rated": 0,
                "sum": 0.0,
            },
        )
        day["reviews"] += 1
        if r.created_at is not None:
            delays[r.platform].append((r.first_seen_at - r.created_at).total_seconds())
        if r.polarity:
            day["polarity"][r.polarity] += 1
        if r.rating is not None:
            day["rated"] += 1
            day["sum"] += r.rating
        for mention in r.categories or []:
            name, pol = mention.get("name"), mention.get("polarity")
            if not name or not pol:
                continue
            categories[name][pol] += 1
            day["categories"][name][pol] += 1
            if pol == "negative":  # single characters (菜, 汤) say too little to act on
                terms[name].update(t for t in mention.get("terms") or [] if len(t) > 1)
        rules = store_policy(r.store_id)
        alert = alerts.get(r.id)
        posted = posts.get(r.id)
        if alert is not None:  # an alert held by quiet hours is due when they end
            sent, seen = alert
            durations["alert"].append((sent - rules.window_start(seen, r.severity)).total_seconds())
            # The first approval: a later one answers a complaint added after the reply.
            if r.handled_at is not None and (posted is None or r.handled_at <= posted):
                durations["approve"].append((r.handled_at - sent).total_seconds())
        if not r.negative:
            continue
        # The speed window's start: when the revision staff were alerted about was seen;
        # the first reply is measured against the window it answered, even when a 追评
        # since has opened another (store/answered.py).
        seen_at = r.alerted_seen_at or r.first_seen_at
        if posted is not None and alert is not None and posted < seen_at:
            seen_at = alert[1]
        start = rules.window_start(seen_at, r.severity)
        if posted is not None:
            durations["post"].append((posted - start).total_seconds())
        if r.contacted_at is not None:
            durations["contact"].append((r.contacted_at - start).total_seconds())
        deadline = start + rules.reply_window(r.severity)
        if posted is not None:
            window["on_time" if posted <= deadline else "late"] += 1
        elif deadline <= scope.as_of:
            window["missed"] += 1
        else:
            window["pending"] += 1

    by_store = await _cases(session, scope)
    rated = [r.rating for r in rows.values() if r.rating is not None]
    previous = await _ratings(session, scope.store_ids, scope.start - scope.length, scope.start)
    trend_start = scope.trend_start or scope.start
    trend: dict[date, list[float]] = defaultdict(list)
    for store_id, seen, rating in await _ratings(session, scope.store_ids, trend_start, scope.end):
        trend[local_day(store_id, seen)].append(rating)
    first_day = local_day(scope.store_ids[0], trend_start) if scope.store_ids else None
    last_day = (
        local_day(scope.store_ids[0], scope.end - timedelta(microseconds=1))
        if scope.store_ids
        else None
    )
    trend_points: list[TrendPoint] = []
    if first_day is not None and last_day is not None:
        day = first_day
        while day <= last_day:
            values = trend.get(day, [])
            trend_points.append(
                TrendPoint(
                    day=day,
                    rated=len(values),
                    average=sum(values) / len(values) if values else None,
                )
            )
            day += timedelta(days=1)
    replies = await session.scalar(
        select(func.count(func.distinct(Draft.review_id)))
        .join(Review, Review.id == Draft.review_id)
        .where(
            Review.store_id.in_(scope.store_ids),
            Draft.posted_at >= scope.start,
            Draft.posted_at < scope.end,
            Draft.posted_at <= scope.as_of,
        )
    )
    return Figures(
        store_ids=scope.store_ids,
        start=scope.start,
        end=scope.end,
        as_of=scope.as_of,
        reviews=len(rows),
        polarity={p: polarity.get(p, 0) for p in POLARITIES},
        negative=sum(1 for r in rows.values() if r.negative),
        positive=polarity.get("positive", 0),
        categories={c: dict(v) for c, v in categories.items()},
        negative_terms={c: [t for t, _ in v.most_common(3)] for c, v in terms.items()},
        days=[
            DayFigures(
                day=d,
                reviews=v["reviews"],
                polarity=dict(v["polarity"]),
                categories={c: dict(p) for c, p in v["categories"].items()},
                rated=v["rated"],
                rating_sum=v["sum"],
            )
            for d, v in sorted(days.items())
        ],
        rated=len(rated),
        average_rating=sum(rated) / len(rated) if rated else None,
        previous_average_rating=(
            sum(r for _, _, r in previous) / len(previous) if previous else None
        ),
        trend=trend_points,
        steps={step: spread(values) for step, values in durations.items()},
        targets=targets(scope_policy(settings, scope.store_ids)),
        window=WindowShare(**window),
        recovery=await _recovery(session, scope, rows),
        cases=CaseFigures(
            **{k: sum(getattr(c, k) for c in by_store.values()) for k in CaseFigures.model_fields}
        ),
        cases_by_store=by_store,
        replies_posted=replies or 0,
        flags_cleared=await _flags_cleared(session, scope),
        quotes=_quotes(rows.values(), quotes),
        platform_delay={p: spread(v) for p, v in sorted(delays.items())},
    )


async def open_alerted(session: AsyncSession, store_ids: Sequence[str]) -> int:
    """Reviews staff were alerted about and have not handled yet, whenever they came."""
    return (
        await session.scalar(
            select(func.count(func.distinct(Review.id)))
            .join(Alert, Alert.review_id == Review.id)
            .where(
                Review.store_id.in_(store_ids),
                Review.status.in_(OPEN_STATES),
                Alert.kind != "requested",
            )
        )
        or 0
    )


def period_scope(
    settings: Settings,
    store_ids: Sequence[str],
    period: PeriodName,
    end_date: date,
    now: datetime,
) -> Scope:
    """The report's period: the `period` local days ending with `end_date` (a month is 30
    days), in the first store's time zone; events counted up to now."""
    zone = _zone(settings.store(store_ids[0]).timezone) if store_ids else _zone("Asia/Shanghai")
    start, end = days_ending(end_date, PERIOD_DAYS[period], zone)
    trend_start = days_ending(end_date, DAY_TREND_DAYS, zone)[0] if period == "day" else None
    return Scope(tuple(store_ids), start, end, max(now, start), trend_start)


def today_scope(settings: Settings, store_ids: Sequence[str], now: datetime) -> Scope:
    """From the local midnight that began today up to now (what /stats shows)."""
    zone = _zone(settings.store(store_ids[0]).timezone) if store_ids else _zone("Asia/Shanghai")
    start = local_midnight(now, zone)
    return Scope(tuple(store_ids), start, start + timedelta(days=1), now)
