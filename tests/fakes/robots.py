"""Fake group-robot webhooks: WeCom 群机器人, DingTalk 自定义机器人, Feishu 自定义机器人, each
an aiohttp server on a free local port that checks requests as the service documents them.

- WeCom: `POST /cgi-bin/webhook/send?key=KEY`; no signing; markdown content ≤ 4096 bytes;
  errcode 93000 for an unknown key, 40058 for oversized content, 45009 over 20 a minute.
- DingTalk: `POST /robot/send?access_token=T&timestamp=MS&sign=S` with
  S = urlencode(base64(HMAC-SHA256(key=secret, msg=f"{MS}\\n{secret}"))), MS within an hour;
  errcode 310000 for a bad signature, 300001 for an unknown token, 130101 over 20 a minute
  (and then every message for 10 minutes).
- Feishu: `POST /open-apis/bot/v2/hook/ID` with `timestamp` (s) and
  `sign` = base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b"")) in the JSON body;
  code 19021 for a bad signature, 19001 for an unknown hook, 11232 over 100 a minute or 5
  a second.

The signature timestamps are checked against real time (the robots sign with it); the
rate limits count in the test's clock, the time the daemon lives in.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import web


@dataclass
class Hook:
    secret: str | None
    sent: deque[float] = field(default_factory=deque)  # accepted, in the test's seconds
    throttled_until: float = 0.0


class FakeWebhooks:
    """What the three fakes share: robots by token, the received messages, scripted faults."""

    path: str
    per_minute = 20
    per_second: int | None = None
    throttle_seconds = 0.0

    def __init__(self, now: Callable[[], datetime]) -> None:
        self.now = now
        self.hooks: dict[str, Hook] = {}
        self.received: list[dict[str, Any]] = []  # {"token", "body", "at"}
        self.refused: list[dict[str, Any]] = []  # {"token", "code"}
        self.scripted: deque[int] = deque()  # codes to answer the next requests with
        self.down = False  # answer HTTP 502, as when the service is out of reach
        # Take the next this many messages and never answer (until stop): the client's
        # request times out although the group shows the message.
        self.stall = 0
        self._unstall = asyncio.Event()
        self.base_url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post(self.path, self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self.base_url

    async def stop(self) -> None:
        self._unstall.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def add(self, token: str, secret: str | None = None) -> str:
        """A robot in a group: its webhook URL."""
        self.hooks[token] = Hook(secret)
        return self.url(token)

    def url(self, token: str) -> str:
        raise NotImplementedError

    def texts(self, token: str) -> list[str]:
        """What each message to the robot says, as one string (its JSON)."""
        return [
            json.dumps(m["body"], ensure_ascii=False) for m in self.received if m["token"] == token
        ]

    # -- the service's checks ------------------------------------------------------------

    def error(self, code: int, message: str) -> web.Response:
        raise NotImplementedError

    def verify(self, request: web.Request, body: dict[str, Any], hook: Hook) -> web.Response | None:
        raise NotImplementedError

    def check_body(self, body: dict[str, Any]) -> web.Response | None:
        return None

    def token_of(self, request: web.Request) -> str:
        raise NotImplementedError

    def ok(self) -> web.Response:
        raise NotImplementedError

    rate_code = 0
    unknown_code = 0

    async def _handle(self, request: web.Request) -> web.Response:
        if self.down:
            return web.Response(status=502, text="Bad Gateway")
        if request.content_type != "application/json":
            return self.error(400, "content type must be application/json")
        body = await request.json()
        token = self.token_of(request)
        hook = self.hooks.get(token)
        if hook is None:
            return self._refuse(token, self.unknown_code, "invalid webhook")
        refusal = self.verify(request, body, hook) or self.check_body(body)
        if refusal is not None:
            return refusal
        if self.scripted:
            code = self.scripted.popleft()
            return self._refuse(token, code, "scripted")
        now = self.now().timestamp()
        while hook.sent and hook.sent[0] <= now - 60:
            hook.sent.popleft()
        too_many = len(hook.sent) >= self.per_minute or (
            self.per_second is not None and sum(t > now - 1 for t in hook.sent) >= self.per_second
        )
        if now < hook.throttled_until or too_many:
            if too_many and self.throttle_seconds:
                hook.throttled_until = now + self.throttle_seconds
            return self._refuse(token, self.rate_code, "send too fast")
        hook.sent.append(now)
        self.received.append({"token": token, "body": body, "at": now})
        if self.stall:
            self.stall -= 1
            await self._unstall.wait()
        return self.ok()

    def _refuse(self, token: str, code: int, message: str) -> web.Response:
        self.refused.append({"token": token, "code": code})
        return self.error(code, message)


class FakeWeCom(FakeWebhooks):
    path = "/cgi-bin/webhook/send"
    rate_code = 45009
    unknown_code = 93000

    def url(self, token: str) -> str:
        return f"{self.base_url}{self.path}?key={token}"

    def token_of(self, request: web.Request) -> str:
        return request.query.get("key", "")

    def error(self, code: int, message: str) -> web.Response:
        return web.json_response({"errcode": code, "errmsg": message})

    def ok(self) -> web.Response:
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    def verify(self, request: web.Request, body: dict[str, Any], hook: Hook) -> web.Response | None:
        return None  # the key in the URL is the robot's only credential

    def check_body(self, body: dict[str, Any]) -> web.Response | None:
        if body.get("msgtype") != "markdown" or not body.get("markdown", {}).get("content"):
            return self.error(40008, "invalid message type")
        if len(body["markdown"]["content"].encode()) > 4096:
            return self.error(40058, "markdown.content exceed max length 4096")
        return None


def dingtalk_signature(secret: str, timestamp: str) -> str:
    """DingTalk's documented 加签 (before URL encoding)."""
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class FakeDingTalk(FakeWebhooks):
    path = "/robot/send"
    rate_code = 130101
    unknown_code = 300001
    throttle_seconds = 600.0  # "超过20条，会限流10分钟"

    def url(self, token: str) -> str:
        return f"{self.base_url}{self.path}?access_token={token}"

    def token_of(self, request: web.Request) -> str:
        return request.query.get("access_token", "")

    def error(self, code: int, message: str) -> web.Response:
        return web.json_response({"errcode": code, "errmsg": message})

    def ok(self) -> web.Response:
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    def verify(self, request: web.Request, body: dict[str, Any], hook: Hook) -> web.Response | None:
        if hook.secret is None:
            return None
        timestamp, sign = request.query.get("timestamp", ""), request.query.get("sign", "")
        fresh = timestamp.isdigit() and abs(time.time() * 1000 - int(timestamp)) < 3_600_000
        # The query is decoded here: a sign sent without URL encoding loses its "+".
        if not fresh or not hmac.compare_digest(sign, dingtalk_signature(hook.secret, timestamp)):
            return self._refuse(self.token_of(request), 310000, "sign not match")
        return None

    def check_body(self, body: dict[str, Any]) -> web.Response | None:
        kind = body.get("msgtype")
        content = body.get(kind, {}) if isinstance(kind, str) else {}
        if kind not in ("markdown", "actionCard") or not content.get("title"):
            return self.error(40035, "缺少参数 title")
        if not content.get("text"):
            return self.error(40035, "缺少参数 text")
        if kind == "actionCard" and not all(b.get("actionURL") for b in content.get("btns", [])):
            return self.error(40035, "缺少参数 actionURL")
        # An @: the userIds listed in `at`, each written as @userId in the text to show.
        users = body.get("at", {}).get("atUserIds", [])
        if not isinstance(users, list) or not all(f"@{u}" in content["text"] for u in users):
            return self.error(40035, "at.atUserIds 与正文不符")
        return None


