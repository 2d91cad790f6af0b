"""Reading Telegram updates by long polling, each one confirmed only after it was handled.

python-telegram-bot's own poller confirms a batch (by asking for the next one) as soon as
it has queued it, before any handler ran: a daemon killed then loses the staff taps still
in its queue. This reader hands each update to the application, waits until it has been
handled, and only then asks for more, so a reader killed mid-batch leaves the rest
unconfirmed and the next reader (a replica, or this one restarted) gets them again. That
is at least once: a tap handled just before a crash may be handled again, which the
workflow answers as a tap on a card already dealt with.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application

log = logging.getLogger(__name__)

RETRY_FIRST = 1.0
RETRY_MAX = 30.0


class UpdateReader:
    def __init__(self, app: Application, *, timeout: int, allowed_updates: list[str]) -> None:
        self.app = app
        self.timeout = timeout
        self.allowed_updates = allowed_updates
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        """Start reading; a webhook left set (getUpdates refuses to run beside one) is
        removed first, keeping the updates it had not delivered."""
        with contextlib.suppress(TelegramError):
            await self.app.bot.delete_webhook(drop_pending_updates=False)
        self._stopping.clear()
        self._task = asyncio.create_task(self._read(), name="telegram:updates")

    async def stop(self, grace: float = 10.0) -> None:
        """Stop after the update being handled (a long poll in progress is dropped)."""
        if self._task is None:
            return
        self._stopping.set()
        task, self._task = self._task, None
        try:
            await asyncio.wait_for(asyncio.shield(task), grace)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _read(self) -> None:
        offset: int | None = None
        failures = 0
        while not self._stopping.is_set():
            fetch = asyncio.ensure_future(
                self.app.bot.get_updates(
                    offset=offset,
                    timeout=self.timeout,
                    allowed_updates=self.allowed_updates,
                    read_timeout=self.timeout + 10,
                )
            )
            stopping = asyncio.ensure_future(self._stopping.wait())
            await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if not fetch.done():
                fetch.cancel()
                with contextlib.suppress(asyncio.CancelledError, TelegramError):
                    await fetch
                break
            try:
                updates = fetch.result()
            except Exception as exc:  # Telegram or the network: retried with backoff
                failures += 1
                delay = min(RETRY_MAX, RETRY_FIRST * 2 ** (failures - 1))
                if isinstance(exc, RetryAfter):
                    asked = exc.retry_after
                    seconds = asked.total_seconds() if isinstance(asked, timedelta) else asked
                    delay = max(delay, float(seconds))
                level = logging.ERROR if isinstance(exc, InvalidToken) else logging.WARNING
                log.log(level, "reading Telegram updates failed (%s); again in %.0f s", exc, delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), delay)
                continue
            failures = 0
            for update in updates:
                try:
                    await self.app.process_update(update)
                except Exception:  # the error handler saw it; the update is not retried
                    log.exception("handling Telegram update %d failed", update.update_id)
                offset = update.update_id + 1
        if offset is not None:  # confirm what was handled, so a successor starts after it
            with contextlib.suppress(TelegramError, TimeoutError):
                await self.app.bot.get_updates(offset=offset, timeout=0, limit=1)
