"""A generic adapter for any HTTP JSON review feed, mapped to our record by configuration.

For platforms without an adapter of their own (a delivery aggregator, a chain's own app,
a scraper's output). Three cursor styles cover the feeds seen in practice:

- the feed returns its own next cursor (`next_cursor_path`, optionally `has_more_path`);
- we derive the cursor from the items, e.g. the largest id or update time (`cursor_field`);
- neither: every poll reads the first page whole, and deduplication does the rest.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from reviewbot.platforms.base import (
    Capabilities,
    FollowUp,
    MalformedResponse,
    Page,
    ReplyNotSupported,
    ReplyReceipt,
    ReviewRecord,
)
from reviewbot.platforms.http import HttpClient
from reviewbot.platforms.normalize import (
    as_id,
    clean_text,
    dig,
    parse_items,
    parse_rating,
    parse_time,
)
from reviewbot.sourceconfig import JsonFeedSource


def _cursor_key(value: Any) -> tuple[int, float | str]:
    """Orders numeric cursors numerically and everything else as text."""
    try:
        return (0, float(value))
    except (TypeError, ValueError):
        return (1, str(value))


class JsonFeedAdapter:
    platform = "jsonfeed"

    def __init__(self, http: HttpClient, settings: JsonFeedSource, auth_value: str | None) -> None:
        self.http = http
        self.settings = settings
        self.account = settings.account
        self.capabilities = Capabilities(
            can_reply=settings.reply_url is not None, max_page_size=settings.page_size
        )
        secret = settings.auth_prefix + auth_value if auth_value else None
        self._headers = {settings.auth_header: secret} if settings.auth_header and secret else {}
        self._auth_params = (
            {settings.auth_param: auth_value} if settings.auth_param and auth_value else {}
        )

    def parse_item(self, item: Any) -> ReviewRecord:
        s, f = self.settings, self.settings.fields
        if not isinstance(item, dict):
            raise ValueError(f"item is a {type(item).__name__}, not an object")
        external_id = as_id(dig(item, f.id))
        if external_id is None:
            raise ValueError(f"item has no id at {f.id!r}")
        text, truncated = clean_text(dig(item, f.text)) if f.text else ("", False)
        follow_ups: tuple[FollowUp, ...] = ()
        if f.follow_up and (follow := dig(item, f.follow_up)):
            follow_ups = (FollowUp(clean_text(follow)[0]),)
        images = dig(item, f.images) if f.images else None
        if isinstance(images, str):
            images = [part for part in images.split(",") if part.strip()]
        reply = dig(item, f.reply) if f.reply else None
        return ReviewRecord(
            external_id=external_id,
            text=text if f.text else None,
            rating=parse_rating(dig(item, f.rating), scale=s.rating_scale) if f.rating else None,
            created_at=parse_time(dig(item, f.created_at), s.timezone) if f.created_at else None,
            updated_at=parse_time(dig(item, f.updated_at), s.timezone) if f.updated_at else None,
            author=(clean_text(dig(item, f.author), limit=64)[0] or None) if f.author else None,
            order_id=as_id(dig(item, f.order_id)) if f.order_id else None,
            follow_ups=follow_ups,
            images=tuple(str(url).strip() for url in images) if isinstance(images, list) else (),
            reply_text=clean_text(reply)[0] if reply else None,
            url=str(dig(item, f.url)) if f.url and dig(item, f.url) else None,
            text_truncated=truncated,
            raw=item,
        )

    async def fetch_page(self, cursor: str | None) -> Page:
        s = self.settings
        params = {**s.params, **self._auth_params}
        if s.page_size_param:
            params[s.page_size_param] = str(s.page_size)
        if s.cursor_param and cursor is not None:
            params[s.cursor_param] = cursor
        body = await self.http.request_json("GET", s.url, params=params, headers=self._headers)
        items = dig(body, s.items_path)
        if not isinstance(items, list):
            where = s.items_path or "the top level"
            raise MalformedResponse(f"feed answered without a list of items at {where}")
        reviews, rejected = parse_items(items, self.parse_item)
        return Page(reviews, *self._next(body, items, cursor), rejected)

    def _next(self, body: Any, items: list[Any], cursor: str | None) -> tuple[str | None, bool]:
        s = self.settings
        if s.next_cursor_path:
            next_cursor = as_id(dig(body, s.next_cursor_path))
            if s.has_more_path:
                has_more = bool(dig(body, s.has_more_path))
            else:
                has_more = bool(items) and next_cursor not in (None, cursor)
            return (next_cursor or cursor), has_more and next_cursor is not None
        if s.cursor_field:
            values = [v for item in items if (v := dig(item, s.cursor_field)) is not None]
            if not values:
                return cursor, False
            next_cursor = as_id(max(values, key=_cursor_key))
            full = len(items) >= s.page_size
            if full and next_cursor == cursor:
                # The feed reads its cursor inclusively (as it must, or reviews sharing the
                # last value are skipped): a full page of one value can never be passed.
                raise MalformedResponse(
                    f"a full page of {len(items)} items all have {s.cursor_field} = {cursor}: "
                    f"the cursor cannot move past them; raise page_size above {len(items)} "
                    "or use the feed's own cursor (next_cursor_path)"
                )
            return next_cursor, full and next_cursor != cursor
        return None, False

    async def post_reply(self, external_id: str, text: str) -> ReplyReceipt:
        if self.settings.reply_url is None:
            raise ReplyNotSupported(f"jsonfeed {self.account} has no reply_url configured")
        await self.http.request_json(
            "POST",
            self.settings.reply_url.replace("{id}", quote(external_id, safe="")),
            params=self._auth_params or None,
            json_body={self.settings.reply_text_field: text},
            headers=self._headers,
            idempotent=False,
        )
        return ReplyReceipt(external_id)
