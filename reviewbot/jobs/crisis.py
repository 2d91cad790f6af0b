"""Crisis mode: noticing a crisis before it spreads, and paging the owner at once.

A store enters crisis when
- a review claims food poisoning or illness (its analysis is critical);
- negative reviews about one category spike above the store's own baseline (at least
  three in a day, and at least three times the store's usual daily number);
- the average rating of the last day falls well below the last thirty days';
- one review is being reposted across platforms (the same text on two or more).
Only news counts: a review first seen days after it was written (a new account's first
poll, an import) is history, part of the baseline, never a trigger.
The owner is paged at once, past any mute or quiet hours, with the reviews involved, a
holding statement from the reply engine and the 5S checklist. A store has one open crisis
at a time; later triggers join it at once, but the owner hears of them in at most one
update per interval (with the crisis's running tally), sooner only for a new food-safety
claim, within a cap per hour (`store/pages.py`). It ends when an owner closes it, and the
record stays.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.clock import Clock
from reviewbot.replies.engine import TemplateDrafter
from reviewbot.reporting.labels import PLATFORMS
from reviewbot.speed import policy
from reviewbot.store import audit, leases, pages, verdicts
from reviewbot.store.db import SessionFactory
from reviewbot.store.schema import Analysis, Crisis, Page, Review, ReviewRevision
from reviewbot.workflow.actions import analysis_result, review_text
from reviewbot.workflow.crisis import (
    food_safety_topic,
    is_food_safety,
    tally,
    thread,
    trigger_name,
)
from reviewbot.workflow.directory import Directory

log = logging.getLogger(__name__)

DAY = timedelta(days=1)
SPIKE_MIN = 3  # negative reviews on one topic within a day
SPIKE_FACTOR = 3.0  # … and this many times the store's usual daily number
DROP_MIN_REVIEWS = 5  # rated reviews in the last day before a drop counts
DROP_STARS = 1.0  # how far below the 30-day average the last day must fall
REPOST_WINDOW = timedelta(days=7)
REPOST_MIN_CHARS = 12
# A review first seen this long after it was written is history (a new account's first
# poll, an import), not news: it counts toward the baseline, never as a trigger. Generous
# enough for platforms that serve reviews a day late and dated to the day.
STALE_AFTER = timedelta(days=3)
# The last day's window counts reviews written in it, and a day before for platforms that
# serve reviews a day late: a first poll's reviews of the last three days are not "today".
PLATFORM_DELAY = timedelta(days=1)
# Every store is checked this often; in between, only stores with a review analysed since
# the last check (every trigger needs one; only baselines drift with time alone).
FULL_SWEEP = timedelta(minutes=10)

CHECKLIST = (
    "承担责任：先确认事实，不推诿、不争辩，对顾客说的问题表态负责。",
    "真诚沟通：用统一、平和的口径回复；恶意内容向其他读者说明事实，不攻击顾客。",
    "速度第一：1 小时内在各平台发布统一回应，并主动联系相关顾客。",
    "系统运行：停用可疑食材、保留留样和记录，排查出餐流程并落实整改到人。",
    "权威证实：准备营业执照、检测报告、监管部门检查结果等第三方证明，必要时主动送检。",
)
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def is_news(review: Review) -> bool:
    """Seen soon after it was written (or undated), or changed while we watched it:
    something happening then, not history found later."""
    if review.revision > 1 or review.created_at is None:
        return True
    return review.created_at >= review.first_seen_at - STALE_AFTER


def is_today(review: Review, now: datetime) -> bool:
    """Part of the last day (its current revision was seen in it, see `_triggers`): news,
    and, for a first revision, written in it (allowing the platform's day of delay)."""
    if review.revision > 1 or review.created_at is None:
        return True
    return review.created_at >= now - DAY - PLATFORM_DELAY


def is_history(review: Review, now: datetime) -> bool:
    """Part of the thirty days before today: seen before today, or written then and only
    found now (a new account's backfill is its baseline from the first poll)."""
    written = review.created_at or review.first_seen_at
    if written < now - 31 * DAY:
        return False
    return review.first_seen_at < now - DAY or not is_today(review, now)


def _last_month(now: datetime) -> ColumnElement[bool]:
    """Reviews that may belong to the last month (seen in it); `is_history` decides."""
    return Review.first_seen_at >= now - 31 * DAY


def normalized(text: str) -> str:
    return _NOISE.sub("", text).lower()


@dataclass
class Trigger:
    key: str
    review_ids: set[int] = field(default_factory=set)
    detail: str = ""


class CrisisDetector:
    def __init__(
        self,
        sessions: SessionFactory,
        clock: Clock,
        directory: Directory,
        drafter: TemplateDrafter,
        *,
        owner: str,
        lease_ttl: timedelta = leases.DEFAULT_TTL,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.lease_ttl = lease_ttl  # `daemon.lease_seconds`, renewed by its heartbeat
        self.directory = directory
        self.drafter = drafter
        self.owner = owner
        self._swept_at: datetime | None = None
        self._analysed: int | None = None  # the newest analysis id already looked at
        # (store, audience, thread) → when its held pages may go; only spares queries, the
        # database decides (a restart starts empty and looks again).
        self._retry: dict[tuple[str, str, str], datetime] = {}

    async def run_once(self) -> list[int]:
        """Open or extend crises where a trigger holds; returns the crises paged about."""
        now = self.clock.now()
        async with leases.held(
            self.sessions, "crisis", self.owner, self.clock, self.lease_ttl
        ) as lease:
            if lease is None:
                return []
            paged = await self._flush(now)
            for store_id in await self._stores_to_check(now):
                if not lease.alive():  # taken over: the new holder checks the rest
                    break
                try:
                    async with self.sessions() as session, session.begin():
                        crisis_id = await self._check_store(session, store_id, now)
                except IntegrityError:  # another replica opened this store's crisis first
                    log.warning("store %s: crisis opened elsewhere meanwhile", store_id)
                    continue
                except Exception:  # one store's failure must not hold back the others
                    log.exception("crisis check for store %s failed", store_id)
                    continue
                if crisis_id is not None:
                    paged.append(crisis_id)
            return paged

    async def _stores_to_check(self, now: datetime) -> list[str]:
        """Every store on a full sweep; else those with a review analysed since the last run.

        Analyses are written by one pipeline at a time (it holds a lease), so every one
        committed after this read has a larger id than the newest seen now; the periodic
        full sweep covers the rest (a lost lease, a baseline that moved with time)."""
        async with self.sessions() as session:
            if (
                self._analysed is None
                or self._swept_at is None
                or (now - self._swept_at >= FULL_SWEEP)
            ):
                self._analysed = await session.scalar(select(func.max(Analysis.id))) or 0
                self._swept_at = now
                return self.directory.store_ids()
            rows = (
                await session.execute(
                    select(Review.store_id, func.max(Analysis.id))
                    .join(Analysis, Analysis.review_id == Review.id)
                    .where(Analysis.id > self._analysed)
                    .group_by(Review.store_id)
                )
            ).all()
        if rows:
            self._analysed = max(self._analysed, *(newest for _, newest in rows))
        changed = {store_id for store_id, _ in rows}
        return [s for s in self.directory.store_ids() if s in changed]

    # -- triggers ----------------------------------------------------------------------

    async def _triggers(self, session: AsyncSession, store_id: str, now: datetime) -> list[Trigger]:
        current = (Analysis.review_id == Review.id) & (Analysis.revision == Review.revision)
        this_revision = (ReviewRevision.review_id == Review.id) & (
            ReviewRevision.revision == Review.revision
        )
        # By when the current revision was seen: a 追评 about food poisoning on a review
        # written days ago is today's news.
        recent = (
            await session.execute(
                select(Review, Analysis)
                .join(Analysis, current)
                .join(ReviewRevision, this_revision)
                .where(Review.store_id == store_id, ReviewRevision.seen_at >= now - DAY)
            )
        ).all()
        recent = [(review, analysis) for review, analysis in recent if is_today(review, now)]
        triggers: list[Trigger] = []
        # (an illness claim staff cleared of malice is a claim like any other)
        cleared = await verdicts.cleared_among(session, [r.id for r, _ in recent])
        illness = {
            r.id
            for r, a in recent
            if a.severity == "critical" and (not a.malicious or r.id in cleared)
        }
        if illness:
            triggers.append(Trigger("illness", illness))
        triggers += await self._spikes(session, store_id, now, recent)
        drop = await self._rating_drop(session, store_id, now, recent)
        if drop is not None:
            triggers.append(drop)
        triggers += await self._reposts(session, store_id, now)
        return triggers

    async def _spikes(
        self, session: AsyncSession, store_id: str, now: datetime, recent: list
    ) -> list[Trigger]:
        today: dict[str, set[int]] = defaultdict(set)
        for review, analysis in recent:
            if analysis.polarity != "negative":
                continue  # a quibble in a good review (4★, 咸了一丢丢) is no sign of a crisis
            for category in analysis.categories:
                if category["polarity"] == "negative":
                    today[category["name"]].add(review.id)
        if not any(len(ids) >= SPIKE_MIN for ids in today.values()):
            return []
        current = (Analysis.review_id == Review.id) & (Analysis.revision == Review.revision)
        history = (
            await session.execute(
                select(Review, Analysis.categories)
                .join(Analysis, current)
                .where(
                    Review.store_id == store_id,
                    Analysis.polarity == "negative",
                    _last_month(now),
                )
            )
        ).all()
        baseline: dict[str, int] = defaultdict(int)
        for review, categories in history:
            if not is_history(review, now):
                continue
            for category in categories:
                if category["polarity"] == "negative":
                    baseline[category["name"]] += 1
        spikes = []
        for name, ids in today.items():
            before = baseline[name]
            usual = before / 30.0
            if len(ids) >= SPIKE_MIN and len(ids) >= SPIKE_FACTOR * usual:
                # 平时每天约 0.0 条 reads as a glitch: say the month's count instead
                was = (
                    f"此前 30 天共 {before} 条，平均每天约 {usual:.1f} 条"
                    if before
                    else "此前 30 天一条也没有"
                )
                spikes.append(Trigger(f"spike:{name}", ids, f"近 24 小时 {len(ids)} 条，{was}"))
        return spikes

    async def _rating_drop(
        self, session: AsyncSession, store_id: str, now: datetime, recent: list
    ) -> Trigger | None:
        rated = [(r.id, r.rating) for r, _ in recent if r.rating is not None]
        if len(rated) < DROP_MIN_REVIEWS:
            return None
        day_avg = sum(rating for _, rating in rated) / len(rated)
        month = [
            review.rating
            for review in await session.scalars(
                select(Review).where(
                    Review.store_id == store_id, Review.rating.is_not(None), _last_month(now)
                )
            )
            if is_history(review, now)
        ]
        if len(month) < 2 * DROP_MIN_REVIEWS:
            return None
        month_avg = sum(month) / len(month)
        if day_avg > month_avg - DROP_STARS:
            return None
        low = {rid for rid, rating in rated if rating <= 2}
        return Trigger(
            "rating_drop",
            low or {rid for rid, _ in rated},
            f"近 24 小时平均 {day_avg:.1f} 星，近 30 天平均 {month_avg:.1f} 星",
        )

    async def _reposts(self, session: AsyncSession, store_id: str, now: datetime) -> list[Trigger]:
        """One trigger per text seen on two or more platforms within the week, so a group
        already part of a crisis does not hide a newer one."""
        reviews = (
            await session.scalars(
                select(Review).where(
                    Review.store_id == store_id,
                    Review.first_seen_at >= now - REPOST_WINDOW,
                    func.length(Review.text) >= REPOST_MIN_CHARS,
                )
            )
        ).all()
        groups: dict[str, list[Review]] = defaultdict(list)
        for review in reviews:
            if not is_news(review):
                continue
            groups[normalized(review.text or "")].append(review)
        triggers = []
        for group in groups.values():
            platforms = {r.platform for r in group}
            if len(platforms) >= 2:
                names = "、".join(sorted(PLATFORMS.get(p, p) for p in platforms))
                triggers.append(Trigger("repost", {r.id for r in group}, f"出现在：{names}"))
        return triggers

    # -- opening and extending -------------------------------------------------------------

    async def _check_store(self, session: AsyncSession, store_id: str, now: datetime) -> int | None:
        triggers = await self._triggers(session, store_id, now)
        if not triggers:
            return None
        seen = set()
        for crisis in await session.scalars(select(Crisis).where(Crisis.store_id == store_id)):
            seen.update(crisis.review_ids)
        fresh = [t for t in triggers if t.review_ids - seen]
        if not fresh:
            return None  # everything here was already part of a crisis
        crisis = await session.scalar(
            select(Crisis).where(Crisis.store_id == store_id, Crisis.status == "open")
        )
        opened = crisis is None
        if crisis is None:
            crisis = Crisis(
                store_id=store_id, status="open", triggers=[], review_ids=[], started_at=now
            )
            session.add(crisis)
        new_ids = sorted(set().union(*(t.review_ids for t in fresh)) - set(crisis.review_ids))
        crisis.triggers = sorted({*crisis.triggers, *(t.key for t in fresh)})
        crisis.review_ids = sorted({*crisis.review_ids, *new_ids})
        if opened:
            crisis.holding_statement = await self._holding_statement(session, store_id, new_ids)
        await session.flush()
        food = await self._food_safety(session, new_ids)
        await pages.hold(
            session,
            store_id=store_id,
            audience="owner",
            thread=thread(crisis.id),
            topics=[f"review:{n}" for n in new_ids]
            + ([food_safety_topic(crisis.id)] if food else []),
            key=f"crisis:{crisis.id}:{','.join(map(str, new_ids))}",
            text="；".join(
                trigger_name(t.key) + (f"（{t.detail}）" if t.detail else "") for t in fresh
            ),
            now=now,
            level="critical",
            urgent=True,
            opens=opened,
            breaks_through=bool(food),
        )
        audit.record(
            session,
            now,
            "crisis.opened" if opened else "crisis.extended",
            store_id=store_id,
            crisis_id=crisis.id,
            triggers=[t.key for t in fresh],
            reviews=new_ids,
        )
        return crisis.id if await self._page_ready(session, crisis, now) else None

    async def _food_safety(self, session: AsyncSession, review_ids: list[int]) -> list[int]:
        current = (Analysis.review_id == Review.id) & (Analysis.revision == Review.revision)
        rows = await session.execute(
            select(Review.id, Analysis, verdicts.cleared_clause())
            .join(Analysis, current)
            .where(Review.id.in_(review_ids))
        )
        return sorted(
            review_id
            for review_id, analysis, cleared in rows
            if is_food_safety(analysis, cleared=cleared)
        )

    async def _flush(self, now: datetime) -> list[int]:
        """Send the gathered updates whose time has come (no new trigger needed)."""
        async with self.sessions() as session:
            waiting = await pages.waiting(session, "crisis:")
        paged = []
        for store_id, audience, name in waiting:
            if self._retry.get((store_id, audience, name), now) > now:
                continue  # nothing it waits on has lapsed yet
            try:
                async with self.sessions() as session, session.begin():
                    crisis = await session.get(Crisis, int(name.split(":")[1]))
                    if crisis is None:
                        continue
                    if crisis.status != "open":
                        await pages.settle(session, name, now)
                    elif await self._page_ready(session, crisis, now):
                        paged.append(crisis.id)
            except Exception:  # one store's failure must not hold back the others
                log.exception("crisis update for store %s failed", store_id)
        return paged

    async def _page_ready(self, session: AsyncSession, crisis: Crisis, now: datetime) -> bool:
        """Page the owner with what this crisis gathered, if the discipline allows now."""
        rules = policy(self.directory.settings, crisis.store_id)
        ready = await pages.ready(
            session,
            crisis.store_id,
            "owner",
            thread(crisis.id),
            now,
            pages.Discipline(rules.update_every, rules.pages_per_hour),
        )
        key = (crisis.store_id, "owner", thread(crisis.id))
        if not ready.items:
            if ready.retry_at is not None:
                self._retry[key] = ready.retry_at
            return False
        self._retry.pop(key, None)
        await pages.deliver(
            session, ready.items, await self._page(session, crisis, ready.items), now
        )
        return True

    async def _holding_statement(
        self, session: AsyncSession, store_id: str, review_ids: list[int]
    ) -> str:
        """A calm, unified first response: for a crisis of several reviews, a statement to
        all customers about what they complained of (each review keeps its own reply); for
        one review, the reply engine's draft for it."""
        current = (Analysis.review_id == Review.id) & (Analysis.revision == Review.revision)
        rows = (
            await session.execute(
                select(Review, Analysis).join(Analysis, current).where(Review.id.in_(review_ids))
            )
        ).all()
        order = {"critical": 0, "high": 1, "medium": 2, "low": 3, "none": 4}
        rows = sorted(rows, key=lambda row: (order.get(row[1].severity, 5), row[0].id))
        if not rows:
            return ""
        profile = self.directory.profile(store_id)
        if len(rows) > 1:
            counted = Counter(
                c["name"]
                for _, found in rows
                for c in found.categories
                if c["polarity"] == "negative"
            )
            # a food-safety claim leads whatever else was said (it changes the wording)
            named = sorted(counted, key=lambda c: (c != "hygiene", -counted[c]))[:3]
            statement = self.drafter.statement(named, profile, f"{store_id}:{rows[0][0].id}")
            if statement:
                return statement
        review, analysis = rows[0]
        draft = self.drafter.draft(review_text(review), analysis_result(analysis), profile)
        return draft.text

    async def _page(self, session: AsyncSession, crisis: Crisis, items: list[Page]) -> str:
        """One page for these items: the opening page, or an update gathering every trigger
        since the last one, with the running tally."""
        opened = any(item.opens for item in items)
        review_ids = sorted(
            {int(t.split(":")[1]) for item in items for t in item.topics if t.startswith("review:")}
        )
        reasons: dict[str, str] = {}  # one per trigger, with its latest detail (spike counts)
        for reason in (r for item in items for r in item.text.split("；") if r):
            reasons[reason.split("（")[0]] = reason
        reviews = (await session.scalars(select(Review).where(Review.id.in_(review_ids)))).all()
        if opened:
            lines = ["🚨 门店进入危机处理状态"]
        elif any(item.breaks_through for item in items):
            lines = ["🚨 危机情况有新进展：又有顾客反映食品安全问题"]
        else:
            lines = ["🚨 危机情况有新进展"]
        if not opened and len(items) > 1:
            lines[0] += f"（汇总上次通知以来的 {len(items)} 次新情况）"
        zone = ZoneInfo(self.directory.timezone(crisis.store_id))
        lines.append((await tally(session, crisis)).line(crisis.started_at, zone))
        lines.append("触发原因：" + "；".join(reasons.values()))
        lines.append("新增评价：" if not opened else "涉及评价：")
        for review in sorted(reviews, key=lambda r: r.id)[:10]:
            # The follow-up first: a 追评 days later is usually why the review is here.
            follow_up = f"追评：{review.follow_up}" if review.follow_up else ""
            text = " ".join(t for t in (follow_up, review.text) if t).replace("\n", " ")
            text = text or "（只有评分）"
            stars = f"★{review.rating:g} " if review.rating is not None else ""
            lines.append(
                f"  #{review.id} {PLATFORMS.get(review.platform, review.platform)} "
                f"{stars}「{text[:40]}{'…' if len(text) > 40 else ''}」"
            )
        if len(reviews) > 10:
            lines.append(f"  …… 共 {len(reviews)} 条，发送 /crisis 查看")
        if opened and crisis.holding_statement:
            lines.append("建议先发布的统一回应（请核实后使用）：")
            lines.append(crisis.holding_statement)
        if opened:
            lines.append("5S 处理清单：")
            lines.extend(f"{n}. {item}" for n, item in enumerate(CHECKLIST, 1))
            lines.append("处理完毕后，店主发送 /crisis close 处理结果 结束危机并留下记录。")
        return "\n".join(lines)
