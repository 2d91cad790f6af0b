"""Thank-you replies to positive reviews, posted a batch at a time (/thanks in chat).

Positive reviews raise no alert: their drafts wait until someone asks for them, a page at
a time, oldest first. A page is kept as a `ReplyBatch` row, so a press posts exactly the
drafts that page showed (by draft id), and a second press, or a colleague's, finds the
batch decided and posts nothing. Each reply goes through `actions.approve`, the path a
card's ✅ takes: the guardrails run on each draft, the outbox posts it, and a review a
colleague handled meanwhile is left alone and reported. Nothing here knows about Telegram.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.store import audit, verdicts
from reviewbot.store.outbox import queue_alert_update
from reviewbot.store.schema import Analysis, Draft, ReplyBatch, Review
from reviewbot.text import clip_utf16
from reviewbot.vocab import OPEN_STATES
from reviewbot.workflow import actions
from reviewbot.workflow.actions import NOT_CURRENT, ROLE_NAMES, Actor, NotAllowed
from reviewbot.workflow.cards import FIELD_UNITS
from reviewbot.workflow.directory import Directory

OPEN, POSTED, IGNORED, REPLACED = "open", "posted", "ignored", "replaced"
SENDING, DELIVERED, FAILED = "sending", "delivered", "failed"  # an approved reply's fate
WITHDRAWN = "withdrawn"  # not posted: the customer changed the review first
DECIDED = {POSTED: "发布了", IGNORED: "忽略了", REPLACED: "换成了新的一批"}
SCAN = 5  # candidates read per slot of a page: drafts that cannot be posted are passed over
BLOCKED_SHOWN = 5  # drafts that cannot be posted, named on a page (the rest are counted)
EXCERPT_UNITS = 40  # UTF-16 units of the review a page quotes
DRAFT_UNITS = 600  # of a draft: a longer one is shown clipped (the whole one is posted)
NOTE_UNITS = 150  # of the reason an item was not posted
STALE = "列出后草稿有变，这条没有发布：请重新发送 /thanks 查看新的草稿。"
STALE_IGNORE = "列出后评价或草稿有变，这条没有忽略：请看它的卡片或重新发送 /thanks。"


@dataclass(slots=True)
class Item:
    """One draft on a page, as shown (JSON in `reply_batches.items`), and its outcome."""

    n: int
    review_id: int
    draft_id: int
    store_id: str
    rating: float | None
    excerpt: str
    draft: str
    clipped: bool = False
    skipped_by: str = ""
    # "posted", "skipped", "handled" (a colleague was first), "blocked" (guardrails),
    # "stale" (the draft changed), "refused" (role), "read_only", "ignored"; "" while open.
    result: str = ""
    note: str = ""


@dataclass(slots=True)
class Notes:
    """What a page says besides its items (JSON in `reply_batches.notes`)."""

    total: int = 0  # open positive reviews with a draft, on platforms that take replies
    remaining: int = 0  # of those, not on this page
    blocked: list[list] = field(default_factory=list)  # [review id, why it cannot go]
    blocked_more: int = 0  # more of those than the page names
    read_only: dict[str, int] = field(default_factory=dict)  # platform: open positive reviews
    wrapped: bool = False  # "换一批" reached the end and started over


@dataclass(slots=True)
class Page:
    items: list[Item]
    notes: Notes


@dataclass(frozen=True, slots=True)
class View:
    """A batch as a chat message shows it."""

    items: list[Item]
    notes: Notes
    status: str
    decided_by: str | None
    decided_at: str  # in the first store's local time
    store_names: dict[str, str]  # filled only when the page spans several stores
    # How each approved item fares on the platform, by draft id: SENDING, DELIVERED,
    # FAILED or WITHDRAWN (read from the drafts, which the outbox updates; empty when not
    # known).
    delivery: dict[int, str] = field(default_factory=dict)


def _latest(model: type[Analysis] | type[Draft], *where) -> object:
    return (
        select(func.max(model.id))
        .where(model.review_id == Review.id, *where)
        .correlate(Review)
        .scalar_subquery()
    )


def _positive(stores: Sequence[str]) -> Select:
    """Open positive reviews of `stores` whose current draft (or failed reply) waits: the
    ones no alert was raised for (a mixed review with a complaint has its card)."""
    analysis = _latest(Analysis, Analysis.revision == Review.revision)
    draft = _latest(Draft, Draft.status.not_in(NOT_CURRENT))
    return (
        select(Review, Draft)
        .join(Analysis, Analysis.id == analysis)
        .join(Draft, Draft.id == draft)
        .where(
            Review.store_id.in_(list(stores)),
            Review.status == "open",
            Review.reply_text.is_(None),
            Review.is_visible.is_(True),
            Review.needs_processing.is_(False),
            Analysis.polarity == "positive",
            Analysis.negative.is_(False),
            # a flag staff cleared (👌 不是恶意) no longer keeps a review out of the batch
            or_(Analysis.malicious.is_(False), verdicts.cleared_clause()),
            Analysis.severity != "critical",
            Draft.revision == Review.revision,
            Draft.status.in_(("proposed", "failed")),
        )
    )


async def waiting(session: AsyncSession, directory: Directory, stores: Sequence[str]) -> int:
    """How many thank-you drafts wait in `stores` on platforms that take replies."""
    postable = _positive(stores).where(Review.source_id.not_in(directory.read_only_sources()))
    return await session.scalar(select(func.count()).select_from(postable.subquery())) or 0


async def _why_not(
    session: AsyncSession, directory: Directory, actor: Actor, review: Review, draft: Draft
) -> str | None:
    """Why this draft cannot be posted from a page as it stands (None: it can)."""
    if draft.status == "failed":
        return "上次发布到平台失败，请修改或换一版后再发布"
    needed = actions.required_role(await actions.current_reading(session, review), draft)
    if not actor.at_least(needed, review.store_id):
        return f"需要{ROLE_NAMES[needed]}或以上权限才能发布"
    violations = await actions.guardrail_violations(
        session,
        review,
        draft.text,
        directory.profile(review.store_id),
        directory.reply_limits(review.source_id),
        quotes=draft.quotes,
        learned=actions.written(draft),
    )
    return actions.explain(violations) if violations else None


def _item(n: int, review: Review, draft: Draft) -> Item:
    text = " ".join((review.text or "").split()) or "（只有评分，没有文字）"
    shown = clip_utf16(draft.text.strip(), DRAFT_UNITS)
    return Item(
        n=n,
        review_id=review.id,
        draft_id=draft.id,
        store_id=review.store_id,
        rating=review.rating,
        excerpt=clip_utf16(text, EXCERPT_UNITS),
        draft=shown,
        clipped=shown != draft.text.strip(),
    )


async def list_page(
    session: AsyncSession,
    directory: Directory,
    actor: Actor,
    stores: Sequence[str],
    *,
    size: int,
    passed: Sequence[int] = (),
) -> Page:
    """The oldest `size` drafts `actor` can post in `stores`, past the `passed` reviews
    (starting over once there are none left past them)."""
    read_only = directory.read_only_sources()
    postable = _positive(stores).where(Review.source_id.not_in(read_only))
    notes = Notes()
    notes.total = await waiting(session, directory, stores)
    by_platform = (
        _positive(stores)
        .where(Review.source_id.in_(read_only))
        .with_only_columns(Review.platform)
        .subquery()
    )
    counted = select(by_platform.c.platform, func.count()).group_by(by_platform.c.platform)
    notes.read_only = {platform: n for platform, n in (await session.execute(counted)).all()}
    items: list[Item] = []
    rows = (
        await session.execute(
            postable.where(Review.id.not_in(list(passed)))
            .order_by(Review.first_seen_at, Review.id)
            .limit(size * SCAN)
        )
    ).all()
    for review, draft in rows:
        if len(items) == size:
            break
        reason = await _why_not(session, directory, actor, review, draft)
        if reason is None:
            items.append(_item(len(items) + 1, review, draft))
        elif len(notes.blocked) < BLOCKED_SHOWN:
            notes.blocked.append([review.id, clip_utf16(reason, NOTE_UNITS)])
        else:
            notes.blocked_more += 1
    if passed and not items and not notes.blocked and notes.total:
        page = await list_page(session, directory, actor, stores, size=size)
        page.notes.wrapped = True
        return page
    return Page(items, notes)


async def preview(session: AsyncSession, directory: Directory, store_id: str, size: int) -> Page:
    """The store's oldest `size` thank-you drafts, as a channel is sent them unasked (with
    the daily digest): no one's role is checked here, whoever acts on them is, where they
    act (/thanks, the console)."""
    postable = _positive([store_id]).where(
        Review.source_id.not_in(directory.read_only_sources()),
        Draft.status == "proposed",  # a reply the platform refused is fixed on its own first
    )
    rows = await session.execute(postable.order_by(Review.first_seen_at, Review.id).limit(size))
    items = [_item(n, review, draft) for n, (review, draft) in enumerate(rows.all(), 1)]
    total = await waiting(session, directory, [store_id])
    return Page(items, Notes(total=total, remaining=max(0, total - len(items))))


async def offer(session: AsyncSession, page: Page, store_id: str, now: datetime) -> str:
    """A page sent to a chat app unasked, kept as a batch so its buttons post exactly what
    it shows: the batch's token. Whoever presses is checked then, item by item, as on a
    /thanks page (the batch has no chat: a chat app checks its group itself)."""
    batch = create(session, page, Actor("reviewbot", "reviewbot", {}), [store_id], 0, now)
    await session.flush()
    return batch.token


def fit(page: Page, shown: int) -> Page:
    """The page cut to its first `shown` items (a chat message holds only so much)."""
    notes = Notes(**asdict(page.notes))
    notes.remaining = notes.total - shown - len(notes.blocked) - notes.blocked_more
    return Page(page.items[:shown], notes)


def create(
    session: AsyncSession,
    page: Page,
    actor: Actor,
    stores: Sequence[str],
    chat_id: int,
    now: datetime,
    passed: Sequence[int] = (),
) -> ReplyBatch:
    batch = ReplyBatch(
        token=secrets.token_urlsafe(12),
        chat_id=chat_id,
        stores=list(stores),
        items=[asdict(item) for item in page.items],
        notes=asdict(page.notes),
        passed=list(passed),
        status=OPEN,
        created_by=actor.id,
        created_at=now,
    )
    session.add(batch)
    return batch


def items_of(batch: ReplyBatch) -> list[Item]:
    return [Item(**item) for item in batch.items]


def view(batch: ReplyBatch, directory: Directory, delivery: dict[int, str] | None = None) -> View:
    when = ""
    if batch.decided_at is not None and batch.stores:
        zone = ZoneInfo(directory.timezone(batch.stores[0]))
        when = batch.decided_at.astimezone(zone).strftime("%m-%d %H:%M")
    return _view(
        items_of(batch),
        Notes(**batch.notes),
        batch.status,
        batch.decided_by,
        when,
        directory,
        delivery,
    )


async def delivery_of(session: AsyncSession, batch: ReplyBatch) -> dict[int, str]:
    """Where each reply the batch approved stands: still queued or retrying, on the
    platform, or refused by it or withdrawn (its review reopened)."""
    approved = [item.draft_id for item in items_of(batch) if item.result == "posted"]
    if not approved:
        return {}
    rows = await session.execute(select(Draft.id, Draft.status).where(Draft.id.in_(approved)))
    fate = {"posted": DELIVERED, "failed": FAILED, "superseded": WITHDRAWN}
    return {draft_id: fate.get(status, SENDING) for draft_id, status in rows.all()}


def page_view(page: Page, directory: Directory) -> View:
    return _view(page.items, page.notes, OPEN, None, "", directory)


def _view(
    items: list[Item],
    notes: Notes,
    status: str,
    decided_by: str | None,
    when: str,
    directory: Directory,
    delivery: dict[int, str] | None = None,
) -> View:
    stores = {item.store_id for item in items}
    names = {}
    if len(stores) > 1:
        for store_id in stores:
            store = directory.store(store_id)
            names[store_id] = clip_utf16(store.name if store else store_id, FIELD_UNITS["store"])
    return View(items, notes, status, decided_by, when, names, delivery or {})


async def locked(session: AsyncSession, token: str) -> ReplyBatch | None:
    """The batch a button names, locked for the rest of the transaction: presses on one
    batch are decided one after another, whichever replica takes them."""
    batch_id = await session.scalar(select(ReplyBatch.id).where(ReplyBatch.token == token))
    if batch_id is None:
        return None
    return await session.get(ReplyBatch, batch_id, with_for_update=True, populate_existing=True)


def decided(batch: ReplyBatch, directory: Directory) -> str:
    """What a late press is told: who decided this batch, and when."""
    shown = view(batch, directory)
    what = DECIDED.get(batch.status, "处理了")
    return f"这一批已由 {batch.decided_by or '他人'} 于 {shown.decided_at} {what}。"


def thankable(analysis: Analysis | None) -> bool:
    """A review a thank-you page may list (and decide): read as positive, with nothing
    that needs a card (the same test as `_positive`)."""
    return (
        analysis is not None
        and analysis.polarity == "positive"
        and not analysis.negative
        and not analysis.malicious
        and analysis.severity != "critical"
    )


async def _as_listed(session: AsyncSession, item: Item) -> bool:
    """Whether an item's review is still what its page showed, checked under the review's
    lock: open, read at its current revision as positive, with the listed draft current.
    A customer who turned praise into a complaint since gets a card, not a page's press."""
    review = await session.get(Review, item.review_id, with_for_update=True, populate_existing=True)
    if review is None or review.needs_processing:
        return False
    draft = await actions.current_draft(session, review.id)
    if draft is None or draft.id != item.draft_id or draft.revision != review.revision:
        return False
    return thankable(await actions.current_analysis(session, review))


