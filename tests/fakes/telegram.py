"""A fake Telegram Bot API server: the documented JSON wire format on a local port.

The real python-telegram-bot `Application` talks to it through `base_url`. It keeps chats
and messages, serves long-polled getUpdates with offsets, and refuses what Telegram
refuses: malformed HTML, callback data over 64 bytes, texts over 4096 characters, edits
that change nothing, edits or deletions of unknown messages. Tests act as Telegram users (a button
press, a reply) and can schedule failures (429 with retry_after, 5xx, a dropped connection).

https://core.telegram.org/bots/api
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

TOKEN = "123456:TEST-token_for_reviewbot"
DROP = 0  # a Fault "status" that drops the connection instead of answering
# A Fault "status": Telegram takes the message, and its answer never comes (the sender is
# killed while it waits, after the message reached the chat).
STALL = -1
BOT_USER = {
    "id": 777000111,
    "is_bot": True,
    "first_name": "Reviewbot",
    "username": "reviewbot_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}


def _code(data: str) -> str:
    """A button's code in our callback data `rb:<token>:<code>[:<draft>]`."""
    parts = data.split(":")
    return parts[2] if len(parts) >= 3 else ""


class TelegramError(Exception):
    def __init__(self, code: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


class _MarkupCheck(HTMLParser):
    """Parses Telegram HTML the way the Bot API does; collects the plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in ALLOWED_TAGS:
            raise TelegramError(
                400, f'Bad Request: can\'t parse entities: unsupported start tag "{tag}"'
            )
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise TelegramError(
                400, f'Bad Request: can\'t parse entities: unmatched end tag "{tag}"'
            )
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def plain_text(text: str, parse_mode: str | None) -> str:
    if parse_mode != "HTML":
        return text
    check = _MarkupCheck()
    check.feed(text)
    check.close()
    if check.stack:
        raise TelegramError(
            400, f'Bad Request: can\'t parse entities: unclosed tag "{check.stack[-1]}"'
        )
    return "".join(check.text)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Fault:
    method: str
    status: int
    retry_after: int | None = None


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class FakeTelegram:
    def __init__(self, *, long_poll_cap: float = 10.0) -> None:
        self.long_poll_cap = long_poll_cap
        self.calls: list[Call] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.answers: list[dict[str, Any]] = []
        self.deleted: list[dict[str, Any]] = []  # messages the bot deleted
        # Markup a message was sent with; Telegram only echoes inline keyboards back.
        self.requested_markup: dict[int, Any] = {}
        self.webhook: dict[str, Any] | None = None
        self.faults: deque[Fault] = deque()
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(100)
        self._callback_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._stopping = asyncio.Event()
        self.base_url = ""
        self._runner: web.AppRunner | None = None

    # -- server --------------------------------------------------------------------

    async def start(self, port: int = 0) -> str:
        """Serve on `port` (a free one by default); a test may first point the bot at a
        port where nothing listens yet, as when Telegram is out of reach."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        self._stopping.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                params[key] = value if isinstance(value, str) else {"file": value.filename}
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params = await self._params(request)
        if method != "getUpdates":
            self.calls.append(Call(method, params))
        fault = self.faults[0] if self.faults and self.faults[0].method in (method, "*") else None
        if fault is not None:
            self.faults.popleft()
            if fault.status == STALL:
                handler = getattr(self, f"_m_{method}")
                await handler(params)
                await self._stopping.wait()  # the answer that never comes
                raise web.HTTPServiceUnavailable()
            if fault.status == DROP:  # the connection goes down before any answer
                assert request.transport is not None
                request.transport.abort()
                raise ConnectionResetError("dropped by the test")
            body: dict[str, Any] = {
                "ok": False,
                "error_code": fault.status,
                "description": f"Too Many Requests: retry after {fault.retry_after}"
                if fault.status == 429
                else "Bad Gateway",
            }
            if fault.retry_after is not None:
                body["parameters"] = {"retry_after": fault.retry_after}
            return web.json_response(body, status=fault.status)
        handler: Callable | None = getattr(self, f"_m_{method}", None)
        if handler is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        try:
            result = await handler(params)
        except TelegramError as exc:
            body = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
            return web.json_response(body, status=exc.code)
        return web.json_response({"ok": True, "result": result})

    # -- helpers ---------------------------------------------------------------------

    @staticmethod
    def _json(value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    @staticmethod
    def _chat(chat_id: int) -> dict[str, Any]:
        if chat_id < 0:
            return {"id": chat_id, "type": "supergroup", "title": f"门店群 {chat_id}"}
        return {"id": chat_id, "type": "private", "first_name": f"user{chat_id}"}

    def _check_markup(self, markup: Any) -> Any:
        markup = self._json(markup)
        if isinstance(markup, dict):
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(data.encode()) <= 64:
                        raise TelegramError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _check_text(self, text: Any, parse_mode: Any) -> str:
        if not isinstance(text, str) or not text.strip():
            raise TelegramError(400, "Bad Request: message text is empty")
        if utf16_len(plain_text(text, parse_mode)) > 4096:
            raise TelegramError(400, "Bad Request: message is too long")
        return text

    # -- methods ----------------------------------------------------------------------

    async def _m_getMe(self, params: dict) -> dict:
        return BOT_USER

    async def _m_deleteWebhook(self, params: dict) -> bool:
        self.webhook = None
        return True

    async def _m_setWebhook(self, params: dict) -> bool:
        """Remember where Telegram would push updates, and the secret it would send along."""
        if not str(params.get("url", "")).startswith(("https://", "http://127.0.0.1")):
            raise TelegramError(400, "Bad Request: bad webhook: HTTPS url must be provided")
        self.webhook = {"url": params["url"], "secret_token": params.get("secret_token")}
        return True

    async def push(self, update: dict[str, Any]) -> int:
        """Deliver an update to the registered webhook, as Telegram does; returns the status."""
        import aiohttp

        assert self.webhook is not None, "no webhook registered"
        update["update_id"] = next(self._update_ids)
        headers = {}
        if self.webhook["secret_token"]:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.webhook["url"], json=update, headers=headers) as response,
        ):
            return response.status

    async def _m_setMyCommands(self, params: dict) -> bool:
        return True

    async def _m_getUpdates(self, params: dict) -> list:
        offset = int(params.get("offset") or 0)
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        wait = min(float(params.get("timeout") or 0), self.long_poll_cap)
        if not self._updates and wait > 0 and not self._stopping.is_set():
            # Answered at once when an update comes or the server stops (a long poll the
            # bot dropped at its own stop must not hold up the server's cleanup).
            self._new_update.clear()
            woken = [asyncio.ensure_future(e.wait()) for e in (self._new_update, self._stopping)]
            await asyncio.wait(woken, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
            for waiter in woken:
                waiter.cancel()
        limit = int(params.get("limit") or 100)
        return self._updates[:limit]

    def _store(self, chat_id: int, payload: dict[str, Any]) -> dict[str, Any]:
        message_id = next(self._message_ids)
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": BOT_USER,
            **payload,
        }
        self.messages[(chat_id, message_id)] = message
        return message

    async def _m_sendMessage(self, params: dict) -> dict:
        chat_id = int(params["chat_id"])
        text = self._check_text(params.get("text"), params.get("parse_mode"))
        payload: dict[str, Any] = {"text": text}
        markup = self._check_markup(params.get("reply_markup"))
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            payload["reply_markup"] = markup
        reply = self._json(params.get("reply_parameters"))
        if isinstance(reply, dict) and (chat_id, reply.get("message_id")) in self.messages:
            payload["reply_to_message"] = dict(self.messages[(chat_id, reply["message_id"])])
        message = self._store(chat_id, payload)
        self.requested_markup[message["message_id"]] = markup
        return message

    async def _m_sendPhoto(self, params: dict) -> dict:
        chat_id = int(params["chat_id"])
        caption = params.get("caption")
        if caption is not None and utf16_len(plain_text(caption, params.get("parse_mode"))) > 1024:
            raise TelegramError(400, "Bad Request: message caption is too long")
        return self._store(
            chat_id,
            {
                "photo": [
                    {
                        "file_id": f"photo{len(self.messages)}",
                        "file_unique_id": "u",
                        "width": 1200,
                        "height": 800,
                    }
                ],
                "caption": caption,
            },
        )

    def _existing(self, params: dict) -> dict[str, Any]:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise TelegramError(400, "Bad Request: message to edit not found")
        return self.messages[key]

    async def _m_editMessageText(self, params: dict) -> dict:
        message = self._existing(params)
        text = self._check_text(params.get("text"), params.get("parse_mode"))
        markup = self._check_markup(params.get("reply_markup"))
        if text == message.get("text") and markup == message.get("reply_markup"):
            raise TelegramError(
                400,
                "Bad Request: message is not modified: specified new message "
                "content and reply markup are exactly the same as a current "
                "content and reply markup of the message",
            )
        message.update(text=text, edit_date=int(time.time()))
        if isinstance(markup, dict) and markup.get("inline_keyboard"):
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        return message

    async def _m_editMessageReplyMarkup(self, params: dict) -> dict:
        message = self._existing(params)
        markup = self._check_markup(params.get("reply_markup"))
        if markup == message.get("reply_markup"):
            raise TelegramError(400, "Bad Request: message is not modified")
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        message["edit_date"] = int(time.time())
        return message

    async def _m_deleteMessage(self, params: dict) -> bool:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise TelegramError(400, "Bad Request: message to delete not found")
        self.deleted.append(self.messages.pop(key))
        return True

    async def _m_answerCallbackQuery(self, params: dict) -> bool:
        text = params.get("text") or ""
        if len(text) > 200:
            raise TelegramError(400, "Bad Request: MESSAGE_TOO_LONG")
        self.answers.append(
            {
                "id": params["callback_query_id"],
                "text": text,
                "show_alert": self._json(params.get("show_alert")) is True,
            }
        )
        return True

    # -- acting as Telegram users -----------------------------------------------------------

    @staticmethod
    def user(user_id: int, name: str = "") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": name or f"user{user_id}"}

    def _push(self, update: dict[str, Any]) -> dict[str, Any]:
        update["update_id"] = next(self._update_ids)
        self._updates.append(update)
        self._new_update.set()
        return update

    def press(self, user_id: int, message: dict[str, Any], data: str) -> str:
        """A tap on an inline button of `message`; returns the callback query id."""
        query_id = f"cq{next(self._callback_ids)}"
        self._push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self.user(user_id),
                    "message": message,
                    "chat_instance": "ci-1",
                    "data": data,
                }
            }
        )
        return query_id

    def say(self, user_id: int, chat_id: int, text: str, *, reply_to: dict | None = None) -> None:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": self.user(user_id),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        self._push({"message": message})

    def fail(
        self, method: str, status: int, *, times: int = 1, retry_after: int | None = None
    ) -> None:
        for _ in range(times):
            self.faults.append(Fault(method, status, retry_after))

    # -- what the bot did ------------------------------------------------------------------

    def in_chat(self, chat_id: int) -> list[dict[str, Any]]:
        return [m for (c, _), m in sorted(self.messages.items()) if c == chat_id]

    def cards(self, chat_id: int) -> list[dict[str, Any]]:
        """Alert cards: messages carrying our review buttons."""
        return [
            m
            for m in self.in_chat(chat_id)
            if "#" in m.get("text", "")
            and any(
                _code(b.get("callback_data", "")) == "a"
                for row in m.get("reply_markup", {}).get("inline_keyboard", [])
                for b in row
            )
        ]

    def button(self, message: dict[str, Any], code: str) -> str:
        for row in message.get("reply_markup", {}).get("inline_keyboard", []):
            for b in row:
                if _code(b.get("callback_data", "")) == code:
                    return b["callback_data"]
        raise AssertionError(f"no button {code!r} on message {message.get('message_id')}")

    def answer_to(self, query_id: str) -> dict[str, Any] | None:
        return next((a for a in self.answers if a["id"] == query_id), None)

    async def wait_for(self, predicate: Callable[[], Any], within: float = 10.0) -> Any:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            await asyncio.sleep(0.02)
        raise AssertionError("timed out waiting for the bot")
