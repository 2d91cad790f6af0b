"""The edit conversation, for every front end: someone taps ✏️, sends their text, sees it
checked by the guardrails and previewed, and confirms it (or cancels, or lets it expire).

Its state lives in the database (one `ChatSession` per person and chat), never in a chat
library's memory, so a restart or another replica picks up where things were. A text sent
while an earlier one waits for its confirm replaces it, and only the newest preview confirms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy import update as sql_update
from sqlalchemy.ext.asyncio import AsyncSession

from reviewbot.clock import Clock
from reviewbot.platforms.normalize import tidy_text
from reviewbot.store import audit
from reviewbot.store.db import SessionFactory
from reviewbot.store.schema import Alert, ChatSession, Draft, Review
from reviewbot.vocab import OPEN_STATES, AuditAction
from reviewbot.workflow import actions
from reviewbot.workflow.actions import Actor, NotAllowed, Outcome
from reviewbot.workflow.cards import CardRef
from reviewbot.workflow.directory import Directory

EXPIRED = "⌛ 修改已超时，没有发布，草稿没有变化。需要的话请再点一次“修改”。"

Step = Literal["ignored", "expired", "empty", "blocked", "refused", "held"]


@dataclass(frozen=True, slots=True)
class Reply:
    """What became of a text sent in an edit: `step`, what to tell its author, and for a
    held text its preview's details (the token its confirm button carries, the text it
    replaced and that text's preview message, to retire)."""

    step: Step
    message: str = ""
    session_id: int | None = None
    draft_id: int | None = None
    token: str = ""
    text: str = ""
    replaced_text: str | None = None
    replaced_preview: int | None = None
    prompt: int | None = None  # the prompt this text answered, now done with (to remove)


