"""Log hygiene: no secret reaches a log line, whatever library wrote it.

The Telegram Bot API puts the bot token in every request URL, and libraries log URLs
(httpx at INFO, python-telegram-bot at DEBUG) or put the token in exception messages. A
filter on the log handlers replaces every secret the configuration resolved, and anything
shaped like a bot token, before a record is written anywhere.

The same goes for review data in database errors: the engine hides statement parameters,
but asyncpg repeats a value it could not encode in its own message ("invalid input for
query argument $3: '…'"), which would reach the log and a source's `last_error`.
"""

from __future__ import annotations

import logging
import re

REDACTED = "<redacted>"
# `bot<digits>:<secret>` as in Bot API URLs, and a bare token (digits, colon, a long secret).
_TOKEN_PATTERNS = (
    re.compile(r"bot\d+:[^\s/\"'`]+"),
    re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}"),
)
# A driver's message quoting the value it refused, up to its closing "(reason)".
_ARGUMENT_VALUE = re.compile(r"(query argument \$\d+: ).*?( \([^()]*\))?$", re.MULTILINE)
VALUE_HIDDEN = "<value hidden>"
_MIN_SECRET = 6  # shorter values would blank out ordinary words and numbers
_secrets: set[str] = set()


def hide(secret: str) -> None:
    """Never log this value (called for every secret the configuration resolves)."""
    if len(secret) >= _MIN_SECRET:
        _secrets.add(secret)


def unhide(secret: str) -> None:
    """Forget a secret that is no longer valid (a refreshed token's predecessor), so the
    set does not grow with every refresh."""
    _secrets.discard(secret)


def redact(text: str) -> str:
    """`text` without any known secret, anything shaped like a bot token, or a value a
    database driver quoted."""
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    text = _TOKEN_PATTERNS[0].sub(f"bot{REDACTED}", text)
    text = _ARGUMENT_VALUE.sub(lambda m: f"{m[1]}{VALUE_HIDDEN}{m[2] or ''}", text)
    return _TOKEN_PATTERNS[1].sub(REDACTED, text)


class RedactSecrets(logging.Filter):
    """Rewrites a record's message and traceback text with secrets removed."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: leave it to the handler's own error path
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


REDACT_SECRETS = RedactSecrets()


def install(logger: logging.Logger | None = None) -> None:
    """Put the redaction on every handler of `logger` (the root logger by default)."""
    for handler in (logger or logging.getLogger()).handlers:
        handler.addFilter(REDACT_SECRETS)
