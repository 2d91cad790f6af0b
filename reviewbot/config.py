"""TOML configuration loaded into typed, validated settings.

Every error names the key at fault and why, because the people editing this file are
restaurant operators, not Python developers. Secrets never live in the config itself:
the config names an environment variable (or a key of a separate secrets file).
"""

from __future__ import annotations

import os
import tomllib
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator

from reviewbot.configbase import Section
from reviewbot.platforms.settings import SourceSettings


class ConfigError(Exception):
    """A configuration problem a human must fix; the message says where and why."""


Seconds = Annotated[float, Field(gt=0)]


class DatabaseSettings(Section):
    url: str = "sqlite+aiosqlite:///reviewbot.db"
    auto_upgrade: bool = True
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _async_driver(cls, url: str) -> str:
        if url.startswith("sqlite://") or url.startswith("sqlite:///"):
            raise ValueError("use the async driver: sqlite+aiosqlite:///path/to/file.db")
        if url.startswith(("postgresql://", "postgres://", "postgresql+psycopg2://")):
            raise ValueError("use the async driver: postgresql+asyncpg://user@host/db")
        if not url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("supported: sqlite+aiosqlite:///FILE or postgresql+asyncpg://…")
        return url


class HttpSettings(Section):
    timeout_seconds: Seconds = 15.0
    max_attempts: Annotated[int, Field(ge=1, le=20)] = 4
    backoff_initial_seconds: Seconds = 0.5
    backoff_max_seconds: Seconds = 30.0
    max_retry_after_seconds: Seconds = 60.0
    user_agent: str = "reviewbot/0.1 (+https://github.com/reviewbot/reviewbot)"


class DaemonSettings(Section):
    poll_interval_seconds: Seconds = 300.0
    pipeline_interval_seconds: Seconds = 5.0
    outbox_interval_seconds: Seconds = 2.0
    error_backoff_max_seconds: Seconds = 1800.0
    max_pages_per_poll: Annotated[int, Field(ge=1, le=1000)] = 20
    outbox_max_attempts: Annotated[int, Field(ge=1)] = 50


class DemoSettings(Section):
    serve: bool = True
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 8765
    reviews_per_minute: Annotated[float, Field(ge=0)] = 6.0
    backlog: Annotated[int, Field(ge=0)] = 8
    follow_up_probability: Annotated[float, Field(ge=0, le=1)] = 0.3
    fault_rate: Annotated[float, Field(ge=0, le=1)] = 0.0
    seed: int | None = None


class NotifierSettings(Section):
    kind: Literal["console"] = "console"
    color: bool | None = None


class StoreFacts(Section):
    """What the reply engine may say about the store; it never invents beyond this."""

    signature: str = ""
    contact: str = ""
    hours: str = ""
    menu: list[str] = Field(default_factory=list)
    proofs: list[str] = Field(default_factory=list)
    remedy: str = ""


class StoreSettings(Section):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
    name: Annotated[str, Field(min_length=1)]
    timezone: str = "Asia/Shanghai"
    facts: StoreFacts = StoreFacts()
    sources: Annotated[list[SourceSettings], Field(min_length=1)]

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as Asia/Shanghai)"
            ) from None
        return value


class Settings(Section):
    secrets_file: Path | None = None
    database: DatabaseSettings = DatabaseSettings()
    http: HttpSettings = HttpSettings()
    daemon: DaemonSettings = DaemonSettings()
    demo: DemoSettings = DemoSettings()
    notifier: NotifierSettings = NotifierSettings()
    stores: Annotated[list[StoreSettings], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_ids(self) -> Settings:
        seen_stores: set[str] = set()
        seen_accounts: dict[tuple[str, str], str] = {}
        for store in self.stores:
            if store.id in seen_stores:
                raise ValueError(f"store id {store.id!r} is used twice")
            seen_stores.add(store.id)
            for source in store.sources:
                key = (source.platform, source.account)
                if key in seen_accounts:
                    raise ValueError(
                        f"{source.platform} account {source.account!r} is configured in both "
                        f"store {seen_accounts[key]!r} and store {store.id!r}"
                    )
                seen_accounts[key] = store.id
        return self

    def store(self, store_id: str) -> StoreSettings:
        for store in self.stores:
            if store.id == store_id:
                return store
        raise KeyError(store_id)

    @cached_property
    def _secrets(self) -> dict[str, str]:
        if self.secrets_file is None:
            return {}
        try:
            data = tomllib.loads(self.secrets_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"secrets_file {self.secrets_file} does not exist") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(
                f"secrets_file {self.secrets_file} is not valid TOML: {exc}"
            ) from None
        return {str(k): str(v) for k, v in data.items()}

    def secret(self, name: str) -> str:
        """The value of secret `name`: environment first, then the secrets file."""
        value = os.environ.get(name)
        if value:
            return value
        value = self._secrets.get(name)
        if value:
            return value
        where = f" or as a key in {self.secrets_file}" if self.secrets_file else ""
        raise ConfigError(f"secret {name} is not set: export it as an environment variable{where}")


def _format_validation_error(exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        loc = ".".join(str(part) for part in err["loc"]) or "(top level)"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key (check the spelling against config.example.toml)"
        elif err["type"] == "missing":
            msg = "required key is missing"
        elif "input" in err and err["type"] not in ("value_error", "assertion_error"):
            msg = f"{msg} (got {err['input']!r})"
        lines.append(f"  {loc}: {msg}")
    return "\n".join(lines)


def _resolve_paths(data: dict, base: Path) -> dict:
    """Relative SQLite and secrets paths are taken relative to the config file, not the cwd."""
    db = data.setdefault("database", {})
    if isinstance(db, dict):
        db.setdefault("url", DatabaseSettings.model_fields["url"].default)
    if isinstance(db, dict) and isinstance(db.get("url"), str):
        prefix = "sqlite+aiosqlite:///"
        url = db["url"]
        if url.startswith(prefix) and not url[len(prefix) :].startswith(("/", ":memory:")):
            db["url"] = prefix + str((base / url[len(prefix) :]).resolve())
    if isinstance(data.get("secrets_file"), str):
        data["secrets_file"] = str((base / data["secrets_file"]).resolve())
    return data


def parse_settings(data: dict, *, source: str = "<config>", base: Path | None = None) -> Settings:
    if base is not None:
        data = _resolve_paths(data, base)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(
            f"{source}: invalid configuration\n{_format_validation_error(exc)}"
        ) from None


def load_settings(path: str | Path) -> Settings:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"config file {path} not found (copy config.example.toml to start)"
        ) from None
    except IsADirectoryError:
        raise ConfigError(f"config path {path} is a directory, expected a .toml file") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: malformed TOML: {exc}") from None
    return parse_settings(data, source=str(path), base=path.resolve().parent)
