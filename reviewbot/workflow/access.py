"""Who may do what in which store, decided once for every front end.

Identity comes from configuration (the directory), looked up by the chat user id a front
end read from its service, never from anything a client sent. A card's buttons work in the
store's own chats or in the person's private chat; a command in a group speaks for the
stores of that group only. Every refusal is audited; in a group, where a refusal is
public, a stranger is told once an hour at most (see `refused`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from reviewbot.store import audit
from reviewbot.store.db import SessionFactory
from reviewbot.store.schema import AuditEntry
from reviewbot.workflow.actions import Actor
from reviewbot.workflow.directory import Directory

# How often a stranger is told "no" in public (a group); the rest are only audited, so a
# stranger cannot make the bot flood a staff group.
PUBLIC_REFUSAL_EVERY = timedelta(hours=1)


class Access:
    def __init__(self, directory: Directory, sessions: SessionFactory) -> None:
        self.directory = directory
        self.sessions = sessions

    def actor(self, user_id: int | None) -> Actor | None:
        return self.directory.actor(user_id) if user_id is not None else None

    def card_allowed(self, actor: Actor | None, store_id: str, chat_id: int | None) -> bool:
        """Whether `actor` may press a card of `store_id` shown in `chat_id`."""
        if actor is None or not actor.covers(store_id):
            return False
        own_chat = int(actor.id.split(":", 1)[1])
        return chat_id in (
            self.directory.staff_chat(store_id),
            self.directory.owner_chat(store_id),
            own_chat,
        )

    def cards_allowed(self, actor: Actor, store_ids: list[str], chat_id: int | None) -> list[str]:
        """The stores among `store_ids` whose cards `actor` may press in `chat_id`."""
        return [s for s in store_ids if self.card_allowed(actor, s, chat_id)]

    def stores_here(self, actor: Actor, chat_id: int | None, *, private: bool) -> list[str]:
        """The stores a command speaks for: all of the person's in a private chat, the
        group's own (that the person covers) in a group."""
        if private:
            return [s for s in self.directory.store_ids() if actor.covers(s)]
        return [s for s in self.directory.stores_of_chat(chat_id or 0) if actor.covers(s)]

    def owned(self, actor: Actor, store_ids: list[str]) -> list[str]:
        return [s for s in store_ids if actor.at_least("owner", s)]

    async def refused(
        self,
        now: datetime,
        actor_id: str,
        attempted: str,
        *,
        store_id: str | None = None,
        review_id: int | None = None,
        public_in: int | str | None = None,  # a chat id (a string on Feishu)
        **details: Any,
    ) -> bool:
        """Audit a refusal: someone not configured, a store not theirs, a role too low.
        Returns whether to tell them: always, unless the answer would be public (in the
        group `public_in`) and they were already told there within the hour."""
        async with self.sessions() as session, session.begin():
            tell = public_in is None or not await self._told(session, actor_id, public_in, now)
            extra = {"public_in": public_in, "told": tell} if public_in is not None else {}
            audit.record(
                session,
                now,
                "chat.refused",
                actor=actor_id,
                store_id=store_id,
                review_id=review_id,
                attempted=attempted,
                **details,
                **extra,
            )
        return tell

    async def _told(self, session: Any, actor_id: str, chat_id: int | str, now: datetime) -> bool:
        """Whether `actor_id` was refused out loud in `chat_id` within the last hour."""
        recent = await session.scalars(
            select(AuditEntry.details).where(
                AuditEntry.action == "chat.refused",
                AuditEntry.actor == actor_id,
                AuditEntry.at > now - PUBLIC_REFUSAL_EVERY,
            )
        )
        return any(d.get("told") and d.get("public_in") == chat_id for d in recent)
