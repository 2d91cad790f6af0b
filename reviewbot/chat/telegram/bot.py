"""The Telegram bot: buttons on alert cards, the edit conversation, and staff commands.

Identity and permission come from configuration, looked up by the Telegram user id of each
update; button data is an opaque token that only means something through the database.
Workflow state (decisions, drafts, edits in progress) lives in the database, not in the
bot library's memory, so a restart or another replica picks up where things were.

Only one replica reads updates at a time (Telegram allows one getUpdates consumer per
bot): it holds the `telegram:updates` lease, and another takes over if it disappears.
"""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
from collections.abc import Callable
from datetime import UTC, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy import update as sql_update
from telegram import BotCommand, ForceReply, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from reviewbot.chat.alerts import duration, stars
from reviewbot.chat.telegram import render
from reviewbot.chat.telegram.thanks import PREFIX as THANKS_PREFIX
from reviewbot.chat.telegram.thanks import ThanksFlow
from reviewbot.clock import Clock
from reviewbot.config import ConfigError, Settings
from reviewbot.jobs.crisis import close_crisis, trigger_name
from reviewbot.platforms.normalize import tidy_text
from reviewbot.replies.engine import TemplateDrafter
from reviewbot.replies.guardrails import ReplyLimits
from reviewbot.reporting import metrics
from reviewbot.reporting.summary import stats_text
from reviewbot.store import audit, leases, outbox
from reviewbot.store.db import SessionFactory
from reviewbot.store.outbox import queue_alert_update
from reviewbot.store.schema import (
    Alert,
    ChatSession,
    Crisis,
    Draft,
    OutboxMessage,
    Review,
    Store,
)
from reviewbot.text import clip_utf16
from reviewbot.workflow import actions, thanks
from reviewbot.workflow.actions import ROLE_NAMES, Actor, NotAllowed, Outcome
from reviewbot.workflow.cards import load_alert_view, reply_deadline
from reviewbot.workflow.directory import Directory

log = logging.getLogger(__name__)

UPDATES_LEASE = "telegram:updates"
PENDING_SHOWN = 20  # reviews /pending lists (it counts them all)
LEASE_TTL = timedelta(seconds=60)
# Telegram out of reach at startup: try again after 15 s, doubling up to 5 minutes.
START_RETRY_FIRST = timedelta(seconds=15)
START_RETRY_MAX = timedelta(minutes=5)
COMMANDS = [
    ("pending", "待处理的评价（最早的在前）"),
    ("review", "查看并处理一条评价：/review 编号"),
    ("thanks", "好评的感谢回复：一次看一批，一键全部发布"),
    ("stats", "今天的评价数和回复速度"),
    ("mute", "暂停非紧急提醒：/mute 1h，/mute off 恢复"),
    ("cancel", "取消正在进行的修改"),
    ("crisis", "查看危机；店主发送 /crisis close 处理结果 结束危机"),
    ("start", "我是谁、能做什么"),
    ("help", "使用说明"),
]
HELP = (
    "收到差评提醒后，直接点卡片下方的按钮：\n"
    "✅ 通过并发布：把建议回复发布到平台\n"
    "✏️ 修改：回复机器人的提示消息，发送你改好的回复，确认后发布\n"
    "🔁 换一版：换一个不同的草稿\n"
    "☎️ 已联系顾客：记录已经联系过顾客\n"
    "🚩 恶意（申诉）：标记为恶意评价并创建平台申诉任务（店长以上）\n"
    "🙈 忽略：不回复这条评价\n\n"
    "好评不单独提醒：发送 /thanks 查看一批待发布的感谢回复，"
    "点“✅ 全部发布”一次发布，不想发的先点“跳过”。\n\n"
    "命令：\n" + "\n".join(f"/{name} — {text}" for name, text in COMMANDS)
)
EXPIRED = "⌛ 修改已超时，没有发布，草稿没有变化。需要的话请再点一次“修改”。"
MAY = {
    "staff": [
        "查看和处理差评",
        "通过普通评价的回复",
        "批量发布好评的感谢回复（/thanks）",
        "修改或换一版草稿",
        "记录已联系顾客",
    ],
    "manager": ["通过恶意或紧急评价的回复", "标记恶意评价并发起申诉"],
}
REFUSAL = "抱歉，您还没有权限使用这个机器人。如需开通，请把下面的编号发给店主加入配置。"
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(m|min|分钟|h|小时|hr)?$", re.IGNORECASE)


