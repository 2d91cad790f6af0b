"""Customer cases: one per complaint, from the call to whether the customer came back.

A case opens when a negative review needs a reply (the pipeline alerts staff about it).
It links the reviews we believe are the same customer's, conservatively, within the one
store (staff of one store never see another's customers):

- the same author name on the same platform, when the name tells customers apart (not
  empty, not a platform's anonymous placeholder, not masked like 'j**3': see
  `identifiable`);
- the same order id, across platforms (Meituan and Dianping share order ids), when it is
  at least `MIN_ORDER_ID` characters long;
- a member of staff saying so (`link`), for anything the rules cannot see.

No platform gives us a customer's phone number, so nothing is linked on one.

The customer came back when, after the complaint, a later review of theirs arrives that is
not negative (or rates above the complaint), on another order; or when the complaint's own
rating is raised. The pipeline calls `review_stored` for every review it analyzes, so this
is noticed when the later review arrives. A later review of the same order is the same
visit, not a return, and is only linked.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.store import audit
from reviewbot.store.schema import CaseReview, CustomerCase, Review
from reviewbot.vocab import Agreement, ContactOutcome, LinkReason

# Order ids shorter than this are too likely to be shared by two customers.
MIN_ORDER_ID = 6
# Bounds on the customer's reviews gathered by following links, so a name shared by many
# (a common nickname) cannot make one customer of half the store.
MAX_ROUNDS = 4
MAX_REVIEWS = 200
# What settles a case: an agreement the customer accepted, or their coming back.
SETTLING: frozenset[Agreement] = frozenset({"apology_only", "remedy_offered"})


# Names platforms show instead of a person; such reviews cannot be tied to a customer.
ANONYMOUS = frozenset(
    {
        "匿名用户",
        "匿名",
        "匿名顾客",
        "匿名网友",
        "美团用户",
        "饿了么用户",
        "anonymous",
        "a google user",
    }
)


def identifiable(author: str | None) -> bool:
    """Whether a review's author name can tie reviews to one customer: not empty, not a
    platform's anonymous placeholder, not masked (美团 shows names like 'j**3')."""
    if not author or not author.strip():
        return False
    name = author.strip()
    return name.lower() not in ANONYMOUS and "*" not in name


def _order(order_id: str | None) -> str | None:
    order = (order_id or "").strip()
    return order if len(order) >= MIN_ORDER_ID else None


async def case_of_complaint(session: AsyncSession, review_id: int) -> CustomerCase | None:
    return await session.scalar(select(CustomerCase).where(CustomerCase.review_id == review_id))


async def open_case(
    session: AsyncSession, review: Review, now: datetime, *, by: str = audit.SYSTEM
) -> CustomerCase:
    """The case of this complaint, opened now if it has none (idempotent, and safe when
    two people open it at once: the unique complaint keeps one, the other reads it)."""
    case = await case_of_complaint(session, review.id)
    if case is not None:
        return case
    try:
        async with session.begin_nested():
            return await _insert_case(session, review, now, by)
    except IntegrityError:
        case = await case_of_complaint(session, review.id)
        if case is None:
            raise
        return case


async def _insert_case(
    session: AsyncSession, review: Review, now: datetime, by: str
) -> CustomerCase:
    case = CustomerCase(
        store_id=review.store_id,
        review_id=review.id,
        platform=review.platform,
        author=review.author,
        complaint_rating=review.rating,
        status="open",
        opened_at=now,
        opened_by=by,
        attempts=0,
        follow_up_reminded=False,
    )
    session.add(case)
    await session.flush()
    session.add(
        CaseReview(
            case_id=case.id, review_id=review.id, reason="complaint", linked_at=now, linked_by=by
        )
    )
    audit.record(
        session,
        now,
        "case.opened",
        actor=by,
        store_id=review.store_id,
        review_id=review.id,
        case_id=case.id,
    )
    return case


