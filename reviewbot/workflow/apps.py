"""What a chat app channel (DingTalk's enterprise robot, the Feishu / Lark app bot; WeCom
apps alike) asks of the workflow, in its own terms: people and groups named by the strings
the app gives (a DingTalk userId and openConversationId, a Feishu open_id and chat id)
instead of Telegram's numbers.

Who may press a card is decided here as for Telegram (`workflow/access.py`): the person must
be configured with the app's user id (`directory.APP_IDENTITIES`) and cover the card's
store, and the group must be one of that store's channels of this app. An app without a
reply conversation takes an edit whole in one step (a card's input box or form, a command):
`edit` runs it through the guardrails, holds it and confirms it in one go, and a refusal
comes back with the suggested rewording; one that previews an edit first (WeCom) holds it
(`hold`) and lets its author `confirm` or `cancel` it. Where an app's cards were posted is recorded
(`card_posted`), so an action anywhere redraws every copy (`copies`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.platforms.normalize import tidy_text
from reviewbot.store import audit
from reviewbot.store.schema import Alert, AuditEntry, Draft, ReplyBatch, Review
from reviewbot.vocab import OPEN_STATES
from reviewbot.workflow import actions, thanks
from reviewbot.workflow.actions import Actor, Outcome
from reviewbot.workflow.cards import CardRef
from reviewbot.workflow.desk import Desk, ThanksAction, ThanksAnswer

# Which field of a [[stores.channels]] entry names the group, for each app kind.
GROUP_FIELDS = {
    "dingtalk_app": "conversation_id",
    "feishu_app": "chat_id",
    "wecom_bot": "conversation_id",
}
EDIT_MAX = 1000  # characters of a reply sent whole in one step


@dataclass(frozen=True, slots=True)
class Where:
    """Where something came from in an app: the group (None: a private chat with the
    robot) and the app's id of the person."""

    conversation: str | None
    user_id: str | None


