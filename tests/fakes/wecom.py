"""A fake WeCom (企业微信) AI bot long connection (智能机器人长连接, document 101463): one
aiohttp WebSocket server on a free local port speaking the documented JSON frames.

Every frame is `{cmd, headers: {req_id}, body}`; every request is answered by a frame with
the same req_id and `{errcode, errmsg}` (no cmd).
- `aibot_subscribe` {bot_id, secret} must come first; a wrong pair → errcode 40001 and the
  connection closed; anything before it → 846609.
- `ping` → an answer (counted in `pings`).
- `aibot_send_msg` {chatid, chat_type, msgtype: markdown|template_card, …}: a template card
  must be a `button_interaction` with 1–6 buttons (text ≤ 10 characters), ≤ 3 menu items,
  a title ≤ 26 characters (its desc ≤ 30) and a task_id of letters, digits and _-@ never
  used before (a reused one → 40058, as WeCom refuses duplicates).
- pushed to the bot: `aibot_msg_callback` {msgid, aibotid, chatid, chattype, from: {userid},
  msgtype: text, text: {content}} and `aibot_event_callback` {…, msgtype: event, event:
  {eventtype: template_card_event, template_card_event: {card_type, event_key, task_id}}}.
- `aibot_respond_msg` (a message callback's req_id) and `aibot_respond_update_msg`
  {response_type: update_template_card, template_card} (a click's req_id, within 5 s, the
  card's own task_id): any other req_id → 846605 "invalid req_id".

`down = True` refuses new connections (HTTP 503) as an outage would; `drop()` closes the
current one.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web

_TASK_ID = re.compile(r"^[A-Za-z0-9_\-@]{1,128}$")
CLICK_WINDOW = 5.0


@dataclass
class Card:
    chat: str
    task_id: str
    card: dict[str, Any]
    updates: int = 0

    @property
    def text(self) -> str:
        """Everything a reader sees on the card, in one string."""
        c = self.card
        parts = [c["main_title"]["title"], c["main_title"].get("desc", "")]
        parts += [c.get("quote_area", {}).get("quote_text", ""), c.get("sub_title_text", "")]
        parts += [f"{h['keyname']} {h['value']}" for h in c.get("horizontal_content_list", [])]
        return "\n".join(parts)

    def key(self, label: str) -> str:
        """The key of the button (or menu item) whose text contains `label`."""
        items = self.card["button_list"] + self.card.get("action_menu", {}).get("action_list", [])
        return next(item["key"] for item in items if label in item["text"])

    def labels(self) -> list[str]:
        return [b["text"] for b in self.card["button_list"]]


class FakeWeCom:
    def __init__(self, bot_id: str, secret: str) -> None:
        self.bot_id, self.secret = bot_id, secret
        self.cards: dict[str, Card] = {}  # by task_id, in the order sent
        self.messages: list[dict[str, Any]] = []  # markdown sent: {"chat", "content"}
        self.subscriptions = 0
        self.pings = 0
        self.down = False
        # Take the next this many messages, then drop the connection before answering
        # (the group shows them; the bot never hears that they arrived).
        self.drop_after_send = 0
        self.url = ""
        self._ws: web.WebSocketResponse | None = None
        self._subscribed = asyncio.Event()
        self._clicks: dict[str, tuple[float, str, asyncio.Future[dict[str, Any]]]] = {}
        self._asked: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._runner: web.AppRunner | None = None

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/", self._connect)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"ws://127.0.0.1:{self._runner.addresses[0][1]}/"
        return self.url

    async def stop(self) -> None:
        await self.drop()
        if self._runner is not None:
            await self._runner.cleanup()

    async def connected(self, wait: float = 5.0) -> None:
        await asyncio.wait_for(self._subscribed.wait(), wait)

    async def drop(self) -> None:
        if self._ws is not None:
            await self._ws.close()

    def group_cards(self, chat: str) -> list[Card]:
        return [card for card in self.cards.values() if card.chat == chat]

    # -- the connection ----------------------------------------------------------------------

    async def _connect(self, request: web.Request) -> web.StreamResponse:
        if self.down:
            return web.Response(status=503, text="service unavailable")
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        subscribed = False
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            frame = json.loads(message.data)
            rid = frame["headers"]["req_id"]
            cmd, body = frame.get("cmd"), frame.get("body") or {}
            if cmd == "aibot_subscribe":
                if (body.get("bot_id"), body.get("secret")) != (self.bot_id, self.secret):
                    await self._answer(ws, rid, 40001, "invalid bot_id or secret")
                    await ws.close()
                    break
                if self._ws is not None and self._ws is not ws:  # the newer one takes over
                    await self._push(self._ws, "aibot_event_callback", self._disconnected())
                    await self._ws.close()
                subscribed, self._ws = True, ws
                self.subscriptions += 1
                await self._answer(ws, rid, 0, "ok")
                self._subscribed.set()
            elif not subscribed:
                await self._answer(ws, rid, 846609, "not subscribed")
            else:
                code, why = self._request(cmd, rid, body)
                if cmd == "aibot_send_msg" and code == 0 and self.drop_after_send:
                    self.drop_after_send -= 1
                    await ws.close()
                    break
                await self._answer(ws, rid, code, why)
        if self._ws is ws:
            self._ws = None
            self._subscribed.clear()
        return ws

    def _request(self, cmd: str | None, rid: str, body: dict[str, Any]) -> tuple[int, str]:
        if cmd == "ping":
            self.pings += 1
            return 0, "ok"
        if cmd == "aibot_send_msg":
            return self._send(body)
        if cmd == "aibot_respond_update_msg":
            click = self._clicks.pop(rid, None)
            card = body.get("template_card") or {}
            if click is None or time.monotonic() - click[0] > CLICK_WINDOW:
                return 846605, "invalid req_id"
            if body.get("response_type") != "update_template_card":
                return 40008, "invalid response_type"
            if card.get("task_id") != click[1] or click[1] not in self.cards:
                return 40058, "task_id does not match the clicked card"
            problem = _card_problem(card)
            if problem:
                return 40058, problem
            self.cards[click[1]].card = card
            self.cards[click[1]].updates += 1
            click[2].set_result(card)
            return 0, "ok"
        if cmd == "aibot_respond_msg":
            asked = self._asked.pop(rid, None)
            if asked is None:
                return 846605, "invalid req_id"
            asked.set_result(body)
            return 0, "ok"
        return 40008, f"unknown cmd {cmd}"

    def _send(self, body: dict[str, Any]) -> tuple[int, str]:
        chat = body.get("chatid")
        if not chat or body.get("chat_type", 0) not in (0, 1, 2):
            return 40058, "chatid missing or chat_type not 0, 1 or 2"
        if body.get("msgtype") == "markdown":
            content = (body.get("markdown") or {}).get("content") or ""
            if not content or len(content.encode()) > 4096:
                return 40058, "markdown content empty or over 4096 bytes"
            self.messages.append({"chat": chat, "content": content})
            return 0, "ok"
        if body.get("msgtype") != "template_card":
            return 40008, "invalid msgtype"
        card = body.get("template_card") or {}
        problem = _card_problem(card)
        if problem:
            return 40058, problem
        if card["task_id"] in self.cards:
            return 40058, "task_id already used"
        self.cards[card["task_id"]] = Card(chat, card["task_id"], card)
        return 0, "ok"

    @staticmethod
    async def _answer(ws: web.WebSocketResponse, rid: str, code: int, why: str) -> None:
        await ws.send_json({"headers": {"req_id": rid}, "errcode": code, "errmsg": why})

    @staticmethod
    async def _push(ws: web.WebSocketResponse, cmd: str, body: dict[str, Any]) -> str:
        rid = secrets.token_hex(8)
        await ws.send_json({"cmd": cmd, "headers": {"req_id": rid}, "body": body})
        return rid

    def _disconnected(self) -> dict[str, Any]:
        return {
            "msgid": secrets.token_hex(8),
            "aibotid": self.bot_id,
            "msgtype": "event",
            "event": {"eventtype": "disconnected_event"},
        }

    # -- people using WeCom --------------------------------------------------------------------

    async def click(
        self, user: str, card: Card, label: str, wait: float = 5.0
    ) -> dict[str, Any] | None:
        """A click on the card's button `label` (its text): the card as redrawn in answer,
        or None when the bot left the card as it was."""
        assert self._ws is not None, "the bot is not connected"
        event = {
            "eventtype": "template_card_event",
            "template_card_event": {
                "card_type": "button_interaction",
                "event_key": card.key(label),
                "task_id": card.task_id,
            },
        }
        body = self._callback_body(user, card.chat, "event") | {"event": event}
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        rid = secrets.token_hex(8)
        self._clicks[rid] = (time.monotonic(), card.task_id, future)
        await self._ws.send_json(
            {"cmd": "aibot_event_callback", "headers": {"req_id": rid}, "body": body}
        )
        try:
            return await asyncio.wait_for(future, wait)
        except TimeoutError:
            self._clicks.pop(rid, None)
            return None

    async def say(self, user: str, chat: str | None, text: str, wait: float = 15.0) -> str | None:
        """A message to the bot in a group (@-mentioning it), or in the person's private
        chat with it (`chat` None): its answer's text, or None."""
        assert self._ws is not None, "the bot is not connected"
        if chat is None:
            body = self._callback_body(user, "", "text") | {"text": {"content": text}}
            body["chattype"] = "single"
            del body["chatid"]
        else:
            content = f"@评价助手 {text}"
            body = self._callback_body(user, chat, "text") | {"text": {"content": content}}
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        rid = secrets.token_hex(8)
        self._asked[rid] = future
        await self._ws.send_json(
            {"cmd": "aibot_msg_callback", "headers": {"req_id": rid}, "body": body}
        )
        try:
            answer = await asyncio.wait_for(future, wait)
        except TimeoutError:
            self._asked.pop(rid, None)
            return None
        assert answer["msgtype"] == "stream" and answer["stream"]["finish"] is True
        return str(answer["stream"]["content"])

    def _callback_body(self, user: str, chat: str, msgtype: str) -> dict[str, Any]:
        return {
            "msgid": secrets.token_hex(8),
            "create_time": int(time.time()),
            "aibotid": self.bot_id,
            "chatid": chat,
            "chattype": "group",
            "from": {"userid": user},
            "msgtype": msgtype,
        }


def _card_problem(card: dict[str, Any]) -> str | None:
    if card.get("card_type") != "button_interaction":
        return "card_type must be button_interaction"
    if not _TASK_ID.match(str(card.get("task_id") or "")):
        return "invalid task_id"
    buttons = card.get("button_list") or []
    if not 1 <= len(buttons) <= 6 or any(not b.get("key") or not b.get("text") for b in buttons):
        return "button_list needs 1 to 6 buttons, each with text and key"
    if len((card.get("action_menu") or {}).get("action_list") or []) > 3:
        return "action_menu holds 3 items at most"
    title = card.get("main_title") or {}
    if not title.get("title") or len(title["title"]) > 26 or len(title.get("desc", "")) > 30:
        return "main_title: a title of 1 to 26 characters, a desc of 30 at most"
    if any(len(b["text"]) > 10 for b in buttons):
        return "a button's text is 10 characters at most"
    return None
