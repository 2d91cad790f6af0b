"""The stream connection (DingTalk's Stream mode: no public IP, no callback URL) through the
official SDK, `dingtalk_stream`.

The SDK asks `{endpoint}/v1.0/gateway/connections/open` for a WebSocket endpoint and ticket,
then reads JSON frames: SYSTEM pings (acked), CALLBACK frames for the topics subscribed
(robot @-messages, card button callbacks), each acked with the handler's answer. Its
`open_connection` posts with the blocking `requests` library and its own `start` loop calls
it on the event loop and cannot be stopped (it catches cancellation and retries); so this
client keeps the SDK's connection request, frame parsing, routing and acks, and runs its
own loop: the request in a daemon thread (it has no timeout), a backoff from 1 s to a
minute while DingTalk is out of reach, and a clean stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_plus

import dingtalk_stream
import websockets
from dingtalk_stream import DingTalkStreamClient

log = logging.getLogger(__name__)
sdk_log = logging.getLogger(f"{__name__}.sdk")


class _Pings(logging.Filter):
    """The SDK warns of an "unknown" topic on each of DingTalk's keep-alive pings (it acks
    them all the same): not worth a line every half minute."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.args and "topic=ping" in record.getMessage())


sdk_log.addFilter(_Pings())

RETRY_FIRST = 1.0
RETRY_MAX = 60.0


async def _in_thread(call: Callable[[], Any]) -> Any:
    """`call()` in a daemon thread: the SDK's request has no timeout, and a thread stuck
    on a DingTalk that never answers must not keep the process from exiting."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[Any] = loop.create_future()

    def run() -> None:
        try:
            result: Any = call()
        except BaseException as exc:  # handed to the waiting coroutine
            loop.call_soon_threadsafe(_settle, done, None, exc)
        else:
            loop.call_soon_threadsafe(_settle, done, result, None)

    threading.Thread(target=run, name="dingtalk-connect", daemon=True).start()
    return await done


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():  # the waiter was cancelled (a stop)
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


class StreamClient(DingTalkStreamClient):
    def __init__(
        self, client_id: str, client_secret: str, *, endpoint: str, retry_max: float = RETRY_MAX
    ) -> None:
        super().__init__(dingtalk_stream.Credential(client_id, client_secret), logger=sdk_log)
        self.endpoint = endpoint.rstrip("/")
        self.connected = asyncio.Event()
        self._stopping = False
        self._frames: set[asyncio.Task[Any]] = set()
        self._failures = 0
        self.retry_max = retry_max  # the longest wait between connection attempts, seconds

    def open_connection(self) -> dict | None:
        """The SDK's request (blocking: called in a worker thread), to our endpoint: the
        SDK reads it from a class attribute, set here before each call."""
        DingTalkStreamClient.OPEN_CONNECTION_API = f"{self.endpoint}/v1.0/gateway/connections/open"
        return super().open_connection()

    def get_host_ip(self) -> str:
        """The SDK reports the host's address by routing a UDP socket to 8.8.8.8; an
        offline host has none, and DingTalk does not need it."""
        return ""

    async def run(self) -> None:
        """Connect, read frames until the connection drops, connect again; until `stop`."""
        self.pre_start()
        while not self._stopping:
            connection = await _in_thread(self.open_connection)
            if not connection or "endpoint" not in connection:
                await self._wait("DingTalk refused or did not answer the stream request")
                continue
            uri = f"{connection['endpoint']}?ticket={quote_plus(connection.get('ticket', ''))}"
            try:
                async with websockets.connect(uri, ping_interval=60) as websocket:
                    self.websocket = websocket
                    self.connected.set()
                    if self._failures:
                        log.info("DingTalk stream connection back")
                    self._failures = 0
                    async for raw in websocket:
                        self._handle(raw)
            except (websockets.exceptions.WebSocketException, OSError) as exc:
                if not self._stopping:
                    await self._wait(f"the DingTalk stream connection failed ({exc})")
                continue
            finally:
                self.connected.clear()
                self.websocket = None
            if not self._stopping:
                await self._wait("DingTalk closed the stream connection")

    def _handle(self, raw: str | bytes) -> None:
        """Each frame in its own task (a slow handler holds no other tap), as the SDK does."""
        try:
            frame = json.loads(raw)
        except ValueError:
            log.warning("an unreadable frame on the DingTalk stream was skipped")
            return
        task = asyncio.create_task(self.background_task(frame))
        self._frames.add(task)
        task.add_done_callback(self._frames.discard)

    async def _wait(self, why: str) -> None:
        self._failures += 1
        delay = min(self.retry_max, RETRY_FIRST * 2 ** (self._failures - 1))
        if self._failures == 1:  # said once when it starts failing, not on every retry
            log.warning("%s; trying again (every %.0f s at most)", why, self.retry_max)
        await asyncio.sleep(delay)

    async def stop(self) -> None:
        """Close the connection; frames being handled finish (their acks may not go)."""
        self._stopping = True
        if self.websocket is not None:
            with contextlib.suppress(Exception):
                await self.websocket.close()
        if self._frames:
            await asyncio.wait(list(self._frames), timeout=5)
