"""The escalation ladder: reminders as a bad review's reply window runs out.

At half the window the staff chat is reminded, at three quarters the store's managers, when
it closes the owner; a day in, whoever has not logged contacting the customer is asked to
(not for a review under appeal as malicious).
Quiet hours, a muted store and a snoozed review hold non-critical pings back (critical ones
always go out); when several rungs fell due while held, only the highest is sent and the
others are recorded as passed. Each rung is a row with a unique (review, round, step): it
fires once per speed window, whatever restarts or replicas happen. A review that changes
after it was answered (a 追评) starts a new round (`Review.window_round`), so its new
complaint has a ladder of its own.

Every ping goes through the paging discipline (`store/pages.py`): an owner or a manager
gets one ping, then what falls due for them within the interval is gathered into one
message, within a cap per hour; nobody, the staff chat included, is pinged twice about
the same review within the interval (a crisis page about it counts).

The scan is bounded: only reviews alerted within `horizon()` whose ladder is unfinished
(in SQL, no id lists) are read, and only stores with a ping due (or gathered pings whose
time may have come) get a write transaction.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.clock import Clock
from reviewbot.config import Settings
from reviewbot.speed import LADDER, Policy, platform_delay, policy
from reviewbot.store import audit, leases, pages
from reviewbot.store.db import SessionFactory
from reviewbot.store.schema import Analysis, Escalation, Page, Review, Store
from reviewbot.workflow.actions import OPEN_STATES

log = logging.getLogger(__name__)

DAY = timedelta(days=1)
CONTACT_STEP = "contact"
THREAD = "escalation"  # the paging thread every rung of every review gathers in
AUDIENCES = ("staff", "manager", "owner")
SUMMARY_ITEMS = 15  # rungs listed in one gathered message
SEVERITY_NAMES = {"none": "", "low": "低", "medium": "中", "high": "高", "critical": "紧急"}


def _duration(delta: timedelta) -> str:
    minutes = max(0, round(delta.total_seconds() / 60))
    if minutes < 60:
        return f"{minutes} 分钟"
    hours, rest = divmod(minutes, 60)
    return f"{hours} 小时" + (f" {rest} 分钟" if rest else "")


def _snippet(review: Review) -> str:
    text = (review.text or "（只有评分）").replace("\n", " ")
    stars = f"★{review.rating:g} " if review.rating is not None else ""
    return f"{stars}「{text[:30]}{'…' if len(text) > 30 else ''}」"


def _late(review: Review) -> str:
    """The platform's delay, so nobody blames staff for hours they never had."""
    delay = platform_delay(review.created_at, review.first_seen_at)
    return f"（平台延迟 {_duration(delay)} 才提供，时限从我们看到时算起）" if delay else ""


def reply_message(
    step: str, review: Review, window: timedelta, start: datetime, now: datetime
) -> str:
    deadline = start + window
    waited = _duration(now - start)
    head = f"差评 #{review.id} {_snippet(review)}{_late(review)}"
    if step == "reminder":
        return (
            f"⏰ {head} 已等待 {waited}，还没有回复。回复时限 {_duration(window)}，"
            f"还剩 {_duration(deadline - now)}。请尽快处理。"
        )
    if step == "manager":
        return (
            f"⚠️ 请店长跟进：{head} 已等待 {waited} 仍未回复，"
            f"距离回复时限只剩 {_duration(deadline - now)}。"
        )
    return f"🚨 {head} 已超过回复时限（{_duration(window)}），等待 {waited} 仍未回复。请店主关注。"


def contact_message(review: Review, window: timedelta) -> str:
    return (
        f"☎️ 差评 #{review.id} {_snippet(review)}{_late(review)} 的顾客还没有记录联系结果"
        f"（时限 {_duration(window)}）。联系后请点卡片上的“已联系顾客”。"
    )


def gathered_message(items: list[Page]) -> str:
    """One rung as it is; several that waited for the same person, as one message."""
    if len(items) == 1:
        return items[0].text
    head = f"📋 汇总提醒：上次提醒以来又有 {len(items)} 条需要跟进"
    lines = [head, *(f"• {item.text}" for item in items[:SUMMARY_ITEMS])]
    if len(items) > SUMMARY_ITEMS:  # a chat message has a length limit; /pending has all
        lines.append(f"…… 另有 {len(items) - SUMMARY_ITEMS} 条，发送 /pending 查看全部待处理差评")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class _Due:
    step: str
    due_at: datetime
    audience: str