def feishu_signature(secret: str, timestamp: str) -> str:
    """Feishu's documented signature: the key is timestamp + "\\n" + secret, no message."""
    digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class FakeFeishu(FakeWebhooks):
    path = "/open-apis/bot/v2/hook/{token}"
    rate_code = 11232
    unknown_code = 19001
    per_minute = 100
    per_second = 5

    def url(self, token: str) -> str:
        return f"{self.base_url}/open-apis/bot/v2/hook/{token}"

    def token_of(self, request: web.Request) -> str:
        return request.match_info["token"]

    def error(self, code: int, message: str) -> web.Response:
        return web.json_response({"code": code, "msg": message, "data": {}})

    def ok(self) -> web.Response:
        return web.json_response({"code": 0, "msg": "success", "data": {}})

    def verify(self, request: web.Request, body: dict[str, Any], hook: Hook) -> web.Response | None:
        if hook.secret is None:
            return None
        timestamp, sign = str(body.get("timestamp", "")), str(body.get("sign", ""))
        fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) < 3600
        if not fresh or not hmac.compare_digest(sign, feishu_signature(hook.secret, timestamp)):
            return self._refuse(
                self.token_of(request),
                19021,
                "sign match fail or timestamp is not within one hour from current time",
            )
        return None

    def check_body(self, body: dict[str, Any]) -> web.Response | None:
        card = body.get("card")
        if body.get("msg_type") != "interactive" or not isinstance(card, dict):
            return self.error(9499, "Bad Request")
        if not card.get("header", {}).get("title", {}).get("content") or not card.get("elements"):
            return self.error(9499, "Bad Request")
        return None
