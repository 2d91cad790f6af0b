"""Access tokens that expire: refreshed once under a per-credential lock, persisted, and
handed to a human when refreshing does not help.

The rules, from what the platforms do (Meituan 4001, Ele.me UNAUTHORIZED, Dianping's
limited `remain_refresh_count`, Google's one-hour tokens):

- a call that fails with AuthExpired refreshes the token and is retried exactly once;
- coroutines sharing a credential refresh it once: whoever waited on the lock finds a
  token newer than the one that failed and uses it (across replicas a lease does the same);
- if the refresh is refused, or the retry fails again, the credential is marked "needs
  re-authorisation" and every later call fails fast with ReauthorizationRequired, without
  touching the platform, until the configured secrets change;
- refreshed tokens are written to the database (never to a log), so a restart does not
  throw away a rotated refresh token.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from reviewbot import logs
from reviewbot.platforms.base import (
    AuthExpired,
    AuthInvalid,
    ReauthorizationRequired,
    Unavailable,
    ValidationFailed,
)

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class TokenSet:
    access_token: str | None
    refresh_token: str | None = None
    expires_at: datetime | None = None
    remain_refresh_count: int | None = None
    needs_reauth: bool = False
    reason: str | None = None

    def __repr__(self) -> str:  # tokens never end up in a log or a traceback
        return (
            f"TokenSet(access_token={'…' if self.access_token else None}, "
            f"expires_at={self.expires_at}, needs_reauth={self.needs_reauth})"
        )


def grant_id(secret: str) -> str:
    """A short, irreversible name for one merchant grant (its refresh token or session).

    Tokens are keyed by the grant, not by the shop: one Ele.me ISV authorisation or one
    Dianping session covers all the shops of a merchant, and keepers per shop would each
    spend the same single-use refresh token, locking out every shop but the first.
    """
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()[:16]


def seed_hash(*secrets: str | None) -> str:
    """A fingerprint of the configured secrets (not reversible, safe to store)."""
    material = "\x1f".join(secret or "" for secret in secrets)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


class CredentialStore(Protocol):
    async def load(self, key: str, seed: str) -> TokenSet | None:
        """The stored tokens grown from `seed`; None if absent or grown from other secrets."""
        ...

    async def save(self, key: str, seed: str, tokens: TokenSet, now: datetime) -> None: ...

    def exclusive(self, key: str) -> AsyncIterator[None]:
        """Held while refreshing, so two replicas do not both spend a refresh token."""
        ...


class MemoryCredentialStore:
    """For one process without a database (tests, `sources check` dry runs)."""

    def __init__(self) -> None:
        self.rows: dict[str, tuple[str, TokenSet]] = {}

    async def load(self, key: str, seed: str) -> TokenSet | None:
        row = self.rows.get(key)
        return row[1] if row and row[0] == seed else None

    async def save(self, key: str, seed: str, tokens: TokenSet, now: datetime) -> None:
        self.rows[key] = (seed, tokens)

    @asynccontextmanager
    async def exclusive(self, key: str) -> AsyncIterator[None]:
        yield


Refresher = Callable[[TokenSet], Awaitable[TokenSet]]
"""Given the current tokens (with the refresh token, if any), obtain new ones."""


class TokenKeeper:
    """The access token of one credential, shared by every adapter using it."""

    def __init__(
        self,
        key: str,
        store: CredentialStore,
        refresher: Refresher | None,
        *,
        seed: TokenSet,
        seed_secrets: tuple[str | None, ...],
        now: Callable[[], datetime],
        early: timedelta = timedelta(seconds=120),
    ) -> None:
        self.key = key
        self.store = store
        self.refresher = refresher
        self.seed = seed
        self.seed_hash = seed_hash(key, *seed_secrets)
        self.now = now
        self.early = early
        self._lock = asyncio.Lock()

    async def current(self) -> TokenSet:
        stored = await self.store.load(self.key, self.seed_hash)
        tokens = stored if stored is not None else self.seed
        _hide(tokens)
        return tokens

    def _usable(self, tokens: TokenSet) -> bool:
        if not tokens.access_token:
            return False
        return tokens.expires_at is None or tokens.expires_at - self.early > self.now()

    async def access_token(self) -> str:
        tokens = await self.current()
        if tokens.needs_reauth:
            raise ReauthorizationRequired(
                f"{self.key}: the merchant must authorise again ({tokens.reason})"
            )
        if self._usable(tokens):
            assert tokens.access_token is not None
            return tokens.access_token
        return await self.refresh(stale=tokens.access_token)

    async def refresh(self, stale: str | None) -> str:
        """A fresh token: refreshed here, or by whoever held the lock while we waited."""
        async with self._lock, self.store.exclusive(self.key):
            tokens = await self.current()
            if tokens.needs_reauth:
                raise ReauthorizationRequired(
                    f"{self.key}: the merchant must authorise again ({tokens.reason})"
                )
            if tokens.access_token != stale and self._usable(tokens):
                assert tokens.access_token is not None
                return tokens.access_token
            if self.refresher is None or tokens.remain_refresh_count == 0:
                why = "no refresh token" if self.refresher is None else "no refreshes left"
                await self._give_up(tokens, f"token expired and cannot be refreshed: {why}")
            assert self.refresher is not None
            try:
                fresh = await self.refresher(tokens)
            except (AuthExpired, AuthInvalid, ValidationFailed) as exc:
                await self._give_up(tokens, f"refresh refused: {exc.code}: {exc}")
            if not fresh.access_token:
                raise Unavailable(f"{self.key}: the token endpoint answered without a token")
            fresh = replace(
                fresh,
                refresh_token=fresh.refresh_token or tokens.refresh_token,
                needs_reauth=False,
                reason=None,
            )
            _hide(fresh)
            await self.store.save(self.key, self.seed_hash, fresh, self.now())
            log.info("%s: access token refreshed", self.key)
            return fresh.access_token

    async def _give_up(self, tokens: TokenSet, reason: str) -> None:
        await self.store.save(
            self.key, self.seed_hash, replace(tokens, needs_reauth=True, reason=reason), self.now()
        )
        log.warning("%s needs re-authorisation: %s", self.key, reason)
        raise ReauthorizationRequired(f"{self.key}: {reason}")

    async def call(self, fn: Callable[[str], Awaitable[T]]) -> T:
        """fn(token); on AuthExpired, refresh and retry once, then give up to a human."""
        token = await self.access_token()
        try:
            return await fn(token)
        except AuthExpired:
            pass
        token = await self.refresh(stale=token)
        try:
            return await fn(token)
        except AuthExpired as exc:
            await self._give_up(await self.current(), f"a fresh token was refused: {exc}")
            raise AssertionError("unreachable") from None


def _hide(tokens: TokenSet) -> None:
    """Tokens obtained at run time are secrets too: an error that quotes a request (a
    token in a query string, a driver quoting a parameter) must not log them."""
    for secret in (tokens.access_token, tokens.refresh_token):
        if secret:
            logs.hide(secret)


class Keepers:
    """One TokenKeeper per credential key in this process, shared between adapters."""

    def __init__(self, store: CredentialStore, now: Callable[[], datetime]) -> None:
        self.store = store
        self.now = now
        self._keepers: dict[str, TokenKeeper] = {}

    def get(
        self,
        key: str,
        refresher: Refresher | None,
        *,
        seed: TokenSet,
        seed_secrets: tuple[str | None, ...],
    ) -> TokenKeeper:
        keeper = self._keepers.get(key)
        if keeper is None:
            keeper = TokenKeeper(
                key, self.store, refresher, seed=seed, seed_secrets=seed_secrets, now=self.now
            )
            self._keepers[key] = keeper
        return keeper


def token_set(
    body: object,
    now: datetime,
    *,
    access: str = "access_token",
    refresh: str = "refresh_token",
    expires_in: str = "expires_in",
    remain: str = "remain_refresh_count",
) -> TokenSet:
    """Tokens from a token endpoint's JSON, at the top level or under `data` (SDKs differ)."""
    data = body.get("data") if isinstance(body, dict) else None
    for candidate in (body, data):
        if isinstance(candidate, dict) and candidate.get(access):
            seconds = candidate.get(expires_in)
            count = candidate.get(remain)
            return TokenSet(
                access_token=str(candidate[access]),
                refresh_token=str(candidate[refresh]) if candidate.get(refresh) else None,
                expires_at=now + timedelta(seconds=float(seconds))
                if isinstance(seconds, int | float) and not isinstance(seconds, bool)
                else None,
                remain_refresh_count=count if isinstance(count, int) else None,
            )
    return TokenSet(access_token=None)