def horizon(settings: Settings) -> timedelta:
    """How long after a review's alert a rung of its ladder can still fall due: its longest
    window (reply or contact, any store), a day by which quiet hours can push the window's
    start, and a day's grace for a daemon that was down. Older reviews are never scanned,
    so the work stays bounded and an upgrade does not page anyone about old reviews."""
    rules = [policy(settings, ""), *(policy(settings, s.id) for s in settings.stores)]
    longest = max(max(*r.reply_within.values(), r.contact_within) for r in rules)
    return longest + 2 * DAY


def _pending(cutoff: datetime) -> list[ColumnElement[bool]]:
    """Alerted reviews since `cutoff` whose ladder is not finished: open and the owner's rung
    not reached, or the customer (of a review not under appeal) not contacted and the
    contact reminder not sent."""

    def reached(step: str) -> ColumnElement[bool]:
        return (
            select(Escalation.id)
            .where(
                Escalation.review_id == Review.id,
                Escalation.round == Review.window_round,
                Escalation.step == step,
            )
            .correlate(Review)
            .exists()
        )

    return [
        Review.alerted_seen_at >= cutoff,
        Review.status != "ignored",
        or_(
            Review.status.in_(OPEN_STATES) & ~reached(LADDER[-1][0]),
            Review.contacted_at.is_(None) & (Review.status != "appeal") & ~reached(CONTACT_STEP),
        ),
    ]


