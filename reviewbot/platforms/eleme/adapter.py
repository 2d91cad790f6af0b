"""饿了么 reviews: `eleme.ugc.getOrderRatesByShopId` in the JSON-RPC-like envelope.

Every business call is one POST to /api/v1/ naming an `action`, signed with the uppercase
MD5 of signing.py, carrying an OAuth access token. Only the last 90 days can be read, so
windows never reach further back; replies go by rate id (`replyRateByRateIdAndShopId`),
which also works for anonymous reviews that have no order id.
"""

from __future__ import annotations

import base64
import uuid
from datetime import datetime, timedelta
from typing import Any

from reviewbot.platforms.base import (
    AuthExpired,
    AuthInvalid,
    Capabilities,
    MalformedResponse,
    Page,
    PlatformError,
    RateLimited,
    ReplyReceipt,
    SignatureInvalid,
    Unavailable,
    ValidationFailed,
)
from reviewbot.platforms.context import AdapterContext
from reviewbot.platforms.credentials import TokenKeeper, TokenSet, grant_id, token_set
from reviewbot.platforms.eleme.parse import parse_rate
from reviewbot.platforms.eleme.signing import eleme_signature
from reviewbot.platforms.errors import from_message, platform_error
from reviewbot.platforms.normalize import as_id, clean_text, dig, parse_items
from reviewbot.platforms.ratelimit import TokenBucket
from reviewbot.platforms.windows import SHANGHAI, OffsetScanner, find, policy_for
from reviewbot.sourceconfig import ElemeSource

BASE_URL = "https://open-api.shop.ele.me"
LIST_ACTION = "eleme.ugc.getOrderRatesByShopId"
REPLY_ACTION = "eleme.ugc.replyRateByRateIdAndShopId"

ERRORS: dict[str, type[PlatformError]] = {
    "SERVER_ERROR": Unavailable,
    "ILLEGAL_REQUEST": ValidationFailed,
    "UNAUTHORIZED": AuthExpired,
    "ACCESS_DENIED": AuthInvalid,
    "METHOD_NOT_ALLOWED": ValidationFailed,
    "PERMISSION_DENIED": AuthInvalid,
    "INVALID_SIGNATURE": SignatureInvalid,
    "INVALID_TIMESTAMP": SignatureInvalid,  # clock skew (or the wrong timestamp_unit)
    "VALIDATION_FAILED": ValidationFailed,
    "EXCEED_LIMIT": RateLimited,
}


def check_envelope(body: Any) -> None:
    """`{"id","result","error":{"code","message"}}`; BIZ_* codes go by their message."""
    if not isinstance(body, dict):
        raise MalformedResponse("Ele.me answered with something other than a JSON object")
    error = body.get("error")
    if not error:
        return
    if not isinstance(error, dict):
        raise PlatformError(f"饿了么 error: {str(error)[:200]}")
    code = str(error.get("code") or "")
    message = str(error.get("message") or "")
    known = ERRORS
    if code.startswith("BIZ_") and (hinted := from_message(message)) is not None:
        known = {code: hinted}
    raise platform_error(code, message, known=known, prefix="饿了么")


