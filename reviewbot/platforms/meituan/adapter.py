"""美团外卖 reviews through either gateway, behind one adapter.

Both gateways page by offset over a window of whole Beijing days, and the legacy one (and,
by default, the new one: `t_plus_one`) never serves today's reviews: `comment/query`
rejects an end date that is not before today, and only the last 30 days can be asked for.
The capabilities say so (freshness one day, lookback 30 days), so nobody promises
same-day alerts from this source.

Errors come back inside HTTP 200 bodies and are mapped from the code tables below.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, Protocol

from reviewbot.platforms.base import (
    AuthExpired,
    AuthInvalid,
    Capabilities,
    ContentRejected,
    MalformedResponse,
    NotFound,
    Page,
    PlatformError,
    RateLimited,
    ReplyReceipt,
    SignatureInvalid,
    Unavailable,
    ValidationFailed,
)
from reviewbot.platforms.context import AdapterContext
from reviewbot.platforms.credentials import TokenKeeper, TokenSet, token_set
from reviewbot.platforms.errors import platform_error
from reviewbot.platforms.http import HttpClient
from reviewbot.platforms.meituan.parse import parse_comment
from reviewbot.platforms.meituan.signing import legacy_sig, ng_sign
from reviewbot.platforms.normalize import as_id, clean_text, parse_items
from reviewbot.platforms.ratelimit import TokenBucket
from reviewbot.platforms.windows import (
    SHANGHAI,
    OffsetScanner,
    find,
    policy_for,
    start_of_day,
)
from reviewbot.sourceconfig import MeituanSource

LEGACY_URL = "https://waimaiopen.meituan.com/api/v1"
NG_URL = "https://api-open-cater.meituan.com"

LEGACY_ERRORS: dict[str, type[PlatformError]] = {
    "700": Unavailable,  # 系统错误: retry
    "701": ValidationFailed,  # 缺少参数
    "702": AuthInvalid,  # app_id不存在
    "703": SignatureInvalid,  # 签名验证错误
    "704": AuthInvalid,  # 没有权限操作这条数据
    "705": ValidationFailed,  # 参数格式错误
    "708": AuthInvalid,  # 没有权限访问该接口
    "711": RateLimited,  # 接口调用过于频繁，触发流控
    "803": NotFound,  # 不存在此门店
    "806": NotFound,  # 不存在此订单
    "808": PlatformError,  # 操作失败
    "1031": ContentRejected,  # 参数中包含敏感词
    "4001": AuthExpired,  # token过期
}
# Undocumented: mapped by the config's `error_codes`, then by message hints (签名, 已回复, …).
NG_ERRORS: dict[str, type[PlatformError]] = {}


def check_legacy(body: Any) -> None:
    """Legacy errors: `{"data":"ng","error":{"code":…,"msg":…}}` (or data null) in HTTP 200."""
    if not isinstance(body, dict):
        raise MalformedResponse("Meituan answered with something other than a JSON object")
    error = body.get("error")
    if body.get("data") in ("ng", None) or isinstance(error, dict):
        code = error.get("code") if isinstance(error, dict) else None
        msg = str(error.get("msg") or "") if isinstance(error, dict) else "no data"
        if code is None:
            raise PlatformError(f"美团 error without a code: {msg}")
        raise platform_error(code, msg, known=LEGACY_ERRORS, prefix="美团")


def check_legacy_token(body: Any) -> None:
    """The token endpoint answers with the tokens themselves, or the usual error object."""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        check_legacy(body)


def _day(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)


class Gateway(Protocol):
    async def list(
        self,
        since: datetime,
        until: datetime,
        offset: int,
        limit: int,
        reply_status: int | None = None,
    ) -> list[Any]:
        """Raw comments created in [since, until) (whole Beijing days), from `offset`;
        `reply_status` overrides the configured filter (-1: all)."""
        ...

    async def reply(self, comment_id: str, text: str) -> None: ...


class LegacyGateway:
    """waimaiopen.meituan.com/api/v1: GET comment/query, POST poi/comment/add_reply."""

    def __init__(
        self,
        http: HttpClient,
        settings: MeituanSource,
        secret: str,
        keeper: TokenKeeper | None,
        bucket: TokenBucket,
        ctx: AdapterContext,
    ) -> None:
        self.http = http
        self.s = settings
        self.secret = secret
        self.keeper = keeper
        self.bucket = bucket
        self.now = ctx.now
        self.base = settings.base_url or LEGACY_URL
        self.poi = settings.app_poi_code or settings.account

    def _system(self, token: str | None) -> dict[str, str]:
        system = {"app_id": str(self.s.app_id), "timestamp": str(int(self.now().timestamp()))}
        if token:
            system["access_token"] = token
        return system

    async def _call(
        self, method: str, path: str, app: dict[str, str], *, idempotent: bool = True
    ) -> Any:
        url = f"{self.base}/{path}"

        async def attempt(token: str | None) -> Any:
            await self.bucket.acquire()
            system = self._system(token)
            sig = legacy_sig(url, {**system, **app}, self.secret)
            if method == "GET":
                return await self.http.request_json(
                    "GET", url, params={**system, **app, "sig": sig}, check=check_legacy
                )
            return await self.http.request_json(
                "POST",
                url,
                params={**system, "sig": sig},
                form=app,
                check=check_legacy,
                idempotent=idempotent,
            )

        if self.keeper is None:
            return await attempt(None)
        return await self.keeper.call(attempt)

    async def list(
        self,
        since: datetime,
        until: datetime,
        offset: int,
        limit: int,
        reply_status: int | None = None,
    ) -> list[Any]:
        body = await self._call(
            "GET",
            "comment/query",
            {
                "app_poi_code": self.poi,
                "start_time": _day(since).strftime("%Y%m%d"),
                "end_time": _day(until - timedelta(days=1)).strftime("%Y%m%d"),
                "pageoffset": str(offset),
                "pagesize": str(limit),
                "replyStatus": str(self.s.reply_status if reply_status is None else reply_status),
            },
        )
        if not isinstance(body.get("data"), list):
            raise MalformedResponse("Meituan comment/query answered without a data list")
        return body["data"]

    async def reply(self, comment_id: str, text: str) -> None:
        body = await self._call(
            "POST",
            "poi/comment/add_reply",
            {"app_poi_code": self.poi, "comment_id": comment_id, "reply": text},
            idempotent=False,
        )
        if body.get("data") != "ok":
            raise PlatformError(f"美团 add_reply answered {str(body)[:200]}")

    async def refresh(self, tokens: TokenSet) -> TokenSet:
        """ISV mode: POST oauth/token with the refresh token, signed like any call."""
        url = f"{self.base}/oauth/token"
        app = {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token or ""}
        system = self._system(None)
        body = await self.http.request_json(
            "POST",
            url,
            params={**system, "sig": legacy_sig(url, {**system, **app}, self.secret)},
            form=app,
            check=check_legacy_token,
            idempotent=False,
        )
        return token_set(body, self.now())


class NgGateway:
    """api-open-cater.meituan.com: form POSTs with a JSON `biz` and a SHA-1 `sign`."""

    def __init__(
        self,
        http: HttpClient,
        settings: MeituanSource,
        sign_key: str,
        keeper: TokenKeeper | None,
        bucket: TokenBucket,
        ctx: AdapterContext,
    ) -> None:
        self.http = http
        self.s = settings
        self.sign_key = sign_key
        self.keeper = keeper
        self.bucket = bucket
        self.now = ctx.now
        self.base = settings.base_url or NG_URL

    def _check(self, body: Any) -> None:
        if not isinstance(body, dict):
            raise MalformedResponse("Meituan answered with something other than a JSON object")
        code = body.get("code")
        if code != "OP_SUCCESS":
            trace = body.get("traceId")
            msg = f"{body.get('msg') or ''}" + (f" (traceId {trace})" if trace else "")
            raise platform_error(
                code, msg, known=NG_ERRORS, configured=self.s.error_codes, prefix="美团"
            )

    def _form(self, extra: dict[str, str], token: str | None) -> dict[str, str]:
        form = {
            "developerId": str(self.s.developer_id),
            "businessId": str(self.s.business_id),
            "timestamp": str(int(self.now().timestamp())),
            "charset": "UTF-8",
            "version": "2",
            **extra,
        }
        if token:
            form["appAuthToken"] = token
        form["sign"] = ng_sign(self.sign_key, form)
        return form

    async def _call(self, path: str, biz: dict[str, Any], *, idempotent: bool = True) -> Any:
        payload = json.dumps(biz, ensure_ascii=False, separators=(",", ":"))

        async def attempt(token: str) -> Any:
            await self.bucket.acquire()
            return await self.http.request_json(
                "POST",
                f"{self.base}{path}",
                form=self._form({"biz": payload}, token),
                check=self._check,
                idempotent=idempotent,
            )

        assert self.keeper is not None
        return await self.keeper.call(attempt)

    async def list(
        self,
        since: datetime,
        until: datetime,
        offset: int,
        limit: int,
        reply_status: int | None = None,
    ) -> list[Any]:
        fmt = self.s.date_format
        biz: dict[str, Any] = {
            "startTime": _day(since).strftime(fmt),
            "endTime": _day(until - timedelta(days=1)).strftime(fmt),
            "offset": offset,
            "limit": limit,
            "replyStatus": self.s.reply_status if reply_status is None else reply_status,
        }
        if self.s.biz_key:
            biz["bizKey"] = self.s.biz_key
        body = await self._call(self.s.list_path, biz)
        data = body.get("data")
        if isinstance(data, str):  # some generated endpoints return data as a JSON string
            try:
                data = json.loads(data)
            except ValueError:
                raise MalformedResponse("Meituan data is a string but not JSON") from None
        if isinstance(data, dict):
            data = data.get("list") if isinstance(data.get("list"), list) else data.get("data")
        if not isinstance(data, list):
            raise MalformedResponse("Meituan queryCommentList answered without a list")
        return data

    async def reply(self, comment_id: str, text: str) -> None:
        cid: int | str = int(comment_id) if comment_id.isdigit() else comment_id
        await self._call(self.s.reply_path, {"commentId": cid, "reply": text}, idempotent=False)

    async def refresh(self, tokens: TokenSet) -> TokenSet:
        body = await self.http.request_json(
            "POST",
            f"{self.base}/oauth/refresh",
            form=self._form(
                {
                    "grantType": "refresh_token",
                    "refreshToken": tokens.refresh_token or "",
                    "scope": "all",
                },
                None,
            ),
            check=self._check,
            idempotent=False,
        )
        return token_set(
            body,
            self.now(),
            access="accessToken",
            refresh="refreshToken",
            expires_in="expireIn",
        )


class MeituanAdapter:
    platform = "meituan"

    def __init__(self, gateway: Gateway, settings: MeituanSource, ctx: AdapterContext) -> None:
        self.gateway = gateway
        self.settings = settings
        self.account = settings.account
        freshness = timedelta(days=1) if settings.t_plus_one else timedelta(0)
        self.capabilities = Capabilities(
            can_reply=True,
            freshness=freshness,
            lookback=timedelta(days=settings.lookback_days),
            max_page_size=settings.page_size,
            reply_max_chars=settings.reply_max_chars,
        )
        # Filtered by reply status, a review leaves the listing when it is answered: its
        # absence means nothing, so such a source never hides reviews.
        policy = policy_for(
            settings,
            lookback_days=settings.lookback_days,
            day_aligned=True,
            freshness=freshness,
            sees_everything=settings.reply_status == -1,
        )
        self.scanner = OffsetScanner(policy, settings.page_size, ctx.now)
        self.now = ctx.now

    async def fetch_page(self, cursor: str | None) -> Page:
        async def fetch(since: datetime, until: datetime, offset: int):
            items = await self.gateway.list(since, until, offset, self.settings.page_size)
            records, rejected = parse_items(items, parse_comment)
            return records, rejected, len(items)

        return await self.scanner.fetch_page(cursor, fetch)

    async def post_reply(self, external_id: str, text: str) -> ReplyReceipt:
        await self.gateway.reply(external_id, text)
        return ReplyReceipt(external_id, self.now())

    async def current_reply(self, external_id: str, created_at: datetime | None) -> str | None:
        """Re-read the review's day (every reply status) for its `e_reply_content`: a reply
        POST is not idempotent, so after a lost answer we look before posting again."""
        if created_at is None:
            return None
        day = start_of_day(created_at)
        now, policy, size = self.now(), self.scanner.policy, self.settings.page_size
        if day < policy.earliest(now) or day + timedelta(days=1) > policy.until(now):
            return None  # outside what the platform serves
        comment = await find(
            lambda offset: self.gateway.list(day, day + timedelta(days=1), offset, size, -1),
            size,
            lambda item: isinstance(item, dict) and as_id(item.get("comment_id")) == external_id,
        )
        return clean_text(comment.get("e_reply_content"))[0] or None if comment else None

    async def check(self) -> str:
        """One small signed read of the latest day the gateway serves."""
        until = self.scanner.policy.until(self.now())
        items = await self.gateway.list(until - timedelta(days=1), until, 0, 1)
        return f"credentials accepted ({len(items)} review(s) on the latest day, sample of 1)"


def build(settings: MeituanSource, ctx: AdapterContext) -> MeituanAdapter:
    gateway: LegacyGateway | NgGateway
    if settings.gateway == "legacy":
        key = f"meituan:{settings.app_id}"
        gateway = LegacyGateway(
            ctx.http,
            settings,
            ctx.secret(str(settings.app_secret_env)),
            None,
            ctx.limits.bucket(key, settings.requests_per_minute),
            ctx,
        )
        if settings.access_token_env:  # ISV mode: a per-store token that expires (4001)
            access = ctx.secret(settings.access_token_env)
            refresh = ctx.optional_secret(settings.refresh_token_env)
            gateway.keeper = ctx.keepers.get(
                f"{key}:{gateway.poi}",
                gateway.refresh if refresh else None,
                seed=TokenSet(access, refresh),
                seed_secrets=(access, refresh),
            )
        return MeituanAdapter(gateway, settings, ctx)
    token = ctx.secret(str(settings.app_auth_token_env))
    refresh = ctx.optional_secret(settings.refresh_token_env)
    gateway = NgGateway(
        ctx.http,
        settings,
        ctx.secret(str(settings.sign_key_env)),
        None,
        ctx.limits.bucket(f"meituan-ng:{settings.developer_id}", settings.requests_per_minute),
        ctx,
    )
    gateway.keeper = ctx.keepers.get(
        f"meituan-ng:{settings.developer_id}:{settings.account}",
        gateway.refresh if refresh else None,
        seed=TokenSet(token, refresh),
        seed_secrets=(token, refresh),
    )
    return MeituanAdapter(gateway, settings, ctx)
