"""What an app bot in a company chat (Feishu / Lark, and the like) asks of the workflow
beyond the desk: who a user of that service is, whether they may press a card in a group,
an edit that arrives whole from a card's form, and where the cards of a review were posted
(so an action anywhere redraws every copy).

People are known by their id on the service (the configured `feishu_open_id`), never by
anything a tap carries besides the service's own operator id; a group speaks for the
stores whose channel names it. Actor ids are `{service}:{user id}`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from zoneinfo import ZoneInfo

from sqlalchemy import select

from reviewbot.platforms.normalize import tidy_text
from reviewbot.store import audit
from reviewbot.store.schema import AuditEntry, Review
from reviewbot.workflow import actions
from reviewbot.workflow.actions import Actor, Outcome
from reviewbot.workflow.cards import CardRef
from reviewbot.workflow.desk import Desk

# Which field of a person's config names them on each service.
IDENTITY_FIELDS = {"feishu": "feishu_open_id"}
EDIT_MAX = 1000  # characters of a reply typed into a card's form


class AppDesk:
    """The desk as one app bot sees it: `chats` maps each group (its chat id on the
    service) to the stores whose cards go there."""

    def __init__(self, desk: Desk, service: str, chats: Mapping[str, list[str]]) -> None:
        self.desk = desk
        self.service = service
        self.chats = {chat: list(stores) for chat, stores in chats.items()}
        field = IDENTITY_FIELDS[service]
        self._people = {
            getattr(p, field): p for p in desk.settings.people if getattr(p, field) is not None
        }

    def actor(self, user_id: str | None) -> Actor | None:
        person = self._people.get(user_id) if user_id else None
        if person is None:
            return None
        return Actor(f"{self.service}:{user_id}", person.name, person.store_roles())

    def card_allowed(self, actor: Actor | None, store_id: str, chat_id: str | None) -> bool:
        """A card's buttons work in a group the store's channel names, for its people."""
        return (
            actor is not None
            and actor.covers(store_id)
            and store_id in self.chats.get(chat_id or "", [])
        )

    def stores_here(self, actor: Actor, chat_id: str | None, *, private: bool) -> list[str]:
        """The stores a command speaks for: the group's own that the person covers; in a
        private chat with the bot, every store of this app's groups they cover."""
        if private:
            mine = [s for stores in self.chats.values() for s in stores if actor.covers(s)]
            return list(dict.fromkeys(mine))
        return [s for s in self.chats.get(chat_id or "", []) if actor.covers(s)]

    async def refused(
        self, user_id: str | None, attempted: str, chat_id: str | None, card: CardRef | None
    ) -> bool:
        """Audit a refusal; whether to say it (in a group, once an hour per stranger)."""
        return await self.desk.access.refused(
            self.desk.clock.now(),
            f"{self.service}:{user_id or '?'}",
            attempted,
            store_id=card.store_id if card else None,
            review_id=card.review_id if card else None,
            public_in=chat_id,
        )

    async def submit_edit(self, card: CardRef, actor: Actor, raw: str) -> Outcome:
        """A reply typed into the card's form and submitted: the guardrails check it
        (a refusal names the words at fault and a suggestion, and the text is kept for the
        audit), then it is held and confirmed in one go, so it is posted as the author's
        approval (or kept as the draft when the review needs a more senior role)."""
        text = tidy_text(raw or "")
        if not text:
            return Outcome(False, "回复内容是空的，请填写后再提交。")
        if len(text) > EDIT_MAX:
            return Outcome(False, f"回复太长了（{len(text)} 字），请控制在 {EDIT_MAX} 字以内。")
        desk, now = self.desk, self.desk.clock.now()
        directory = desk.directory
        async with desk.sessions() as session, session.begin():
            review = await session.get(Review, card.review_id)
            if review is None:
                return Outcome(False, "找不到这条评价。")
            editing = await actions.current_draft(session, review.id)
            violations = await actions.guardrail_violations(
                session,
                review,
                text,
                directory.profile(card.store_id),
                directory.reply_limits(review.source_id),
                quotes=editing.quotes if editing else (),
            )
            if violations:
                audit.record(
                    session,
                    now,
                    "draft.blocked",
                    actor=actor.id,
                    store_id=card.store_id,
                    review_id=card.review_id,
                    after=text,
                    violations=[v.code for v in violations],
                )
        if violations:
            return Outcome(False, actions.explain(violations), code="blocked")
        posting = await desk._posting(card)
        zone = ZoneInfo(directory.timezone(card.store_id))

        async def run() -> Outcome:
            async with desk.sessions() as session, session.begin():
                draft = await actions.hold_edit(
                    session, card.review_id, actor, now, text=text, zone=zone
                )
                return await actions.confirm_edit(
                    session,
                    card.review_id,
                    actor,
                    now,
                    draft_id=draft.id,
                    name_of=directory.name_of,
                    **posting,
                )

        return await desk._guarded("confirm", card, actor, run)  # a NotAllowed: refused

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
