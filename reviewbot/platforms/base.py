"""The one contract every platform adapter fulfils, and the normalized review record.

The rest of reviewbot never sees HTTP or a platform's field names: an adapter turns a page
of the platform's reviews into `ReviewRecord`s and an opaque cursor, and posts a reply.
Platform failures are raised as one closed set of `PlatformError`s so the poller and the
outbox can decide between retrying, backing off and asking a human.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar, Protocol


@dataclass(frozen=True, slots=True)
class FollowUp:
    """Text a customer appended to their review later (Meituan 追评, a Google edit note)."""

    text: str
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """A review as one platform shows it now, normalized; `raw` keeps the original payload.

    `text` is None when the platform does not expose text at all and "" when the customer
    left none (star-only), so rules can tell the two apart.
    """

    external_id: str
    text: str | None
    rating: float | None
    created_at: datetime | None
    author: str | None = None
    order_id: str | None = None
    updated_at: datetime | None = None
    follow_ups: tuple[FollowUp, ...] = ()
    images: tuple[str, ...] = ()
    reply_text: str | None = None
    url: str | None = None
    text_truncated: bool = False
    raw: Mapping[str, Any] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        """Changes exactly when what the customer said changes (text, rating, follow-ups)."""
        material = json.dumps(
            [self.text, self.rating, [f.text for f in self.follow_ups]],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class RejectedItem:
    """An item of a page that could not be normalized; it is quarantined, never dropped."""

    raw: Any
    reason: str


@dataclass(frozen=True, slots=True)
class Page:
    reviews: list[ReviewRecord]
    next_cursor: str | None
    has_more: bool
    rejected: list[RejectedItem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a platform allows; the speed window and the chat workflow honour these."""

    can_reply: bool
    freshness: timedelta = timedelta(0)
    lookback: timedelta | None = None
    max_page_size: int = 50
    reply_max_chars: int = 500


@dataclass(frozen=True, slots=True)
class ReplyReceipt:
    external_id: str
    replied_at: datetime | None = None
    platform_ref: str | None = None


class PlatformError(Exception):
    """Base of the closed error set; `retryable` says whether trying again may succeed."""

    retryable: ClassVar[bool] = False
    code: ClassVar[str] = "platform_error"

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(PlatformError):
    """5xx, timeouts, refused connections: the platform may be back in a moment."""

    retryable = True
    code = "unavailable"


class RateLimited(PlatformError):
    retryable = True
    code = "rate_limited"


class MalformedResponse(PlatformError):
    """The body was not the JSON we expect; often a proxy error page, so worth a retry."""

    retryable = True
    code = "malformed_response"


class AuthExpired(PlatformError):
    code = "auth_expired"


class AuthInvalid(PlatformError):
    code = "auth_invalid"


class SignatureInvalid(PlatformError):
    code = "signature_invalid"


class NotFound(PlatformError):
    code = "not_found"


class ValidationFailed(PlatformError):
    code = "validation_failed"


class ContentRejected(PlatformError):
    """The platform refused the reply text (sensitive words, length): a human must edit it."""

    code = "content_rejected"


class AlreadyReplied(PlatformError):
    code = "already_replied"


class ReplyNotSupported(PlatformError):
    code = "reply_not_supported"


class PlatformAdapter(Protocol):
    """One platform account. Adapters hold no database state: the cursor is passed in."""

    platform: str
    account: str
    capabilities: Capabilities

    async def fetch_page(self, cursor: str | None) -> Page:
        """Reviews created or changed after `cursor` (None: from the start), oldest first."""
        ...

    async def post_reply(self, external_id: str, text: str) -> ReplyReceipt:
        """Publish the merchant's reply; raises AlreadyReplied, ContentRejected, …"""
        ...
