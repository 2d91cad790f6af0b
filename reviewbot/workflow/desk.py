"""The staff desk: everything a chat front end (or the web console) can ask of the
workflow, in front-end terms (ids, actors, short Chinese answers), never database rows.

A front end renders cards and turns taps, replies and commands into these calls; what is
allowed, what is recorded and what is queued is decided here, once for every front end.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy import update as sql_update
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.clock import Clock
from reviewbot.config import Settings
from reviewbot.replies.engine import TemplateDrafter
from reviewbot.replies.model import ModelDrafter, fallback_note
from reviewbot.reporting import metrics
from reviewbot.reporting.summary import stats_text
from reviewbot.store import audit, leases, outbox
from reviewbot.store.alerts import create_alert
from reviewbot.store.db import SessionFactory
from reviewbot.store.outbox import queue_alert_update
from reviewbot.store.schema import Alert, Crisis, OutboxMessage, ReplyBatch, Review, Store
from reviewbot.vocab import OPEN_STATES
from reviewbot.workflow import actions, thanks
from reviewbot.workflow.access import Access
from reviewbot.workflow.actions import Actor, NotAllowed, Outcome
from reviewbot.workflow.cards import AlertView, CardRef, card_of, load_alert_view, reply_deadline
from reviewbot.workflow.cases import Cases
from reviewbot.workflow.crisis import close_crisis, tally, trigger_name
from reviewbot.workflow.directory import Directory
from reviewbot.workflow.edits import Edits
from reviewbot.workflow.signin import SignIn

log = logging.getLogger(__name__)

# What a card's buttons do (the edit conversation has its own calls in `Desk.edits`).
CardAction = Literal[
    "approve",
    "regenerate",
    "contacted",
    "malicious",
    "not_malicious",
    "ignore",
    "undo_ignore",
    "snooze",
    "ask_manager",
]
ThanksAction = Literal["post", "next", "ignore", "skip"]
PENDING_SHOWN = 20  # reviews /pending lists (it counts them all)
PENDING_SORTED = 500  # the oldest open reviews ranked by deadline (a backlog beyond is rare)


@dataclass(frozen=True, slots=True)
class PendingReview:
    review_id: int
    rating: float | None
    text: str | None
    first_seen_at: datetime
    deadline: datetime | None


@dataclass(frozen=True, slots=True)
class Pending:
    total: int
    reviews: list[PendingReview]
    thanks_waiting: int


@dataclass(frozen=True, slots=True)
class ThanksAnswer:
    """A press on a /thanks page: the answer, whether as an alert, the page's new view
    (None: leave the message) and the token its buttons carry from now on."""

    text: str
    alert: bool
    view: thanks.View | None = None
    token: str | None = None


class Desk:
    def __init__(
        self,
        settings: Settings,
        directory: Directory,
        sessions: SessionFactory,
        clock: Clock,
        drafter: TemplateDrafter,
        *,
        edit_timeout: timedelta,
        kick_outbox: Callable[[], None] = lambda: None,
        model: ModelDrafter | None = None,
    ) -> None:
        self.model = model  # AI drafting, for the stores that use it (directory.drafting)
        self.settings = settings
        self.directory = directory
        self.sessions = sessions
        self.clock = clock
        self.drafter = drafter
        self.kick_outbox = kick_outbox
        self.access = Access(directory, sessions)
        self.edits = Edits(directory, sessions, clock, timeout=edit_timeout)
        self.cases = Cases(directory, sessions, clock)
        self.signin = SignIn(
            directory,
            sessions,
            clock,
            link_ttl=timedelta(minutes=settings.web.link_minutes),
            session_ttl=timedelta(hours=settings.web.session_hours),
        )
        # Where the web console answers (its public_url, else the address it listens on
        # once started); None: no console, /web says so.
        self.web_base: str | None = None

    def zone(self, store_id: str) -> ZoneInfo:
        """The store's time zone: every time people are told is in their local time."""
        return ZoneInfo(self.directory.timezone(store_id))

    # -- cards -----------------------------------------------------------------------

    async def card(self, token: str) -> CardRef | None:
        async with self.sessions() as session:
            return await card_of(session, token)

    async def view(self, alert_id: int) -> AlertView:
        async with self.sessions() as session:
            return await load_alert_view(session, alert_id, self.directory)

    async def card_for(
        self, actor: Actor, review_id: int, stores: list[str] | None = None
    ) -> int | None:
        """The card of a review someone asked for (/review): its latest alert, or a new
        one for a review that needed none (a positive one, say). None: not theirs, or not
        of `stores` (the ones the chat asked in speaks for)."""
        async with self.sessions() as session, session.begin():
            review = await session.get(Review, review_id)
            if review is None or not actor.covers(review.store_id):
                return None
            if stores is not None and review.store_id not in stores:
                return None
            alert = await session.scalar(
                select(Alert).where(Alert.review_id == review_id).order_by(Alert.id.desc()).limit(1)
            )
            if alert is None:
                alert = await create_alert(
                    session, review, kind="requested", now=self.clock.now(), deliver=False
                )
            return alert.id

    async def card_shown(self, alert_id: int, actor: Actor, chat_id: int, message_id: int) -> None:
        """A card was sent to someone who asked for it: redraws reach that copy too."""
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            alert = await session.get(Alert, alert_id)
            if alert is None:
                return
            ref = dict(alert.message_ref or {})
            ref["messages"] = [*ref.get("messages", []), [chat_id, message_id]]
            alert.message_ref = ref
            if alert.status != "sent":
                alert.status, alert.sent_at = "sent", now
            audit.record(
                session,
                now,
                "alert.shown",
                actor=actor.id,
                store_id=alert.store_id,
                review_id=alert.review_id,
                alert_id=alert.id,
                chat_id=chat_id,
            )

    async def redraw(self, review_id: int, reason: str) -> None:
        async with self.sessions() as session, session.begin():
            await queue_alert_update(session, review_id, self.clock.now(), reason)
        self.kick_outbox()

    # -- what a card's buttons do ---------------------------------------------------------

    async def posting(self, card: CardRef) -> dict:
        """What posting a reply on this card's review needs to know (the platform's
        rules, the store's facts and time zone)."""
        async with self.sessions() as session:
            review = await session.get(Review, card.review_id)
        return {
            "can_reply": self.directory.can_reply(review.source_id) if review else True,
            "store": self.directory.profile(card.store_id),
            "limits": self.directory.reply_limits(review.source_id) if review else None,
            "zone": self.zone(card.store_id),
        }

    async def act(
        self, action: CardAction, card: CardRef, actor: Actor, *, draft_id: int | None = None
    ) -> Outcome:
        """A button on a card, pressed by someone allowed to press it there (a front end
        asks `access.card_allowed` first). A role too low is refused politely (and
        audited); a change redraws every copy of the card. Before 🔁, a front end closes
        expired edits (an abandoned edit must not hold the draft) and says so. `draft_id`:
        the draft the presser was shown, where the front end knows it (✅ posts that one
        or nothing, never a draft that replaced it since)."""
        return await self.guarded(
            action, card, actor, lambda: self._do(action, card, actor, draft_id)
        )

    async def confirm_edit(
        self, card: CardRef, actor: Actor, chat_id: int, user_id: int, pressed: int | None
    ) -> Outcome:
        posting = await self.posting(card)
        return await self.guarded(
            "confirm",
            card,
            actor,
            lambda: self.edits.confirm(card, actor, chat_id, user_id, pressed, posting),
        )

    async def guarded(
        self, what: str, card: CardRef, actor: Actor, run: Callable[[], Awaitable[Outcome]]
    ) -> Outcome:
        """Run an action: a refusal is audited and answered politely, a change redraws
        every copy of the card (in chat and for the web console alike)."""
        try:
            outcome = await run()
        except NotAllowed as exc:
            await self.access.refused(
                self.clock.now(),
                actor.id,
                what,
                store_id=card.store_id,
                review_id=card.review_id,
                reason=str(exc),
            )
            return Outcome(False, str(exc))
        if outcome.changed:  # queued before answering, so the answer means "recorded"
            await self.redraw(card.review_id, f"button:{what}")
        return outcome

    async def _do(
        self, action: CardAction, card: CardRef, actor: Actor, draft_id: int | None = None
    ) -> Outcome:
        """Each button is one action of `workflow.actions`, in one transaction (🔁 in two,
        around its model call)."""
        if action == "regenerate":
            return await self._regenerate(card, actor)
        now, review_id, zone = self.clock.now(), card.review_id, self.zone(card.store_id)
        posting = await self.posting(card) if action in ("approve", "not_malicious") else {}

        run: dict[CardAction, Callable[[AsyncSession], Awaitable[Outcome]]] = {
            "approve": lambda s: actions.approve(
                s, review_id, actor, now, draft_id=draft_id, **posting
            ),
            "contacted": lambda s: actions.mark_contacted(s, review_id, actor, now, zone=zone),
            "malicious": lambda s: actions.mark_malicious(
                s,
                review_id,
                actor,
                now,
                drafter=self.drafter,
                profile=self.directory.profile(card.store_id),
            ),
            "not_malicious": lambda s: actions.clear_malicious(
                s,
                review_id,
                actor,
                now,
                drafter=self.drafter,
                profile=self.directory.profile(card.store_id),
                limits=posting.get("limits"),
                zone=zone,
            ),
            "ignore": lambda s: actions.ignore(s, review_id, actor, now, zone=zone),
            "undo_ignore": lambda s: actions.undo_ignore(s, review_id, actor, now),
            "snooze": lambda s: actions.snooze(s, review_id, actor, now),
            "ask_manager": lambda s: actions.ask_manager(
                s, review_id, actor, now, zone=zone, name_of=self.directory.name_of
            ),
        }
        async with self.sessions() as session, session.begin():
            return await run[action](session)

    async def _regenerate(self, card: CardRef, actor: Actor) -> Outcome:
        """🔁: the checks and the template variant in one short transaction, the model
        (with AI drafting on) asked with none open, then the draft kept in another short
        one if the review is still as it was: a model call of up to its timeout must not
        hold the review's lock (nor SQLite's write lock) while colleagues, the pipeline
        and the outbox wait on it."""
        zone, store_id = self.zone(card.store_id), card.store_id
        profile, name_of = self.directory.profile(store_id), self.directory.name_of
        async with self.sessions() as session:
            review = await session.get(Review, card.review_id)
        limits = self.directory.reply_limits(review.source_id) if review else None
        endpoint = self.directory.drafting(store_id) if self.model is not None else None
        async with self.sessions() as session, session.begin():
            started = await actions.start_regenerate(
                session,
                card.review_id,
                actor,
                self.clock.now(),
                drafter=self.drafter,
                profile=profile,
                limits=limits,
                zone=zone,
                name_of=name_of,
            )
            if isinstance(started, Outcome):
                return started
            if self.model is None or endpoint is None:  # nothing slow: one transaction
                return await actions.finish_regenerate(
                    session, started, started.variant, actor, self.clock.now(), zone=zone
                )
        try:
            async with asyncio.timeout(endpoint.timeout + 1.0):  # the client's own, and a margin
                drafted = await self.model.draft(
                    started.variant,
                    started.text,
                    started.analysis,
                    profile,
                    endpoint,
                    recent=started.previous,
                    limits=limits,
                )
        except Exception:
            log.exception("AI drafting for review %d failed", card.review_id)
            drafted = replace(started.variant, model=endpoint.model, note=fallback_note("other"))
        async with self.sessions() as session, session.begin():
            return await actions.finish_regenerate(
                session, started, drafted, actor, self.clock.now(), zone=zone, name_of=name_of
            )

    async def appeal(self, review_id: int) -> actions.AppealSheet | None:
        """The appeal of a review marked malicious, to send where it was marked."""
        async with self.sessions() as session:
            return await actions.appeal_sheet(session, review_id)

    # -- commands -------------------------------------------------------------------------

    async def pending(self, stores: list[str]) -> Pending:
        """The open reviews of these stores, the most urgent first: the nearest reply
        deadline (past ones first), then the ones without a window, oldest first."""
        where = (
            Review.store_id.in_(stores),
            Review.status.in_(OPEN_STATES),
            Review.id.in_(select(Alert.review_id)),
        )
        async with self.sessions() as session:
            total = await session.scalar(select(func.count()).select_from(Review).where(*where))
            reviews = (
                await session.scalars(
                    select(Review)
                    .where(*where)
                    .order_by(Review.first_seen_at, Review.id)
                    .limit(PENDING_SORTED)
                )
            ).all()
            rows = [
                PendingReview(
                    r.id,
                    r.rating,
                    r.text,
                    r.first_seen_at,
                    await reply_deadline(session, r, self.directory),
                )
                for r in reviews
            ]
            waiting = await thanks.waiting(session, self.directory, stores)
        rows.sort(key=_urgency)
        return Pending(total or 0, rows[:PENDING_SHOWN], waiting)

    async def today(self, store_id: str) -> str:
        """Today's figures from the metrics module, the same ones the digest shows."""
        scope = metrics.today_scope(self.settings, [store_id], self.clock.now())
        async with self.sessions() as session:
            figures = await metrics.figures(session, self.settings, scope, quotes=1)
            open_now = await metrics.open_alerted(session, [store_id])
        store = self.directory.store(store_id)
        return stats_text(figures, store.name if store else store_id, open_now)

    async def mute(self, actor: Actor, stores: list[str], duration: timedelta) -> datetime:
        """Hold non-critical alerts of these stores until then; returns when."""
        now = self.clock.now()
        until = now + duration
        async with self.sessions() as session, session.begin():
            await session.execute(
                sql_update(Store)
                .where(Store.id.in_(stores))
                .values(muted_until=until, muted_by=actor.name)
            )
            for store_id in stores:
                audit.record(
                    session,
                    now,
                    "store.muted",
                    actor=actor.id,
                    store_id=store_id,
                    until=until.isoformat(),
                )
        return until

    def local_times(self, stores: list[str], when: datetime) -> str:
        """`when` as the stores' people read it ("%H:%M"): one time, or where the stores
        keep different time zones, each store's."""
        shown = {
            (store.name if (store := self.directory.store(s)) else s): (
                f"{when.astimezone(self.zone(s)):%H:%M}"
            )
            for s in stores
        }
        if len(set(shown.values())) <= 1:
            return next(iter(shown.values()), "")
        return "、".join(f"{time}（{name}）" for name, time in shown.items())

    async def unmute(self, actor: Actor, stores: list[str]) -> None:
        """Lift a mute: what it held goes out now, in order."""
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            await session.execute(
                sql_update(Store)
                .where(Store.id.in_(stores))
                .values(muted_until=None, muted_by=None)
            )
            held = [outbox.held_by_mute(outbox.chat_destination(s)) for s in stores]
            await session.execute(
                sql_update(OutboxMessage)
                .where(
                    or_(*held),
                    OutboxMessage.status == outbox.PENDING,
                    OutboxMessage.next_attempt_at > now,
                )
                .values(next_attempt_at=now)
            )
            for store_id in stores:
                audit.record(session, now, "store.unmuted", actor=actor.id, store_id=store_id)
        self.kick_outbox()

    async def crises(self, stores: list[str]) -> list[str]:
        """One entry per open crisis of these stores, with its running tally."""
        async with self.sessions() as session:
            crises = (
                await session.scalars(
                    select(Crisis).where(Crisis.store_id.in_(stores), Crisis.status == "open")
                )
            ).all()
            tallies = [await tally(session, crisis) for crisis in crises]
        lines = []
        for crisis, counted in zip(crises, tallies, strict=True):
            store = self.directory.store(crisis.store_id)
            zone = self.zone(crisis.store_id)
            reasons = "；".join(trigger_name(t) for t in crisis.triggers)
            reviews = " ".join(f"#{r}" for r in crisis.review_ids[:10])
            more = f" 等 {len(crisis.review_ids)} 条" if len(crisis.review_ids) > 10 else ""
            lines.append(
                f"🚨 {store.name if store else crisis.store_id}："
                f"{crisis.started_at.astimezone(zone):%m-%d %H:%M} 开始。"
                f"原因：{reasons}。评价：{reviews}{more}\n" + counted.line(crisis.started_at, zone)
            )
        return lines

    async def close_crisis(self, actor: Actor, stores: list[str], summary: str) -> str | None:
        """`/crisis close [门店] 处理结果`: the answer naming the store whose crisis closed;
        when several of `stores` have one open, the store must lead the summary (the
        answer lists the choices otherwise). None: no crisis is open in `stores`."""
        async with self.sessions() as session, session.begin():
            open_in = list(
                await session.scalars(
                    select(Crisis.store_id)
                    .where(Crisis.store_id.in_(stores), Crisis.status == "open")
                    .order_by(Crisis.started_at)
                )
            )
            if not open_in:
                return None
            names = {s: (store.name if (store := self.directory.store(s)) else s) for s in open_in}
            named = [
                (len(key), s)
                for s in open_in
                for key in {s, names[s]}
                if summary.startswith(key) and summary[len(key) :].strip(" ：:，,")
            ]
            if named:
                length, chosen = max(named)
                summary = summary[length:].strip(" ：:，,")
            elif len(open_in) == 1:
                chosen = open_in[0]
            else:
                listed = "、".join(names[s] for s in open_in)
                return (
                    f"{len(open_in)} 家门店的危机正在进行：{listed}。请写明结束哪一家，"
                    f"例如：/crisis close {names[open_in[0]]} 已送检，结果正常，已联系顾客"
                )
            await close_crisis(session, [chosen], actor.id, actor.name, summary, self.clock.now())
        self.kick_outbox()
        return f"已结束危机（{names[chosen]}），处理记录已保存。"

    # -- /thanks ----------------------------------------------------------------------------

    async def thanks_page(
        self,
        actor: Actor,
        stores: list[str],
        chat_id: int,
        size: int,
        fit: Callable[[thanks.Page], thanks.Page],
    ) -> tuple[thanks.View, str | None, int | None]:
        """The next page of thank-you drafts: its view, its batch's token and id (None
        when there is nothing to thank for)."""
        async with self.sessions() as session, session.begin():
            page = fit(
                await thanks.list_page(session, self.directory, actor, stores, size=size, passed=[])
            )
            batch = (
                thanks.create(session, page, actor, stores, chat_id, self.clock.now())
                if page.items
                else None
            )
            if batch is not None:
                await session.flush()  # for its id
            token, batch_id = (batch.token, batch.id) if batch else (None, None)
        return thanks.page_view(page, self.directory), token, batch_id

    async def thanks_batch_stores(self, token: str) -> list[str] | None:
        """The stores of a batch (None: no such batch), for a chat app's access check."""
        async with self.sessions() as session:
            batch = await session.scalar(select(ReplyBatch).where(ReplyBatch.token == token))
        return None if batch is None else list(batch.stores)

    async def thanks_offered(self, token: str, channel: str, message_id: str) -> None:
        """Where a chat app posted a batch's card, so it is redrawn as its replies go out."""
        async with self.sessions() as session, session.begin():
            batch = await session.scalar(select(ReplyBatch).where(ReplyBatch.token == token))
            if batch is not None:
                batch.app_ref = {"channel": channel, "message_id": message_id}

    async def thanks_sent(self, batch_id: int, message_id: int) -> None:
        async with self.sessions() as session, session.begin():
            row = await session.get(ReplyBatch, batch_id)
            assert row is not None
            row.message_id = message_id

    async def thanks_stores(
        self, token: str, actor: Actor, chat_id: int | None
    ) -> list[str] | None:
        """The stores of a page whose buttons `actor` may press in `chat_id`; None when the
        page is unknown or was shown in another chat."""
        async with self.sessions() as session:
            batch = await session.scalar(select(ReplyBatch).where(ReplyBatch.token == token))
        if batch is None or batch.chat_id != chat_id:
            return None
        return self.access.cards_allowed(actor, list(batch.stores), chat_id)

    async def thanks_press(
        self,
        token: str,
        action: ThanksAction,
        actor: Actor,
        mine: list[str],
        chat_id: int | None,
        *,
        skip: int = 0,
        size: int,
        fit: Callable[[thanks.Page], thanks.Page],
    ) -> ThanksAnswer:
        """Carry out a press in one transaction."""
        directory, now = self.directory, self.clock.now()
        async with self.sessions() as session, session.begin():
            batch = await thanks.locked(session, token)
            assert batch is not None  # batches are never deleted
            if batch.status != thanks.OPEN:
                audit.record(
                    session,
                    now,
                    "thanks.already_decided",
                    actor=actor.id,
                    batch_id=batch.id,
                    attempted=action if action != "skip" else f"s{skip}",
                    decided_by=batch.decided_by,
                )
                return ThanksAnswer(thanks.decided(batch, directory), True)
            if action == "post":
                items = await thanks.post(session, batch, actor, now, directory, mine.__contains__)
                done = sum(1 for item in items if item.result == "posted")
                rest = sum(1 for item in items if item.result not in ("posted", "skipped"))
                shown = thanks.view(batch, directory, await thanks.delivery_of(session, batch))
                return ThanksAnswer(_posted(done, rest), bool(rest), shown)
            if action == "ignore":
                items = await thanks.ignore(
                    session, batch, actor, now, directory, mine.__contains__
                )
                done = sum(1 for item in items if item.result == "ignored")
                return ThanksAnswer(f"已忽略 {done} 条。", False, thanks.view(batch, directory))
            if action == "next":
                passed = thanks.replace(batch, actor, now)
                page = fit(
                    await thanks.list_page(
                        session, directory, actor, mine, size=size, passed=passed
                    )
                )
                new = (
                    thanks.create(session, page, actor, mine, chat_id or 0, now, passed)
                    if page.items
                    else None
                )
                if new is not None:
                    new.message_id = batch.message_id
                view = thanks.page_view(page, directory)
                return ThanksAnswer("已换一批。", False, view, new.token if new else None)
            if not thanks.skip(session, batch, skip, actor, now):
                return ThanksAnswer(f"第 {skip} 条已经不在这一批里了。", False)
            return ThanksAnswer(
                f"已跳过第 {skip} 条。", False, thanks.view(batch, directory), token
            )

    # -- who reads a chat service's updates -------------------------------------------------

    async def hold_lease(self, name: str, owner: str, ttl: timedelta) -> bool:
        return await leases.acquire(self.sessions, name, owner, self.clock.now(), ttl)

    async def release_lease(self, name: str, owner: str) -> None:
        await leases.release(self.sessions, name, owner)


def _urgency(review: PendingReview) -> tuple[bool, datetime, int]:
    """Sort key of /pending: by deadline; reviews without one after, oldest first."""
    if review.deadline is None:
        return (True, review.first_seen_at, review.review_id)
    return (False, review.deadline, review.review_id)


def _posted(done: int, rest: int) -> str:
    """The answer to posting a page: how many went out, how many did not."""
    if done and rest:
        return f"已通过 {done} 条，正在发布到平台；{rest} 条没有发布，原因见消息。"
    if done:
        return f"已通过 {done} 条，正在发布到平台。"
    if rest:
        return "没有发布任何回复，原因见消息。"
    return "这一批都已跳过，没有发布。"
