"""A fake 大众点评 open platform: the router's ugc/queryshopreview and oauth/token.

Verifies the secret-wrapped MD5 (empty values skipped) and the Beijing-time timestamp,
enforces the one-year span, 1-based offsets and the page size, keeps the Dianping and the
Meituan review sets of a shop apart, and expires sessions that must be refreshed (a
limited number of times).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

BEIJING = ZoneInfo("Asia/Shanghai")
FORMAT = "%Y-%m-%d %H:%M:%S"


def signature(params: dict[str, Any], secret: str) -> str:
    kept = sorted((k, str(v)) for k, v in params.items() if k != "sign" and str(v) != "")
    return hashlib.md5(
        (secret + "".join(k + v for k, v in kept) + secret).strip().encode()
    ).hexdigest()


@dataclass
class DianpingPlatform:
    now: Callable[[], datetime]
    app_key: str = "1000069"
    secret: str = "dp_secret"
    shop: str = "abc"
    other_shops: set[str] = field(default_factory=set)  # more shops of the same merchant
    sessions: set[str] = field(default_factory=lambda: {"sess123"})
    refresh_tokens: dict[str, str] = field(default_factory=dict)
    remain_refresh_count: int = 5
    offset_unit: str = "item"  # undocumented: "page" makes offset a 1-based page number
    reviews: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {"1": [], "2": []})
    faults: list[tuple[int, str]] = field(default_factory=list)
    token_faults: list[tuple[int, str]] = field(default_factory=list)  # for oauth/token
    requests: list[dict[str, str]] = field(default_factory=list)
    refreshes: int = 0
    _next: int = 1

    def add(self, stars: int, *, review_set: str = "1", minutes_ago: int = 60, **extra: Any):
        review = {
            "reviewId": f"dp{self._next}",
            "star": stars * 10,
            "accurateStar": stars * 10,
            "reviewTime": (self.now() - timedelta(minutes=minutes_ago))
            .astimezone(BEIJING)
            .strftime("%Y-%m-%d %H:%M"),
            "consumeOrderId": f"order-{self._next}",
            "reviewQuality": 0,
            "scoreDetails": [{"title": "口味", "score": stars * 10, "accurateScore": stars * 10}],
            "tradeDetails": [],
            **extra,
        }
        self._next += 1
        self.reviews[review_set].append(review)
        return review

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/router/ugc/queryshopreview", self.query)
        app.router.add_post("/router/oauth/token", self.token)
        return app

    @staticmethod
    def error(code: int, msg: str) -> web.Response:
        return web.json_response({"code": code, "msg": msg})

    async def query(self, request: web.Request) -> web.Response:
        params = {k: str(v) for k, v in (await request.post()).items()}
        self.requests.append(params)
        if self.faults:
            return self.error(*self.faults.pop(0))
        system = ("app_key", "session", "timestamp", "format", "v", "sign_method", "sign")
        if any(not params.get(k) for k in system) or params["app_key"] != self.app_key:
            return self.error(400, "缺少系统参数")
        if params["sign"] != signature(params, self.secret):
            return self.error(401, "签名错误")
        sent = datetime.strptime(params["timestamp"], FORMAT).replace(tzinfo=BEIJING)
        if abs((sent - self.now()).total_seconds()) > 600:
            return self.error(402, "timestamp与北京时间相差过大")
        if params["session"] not in self.sessions:
            return self.error(608, "session已过期")
        try:
            begin = datetime.strptime(params["begintime"], FORMAT).replace(tzinfo=BEIJING)
            end = datetime.strptime(params["endtime"], FORMAT).replace(tzinfo=BEIJING)
            offset, limit = int(params["offset"]), int(params["limit"])
        except (KeyError, ValueError):
            return self.error(400, "参数错误")
        if params.get("open_shop_uuid") not in {self.shop, *self.other_shops}:
            return self.error(403, "无权访问该门店")
        if end - begin > timedelta(days=365) or begin > end:
            return self.error(400, "时间跨度不能超过一年")
        if offset < 1 or not 1 <= limit <= 50:
            return self.error(400, "offset从1开始，limit最大50")
        chosen = [
            r
            for r in self.reviews.get(params.get("platform", ""), [])
            if begin
            <= datetime.strptime(r["reviewTime"], "%Y-%m-%d %H:%M").replace(tzinfo=BEIJING)
            <= end
        ]
        chosen.sort(key=lambda r: r["reviewTime"], reverse=True)
        start = (offset - 1) * (limit if self.offset_unit == "page" else 1)
        page = chosen[start : start + limit]
        return web.json_response(
            {"code": 200, "msg": "success", "data": {"reviewInfoDTOList": page}}
        )

    async def token(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        if self.token_faults:
            return self.error(*self.token_faults.pop(0))
        if form.get("app_key") != self.app_key or form.get("app_secret") != self.secret:
            return self.error(401, "app_key或app_secret错误")
        if form.get("grant_type") != "refresh_token":
            return self.error(400, "grant_type错误")
        new = self.refresh_tokens.pop(form.get("refresh_token", ""), None)
        if new is None or self.remain_refresh_count <= 0:
            return self.error(405, "refresh_token无效")
        self.refreshes += 1
        self.remain_refresh_count -= 1
        self.sessions = {new}
        rotated = f"{form['refresh_token']}+"
        self.refresh_tokens[rotated] = f"{new}+"
        return web.json_response(
            {
                "code": 200,
                "msg": "success",
                "access_token": new,
                "expires_in": 2592000,
                "refresh_token": rotated,
                "remain_refresh_count": self.remain_refresh_count,
                "scope": "",
                "bid": "bid-1",
            }
        )
