"""The adapter for the demo platform; the wire format is documented in `server.py`."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from reviewbot.platforms.base import (
    Capabilities,
    FollowUp,
    MalformedResponse,
    Page,
    ReplyReceipt,
    ReviewRecord,
)
from reviewbot.platforms.http import HttpClient
from reviewbot.platforms.normalize import (
    as_id,
    as_url,
    clean_text,
    parse_items,
    parse_rating,
    parse_time,
)

PAGE_SIZE = 50


def parse_review(item: Any) -> ReviewRecord:
    if not isinstance(item, dict):
        raise ValueError(f"review is a {type(item).__name__}, not an object")
    external_id = as_id(item.get("review_id"))
    if external_id is None:
        raise ValueError("review has no review_id")
    text, truncated = clean_text(item.get("content"))
    follow_ups: tuple[FollowUp, ...] = ()
    follow = item.get("follow_up")
    if isinstance(follow, dict) and follow.get("content"):
        follow_text, _ = clean_text(follow["content"])
        follow_ups = (FollowUp(follow_text, parse_time(follow.get("created_at"))),)
    reply = item.get("reply")
    reply_text = clean_text(reply.get("content"))[0] if isinstance(reply, dict) else ""
    images = item.get("images")
    return ReviewRecord(
        external_id=external_id,
        text=text,
        rating=parse_rating(item.get("stars")),
        created_at=parse_time(item.get("created_at")),
        updated_at=parse_time(item.get("updated_at")),
        author=clean_text(item.get("nickname"), limit=64)[0] or None,
        order_id=as_id(item.get("order_id")),
        follow_ups=follow_ups,
        images=tuple(str(url) for url in images) if isinstance(images, list) else (),
        reply_text=reply_text or None,
        text_truncated=truncated,
        url=as_url(item.get("url")),
        raw=item,
    )


def parse_page(body: Any, cursor: str | None) -> Page:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("reviews"), list):
        raise MalformedResponse("demo platform answered without data.reviews")
    reviews, rejected = parse_items(data["reviews"], parse_review)
    next_cursor = as_id(data.get("next_cursor")) or cursor
    return Page(reviews, next_cursor, bool(data.get("has_more")), rejected)


class DemoAdapter:
    platform = "demo"
    capabilities = Capabilities(can_reply=True, max_page_size=PAGE_SIZE, reply_max_chars=500)

    def __init__(self, http: HttpClient, base_url: str, account: str) -> None:
        self.http = http
        self.account = account
        self._shop_url = f"{base_url.rstrip('/')}/api/v1/shops/{quote(account, safe='')}"

    async def fetch_page(self, cursor: str | None) -> Page:
        body = await self.http.request_json(
            "GET",
            f"{self._shop_url}/reviews",
            params={"cursor": cursor or "0", "limit": str(PAGE_SIZE)},
        )
        return parse_page(body, cursor)

    async def post_reply(self, external_id: str, text: str) -> ReplyReceipt:
        body = await self.http.request_json(
            "POST",
            f"{self._shop_url}/reviews/{quote(external_id, safe='')}/reply",
            json_body={"content": text},
            idempotent=False,
        )
        data = body.get("data") if isinstance(body, dict) else None
        replied_at = parse_time(data.get("replied_at")) if isinstance(data, dict) else None
        return ReplyReceipt(external_id, replied_at)
