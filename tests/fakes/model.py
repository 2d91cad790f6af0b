"""A fake OpenAI-compatible chat-completions server (what DeepSeek, DashScope's compatible
mode, Ollama and vLLM serve): an aiohttp app on a free local port.

`POST /v1/chat/completions` with `Authorization: Bearer KEY` (checked when `key` is set:
401 with an error object otherwise) and a JSON body with `model` and `messages`. Answers
come from a script, one per request, in the documented wire format:
`{"id", "object": "chat.completion", "created", "model", "choices": [{"index": 0,
"message": {"role": "assistant", "content"}, "finish_reason"}], "usage": {…}}`; errors as
`{"error": {"message", "type", "code"}}`; 429 with `Retry-After`. A step can also be slow
(answer after a delay, or only once the test lets it: `until`, with `waiting` set while it
is held) or raw bytes (a broken body). Streaming is not offered.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass(frozen=True, slots=True)
class Step:
    """One scripted answer."""

    content: str | None = None  # the reply text (choices[0].message.content)
    status: int = 200
    error: str = ""  # an error object's message (status != 200)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    until: asyncio.Event | None = None  # answer only once this is set (a call in flight)
    raw: bytes | None = None  # sent as the body instead of JSON
    choices: bool = True  # False: "choices": []
    finish_reason: str = "stop"


def reply(content: str, **kw: Any) -> Step:
    return Step(content=content, **kw)


def error(status: int, message: str = "error", **kw: Any) -> Step:
    return Step(status=status, error=message, **kw)


class FakeModel:
    def __init__(
        self,
        *,
        key: str | None = None,
        default: str = "",
        responder: Callable[[dict[str, Any]], Step] | None = None,
    ) -> None:
        self.key = key
        self.default = default  # answered when the script is empty (and no responder)
        self.responder = responder  # else: the answer to each request body, when set
        self.script: deque[Step] = deque()
        self.requests: list[dict[str, Any]] = []  # {"body", "authorization", "at"}
        self.base_url = ""
        self.waiting = asyncio.Event()  # set when a request reaches a step held `until`
        self._runner: web.AppRunner | None = None

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/v1"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def then(self, *steps: Step) -> FakeModel:
        self.script.extend(steps)
        return self

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(
            {
                "body": body,
                "authorization": request.headers.get("Authorization"),
                "at": time.monotonic(),
            }
        )
        if self.key is not None and request.headers.get("Authorization") != f"Bearer {self.key}":
            given = request.headers.get("Authorization", "").removeprefix("Bearer ")
            # as OpenAI does: the message names the key it was given
            return _error(401, f"Incorrect API key provided: {given}", "invalid_request_error")
        if not isinstance(body.get("messages"), list) or not body.get("model"):
            return _error(400, "model and messages are required", "invalid_request_error")
        if self.script:
            step = self.script.popleft()
        elif self.responder is not None:
            step = self.responder(body)
        else:
            step = Step(content=self.default)
        if step.delay:
            await asyncio.sleep(step.delay)
        if step.until is not None:
            self.waiting.set()
            await step.until.wait()
        if step.raw is not None:
            return web.Response(status=step.status, body=step.raw, content_type="application/json")
        if step.status != 200:
            kind = "rate_limit_exceeded" if step.status == 429 else "server_error"
            return _error(step.status, step.error, kind, step.headers)
        choices = (
            [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": step.content},
                    "finish_reason": step.finish_reason,
                }
            ]
            if step.choices
            else []
        )
        prompt = sum(len(m.get("content", "")) for m in body["messages"])
        completion = len(step.content or "")
        return web.json_response(
            {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body["model"],
                "choices": choices,
                "usage": {
                    "prompt_tokens": prompt,
                    "completion_tokens": completion,
                    "total_tokens": prompt + completion,
                },
            },
            headers=step.headers,
        )


def _error(
    status: int, message: str, kind: str, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        status=status,
        text=json.dumps({"error": {"message": message, "type": kind, "code": None}}),
        content_type="application/json",
        headers=headers or {},
    )
