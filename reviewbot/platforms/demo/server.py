"""The demo platform: a review site simulator served over real HTTP.

It behaves like the platforms reviewbot polls — a paginated, cursor-ordered review feed
per shop, a reply endpoint that accepts one reply per review, customers who come back
and append to their review — and it can misbehave on request (5xx, 429 with Retry-After,
malformed JSON, slow answers, invalid UTF-8), so the whole loop can be seen and tested
without an account anywhere.

Wire format (all JSON, times in ISO 8601 with the +08:00 offset):

    GET  /api/v1/shops/{shop}/reviews?cursor=SEQ&limit=N      (1 ≤ N ≤ 50)
         → {"code": 0, "data": {"reviews": [Review…], "next_cursor": "SEQ", "has_more": bool}}
    POST /api/v1/shops/{shop}/reviews/{review_id}/reply   {"content": "…"}
         → {"code": 0, "data": {"review_id": …, "replied_at": …}}
           409 when a different reply is already published (one reply per review)

    Review = {"review_id", "seq", "order_id" | null, "nickname", "stars" 1-5, "content",
              "channel": "delivery" | "dine_in", "created_at", "updated_at",
              "follow_up": {"content", "created_at"} | null, "images": [url…],
              "reply": {"content", "replied_at"} | null, "url"}

    GET  /shops/{shop}/reviews/{review_id}   the review's own page (its "url"), in HTML

The cursor is the sequence number of the last change returned: a review that is edited
or gets a follow-up moves to the end of the feed, as "changed since" feeds do. Sequence
numbers follow the simulator's clock (milliseconds since the epoch, one more when two
changes share a millisecond), so a restarted simulator continues after every cursor an
earlier run handed out and never reuses a review id.
Control endpoints under /_control/ let an operator or a test add reviews and faults; every
list request is remembered (`DemoPlatform.list_requests`) so tests can see the cursors sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape
from typing import Any, Literal
from urllib.parse import quote
from zoneinfo import ZoneInfo

from aiohttp import web

from reviewbot.platforms.demo.corpus import Corpus, CorpusReview, load_corpus
from reviewbot.safejson import json_bytes

log = logging.getLogger(__name__)

BEIJING = ZoneInfo("Asia/Shanghai")
MAX_PAGE = 50
MAX_REPLY_CHARS = 500
IMAGE_BASE = "https://img.demo.reviewbot.invalid"

FaultKind = Literal["status", "rate_limit", "malformed", "delay", "bad_utf8"]


@dataclass(slots=True)
class Fault:
    """One misbehaviour, consumed by the next request it applies to."""

    kind: FaultKind
    status: int = 500
    retry_after: float = 1.0
    delay: float = 30.0
    target: Literal["list", "reply", "any"] = "list"


@dataclass(slots=True)
class DemoReview:
    review_id: str
    shop_id: str
    seq: int
    order_id: str | None
    nickname: str
    stars: int
    content: str
    channel: str
    created_at: datetime
    updated_at: datetime
    follow_up: str | None = None
    follow_up_at: datetime | None = None
    images: list[str] = field(default_factory=list)
    reply: str | None = None
    replied_at: datetime | None = None
    pending_follow_up: str | None = None
    follow_up_due: datetime | None = None

    def to_wire(self, origin: str = "") -> dict[str, Any]:
        """The review as the feed serves it; `origin` (scheme://host:port) makes its url."""
        return {
            "url": f"{origin}/shops/{quote(self.shop_id)}/reviews/{quote(self.review_id)}",
            "review_id": self.review_id,
            "seq": self.seq,
            "order_id": self.order_id,
            "nickname": self.nickname,
            "stars": self.stars,
            "content": self.content,
            "channel": self.channel,
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "updated_at": self.updated_at.isoformat(timespec="seconds"),
            "follow_up": None
            if self.follow_up is None
            else {
                "content": self.follow_up,
                "created_at": self.follow_up_at.isoformat(timespec="seconds")
                if self.follow_up_at
                else None,
            },
            "images": list(self.images),
            "reply": None
            if self.reply is None
            else {
                "content": self.reply,
                "replied_at": self.replied_at.isoformat(timespec="seconds")
                if self.replied_at
                else None,
            },
        }


@dataclass(frozen=True, slots=True)
class ListRequest:
    """One request for a shop's feed: the cursor it carried and how many reviews it got."""

    shop_id: str
    cursor: str | None
    served: int


@dataclass(frozen=True, slots=True)
class ReceivedReply:
    shop_id: str
    review_id: str
    content: str
    at: datetime


class DemoPlatform:
    """The simulator's state: shops, their reviews, replies received and pending faults."""

    def __init__(
        self,
        corpus: Corpus | None = None,
        *,
        seed: int | None = None,
        reviews_per_minute: float = 6.0,
        backlog: int = 8,
        follow_up_probability: float = 0.3,
        fault_rate: float = 0.0,
        clock: Callable[[], datetime] = lambda: datetime.now(BEIJING),
    ) -> None:
        self.corpus = corpus or load_corpus()
        self.rng = random.Random(seed)
        self.reviews_per_minute = reviews_per_minute
        self.backlog = backlog
        self.follow_up_probability = follow_up_probability
        self.fault_rate = fault_rate
        self.clock = clock
        self.shops: dict[str, list[DemoReview]] = {}
        self.by_id: dict[str, DemoReview] = {}
        self.replies: list[ReceivedReply] = []
        self.faults: deque[Fault] = deque()
        self.requests = 0
        self.list_requests: deque[ListRequest] = deque(maxlen=1000)
        self._seq = 0

    # -- shops and reviews -------------------------------------------------

    def ensure_shop(self, shop_id: str) -> list[DemoReview]:
        """A shop appears the first time it is asked for, with a backlog of older reviews."""
        if shop_id not in self.shops:
            self.shops[shop_id] = []
            now = self.clock()
            for i in range(self.backlog):
                age = timedelta(hours=(self.backlog - i) * self.rng.uniform(1, 6))
                self._add_from_corpus(shop_id, now - age)
        return self.shops[shop_id]

    def _next_seq(self) -> int:
        self._seq = max(self._seq + 1, int(self.clock().timestamp() * 1000))
        return self._seq

    def _add_from_corpus(self, shop_id: str, when: datetime) -> DemoReview:
        item: CorpusReview = self.rng.choice(self.corpus.reviews)
        review = self.add_review(
            shop_id,
            item.text,
            item.rating,
            channel=item.channel,
            when=when,
            images=self.rng.random() < 0.2,
        )
        if item.follow_up and self.rng.random() < self.follow_up_probability:
            review.pending_follow_up = item.follow_up
            review.follow_up_due = when + timedelta(seconds=self.rng.uniform(10, 120))
        return review

    def add_review(
        self,
        shop_id: str,
        content: str,
        stars: int,
        *,
        channel: str = "delivery",
        nickname: str | None = None,
        anonymous: bool | None = None,
        images: bool = False,
        when: datetime | None = None,
        review_id: str | None = None,
    ) -> DemoReview:
        self.ensure_shop(shop_id)
        when = when or self.clock()
        seq = self._next_seq()
        if anonymous is None:
            anonymous = self.rng.random() < 0.1
        review = DemoReview(
            review_id=review_id or f"{shop_id}-{seq:07d}",
            shop_id=shop_id,
            seq=seq,
            order_id=None if anonymous else f"DM{when:%Y%m%d}{self.rng.randrange(10**7):07d}",
            nickname="匿名用户"
            if anonymous
            else (nickname or self.rng.choice(self.corpus.nicknames)),
            stars=stars,
            content=content,
            channel=channel,
            created_at=when,
            updated_at=when,
            images=[
                f"{IMAGE_BASE}/{shop_id}/{seq}-{n}.jpg"
                for n in range(self.rng.randint(1, 3) if images else 0)
            ],
        )
        self.shops[shop_id].append(review)
        self.by_id[review.review_id] = review
        return review

    def _touch(self, review: DemoReview, when: datetime) -> None:
        review.seq = self._next_seq()
        review.updated_at = when
        shop = self.shops[review.shop_id]
        shop.remove(review)
        shop.append(review)

    def add_follow_up(self, review_id: str, content: str) -> DemoReview:
        review = self.by_id[review_id]
        now = self.clock()
        review.follow_up = content if review.follow_up is None else f"{review.follow_up}\n{content}"
        review.follow_up_at = now
        self._touch(review, now)
        return review

    def edit_review(
        self, review_id: str, *, content: str | None = None, stars: int | None = None
    ) -> DemoReview:
        review = self.by_id[review_id]
        if content is not None:
            review.content = content
        if stars is not None:
            review.stars = stars
        self._touch(review, self.clock())
        return review

    def tick(self, seconds: float) -> int:
        """Advance the simulation: new reviews arrive as a Poisson process, and customers
        who were going to come back append their follow-up. Returns how many arrived."""
        arrived = 0
        mean = self.reviews_per_minute * seconds / 60.0
        now = self.clock()
        for shop_id, reviews in list(self.shops.items()):
            for review in [r for r in reviews if r.follow_up_due and r.follow_up_due <= now]:
                text, review.pending_follow_up, review.follow_up_due = (
                    review.pending_follow_up,
                    None,
                    None,
                )
                self.add_follow_up(review.review_id, text or "")
            for _ in range(self._poisson(mean)):
                self._add_from_corpus(shop_id, now)
                arrived += 1
        return arrived

    def _poisson(self, mean: float) -> int:
        if mean <= 0:
            return 0
        limit, k, product = math.exp(-mean), 0, self.rng.random()
        while product > limit:
            k += 1
            product *= self.rng.random()
        return k

    # -- the feed and replies ---------------------------------------------------

    def page(self, shop_id: str, cursor: int, limit: int) -> tuple[list[DemoReview], int, bool]:
        changed = [r for r in self.ensure_shop(shop_id) if r.seq > cursor]
        batch = changed[:limit]
        next_cursor = batch[-1].seq if batch else cursor
        return batch, next_cursor, len(changed) > limit

    def reply(self, shop_id: str, review_id: str, content: str) -> DemoReview:
        review = self.by_id.get(review_id)
        if review is None or review.shop_id != shop_id:
            raise KeyError(review_id)
        if review.reply is not None and review.reply != content:
            raise ValueError("already replied")
        if review.reply is None:
            review.reply = content
            review.replied_at = self.clock()
            self.replies.append(ReceivedReply(shop_id, review_id, content, review.replied_at))
        return review

    def take_fault(self, target: Literal["list", "reply"]) -> Fault | None:
        if self.faults and self.faults[0].target in (target, "any"):
            return self.faults.popleft()
        if self.fault_rate and self.rng.random() < self.fault_rate:
            kind = self.rng.choice(["status", "rate_limit", "malformed"])
            return Fault(
                kind=kind, status=self.rng.choice([500, 502, 503]), retry_after=1.0, target=target
            )
        return None


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=json_bytes(data),  # a review added with a lone surrogate is still served
        status=status,
        content_type="application/json",
        charset="utf-8",
        headers=headers,
    )


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return _json({"code": status, "message": message}, status=status, headers=headers)


