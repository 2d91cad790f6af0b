"""Mapping platform error signals to our closed error set, as data.

Each adapter has a table of the codes its platform documents. For codes nobody has
documented (Meituan's new gateway, Dianping's router), the operator can map codes in the
config (`error_codes`), and otherwise the message is matched against the hints below:
the platforms' own wording for the cases that change what we do next.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from reviewbot.platforms.base import (
    AlreadyReplied,
    AuthExpired,
    AuthInvalid,
    ContentRejected,
    NotFound,
    PlatformError,
    RateLimited,
    SignatureInvalid,
    Unavailable,
    ValidationFailed,
)

ErrorKind = Literal[
    "auth_expired",
    "auth_invalid",
    "signature_invalid",
    "rate_limited",
    "not_found",
    "validation_failed",
    "content_rejected",
    "already_replied",
    "unavailable",
    "platform_error",
]

KINDS: dict[str, type[PlatformError]] = {
    "auth_expired": AuthExpired,
    "auth_invalid": AuthInvalid,
    "signature_invalid": SignatureInvalid,
    "rate_limited": RateLimited,
    "not_found": NotFound,
    "validation_failed": ValidationFailed,
    "content_rejected": ContentRejected,
    "already_replied": AlreadyReplied,
    "unavailable": Unavailable,
    "platform_error": PlatformError,
}

# (all of these words, lower-cased) → error; the first match wins.
MESSAGE_HINTS: tuple[tuple[tuple[str, ...], type[PlatformError]], ...] = (
    (("签名",), SignatureInvalid),
    (("signature",), SignatureInvalid),
    (("token", "过期"), AuthExpired),
    (("token", "失效"), AuthExpired),
    (("session", "过期"), AuthExpired),
    (("session", "失效"), AuthExpired),
    (("授权", "过期"), AuthExpired),
    (("token", "expired"), AuthExpired),
    (("token", "无效"), AuthInvalid),
    (("session", "无效"), AuthInvalid),
    (("授权", "取消"), AuthInvalid),
    (("频繁",), RateLimited),
    (("限流",), RateLimited),
    (("rate limit",), RateLimited),
    (("敏感词",), ContentRejected),
    (("违规",), ContentRejected),
    (("已回复",), AlreadyReplied),
    (("不存在",), NotFound),
)


def from_message(message: str) -> type[PlatformError] | None:
    text = message.lower()
    for words, error in MESSAGE_HINTS:
        if all(word in text for word in words):
            return error
    return None


def platform_error(
    code: object,
    message: str,
    *,
    known: Mapping[str, type[PlatformError]],
    configured: Mapping[str, str] | None = None,
    prefix: str,
    unknown: type[PlatformError] = PlatformError,
) -> PlatformError:
    """The error for a platform's (code, message): configured, documented, hinted, or
    `unknown` when nothing says what the code means."""
    key = str(code)
    kind = (configured or {}).get(key)
    error = KINDS[kind] if kind else known.get(key) or from_message(message) or unknown
    return error(f"{prefix} {key}: {message}".strip())