class Edits:
    def __init__(
        self,
        directory: Directory,
        sessions: SessionFactory,
        clock: Clock,
        *,
        timeout: timedelta,
    ) -> None:
        self.directory = directory
        self.sessions = sessions
        self.clock = clock
        self.timeout = timeout

    async def _of(self, session: AsyncSession, chat_id: int, user_id: int) -> ChatSession | None:
        return await session.scalar(
            select(ChatSession).where(
                ChatSession.chat_id == chat_id, ChatSession.user_id == user_id
            )
        )

    async def _close(
        self, session: AsyncSession, pending: ChatSession, action: AuditAction
    ) -> None:
        """End an edit without posting it: the held text is dropped, the draft is as it
        was, and the audit log says why (cancelled or expired)."""
        alert = await session.get(Alert, pending.alert_id)
        await actions.drop_edit(session, pending.draft_id)
        await session.delete(pending)
        audit.record(
            session,
            self.clock.now(),
            action,
            actor=f"telegram:{pending.user_id}",
            store_id=alert.store_id if alert else None,
            review_id=alert.review_id if alert else None,
            draft_id=pending.draft_id,
        )

    async def refusal(self, card: CardRef) -> Outcome | None:
        """Why an edit cannot start on this card (None: it can)."""
        async with self.sessions() as session:
            review = await session.get(Review, card.review_id)
            if review is None or review.status not in OPEN_STATES:
                return Outcome(False, "这条评价已经处理过了。")
        return None

    async def begin(
        self, card: CardRef, actor: Actor, chat_id: int, user_id: int, prompt_message_id: int
    ) -> Outcome:
        """The prompt is out: wait for this person's text in this chat. An unconfirmed
        earlier edit of theirs here ("✏️ 再改", or a new edit) goes."""
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            earlier = await self._of(session, chat_id, user_id)
            if earlier is not None:
                await actions.drop_edit(session, earlier.draft_id)
                await session.delete(earlier)
                await session.flush()
            session.add(
                ChatSession(
                    chat_id=chat_id,
                    user_id=user_id,
                    alert_id=card.alert_id,
                    state="awaiting_text",
                    prompt_message_id=prompt_message_id,
                    created_at=now,
                    expires_at=now + self.timeout,
                )
            )
            audit.record(
                session,
                now,
                "draft.edit_started",
                actor=actor.id,
                store_id=card.store_id,
                review_id=card.review_id,
            )
        return Outcome(True, "请在聊天里发送修改后的回复。")

    async def cancel(self, chat_id: int, user_id: int) -> Outcome:
        async with self.sessions() as session, session.begin():
            pending = await self._of(session, chat_id, user_id)
            if pending is None:
                return Outcome(False, "没有正在进行的修改。")
            await self._close(session, pending, "draft.edit_cancelled")
        return Outcome(True, "已取消修改，草稿保持不变。")

    async def confirm(
        self,
        card: CardRef,
        actor: Actor,
        chat_id: int,
        user_id: int,
        pressed_message_id: int | None,
        posting: dict,
    ) -> Outcome:
        """✅ on a preview: post the held text, if this preview still shows it."""
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            pending = await self._of(session, chat_id, user_id)
            if pending is None or pending.alert_id != card.alert_id or pending.draft_id is None:
                return Outcome(False, "没有待确认的修改，可能已超时。")
            if pending.expires_at < now:
                await self._close(session, pending, "draft.edit_expired")
                return Outcome(False, EXPIRED)
            # Only the preview of the held text confirms it: an older preview (its text
            # since replaced) has a lower id, as chats number their messages in order.
            shown = pending.prompt_message_id
            if shown is None or pressed_message_id is None or pressed_message_id < shown:
                return Outcome(False, "这个预览已被你后来发送的修改替换，请在最新的预览上确认。")
            await session.delete(pending)
            return await actions.confirm_edit(
                session,
                card.review_id,
                actor,
                now,
                draft_id=pending.draft_id,
                name_of=self.directory.name_of,
                **posting,
            )

    async def text(self, actor: Actor, chat_id: int, user_id: int, raw: str) -> Reply:
        """A text sent in a chat by someone who may be editing there."""
        now = self.clock.now()
        async with self.sessions() as session:
            pending = await self._of(session, chat_id, user_id)
        if pending is None or pending.state not in ("awaiting_text", "awaiting_confirm"):
            return Reply("ignored")
        if pending.expires_at < now:
            async with self.sessions() as session, session.begin():
                pending = await session.get(ChatSession, pending.id)
                if pending is not None:
                    await self._close(session, pending, "draft.edit_expired")
            return Reply("expired", EXPIRED)
        replacing = pending.draft_id if pending.state == "awaiting_confirm" else None
        text = tidy_text(raw)  # typed in a chat: plain already, no HTML to strip
        if not text:
            return Reply("empty", "回复内容是空的，请重新发送。")
        async with self.sessions() as session, session.begin():
            alert = await session.get(Alert, pending.alert_id)
            review = await session.get(Review, alert.review_id) if alert else None
            assert alert is not None and review is not None
            violations = await actions.check_edit(  # tell them now, while they still write
                session,
                review,
                text,
                actor,
                now,
                self.directory.profile(alert.store_id),
                self.directory.reply_limits(review.source_id),
            )
        if violations:
            kept = "你上一版修改仍在等待确认。" if replacing else ""
            return Reply(
                "blocked",
                actions.explain(violations) + f"\n{kept}请修改后重新发送，或发送 /cancel 取消。",
            )
        async with self.sessions() as session, session.begin():
            alert = await session.get(Alert, pending.alert_id)
            assert alert is not None
            before = await session.get(Draft, replacing) if replacing is not None else None
            await actions.drop_edit(session, replacing)
            try:
                draft = await actions.hold_edit(
                    session,
                    alert.review_id,
                    actor,
                    now,
                    text=text,
                    zone=ZoneInfo(self.directory.timezone(alert.store_id)),
                )
            except NotAllowed as exc:
                await session.execute(delete(ChatSession).where(ChatSession.id == pending.id))
                return Reply("refused", str(exc))
            if before is not None:
                audit.record(
                    session,
                    now,
                    "draft.edit_replaced",
                    actor=actor.id,
                    store_id=alert.store_id,
                    review_id=alert.review_id,
                    draft_id=before.id,
                    replaced_by=draft.id,
                )
            await session.execute(
                sql_update(ChatSession)
                .where(ChatSession.id == pending.id)
                .values(
                    state="awaiting_confirm",
                    draft_id=draft.id,
                    prompt_message_id=None,  # until this text's own preview is out
                    expires_at=now + self.timeout,
                )
            )
            return Reply(
                "held",
                session_id=pending.id,
                draft_id=draft.id,
                token=alert.token or "",
                text=text,
                replaced_text=before.text if before is not None else None,
                replaced_preview=pending.prompt_message_id if before is not None else None,
                prompt=pending.prompt_message_id if before is None else None,
            )

    async def shown(self, chat_id: int, user_id: int) -> tuple[str, int | None] | None:
        """This person's edit in this chat as the chat shows it: its state and the message
        that goes with it (the prompt awaiting their text, or the preview that confirms);
        None: no edit."""
        async with self.sessions() as session:
            pending = await self._of(session, chat_id, user_id)
        return (pending.state, pending.prompt_message_id) if pending is not None else None

    async def preview_of(self, chat_id: int, user_id: int) -> int | None:
        """The message of this person's preview that still confirms (None: none does)."""
        shown = await self.shown(chat_id, user_id)
        return shown[1] if shown is not None and shown[0] == "awaiting_confirm" else None

    async def previewed(self, reply: Reply, message_id: int) -> None:
        """The held text's preview is out: it is the one whose ✅ confirms."""
        async with self.sessions() as session, session.begin():
            await session.execute(
                sql_update(ChatSession)
                .where(ChatSession.id == reply.session_id, ChatSession.draft_id == reply.draft_id)
                .values(prompt_message_id=message_id)
            )

    async def expire(self) -> list[tuple[int, int | None]]:
        """Close edits nobody finished; returns (chat, prompt message) of each, to say so."""
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            expired = (
                await session.scalars(select(ChatSession).where(ChatSession.expires_at < now))
            ).all()
            for item in expired:
                await self._close(session, item, "draft.edit_expired")
            return [(item.chat_id, item.prompt_message_id) for item in expired]
