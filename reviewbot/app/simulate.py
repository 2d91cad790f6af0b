"""A month of demo data, made by the real daemon on a simulated clock.

Customers post reviews from the demo corpus at realistic times (after lunch and dinner,
more at weekends, a bad fortnight in the middle of the month when the kitchen had trouble);
the daemon polls the demo platform, analyzes, drafts and alerts exactly as in production;
simulated staff act on the alerts with realistic delays (minutes in opening hours, the next
morning at night), post replies, call some customers, appeal some malicious reviews and
leave a few unanswered; some customers who were called come back with a better review or
raise their rating. Everything runs on a FakeClock, so a month takes a minute or two, and
the same seed gives the same data (relative to the end time).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
import random
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.app.daemon import Daemon
from reviewbot.chat.notices import Notice
from reviewbot.chat.pictures import Picture
from reviewbot.clock import FakeClock
from reviewbot.config import Settings, load_settings
from reviewbot.platforms.demo.corpus import CorpusReview, load_corpus
from reviewbot.platforms.demo.server import DemoPlatform
from reviewbot.store.schema import Alert, Review
from reviewbot.vocab import Agreement, ContactOutcome
from reviewbot.workflow import actions, cases
from reviewbot.workflow.actions import Actor
from reviewbot.workflow.cards import AlertView

if TYPE_CHECKING:
    from reviewbot.workflow.thanks import View as BatchView

log = logging.getLogger(__name__)

ZONE = ZoneInfo("Asia/Shanghai")
STORE_ID, SHOP = "laojiefang", "laojiefang-demo"
POLL_SECONDS = 60.0
# Relative chance of a review being posted in each local hour: after lunch and dinner,
# some late-night delivery, almost nothing before dawn.
HOURLY = (1, 0.5, 0.2, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1, 1.5, 3, 5, 6, 4, 2, 2, 3, 5, 7, 7, 5, 3, 2)
WEEKDAY = (0.9, 0.9, 0.95, 1.0, 1.15, 1.35, 1.3)  # Monday … Sunday
KINDS = {"positive": 0.64, "neutral": 0.1, "mixed": 0.07, "negative": 0.16, "malicious": 0.03}
# Customers rarely write the same sentence twice; identical texts would (rightly) look like a
# flood to the analyzer, so each corpus review is varied a little and never repeated.
OPENERS = ("", "", "", "今天中午，", "昨晚，", "周末，", "第二次了，", "和同事一起，", "带家人，")
CLOSERS = {
    "positive": ("", "", "👍", "，下次还来", "，推荐", "～", "！"),
    "negative": ("", "", "。", "！", "，有点失望", "……"),
}
STAFF = Actor(id="demo:staff", name="小张", roles={"*": "staff"})
MANAGER = Actor(id="demo:manager", name="店长老王", roles={"*": "manager"})

CONFIG = """# A demo store whose month of history `reviewbot demo --backfill-days` simulated.
#   reviewbot report --config {config} --store {store} --period week --out report/
[database]
url = "sqlite+aiosqlite:///{database}"

[demo]
port = 0                     # `reviewbot run` on this file goes on with a quieter demo
reviews_per_minute = 0.02
backlog = 0

[[stores]]
id = "{store}"
name = "老街坊川菜馆"
timezone = "Asia/Shanghai"

[stores.facts]
signature = "老街坊川菜馆 店长老王"
contact = "店长电话 028-6543 2100"
proofs = ["食品经营许可证 JY25101070012345", "餐饮服务食品安全量化分级 A 级"]