def _decide(batch: ReplyBatch, items: list[Item], status: str, actor: Actor, now: datetime) -> None:
    batch.items = [asdict(item) for item in items]
    batch.status = status
    batch.decided_by = actor.name
    batch.decided_at = now


async def post(
    session: AsyncSession,
    batch: ReplyBatch,
    actor: Actor,
    now: datetime,
    directory: Directory,
    allowed: Callable[[str], bool],
) -> list[Item]:
    """Approve every listed draft not skipped, each through `actions.approve`, in review
    order (so two batches sharing a review lock in the same order). `allowed`: whether
    the actor may act for a store where the batch was pressed."""
    items = items_of(batch)
    for item in sorted(items, key=lambda i: i.review_id):
        if item.skipped_by:
            item.result = "skipped"
            continue
        review = await session.get(Review, item.review_id)
        assert review is not None  # reviews are never deleted
        if not allowed(item.store_id):
            item.result, item.note = "refused", "抱歉，您没有这家门店的权限。"
            continue
        if not directory.can_reply(review.source_id):
            item.result, item.note = "read_only", "该平台不支持接口回复，请在商家后台手动回复。"
            continue
        if review.status in OPEN_STATES and not await _as_listed(session, item):
            item.result, item.note = "stale", STALE
            continue
        try:
            outcome = await actions.approve(
                session,
                item.review_id,
                actor,
                now,
                store=directory.profile(item.store_id),
                draft_id=item.draft_id,
                limits=directory.reply_limits(review.source_id),
                zone=ZoneInfo(directory.timezone(item.store_id)),
                batch_id=batch.id,
            )
        except NotAllowed as exc:
            item.result, item.note = "refused", str(exc)
            continue
        item.result = "posted" if outcome.ok else (outcome.code or "blocked")
        item.note = clip_utf16(STALE if item.result == "stale" else outcome.message, NOTE_UNITS)
        if outcome.changed:  # its card, where it has one, shows the reply too
            await queue_alert_update(session, item.review_id, now, "thanks:post")
    _decide(batch, items, POSTED, actor, now)
    audit.record(
        session,
        now,
        "thanks.posted",
        actor=actor.id,
        batch_id=batch.id,
        **_by_result(items),
    )
    return items


