"""A fake Feishu / Lark open platform for the app bot, speaking the documented wire format
so the real SDK (`lark-oapi`, its `domain` pointed here) runs unmodified against it:

- `POST /open-apis/auth/v3/tenant_access_token/internal` (app_id + app_secret → token);
- `POST /open-apis/im/v1/messages?receive_id_type=chat_id` (a bearer token, the bot in the
  group, `content` a JSON string, one message per `uuid`; `receive_id_type=open_id` writes
  to a person privately, kept under their open_id as a chat) and
  `PATCH /open-apis/im/v1/messages/{id}` (shared cards only: `config.update_multi`);
- `POST /callback/ws/endpoint` (AppID + AppSecret → a WebSocket URL and ClientConfig), and
  the WebSocket itself, in the SDK's pbbp2 protobuf frames: pings answered with pongs,
  events pushed as DATA frames (type `event`, message_id, sum/seq, trace_id) and the
  client's answer read back from the frame it returns. One client per app receives each
  event (the service's "cluster mode").

`down` makes every REST call fail with 503 (Feishu out of reach for sending); `drop()`
closes the live connections (the SDK reconnects by the ClientConfig given here).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from lark_oapi.ws.pb.pbbp2_pb2 import Frame

TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal"
MESSAGES = "/open-apis/im/v1/messages"


def _new_frame() -> Frame:
    """An empty pbbp2 frame. Imported here, not at the top: any `lark_oapi` import loads
    the whole SDK (2.5 s of CPU), which only the worker running the Feishu tests needs,
    not every worker collecting the suite (they run as one xdist group, tests/test_feishu.py)."""
    from lark_oapi.ws.pb.pbbp2_pb2 import Frame

    return Frame()


def _frame(headers: dict[str, str], payload: bytes, method: int, seq: int) -> bytes:
    frame = _new_frame()
    frame.SeqID, frame.LogID, frame.service, frame.method = seq, 0, 1, method
    for key, value in headers.items():
        header = frame.headers.add()
        header.key, header.value = key, value
    frame.payload = payload
    return frame.SerializeToString()


def _buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(elements: list[dict[str, Any]]) -> None:
        for element in elements:
            if element.get("tag") == "button" and "value" in element:
                found.append(element)
            walk(element.get("actions", []))
            walk(element.get("elements", []))

    walk(card.get("elements", []))
    return found


class FakeFeishu:
    def __init__(self, app_id: str, app_secret: str, chats: set[str]) -> None:
        self.app_id, self.app_secret = app_id, app_secret
        self.chats = set(chats)  # the groups the bot was added to
        self.down = False
        self.messages: dict[str, dict[str, Any]] = {}  # message id → what it shows now
        self.sent: list[dict[str, Any]] = []  # every create accepted, in order
        self.patches: list[tuple[str, dict[str, Any]]] = []
        self.refused: list[tuple[int, str]] = []
        self.connections: list[web.WebSocketResponse] = []
        self.connects = 0
        self.pings = 0
        self._tokens: set[str] = set()
        self._uuids: dict[str, str] = {}
        self._ids = itertools.count(1)
        self._answers: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._runner: web.AppRunner | None = None
        self.url = ""

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post(TOKEN_PATH, self._token)
        app.router.add_post(MESSAGES, self._create)
        app.router.add_patch(MESSAGES + "/{message_id}", self._patch)
        app.router.add_post("/callback/ws/endpoint", self._endpoint)
        app.router.add_get("/ws", self._socket)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        await self.drop()
        if self._runner is not None:
            await self._runner.cleanup()

    async def drop(self) -> None:
        for ws in list(self.connections):
            await ws.close()
        self.connections.clear()

    # -- REST ---------------------------------------------------------------------------

    def _refuse(self, code: int, msg: str, status: int = 400) -> web.Response:
        self.refused.append((code, msg))
        return web.json_response({"code": code, "msg": msg}, status=status)

    async def _token(self, request: web.Request) -> web.Response:
        if self.down:
            return web.Response(status=503, text="<html>503 Service Unavailable</html>")
        body = await request.json()
        if body.get("app_id") != self.app_id or body.get("app_secret") != self.app_secret:
            return self._refuse(10014, "app secret invalid", 200)
        # The same token for the same app (the SDK caches it for the whole process, across
        # the tests' daemons, as it would across a restart within its two hours).
        token = f"t-{hashlib.sha256(f'{self.app_id}|{self.app_secret}'.encode()).hexdigest()}"
        self._tokens.add(token)
        return web.json_response(
            {"code": 0, "msg": "ok", "tenant_access_token": token, "expire": 7200}
        )

    def _authorized(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        return header.startswith("Bearer ") and header[7:] in self._tokens

    async def _create(self, request: web.Request) -> web.Response:
        if self.down:
            return web.Response(status=503, text="<html>503 Service Unavailable</html>")
        if not self._authorized(request):
            return self._refuse(99991663, "Invalid access token for authorization", 400)
        kind = request.query.get("receive_id_type")
        if kind not in ("chat_id", "open_id"):
            return self._refuse(230001, "invalid receive_id_type")
        body = await request.json()
        if kind == "open_id" and not str(body.get("receive_id", "")).startswith("ou_"):
            return self._refuse(230001, "invalid open_id")
        if kind == "chat_id" and body.get("receive_id") not in self.chats:
            return self._refuse(230002, "Bot/User can NOT be out of the chat.")
        try:
            content = json.loads(body["content"])  # a string holding JSON, as documented
        except (KeyError, TypeError, ValueError):
            return self._refuse(230001, "content is not a JSON string")
        key = body.get("uuid")
        if key and key in self._uuids:  # one message per uuid within an hour
            return self._ok(self.messages[self._uuids[key]])
        message_id = f"om_{next(self._ids):06d}"
        message = {
            "message_id": message_id,
            "chat_id": body["receive_id"],
            "msg_type": body.get("msg_type"),
            "content": content,
            "create_time": str(int(time.time() * 1000)),
        }
        self.messages[message_id] = message
        self.sent.append(dict(message))
        if key:
            self._uuids[key] = message_id
        return self._ok(message)

    async def _patch(self, request: web.Request) -> web.Response:
        if self.down:
            return web.Response(status=503, text="<html>503 Service Unavailable</html>")
        if not self._authorized(request):
            return self._refuse(99991663, "Invalid access token for authorization", 400)
        message = self.messages.get(request.match_info["message_id"])
        if message is None:
            return self._refuse(230011, "The message is not found")
        if message["msg_type"] != "interactive":
            return self._refuse(230001, "only cards can be updated")
        if not message["content"].get("config", {}).get("update_multi"):
            return self._refuse(230099, "only shared cards (update_multi) can be updated")
        content = json.loads((await request.json())["content"])
        message["content"] = content
        self.patches.append((message["message_id"], content))
        return self._ok(message)

    @staticmethod
    def _ok(message: dict[str, Any]) -> web.Response:
        data = {**message, "body": {"content": json.dumps(message["content"])}}
        return web.json_response({"code": 0, "msg": "success", "data": data})

    # -- the long connection ----------------------------------------------------------------

    async def _endpoint(self, request: web.Request) -> web.Response:
        if self.down:
            return web.Response(status=503, text="<html>503 Service Unavailable</html>")
        body = await request.json()
        if body.get("AppID") != self.app_id or body.get("AppSecret") != self.app_secret:
            return web.json_response({"code": 10014, "msg": "app secret invalid"})
        host = self.url.replace("http://", "ws://")
        return web.json_response(
            {
                "code": 0,
                "msg": "ok",
                "data": {
                    "URL": f"{host}/ws?device_id={uuid.uuid4().hex}&service_id=1",
                    "ClientConfig": {
                        "ReconnectCount": -1,
                        "ReconnectInterval": 1,
                        "ReconnectNonce": 0,
                        "PingInterval": 120,
                    },
                },
            }
        )

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.connections.append(ws)
        self.connects += 1
        try:
            async for message in ws:
                if message.type != WSMsgType.BINARY:
                    continue
                frame = _new_frame()
                frame.ParseFromString(message.data)
                headers = {h.key: h.value for h in frame.headers}
                if frame.method == 0 and headers.get("type") == "ping":
                    self.pings += 1
                    await ws.send_bytes(_frame({"type": "pong"}, b"", 0, frame.SeqID))
                elif frame.method == 1:  # the client's answer to an event
                    waiting = self._answers.pop(headers.get("message_id", ""), None)
                    if waiting is not None and not waiting.done():
                        waiting.set_result(json.loads(frame.payload))
        finally:
            if ws in self.connections:
                self.connections.remove(ws)
        return ws

    async def push(self, event_type: str, event: dict[str, Any]) -> dict[str, Any]:
        """Send an event to one connected client; returns its answer frame's JSON
        ({"code": 200, "data": base64 of the handler's result}) and the decoded result."""
        for _ in range(200):  # a client reconnecting: wait for it
            if self.connections:
                break
            await asyncio.sleep(0.02)
        ws = self.connections[-1]
        message_id = uuid.uuid4().hex
        payload = {
            "schema": "2.0",
            "header": {
                "event_id": uuid.uuid4().hex,
                "token": "",
                "create_time": str(int(time.time() * 1000)),
                "event_type": event_type,
                "tenant_key": "tenant-1",
                "app_id": self.app_id,
            },
            "event": event,
        }
        headers = {
            "type": "event",
            "message_id": message_id,
            "trace_id": uuid.uuid4().hex,
            "sum": "1",
            "seq": "0",
        }
        answer = self._answers[message_id] = asyncio.get_running_loop().create_future()
        await ws.send_bytes(_frame(headers, json.dumps(payload).encode(), 1, 1))
        reply = await asyncio.wait_for(answer, 10)
        data = reply.get("data")
        reply["result"] = json.loads(base64.b64decode(data)) if data else None
        return reply

    async def tap(
        self,
        open_id: str,
        message_id: str,
        value: dict[str, Any],
        form: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Someone taps a button of a card (`card.action.trigger`); returns the answer
        the bot gave (its toast)."""
        message = self.messages[message_id]
        action: dict[str, Any] = {"value": value, "tag": "button"}
        if form is not None:
            action.update(form_value=form, name="submit")
        reply = await self.push(
            "card.action.trigger",
            {
                "operator": {"open_id": open_id, "tenant_key": "tenant-1"},
                "token": f"c-{uuid.uuid4().hex}",
                "action": action,
                "host": "im_message",
                "context": {"open_message_id": message_id, "open_chat_id": message["chat_id"]},
            },
        )
        assert reply["code"] == 200, reply
        return reply["result"] or {}

    async def say(self, open_id: str, chat_id: str, text: str) -> None:
        """Someone writes in a group, @-mentioning the bot (`im.message.receive_v1`)."""
        await self.push(
            "im.message.receive_v1",
            {
                "sender": {"sender_id": {"open_id": open_id}, "sender_type": "user"},
                "message": {
                    "message_id": f"om_user_{uuid.uuid4().hex[:8]}",
                    "chat_id": chat_id,
                    "chat_type": "group",
                    "message_type": "text",
                    "content": json.dumps({"text": f"@_user_1 {text}"}),
                    "mentions": [{"key": "@_user_1", "name": "reviewbot"}],
                },
            },
        )

    # -- reading what the bot did -----------------------------------------------------------

    def cards(self, chat_id: str) -> list[dict[str, Any]]:
        """The review cards in a group (the ones with a 通过 button), oldest first."""
        return [
            self.messages[m["message_id"]]
            for m in self.sent
            if m["chat_id"] == chat_id
            and m["msg_type"] == "interactive"
            and any(b["value"].get("a") == "approve" for b in _buttons(m["content"]))
        ]

    def texts(self, chat_id: str) -> list[str]:
        return [
            m["content"]["text"]
            for m in self.sent
            if m["chat_id"] == chat_id and m["msg_type"] == "text"
        ]

    def buttons(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        """Every callback button of a card as it is now, forms' included."""
        return _buttons(self.messages[message["message_id"]]["content"])

    def button(self, message: dict[str, Any], action: str) -> dict[str, Any]:
        return next(b["value"] for b in self.buttons(message) if b["value"].get("a") == action)

    def text_of(self, message: dict[str, Any]) -> str:
        """Everything a card says now (header and markdown), as one string."""
        current = self.messages[message["message_id"]]["content"]
        parts = [current.get("header", {}).get("title", {}).get("content", "")]

        def walk(elements: list[dict[str, Any]]) -> None:
            for element in elements:
                text = element.get("text")
                if isinstance(text, dict):
                    parts.append(str(text.get("content", "")))
                walk(element.get("elements", []))

        walk(current.get("elements", []))
        return "\n".join(parts)

    async def wait_for(self, found: Callable[[], Any], rounds: int = 250) -> Any:
        """`found()` once it is truthy, checked every 20 ms (5 s at most)."""
        for _ in range(rounds):
            value = found()
            if value:
                return value
            await asyncio.sleep(0.02)
        raise AssertionError("the bot did not do what was expected in time")