async def _apply_fault(fault: Fault | None, payload: dict[str, Any]) -> web.Response | None:
    if fault is None:
        return None
    if fault.kind == "status":
        return _error(fault.status, "simulated server error")
    if fault.kind == "rate_limit":
        return _error(429, "too many requests", {"Retry-After": f"{fault.retry_after:g}"})
    if fault.kind == "malformed":
        return web.Response(
            body=b'{"code": 0, "data": {"reviews": [{"review_id": ',
            status=200,
            content_type="application/json",
        )
    if fault.kind == "delay":
        await asyncio.sleep(fault.delay)
        return None
    if fault.kind == "bad_utf8":
        body = json_bytes(payload).replace(b'"content": "', b'"content": "\xff\xfe', 1)
        return web.Response(body=body, status=200, content_type="application/json")
    return None


def build_app(platform: DemoPlatform) -> web.Application:
    routes = web.RouteTableDef()

    @routes.get("/api/v1/shops/{shop}/reviews")
    async def list_reviews(request: web.Request) -> web.Response:
        platform.requests += 1
        shop = request.match_info["shop"]
        try:
            cursor = int(request.query.get("cursor", "0") or 0)
            limit = int(request.query.get("limit", "20"))
        except ValueError:
            return _error(400, "cursor and limit must be integers")
        if not 1 <= limit <= MAX_PAGE:
            return _error(400, f"limit must be between 1 and {MAX_PAGE}")
        batch, next_cursor, has_more = platform.page(shop, cursor, limit)
        platform.list_requests.append(ListRequest(shop, request.query.get("cursor"), len(batch)))
        payload = {
            "code": 0,
            "data": {
                "reviews": [r.to_wire(str(request.url.origin())) for r in batch],
                "next_cursor": str(next_cursor),
                "has_more": has_more,
            },
        }
        faulty = await _apply_fault(platform.take_fault("list"), payload)
        return faulty or _json(payload)

    @routes.post("/api/v1/shops/{shop}/reviews/{review_id}/reply")
    async def post_reply(request: web.Request) -> web.Response:
        platform.requests += 1
        faulty = await _apply_fault(platform.take_fault("reply"), {})
        if faulty is not None:
            return faulty
        try:
            body = await request.json()
            content = body["content"]
        except (ValueError, KeyError, TypeError):
            return _error(400, 'expected a JSON body {"content": "…"}')
        if not isinstance(content, str) or not content.strip():
            return _error(400, "reply content must be a non-empty string")
        if len(content) > MAX_REPLY_CHARS:
            return _error(400, f"reply longer than {MAX_REPLY_CHARS} characters")
        try:
            review = platform.reply(
                request.match_info["shop"], request.match_info["review_id"], content
            )
        except KeyError:
            return _error(404, "no such review")
        except ValueError:
            return _error(409, "this review already has a different reply")
        return _json(
            {
                "code": 0,
                "data": {
                    "review_id": review.review_id,
                    "replied_at": review.replied_at.isoformat(timespec="seconds")
                    if review.replied_at
                    else None,
                },
            }
        )

    @routes.get("/shops/{shop}/reviews/{review_id}")
    async def review_page(request: web.Request) -> web.Response:
        """What a person opening a card's link sees: the review on the platform."""
        review = platform.by_id.get(request.match_info["review_id"])
        if review is None or review.shop_id != request.match_info["shop"]:
            return web.Response(status=404, text="no such review")
        reply = f"<p>商家回复：{escape(review.reply)}</p>" if review.reply else ""
        return web.Response(
            text=f"<!doctype html><meta charset=utf-8><title>演示平台 · 评价</title>"
            f"<p>{'★' * review.stars}{'☆' * (5 - review.stars)} {escape(review.nickname or '')}</p>"
            f"<p>{escape(review.content)}</p>{reply}",
            content_type="text/html",
        )

    @routes.post("/_control/reviews")
    async def control_add(request: web.Request) -> web.Response:
        body = await request.json()
        review = platform.add_review(
            str(body["shop_id"]),
            str(body.get("content", "")),
            int(body.get("stars", 1)),
            channel=str(body.get("channel", "delivery")),
            nickname=body.get("nickname"),
        )
        return _json(review.to_wire(), status=201)

    @routes.post("/_control/reviews/{review_id}/follow_up")
    async def control_follow_up(request: web.Request) -> web.Response:
        body = await request.json()
        try:
            review = platform.add_follow_up(request.match_info["review_id"], str(body["content"]))
        except KeyError:
            return _error(404, "no such review")
        return _json(review.to_wire())

    @routes.post("/_control/faults")
    async def control_faults(request: web.Request) -> web.Response:
        body = await request.json()
        for item in body.get("faults", []):
            platform.faults.append(Fault(**item))
        return _json({"queued": len(platform.faults)})

    @routes.get("/_control/replies")
    async def control_replies(request: web.Request) -> web.Response:
        return _json(
            [
                {
                    "shop_id": r.shop_id,
                    "review_id": r.review_id,
                    "content": r.content,
                    "at": r.at.isoformat(timespec="seconds"),
                }
                for r in platform.replies
            ]
        )

    app = web.Application()
    app.add_routes(routes)
    return app


class DemoServer:
    """Runs a DemoPlatform on a local port, generating reviews in the background."""

    def __init__(
        self,
        platform: DemoPlatform,
        host: str = "127.0.0.1",
        port: int = 0,
        tick_seconds: float = 0.5,
    ) -> None:
        self.platform = platform
        self.host = host
        self.port = port
        self.tick_seconds = tick_seconds
        self._runner: web.AppRunner | None = None
        self._ticker: asyncio.Task[None] | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> str:
        self._runner = web.AppRunner(build_app(self.platform), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = self._runner.addresses[0][1]
        self._ticker = asyncio.create_task(self._generate(), name="demo-platform")
        log.info("demo platform serving on %s", self.base_url)
        return self.base_url

    async def _generate(self) -> None:
        while True:
            await asyncio.sleep(self.tick_seconds)
            self.platform.tick(self.tick_seconds)

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
        if self._runner is not None:
            await self._runner.cleanup()
