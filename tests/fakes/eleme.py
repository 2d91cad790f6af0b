"""A fake 饿了么 open platform: one POST /api/v1/ dispatching on `action`, and /token.

Checks the envelope, the uppercase-MD5 signature (timestamp in seconds or ms, with skew),
the token, the 90-day window and the page size; answers `{id, result, error}`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

BEIJING = ZoneInfo("Asia/Shanghai")


def signature(envelope: dict[str, Any], secret: str) -> str:
    merged = {**envelope["metas"], **envelope["params"]}
    pairs = "".join(
        f"{k}={json.dumps(merged[k], ensure_ascii=False, separators=(',', ':'))}"
        for k in sorted(merged)
    )
    base = f"{envelope['action']}{envelope['token']}{pairs}{secret}"
    return hashlib.md5(base.encode()).hexdigest().upper()


@dataclass
class ElemePlatform:
    now: Callable[[], datetime]
    app_key: str = "appkey1"
    secret: str = "ele_secret"
    shop_id: str = "123456"
    other_shops: set[str] = field(default_factory=set)  # more shops of the same merchant
    tokens: set[str] = field(default_factory=set)
    refresh_tokens: dict[str, str] = field(default_factory=dict)
    rates: list[dict[str, Any]] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    issued: int = 0
    lose_replies: int = 0  # apply the next replies, then answer 504 (the answer is lost)
    _next: int = 1

    def local(self, moment: datetime) -> str:
        return moment.astimezone(BEIJING).strftime("%Y-%m-%dT%H:%M:%S")

    def add(
        self,
        content: str,
        rating: int,
        *,
        hours_ago: float = 1,
        order_id: str | None = "o-1",
        items: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        rate_id = f"r{self._next}"
        self._next += 1
        tag: dict[str, Any] = {"rateId": rate_id, "tags": "", "tagList": [], "shopId": self.shop_id}
        if order_id is not None:
            tag["orderId"] = order_id
        rate = {
            "id": rate_id,
            "shopId": self.shop_id,
            "rating": rating,
            "rateContent": content,
            "ratedAt": self.local(self.now() - timedelta(hours=hours_ago)),
            "itemRates": items or [],
            "orderRateReply": None,
            "rateTag": tag,
        }
        self.rates.append(rate)
        return rate

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/v1/", self.api)
        app.router.add_post("/token", self.token)
        return app

    @staticmethod
    def answer(request_id: Any, result: Any = None, code: str | None = None, message: str = ""):
        error = {"code": code, "message": message} if code else None
        return web.json_response(
            {"id": request_id, "result": None if code else result, "error": error}
        )

    async def api(self, request: web.Request) -> web.Response:
        try:
            envelope = await request.json()
        except ValueError:
            return self.answer(None, code="ILLEGAL_REQUEST", message="not JSON")
        self.requests.append(envelope)
        rid = envelope.get("id")
        if self.faults:
            return self.answer(rid, code=self.faults.pop(0), message="injected")
        keys = {"nop", "id", "action", "token", "metas", "params", "signature"}
        if set(envelope) != keys or envelope["nop"] != "1.0.0":
            return self.answer(rid, code="ILLEGAL_REQUEST", message="bad envelope")
        metas = envelope["metas"]
        if metas.get("app_key") != self.app_key:
            return self.answer(rid, code="ACCESS_DENIED", message="unknown app_key")
        stamp = float(metas.get("timestamp", 0))
        stamp = stamp / 1000 if stamp > 1e12 else stamp
        if abs(stamp - self.now().timestamp()) > 600:
            return self.answer(rid, code="INVALID_TIMESTAMP", message="timestamp skew")
        if envelope["signature"] != signature(envelope, self.secret):
            return self.answer(rid, code="INVALID_SIGNATURE", message="签名错误")
        if envelope["token"] not in self.tokens:
            return self.answer(rid, code="UNAUTHORIZED", message="token无效或已过期")
        handler = {
            "eleme.ugc.getOrderRatesByShopId": self.list_rates,
            "eleme.ugc.replyRateByRateIdAndShopId": self.reply,
        }.get(envelope["action"])
        if handler is None:
            return self.answer(rid, code="METHOD_NOT_ALLOWED", message="unknown action")
        return handler(rid, envelope["params"])

    def list_rates(self, rid: Any, params: dict[str, Any]) -> web.Response:
        try:
            start = datetime.fromisoformat(params["startTime"]).replace(tzinfo=BEIJING)
            end = datetime.fromisoformat(params["endTime"]).replace(tzinfo=BEIJING)
            offset, size = params["offset"], params["pageSize"]
        except (KeyError, ValueError, TypeError):
            return self.answer(rid, code="VALIDATION_FAILED", message="参数错误")
        if params.get("shopId") not in {self.shop_id, *self.other_shops}:
            return self.answer(rid, code="PERMISSION_DENIED", message="无权访问该店铺")
        if not isinstance(size, int) or not 1 <= size <= 20 or not isinstance(offset, int):
            return self.answer(rid, code="VALIDATION_FAILED", message="pageSize最大20")
        if start < self.now() - timedelta(days=90) or end > self.now() + timedelta(minutes=1):
            return self.answer(rid, code="VALIDATION_FAILED", message="只能查询最近90天的数据")
        chosen = [
            r
            for r in self.rates
            if start <= datetime.fromisoformat(r["ratedAt"]).replace(tzinfo=BEIJING) <= end
        ]
        chosen.sort(key=lambda r: r["ratedAt"], reverse=True)
        return self.answer(rid, chosen[offset : offset + size])

    def reply(self, rid: Any, params: dict[str, Any]) -> web.Response:
        if set(params) != {"rateId", "shopId", "replyType", "reply"}:
            return self.answer(rid, code="VALIDATION_FAILED", message="参数错误")
        for rate in self.rates:
            if rate["id"] == params["rateId"]:
                if rate["orderRateReply"]:
                    return self.answer(rid, code="BIZ_RATE_REPLIED", message="该评价已回复")
                if "垃圾" in params["reply"]:
                    return self.answer(rid, code="BIZ_REPLY_INVALID", message="回复包含敏感词")
                rate["orderRateReply"] = {"content": params["reply"], "rateType": "ORDER"}
                if self.lose_replies:
                    self.lose_replies -= 1
                    return web.Response(status=504, text="<html>Gateway Time-out</html>")
                return self.answer(rid, None)
        return self.answer(rid, code="BIZ_RATE_NOT_EXIST", message="评价不存在")

    async def token(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        self.token_requests.append(form)
        expected = base64.b64encode(f"{self.app_key}:{self.secret}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {expected}":
            return web.json_response({"error": "invalid_client"}, status=401)
        if form.get("grant_type") == "refresh_token":
            new = self.refresh_tokens.pop(form.get("refresh_token", ""), None)
            if new is None:
                return web.json_response({"error": "invalid_grant"}, status=400)
        elif form.get("grant_type") == "client_credentials":
            new = f"ele-token-{self.issued + 1}"
        else:
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        self.issued += 1
        self.tokens = {new}
        rotated = f"refresh-{self.issued}"
        self.refresh_tokens[rotated] = f"{new}-next"
        return web.json_response(
            {
                "access_token": new,
                "token_type": "Bearer",
                "expires_in": 86400,
                "refresh_token": rotated,
            }
        )