def parse_duration(text: str) -> timedelta | None:
    """`1h`, `30m`, `90` (minutes), `2小时` → a duration of at most a day."""
    match = _DURATION.match(text.strip())
    if not match:
        return None
    amount, unit = float(match.group(1)), (match.group(2) or "m").lower()
    delta = timedelta(hours=amount) if unit in ("h", "小时", "hr") else timedelta(minutes=amount)
    return delta if timedelta(0) < delta <= timedelta(hours=24) else None


def _ids(update: Update) -> str:
    """The ids the config needs (people's user ids, a group's chat id), told to whoever
    asks: setting the bot up needs nothing but the bot itself."""
    user, chat = update.effective_user, update.effective_chat
    return f"用户 ID：{user.id if user else '?'}；本聊天 ID：{chat.id if chat else '?'}"


class TelegramBot:
    def __init__(
        self,
        settings: Settings,
        directory: Directory,
        sessions: SessionFactory,
        clock: Clock,
        drafter: TemplateDrafter,
        *,
        owner: str,
        kick_outbox: Callable[[], None] = lambda: None,
    ) -> None:
        self.settings = settings
        self.tg = settings.telegram
        self.directory = directory
        self.sessions = sessions
        self.clock = clock
        self.drafter = drafter
        self.owner = owner
        self.kick_outbox = kick_outbox
        self.receiving = False
        self.started = False
        self._start_failures = 0
        self._webhook_secret = self._make_webhook_secret() if self.tg.mode == "webhook" else None
        self._start_at = clock.now()
        builder = (
            ApplicationBuilder()
            .token(settings.secret(self.tg.token_env))
            .base_url(self.tg.api_base_url)
            .base_file_url(self.tg.file_base_url)
            .concurrent_updates(False)
            .get_updates_read_timeout(self.tg.poll_timeout_seconds + 10)
        )
        if self.tg.proxy_url:
            builder = builder.proxy(self.tg.proxy_url).get_updates_proxy(self.tg.proxy_url)
        self.app: Application = builder.build()
        self.thanks = ThanksFlow(self)
        self.app.add_handler(CallbackQueryHandler(self.on_button))  # every press is answered
        for name, handler in (
            ("start", self.cmd_start),
            ("help", self.cmd_help),
            ("pending", self.cmd_pending),
            ("review", self.cmd_review),
            ("thanks", self.thanks.command),
            ("stats", self.cmd_stats),
            ("mute", self.cmd_mute),
            ("unmute", self.cmd_unmute),
            ("cancel", self.cmd_cancel),
            ("crisis", self.cmd_crisis),
        ):
            self.app.add_handler(CommandHandler(name, handler))
        self.app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, self.on_text))
        self.app.add_error_handler(self.on_error)

    @property
    def bot(self):
        return self.app.bot

    def _make_webhook_secret(self) -> str:
        """Telegram sends this secret with every push, so a forged update is refused: the
        configured one (which replicas sharing one URL need) or a new one per start."""
        env = self.tg.webhook_secret_env
        if env is None:
            return secrets.token_urlsafe(32)
        secret = self.settings.secret(env)
        if not _SECRET_TOKEN.fullmatch(secret):
            raise ConfigError(
                f"{env}: Telegram accepts 1-256 characters of A-Z a-z 0-9 _ - as a webhook secret"
            )
        return secret

    # -- lifecycle ------------------------------------------------------------------

    async def start(self) -> bool:
        """Check the token (getMe) and start the application; updates come with the lease.

        A rejected token is a configuration error. Telegram out of reach (a network error,
        a timeout, a 5xx) is not: the rest of reviewbot runs, alerts wait in the outbox, and
        `maintain` tries again with backoff. Returns whether the bot is up.
        """
        try:
            await self.app.initialize()
        except InvalidToken:
            self._retry_later()  # (a retry in maintenance: the daemon is already up)
            raise ConfigError(
                f"Telegram 拒绝了机器人令牌（{self.tg.token_env}），"
                "请用 @BotFather 核对后重新设置。"
                f" / Telegram rejected the bot token in {self.tg.token_env}: check it with "
                "@BotFather (a self-hosted [telegram] api_base_url must end in /bot)."
            ) from None
        except TelegramError as exc:
            delay = self._retry_later()
            log.warning(
                "Telegram is out of reach (%s: %s); reviewbot keeps running and alerts wait in "
                "the outbox; trying again in %.0f s",
                type(exc).__name__,
                exc,
                delay.total_seconds(),
            )
            return False
        await self.app.start()
        try:
            await self.bot.set_my_commands([BotCommand(n, d) for n, d in COMMANDS])
        except TelegramError as exc:
            log.warning("could not set the bot's command menu: %s", exc)
        log.info("telegram bot @%s ready", self.bot.username)
        if self._start_failures:
            self.kick_outbox()  # alerts waited for the bot
        self.started, self._start_failures = True, 0
        await self.maintain()
        return True

    def _retry_later(self) -> timedelta:
        """When to try starting again: 15 s after the first failure, doubling to 5 min."""
        self._start_failures += 1
        delay = min(START_RETRY_MAX, START_RETRY_FIRST * 2 ** (self._start_failures - 1))
        self._start_at = self.clock.now() + delay
        return delay

    async def maintain(self) -> None:
        """Start the bot if it is not up yet (when its retry is due); then start, keep or
        give up reading updates, depending on who holds the lease."""
        if not self.started:
            if self.clock.now() >= self._start_at:
                await self.start()
            return
        if self.tg.mode == "webhook":
            if not self.receiving:
                assert self.tg.webhook_url is not None  # the config validator checks it
                await self.app.updater.start_webhook(
                    listen=self.tg.webhook_listen,
                    port=self.tg.webhook_port,
                    url_path=urlsplit(self.tg.webhook_url).path,
                    webhook_url=self.tg.webhook_url,
                    secret_token=self._webhook_secret,
                )
                self.receiving = True
            return
        held = await leases.acquire(
            self.sessions, UPDATES_LEASE, self.owner, self.clock.now(), LEASE_TTL
        )
        if held and not self.receiving:
            await self.app.updater.start_polling(
                timeout=self.tg.poll_timeout_seconds,
                allowed_updates=["message", "callback_query"],
            )
            self.receiving = True
            log.info("reading Telegram updates (this replica holds the lease)")
        elif not held and self.receiving:
            await self.app.updater.stop()
            self.receiving = False
            log.warning("another replica reads Telegram updates now")

    async def stop(self) -> None:
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        await self.bot.shutdown()  # its HTTP clients, open even when getMe failed
        self.started = False
        if self.receiving and self.tg.mode == "polling":
            await leases.release(self.sessions, UPDATES_LEASE, self.owner)
        self.receiving = False

    # -- helpers --------------------------------------------------------------------

    async def _refuse(self, update: Update, what: str, alert: Alert | None = None) -> None:
        """A polite no to someone not allowed to do this, and a line in the audit log."""
        user = update.effective_user
        chat = update.effective_chat
        async with self.sessions() as session, session.begin():
            audit.record(
                session,
                self.clock.now(),
                "chat.refused",
                actor=f"telegram:{user.id if user else '?'}",
                store_id=alert.store_id if alert else None,
                review_id=alert.review_id if alert else None,
                user_name=user.full_name if user else None,
                chat_id=chat.id if chat else None,
                attempted=what,
            )
        refusal = f"{REFUSAL}\n{_ids(update)}"
        if update.callback_query is not None:
            await update.callback_query.answer(refusal, show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(refusal)

    def _actor(self, update: Update) -> Actor | None:
        user = update.effective_user
        return self.directory.actor(user.id) if user else None

    def _chat_allowed(self, chat_id: int | None, actor: Actor, store_id: str) -> bool:
        """Buttons work in the store's own chats, or in the person's private chat."""
        user_chat = int(actor.id.split(":", 1)[1])
        return chat_id in (
            self.directory.staff_chat(store_id),
            self.directory.owner_chat(store_id),
            user_chat,
        )

    def _zone(self, store_id: str) -> ZoneInfo:
        """The store's time zone: every time the bot tells people is in their local time."""
        return ZoneInfo(self.directory.timezone(store_id))

    def _limits(self, review: Review | None) -> ReplyLimits | None:
        return self.directory.reply_limits(review.source_id) if review else None

    async def _redraw(self, review_id: int, reason: str) -> None:
        async with self.sessions() as session, session.begin():
            await queue_alert_update(session, review_id, self.clock.now(), reason)
        self.kick_outbox()

    async def _send_card(self, chat_id: int, alert_id: int, actor: Actor) -> None:
        async with self.sessions() as session:
            view = await load_alert_view(session, alert_id, self.directory)
        message = await self.bot.send_message(
            chat_id,
            render.alert_html(view),
            parse_mode=ParseMode.HTML,
            reply_markup=render.alert_keyboard(view),
            disable_web_page_preview=True,
        )
        async with self.sessions() as session, session.begin():
            alert = await session.get(Alert, alert_id)
            if alert is not None:
                ref = dict(alert.message_ref or {})
                ref["messages"] = [*ref.get("messages", []), [message.chat_id, message.message_id]]
                alert.message_ref = ref
                if alert.status != "sent":
                    alert.status, alert.sent_at = "sent", self.clock.now()
                audit.record(
                    session,
                    self.clock.now(),
                    "alert.shown",
                    actor=actor.id,
                    store_id=alert.store_id,
                    review_id=alert.review_id,
                    alert_id=alert.id,
                    chat_id=chat_id,
                )

    # -- buttons ----------------------------------------------------------------------

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        if (query.data or "").startswith(f"{THANKS_PREFIX}:"):
            await self.thanks.button(update)
            return
        parsed = render.parse_callback(query.data)
        actor = self._actor(update)
        if parsed is None:
            if actor is None:
                await self._refuse(update, f"button {query.data!r}")
            else:
                await query.answer("无法识别的按钮。")
            return
        token, code = parsed
        async with self.sessions() as session:
            alert = await session.scalar(select(Alert).where(Alert.token == token))
        chat_id = query.message.chat.id if query.message is not None else None
        if alert is None:
            if actor is None:
                await self._refuse(update, f"button {query.data!r}")
            else:
                await query.answer("这个按钮已失效。", show_alert=True)
            return
        if (
            actor is None
            or not actor.covers(alert.store_id)
            or not self._chat_allowed(chat_id, actor, alert.store_id)
        ):
            await self._refuse(update, f"button {code}", alert)
            return
        if code == render.REGENERATE:
            # An abandoned edit must not hold the draft: close expired ones (and say so)
            # before the redraw looks for edits in progress.
            await self.expire_sessions()
        try:
            outcome = await self._perform(code, alert, actor, update)
        except NotAllowed as exc:
            async with self.sessions() as session, session.begin():
                audit.record(
                    session,
                    self.clock.now(),
                    "chat.refused",
                    actor=actor.id,
                    store_id=alert.store_id,
                    review_id=alert.review_id,
                    attempted=code,
                    reason=str(exc),
                )
            await query.answer(str(exc), show_alert=True)
            return
        if outcome.changed:  # queued before answering, so the answer means "recorded"
            await self._redraw(alert.review_id, f"button:{code}")
        await query.answer(outcome.message[:190], show_alert=not outcome.ok)

    async def _perform(self, code: str, alert: Alert, actor: Actor, update: Update) -> Outcome:
        now = self.clock.now()
        review_id = alert.review_id
        zone = self._zone(alert.store_id)
        if code == render.EDIT:
            return await self._start_edit(alert, actor, update)
        if code == render.CANCEL:
            return await self._cancel_edit(update)
        async with self.sessions() as session, session.begin():
            if code in (render.APPROVE, render.CONFIRM):
                review = await session.get(Review, review_id)
                posting = {
                    "can_reply": self.directory.can_reply(review.source_id) if review else True,
                    "store": self.directory.profile(alert.store_id),
                    "limits": self._limits(review),
                    "zone": zone,
                }
                if code == render.APPROVE:
                    return await actions.approve(session, review_id, actor, now, **posting)
                pending = await self._session_of(session, update)
                if pending is None or pending.alert_id != alert.id or pending.draft_id is None:
                    return Outcome(False, "没有待确认的修改，可能已超时。")
                if pending.expires_at < now:
                    await self._close_edit(session, pending, "draft.edit_expired")
                    return Outcome(False, EXPIRED)
                # Only the preview of the held text confirms it: an older preview (its text
                # since replaced) has a lower id, as Telegram numbers a chat's messages in order.
                pressed = update.callback_query.message if update.callback_query else None
                shown = pending.prompt_message_id
                if shown is None or pressed is None or pressed.message_id < shown:
                    return Outcome(
                        False, "这个预览已被你后来发送的修改替换，请在最新的预览上确认。"
                    )
                await session.delete(pending)
                return await actions.confirm_edit(
                    session,
                    review_id,
                    actor,
                    now,
                    draft_id=pending.draft_id,
                    name_of=self.directory.name_of,
                    **posting,
                )
            if code == render.REGENERATE:
                return await actions.regenerate(
                    session,
                    review_id,
                    actor,
                    now,
                    drafter=self.drafter,
                    profile=self.directory.profile(alert.store_id),
                    limits=self._limits(await session.get(Review, review_id)),
                    zone=zone,
                    name_of=self.directory.name_of,
                )
            if code == render.CONTACTED:
                return await actions.mark_contacted(session, review_id, actor, now, zone=zone)
            if code == render.MALICIOUS:
                return await actions.mark_malicious(session, review_id, actor, now)
            if code == render.IGNORE:
                return await actions.ignore(session, review_id, actor, now, zone=zone)
            if code == render.SNOOZE:
                return await actions.snooze(session, review_id, actor, now)
        return Outcome(False, "无法识别的按钮。")

    # -- the edit conversation -----------------------------------------------------------

    async def _session_of(self, session, update: Update) -> ChatSession | None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return None
        return await session.scalar(
            select(ChatSession).where(
                ChatSession.chat_id == chat.id, ChatSession.user_id == user.id
            )
        )

    async def _start_edit(self, alert: Alert, actor: Actor, update: Update) -> Outcome:
        chat, user = update.effective_chat, update.effective_user
        assert chat is not None and user is not None
        async with self.sessions() as session:
            review = await session.get(Review, alert.review_id)
            if review is None or review.status not in actions.OPEN_STATES:
                return Outcome(False, "这条评价已经处理过了。")
        minutes = self.tg.edit_timeout_seconds // 60
        # The mention makes the selective ForceReply open a reply box for this person in a
        # group; a reply to the bot's message reaches it even with privacy mode on.
        prompt = await self.bot.send_message(
            chat.id,
            f'✏️ <a href="tg://user?id={user.id}">{render.escape(actor.name)}</a>，'
            f"请<b>回复本消息</b>发送修改后的完整回复"
            f"（{minutes} 分钟内有效，发送 /cancel 取消）。",
            parse_mode=ParseMode.HTML,
            reply_markup=ForceReply(selective=True, input_field_placeholder="修改后的回复"),
        )
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            earlier = await self._session_of(session, update)
            if earlier is not None:  # "✏️ 再改", or a new edit: the unconfirmed one goes
                await actions.drop_edit(session, earlier.draft_id)
                await session.delete(earlier)
                await session.flush()
            session.add(
                ChatSession(
                    chat_id=chat.id,
                    user_id=user.id,
                    alert_id=alert.id,
                    state="awaiting_text",
                    prompt_message_id=prompt.message_id,
                    created_at=now,
                    expires_at=now + timedelta(seconds=self.tg.edit_timeout_seconds),
                )
            )
            audit.record(
                session,
                now,
                "draft.edit_started",
                actor=actor.id,
                store_id=alert.store_id,
                review_id=alert.review_id,
            )
        return Outcome(True, "请在聊天里发送修改后的回复。")

    async def _close_edit(self, session, pending: ChatSession, action: str) -> None:
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

    async def _cancel_edit(self, update: Update) -> Outcome:
        async with self.sessions() as session, session.begin():
            pending = await self._session_of(session, update)
            if pending is None:
                return Outcome(False, "没有正在进行的修改。")
            await self._close_edit(session, pending, "draft.edit_cancelled")
        return Outcome(True, "已取消修改，草稿保持不变。")

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The text of an edit in progress. Sent while an earlier text waits for its confirm,
        it replaces that one: checked again, previewed again, and only the newest preview's
        ✅ posts (an older preview cannot confirm a text it does not show)."""
        message = update.effective_message
        actor = self._actor(update)
        if message is None or actor is None or not message.text:
            return  # ordinary group chatter, or someone the bot does not serve
        answered = message.reply_to_message
        if answered is not None and (
            answered.from_user is None or answered.from_user.id != self.bot.id
        ):
            return  # a reply to a colleague is conversation, not an edit
        now = self.clock.now()
        async with self.sessions() as session:
            pending = await self._session_of(session, update)
        if pending is None or pending.state not in ("awaiting_text", "awaiting_confirm"):
            return
        if pending.expires_at < now:
            async with self.sessions() as session, session.begin():
                pending = await session.get(ChatSession, pending.id)
                if pending is not None:
                    await self._close_edit(session, pending, "draft.edit_expired")
            await message.reply_text(EXPIRED)
            return
        replacing = pending.draft_id if pending.state == "awaiting_confirm" else None
        text = tidy_text(message.text)  # typed in a chat: plain already, no HTML to strip
        if not text:
            await message.reply_text("回复内容是空的，请重新发送。")
            return
        async with self.sessions() as session, session.begin():
            alert = await session.get(Alert, pending.alert_id)
            review = await session.get(Review, alert.review_id) if alert else None
            assert alert is not None and review is not None
            editing = await actions.current_draft(session, review.id)
            violations = await actions.guardrail_violations(
                session,
                review,
                text,
                self.directory.profile(alert.store_id),
                self._limits(review),
                quotes=editing.quotes if editing else (),
            )
            if violations:  # tell them now, while they are still writing
                audit.record(
                    session,
                    now,
                    "draft.blocked",
                    actor=actor.id,
                    store_id=alert.store_id,
                    review_id=alert.review_id,
                    after=text,
                    violations=[v.code for v in violations],
                )
        if violations:
            kept = "你上一版修改仍在等待确认。" if replacing else ""
            await message.reply_text(
                actions.explain(violations) + f"\n{kept}请修改后重新发送，或发送 /cancel 取消。"
            )
            return
        async with self.sessions() as session, session.begin():
            alert = await session.get(Alert, pending.alert_id)
            assert alert is not None
            before = await session.get(Draft, replacing) if replacing is not None else None
            await actions.drop_edit(session, replacing)
            try:
                draft = await actions.hold_edit(
                    session, alert.review_id, actor, now, text=text, zone=self._zone(alert.store_id)
                )
            except NotAllowed as exc:
                await session.execute(delete(ChatSession).where(ChatSession.id == pending.id))
                await message.reply_text(str(exc))
                return
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
                    expires_at=now + timedelta(seconds=self.tg.edit_timeout_seconds),
                )
            )
            token = alert.token or ""
        preview = await message.reply_text(
            f"修改后的回复：\n<blockquote>{render.escape(clip_utf16(text, 3000))}</blockquote>\n"
            "确认发布吗？（确认前卡片上的草稿不变；还想改的话，回复本消息发送新的完整回复）",
            parse_mode=ParseMode.HTML,
            reply_markup=render.confirm_keyboard(token),
        )
        async with self.sessions() as session, session.begin():
            await session.execute(
                sql_update(ChatSession)
                .where(ChatSession.id == pending.id, ChatSession.draft_id == draft.id)
                .values(prompt_message_id=preview.message_id)
            )
        if before is not None and pending.prompt_message_id is not None:
            try:  # the replaced preview keeps its text (to copy from) but loses its buttons
                await self.bot.edit_message_text(
                    "↪️ 这一版已被你后来发送的修改替换，不会发布（见下方新的预览）：\n"
                    f"<blockquote>{render.escape(clip_utf16(before.text, 3000))}</blockquote>",
                    chat_id=preview.chat_id,
                    message_id=pending.prompt_message_id,
                    parse_mode=ParseMode.HTML,
                )
            except TelegramError as exc:
                log.info("could not retire a replaced edit preview: %s", exc)

    async def expire_sessions(self) -> int:
        """Close edits nobody finished, and say so in the chat they were started in."""
        if not self.started:
            return 0  # they expire once the bot is up and can say so
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            expired = (
                await session.scalars(select(ChatSession).where(ChatSession.expires_at < now))
            ).all()
            for item in expired:
                await self._close_edit(session, item, "draft.edit_expired")
        for item in expired:
            try:
                await self.bot.send_message(
                    item.chat_id,
                    "⌛ 一个修改已超时，没有发布，草稿没有变化。",
                    reply_to_message_id=item.prompt_message_id,
                )
            except TelegramError as exc:
                log.info("could not announce an expired edit: %s", exc)
        return len(expired)

    # -- commands -------------------------------------------------------------------------

    async def _command_actor(self, update: Update, name: str) -> Actor | None:
        actor = self._actor(update)
        if actor is None:
            await self._refuse(update, f"/{name}")
        return actor

    async def cmd_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        actor = await self._command_actor(update, "start")
        if actor is None:
            return
        mine = [(s.name, actor.role_in(s.id)) for s in self.settings.stores if actor.covers(s.id)]
        senior = [name for name, role in mine if role in ("manager", "owner")]
        covered = "、".join(f"{name}（{ROLE_NAMES[role]}）" for name, role in mine if role)
        lines = [
            f"你好，{actor.name}。",
            f"负责门店：{covered or '无'}",
            f"你可以：{'、'.join(MAY['staff'])}。",
        ]
        if senior:
            lines.append(f"在{'、'.join(senior)}还可以：{'、'.join(MAY['manager'])}。")
        lines += [_ids(update), "发送 /help 查看使用说明。"]
        await update.effective_message.reply_text("\n".join(lines))

    async def cmd_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await self._command_actor(update, "help") is not None:
            await update.effective_message.reply_text(HELP)

    async def cmd_pending(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        actor = await self._command_actor(update, "pending")
        if actor is None:
            return
        stores = [s for s in self.directory.store_ids() if actor.covers(s)]
        pending = (
            Review.store_id.in_(stores),
            Review.status.in_(actions.OPEN_STATES),
            Review.id.in_(select(Alert.review_id)),
        )
        async with self.sessions() as session:
            total = await session.scalar(select(func.count()).select_from(Review).where(*pending))
            reviews = (
                await session.scalars(
                    select(Review)
                    .where(*pending)
                    .order_by(Review.first_seen_at, Review.id)
                    .limit(PENDING_SHOWN)
                )
            ).all()
            deadlines = {r.id: await reply_deadline(session, r, self.directory) for r in reviews}
            thanks_waiting = await thanks.waiting(session, self.directory, stores)
        more = (
            f"\n另有 {thanks_waiting} 条好评待感谢，发送 /thanks 查看。" if thanks_waiting else ""
        )
        if not reviews:
            await update.effective_message.reply_text("没有待处理的评价 🎉" + more)
            return
        now = self.clock.now()
        shown = f"，下面是最早的 {len(reviews)} 条" if total and total > len(reviews) else ""
        lines = [f"待处理 {total} 条（最早的在前{shown}）："]
        for review in reviews:
            deadline = deadlines[review.id]
            if deadline is None:
                timing = f"{duration(now - review.first_seen_at)}前"
            elif deadline > now:
                timing = f"回复时限还剩 {duration(deadline - now)}"
            else:
                timing = f"已超出回复时限 {duration(now - deadline)}"
            snippet = clip_utf16(review.text or "（只有评分）", 24)
            lines.append(f"#{review.id} {stars(review.rating)} · {timing} · {snippet}")
        lines.append("发送 /review 编号 查看并处理。")
        await update.effective_message.reply_text("\n".join(lines) + more)

    async def cmd_review(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        actor = await self._command_actor(update, "review")
        if actor is None:
            return
        args = context.args or []
        if len(args) != 1 or not args[0].lstrip("#").isdigit():
            await update.effective_message.reply_text("用法：/review 编号，例如 /review 123")
            return
        review_id = int(args[0].lstrip("#"))
        async with self.sessions() as session, session.begin():
            review = await session.get(Review, review_id)
            if review is None or not actor.covers(review.store_id):
                await update.effective_message.reply_text(f"找不到评价 #{review_id}。")
                return
            alert = await session.scalar(
                select(Alert).where(Alert.review_id == review_id).order_by(Alert.id.desc()).limit(1)
            )
            if alert is None:  # a review that did not need an alert (a positive one, say)
                alert = Alert(
                    review_id=review.id,
                    revision=review.revision,
                    store_id=review.store_id,
                    kind="requested",
                    status="queued",
                    created_at=self.clock.now(),
                    message_ref={},
                    token=secrets.token_urlsafe(12),
                )
                session.add(alert)
                await session.flush()
            alert_id = alert.id
        await self._send_card(update.effective_chat.id, alert_id, actor)

    async def cmd_stats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        actor = await self._command_actor(update, "stats")
        if actor is None:
            return
        lines = []
        for store_id in self._stores_here(update, actor):  # a group sees its own stores only
            lines.append(await self._today(store_id))
        await update.effective_message.reply_text("\n\n".join(lines) or "没有负责的门店。")

    async def _today(self, store_id: str) -> str:
        """Today's figures from the metrics module, the same ones the digest shows."""
        scope = metrics.today_scope(self.settings, [store_id], self.clock.now())
        async with self.sessions() as session:
            figures = await metrics.figures(session, self.settings, scope, quotes=1)
            open_now = await metrics.open_alerted(session, [store_id])
        store = self.directory.store(store_id)
        return stats_text(figures, store.name if store else store_id, open_now)

    def _stores_here(self, update: Update, actor: Actor) -> list[str]:
        chat = update.effective_chat
        if chat is not None and chat.type == ChatType.PRIVATE:
            return [s for s in self.directory.store_ids() if actor.covers(s)]
        return [s for s in self.directory.stores_of_chat(chat.id if chat else 0) if actor.covers(s)]

    async def cmd_mute(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        actor = await self._command_actor(update, "mute")
        if actor is None:
            return
        args = context.args or []
        if args and args[0].lower() in ("off", "0", "取消"):
            await self.cmd_unmute(update, context)
            return
        duration = parse_duration(args[0]) if args else None
        if duration is None:
            await update.effective_message.reply_text(
                "用法：/mute 1h（最长 24 小时），/mute off 恢复。"
            )
            return
        stores = self._stores_here(update, actor)
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
        local = until.astimezone(self._zone(stores[0]) if stores else UTC)
        await update.effective_message.reply_text(
            f"🔕 已暂停非紧急提醒，直到 {local:%H:%M}。食品安全等紧急提醒仍会立即发送；"
            "暂停期间的提醒会在恢复后按顺序送达。"
        )

    async def cmd_unmute(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        actor = await self._command_actor(update, "unmute")
        if actor is None:
            return
        stores = self._stores_here(update, actor)
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            await session.execute(
                sql_update(Store)
                .where(Store.id.in_(stores))
                .values(muted_until=None, muted_by=None)
            )
            held = [outbox.chat_destination(s) for s in stores]
            await session.execute(
                sql_update(OutboxMessage)
                .where(
                    OutboxMessage.destination.in_(held),
                    OutboxMessage.status == outbox.PENDING,
                    OutboxMessage.next_attempt_at > now,
                )
                .values(next_attempt_at=now)
            )
            for store_id in stores:
                audit.record(session, now, "store.unmuted", actor=actor.id, store_id=store_id)
        self.kick_outbox()
        await update.effective_message.reply_text("🔔 已恢复提醒，暂停期间的提醒马上送达。")

    async def cmd_crisis(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        actor = await self._command_actor(update, "crisis")
        if actor is None:
            return
        stores = self._stores_here(update, actor)
        args = context.args or []
        message = update.effective_message
        if args and args[0].lower() == "close":
            stores = [s for s in stores if actor.at_least("owner", s)]
            if not stores:
                await message.reply_text("只有店主可以结束危机。")
                return
            summary = " ".join(args[1:]).strip()
            if not summary:
                await message.reply_text(
                    "请写明处理结果，例如：/crisis close 已送检，结果正常，已联系顾客"
                )
                return
            async with self.sessions() as session, session.begin():
                crisis = await close_crisis(
                    session, stores, actor.id, actor.name, summary, self.clock.now()
                )
            self.kick_outbox()
            await message.reply_text(
                "已结束危机，处理记录已保存。" if crisis else "当前没有进行中的危机。"
            )
            return
        async with self.sessions() as session:
            crises = (
                await session.scalars(
                    select(Crisis).where(Crisis.store_id.in_(stores), Crisis.status == "open")
                )
            ).all()
        if not crises:
            await message.reply_text("当前没有进行中的危机。")
            return
        lines = []
        for crisis in crises:
            store = self.directory.store(crisis.store_id)
            zone = self._zone(crisis.store_id)
            reasons = "；".join(trigger_name(t) for t in crisis.triggers)
            reviews = " ".join(f"#{r}" for r in crisis.review_ids[:10])
            lines.append(
                f"🚨 {store.name if store else crisis.store_id}："
                f"{crisis.started_at.astimezone(zone):%m-%d %H:%M} 开始。"
                f"原因：{reasons}。评价：{reviews}"
            )
        await message.reply_text("\n".join(lines))

    async def cmd_cancel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await self._command_actor(update, "cancel") is None:
            return
        outcome = await self._cancel_edit(update)
        await update.effective_message.reply_text(outcome.message)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("handling a Telegram update failed", exc_info=context.error)
        if isinstance(update, Update) and update.callback_query is not None:
            with contextlib.suppress(TelegramError):
                await update.callback_query.answer("出错了，请稍后再试。", show_alert=True)