async def ignore(
    session: AsyncSession,
    batch: ReplyBatch,
    actor: Actor,
    now: datetime,
    directory: Directory,
    allowed: Callable[[str], bool],
) -> list[Item]:
    """Ignore every listed review not skipped: no thank-you will be posted for them."""
    items = items_of(batch)
    for item in sorted(items, key=lambda i: i.review_id):
        if item.skipped_by:
            item.result = "skipped"
            continue
        if not allowed(item.store_id):
            item.result, item.note = "refused", "抱歉，您没有这家门店的权限。"
            continue
        zone = ZoneInfo(directory.timezone(item.store_id))
        review = await session.get(Review, item.review_id)
        assert review is not None  # reviews are never deleted
        if review.status in OPEN_STATES and not await _as_listed(session, item):
            item.result, item.note = "stale", STALE_IGNORE
            continue
        try:
            outcome = await actions.ignore(session, item.review_id, actor, now, zone=zone)
        except NotAllowed as exc:
            item.result, item.note = "refused", str(exc)
            continue
        item.result = "ignored" if outcome.ok else (outcome.code or "handled")
        item.note = "" if outcome.ok else clip_utf16(outcome.message, NOTE_UNITS)
        if outcome.changed:
            await queue_alert_update(session, item.review_id, now, "thanks:ignore")
    _decide(batch, items, IGNORED, actor, now)
    audit.record(
        session, now, "thanks.ignored", actor=actor.id, batch_id=batch.id, **_by_result(items)
    )
    return items


def skip(session: AsyncSession, batch: ReplyBatch, n: int, actor: Actor, now: datetime) -> bool:
    """Leave item `n` out of the batch (it stays open, for a later page); False if it is
    not on the batch or already left out."""
    items = items_of(batch)
    item = next((i for i in items if i.n == n), None)
    if item is None or item.skipped_by:
        return False
    item.skipped_by = actor.name
    batch.items = [asdict(i) for i in items]
    audit.record(
        session,
        now,
        "thanks.skipped",
        actor=actor.id,
        store_id=item.store_id,
        review_id=item.review_id,
        batch_id=batch.id,
    )
    return True


def replace(batch: ReplyBatch, actor: Actor, now: datetime) -> list[int]:
    """Retire a page for the next one; returns the reviews shown so far."""
    shown = [item.review_id for item in items_of(batch)]
    shown += [review_id for review_id, _ in Notes(**batch.notes).blocked]
    _decide(batch, items_of(batch), REPLACED, actor, now)
    return [*batch.passed, *shown]


def _by_result(items: list[Item]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for item in items:
        out.setdefault(item.result, []).append(item.review_id)
    return out
