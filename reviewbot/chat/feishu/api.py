"""The Feishu / Lark open platform's REST side, through the official SDK (`lark-oapi`):
send a card or a text to a group (`POST /open-apis/im/v1/messages`) and update a card in
place (`PATCH /open-apis/im/v1/messages/{id}`), with the app's tenant_access_token, which
the SDK fetches and caches itself.

The SDK's calls are synchronous (`requests`, including its token fetch): each runs in a
worker thread, so a slow or unreachable Feishu never stalls the event loop. Failures are
told apart for the outbox as the group robots' are: rate limits wait a minute, a bad
secret or a bot missing from its group is said plainly (naming the setting, never its
value) and retried rarely, anything else is retried with the usual backoff.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from typing import Any

import lark_oapi as lark
from lark_oapi.api.im.v1 import (
    CreateMessageRequest,
    CreateMessageRequestBody,
    PatchMessageRequest,
    PatchMessageRequestBody,
)
from lark_oapi.core.exception import ObtainAccessTokenException
from lark_oapi.core.token.manager import TokenManager

from reviewbot import logs
from reviewbot.chat.robots.base import BAD_CREDENTIALS_RETRY, RobotError

log = logging.getLogger(__name__)

# Codes of the IM API and the token endpoint (open.feishu.cn/document/server-docs/im-v1).
RATE_LIMITED = frozenset({99991400, 11232, 230020})
# The token was refused (expired early, the secret reset): the next try fetches a new one.
TOKEN_REFUSED = frozenset({99991661, 99991663, 99991668})
BAD_CREDENTIALS = {
    10003: "the app id or secret is wrong",
    10014: "the app secret is wrong",
    99991672: "the app lacks the permission im:message (开通权限 in the developer console)",
    230001: "the chat id is wrong",
    230002: "the bot is not in this group: add it in the group's settings (群机器人)",
    232009: "the bot is not in this group any more",
}


class FeishuApi:
    """One app's REST client (one tenant token, shared by every group it posts to)."""

    def __init__(
        self, app_id: str, app_secret: str, *, domain: str, secret_env: str, timeout: float
    ) -> None:
        self.app_id = app_id
        self.secret_env = secret_env
        self.client = (
            lark.Client.builder()
            .app_id(app_id)
            .app_secret(app_secret)
            .domain(domain)
            .timeout(timeout)
            .log_level(lark.LogLevel.WARNING)
            .build()
        )

    async def send(
        self,
        chat_id: str,
        msg_type: str,
        content: dict[str, Any],
        dedupe: str | None = None,
        id_type: str = "chat_id",
    ) -> str:
        """Post to a group (or, `id_type` "open_id", to a person privately); returns the
        message id. `dedupe` becomes the request's uuid: Feishu sends one message per uuid
        within an hour, so a retry after a lost answer does not post a card twice."""
        body = (
            CreateMessageRequestBody.builder()
            .receive_id(chat_id)
            .msg_type(msg_type)
            .content(json.dumps(content, ensure_ascii=False))
        )
        if dedupe is not None:
            body = body.uuid(hashlib.sha256(f"{self.app_id}|{dedupe}".encode()).hexdigest()[:40])
        request = (
            CreateMessageRequest.builder().receive_id_type(id_type).request_body(body.build())
        ).build()
        response = await self._call(self.client.im.v1.message.create, request)
        return str(response.data.message_id)

    async def patch(self, message_id: str, card: dict[str, Any]) -> None:
        """Update a card in place for everyone who sees it (the card sets update_multi)."""
        request = (
            PatchMessageRequest.builder()
            .message_id(message_id)
            .request_body(
                PatchMessageRequestBody.builder()
                .content(json.dumps(card, ensure_ascii=False))
                .build()
            )
            .build()
        )
        await self._call(self.client.im.v1.message.patch, request)

    async def _call(self, method: Any, request: Any) -> Any:
        """The SDK's call; a tenant token Feishu no longer takes (the SDK caches one per
        app for two hours) is dropped and the call made once more with a new one, so a
        command's answer or a private message is not lost to it."""
        try:
            return await self._call_once(method, request)
        except RobotError as exc:
            if not exc.code.startswith("token_"):
                raise
        return await self._call_once(method, request)

    async def _call_once(self, method: Any, request: Any) -> Any:
        try:
            response = await asyncio.to_thread(method, request)
        except ObtainAccessTokenException as exc:
            self._refused(exc.code, str(exc.msg), 200)
        except Exception as exc:  # requests' network errors, an HTML 502 body, a timeout
            raise RobotError(
                logs.redact(f"Feishu unreachable ({type(exc).__name__}: {exc})"), "network"
            ) from None
        if response.success():
            return response
        status = response.raw.status_code if response.raw is not None else 0
        self._refused(response.code, str(response.msg), status)

    def _refused(self, code: Any, message: str, status: int) -> None:
        message = logs.redact(message[:200])
        if code in TOKEN_REFUSED:
            TokenManager.cache.set(f"self_tenant_token:{self.app_id}", "", 0)
            raise RobotError(
                f"Feishu refused the tenant token (code {code}); fetching a new one",
                f"token_{code}",
            )
        if code in RATE_LIMITED or status == 429:
            raise RobotError(
                f"Feishu rate limit (code {code}: {message})",
                f"rate_limit_{code}",
                retry_after=61.0,
            )
        if code in BAD_CREDENTIALS:
            raise RobotError(
                f"Feishu refused the app (code {code}: {message}): {BAD_CREDENTIALS[code]} "
                f"(app {self.app_id}, secret in {self.secret_env}); alerts wait until fixed",
                f"credentials_{code}",
                retry_after=BAD_CREDENTIALS_RETRY,
            )
        raise RobotError(
            f"Feishu refused the request (HTTP {status}, code {code}: {message})",
            f"refused_{code}",
        )
