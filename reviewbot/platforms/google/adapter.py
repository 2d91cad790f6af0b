"""Google Business Profile reviews: v4 `reviews.list` and `updateReply`.

The list is ordered by `updateTime desc` and paged with opaque tokens, and it has the
whole history, so a poll reads from the newest review back to where the last scan's
high-water mark (less an overlap) was: an edited review moves to the front with a new
`updateTime` and is read again, becoming a revision if its words or stars changed. Now
and then a full scan reads everything, which is what notices removed reviews.
Replies are a PUT that creates or overwrites, so retrying one is safe.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from reviewbot.platforms.base import (
    Capabilities,
    CompletedScan,
    MalformedResponse,
    Page,
    ReplyReceipt,
    ReviewRecord,
)
from reviewbot.platforms.context import AdapterContext
from reviewbot.platforms.credentials import TokenKeeper, TokenSet, grant_id, token_set
from reviewbot.platforms.normalize import as_id, clean_text, dig, parse_items, parse_time
from reviewbot.platforms.ratelimit import TokenBucket
from reviewbot.sourceconfig import GoogleSource

log = logging.getLogger(__name__)

BASE_URL = "https://mybusiness.googleapis.com"
STARS = {"ONE": 1.0, "TWO": 2.0, "THREE": 3.0, "FOUR": 4.0, "FIVE": 5.0}
MEDIA_URL_KEYS = ("googleUrl", "thumbnailUrl", "sourceUrl")


def parse_review(item: Any) -> ReviewRecord:
    if not isinstance(item, dict):
        raise ValueError(f"review is a {type(item).__name__}, not an object")
    name = item.get("name")
    external_id = as_id(item.get("reviewId")) or (
        as_id(name.rsplit("/", 1)[-1]) if isinstance(name, str) else None
    )
    if external_id is None:
        raise ValueError("review has neither reviewId nor name")
    text, truncated = clean_text(item.get("comment"))
    reviewer = item.get("reviewer") if isinstance(item.get("reviewer"), dict) else {}
    author = None
    if not reviewer.get("isAnonymous"):
        author = clean_text(reviewer.get("displayName"), limit=64)[0] or None
    media = item.get("reviewMediaItems")
    images = tuple(
        url
        for entry in (media if isinstance(media, list) else ())
        if isinstance(entry, dict)
        for url in [next((entry[k] for k in MEDIA_URL_KEYS if isinstance(entry.get(k), str)), None)]
        if url
    )
    return ReviewRecord(
        external_id=external_id,
        text=text,
        rating=STARS.get(str(item.get("starRating"))),
        created_at=parse_time(item.get("createTime")),
        updated_at=parse_time(item.get("updateTime")),
        author=author,
        images=images,
        reply_text=clean_text(dig(item, "reviewReply.comment"))[0] or None,
        text_truncated=truncated,
        raw=item,
        created_precision="second",
    )


@dataclass(frozen=True, slots=True)
class _Scan:
    token: str | None
    started: datetime
    full: bool
    stop_before: datetime | None


@dataclass(frozen=True, slots=True)
class _State:
    high_water: datetime | None = None
    last_full: datetime | None = None
    scan: _Scan | None = None

    def dump(self) -> str:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        data: dict[str, Any] = {"v": 1, "hw": iso(self.high_water), "full": iso(self.last_full)}
        if self.scan:
            s = self.scan
            data["scan"] = {
                "token": s.token,
                "started": iso(s.started),
                "full": s.full,
                "stop": iso(s.stop_before),
            }
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def load(cls, cursor: str | None) -> _State:
        if not cursor:
            return cls()
        try:
            data = json.loads(cursor)
            when = lambda v: datetime.fromisoformat(v) if v else None  # noqa: E731
            scan = data.get("scan")
            return cls(
                when(data.get("hw")),
                when(data.get("full")),
                _Scan(
                    scan.get("token"),
                    datetime.fromisoformat(scan["started"]),
                    bool(scan.get("full")),
                    when(scan.get("stop")),
                )
                if scan
                else None,
            )
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            log.warning("unreadable Google cursor (%s); starting a full scan", exc)
            return cls()


def _when(record: ReviewRecord) -> datetime | None:
    return record.updated_at or record.created_at


class GoogleAdapter:
    platform = "google"

    def __init__(
        self, settings: GoogleSource, ctx: AdapterContext, secret: str, bucket: TokenBucket
    ) -> None:
        self.s = settings
        self.http = ctx.http
        self.now = ctx.now
        self.client_secret = secret
        self.bucket = bucket
        self.keeper: TokenKeeper | None = None
        self.account = settings.account
        self.base = settings.base_url or BASE_URL
        self.location = settings.location_name
        self.capabilities = Capabilities(
            can_reply=True,
            max_page_size=settings.page_size,
            reply_max_chars=settings.reply_max_chars,
            replaces_reply=True,  # updateReply is an upsert of the one reply
        )
        self.overlap = timedelta(days=settings.rescan_days)
        hours = settings.full_rescan_hours
        self.full_every = timedelta(hours=hours) if hours else None

    async def _call(self, method: str, url: str, **kwargs: Any) -> Any:
        async def attempt(token: str) -> Any:
            await self.bucket.acquire()
            return await self.http.request_json(
                method, url, headers={"Authorization": f"Bearer {token}"}, **kwargs
            )

        assert self.keeper is not None
        return await self.keeper.call(attempt)

    def _new_scan(self, state: _State, now: datetime) -> _Scan:
        full = state.high_water is None or (
            self.full_every is not None
            and (state.last_full is None or now - state.last_full >= self.full_every)
        )
        stop = None if full or state.high_water is None else state.high_water - self.overlap
        return _Scan(None, now, full, stop)

    async def fetch_page(self, cursor: str | None) -> Page:
        state = _State.load(cursor)
        scan = state.scan or self._new_scan(state, self.now())
        params = {"pageSize": str(self.s.page_size), "orderBy": "updateTime desc"}
        if scan.token:
            params["pageToken"] = scan.token
        body = await self._call("GET", f"{self.base}/v4/{self.location}/reviews", params=params)
        if not isinstance(body, dict):
            raise MalformedResponse("Google answered with something other than a JSON object")
        items = body.get("reviews") or []
        if not isinstance(items, list):
            raise MalformedResponse("Google answered with a `reviews` that is not a list")
        records, rejected = parse_items(items, parse_review)
        times = [t for r in records if (t := _when(r)) is not None]
        token = body.get("nextPageToken") or None
        reached = scan.stop_before is not None and bool(times) and min(times) < scan.stop_before
        if token and not reached:
            more = replace(state, scan=replace(scan, token=str(token)))
            return Page(records, more.dump(), True, rejected)
        # The next scan reads back to when this one started, less the overlap (late edits,
        # clock skew between us and Google).
        done = _State(
            high_water=max(t for t in (state.high_water, scan.started) if t is not None),
            last_full=scan.started if scan.full else state.last_full,
        )
        completed = (
            CompletedScan(scan.started, None, None, hide_after=self.s.hide_after_missed_scans)
            if scan.full and not token
            else None
        )
        return Page(records, done.dump(), False, rejected, completed)

    async def post_reply(self, external_id: str, text: str) -> ReplyReceipt:
        name = f"{self.location}/reviews/{quote(external_id, safe='')}"
        body = await self._call(
            "PUT", f"{self.base}/v4/{name}/reply", json_body={"comment": text}, idempotent=True
        )
        replied = parse_time(body.get("updateTime")) if isinstance(body, dict) else None
        return ReplyReceipt(external_id, replied or self.now())

    async def refresh(self, tokens: TokenSet) -> TokenSet:
        body = await self.http.request_json(
            "POST",
            self.s.token_url,
            form={
                "client_id": self.s.client_id,
                "client_secret": self.client_secret,
                "refresh_token": tokens.refresh_token or "",
                "grant_type": "refresh_token",
            },
            idempotent=False,
        )
        return token_set(body, self.now())

    async def check(self) -> str:
        body = await self._call(
            "GET", f"{self.base}/v4/{self.location}/reviews", params={"pageSize": "1"}
        )
        total = body.get("totalReviewCount") if isinstance(body, dict) else None
        return f"credentials accepted ({total if total is not None else '?'} review(s) in total)"


def build(settings: GoogleSource, ctx: AdapterContext) -> GoogleAdapter:
    secret = ctx.secret(settings.client_secret_env)
    refresh = ctx.secret(settings.refresh_token_env)
    adapter = GoogleAdapter(
        settings,
        ctx,
        secret,
        ctx.limits.bucket(f"google:{settings.client_id}", settings.requests_per_minute),
    )
    # One owner's grant covers all their locations: key the token by the grant itself.
    adapter.keeper = ctx.keepers.get(
        f"google:{settings.client_id}:{grant_id(refresh)}",
        adapter.refresh,
        seed=TokenSet(None, refresh),
        seed_secrets=(secret, refresh),
    )
    return adapter
