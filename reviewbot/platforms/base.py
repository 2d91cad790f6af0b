"""The one contract every platform adapter fulfils, and the normalized review record.

The rest of reviewbot never sees HTTP or a platform's field names: an adapter turns a page
of the platform's reviews into `ReviewRecord`s and an opaque cursor, and posts a reply.
Platform failures are raised as one closed set of `PlatformError`s so the poller and the
outbox can decide between retrying, backing off and asking a human.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar, Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class FollowUp:
    """Text a customer appended to their review later (Meituan 追评, a Google edit note)."""

    text: str
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ItemFeedback:
    """What a review says about one dish: Meituan order details and liked/disliked dishes,
    Ele.me per-item ratings (with their pictures)."""

    name: str
    count: int | None = None
    rating: float | None = None
    text: str = ""
    liked: bool | None = None
    images: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name}
        for key in ("count", "rating", "liked"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        if self.text:
            data["text"] = self.text
        if self.images:
            data["images"] = list(self.images)
        return data


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
    sub_scores: Mapping[str, float] = field(default_factory=dict)
    items: tuple[ItemFeedback, ...] = ()
    tags: tuple[str, ...] = ()
    created_precision: str = "second"  # "day" | "minute" | "second": never sort days by time
    is_visible: bool = True  # False when the platform itself says the review is hidden
    origin: str = "poll"  # "poll" | "import": imported rows are never marked vanished

    def details(self) -> dict[str, Any]:
        """The structured extras kept beside the text (reviews.details)."""
        data: dict[str, Any] = {"precision": self.created_precision, "origin": self.origin}
        if self.sub_scores:
            data["sub_scores"] = dict(self.sub_scores)
        if self.items:
            data["items"] = [item.as_dict() for item in self.items]
        if self.tags:
            data["tags"] = list(self.tags)
        return data

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


def _fingerprint(record: ReviewRecord) -> tuple[Any, ...]:
    """Everything a record says, except where it was read from (raw, an export's row)."""
    return (
        record.content_hash,
        record.author,
        record.order_id,
        record.created_at,
        record.reply_text,
        record.images,
        sorted(record.sub_scores.items()),
    )


def distinct(
    records: Iterable[ReviewRecord],
) -> tuple[list[ReviewRecord], int, list[RejectedItem]]:
    """One record per external id, the first kept: (kept, exact repeats, conflicts).

    An exact repeat (an overlapping page, a row pasted twice) is counted; a repeat that
    says something else under the same id (Excel's 9.00720E+15 ids) is rejected, so it
    is quarantined rather than silently dropped or merged into another customer's review.
    """
    kept: dict[str, ReviewRecord] = {}
    repeats = 0
    conflicts: list[RejectedItem] = []
    for record in records:
        first = kept.get(record.external_id)
        if first is None:
            kept[record.external_id] = record
        elif _fingerprint(first) == _fingerprint(record):
            repeats += 1
        else:
            conflicts.append(
                RejectedItem(
                    dict(record.raw),
                    f"same id {record.external_id!r} as an earlier item, with other content",
                )
            )
    return list(kept.values()), repeats, conflicts


@dataclass(frozen=True, slots=True)
class CompletedScan:
    """A scan that read every page of a window to its end.

    Reviews of the source created inside [since, until) (None: unbounded) and not seen
    since `started_at` were absent from it; after `hide_after` such scans in a row they
    are marked hidden (never deleted).
    """

    started_at: datetime
    since: datetime | None
    until: datetime | None
    hide_after: int = 3


@dataclass(frozen=True, slots=True)
class Page:
    reviews: list[ReviewRecord]
    next_cursor: str | None
    has_more: bool
    rejected: list[RejectedItem] = field(default_factory=list)
    completed_scan: CompletedScan | None = None


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a platform allows; the speed window and the chat workflow honour these."""

    can_reply: bool
    freshness: timedelta = timedelta(0)
    lookback: timedelta | None = None
    max_page_size: int = 50
    reply_max_chars: int = 500
    # A new reply replaces the published one (Google's updateReply) instead of being
    # refused or stacked: a review changed after our answer can be answered again.
    replaces_reply: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The form stored on the source row, for components that never see the adapter."""
        return {
            "can_reply": self.can_reply,
            "freshness_seconds": int(self.freshness.total_seconds()),
            "lookback_days": self.lookback.days if self.lookback is not None else None,
            "max_page_size": self.max_page_size,
            "reply_max_chars": self.reply_max_chars,
            "replaces_reply": self.replaces_reply,
        }


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


class ReauthorizationRequired(AuthInvalid):
    """Refreshing the token failed or did not help: the merchant must authorise again."""

    code = "needs_reauth"


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


UNCERTAIN = frozenset({Unavailable.code, MalformedResponse.code})
"""Failure codes after which a call may still have been applied (a timeout, a 5xx, a
garbled answer): a non-idempotent reply must be checked before it is posted again."""


@runtime_checkable
class ReplyReader(Protocol):
    """Adapters whose reply POST is not idempotent (Meituan, Ele.me) and that can re-read
    a review's reply; the outbox asks before re-posting after an uncertain failure."""

    async def current_reply(self, external_id: str, created_at: datetime | None) -> str | None:
        """The reply the platform shows for the review now; None: none, or not found."""
        ...


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
