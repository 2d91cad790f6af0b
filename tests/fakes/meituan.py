"""A fake 美团外卖 open platform: the legacy gateway under /api/v1 and the new gateway.

Legacy: GET comment/query, POST poi/comment/add_reply, POST oauth/token; `sig` is checked
against the server's own public base URL, as the real one does; errors are HTTP 200
`{"data":"ng","error":{"code","msg"}}`. New gateway: form POSTs with `biz` JSON and a
SHA-1 `sign`; errors are `{"code": "<not OP_SUCCESS>", "msg"}`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

BEIJING = ZoneInfo("Asia/Shanghai")
BANNED = ("傻",)


def legacy_signature(url: str, params: dict[str, str], secret: str) -> str:
    pairs = "&".join(f"{k}={params[k]}" for k in sorted(params) if k != "sig")
    return hashlib.md5(f"{url}?{pairs}{secret}".encode()).hexdigest()


def ng_signature(sign_key: str, form: dict[str, str]) -> str:
    kept = sorted((k, v) for k, v in form.items() if k != "sign" and v != "")
    return hashlib.sha1((sign_key + "".join(k + v for k, v in kept)).encode()).hexdigest()


@dataclass
class MeituanPlatform:
    now: Callable[[], datetime]
    app_id: str = "1234"
    app_secret: str = "test_secret"
    poi: str = "store_001"
    developer_id: str = "100001"
    sign_key: str = "signkey123"
    # ISV / new-gateway tokens: token → valid; refresh token → next access token
    tokens: set[str] = field(default_factory=set)
    refresh_tokens: dict[str, str] = field(default_factory=dict)
    require_token: bool = False
    comments: list[dict[str, Any]] = field(default_factory=list)
    faults: list[int | str] = field(default_factory=list)
    requests: list[dict[str, str]] = field(default_factory=list)
    replies: list[tuple[str, str]] = field(default_factory=list)
    refreshes: int = 0
    public_base: str = ""
    lose_replies: int = 0  # apply the next replies, then answer 504 (the answer is lost)
    lost_retry_after: int | None = None  # the lost answer is a 503 asking to wait this long
    _next_id: int = 9007199254740993

    def today(self) -> date:
        return self.now().astimezone(BEIJING).date()

    def add(self, content: str, stars: int, *, days_ago: int = 1, **extra: Any) -> dict[str, Any]:
        day = self.today() - timedelta(days=days_ago)
        comment = {
            "comment_id": self._next_id,
            "comment_content": content,
            "comment_time": day.isoformat(),
            "food_comment_score": stars,
            "order_comment_score": stars,
            "delivery_comment_score": 5,
            "packing_score": 4,
            "add_comment": "",
            "add_comment_time": "",
            "comment_pictures": "",
            "comment_lables": "",
            "praise_food_list": "",
            "critic_food_list": "",
            "comment_order_detail": [],
            "reply_status": 0,
            "e_reply_content": "",
            "e_reply_time": "",
            "valid": 1,
            **extra,
        }
        self._next_id += 1
        self.comments.append(comment)
        return comment

    # -- the wire ----------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/api/v1/comment/query", self.legacy_query)
        app.router.add_post("/api/v1/poi/comment/add_reply", self.legacy_reply)
        app.router.add_post("/api/v1/oauth/token", self.legacy_token)
        app.router.add_post("/waimai/ng/comment/queryCommentList", self.ng_query)
        app.router.add_post("/waimai/poi/addReply", self.ng_reply)
        app.router.add_post("/oauth/refresh", self.ng_refresh)
        return app

    @staticmethod
    def ng_error(code: int, msg: str) -> web.Response:
        return web.json_response({"data": "ng", "error": {"code": code, "msg": msg}})

    async def _legacy_checked(
        self, request: web.Request
    ) -> tuple[dict[str, str], web.Response | None]:
        params = dict(request.query)
        if request.method == "POST":
            params.update({k: str(v) for k, v in (await request.post()).items()})
        self.requests.append(params)
        if self.faults:
            code = int(self.faults.pop(0))
            return params, self.ng_error(
                code, {711: "接口调用过于频繁，触发流控", 700: "系统错误"}.get(code, "错误")
            )
        if params.get("app_id") != self.app_id:
            return params, self.ng_error(702, "app_id不存在")
        url = self.public_base + request.path.removeprefix("/api/v1")
        if params.get("sig") != legacy_signature(url, params, self.app_secret):
            return params, self.ng_error(703, "签名验证错误")
        protected = self.require_token and request.path != "/api/v1/oauth/token"
        if protected and params.get("access_token") not in self.tokens:
            return params, self.ng_error(4001, "用户token已过期，需重新获取")
        return params, None

    async def legacy_query(self, request: web.Request) -> web.Response:
        params, error = await self._legacy_checked(request)
        if error:
            return error
        required = (
            "app_poi_code",
            "start_time",
            "end_time",
            "pageoffset",
            "pagesize",
            "replyStatus",
        )
        if missing := [k for k in required if k not in params]:
            return self.ng_error(701, f"缺少参数 {missing}")
        if params["app_poi_code"] != self.poi:
            return self.ng_error(803, "不存在此门店")
        try:
            start = datetime.strptime(params["start_time"], "%Y%m%d").date()
            end = datetime.strptime(params["end_time"], "%Y%m%d").date()
            offset, size = int(params["pageoffset"]), int(params["pagesize"])
            reply_status = int(params["replyStatus"])
        except ValueError:
            return self.ng_error(705, "参数格式错误")
        if reply_status not in (-1, 0, 1):
            return self.ng_error(705, "replyStatus只能是-1、0、1")
        if size > 20 or size < 1:
            return self.ng_error(705, "pagesize最大为20")
        if end >= self.today():
            return self.ng_error(705, "结束日期不能大于等于当前日期")
        if start < self.today() - timedelta(days=30) or start > end:
            return self.ng_error(705, "只能查询最近30天的评价")
        return web.json_response({"data": self.window(start, end, offset, size, reply_status)})

    def window(
        self, start: date, end: date, offset: int, size: int, reply_status: int = -1
    ) -> list[dict[str, Any]]:
        chosen = [
            c
            for c in self.comments
            if start <= date.fromisoformat(c["comment_time"][:10]) <= end
            and reply_status in (-1, c.get("reply_status", 0))
        ]
        chosen.sort(key=lambda c: (c["comment_time"], c.get("comment_id", 0)), reverse=True)
        return chosen[offset : offset + size]

    def _reply(self, comment_id: str, text: str) -> tuple[int, str] | None:
        if any(word in text for word in BANNED):
            return 1031, "参数中包含敏感词"
        for comment in self.comments:
            if str(comment["comment_id"]) == comment_id:
                comment["e_reply_content"] = text
                comment["reply_status"] = 1
                self.replies.append((comment_id, text))
                return None
        return 808, "操作失败：评价不存在"

    async def legacy_reply(self, request: web.Request) -> web.Response:
        params, error = await self._legacy_checked(request)
        if error:
            return error
        if "comment_id" in request.query or "reply" in request.query:
            return self.ng_error(701, "应用参数应在请求体中")
        failed = self._reply(params.get("comment_id", ""), params.get("reply", ""))
        if failed:
            return self.ng_error(*failed)
        if self.lose_replies:
            self.lose_replies -= 1
            if self.lost_retry_after is not None:
                wait = {"Retry-After": str(self.lost_retry_after)}
                return web.Response(status=503, text="<html>Busy</html>", headers=wait)
            return web.Response(status=504, text="<html>Gateway Time-out</html>")
        return web.json_response({"data": "ok"})

    async def legacy_token(self, request: web.Request) -> web.Response:
        params, error = await self._legacy_checked(request)
        if error:
            return error
        return self._refresh(params.get("refresh_token", ""), legacy=True)

    def _refresh(self, refresh_token: str, *, legacy: bool) -> web.Response:
        new = self.refresh_tokens.pop(refresh_token, None)
        if new is None:
            if legacy:
                return self.ng_error(4001, "refresh_token无效")
            return web.json_response({"code": "OP_AUTH_INVALID", "msg": "refreshToken已失效"})
        self.refreshes += 1
        self.tokens = {new}  # the old token stops working
        rotated = f"{refresh_token}-next"
        self.refresh_tokens[rotated] = f"{new}-next"
        if legacy:
            return web.json_response(
                {"access_token": new, "refresh_token": rotated, "expires_in": 2592000}
            )
        return web.json_response(
            {
                "code": "OP_SUCCESS",
                "msg": "成功",
                "data": {"accessToken": new, "refreshToken": rotated, "expireIn": 2592000},
            }
        )

    # -- new gateway -------------------------------------------------------------------

    async def _ng_checked(
        self, request: web.Request, *, auth: bool = True
    ) -> tuple[dict[str, str], web.Response | None]:
        form = {k: str(v) for k, v in (await request.post()).items()}
        self.requests.append(form)
        if self.faults:
            fault = str(self.faults.pop(0))
            return form, web.json_response(
                {"code": fault, "msg": "接口调用过于频繁" if "LIMIT" in fault else "系统繁忙"}
            )
        for name in ("developerId", "businessId", "timestamp", "charset", "version", "sign"):
            if not form.get(name):
                return form, web.json_response({"code": "OP_PARAM_ERROR", "msg": f"缺少{name}"})
        if form["developerId"] != self.developer_id:
            return form, web.json_response({"code": "OP_DEVELOPER_INVALID", "msg": "开发者不存在"})
        if form["sign"] != ng_signature(self.sign_key, form):
            return form, web.json_response({"code": "OP_SIGN_ERROR", "msg": "签名错误"})
        if auth and form.get("appAuthToken") not in self.tokens:
            return form, web.json_response(
                {"code": "OP_TOKEN_EXPIRED", "msg": "appAuthToken已过期"}
            )
        return form, None

    async def ng_query(self, request: web.Request) -> web.Response:
        form, error = await self._ng_checked(request)
        if error:
            return error
        biz = json.loads(form.get("biz", "{}"))
        try:
            start = date.fromisoformat(biz["startTime"])
            end = date.fromisoformat(biz["endTime"])
            offset, limit = int(biz["offset"]), int(biz["limit"])
            reply_status = int(biz.get("replyStatus", -1))
        except (KeyError, ValueError):
            return web.json_response({"code": "OP_PARAM_ERROR", "msg": "参数错误"})
        if limit > 20 or end >= self.today() or start < self.today() - timedelta(days=30):
            return web.json_response({"code": "OP_PARAM_ERROR", "msg": "查询范围或分页参数错误"})
        return web.json_response(
            {
                "code": "OP_SUCCESS",
                "msg": "成功",
                "traceId": "t1",
                "data": self.window(start, end, offset, limit, reply_status),
            }
        )

    async def ng_reply(self, request: web.Request) -> web.Response:
        form, error = await self._ng_checked(request)
        if error:
            return error
        biz = json.loads(form["biz"])
        if not isinstance(biz.get("commentId"), int):
            return web.json_response({"code": "OP_PARAM_ERROR", "msg": "commentId必须是数字"})
        failed = self._reply(str(biz["commentId"]), biz.get("reply", ""))
        if failed:
            return web.json_response({"code": f"OP_{failed[0]}", "msg": failed[1]})
        return web.json_response({"code": "OP_SUCCESS", "msg": "成功", "data": "ok"})

    async def ng_refresh(self, request: web.Request) -> web.Response:
        form, error = await self._ng_checked(request, auth=False)
        if error:
            return error
        if form.get("grantType") != "refresh_token" or form.get("scope") != "all":
            return web.json_response({"code": "OP_PARAM_ERROR", "msg": "grantType错误"})
        return self._refresh(form.get("refreshToken", ""), legacy=False)
