"""The long connection (长连接) the Feishu / Lark app opens outward: card taps
(`card.action.trigger`) and group messages (`im.message.receive_v1`) arrive over it, so
the daemon needs no public address, no tunnel and no callback URL.

It is the official SDK's `lark.ws.Client` (it asks `{domain}/callback/ws/endpoint` for a
WebSocket address, then speaks the pbbp2 protobuf frames, pings, and reconnects by the
server's rules). The SDK runs its coroutines on one module-level event loop and calls our
handlers synchronously, so every app's client lives on one loop in one daemon thread of
its own, away from the daemon's loop: a handler hands its work to the daemon's loop and
waits for the answer there (a tap is answered within Feishu's 3 seconds, or with "正在处理"
while the work goes on). The calls into the client used here (`_connect`, `_disconnect`,
`_ping_loop`) are the 1.7 line's; pyproject pins it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import lark_oapi as lark
import lark_oapi.ws.client as ws_client
import websockets.exceptions
from lark_oapi.event.callback.model.p2_card_action_trigger import (
    P2CardActionTrigger,
    P2CardActionTriggerResponse,
)
from lark_oapi.ws.exception import ClientException

log = logging.getLogger(__name__)

ANSWER_WITHIN = 2.5  # seconds a tap waits for the workflow (Feishu allows 3)
BUSY = {"toast": {"type": "info", "content": "正在处理，卡片稍后更新。"}}
FAILED = {"toast": {"type": "error", "content": "出错了，请稍后再试。"}}

OnCard = Callable[[P2CardActionTrigger], Awaitable[dict[str, Any]]]
OnMessage = Callable[[Any], Awaitable[None]]


class _SdkLoop:
    """The one thread and event loop every lark.ws.Client of this process runs on."""

    _lock = threading.Lock()
    _loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def get(cls) -> asyncio.AbstractEventLoop:
        with cls._lock:
            if cls._loop is None or cls._loop.is_closed():
                loop = asyncio.new_event_loop()
                loop.set_exception_handler(_closed_quietly)
                ws_client.loop = loop  # the SDK schedules its tasks on this module global
                thread = threading.Thread(
                    target=loop.run_forever, name="feishu-long-connection", daemon=True
                )
                thread.start()
                cls._loop = loop
            return cls._loop


class LongConnection:
    """One app's connection. `on_card` and `on_message` are coroutines run on the
    daemon's loop; `on_card` returns the callback's answer (a toast)."""

    answer_within = ANSWER_WITHIN  # a tap slower than this is answered BUSY

    def __init__(
        self,
        app_id: str,
        app_secret: str,
        secret_env: str,
        domain: str,
        on_card: OnCard,
        on_message: OnMessage,
    ) -> None:
        self.app_id = app_id
        self.secret_env = secret_env
        self.on_card = on_card
        self.on_message = on_message
        self._daemon_loop: asyncio.AbstractEventLoop | None = None
        handler = (
            lark.EventDispatcherHandler.builder("", "")
            .register_p2_card_action_trigger(self._card)
            .register_p2_im_message_receive_v1(self._message)
            .build()
        )
        self.client = lark.ws.Client(
            app_id,
            app_secret,
            event_handler=handler,
            domain=domain,
            log_level=lark.LogLevel.WARNING,
            auto_reconnect=True,
        )
        self._run: concurrent.futures.Future[None] | None = None
        self._ping: asyncio.Future[Any] | None = None
        self.connected = False

    async def start(self, wait: float = 10.0) -> bool:
        """Connect; returns whether it worked within `wait` seconds. When Feishu is out
        of reach the SDK's reconnect loop keeps trying in the background (at the
        server's interval), and the rest of the daemon runs on: alerts wait in the
        outbox for the REST side to come back."""
        self._daemon_loop = asyncio.get_running_loop()
        self._run = asyncio.run_coroutine_threadsafe(self._open(), _SdkLoop.get())
        try:
            await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(self._run)), wait)
        except TimeoutError:
            log.warning(
                "Feishu long connection of app %s not open yet; retrying in the background",
                self.app_id,
            )
            return False
        except Exception as exc:  # the SDK's ClientException: credentials, too many clients
            log.error(
                "Feishu refused the long connection of app %s (%s): check app_id and the "
                "secret in %s; taps and commands wait until it is fixed and reviewbot restarts",
                self.app_id,
                exc,
                self.secret_env,
            )
            return False
        log.info("Feishu long connection of app %s open", self.app_id)
        return True

    async def _open(self) -> None:
        """On the SDK's loop: connect (or keep trying, as the SDK does after a drop),
        then ping at the server's interval."""
        try:
            await self.client._connect()
        except Exception as exc:
            if isinstance(exc, ClientException):
                raise  # a wrong app id or secret: trying again will not help
            log.warning("Feishu long connection of app %s failed: %s", self.app_id, exc)
            await self.client._reconnect()
        self.connected = True
        self._ping = asyncio.ensure_future(self.client._ping_loop())

    async def stop(self) -> None:
        """Close the connection for good (no reconnect), and stop its pings."""
        self.client._auto_reconnect = False
        sdk = _SdkLoop.get()

        async def close() -> None:
            if self._run is not None:
                self._run.cancel()
            if self._ping is not None:
                self._ping.cancel()
            for task in asyncio.all_tasks():  # its reader: ended quietly, not as a failure
                coro = task.get_coro()
                frame = getattr(coro, "cr_frame", None)
                if frame is not None and frame.f_locals.get("self") is self.client:
                    task.cancel()
            await self.client._disconnect()

        try:
            await asyncio.wait_for(
                asyncio.wrap_future(asyncio.run_coroutine_threadsafe(close(), sdk)), 5
            )
        except Exception as exc:
            log.info("closing the Feishu long connection: %s", exc)
        self.connected = False

    # -- on the SDK's thread ---------------------------------------------------------

    def _card(self, data: P2CardActionTrigger) -> P2CardActionTriggerResponse:
        assert self._daemon_loop is not None
        future = asyncio.run_coroutine_threadsafe(self.on_card(data), self._daemon_loop)
        try:
            answer = future.result(timeout=self.answer_within)
        except concurrent.futures.TimeoutError:
            answer = BUSY  # the work goes on; the card shows its result when done
        except Exception:
            log.exception("handling a Feishu card tap failed")
            answer = FAILED
        return P2CardActionTriggerResponse(answer)

    def _message(self, data: Any) -> None:
        assert self._daemon_loop is not None
        future = asyncio.run_coroutine_threadsafe(self.on_message(data), self._daemon_loop)
        future.add_done_callback(_log_failure)


def _log_failure(future: concurrent.futures.Future[Any]) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.error("handling a Feishu message failed", exc_info=future.exception())


def _closed_quietly(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """The SDK's receive task ends with the connection it read (closed by `stop`, or
    lost: the SDK reconnects and says so itself); anything else is reported as usual."""
    if isinstance(context.get("exception"), websockets.exceptions.ConnectionClosed):
        log.debug("a Feishu long connection closed: %s", context["exception"])
        return
    loop.default_exception_handler(context)
