"""What every group robot shares: posting a signed JSON body to its webhook, reading the
service's answer (an errcode/code in a 200 body), and fitting cards and summaries into the
service's size limit.

Failures are told apart for the outbox: a rate-limit code is retried after a minute (the
queue behind it waits, then goes out merged); a bad key or signature is retried rarely and
said plainly, naming the setting to fix and never its value, so the alerts held meanwhile
go out once the owner fixes it; anything else is retried with the usual backoff.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import aiohttp

from reviewbot import logs
from reviewbot.chat.base import DeliveryError, http_timeout, sent_unanswered
from reviewbot.chat.notices import Notice
from reviewbot.chat.pictures import Picture
from reviewbot.chat.robots.text import (
    VALUE_UNITS,
    Card,
    alert_card,
    notice_title,
    plain,
    review_page,
    summary_line,
    summary_title,
)
from reviewbot.text import clip_utf16
from reviewbot.workflow.cards import AlertView

if TYPE_CHECKING:
    from reviewbot.workflow.thanks import View as BatchView

BAD_CREDENTIALS_RETRY = 300.0  # seconds: until the owner fixes the config, rarely


def user_id(text: str) -> bool:
    """Whether a configured user id can go into markup as it is (ids are word characters)."""
    return bool(text) and all(c.isalnum() or c in "_-." for c in text)


class RobotError(DeliveryError):
    """A robot's refusal, with the service's code (the outbox records it)."""

    def __init__(self, message: str, code: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.code = code


class Robot:
    """One group robot (one webhook). Subclasses sign and draw; this class posts."""

    kind: ClassVar[str]
    service: ClassVar[str]  # how the owner knows it, in log and health lines
    rate_limited: ClassVar[frozenset[int]]
    bad_credentials: ClassVar[dict[int, str]]  # code -> what to check
    limit: ClassVar[int]  # the size limit, in the units size() counts
    per_second: ClassVar[int | None] = None
    # The chat service whose user ids ([[people]]) its @-mentions use, if it has any.
    people_service: ClassVar[str | None] = None
    # Whether its thank-you batches carry buttons that post them (send_thanks).
    takes_batches: ClassVar[bool] = False
    # Whether the group's bot posts a card again on `/review 编号` (notices then say so).
    reposts: ClassVar[bool] = False
    # Whether its alert cards have buttons that act (a chat app), not only links.
    takes_taps: ClassVar[bool] = False
    # Seconds before trying again after a rate-limit answer (the services count a minute).
    rate_limit_retry: ClassVar[float] = 61.0

    def __init__(
        self,
        http: aiohttp.ClientSession,
        *,
        key: str,
        webhook: str,
        webhook_env: str,
        secret: str | None = None,
        secret_env: str | None = None,
        per_minute: int = 20,
        public_url: str | None = None,
        timeout: float = 15.0,
    ) -> None:
        self.http = http
        self.name = key
        self.webhook = webhook
        self.webhook_env = webhook_env
        self.secret = secret
        self.secret_env = secret_env
        self.per_minute = per_minute
        self.public_url = public_url
        self.timeout = http_timeout(timeout)

    # -- what subclasses provide -------------------------------------------------------

    def sign(self, url: str, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The URL and body to post, signed as the service documents (default: as is)."""
        return url, body

    def render_card(self, card: Card) -> dict[str, Any]:
        raise NotImplementedError

    def render_text(self, title: str, lines: list[str], urgent: bool) -> dict[str, Any]:
        raise NotImplementedError

    def render_summary(self, title: str, lines: list[tuple[str, str | None]]) -> dict[str, Any]:
        raise NotImplementedError

    def size(self, body: dict[str, Any]) -> int:
        """How much of the service's limit the body uses (default: JSON bytes)."""
        return len(json.dumps(body, ensure_ascii=False).encode())

    # -- the notifier interface ----------------------------------------------------------

    async def send_alert(self, alert: AlertView) -> dict[str, Any]:
        return await self._post(self._fit_card(alert))

    async def update_alert(self, alert: AlertView, ref: dict[str, Any]) -> dict[str, Any]:
        return ref  # a webhook message cannot be edited

    async def update_batch(self, batch: BatchView, ref: dict[str, Any]) -> dict[str, Any]:
        return ref  # /thanks pages live in chats with buttons

    def mention(self, user_id: str, name: str) -> str:
        """How the service's markdown calls a person (default: by name, no ping)."""
        return f"@{plain(name)}"

    def mentioned(self, body: dict[str, Any], notice: Notice) -> dict[str, Any]:
        """The body with whatever else the service needs to ping them (default: as is)."""
        return body

    def open_lines(self, review_ids: Sequence[int]) -> list[str]:
        """How a reader here gets to the reviews a notice is about: their web pages when
        the console is public, else their cards in the group (an app's have buttons)."""
        if not review_ids:
            return []
        pages = [(n, review_page(self.public_url, n)) for n in review_ids[:10]]
        if len(pages) == 1 and pages[0][1]:
            return [f"查看并处理：{pages[0][1]}"]
        if all(page for _, page in pages):
            return ["查看并处理：", *(f"#{n} {page}" for n, page in pages)]
        if self.takes_taps:
            numbers = "、".join(f"#{n}" for n in review_ids)
            again = f"（找不到卡片时 @我 发送 /review {review_ids[0]}）" if self.reposts else ""
            return [f"请在群里评价 {numbers} 的卡片上处理。{again}"]
        return []

    async def send_notice(self, notice: Notice) -> dict[str, Any]:
        lines = [plain(line) for line in notice.text.splitlines()]
        lines += self.open_lines(notice.review_ids)
        if notice.mentions:  # first: a long notice is cut at its end
            lines.insert(0, " ".join(self.mention(uid, name) for uid, name in notice.mentions))
        body = self._fit_text(notice_title(notice), lines, notice.level == "critical")
        return await self._post(self.mentioned(body, notice))

    async def send_thanks(self, notice: Notice, token: str) -> dict[str, Any]:
        """A thank-you batch with buttons carrying the batch's token (default: as text)."""
        return await self.send_notice(notice)

    async def send_image(self, picture: Picture) -> dict[str, Any]:
        """A webhook takes no uploaded picture here: the chart's words go as text."""
        caption = picture.caption.splitlines() or ["图表"]
        lines = caption[1:] + (picture.text.splitlines() if picture.text else [])
        return await self._post(self._fit_text(plain(caption[0]), [plain(x) for x in lines], False))

    async def send_summary(self, items: Sequence[AlertView | Notice]) -> dict[str, Any]:
        """As many of `items` (oldest first) as one message holds, merged into it; returns
        {"count": how many went}. The rest wait for the next message."""
        lines = [summary_line(item, self.public_url) for item in items]
        count, body = 1, self.render_summary(summary_title(1, self.per_minute), lines[:1])
        for n in range(2, len(lines) + 1):
            candidate = self.render_summary(summary_title(n, self.per_minute), lines[:n])
            if self.size(candidate) > self.limit:
                break
            count, body = n, candidate
        return {**await self._post(body), "count": count}

    # -- fitting and posting -------------------------------------------------------------

    def _fit_card(self, alert: AlertView) -> dict[str, Any]:
        card = alert_card(alert, self.public_url)
        body = self.render_card(card)
        units = VALUE_UNITS
        while self.size(body) > self.limit and units > 20:
            units //= 2
            lines = [(label, clip_utf16(value, units)) for label, value in card.lines]
            body = self.render_card(Card(card.title, lines, card.links, card.urgent))
        return body

    def _fit_text(self, title: str, lines: list[str], urgent: bool) -> dict[str, Any]:
        body = self.render_text(title, lines, urgent)
        while self.size(body) > self.limit and len(lines) > 1:
            lines = [*lines[: len(lines) // 2], "……（内容过长，已截断）"]
            body = self.render_text(title, lines, urgent)
        return body

    def _where(self) -> str:
        """The settings to check, by name (their values are secrets)."""
        return f"{self.webhook_env}" + (f" / {self.secret_env}" if self.secret_env else "")

    async def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        url, signed = self.sign(self.webhook, body)
        try:
            async with self.http.post(url, json=signed, timeout=self.timeout) as response:
                status = response.status
                text = await response.text()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise RobotError(
                logs.redact(f"{self.service} unreachable ({type(exc).__name__}: {exc})"),
                "network",
                maybe_delivered=sent_unanswered(exc),
            ) from None
        if status == 429 or status >= 500:
            raise RobotError(f"{self.service} answered HTTP {status}", f"http_{status}")
        try:
            answer = json.loads(text)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise RobotError(
                f"{self.service} answered HTTP {status} without a JSON body", f"http_{status}"
            )
        code = answer.get("errcode", answer.get("code", answer.get("StatusCode")))
        message = str(answer.get("errmsg") or answer.get("msg") or answer.get("StatusMessage"))
        if code == 0 and status == 200:
            return {"robot": self.kind}
        return self._refusal(code, logs.redact(message[:200]), status)

    def _refusal(self, code: Any, message: str, status: int) -> dict[str, Any]:
        if code in self.rate_limited:
            raise RobotError(
                f"{self.service} rate limit (code {code}: {message}); merged and sent later",
                f"rate_limit_{code}",
                retry_after=self.rate_limit_retry,
            )
        if code in self.bad_credentials:
            raise RobotError(
                f"{self.service} refused the robot's credentials (code {code}: {message}): "
                f"{self.bad_credentials[code]} ({self._where()}); alerts wait until it is fixed",
                f"credentials_{code}",
                retry_after=BAD_CREDENTIALS_RETRY,
            )
        raise RobotError(
            f"{self.service} refused the message (HTTP {status}, code {code}: {message})",
            f"refused_{code}",
        )
