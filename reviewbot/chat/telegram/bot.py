"""The Telegram bot: its lifecycle (token check, retries while Telegram is out of reach,
polling or a webhook) and where each update is routed. The handlers are small and live
by flow: card buttons (buttons.py), the edit conversation (edits.py), commands
(commands.py) and /thanks (thanks.py); what they do is the workflow's (`workflow/desk.py`).

Only one replica reads updates at a time (Telegram allows one getUpdates consumer per
bot): it holds the `telegram:updates` lease, renewed by `maintain` every third of its
length, and another takes over within seconds if it disappears. Updates are read by our
own reader (reader.py), which confirms each only after it was handled, so a replica killed
mid-batch loses no tap.
"""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from telegram import BotCommand, Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from reviewbot.chat.telegram.access import Front
from reviewbot.chat.telegram.buttons import CardButtons
from reviewbot.chat.telegram.cases import CaseFlow
from reviewbot.chat.telegram.commands import COMMANDS, Commands
from reviewbot.chat.telegram.edits import EditConversation
from reviewbot.chat.telegram.reader import UpdateReader
from reviewbot.chat.telegram.thanks import ThanksFlow
from reviewbot.config import ConfigError, Settings
from reviewbot.workflow.desk import Desk

log = logging.getLogger(__name__)

UPDATES_LEASE = "telegram:updates"
# Telegram out of reach at startup: try again after 15 s, doubling up to 5 minutes.
START_RETRY_FIRST = timedelta(seconds=15)
START_RETRY_MAX = timedelta(minutes=5)
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


class TelegramBot:
    def __init__(self, settings: Settings, desk: Desk, *, owner: str, lease_ttl: timedelta) -> None:
        self.settings = settings
        self.tg = settings.telegram
        self.desk = desk
        self.clock = desk.clock
        self.owner = owner
        self.lease_ttl = lease_ttl
        self.receiving = False
        self.started = False
        self._start_failures = 0
        self._webhook_secret = self._make_webhook_secret() if self.tg.mode == "webhook" else None
        self._start_at = self.clock.now()
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
        front = Front(settings, desk, self.app.bot)
        self.edits = EditConversation(front)
        self.edits.started = lambda: self.started
        self.thanks = ThanksFlow(front)
        cases = CaseFlow(front)
        for handler in (
            *self.thanks.handlers(),  # `tk:` and `cs:` buttons before the cards' catch-all
            *cases.handlers(),
            *CardButtons(front, self.edits, cases).handlers(),
            *Commands(front, self.edits).handlers(),
        ):
            self.app.add_handler(handler)
        self.app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, self.edits.on_text))
        self.app.add_error_handler(self.on_error)
        self.reader = UpdateReader(
            self.app,
            timeout=self.tg.poll_timeout_seconds,
            allowed_updates=["message", "callback_query"],
        )

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

    def kick_outbox(self) -> None:
        self.desk.kick_outbox()

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
        held = await self.desk.hold_lease(UPDATES_LEASE, self.owner, self.lease_ttl)
        if held and not self.reader.running:  # (or its task ended unexpectedly)
            await self.reader.start()
            if not self.receiving:
                log.info("reading Telegram updates (this replica holds the lease)")
            self.receiving = True
        elif not held and self.receiving:
            await self.reader.stop()
            self.receiving = False
            log.warning("another replica reads Telegram updates now")

    async def stop(self) -> None:
        await self.reader.stop()
        if self.app.updater is not None and self.app.updater.running:  # the webhook
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        await self.bot.shutdown()  # its HTTP clients, open even when getMe failed
        self.started = False
        if self.receiving and self.tg.mode == "polling":
            await self.desk.release_lease(UPDATES_LEASE, self.owner)
        self.receiving = False

    async def expire_sessions(self) -> int:
        """Close edits nobody finished, and say so in the chat they were started in."""
        return await self.edits.expire()

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("handling a Telegram update failed", exc_info=context.error)
        if isinstance(update, Update) and update.callback_query is not None:
            with contextlib.suppress(TelegramError):
                await update.callback_query.answer("出错了，请稍后再试。", show_alert=True)
