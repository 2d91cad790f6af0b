"""Signing in to the web console without a password to forget.

A person known to the bot asks for a link in chat (/web). The link carries a random token
that works once, within `link_minutes`; the browser exchanges it for a session token held
in an HttpOnly cookie. Only SHA-256 hashes of both are stored, so the database alone signs
nobody in. Who the person is, and their roles, are looked up in configuration on every
request: someone removed from the config is out at once, whatever cookie they hold.
The CSRF token of a session is derived from its (secret) session token, so it needs no
storage and cannot be guessed from anything the page does not already hold.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from reviewbot.clock import Clock
from reviewbot.store import audit
from reviewbot.store.db import SessionFactory
from reviewbot.store.schema import WebSession
from reviewbot.workflow.actions import Actor
from reviewbot.workflow.directory import Directory

LINK, SESSION = "link", "session"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def csrf_token(session_token: str) -> str:
    """The CSRF token of a session: a keyed hash of its secret cookie value."""
    return hmac.new(session_token.encode("utf-8"), b"reviewbot-csrf", hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Signed:
    """A request's signed-in person: who they are now (from configuration) and the
    session row (for sign-out and the sessions page)."""

    actor: Actor
    user_id: int
    session_id: int
    csrf: str


@dataclass(frozen=True, slots=True)
class SessionInfo:
    session_id: int
    name: str
    created_at: datetime
    expires_at: datetime
    user_agent: str | None
    mine: bool


class SignIn:
    def __init__(
        self,
        directory: Directory,
        sessions: SessionFactory,
        clock: Clock,
        *,
        link_ttl: timedelta,
        session_ttl: timedelta,
    ) -> None:
        self.directory = directory
        self.sessions = sessions
        self.clock = clock
        self.link_ttl = link_ttl
        self.session_ttl = session_ttl

    def _person(self, row: WebSession) -> Actor | None:
        """Who a sign-in is for, as configured now (None: no longer in the config)."""
        if row.person:
            return self.directory.actor_by_id(row.person)
        return self.directory.actor(row.user_id)

    async def issue_link(self, actor: Actor, user_id: int | None = None) -> str:
        """A new one-time link token for this person (their earlier unused links go):
        `user_id` for someone in Telegram; anyone else by their actor id (a chat app's)."""
        now, token = self.clock.now(), secrets.token_urlsafe(32)
        async with self.sessions() as session, session.begin():
            await session.execute(
                update(WebSession)
                .where(
                    WebSession.person == actor.id,
                    WebSession.kind == LINK,
                    WebSession.used_at.is_(None),
                    WebSession.revoked_at.is_(None),
                )
                .values(revoked_at=now, revoked_by="replaced")
            )
            session.add(
                WebSession(
                    kind=LINK,
                    token_hash=digest(token),
                    user_id=user_id or 0,
                    person=actor.id,
                    created_at=now,
                    expires_at=now + self.link_ttl,
                )
            )
            audit.record(session, now, "web.link_issued", actor=actor.id)
        return token

    async def exchange(self, link_token: str, user_agent: str | None) -> str | None:
        """Trade a link token for a session token, once; None: unknown, used or expired
        (or its person is no longer configured)."""
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            link = await session.scalar(
                select(WebSession)
                .where(WebSession.token_hash == digest(link_token), WebSession.kind == LINK)
                .with_for_update()
            )
            if link is None or link.used_at is not None or link.revoked_at is not None:
                return None
            if link.expires_at < now or self._person(link) is None:
                return None
            link.used_at = now
            token = secrets.token_urlsafe(32)
            session.add(
                WebSession(
                    kind=SESSION,
                    token_hash=digest(token),
                    user_id=link.user_id,
                    person=link.person,
                    created_at=now,
                    expires_at=now + self.session_ttl,
                    user_agent=(user_agent or "")[:200] or None,
                )
            )
            audit.record(session, now, "web.signed_in", actor=_identity(link))
        return token

    async def who(self, session_token: str | None) -> Signed | None:
        """The person a session cookie signs in, if it is live and they are configured."""
        if not session_token:
            return None
        async with self.sessions() as session:
            row = await session.scalar(
                select(WebSession).where(
                    WebSession.token_hash == digest(session_token), WebSession.kind == SESSION
                )
            )
        if row is None or row.revoked_at is not None or row.expires_at < self.clock.now():
            return None
        actor = self._person(row)
        if actor is None:
            return None
        return Signed(actor, row.user_id, row.id, csrf_token(session_token))

    async def sign_out(self, signed: Signed) -> None:
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            await session.execute(
                update(WebSession)
                .where(WebSession.id == signed.session_id)
                .values(revoked_at=now, revoked_by=signed.actor.id)
            )
            audit.record(session, now, "web.signed_out", actor=signed.actor.id)

    def _mine(self, actor: Actor, row: WebSession) -> bool:
        """A sign-in of this person, by any of their chat identities."""
        if _identity(row) == actor.id:
            return True
        person = self._person(row)
        return person is not None and (person.name, person.roles) == (actor.name, actor.roles)

    def _revocable(self, actor: Actor, row: WebSession) -> bool:
        """One's own sessions, and an owner's for everyone working in a store they own."""
        if self._mine(actor, row):
            return True
        person = self._person(row)
        owned = [s for s in self.directory.store_ids() if actor.at_least("owner", s)]
        return person is None or any(person.covers(s) for s in owned)

    async def live(self, actor: Actor) -> list[SessionInfo]:
        """The live sessions `actor` may end: their own, and for an owner everyone's in
        their stores."""
        now = self.clock.now()
        async with self.sessions() as session:
            rows = (
                await session.scalars(
                    select(WebSession)
                    .where(
                        WebSession.kind == SESSION,
                        WebSession.revoked_at.is_(None),
                        WebSession.expires_at > now,
                    )
                    .order_by(WebSession.created_at.desc())
                )
            ).all()
        out = []
        for row in rows:
            if not self._revocable(actor, row):
                continue
            person = self._person(row)
            out.append(
                SessionInfo(
                    row.id,
                    person.name if person else f"用户 {_identity(row)}",
                    row.created_at,
                    row.expires_at,
                    row.user_agent,
                    self._mine(actor, row),
                )
            )
        return out

    async def revoke(self, actor: Actor, *, session_id: int | None = None) -> int:
        """End one session (`session_id`) or every session `actor` may end; returns how
        many ended. Links not yet used end with them."""
        now = self.clock.now()
        ended = 0
        async with self.sessions() as session, session.begin():
            rows = (
                await session.scalars(
                    select(WebSession).where(
                        WebSession.revoked_at.is_(None),
                        WebSession.expires_at > now,
                        *([WebSession.id == session_id] if session_id is not None else []),
                    )
                )
            ).all()
            for row in rows:
                if row.kind == LINK and row.used_at is not None:
                    continue
                if not self._revocable(actor, row):
                    continue
                row.revoked_at, row.revoked_by = now, actor.id
                ended += row.kind == SESSION
                if row.kind == SESSION:
                    audit.record(
                        session,
                        now,
                        "web.revoked",
                        actor=actor.id,
                        session_id=row.id,
                        user=_identity(row),
                    )
        return ended


def _identity(row: WebSession) -> str:
    """The actor id a sign-in is for (older rows: Telegram's, by user id)."""
    return row.person or f"telegram:{row.user_id}"