async def link(
    session: AsyncSession,
    case: CustomerCase,
    review_id: int,
    reason: LinkReason,
    now: datetime,
    *,
    by: str = audit.SYSTEM,
) -> bool:
    """Tie a review to the case's customer; False if it already was."""
    exists = await session.scalar(
        select(CaseReview.id).where(
            CaseReview.case_id == case.id, CaseReview.review_id == review_id
        )
    )
    if exists is not None:
        return False
    session.add(
        CaseReview(case_id=case.id, review_id=review_id, reason=reason, linked_at=now, linked_by=by)
    )
    audit.record(
        session,
        now,
        "case.linked",
        actor=by,
        store_id=case.store_id,
        review_id=review_id,
        case_id=case.id,
        reason=reason,
    )
    return True


async def customer_reviews(session: AsyncSession, seed: Review) -> dict[int, LinkReason | None]:
    """Every review of the seed's customer in its store, with what links each (None: the
    seed itself), following the links from review to review within bounds."""
    found: dict[int, LinkReason | None] = {seed.id: None}
    frontier: list[Review] = [seed]
    for _ in range(MAX_ROUNDS):
        if not frontier or len(found) >= MAX_REVIEWS:
            break
        authors = {(r.platform, r.author) for r in frontier if identifiable(r.author)}
        orders = {o for r in frontier if (o := _order(r.order_id))}
        # Staff links and earlier automatic ones: every review of a case a frontier
        # review belongs to.
        cases = select(CaseReview.case_id).where(CaseReview.review_id.in_([r.id for r in frontier]))
        staff = dict(
            (
                await session.execute(
                    select(CaseReview.review_id, CaseReview.reason).where(
                        CaseReview.case_id.in_(cases)
                    )
                )
            ).all()
        )
        conditions = [
            and_(Review.platform == platform, Review.author == author)
            for platform, author in authors
        ]
        if orders:
            conditions.append(Review.order_id.in_(orders))
        if staff:
            conditions.append(Review.id.in_(list(staff)))
        if not conditions:
            break
        rows = (
            await session.scalars(
                select(Review)
                .where(Review.store_id == seed.store_id, or_(*conditions))
                .order_by(Review.id)
                .limit(MAX_REVIEWS)
            )
        ).all()
        frontier = []
        for row in rows:
            if row.id in found:
                continue
            found[row.id] = _reason(row, authors, orders, staff)
            frontier.append(row)
    return found


def _reason(
    row: Review,
    authors: set[tuple[str, str | None]],
    orders: set[str],
    links: dict[int, str],
) -> LinkReason:
    if (row.platform, row.author) in authors:
        return "author"
    if _order(row.order_id) in orders:
        return "order"
    return "staff" if links.get(row.id) == "staff" else "author"


async def cases_of(session: AsyncSession, review_ids: Iterable[int]) -> list[CustomerCase]:
    """The cases whose complaint is one of these reviews, oldest first."""
    return list(
        (
            await session.scalars(
                select(CustomerCase)
                .where(CustomerCase.review_id.in_(list(review_ids)))
                .order_by(CustomerCase.id)
            )
        ).all()
    )


async def review_stored(
    session: AsyncSession, review: Review, *, negative: bool, now: datetime
) -> list[CustomerCase]:
    """A review (new, or a new revision) was analyzed: link it to its customer's cases and
    mark the ones it shows the customer came back to. Returns the cases marked."""
    mine = await customer_reviews(session, review)
    marked: list[CustomerCase] = []
    for case in await cases_of(session, mine):
        if case.review_id == review.id:
            raised = (
                review.rating is not None
                and case.complaint_rating is not None
                and review.rating > case.complaint_rating
            )
            if raised and case.came_back is None:
                _came_back(session, case, review, "rating_raised", now)
                marked.append(case)
            continue
        complaint = await session.get(Review, case.review_id)
        if complaint is None or not _later(review, complaint):
            continue
        reason = mine[review.id] if mine[review.id] is not None else "author"
        await link(session, case, review.id, reason or "author", now)
        same_visit = _order(review.order_id) is not None and _order(review.order_id) == _order(
            complaint.order_id
        )
        higher = (
            review.rating is not None
            and case.complaint_rating is not None
            and review.rating > case.complaint_rating
        )
        if case.came_back is None and not same_visit and (not negative or higher):
            _came_back(session, case, review, "later_review", now)
            marked.append(case)
    return marked


