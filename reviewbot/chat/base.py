"""The notifier interface the outbox delivers alerts through."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import aiohttp

from reviewbot.chat.notices import Notice
from reviewbot.chat.pictures import Picture
from reviewbot.workflow.cards import AlertView

if TYPE_CHECKING:
    from reviewbot.workflow.thanks import View as BatchView


class DeliveryError(Exception):
    """Delivery failed; `retryable` says whether trying later may succeed, and
    `maybe_delivered` whether the far side may have taken it all the same (a request that
    went out and whose answer timed out): the next copy then says it may be a repeat."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool = True,
        retry_after: float | None = None,
        maybe_delivered: bool = False,
    ):
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after
        self.maybe_delivered = maybe_delivered


def sent_unanswered(exc: BaseException) -> bool:
    """Whether an aiohttp request that failed may have reached the service all the same:
    its answer timed out or the connection dropped after the request went out. Not a
    failure to connect (the client's `connect` timeout, a refused or unresolvable host):
    that request never left."""
    if isinstance(exc, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError):
        return False
    return isinstance(
        exc, TimeoutError | aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError
    )


def http_timeout(total: float) -> aiohttp.ClientTimeout:
    """A request's time limit, its connecting part apart (half of it), so a request that
    timed out connecting is known not to have reached the service (`sent_unanswered`)."""
    return aiohttp.ClientTimeout(total=total, connect=total / 2)


class Notifier(Protocol):
    name: str

    async def send_alert(self, alert: AlertView) -> dict[str, Any]:
        """Deliver one alert; returns a reference to the sent message, raises DeliveryError."""
        ...

    async def update_alert(self, alert: AlertView, ref: dict[str, Any]) -> dict[str, Any]:
        """Redraw a sent alert to show where the review stands now; returns the new ref."""
        ...

    async def update_batch(self, batch: BatchView, ref: dict[str, Any]) -> dict[str, Any]:
        """Redraw a /thanks page's message (`ref`: its chat_id and message_id) to show how
        its replies fared; returns the ref. Channels without /thanks have nothing to do."""
        ...

    async def send_notice(self, notice: Notice) -> dict[str, Any]:
        """Deliver a system message (an account needs re-authorising, a crisis page…)."""
        ...

    async def send_image(self, picture: Picture) -> dict[str, Any]:
        """Deliver an image with its caption (a digest chart), then its longer text if the
        caption cannot hold it; returns references to the sent messages."""
        ...
