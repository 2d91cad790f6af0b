"""The WeCom AI bot's long connection (企业微信「智能机器人长连接」, document 101463), spoken
with aiohttp's WebSocket client: no public IP, no callback URL, no message encryption.

Every frame is JSON `{cmd, headers: {req_id}, body}`. After connecting, the bot subscribes
(`aibot_subscribe` {bot_id, secret}); WeCom answers each request with a frame carrying the
same req_id and `{errcode, errmsg}`. WeCom pushes `aibot_msg_callback` (a message to the
bot) and `aibot_event_callback` (a template card's button, entering the chat, and
`disconnected_event` when a newer connection of the same bot took over). Answers to a
callback reuse its req_id (`aibot_respond_msg`, `aibot_respond_update_msg` for a card
click, within 5 s); a message nobody asked for is `aibot_send_msg` to a chat. The bot
keeps the connection alive with `ping` every 30 s; two pings unanswered and it reconnects,
with a backoff from 1 s to a minute while WeCom is out of reach.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

HEARTBEAT = 30.0  # seconds between pings (the official SDKs' interval)
ACK_TIMEOUT = 5.0  # WeCom's answer to a request; a card click's update must land in 5 s
RETRY_FIRST, RETRY_MAX = 1.0, 60.0
MISSED_PINGS = 2
# Pushed out by a newer connection of the same bot (another reviewbot running it): trying
# again at once would push that one out in turn, so wait long and say so.
PUSHED_OUT_WAIT = 300.0
PUSHED_OUT = "WeCom closed this connection: a newer one of the same bot took over"
CALLBACKS = frozenset({"aibot_msg_callback", "aibot_event_callback"})

Handler = Callable[[dict[str, Any]], Awaitable[None]]


class WeComError(Exception):
    """A request WeCom did not take: `code` is its errcode, or "network" when the
    connection is down or the answer did not come; `maybe_delivered` when the frame went
    out before that (WeCom may have shown the message all the same)."""

    def __init__(self, message: str, code: int | str, *, maybe_delivered: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.maybe_delivered = maybe_delivered


def req_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


class Link:
    """One bot's connection (one bot id keeps one: a second would push the first out)."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        *,
        bot_id: str,
        secret: str,
        url: str,
        secret_env: str,
        heartbeat: float = HEARTBEAT,
        ack_timeout: float = ACK_TIMEOUT,
        retry_max: float = RETRY_MAX,
    ) -> None:
        self.http = http
        self.bot_id = bot_id
        self._secret = secret
        self.secret_env = secret_env  # named in a refusal, never the value
        self.url = url
        self.heartbeat = heartbeat
        self.ack_timeout = ack_timeout
        self.retry_max = retry_max
        self.pushed_out = PUSHED_OUT_WAIT
        self.on_callback: Handler | None = None  # the front end's, set before `start`
        self.connected = asyncio.Event()
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._runner: asyncio.Task[None] | None = None
        self._failures = 0
        self._stopping = False
        self._send_lock = asyncio.Lock()

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> None:
        """Connect in the background: WeCom out of reach holds nothing else up."""
        if self._runner is None:
            self._runner = asyncio.create_task(self._run(), name=f"wecom:{self.bot_id}")

    async def stop(self) -> None:
        """Close the connection; callbacks being handled get a moment to answer."""
        self._stopping = True
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=ACK_TIMEOUT)
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
            self._runner = None

    async def _run(self) -> None:
        while not self._stopping:
            why = await self._session()
            if self._stopping:
                return
            if why == PUSHED_OUT:
                log.warning("%s (is the bot used elsewhere?); waiting %.0f s", why, self.pushed_out)
                await asyncio.sleep(self.pushed_out)
            else:
                await self._wait(why)

    async def _session(self) -> str:
        """One connection, from the handshake until it drops: why it ended."""
        try:
            async with self.http.ws_connect(self.url, heartbeat=None, autoping=True) as ws:
                self._ws = ws
                reader = asyncio.create_task(self._read(ws))
                try:
                    answer = await self.request(
                        "aibot_subscribe",
                        {"bot_id": self.bot_id, "secret": self._secret},
                        connecting=True,
                    )
                except WeComError as exc:
                    reader.cancel()
                    if exc.code == "network":
                        return f"WeCom did not answer the subscription ({exc})"
                    return (
                        f"WeCom refused the bot's subscription (errcode {exc.code}): check the "
                        f"bot id and {self.secret_env}, and that the bot uses long-connection mode"
                    )
                log.debug("WeCom long connection subscribed: %s", answer.get("errmsg"))
                self.connected.set()
                if self._failures:
                    log.info("WeCom long connection back")
                self._failures = 0
                pinger = asyncio.create_task(self._ping(ws))
                try:
                    return await reader
                finally:
                    pinger.cancel()
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            return f"the WeCom long connection failed ({type(exc).__name__})"
        finally:
            self.connected.clear()
            self._ws = None
            for future in self._waiting.values():
                if not future.done():
                    future.set_exception(WeComError("the connection dropped", "network"))
            self._waiting.clear()

    async def _wait(self, why: str) -> None:
        self._failures += 1
        delay = min(self.retry_max, RETRY_FIRST * 2 ** (self._failures - 1))
        if self._failures == 1:  # said once when it starts failing, not on every retry
            log.warning("%s; trying again (every %.0f s at most)", why, self.retry_max)
        await asyncio.sleep(delay)

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> str:
        async for message in ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            try:
                frame = json.loads(message.data)
            except ValueError:
                log.warning("an unreadable frame on the WeCom long connection was skipped")
                continue
            if not isinstance(frame, dict):
                continue
            cmd = frame.get("cmd")
            rid = str((frame.get("headers") or {}).get("req_id") or "")
            if cmd in CALLBACKS:
                event = ((frame.get("body") or {}).get("event") or {}).get("eventtype")
                if event == "disconnected_event":
                    return PUSHED_OUT
                self._spawn(frame)
            elif not cmd and rid in self._waiting:
                future = self._waiting.pop(rid)
                if not future.done():
                    future.set_result(frame)
        return "WeCom closed the long connection"

    def _spawn(self, frame: dict[str, Any]) -> None:
        """Each callback in its own task: a slow one holds no other click."""
        if self.on_callback is None:
            return
        task = asyncio.create_task(self._handle(frame))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, frame: dict[str, Any]) -> None:
        assert self.on_callback is not None
        try:
            await self.on_callback(frame)
        except Exception:  # one bad callback must not end the connection
            log.exception("handling a WeCom callback failed")

    async def _ping(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        missed = 0
        while not ws.closed:
            await asyncio.sleep(self.heartbeat)
            try:
                await self.request("ping", None)
                missed = 0
            except WeComError:
                missed += 1
                if missed >= MISSED_PINGS:
                    log.warning("WeCom stopped answering pings; reconnecting")
                    await ws.close()
                    return

    # -- requests ----------------------------------------------------------------------

    async def request(
        self,
        cmd: str,
        body: dict[str, Any] | None,
        *,
        rid: str | None = None,
        connecting: bool = False,
    ) -> dict[str, Any]:
        """Send a frame and wait for WeCom's answer to it (the same req_id)."""
        ws = self._ws
        if ws is None or ws.closed or not (connecting or self.connected.is_set()):
            raise WeComError("WeCom long connection is down", "network")
        rid = rid or req_id(cmd)
        frame: dict[str, Any] = {"cmd": cmd, "headers": {"req_id": rid}}
        if body is not None:
            frame["body"] = body
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[rid] = future
        sent = False
        try:
            async with self._send_lock:
                await ws.send_str(json.dumps(frame, ensure_ascii=False))
            sent = True
            answer = await asyncio.wait_for(future, self.ack_timeout)
        except WeComError as exc:  # the connection dropped while the answer was awaited
            exc.maybe_delivered = sent
            raise
        except (TimeoutError, ConnectionError, aiohttp.ClientError) as exc:
            why = f"no answer from WeCom to {cmd} ({type(exc).__name__})"
            raise WeComError(why, "network", maybe_delivered=sent) from None
        finally:
            self._waiting.pop(rid, None)
        code = answer.get("errcode", 0)
        if code != 0:
            message = str(answer.get("errmsg") or "")[:200]
            raise WeComError(f"WeCom refused {cmd} (errcode {code}: {message})", code)
        return answer

    async def send(self, chat_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """A message nobody asked for, to a group chat (`aibot_send_msg`, chat_type 2).
        WeCom delivers it only to a chat where someone has written to the bot before."""
        return await self.request("aibot_send_msg", {"chatid": chat_id, "chat_type": 2, **body})

    async def respond(self, callback_rid: str, body: dict[str, Any]) -> dict[str, Any]:
        """An answer to a message callback, in the chat it came from."""
        return await self.request("aibot_respond_msg", body, rid=callback_rid)

    async def update_card(self, callback_rid: str, card: dict[str, Any]) -> dict[str, Any]:
        """A card redrawn in answer to its click (the click's req_id, within 5 s)."""
        body = {"response_type": "update_template_card", "template_card": card}
        return await self.request("aibot_respond_update_msg", body, rid=callback_rid)
