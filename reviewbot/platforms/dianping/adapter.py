"""大众点评 reviews through the router API `ugc/queryshopreview`, read-only.

One source per review set of a shop: `platform=1` (Dianping) and `platform=2` (Meituan
到店) are different reviews and are polled, stored and deduplicated separately. There is
no reply API: `post_reply` raises ReplyNotSupported and the capabilities say so, so staff
post by hand. The merchant session expires and can be refreshed only a limited number of
times (`remain_refresh_count`); at zero the merchant must authorise again.
Whether `offset` counts items or pages, and from 0 or 1, is undocumented: configurable.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from reviewbot.platforms.base import (
    Capabilities,
    MalformedResponse,
    Page,
    PlatformError,
    ReplyNotSupported,
    ReplyReceipt,
    Unavailable,
)
from reviewbot.platforms.context import AdapterContext
from reviewbot.platforms.credentials import TokenKeeper, TokenSet, grant_id, token_set
from reviewbot.platforms.dianping.parse import parse_review
from reviewbot.platforms.dianping.signing import dianping_sign
from reviewbot.platforms.errors import platform_error
from reviewbot.platforms.normalize import parse_items
from reviewbot.platforms.ratelimit import TokenBucket
from reviewbot.platforms.windows import SHANGHAI, OffsetScanner, policy_for
from reviewbot.sourceconfig import DianpingSource

BASE_URL = "https://openapi.dianping.com"
REVIEW_SETS = {"dianping": "1", "meituan": "2"}
ERRORS: dict[str, type[PlatformError]] = {}  # undocumented: config `error_codes` + hints


def _local(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


class DianpingAdapter:
    platform = "dianping"

    def __init__(
        self, settings: DianpingSource, ctx: AdapterContext, secret: str, bucket: TokenBucket
    ) -> None:
        self.s = settings
        self.http = ctx.http
        self.now = ctx.now
        self.secret = secret
        self.bucket = bucket
        self.keeper: TokenKeeper | None = None
        self.account = settings.account
        self.base = settings.base_url or BASE_URL
        self.capabilities = Capabilities(
            can_reply=False,
            lookback=timedelta(days=settings.lookback_days),
            max_page_size=settings.page_size,
            reply_max_chars=0,
        )
        policy = policy_for(settings, lookback_days=settings.lookback_days)
        self.scanner = OffsetScanner(policy, settings.page_size, ctx.now)

    def _check(self, body: Any) -> None:
        if not isinstance(body, dict):
            raise MalformedResponse("Dianping answered with something other than a JSON object")
        code = body.get("code")
        if str(code) != "200":
            raise platform_error(
                code,
                str(body.get("msg") or ""),
                known=ERRORS,
                configured=self.s.error_codes,
                prefix="大众点评",
            )

    def _wire_offset(self, offset: int) -> int:
        if self.s.offset_unit == "page":
            return offset // self.s.page_size + self.s.offset_base
        return offset + self.s.offset_base

    async def _list(self, since: datetime, until: datetime, offset: int, limit: int) -> list[Any]:
        app: dict[str, str | None] = {
            "open_shop_uuid": self.s.open_shop_uuid,
            "begintime": _local(since),
            "endtime": _local(until),
            "star": self.s.star,
            "platform": REVIEW_SETS[self.s.review_set],
            "offset": str(self._wire_offset(offset)),
            "limit": str(limit),
        }

        async def attempt(session: str) -> Any:
            await self.bucket.acquire()
            params = {
                "app_key": self.s.app_key,
                "session": session,
                "timestamp": _local(self.now()),
                "format": "json",
                "v": "1",
                "sign_method": "MD5",
                **{k: v for k, v in app.items() if v not in (None, "")},
            }
            params["sign"] = dianping_sign(params, self.secret)
            return await self.http.request_json(
                "POST",
                f"{self.base}/router/ugc/queryshopreview",
                form=params,
                check=self._check,
            )

        assert self.keeper is not None
        body = await self.keeper.call(attempt)
        data = body.get("data")
        reviews = data.get("reviewInfoDTOList") if isinstance(data, dict) else None
        if data is None or (isinstance(data, dict) and reviews is None):
            return []  # an empty result may come without the list
        if not isinstance(reviews, list):
            raise MalformedResponse("Dianping answered without data.reviewInfoDTOList")
        return reviews

    async def fetch_page(self, cursor: str | None) -> Page:
        async def fetch(since: datetime, until: datetime, offset: int):
            items = await self._list(since, until, offset, self.s.page_size)
            records, rejected = parse_items(items, parse_review)
            return records, rejected, len(items)

        return await self.scanner.fetch_page(cursor, fetch)

    async def post_reply(self, external_id: str, text: str) -> ReplyReceipt:
        raise ReplyNotSupported(
            "Dianping has no merchant reply API: staff reply in the Dianping merchant app"
        )

    async def refresh(self, tokens: TokenSet) -> TokenSet:
        """router/oauth/token (unsigned). Its error codes are undocumented: a code means the
        grant is gone only when `error_codes` or the message says so (refresh_token无效);
        anything else (系统繁忙, a rate limit) is tried again later, since giving up sends
        the merchant to re-authorise and spends one of their limited refreshes."""

        def check(body: Any) -> None:
            if isinstance(body, dict) and "code" in body and str(body["code"]) != "200":
                raise platform_error(
                    body["code"],
                    str(body.get("msg") or ""),
                    known=ERRORS,
                    configured=self.s.error_codes,
                    prefix="大众点评",
                    unknown=Unavailable,
                )

        body = await self.http.request_json(
            "POST",
            f"{self.base}/router/oauth/token",
            form={
                "app_key": self.s.app_key,
                "app_secret": self.secret,
                "grant_type": "refresh_token",
                "refresh_token": tokens.refresh_token or "",
            },
            check=check,
            idempotent=False,
        )
        return token_set(body, self.now())

    async def check(self) -> str:
        now = self.now()
        items = await self._list(now - timedelta(days=1), now, 0, 1)
        return f"credentials accepted ({len(items)} review(s) in the last day, sample of 1)"


def build(settings: DianpingSource, ctx: AdapterContext) -> DianpingAdapter:
    secret = ctx.secret(settings.app_secret_env)
    adapter = DianpingAdapter(
        settings,
        ctx,
        secret,
        ctx.limits.bucket(f"dianping:{settings.app_key}", settings.requests_per_minute),
    )
    session = ctx.secret(settings.session_env)
    refresh = ctx.optional_secret(settings.refresh_token_env)
    # The merchant's session covers all their shops and both review sets: key it by the
    # grant, so shops sharing one refresh token never spend it twice.
    adapter.keeper = ctx.keepers.get(
        f"dianping:{settings.app_key}:{grant_id(refresh or session)}",
        adapter.refresh if refresh else None,
        seed=TokenSet(session, refresh),
        seed_secrets=(session, refresh),
    )
    return adapter
