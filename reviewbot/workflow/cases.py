"""Customer cases, once for every front end: record how a call went and what was agreed,
set a follow-up, link a review staff know is the same customer's, and tell a customer's
whole story (their reviews, our replies and contacts, their cases).

Every call checks that the actor covers the review's store (as the rest of the workflow
does), runs in one transaction and is audited; a refusal is audited too (`Cases`). The
rules that link reviews to one customer and notice a customer coming back are
`store/cases.py`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.clock import Clock
from reviewbot.store import cases as store_cases
from reviewbot.store.db import SessionFactory
from reviewbot.store.schema import AuditEntry, CaseReview, CustomerCase, Draft, Review
from reviewbot.store.schema import ReviewRevision as RevisionRow
from reviewbot.vocab import Agreement, CameBack, CaseStatus, ContactOutcome, LinkReason
from reviewbot.workflow.access import Access
from reviewbot.workflow.actions import Actor, NotAllowed, Outcome
from reviewbot.workflow.directory import Directory

OUTCOME_NAMES: dict[ContactOutcome, str] = {
    "reached": "接通了",
    "no_answer": "没接",
    "wrong_number": "号码不对",
}
AGREEMENT_NAMES: dict[Agreement, str] = {
    "apology_only": "只道歉",
    "remedy_offered": "给了补偿",
    "refused": "顾客拒绝",
}
LINK_NAMES: dict[LinkReason, str] = {
    "complaint": "投诉",
    "author": "同一平台同一昵称",
    "order": "同一订单号",
    "staff": "店员关联",
}
CAME_BACK_NAMES: dict[CameBack, str] = {
    "later_review": "又来评价",
    "rating_raised": "调高了评分",
}
# A second identical call result this soon after the first is a double tap (or a form sent
# twice), not a second call: nothing more is recorded. Buttons that say which call they
# ask about (`seen`) need no window: their call's result is recorded once, whenever.
REPEAT_WINDOW = timedelta(seconds=60)
# The audit actions that make up the contact part of a customer's story.
STORY_ACTIONS = (
    "customer.contacted",
    "case.opened",
    "case.outcome",
    "case.agreement",
    "case.follow_up_set",
    "case.follow_up_reminded",
    "case.came_back",
    "case.linked",
)


@dataclass(frozen=True, slots=True)
class CaseView:
    """A case as every front end shows it (times are UTC; names are people's names)."""

    id: int
    store_id: str
    review_id: int  # the complaint that opened it
    status: CaseStatus
    opened_at: datetime
    outcome: ContactOutcome | None
    outcome_at: datetime | None
    outcome_by: str | None
    attempts: int
    reached_at: datetime | None
    agreement: Agreement | None
    agreement_note: str | None
    agreement_at: datetime | None
    agreement_by: str | None
    follow_up_at: datetime | None
    follow_up_by: str | None
    follow_up_reminded: bool
    came_back: CameBack | None
    came_back_at: datetime | None
    came_back_review_id: int | None
    resolved_at: datetime | None


@dataclass(frozen=True, slots=True)
class StoryRevision:
    """What a review said at one revision (customers edit and append 追评)."""

    revision: int
    text: str | None
    follow_up: str | None
    rating: float | None
    seen_at: datetime


@dataclass(frozen=True, slots=True)
class StoryReply:
    """A public reply: one we posted (or staff posted by hand and recorded), or one the
    platform shows that we did not post (`draft_id` None, posted when we do not know)."""

    draft_id: int | None
    text: str
    posted_at: datetime | None
    approved_by: str | None


@dataclass(frozen=True, slots=True)
class StoryReview:
    review_id: int
    platform: str
    author: str | None
    order_id: str | None
    rating: float | None
    text: str | None  # untrusted customer text: a front end escapes it
    follow_up: str | None
    created_at: datetime | None
    first_seen_at: datetime
    status: str
    # Why it is this customer's (None: the review the story was asked for).
    linked_on: LinkReason | None
    revisions: tuple[StoryRevision, ...]
    replies: tuple[StoryReply, ...]


@dataclass(frozen=True, slots=True)
class StoryEvent:
    """A contact or case event from the audit log: `action` is its audit action
    (customer.contacted, case.outcome, case.agreement, …), `details` its recorded fields."""

    at: datetime
    actor: str  # a person's name where the directory knows them, else their id
    action: str
    review_id: int | None
    details: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CustomerStory:
    """Everything we know of one customer in one store, oldest first."""

    store_id: str
    review_id: int  # the review it was asked for
    platform: str
    author: str | None
    reviews: tuple[StoryReview, ...]
    events: tuple[StoryEvent, ...]
    cases: tuple[CaseView, ...]

    @property
    def linked_on(self) -> tuple[LinkReason, ...]:
        """The rules that tied the other reviews to this customer."""
        return tuple(dict.fromkeys(r.linked_on for r in self.reviews if r.linked_on))


def case_view(case: CustomerCase) -> CaseView:
    return CaseView(
        id=case.id,
        store_id=case.store_id,
        review_id=case.review_id,
        status=case.status,
        opened_at=case.opened_at,
        outcome=case.outcome,
        outcome_at=case.outcome_at,
        outcome_by=case.outcome_by,
        attempts=case.attempts or 0,
        reached_at=case.reached_at,
        agreement=case.agreement,
        agreement_note=case.agreement_note,
        agreement_at=case.agreement_at,
        agreement_by=case.agreement_by,
        follow_up_at=case.follow_up_at,
        follow_up_by=case.follow_up_by,
        follow_up_reminded=case.follow_up_reminded,
        came_back=case.came_back,
        came_back_at=case.came_back_at,
        came_back_review_id=case.came_back_review_id,
        resolved_at=case.resolved_at,
    )


def _no_name(actor_id: str) -> str | None:
    return None


async def _review(session: AsyncSession, actor: Actor, review_id: int) -> Review:
    review = await session.get(Review, review_id)
    if review is None:
        raise LookupError(f"review {review_id} does not exist")
    if not actor.covers(review.store_id):
        raise NotAllowed("抱歉，您没有这家门店的权限。")
    return review


async def case_of(
    session: AsyncSession, review_id: int, *, lock: bool = False
) -> CustomerCase | None:
    """The case a review's card speaks for: the one it opened, else the newest case it is
    linked to (a later review of a customer with an open complaint)."""
    own = select(CustomerCase).where(CustomerCase.review_id == review_id)
    case = await session.scalar(own.with_for_update() if lock else own)
    if case is None:
        linked = select(CaseReview.case_id).where(CaseReview.review_id == review_id)
        newest = (
            select(CustomerCase)
            .where(CustomerCase.id.in_(linked))
            .order_by(CustomerCase.id.desc())
            .limit(1)
        )
        case = await session.scalar(newest.with_for_update() if lock else newest)
    return case


async def case_for(
    session: AsyncSession, actor: Actor, review_id: int, now: datetime
) -> CustomerCase:
    """`case_of`, locked, checked against the actor, or one opened now (staff called about
    a review without a case)."""
    review = await _review(session, actor, review_id)
    case = await case_of(session, review.id, lock=True)
    return case or await store_cases.open_case(session, review, now, by=actor.id)


async def record_outcome(
    session: AsyncSession,
    actor: Actor,
    review_id: int,
    outcome: ContactOutcome,
    now: datetime,
    *,
    seen: int | None = None,
    zone: tzinfo = UTC,
) -> Outcome:
    """How a call to the customer went (each call counts; the latest is shown).

    `seen`: the calls recorded when the button or form was drawn (it asks about the next
    one). A press on a prompt whose call is recorded since (a double tap, a stale copy)
    records nothing and says so; without `seen`, the same result again within
    `REPEAT_WINDOW` is taken for a double tap."""
    case = await case_for(session, actor, review_id, now)
    attempts = case.attempts or 0
    if case.outcome is not None and case.outcome_at is not None:
        if seen is not None:
            repeated = attempts > seen
        else:
            repeated = case.outcome == outcome and now - case.outcome_at < REPEAT_WINDOW
        if repeated:
            when = case.outcome_at.astimezone(zone).strftime("%H:%M")
            return Outcome(
                False,
                f"这次通话的结果已由 {case.outcome_by or '同事'} 于 {when} 记录为"
                f"「{OUTCOME_NAMES[case.outcome]}」（第 {attempts} 次联系），没有重复记录。"
                "如果又打了一次电话，请在最新的回访记录上再记录。",
                code="repeat",
            )
    store_cases.record_outcome(session, case, outcome, now, actor=actor.id, name=actor.name)
    return Outcome(True, f"已记录：{OUTCOME_NAMES[outcome]}。", changed=True)


async def record_agreement(
    session: AsyncSession,
    actor: Actor,
    review_id: int,
    agreement: Agreement,
    now: datetime,
    *,
    note: str | None = None,
) -> Outcome:
    """What was agreed with the customer in private (an apology or a remedy accepted
    settles the case; a refusal keeps it open)."""
    case = await case_for(session, actor, review_id, now)
    if case.reached_at is None:
        return Outcome(False, "还没有记录接通顾客，请先记录联系结果。", code="stale")
    store_cases.record_agreement(
        session, case, agreement, now, actor=actor.id, name=actor.name, note=note
    )
    return Outcome(True, f"已记录：{AGREEMENT_NAMES[agreement]}。", changed=True)


async def set_follow_up(
    session: AsyncSession, actor: Actor, review_id: int, when: datetime | None, now: datetime
) -> Outcome:
    """A date to follow up (None: no follow-up); the store's chat is reminded then."""
    if when is not None and when <= now:
        return Outcome(False, "回访时间需要在以后。")
    case = await case_for(session, actor, review_id, now)
    store_cases.set_follow_up(session, case, when, now, actor=actor.id, name=actor.name)
    return Outcome(True, "已设置回访提醒。" if when else "好的，不需要回访。", changed=True)


async def link_review(
    session: AsyncSession, actor: Actor, review_id: int, other_review_id: int, now: datetime
) -> Outcome:
    """Staff know `other_review_id` is the same customer as `review_id`'s case (a name
    changed, another platform): both must be reviews of one store the actor covers."""
    other = await _review(session, actor, other_review_id)
    case = await case_for(session, actor, review_id, now)
    if other.store_id != case.store_id:
        raise NotAllowed("只能关联同一家门店的评价。")
    if not await store_cases.link(session, case, other.id, "staff", now, by=actor.id):
        return Outcome(False, f"评价 #{other.id} 已经关联到这位顾客。")
    return Outcome(True, f"已把评价 #{other.id} 关联到这位顾客。", changed=True)


async def customer_story(
    session: AsyncSession,
    actor: Actor,
    review_id: int,
    *,
    name_of: Callable[[str], str | None] = _no_name,
) -> CustomerStory:
    """The customer record of `review_id`'s author: every review of theirs in this store
    (linked as `store/cases.py` explains) with its revisions and our replies, every
    contact and case event, and their cases. Raises NotAllowed for an actor who does
    not cover the store, LookupError for an unknown review. Read-only."""
    seed = await _review(session, actor, review_id)
    linked = await store_cases.customer_reviews(session, seed)
    ids = list(linked)
    rows = {
        r.id: r for r in (await session.scalars(select(Review).where(Review.id.in_(ids)))).all()
    }
    revisions: dict[int, list[StoryRevision]] = {i: [] for i in ids}
    for rev in await session.scalars(
        select(RevisionRow).where(RevisionRow.review_id.in_(ids)).order_by(RevisionRow.revision)
    ):
        revisions[rev.review_id].append(
            StoryRevision(rev.revision, rev.text, rev.follow_up, rev.rating, rev.seen_at)
        )
    replies: dict[int, list[StoryReply]] = {i: [] for i in ids}
    for draft in await session.scalars(
        select(Draft)
        .where(Draft.review_id.in_(ids), Draft.posted_at.is_not(None))
        .order_by(Draft.posted_at, Draft.id)
    ):
        assert draft.posted_at is not None
        who = name_of(draft.decided_by) if draft.decided_by else None
        replies[draft.review_id].append(
            StoryReply(draft.id, draft.text, draft.posted_at, who or draft.decided_by)
        )
    for r in rows.values():  # a reply on the platform that none of ours accounts for
        if r.reply_text and all(reply.text != r.reply_text for reply in replies[r.id]):
            replies[r.id].append(StoryReply(None, r.reply_text, None, None))
    reviews = sorted(
        (
            StoryReview(
                review_id=r.id,
                platform=r.platform,
                author=r.author,
                order_id=r.order_id,
                rating=r.rating,
                text=r.text,
                follow_up=r.follow_up,
                created_at=r.created_at,
                first_seen_at=r.first_seen_at,
                status=r.status,
                linked_on=linked[r.id],
                revisions=tuple(revisions[r.id]),
                replies=tuple(replies[r.id]),
            )
            for r in rows.values()
        ),
        key=lambda r: (r.created_at or r.first_seen_at, r.review_id),
    )
    events = [
        StoryEvent(e.at, name_of(e.actor) or e.actor, e.action, e.review_id, dict(e.details))
        for e in await session.scalars(
            select(AuditEntry)
            .where(AuditEntry.review_id.in_(ids), AuditEntry.action.in_(STORY_ACTIONS))
            .order_by(AuditEntry.at, AuditEntry.id)
        )
    ]
    found = await store_cases.cases_of(session, ids)
    return CustomerStory(
        store_id=seed.store_id,
        review_id=seed.id,
        platform=seed.platform,
        author=seed.author,
        reviews=tuple(reviews),
        events=tuple(events),
        cases=tuple(case_view(c) for c in found),
    )


def follow_up_time(days: int, now: datetime, zone: ZoneInfo, at: time) -> datetime:
    """`days` local days from now, at the store's reminder time (e.g. 10:00)."""
    local = now.astimezone(zone).date() + timedelta(days=days)
    return datetime.combine(local, at, zone).astimezone(now.tzinfo)


def case_summary(case: CaseView | None) -> list[tuple[str, str]]:
    """The case's facts as (label, value) pairs in Chinese, for a page or a message
    (times are left to the caller, who knows the store's zone)."""
    if case is None:
        return []
    facts = []
    if case.outcome:
        tries = f"（第 {case.attempts} 次联系）" if case.attempts > 1 else ""
        facts.append(("联系结果", OUTCOME_NAMES[case.outcome] + tries))
    if case.agreement:
        note = f"：{case.agreement_note}" if case.agreement_note else ""
        facts.append(("私下商定", AGREEMENT_NAMES[case.agreement] + note))
    if case.came_back:
        facts.append(("顾客回头", CAME_BACK_NAMES[case.came_back]))
    return facts


class Cases:
    """The calls above for a front end: one transaction each, refusals audited."""

    def __init__(self, directory: Directory, sessions: SessionFactory, clock: Clock) -> None:
        self.directory = directory
        self.sessions = sessions
        self.clock = clock
        self.access = Access(directory, sessions)

    async def _run(
        self, what: str, actor: Actor, review_id: int, run: Callable[[AsyncSession], Any]
    ) -> Outcome:
        try:
            async with self.sessions() as session, session.begin():
                return await run(session)
        except NotAllowed as exc:
            await self.access.refused(
                self.clock.now(), actor.id, what, review_id=review_id, reason=str(exc)
            )
            return Outcome(False, str(exc), code="refused")

    async def record_outcome(
        self, actor: Actor, review_id: int, outcome: ContactOutcome, *, seen: int | None = None
    ) -> Outcome:
        """`seen`: the calls recorded when the button was drawn (see `record_outcome`)."""
        now = self.clock.now()
        zone = (await self._reminder_time(review_id))[0]
        return await self._run(
            f"case.outcome:{outcome}",
            actor,
            review_id,
            lambda s: record_outcome(s, actor, review_id, outcome, now, seen=seen, zone=zone),
        )

    async def record_agreement(
        self, actor: Actor, review_id: int, agreement: Agreement, note: str | None = None
    ) -> Outcome:
        now = self.clock.now()
        return await self._run(
            f"case.agreement:{agreement}",
            actor,
            review_id,
            lambda s: record_agreement(s, actor, review_id, agreement, now, note=note),
        )

    async def follow_up_in(self, actor: Actor, review_id: int, days: int | None) -> Outcome:
        """A follow-up `days` days on at the configured local time (None: none)."""
        now = self.clock.now()
        when = None
        if days:
            zone, at = await self._reminder_time(review_id)
            when = follow_up_time(days, now, zone, at)
        return await self.set_follow_up(actor, review_id, when)

    async def follow_up_on(self, actor: Actor, review_id: int, day: date) -> Outcome:
        """A follow-up on a chosen local day, at the configured local time."""
        zone, at = await self._reminder_time(review_id)
        when = datetime.combine(day, at, zone).astimezone(self.clock.now().tzinfo)
        return await self.set_follow_up(actor, review_id, when)

    async def _reminder_time(self, review_id: int) -> tuple[ZoneInfo, time]:
        """The review's store's zone and the local time reminders are due at."""
        async with self.sessions() as session:
            review = await session.get(Review, review_id)
        store_id = review.store_id if review else ""
        hours, minutes = (int(p) for p in self.directory.settings.cases.remind_at.split(":"))
        return ZoneInfo(self.directory.timezone(store_id)), time(hours, minutes)

    async def set_follow_up(self, actor: Actor, review_id: int, when: datetime | None) -> Outcome:
        now = self.clock.now()
        return await self._run(
            "case.follow_up",
            actor,
            review_id,
            lambda s: set_follow_up(s, actor, review_id, when, now),
        )

    async def link(self, actor: Actor, review_id: int, other_review_id: int) -> Outcome:
        now = self.clock.now()
        return await self._run(
            "case.link",
            actor,
            review_id,
            lambda s: link_review(s, actor, review_id, other_review_id, now),
        )

    async def story(self, actor: Actor, review_id: int) -> CustomerStory:
        """The customer record of a review (see `customer_story`); a refusal is audited
        and raised as NotAllowed."""
        try:
            async with self.sessions() as session:
                return await customer_story(
                    session, actor, review_id, name_of=self.directory.name_of
                )
        except NotAllowed as exc:
            await self.access.refused(
                self.clock.now(), actor.id, "case.story", review_id=review_id, reason=str(exc)
            )
            raise

    async def case(self, review_id: int) -> CaseView | None:
        """The case a review's card speaks for (see `case_for`), if it has one yet."""
        async with self.sessions() as session:
            case = await case_of(session, review_id)
            return case_view(case) if case else None