class AppDesk:
    """The desk for one app service (`service` names the [[people]] id field and the
    actor ids it records, e.g. "dingtalk"; `kind` the [[stores.channels]] kind). With
    `app_id`, only that app's groups (Feishu: one desk per app, each its own groups)."""

    def __init__(self, desk: Desk, service: str, kind: str, app_id: str | None = None) -> None:
        self.desk = desk
        self.service = service
        self.kind = kind
        field = GROUP_FIELDS[kind]
        self.chats: dict[str, list[str]] = {}  # group id -> the stores it speaks for
        for store in desk.settings.stores:
            for c in store.channels:
                group = getattr(c, field)
                if c.kind == kind and group and app_id in (None, c.app_id):
                    self.chats.setdefault(group, []).append(store.id)

    def actor(self, user_id: str | None) -> Actor | None:
        return self.desk.directory.app_actor(self.service, user_id)

    def stores_of(self, conversation: str | None) -> list[str]:
        """The stores whose channels of this app are this group."""
        return list(self.chats.get(conversation or "", []))

    def card_allowed(self, actor: Actor | None, store_id: str, where: Where) -> bool:
        """A card's buttons work for someone covering its store, in that store's group."""
        return (
            actor is not None
            and actor.covers(store_id)
            and store_id in self.stores_of(where.conversation)
        )

    def stores_here(self, actor: Actor, where: Where) -> list[str]:
        """The stores a command speaks for: the person's own in a private chat, the
        group's (that the person covers) in a group."""
        if where.conversation is None:
            return [s for s in self.desk.directory.store_ids() if actor.covers(s)]
        return [s for s in self.stores_of(where.conversation) if actor.covers(s)]

    async def refused(
        self,
        where: Where,
        attempted: str,
        card: CardRef | None = None,
        *,
        public: bool = True,
        **details: object,
    ) -> bool:
        """Audit a refusal (a stranger, a store not theirs); whether to tell them: a
        `public` answer in a group once an hour at most, a private one (a card's answer
        to its presser) always."""
        return await self.desk.access.refused(
            self.desk.clock.now(),
            f"{self.service}:{where.user_id or '?'}",
            attempted,
            store_id=card.store_id if card else None,
            review_id=card.review_id if card else None,
            public_in=where.conversation if public else None,  # type: ignore[arg-type]
            **details,
        )

    async def edit(self, card: CardRef, actor: Actor, raw: str) -> Outcome:
        """A whole new reply sent in one step (a form, /edit): `hold`, then `confirm` at
        once, which posts it (or keeps it as the draft when the review needs a more senior
        role)."""
        held = await self.hold(card, actor, raw)
        if not held.ok or held.draft_id is None:
            return held
        return await self.confirm(card, actor, held.draft_id)

    async def hold(self, card: CardRef, actor: Actor, raw: str) -> Outcome:
        """A new reply checked by the guardrails (a refusal names the words at fault and
        how to put it, and the text is kept for the audit), then held aside as the
        author's edit until they confirm it (`confirm`) or not (`cancel`): the card and
        colleagues still see the current draft. The Outcome's draft_id is the held edit."""
        text = tidy_text(raw or "")
        if not text:
            return Outcome(False, "回复内容是空的，请填写修改后的完整回复。")
        if len(text) > EDIT_MAX:
            return Outcome(False, f"回复太长了（{len(text)} 字），请控制在 {EDIT_MAX} 字以内。")
        desk, now = self.desk, self.desk.clock.now()
        async with desk.sessions() as session, session.begin():
            alert = await session.get(Alert, card.alert_id)
            review = await session.get(Review, card.review_id)
            if alert is None or review is None or review.status not in OPEN_STATES:
                return Outcome(False, "这条评价已经处理过了。", code="handled")
            violations = await actions.check_edit(
                session,
                review,
                text,
                actor,
                now,
                desk.directory.profile(card.store_id),
                desk.directory.reply_limits(review.source_id),
            )
        if violations:
            return Outcome(False, actions.explain(violations), code="blocked")
        zone = ZoneInfo(desk.directory.timezone(card.store_id))

        async def run() -> Outcome:
            async with desk.sessions() as session, session.begin():
                draft = await actions.hold_edit(
                    session, card.review_id, actor, now, text=text, zone=zone
                )
                return Outcome(True, "修改已通过检查，等待确认。", draft_id=draft.id)

        return await desk.guarded("edit", card, actor, run)  # a NotAllowed: refused

    async def _own_held(
        self, session: AsyncSession, card: CardRef, actor: Actor, draft_id: int
    ) -> Outcome | None:
        """Why this person cannot decide on this held edit (None: it is theirs)."""
        draft = await session.get(Draft, draft_id)
        if draft is None or draft.review_id != card.review_id:
            return Outcome(False, "这个修改已失效，草稿没有变化。需要的话请再点一次“修改”。")
        if draft.created_by != actor.id:
            return Outcome(False, "这是同事的修改预览，只有写修改的人可以确认或取消。")
        return None

    async def confirm(self, card: CardRef, actor: Actor, draft_id: int) -> Outcome:
        """The author confirms their held edit: posted as `actions.confirm_edit` says."""
        desk = self.desk
        posting = await desk.posting(card)

        async def run() -> Outcome:
            async with desk.sessions() as session, session.begin():
                refusal = await self._own_held(session, card, actor, draft_id)
                if refusal is not None:
                    return refusal
                return await actions.confirm_edit(
                    session,
                    card.review_id,
                    actor,
                    desk.clock.now(),
                    draft_id=draft_id,
                    name_of=desk.directory.name_of,
                    **posting,
                )

        return await desk.guarded("confirm", card, actor, run)

    async def cancel(self, card: CardRef, actor: Actor, draft_id: int) -> Outcome:
        """The author takes their held edit back: the draft stays as it was."""
        async with self.desk.sessions() as session, session.begin():
            refusal = await self._own_held(session, card, actor, draft_id)
            if refusal is not None:
                return refusal
            draft = await session.get(Draft, draft_id)
            if draft is None or draft.status != actions.EDITING:
                return Outcome(False, "这个修改已失效，草稿没有变化。")
            await actions.drop_edit(session, draft_id)
            audit.record(
                session,
                self.desk.clock.now(),
                "draft.edit_cancelled",
                actor=actor.id,
                store_id=card.store_id,
                review_id=card.review_id,
                draft_id=draft_id,
            )
        return Outcome(True, "已取消修改，草稿保持不变。")

    async def held(self, draft_id: int) -> tuple[str, bool]:
        """A held edit's text, and whether it still waits for its author's decision."""
        async with self.desk.sessions() as session:
            draft = await session.get(Draft, draft_id)
            if draft is None:
                return "", False
            return draft.text, draft.status == actions.EDITING

    async def expire_held(self, before: datetime) -> int:
        """Drop this app's held edits written before `before` and never decided on (an
        abandoned preview must not hold the draft: a colleague's 🔁 waits on it)."""
        async with self.desk.sessions() as session, session.begin():
            stale = (
                await session.scalars(
                    select(Draft).where(
                        Draft.status == actions.EDITING,
                        Draft.created_by.startswith(f"{self.service}:"),
                        Draft.created_at < before,
                    )
                )
            ).all()
            for draft in stale:
                await actions.drop_edit(session, draft.id)
                audit.record(
                    session,
                    self.desk.clock.now(),
                    "draft.edit_expired",
                    actor=draft.created_by,
                    review_id=draft.review_id,
                    draft_id=draft.id,
                )
        return len(stale)

    async def batch_press(
        self, token: str, action: ThanksAction, where: Where
    ) -> ThanksAnswer | None:
        """✅ 全部发布 or 🙈 全部忽略 on a thank-you batch's card: the batch's items of the
        stores this person covers in this group, each checked as on a /thanks page (the
        guardrails, their role); None when they may not press it here (audited)."""
        actor = self.actor(where.user_id)
        stores = await self.desk.thanks_batch_stores(token) or []
        mine = [s for s in stores if self.card_allowed(actor, s, where)]
        if actor is None or not mine:
            await self.refused(where, f"button thanks_{action}", public=False)
            return None
        return await self.desk.thanks_press(
            token, action, actor, mine, None, size=1, fit=lambda page: page
        )

    async def batch_view(self, token: str) -> tuple[thanks.View, str] | None:
        """A batch as it stands (each approved reply's fate on the platform) and its
        store's name; None for a token that names no batch."""
        async with self.desk.sessions() as session:
            batch = await session.scalar(select(ReplyBatch).where(ReplyBatch.token == token))
            if batch is None:
                return None
            view = thanks.view(batch, self.desk.directory, await thanks.delivery_of(session, batch))
            stores = list(batch.stores)
        return view, self.store_name(stores[0] if stores else "")

    def store_name(self, store_id: str) -> str:
        store = self.desk.directory.store(store_id)
        return store.name if store else store_id

    async def console_link(self, actor: Actor) -> str | None:
        """A one-time sign-in link to the web console for someone known to this app (the
        console's own links, workflow/signin.py; their earlier unused link goes); None
        when the console is not running."""
        if self.desk.web_base is None:
            return None
        token = await self.desk.signin.issue_link(actor)
        return f"{self.desk.web_base}/signin?t={token}"

    @property
    def link_minutes(self) -> int:
        return max(1, round(self.desk.signin.link_ttl.total_seconds() / 60))

    async def open_edit(
        self, where: Where, card: CardRef, lasts: timedelta, draft_id: int | None = None
    ) -> None:
        """✏️ in an app whose edit is the person's next message (WeCom), and `draft_id`
        once that message is held with a preview out: the edit is kept in the database, so
        a restart or another replica takes their next message (or press) the same."""
        now = self.desk.clock.now()
        async with self.desk.sessions() as session, session.begin():
            audit.record(
                session,
                now,
                "chat.edit_opened",
                actor=f"{self.service}:{where.user_id or '?'}",
                store_id=card.store_id,
                review_id=card.review_id,
                alert_id=card.alert_id,
                token=card.token,
                conversation=where.conversation,
                until=(now + lasts).isoformat(),
                draft_id=draft_id,
            )

    async def _open(self, session: AsyncSession, where: Where) -> AuditEntry | None:
        """The person's edit open in this chat: the latest opened, if no close followed."""
        rows = await session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.actor == f"{self.service}:{where.user_id or '?'}",
                AuditEntry.action.in_(("chat.edit_opened", "chat.edit_closed")),
            )
            .order_by(AuditEntry.id.desc())
            .limit(20)
        )
        here = where.conversation
        latest = next((r for r in rows if r.details.get("conversation") == here), None)
        return latest if latest is not None and latest.action == "chat.edit_opened" else None

    def _closed(self, session: AsyncSession, where: Where, entry: AuditEntry) -> None:
        audit.record(
            session,
            self.desk.clock.now(),
            "chat.edit_closed",
            actor=entry.actor,
            store_id=entry.store_id,
            review_id=entry.review_id,
            conversation=where.conversation,
        )

    async def take_edit(self, where: Where) -> tuple[CardRef, bool, int | None] | None:
        """The edit this person opened here, now closed: its card, whether it had run out
        of time, and the held draft its preview shows (None before one); None when no edit
        is open."""
        now = self.desk.clock.now()
        async with self.desk.sessions() as session, session.begin():
            entry = await self._open(session, where)
            if entry is None:
                return None
            d = entry.details
            card = CardRef(
                int(d["alert_id"]),
                str(entry.store_id),
                int(entry.review_id or 0),
                str(d.get("token") or ""),
            )
            self._closed(session, where, entry)
        until = datetime.fromisoformat(str(d["until"]))
        late = until.replace(tzinfo=until.tzinfo or now.tzinfo) < now
        held = d.get("draft_id")
        return card, late, int(held) if held is not None else None

    async def end_edit(self, where: Where, draft_id: int) -> None:
        """The preview of `draft_id` was decided: the person's open edit, if it is that
        one, is over."""
        async with self.desk.sessions() as session, session.begin():
            entry = await self._open(session, where)
            if entry is not None and entry.details.get("draft_id") == draft_id:
                self._closed(session, where, entry)

    async def card_posted(self, card: CardRef, channel: str, chat_id: str, message_id: str) -> None:
        """A card went to a group: later changes redraw it there (see `copies`)."""
        async with self.desk.sessions() as session, session.begin():
            audit.record(
                session,
                self.desk.clock.now(),
                "chat.card_posted",
                store_id=card.store_id,
                review_id=card.review_id,
                alert_id=card.alert_id,
                channel=channel,
                chat_id=chat_id,
                message_id=message_id,
            )

    async def copies(self, review_id: int, channels: Collection[str]) -> list[tuple[int, str]]:
        """Every card of this review posted through `channels`: (alert id, message id)."""
        async with self.desk.sessions() as session:
            rows = await session.scalars(
                select(AuditEntry.details).where(
                    AuditEntry.review_id == review_id, AuditEntry.action == "chat.card_posted"
                )
            )
            found = [
                (int(d["alert_id"]), str(d["message_id"]))
                for d in rows
                if d.get("channel") in channels
            ]
        return list(dict.fromkeys(found))