[[stores.sources]]
platform = "demo"
account = "{shop}"
"""


class SilentNotifier:
    """Counts what would have been sent; a simulated month prints nothing."""

    name = "silent"

    def __init__(self) -> None:
        self.sent = 0

    def _ref(self) -> dict[str, Any]:
        self.sent += 1
        return {"silent": self.sent}

    async def send_alert(self, alert: AlertView) -> dict[str, Any]:
        return self._ref()

    async def update_alert(self, alert: AlertView, ref: dict[str, Any]) -> dict[str, Any]:
        return ref

    async def update_batch(self, batch: BatchView, ref: dict[str, Any]) -> dict[str, Any]:
        return ref  # /thanks pages exist only in chat apps

    async def send_notice(self, notice: Notice) -> dict[str, Any]:
        return self._ref()

    async def send_image(self, picture: Picture) -> dict[str, Any]:
        return self._ref()


# What simulated calls that reached the customer agreed, a remedy twice as often.
AGREED: tuple[Agreement, ...] = ("apology_only", "remedy_offered", "remedy_offered", "refused")


@dataclass(order=True)
class _Event:
    at: datetime
    seq: int
    action: Callable[[], Any] = field(compare=False)


@dataclass
class Outcome:
    reviews: int = 0
    alerts: int = 0
    replies: int = 0
    contacted: int = 0
    returns: int = 0
    database: Path = Path()
    config: Path = Path()


def write_config(database: Path) -> Path:
    config = database.with_suffix(".toml")
    config.write_text(
        CONFIG.format(config=config, database=database.resolve(), store=STORE_ID, shop=SHOP),
        encoding="utf-8",
    )
    return config


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0, sigma))


def _opening(moment: datetime) -> datetime:
    """The moment, or 10:00 the same/next morning if the shop is closed (22:00–10:00)."""
    local = moment.astimezone(ZONE)
    if 10 <= local.hour < 22:
        return moment
    morning = local.replace(hour=10, minute=0, second=0, microsecond=0)
    if local.hour >= 22:
        morning += timedelta(days=1)
    return morning.astimezone(moment.tzinfo)


class MonthSimulation:
    def __init__(self, database: Path, days: int, end: datetime, seed: int) -> None:
        self.database = database
        self.days = days
        self.end = end
        self.rng = random.Random(seed)
        self.clock = FakeClock(end - timedelta(days=days))
        self.corpus = load_corpus()
        self.by_kind: dict[str, list[CorpusReview]] = {}
        for item in self.corpus.reviews:
            if item.text:
                self.by_kind.setdefault(item.kind, []).append(item)
        self.regulars = self.rng.sample(self.corpus.nicknames, 40)
        self.platform = DemoPlatform(
            seed=seed,
            reviews_per_minute=0,
            backlog=0,
            follow_up_probability=0,
            clock=lambda: self.clock.now().astimezone(ZONE),
        )
        self.events: list[_Event] = []
        self._seq = itertools.count()
        self.next_poll: datetime | None = None
        self.seen_alerts: set[int] = set()
        self.used: set[str] = set()
        self.outcome = Outcome(database=database)
        database.parent.mkdir(parents=True, exist_ok=True)
        self.outcome.config = write_config(database)

    # -- the event queue -------------------------------------------------------------

    def at(self, when: datetime, action: Callable[[], Any]) -> None:
        if when < self.end:
            heapq.heappush(self.events, _Event(when, next(self._seq), action))

    def poll_soon(self, after: datetime) -> None:
        """The daemon polls every minute: a review is read at the next poll tick."""
        tick = after + timedelta(seconds=self.rng.uniform(0, POLL_SECONDS))
        if self.next_poll is None or self.next_poll <= after:
            self.next_poll = tick
            self.at(tick, self.poll)

    # -- customers ----------------------------------------------------------------------

    def plan_reviews(self) -> None:
        start = self.clock.now()
        for day in range(self.days):
            date = (start + timedelta(days=day)).astimezone(ZONE).date()
            # A bad fortnight in the middle of the month: a new cook, salty dishes.
            trouble = 0.55 <= day / self.days < 0.75
            mean = 26 * WEEKDAY[date.weekday()]
            for _ in range(self._poisson(mean)):
                hour = self.rng.choices(range(24), HOURLY)[0]
                local = datetime(date.year, date.month, date.day, hour, tzinfo=ZONE)
                when = local + timedelta(seconds=self.rng.uniform(0, 3600))
                self.at(when.astimezone(start.tzinfo), self._publisher(trouble))

    def _poisson(self, mean: float) -> int:
        limit, k, product = math.exp(-mean), 0, self.rng.random()
        while product > limit:
            k += 1
            product *= self.rng.random()
        return k

    def _publisher(self, trouble: bool) -> Callable[[], None]:
        def publish() -> None:
            weights = dict(KINDS)
            if trouble:
                weights["negative"] += 0.14
                weights["positive"] -= 0.14
            kind = self.rng.choices(list(weights), list(weights.values()))[0]
            pool = self.by_kind[kind]
            if trouble and kind == "negative":
                pool = [r for r in pool if "food" in r.categories] or pool
            item = self.rng.choice(pool)
            regular = self.rng.random() < 0.1
            self.platform.add_review(
                SHOP,
                self.vary(item),
                item.rating,
                channel=item.channel,
                nickname=self.rng.choice(self.regulars) if regular else self.newcomer(),
                images=self.rng.random() < 0.2,
                when=self.clock.now().astimezone(ZONE),
            )
            self.outcome.reviews += 1
            self.poll_soon(self.clock.now())

        return publish

    def newcomer(self) -> str:
        """A first-time customer: platforms add digits to common nicknames (小王2718)."""
        return f"{self.rng.choice(self.corpus.nicknames)}{self.rng.randrange(10, 10000)}"

    def vary(self, item: CorpusReview) -> str:
        """The review in this customer's words: another dish, an opening, a closing."""
        for _ in range(20):
            text = item.text
            if item.dishes and self.rng.random() < 0.7 and item.dishes[0] in text:
                text = text.replace(item.dishes[0], self.rng.choice(self.corpus.menu), 1)
            closers = CLOSERS.get(item.kind, ("", "", "。", "～"))
            text = self.rng.choice(OPENERS) + text.rstrip("。！!") + self.rng.choice(closers)
            if text not in self.used:
                break
        self.used.add(text)
        return text

    def come_back(self, nickname: str, review_id: str) -> None:
        """A customer who was called: raises the rating, or returns with a happy review."""
        if self.rng.random() < 0.4:
            self.platform.edit_review(review_id, stars=self.rng.choice([3, 4, 4, 5]))
        else:
            item = self.rng.choice(self.by_kind["positive"])
            self.platform.add_review(
                SHOP,
                self.vary(item),
                item.rating,
                channel=item.channel,
                nickname=nickname,
                anonymous=False,
                when=self.clock.now().astimezone(ZONE),
            )
        self.outcome.returns += 1
        self.poll_soon(self.clock.now())

    # -- the daemon and the staff ---------------------------------------------------------

    async def poll(self) -> None:
        await self.daemon.poll_all_once()
        # Analysis and delivery take a couple of seconds after the poll.
        self.clock.advance(seconds=self.rng.uniform(0.5, 3))
        await self.daemon.drain()
        await self.plan_staff()

    async def deliver(self) -> None:
        await self.daemon.drain()

    async def plan_staff(self) -> None:
        async with self.daemon.sessions() as session:
            rows = (
                await session.execute(
                    select(Alert.id, Alert.kind, Alert.sent_at, Review.id, Review.author)
                    .join(Review, Review.id == Alert.review_id)
                    .where(Alert.status == "sent", Alert.kind != "requested")
                )
            ).all()
        for alert_id, kind, sent_at, review_id, author in rows:
            if alert_id in self.seen_alerts or sent_at is None:
                continue
            self.seen_alerts.add(alert_id)
            self.outcome.alerts += 1
            self.plan_handling(kind, sent_at, review_id, author)

    def plan_handling(self, kind: str, sent_at: datetime, review_id: int, author: str | None):
        roll = self.rng.random()
        if roll < 0.08:
            return  # nobody gets to it
        urgent = kind == "critical"
        median = 6 * 60 if urgent else 20 * 60
        when = _opening(sent_at) + timedelta(seconds=_lognormal(self.rng, median, 1.0))
        if kind == "malicious" and roll < 0.6:
            self.at(when, self._act(actions.mark_malicious, review_id, MANAGER))
            return
        if roll < 0.13:
            self.at(when, self._act(actions.ignore, review_id, STAFF))
            return
        who = MANAGER if kind in ("critical", "malicious") else STAFF
        self.at(when, self._act(actions.approve, review_id, who))
        if self.rng.random() < (0.9 if urgent else 0.55):
            delay = _lognormal(self.rng, 40 * 60 if urgent else 4 * 3600, 0.9)
            called = _opening(when + timedelta(seconds=delay))
            self.at(called, self._act(actions.mark_contacted, review_id, STAFF))
            if author and author != "匿名用户" and self.rng.random() < 0.35:
                later = called + timedelta(days=self.rng.uniform(1, 8))
                self.at(_opening(later), self._returner(author, review_id))

    def _returner(self, author: str, review_id: int) -> Callable[[], Any]:
        async def come_back() -> None:
            async with self.daemon.sessions() as session:
                review = await session.get(Review, review_id)
            if review is not None:
                self.come_back(author, review.external_id)

        return come_back

    def _act(self, action: Callable[..., Any], review_id: int, actor: Actor) -> Callable[[], Any]:
        async def act() -> None:
            extra: dict[str, Any] = {}
            if action is actions.approve:
                extra["store"] = self.daemon.directory.profile(STORE_ID)
            async with self.daemon.sessions() as session, session.begin():
                who = await self._who(session, action, review_id, actor)
                outcome = await action(session, review_id, who, self.clock.now(), **extra)
            if action is actions.mark_contacted and outcome.ok:
                self.outcome.contacted += 1
                await self._call_went(review_id, who)
            if action is actions.approve and outcome.ok:
                self.outcome.replies += 1
            # The outbox posts the reply a few seconds later.
            self.at(self.clock.now() + timedelta(seconds=self.rng.uniform(1, 5)), self.deliver)

        return act

    async def _call_went(self, review_id: int, who: Actor) -> None:
        """How the call went and what was agreed, for the case figures. Drawn from its own
        generator (seeded by the review), so the rest of the history stays as it was."""
        rng = random.Random(review_id)
        roll = rng.random()
        outcome: ContactOutcome = (
            "reached" if roll < 0.7 else "no_answer" if roll < 0.95 else "wrong_number"
        )
        now = self.clock.now()
        async with self.daemon.sessions() as session, session.begin():
            await cases.record_outcome(session, who, review_id, outcome, now)
            if outcome == "reached":
                agreed: Agreement = rng.choice(AGREED)
                await cases.record_agreement(session, who, review_id, agreed, now)

    @staticmethod
    async def _who(
        session: AsyncSession, action: Callable[..., Any], review_id: int, actor: Actor
    ) -> Actor:
        """Staff hand a review only a manager may approve or ignore (a health claim, a
        malicious review) to the manager, as they must."""
        if actor is not STAFF or action not in (actions.approve, actions.ignore):
            return actor
        review = await session.get(Review, review_id)
        assert review is not None
        approving = action is actions.approve
        draft = await actions.current_draft(session, review_id) if approving else None
        needed = actions.required_role(await actions.current_reading(session, review), draft)
        return actor if needed == "staff" else MANAGER

    # -- running ---------------------------------------------------------------------------

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Daemon]:
        """The daemon on the simulated clock, stopped and closed afterwards."""
        settings: Settings = load_settings(self.outcome.config)
        self.daemon = Daemon(
            settings,
            clock=self.clock,
            notifier=SilentNotifier(),
            demo_platform=self.platform,
        )
        await self.daemon.start(schedule=False)
        try:
            yield self.daemon
        finally:
            await self.daemon.stop()
            await self.daemon.close()

    async def run(self) -> Outcome:
        async with self.running() as daemon:
            self.plan_reviews()
            while self.events:
                event = heapq.heappop(self.events)
                if event.at > self.clock.now():
                    self.clock.advance((event.at - self.clock.now()).total_seconds())
                result = event.action()
                if hasattr(result, "__await__"):
                    await result
            self.clock.advance(max(0.0, (self.end - self.clock.now()).total_seconds()))
            await daemon.drain()
        return self.outcome


async def simulate_month(
    database: Path, *, days: int = 30, end: datetime, seed: int = 7
) -> Outcome:
    """Fill `database` (a new SQLite file) with `days` of simulated history ending at `end`,
    and write the config file that goes with it beside it."""
    return await MonthSimulation(database, days, end, seed).run()
