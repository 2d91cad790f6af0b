"""A fake DingTalk (钉钉) for an enterprise internal app's robot: the OpenAPI and the
Stream-mode connection, on one aiohttp server on a free local port, speaking the wire
format the official SDK (`dingtalk_stream`) and DingTalk's documents use.

OpenAPI (JSON; the token in the `x-acs-dingtalk-access-token` header):
- `POST /v1.0/oauth2/accessToken` {appKey, appSecret} → {accessToken, expireIn}; a wrong
  secret → 400 {code: "invalidClientIdOrSecret"}; a wrong or expired token elsewhere → 401.
- `POST /v1.0/card/instances/createAndDeliver` {cardTemplateId, outTrackId, cardData:
  {cardParamMap}, callbackType, openSpaceId: "dtv1.card//IM_GROUP.<cid>",
  imGroupOpenDeliverModel: {robotCode}} → {success, result: {outTrackId, deliverResults}}.
- `PUT /v1.0/card/instances` {outTrackId, cardData, cardUpdateOptions} → {success, result}.
- `POST /v1.0/robot/groupMessages/send` {robotCode, openConversationId, msgKey, msgParam};
  `POST /v1.0/robot/oToMessages/batchSend` {robotCode, userIds, msgKey, msgParam}.

Stream mode: `POST /v1.0/gateway/connections/open` {clientId, clientSecret, subscriptions}
→ {endpoint: "ws://…/connect", ticket}; the WebSocket then carries JSON frames
{specVersion, type: SYSTEM|CALLBACK, headers: {messageId, topic, …}, data: "<json>"}, each
answered by an ack {code, headers: {messageId}, message, data}. A SYSTEM ping opens every
connection (its ack is checked); card button taps are CALLBACKs on
`/v1.0/card/instances/callback`, robot @-messages on `/v1.0/im/bot/messages/get`.

`down = True` answers every request with 503 and drops the stream, as an outage would.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

CARD_TOPIC = "/v1.0/card/instances/callback"
BOT_TOPIC = "/v1.0/im/bot/messages/get"
# The owner's template (config.example.toml, step 4): the card variables a button's
# callback parameters are bound to, sent back as the presser's screen shows them.
BOUND = {"approve": ("draft_id",)}


@dataclass
class Card:
    out_track_id: str
    conversation: str
    template: str
    params: dict[str, str]
    updates: int = 0
    private: dict[str, dict[str, str]] = field(default_factory=dict)  # per user


class FakeDingTalk:
    def __init__(self, client_id: str, client_secret: str, corp_id: str = "dingcorp01") -> None:
        self.client_id, self.client_secret, self.corp_id = client_id, client_secret, corp_id
        self.tokens: set[str] = set()
        self.cards: dict[str, Card] = {}  # by outTrackId, in the order sent
        self.messages: list[dict[str, Any]] = []  # {"conversation"|"users", "title", "text"}
        self.opened: list[dict[str, Any]] = []  # connections/open bodies
        self.acks: dict[str, dict[str, Any]] = {}
        self.down = False
        self.base_url = ""
        self._ws: web.WebSocketResponse | None = None
        self._waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._connected = asyncio.Event()
        self._runner: web.AppRunner | None = None

    async def start(self) -> str:
        app = web.Application(middlewares=[self._outage])
        app.router.add_post("/v1.0/oauth2/accessToken", self._token)
        app.router.add_post("/v1.0/gateway/connections/open", self._open)
        app.router.add_get("/connect", self._connect)
        app.router.add_post("/v1.0/card/instances/createAndDeliver", self._send_card)
        app.router.add_put("/v1.0/card/instances", self._update_card)
        app.router.add_post("/v1.0/robot/groupMessages/send", self._group_message)
        app.router.add_post("/v1.0/robot/oToMessages/batchSend", self._private_message)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self.base_url

    async def stop(self) -> None:
        await self.drop()
        if self._runner is not None:
            await self._runner.cleanup()

    async def drop(self) -> None:
        """Close the stream connection (DingTalk restarting, or an outage)."""
        ws, self._ws = self._ws, None
        self._connected.clear()
        if ws is not None:
            await ws.close()

    # -- what a test reads ------------------------------------------------------------------

    def group_cards(self, conversation: str) -> list[Card]:
        return [c for c in self.cards.values() if c.conversation == conversation]

    def said(self, conversation: str | None = None, user: str | None = None) -> list[str]:
        return [
            m["text"]
            for m in self.messages
            if (conversation is not None and m.get("conversation") == conversation)
            or (user is not None and user in m.get("users", []))
        ]

    async def connected(self) -> None:
        """Wait (10 s at most) until the client is connected and has acked the ping."""
        await asyncio.wait_for(self._connected.wait(), 10)

    # -- what people do in DingTalk -----------------------------------------------------------

    async def press(
        self, user: str, card: Card, action: str, shown: dict[str, str] | None = None, **params: str
    ) -> dict[str, Any]:
        """A tap on a card's button (its callback params: `action`, the variables the
        template binds to it, and the edit box's `reply`); returns the answer in the
        client's ack. `shown`: the card's variables as the presser's screen still drew them
        (a redraw not there yet); by default the card as it is."""
        drawn = card.params if shown is None else shown
        bound = {name: drawn[name] for name in BOUND.get(action, ()) if name in drawn}
        private = {"actionIds": [action], "params": {"action": action, **bound, **params}}
        content = {"cardPrivateData": private}
        data = {
            "extension": "{}",
            "corpId": self.corp_id,
            "type": "actionCallback",
            "userId": user,
            "content": json.dumps(content, ensure_ascii=False),
            "outTrackId": card.out_track_id,
            "spaceType": "IM_GROUP",
            "spaceId": card.conversation,
        }
        ack = await self.push(CARD_TOPIC, data)
        answer = json.loads(ack["data"])["response"]
        notice = answer.get("userPrivateData", {}).get("cardParamMap", {})
        card.private.setdefault(user, {}).update(notice)
        return answer

    async def say(self, user: str, conversation: str | None, text: str, nick: str = "") -> None:
        """An @-message to the robot in a group (or a private message, conversation None)."""
        data = {
            "conversationId": conversation or f"private-{user}",
            "conversationType": "2" if conversation else "1",
            "atUsers": [{"dingtalkId": "$:LWCP_v1:$robot"}],
            "chatbotCorpId": self.corp_id,
            "chatbotUserId": "$:LWCP_v1:$robot",
            "msgId": f"msg{secrets.token_hex(6)}",
            "senderNick": nick or user,
            "isAdmin": False,
            "senderStaffId": user,
            "sessionWebhookExpiredTime": int(time.time() * 1000) + 3_600_000,
            "createAt": int(time.time() * 1000),
            "senderCorpId": self.corp_id,
            "isInAtList": True,
            "senderId": f"$:LWCP_v1:${user}",
            "robotCode": self.client_id,
            "msgtype": "text",
            "text": {"content": f" {text}"},
        }
        await self.push(BOT_TOPIC, data)

    async def push(self, topic: str, data: dict[str, Any], kind: str = "CALLBACK") -> dict:
        """Send a frame down the stream and wait for its ack."""
        await self.connected()
        assert self._ws is not None
        message_id = secrets.token_hex(8)
        frame = {
            "specVersion": "1.0",
            "type": kind,
            "headers": {
                "appId": self.client_id,
                "connectionId": "conn-1",
                "contentType": "application/json",
                "messageId": message_id,
                "time": str(int(time.time() * 1000)),
                "topic": topic,
            },
            "data": json.dumps(data, ensure_ascii=False),
        }
        waiting = asyncio.get_running_loop().create_future()
        self._waiting[message_id] = waiting
        await self._ws.send_str(json.dumps(frame, ensure_ascii=False))
        return await asyncio.wait_for(waiting, 10)

    # -- the service ------------------------------------------------------------------------

    @web.middleware
    async def _outage(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if self.down:
            return web.json_response({"code": "ServiceUnavailable", "message": "down"}, status=503)
        return await handler(request)

    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("x-acs-dingtalk-access-token") in self.tokens

    @staticmethod
    def _unauthorised() -> web.Response:
        return web.json_response(
            {"code": "InvalidAuthentication", "message": "不合法的access_token"}, status=401
        )

    async def _token(self, request: web.Request) -> web.Response:
        body = await request.json()
        if (body.get("appKey"), body.get("appSecret")) != (self.client_id, self.client_secret):
            return web.json_response(
                {"code": "invalidClientIdOrSecret", "message": "无效的clientId或者clientSecret"},
                status=400,
            )
        token = secrets.token_hex(16)
        self.tokens.add(token)
        return web.json_response({"accessToken": token, "expireIn": 7200})

    async def _open(self, request: web.Request) -> web.Response:
        body = json.loads(await request.text())
        self.opened.append(body)
        if (body.get("clientId"), body.get("clientSecret")) != (
            self.client_id,
            self.client_secret,
        ):
            return web.json_response({"code": "InvalidClient", "message": "bad client"}, status=401)
        ticket = secrets.token_urlsafe(12)
        return web.json_response({"endpoint": f"ws{self.base_url[4:]}/connect", "ticket": ticket})

    async def _connect(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        if not request.query.get("ticket"):
            await ws.close()
            return ws
        self._ws = ws
        ping = {
            "specVersion": "1.0",
            "type": "SYSTEM",
            "headers": {"messageId": "ping-1", "topic": "ping", "contentType": "application/json"},
            "data": json.dumps({"opaque": "x"}),
        }
        await ws.send_str(json.dumps(ping))
        async for frame in ws:
            if frame.type != WSMsgType.TEXT:
                break
            ack = json.loads(frame.data)
            message_id = ack.get("headers", {}).get("messageId", "")
            self.acks[message_id] = ack
            if message_id == "ping-1":
                self._connected.set()  # the client speaks the protocol: it acked the ping
            waiting = self._waiting.pop(message_id, None)
            if waiting is not None and not waiting.done():
                waiting.set_result(ack)
        if self._ws is ws:
            self._ws = None
            self._connected.clear()
        return ws

    async def _send_card(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return self._unauthorised()
        body = await request.json()
        space = body.get("openSpaceId", "")
        robot = body.get("imGroupOpenDeliverModel", {}).get("robotCode")
        if not space.startswith("dtv1.card//IM_GROUP.") or robot != self.client_id:
            return web.json_response({"code": "param.error", "message": "bad space"}, status=400)
        params = body["cardData"]["cardParamMap"]
        assert all(isinstance(v, str) for v in params.values()), "cardParamMap takes strings"
        track = body["outTrackId"]
        conversation = space.removeprefix("dtv1.card//IM_GROUP.")
        self.cards[track] = Card(track, conversation, body["cardTemplateId"], dict(params))
        deliver = [{"spaceType": "IM_GROUP", "spaceId": conversation, "success": True}]
        return web.json_response(
            {"success": True, "result": {"outTrackId": track, "deliverResults": deliver}}
        )

    async def _update_card(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return self._unauthorised()
        body = await request.json()
        card = self.cards.get(body.get("outTrackId", ""))
        if card is None:
            return web.json_response({"code": "card.notFound", "message": "no card"}, status=400)
        params = body["cardData"]["cardParamMap"]
        if body.get("cardUpdateOptions", {}).get("updateCardDataByKey"):
            card.params.update(params)
        else:
            card.params = dict(params)
        card.updates += 1
        return web.json_response({"success": True, "result": True})

    async def _message(
        self, request: web.Request, where: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> web.Response:
        if not self._authorised(request):
            return self._unauthorised()
        body = await request.json()
        if body.get("robotCode") != self.client_id or body.get("msgKey") != "sampleMarkdown":
            return web.json_response({"code": "param.error", "message": "bad robot"}, status=400)
        param = json.loads(body["msgParam"])
        self.messages.append({**where(body), "title": param["title"], "text": param["text"]})
        return web.json_response({"processQueryKey": secrets.token_hex(8)})

    async def _group_message(self, request: web.Request) -> web.Response:
        return await self._message(request, lambda b: {"conversation": b["openConversationId"]})

    async def _private_message(self, request: web.Request) -> web.Response:
        return await self._message(request, lambda b: {"users": list(b["userIds"])})