def _local(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M:%S")


class ElemeAdapter:
    platform = "eleme"

    def __init__(
        self,
        settings: ElemeSource,
        ctx: AdapterContext,
        secret: str,
        bucket: TokenBucket,
    ) -> None:
        self.s = settings
        self.http = ctx.http
        self.now = ctx.now
        self.secret = secret
        self.bucket = bucket
        self.keeper: TokenKeeper | None = None
        self.account = settings.account
        self.shop_id = settings.shop_id or settings.account
        self.base = settings.base_url or BASE_URL
        self.capabilities = Capabilities(
            can_reply=True,
            lookback=timedelta(days=settings.lookback_days),
            max_page_size=settings.page_size,
            reply_max_chars=settings.reply_max_chars,
        )
        policy = policy_for(settings, lookback_days=settings.lookback_days)
        self.scanner = OffsetScanner(policy, settings.page_size, ctx.now)

    def _timestamp(self) -> int:
        seconds = self.now().timestamp()
        return int(seconds * 1000) if self.s.timestamp_unit == "ms" else int(seconds)

    async def _call(self, action: str, params: dict[str, Any], *, idempotent: bool = True) -> Any:
        async def attempt(token: str) -> Any:
            await self.bucket.acquire()
            timestamp = self._timestamp()
            metas = {"app_key": self.s.app_key, "timestamp": timestamp}
            request_id = f"{uuid.uuid4().hex}|{timestamp}"
            envelope = {
                "nop": "1.0.0",
                "id": request_id,
                "action": action,
                "token": token,
                "metas": metas,
                "params": params,
                "signature": eleme_signature(action, token, metas, params, self.secret),
            }
            body = await self.http.request_json(
                "POST",
                f"{self.base}/api/v1/",
                json_body=envelope,
                headers={"x-eleme-requestid": request_id},
                check=check_envelope,
                idempotent=idempotent,
            )
            return body.get("result")

        assert self.keeper is not None
        return await self.keeper.call(attempt)

    async def _list(self, since: datetime, until: datetime, offset: int, size: int) -> list[Any]:
        result = await self._call(
            LIST_ACTION,
            {
                "shopId": self.shop_id,
                "startTime": _local(since),
                "endTime": _local(until),
                "offset": offset,
                "pageSize": size,
            },
        )
        if result is None:
            return []
        if not isinstance(result, list):
            raise MalformedResponse(f"{LIST_ACTION} answered without a list")
        return result

    async def fetch_page(self, cursor: str | None) -> Page:
        async def fetch(since: datetime, until: datetime, offset: int):
            result = await self._list(since, until, offset, self.s.page_size)
            records, rejected = parse_items(result, parse_rate)
            return records, rejected, len(result)

        return await self.scanner.fetch_page(cursor, fetch)

    async def post_reply(self, external_id: str, text: str) -> ReplyReceipt:
        await self._call(
            REPLY_ACTION,
            {
                "rateId": external_id,
                "shopId": self.shop_id,
                "replyType": self.s.reply_type,
                "reply": text,
            },
            idempotent=False,
        )
        return ReplyReceipt(external_id, self.now())

    async def refresh(self, tokens: TokenSet) -> TokenSet:
        """OAuth at /token with HTTP Basic app credentials (client_credentials or refresh)."""
        form = {"grant_type": self.s.grant}
        if self.s.grant == "refresh_token":
            form.update(refresh_token=tokens.refresh_token or "", scope=self.s.scope)
        basic = base64.b64encode(f"{self.s.app_key}:{self.secret}".encode()).decode()
        body = await self.http.request_json(
            "POST",
            f"{self.base}/token",
            form=form,
            headers={"Authorization": f"Basic {basic}"},
            idempotent=False,
        )
        return token_set(body, self.now())

    async def current_reply(self, external_id: str, created_at: datetime | None) -> str | None:
        """Re-read the minute the review was rated for its `orderRateReply`: a reply POST
        is not idempotent, so after a lost answer we look before posting again."""
        if created_at is None:
            return None
        now = self.now()
        since = max(created_at - timedelta(minutes=1), self.scanner.policy.earliest(now))
        until = min(created_at + timedelta(minutes=1), now)
        if since >= until:
            return None
        size = self.s.page_size
        rate = await find(
            lambda offset: self._list(since, until, offset, size),
            size,
            lambda item: isinstance(item, dict) and as_id(item.get("id")) == external_id,
        )
        return clean_text(dig(rate, "orderRateReply.content"))[0] or None if rate else None

    async def check(self) -> str:
        now = self.now()
        result = await self._list(now - timedelta(days=1), now, 0, 1)
        return f"credentials accepted ({len(result)} review(s) in the last day, sample of 1)"


def build(settings: ElemeSource, ctx: AdapterContext) -> ElemeAdapter:
    secret = ctx.secret(settings.app_secret_env)
    adapter = ElemeAdapter(
        settings,
        ctx,
        secret,
        ctx.limits.bucket(f"eleme:{settings.app_key}", settings.requests_per_minute),
    )
    refresh = ctx.optional_secret(settings.refresh_token_env)
    # A self-run app's token belongs to the app; an ISV token to the merchant's grant,
    # which may cover several shops (never key it by shop: they would burn each other).
    key = f"eleme:{settings.app_key}"
    if settings.grant == "refresh_token" and refresh:
        key += f":{grant_id(refresh)}"
    adapter.keeper = ctx.keepers.get(
        key,
        adapter.refresh,
        seed=TokenSet(None, refresh),
        seed_secrets=(secret, refresh),
    )
    return adapter