def _later(review: Review, complaint: Review) -> bool:
    """Whether `review` was written after the complaint: by the platform's dates when both
    have one and they differ (a platform may date to the second, or to the day), else by
    when we first saw each."""
    written, before = review.created_at, complaint.created_at
    if written is not None and before is not None and written != before:
        return written > before
    return (review.first_seen_at, review.id) > (complaint.first_seen_at, complaint.id)


def _came_back(
    session: AsyncSession, case: CustomerCase, review: Review, how: str, now: datetime
) -> None:
    case.came_back = how  # type: ignore[assignment]
    case.came_back_at = now
    case.came_back_review_id = review.id
    _settle(case, now)
    audit.record(
        session,
        now,
        "case.came_back",
        store_id=case.store_id,
        review_id=case.review_id,
        case_id=case.id,
        how=how,
        later_review_id=review.id,
        rating=review.rating,
    )


def _settle(case: CustomerCase, now: datetime) -> None:
    if case.resolved_at is None:
        case.resolved_at = now
    case.status = "resolved"


def record_outcome(
    session: AsyncSession,
    case: CustomerCase,
    outcome: ContactOutcome,
    now: datetime,
    *,
    actor: str,
    name: str,
) -> None:
    """One call's outcome (the case keeps the latest; the first reach is kept apart)."""
    case.outcome = outcome
    case.outcome_at = now
    case.outcome_by = name
    case.attempts = (case.attempts or 0) + 1
    if outcome == "reached" and case.reached_at is None:
        case.reached_at = now
    audit.record(
        session,
        now,
        "case.outcome",
        actor=actor,
        store_id=case.store_id,
        review_id=case.review_id,
        case_id=case.id,
        outcome=outcome,
        attempt=case.attempts,
    )


def record_agreement(
    session: AsyncSession,
    case: CustomerCase,
    agreement: Agreement,
    now: datetime,
    *,
    actor: str,
    name: str,
    note: str | None = None,
) -> None:
    """What was agreed in private; apology or remedy accepted settles the case."""
    before = case.agreement
    case.agreement = agreement
    case.agreement_note = note
    case.agreement_at = now
    case.agreement_by = name
    if agreement in SETTLING:
        _settle(case, now)
    elif case.came_back is None:  # a settlement taken back: the case is open again
        case.status = "open"
        case.resolved_at = None
    audit.record(
        session,
        now,
        "case.agreement",
        actor=actor,
        store_id=case.store_id,
        review_id=case.review_id,
        case_id=case.id,
        agreement=agreement,
        before=before,
        note=note,
    )


def set_follow_up(
    session: AsyncSession,
    case: CustomerCase,
    when: datetime | None,
    now: datetime,
    *,
    actor: str,
    name: str,
) -> None:
    """A follow-up date (None: none); a new date is reminded of anew."""
    before = case.follow_up_at
    case.follow_up_at = when
    case.follow_up_by = name if when else None
    case.follow_up_reminded = False
    audit.record(
        session,
        now,
        "case.follow_up_set",
        actor=actor,
        store_id=case.store_id,
        review_id=case.review_id,
        case_id=case.id,
        due=when.isoformat() if when else None,
        before=before.isoformat() if before else None,
    )


async def due_follow_ups(
    session: AsyncSession, now: datetime, limit: int = 100
) -> list[CustomerCase]:
    """Cases whose follow-up date has come and that nobody was reminded of yet, locked
    for this transaction (another replica skips them)."""
    return list(
        (
            await session.scalars(
                select(CustomerCase)
                .where(
                    CustomerCase.follow_up_reminded.is_(False),
                    CustomerCase.follow_up_at.is_not(None),
                    CustomerCase.follow_up_at <= now,
                )
                .order_by(CustomerCase.follow_up_at, CustomerCase.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()
    )