class EscalationChecker:
    def __init__(
        self, sessions: SessionFactory, clock: Clock, settings: Settings, *, owner: str
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        # The configured lease, renewed by its heartbeat: a dead holder frees it that soon.
        self.lease_ttl = timedelta(seconds=settings.daemon.lease_seconds)
        self.owner = owner
        self.horizon = horizon(settings)
        # (store, audience) → when its gathered rungs may go; only spares queries, the
        # database decides (a restart starts empty and looks again).
        self._retry: dict[tuple[str, str], datetime] = {}

    async def run_once(self) -> int:
        """Queue the pings that are due now; returns how many were sent.

        One read finds what is due in every store (a few columns of each review whose
        ladder is unfinished); only stores with something due get a write transaction."""
        now = self.clock.now()
        async with leases.held(
            self.sessions, "escalation", self.owner, self.clock, self.lease_ttl
        ) as lease:
            if lease is None:
                return 0
            work = await self._due_now(now)
            async with self.sessions() as session:
                for store_id, audience, _ in await pages.waiting(session, THREAD):
                    if self._retry.get((store_id, audience), now) <= now:
                        work.setdefault(store_id, [])  # gathered rungs whose time may be due
            sent = 0
            for store_id, items in sorted(work.items()):
                if not lease.alive():  # taken over: the new holder pings the rest
                    break
                try:
                    async with self.sessions() as session, session.begin():
                        sent += await self._fire_store(session, store_id, items, now)
                except Exception:  # one store's failure must not hold back the others
                    log.exception("escalation check for store %s failed", store_id)
            return sent

    async def _due_now(self, now: datetime) -> dict[str, list[tuple[int, str, list[_Due]]]]:
        """Per store: (review id, severity, rungs due) of each review to ping now."""
        cutoff = now - self.horizon
        current = (Analysis.review_id == Review.id) & (Analysis.revision == Review.revision)
        async with self.sessions() as session:
            rows = (
                await session.execute(
                    select(
                        Review.id,
                        Review.store_id,
                        Review.status,
                        Review.contacted_at,
                        Review.snoozed_until,
                        Review.alerted_seen_at,
                        Review.first_seen_at,
                        Review.window_round,
                        Analysis.severity,
                    )
                    .join(Analysis, current)
                    .where(*_pending(cutoff))
                )
            ).all()
            if not rows:
                return {}
            done = {
                (review_id, round_, step)
                for review_id, round_, step in await session.execute(
                    select(Escalation.review_id, Escalation.round, Escalation.step).where(
                        Escalation.review_id.in_(
                            select(Review.id).where(Review.alerted_seen_at >= cutoff)
                        )
                    )
                )
            }
            muted = dict(
                (
                    await session.execute(
                        select(Store.id, Store.muted_until).where(Store.muted_until > now)
                    )
                ).all()
            )
        work: dict[str, list[tuple[int, str, list[_Due]]]] = defaultdict(list)
        policies: dict[str, Policy] = {}
        for row in rows:
            rules = policies.setdefault(row.store_id, policy(self.settings, row.store_id))
            due = self._due(row, row.severity, rules, now, done)
            held = self._held(row, rules, muted.get(row.store_id), now)
            if due and (row.severity == "critical" or not held):
                work[row.store_id].append((row.id, row.severity, due))
        return work

    async def _fire_store(
        self,
        session: AsyncSession,
        store_id: str,
        items: list[tuple[int, str, list[_Due]]],
        now: datetime,
    ) -> int:
        rules = policy(self.settings, store_id)
        for review_id, severity, due in items:
            review = await session.get(Review, review_id)
            assert review is not None
            critical = severity == "critical"
            await self._fire(session, review, severity, rules, due, now, critical)
        return await self._page_store(session, store_id, now)

    @staticmethod
    def _due(
        review: Any, severity: str, rules: Policy, now: datetime, done: set[tuple[int, int, str]]
    ) -> list[_Due]:
        """The rungs of a review (a Review, or a row of its columns) due and not reached."""
        due: list[_Due] = []
        start = rules.window_start(review.alerted_seen_at or review.first_seen_at, severity)
        if review.status in OPEN_STATES:
            window = rules.reply_window(severity)
            for step, share, audience in LADDER:
                at = start + window * share
                if at <= now and (review.id, review.window_round, step) not in done:
                    due.append(_Due(step, at, audience))
        # A review under appeal is being contested, not a customer to call back.
        uncontacted = review.contacted_at is None and review.status != "appeal"
        if uncontacted and (review.id, review.window_round, CONTACT_STEP) not in done:
            at = start + rules.contact_within
            if at <= now:
                due.append(_Due(CONTACT_STEP, at, "staff"))
        return due

    @staticmethod
    def _held(review: Any, rules: Policy, muted_until: datetime | None, now: datetime) -> bool:
        return (
            rules.in_quiet_hours(now)
            or (muted_until is not None and muted_until > now)
            or (review.snoozed_until is not None and review.snoozed_until > now)
        )

    async def _fire(
        self,
        session: AsyncSession,
        review: Review,
        severity: str,
        rules: Policy,
        due: list[_Due],
        now: datetime,
        critical: bool,
    ) -> None:
        ladder = [d for d in due if d.step != CONTACT_STEP]
        highest = ladder[-1] if ladder else None
        for item in due:
            send = item is highest or item.step == CONTACT_STEP
            session.add(
                Escalation(
                    review_id=review.id,
                    store_id=review.store_id,
                    round=review.window_round,
                    step=item.step,
                    due_at=item.due_at,
                    at=now,
                    sent=send,
                )
            )
            audit.record(
                session,
                now,
                "escalation.sent" if send else "escalation.passed",
                store_id=review.store_id,
                review_id=review.id,
                step=item.step,
                due_at=item.due_at.isoformat(),
                audience=item.audience,
            )
            if not send:
                continue
            if item.step == CONTACT_STEP:
                text = contact_message(review, rules.contact_within)
            else:
                start = rules.window_start(review.alerted_seen_at or review.first_seen_at, severity)
                text = reply_message(item.step, review, rules.reply_window(severity), start, now)
            await pages.hold(
                session,
                store_id=review.store_id,
                audience=item.audience,  # type: ignore[arg-type]
                thread=THREAD,
                topics=[f"review:{review.id}"],
                key=f"escalation:{review.id}:{item.step}"
                + (f":{review.window_round}" if review.window_round else ""),
                text=text,
                now=now,
                level="critical" if critical or item.step == "owner" else "warning",
                urgent=critical,
            )

    async def _page_store(self, session: AsyncSession, store_id: str, now: datetime) -> int:
        """Send what the paging discipline lets go now, per recipient, gathering what
        waited into one message; returns how many rungs went out."""
        rules = policy(self.settings, store_id)
        discipline = pages.Discipline(rules.update_every, rules.pages_per_hour)
        sent = 0
        for audience in AUDIENCES:
            ready = await pages.ready(session, store_id, audience, THREAD, now, discipline)
            if ready.retry_at is not None:
                self._retry[(store_id, audience)] = ready.retry_at
            else:
                self._retry.pop((store_id, audience), None)
            if ready.items:
                await pages.deliver(session, ready.items, gathered_message(ready.items), now)
                sent += len(ready.items)
        return sent
