"""What a chat app channel (DingTalk's enterprise robot; Feishu and WeCom apps alike) asks
of the workflow, in its own terms: people and groups named by the strings the app gives
(a DingTalk userId, an openConversationId) instead of Telegram's numbers.

Who may press a card is decided here as for Telegram (`workflow/access.py`): the person must
be configured with the app's user id and cover the card's store, and the group must be one
of that store's channels of this app. An app without a reply conversation takes an edit
whole in one step (a card's input box, a command): `edit` runs it through the guardrails,
holds it and confirms it in one go, and a refusal comes back with the suggested rewording.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from reviewbot.platforms.normalize import tidy_text
from reviewbot.store import audit
from reviewbot.store.schema import Alert, Review
from reviewbot.vocab import OPEN_STATES
from reviewbot.workflow import actions
from reviewbot.workflow.actions import Actor, NotAllowed, Outcome
from reviewbot.workflow.cards import CardRef
from reviewbot.workflow.desk import Desk


@dataclass(frozen=True, slots=True)
class Where:
    """Where something came from in an app: the group (None: a private chat with the
    robot) and the app's id of the person."""

    conversation: str | None
    user_id: str


class AppDesk:
    """The desk for one app service (`service` names the [[people]] id field and the
    actor ids it records, e.g. "dingtalk"; `kind` the [[stores.channels]] kind)."""

    def __init__(self, desk: Desk, service: str, kind: str) -> None:
        self.desk = desk
        self.service = service
        self.kind = kind

    def actor(self, user_id: str | None) -> Actor | None:
        return self.desk.directory.app_actor(self.service, user_id)

    def stores_of(self, conversation: str | None) -> list[str]:
        """The stores whose channels of this app are this group."""
        if conversation is None:
            return []
        return [
            store.id
            for store in self.desk.settings.stores
            if any(
                c.kind == self.kind and c.conversation_id == conversation for c in store.channels
            )
        ]

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
            f"{self.service}:{where.user_id}",
            attempted,
            store_id=card.store_id if card else None,
            review_id=card.review_id if card else None,
            public_in=where.conversation if public else None,  # type: ignore[arg-type]
            **details,
        )

    async def edit(self, card: CardRef, actor: Actor, raw: str) -> Outcome:
        """A whole new reply sent in one step: checked by the guardrails (a refusal says
        what is wrong and how to put it), then held and confirmed as the author's edit,
        which posts it (or leaves it for a manager when the review needs one)."""
        text = tidy_text(raw or "")
        if not text:
            return Outcome(False, "回复内容是空的，请填写修改后的完整回复。")
        desk, now = self.desk, self.desk.clock.now()
        try:
            async with desk.sessions() as session, session.begin():
                alert = await session.get(Alert, card.alert_id)
                review = await session.get(Review, card.review_id)
                if alert is None or review is None or review.status not in OPEN_STATES:
                    return Outcome(False, "这条评价已经处理过了。", code="handled")
                editing = await actions.current_draft(session, review.id)
                limits = desk.directory.reply_limits(review.source_id)
                profile = desk.directory.profile(card.store_id)
                violations = await actions.guardrail_violations(
                    session,
                    review,
                    text,
                    profile,
                    limits,
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
            async with desk.sessions() as session, session.begin():
                zone = ZoneInfo(desk.directory.timezone(card.store_id))
                draft = await actions.hold_edit(
                    session, card.review_id, actor, now, text=text, zone=zone
                )
                outcome = await actions.confirm_edit(
                    session,
                    card.review_id,
                    actor,
                    now,
                    draft_id=draft.id,
                    store=profile,
                    can_reply=desk.directory.can_reply(review.source_id),
                    limits=limits,
                    zone=zone,
                    name_of=desk.directory.name_of,
                )
        except NotAllowed as exc:
            await desk.access.refused(
                now,
                actor.id,
                "edit",
                store_id=card.store_id,
                review_id=card.review_id,
                reason=str(exc),
            )
            return Outcome(False, str(exc))
        if outcome.changed:
            await desk.redraw(card.review_id, "button:edit")
        return outcome
