"""DingTalk's OpenAPI (api.dingtalk.com), as the enterprise robot uses it: an access token
from the app's Client ID and Secret (`POST /v1.0/oauth2/accessToken`, cached until five
minutes before it expires), interactive cards created and delivered to a group
(`POST /v1.0/card/instances/createAndDeliver`) and updated in place (`PUT
/v1.0/card/instances`), and robot messages to a group or to one person
(`/v1.0/robot/groupMessages/send`, `/v1.0/robot/oToMessages/batchSend`). The shapes are
the ones the official SDK (`dingtalk_stream.card_replier`) sends; it posts them with
blocking `requests`, so they are posted here with aiohttp.

Failures are told apart for the outbox as the group robots' are: throttling is retried
after a minute, a refused Client ID or Secret is retried rarely and said plainly (naming
the settings, never their values), anything else is retried with the usual backoff.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import aiohttp

from reviewbot import logs
from reviewbot.chat.base import http_timeout, sent_unanswered
from reviewbot.chat.robots.base import BAD_CREDENTIALS_RETRY, RobotError

SERVICE = "DingTalk OpenAPI"
TOKEN_MARGIN = 300.0  # seconds: a token is renewed this long before DingTalk expires it
THROTTLED = ("Throttling", "Forbidden.AccessDenied.QpsLimit", "QpsLimit")


class DingTalkApi:
    def __init__(
        self,
        http: aiohttp.ClientSession,
        *,
        endpoint: str,
        client_id: str,
        client_secret: str,
        secret_env: str,
        timeout: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.http = http
        self.endpoint = endpoint.rstrip("/")
        self.client_id = client_id
        self._secret = client_secret
        self.secret_env = secret_env
        self.timeout = http_timeout(timeout)
        self.clock = clock
        self._token: tuple[str, float] | None = None  # the token and when to renew it

    @property
    def robot_code(self) -> str:
        """An enterprise internal app's robot code is its Client ID."""
        return self.client_id

    async def token(self) -> str:
        if self._token is not None and self.clock() < self._token[1]:
            return self._token[0]
        answer = await self._call(
            "POST",
            "/v1.0/oauth2/accessToken",
            {"appKey": self.client_id, "appSecret": self._secret},
            auth=False,
        )
        token = answer.get("accessToken")
        if not isinstance(token, str) or not token:
            raise RobotError(f"{SERVICE} gave no access token", "no_token")
        expires = float(answer.get("expireIn") or 7200)
        self._token = (token, self.clock() + max(60.0, expires - TOKEN_MARGIN))
        return token

    async def send_card(
        self, template: str, out_track_id: str, conversation: str, params: dict[str, str]
    ) -> dict[str, Any]:
        body = {
            "cardTemplateId": template,
            "outTrackId": out_track_id,
            "cardData": {"cardParamMap": params},
            "callbackType": "STREAM",  # its buttons answer over the stream connection
            "openSpaceId": f"dtv1.card//IM_GROUP.{conversation}",
            "imGroupOpenSpaceModel": {"supportForward": False},
            "imGroupOpenDeliverModel": {"robotCode": self.robot_code},
            "userIdType": 1,
        }
        return await self._call("POST", "/v1.0/card/instances/createAndDeliver", body)

    async def update_card(self, out_track_id: str, params: dict[str, str]) -> dict[str, Any]:
        body = {
            "outTrackId": out_track_id,
            "cardData": {"cardParamMap": params},
            "cardUpdateOptions": {"updateCardDataByKey": True},
            "userIdType": 1,
        }
        return await self._call("PUT", "/v1.0/card/instances", body)

    async def say(self, conversation: str | None, user_id: str, title: str, text: str) -> None:
        """A markdown message from the robot: to the group, or to the person (None)."""
        param = json.dumps({"title": title, "text": text}, ensure_ascii=False)
        body: dict[str, Any] = {
            "robotCode": self.robot_code,
            "msgKey": "sampleMarkdown",
            "msgParam": param,
        }
        if conversation is not None:
            await self._call(
                "POST",
                "/v1.0/robot/groupMessages/send",
                {**body, "openConversationId": conversation},
            )
        else:
            await self._call(
                "POST", "/v1.0/robot/oToMessages/batchSend", {**body, "userIds": [user_id]}
            )

    async def _call(
        self, method: str, path: str, body: dict[str, Any], auth: bool = True
    ) -> dict[str, Any]:
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["x-acs-dingtalk-access-token"] = await self.token()
        url = self.endpoint + path
        try:
            async with self.http.request(
                method, url, json=body, headers=headers, timeout=self.timeout
            ) as response:
                status, text = response.status, await response.text()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise RobotError(
                logs.redact(f"{SERVICE} unreachable ({type(exc).__name__}: {exc})"),
                "network",
                maybe_delivered=auth and sent_unanswered(exc),  # (a token sends nothing)
            ) from None
        try:
            answer = json.loads(text) if text else {}
        except ValueError:
            answer = None
        if status == 200 and isinstance(answer, dict):
            return answer
        code = str(answer.get("code", "")) if isinstance(answer, dict) else ""
        message = str(answer.get("message", "")) if isinstance(answer, dict) else ""
        said = logs.redact(f"HTTP {status}, {code}: {message[:200]}")
        if status == 429 or any(code.startswith(t) for t in THROTTLED):
            raise RobotError(
                f"{SERVICE} throttled the robot ({said})", "rate_limit", retry_after=61
            )
        if status >= 500 or answer is None:
            raise RobotError(f"{SERVICE} answered {said}", f"http_{status}")
        if status in (401, 403) or not auth:
            self._token = None  # a revoked token: ask for a new one next time
            raise RobotError(
                f"{SERVICE} refused the app's credentials or permissions ({said}): check "
                f"client_id {self.client_id} and {self.secret_env}, and that the app has the "
                "card and robot message permissions; alerts wait until it is fixed",
                f"credentials_{status}",
                retry_after=BAD_CREDENTIALS_RETRY,
            )
        raise RobotError(f"{SERVICE} refused the request ({said})", f"refused_{code or status}")
