"""Engines, sessions and schema migrations for SQLite (embedded) and PostgreSQL (scale-out).

SQLite is tuned for one daemon with concurrent coroutines: WAL, a generous busy timeout,
and write transactions (`session.begin()`) that take the write lock up front (BEGIN
IMMEDIATE), so two sessions never deadlock upgrading a read lock. Within one process the
writers queue for that lock on an asyncio lock, in order, instead of in SQLite's busy handler
(which sleeps up to 100 ms between tries, and let a hundred polls a second wait seconds).
A session used without `begin()` only reads (nothing in reviewbot commits one): it reads a
WAL snapshot (BEGIN DEFERRED) and never waits for a writer.
Sessions are short and never held across network calls anywhere in reviewbot.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from contextlib import suppress
from contextvars import ContextVar, Token
from functools import cache
from importlib.resources import files
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    AsyncSessionTransaction,
    async_sessionmaker,
    create_async_engine,
)

from reviewbot.safejson import dumps_storable

# Whether a SQLite transaction starting now should take the write lock up front. True
# outside sessions (migrations, raw connections), False in a session until begin().
_IMMEDIATE: ContextVar[bool] = ContextVar("reviewbot_sqlite_immediate", default=True)


# A SQLite engine's writers in this process, per event loop: see the module doc.
_WRITERS: weakref.WeakKeyDictionary[Engine, dict[asyncio.AbstractEventLoop, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)
# A writer waiting longer than this goes on to SQLite's own lock (a nested write
# transaction in one task must not wait for itself forever).
GATE_PATIENCE = 10.0


def _writer_gate(bind: Any) -> asyncio.Lock | None:
    engine = getattr(bind, "sync_engine", bind)
    gates = _WRITERS.get(engine) if engine is not None else None
    if gates is None:
        return None
    loop = asyncio.get_running_loop()
    if loop not in gates:
        gates[loop] = asyncio.Lock()
    return gates[loop]


class _Writing:
    """`session.begin()`: a write transaction, so SQLite takes the write lock at BEGIN."""

    def __init__(self, transaction: AsyncSessionTransaction, gate: asyncio.Lock | None) -> None:
        self.transaction = transaction
        self.gate = gate
        self.gated = False
        self._token: Token[bool] | None = None

    async def __aenter__(self) -> AsyncSessionTransaction:
        if self.gate is not None:
            try:
                await asyncio.wait_for(self.gate.acquire(), GATE_PATIENCE)
                self.gated = True
            except TimeoutError:
                pass
        self._token = _IMMEDIATE.set(True)
        try:
            return await self.transaction.__aenter__()
        except BaseException:
            self._release()
            raise

    async def __aexit__(self, *exc: Any) -> None:
        try:
            await self.transaction.__aexit__(*exc)
        finally:
            self._release()

    def _release(self) -> None:
        token, self._token = self._token, None
        if token is not None:
            _IMMEDIATE.reset(token)
        if self.gated and self.gate is not None:
            self.gated = False
            self.gate.release()


class Session(AsyncSession):
    """An AsyncSession that tells SQLite whether it reads or writes (see the module doc)."""

    async def __aenter__(self) -> Session:
        self._reading = _IMMEDIATE.set(False)
        return await super().__aenter__()

    async def __aexit__(self, *exc: Any) -> None:
        try:
            await super().__aexit__(*exc)
        finally:
            _IMMEDIATE.reset(self._reading)

    def begin(self) -> Any:  # type: ignore[override]
        return _Writing(super().begin(), _writer_gate(self.bind))


SessionFactory = async_sessionmaker[AsyncSession]

# Arbitrary constant naming reviewbot's migration lock among PostgreSQL advisory locks.
_MIGRATION_LOCK = 0x7265766965770001


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An engine whose errors and echo never show statement parameters (review text,
    nicknames, platform tokens end up in logs and `sources.last_error` otherwise), and whose
    JSON columns take any payload a platform sent (see reviewbot.safejson)."""
    options: dict[str, Any] = {
        "echo": echo,
        "hide_parameters": True,
        "json_serializer": dumps_storable,
    }
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, **options)
        _tune_sqlite(engine)
        return engine
    return create_async_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, **options)


def _tune_sqlite(engine: AsyncEngine) -> None:
    _WRITERS[engine.sync_engine] = {}

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "busy_timeout=30000",
            "foreign_keys=ON",
            "synchronous=NORMAL",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _IMMEDIATE.get() else "BEGIN")


def session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False, class_=Session)


def _alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("reviewbot.store") / "migrations"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def head_revision() -> str | None:
    """The newest migration: read from the bundled scripts once per process (every daemon
    start and every test's fresh database asked again, loading all the scripts)."""
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(_current)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> tuple[str | None, str | None]:
    """Create or migrate the schema; returns (revision before, revision after).

    On PostgreSQL an advisory lock makes concurrent replicas upgrade one at a time. On
    SQLite, altering a table means copying it, which foreign keys would forbid while other
    tables point at it: they are switched off for the migration and checked afterwards.
    """
    async with engine.connect() as connection:
        if is_sqlite(engine):
            raw = (await connection.get_raw_connection()).driver_connection
            await raw.execute("PRAGMA foreign_keys=OFF")  # outside any transaction
        else:
            await connection.execute(
                text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK}
            )
        try:
            before = await connection.run_sync(_current)
            await connection.run_sync(_run_upgrade, revision)
            after = await connection.run_sync(_current)
            if is_sqlite(engine):
                broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
                if broken:
                    raise RuntimeError(f"migration left broken references: {broken[:5]}")
            await connection.commit()
        finally:
            if is_sqlite(engine):
                await raw.execute("PRAGMA foreign_keys=ON")
            else:
                with suppress(Exception):
                    await connection.execute(
                        text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK}
                    )
                    await connection.commit()
    return before, after


def _run_upgrade(connection: Connection, revision: str) -> None:
    command.upgrade(_alembic_config(connection), revision)


async def ensure_schema_current(
    engine: AsyncEngine, *, auto_upgrade: bool, log: Callable[[str], None] = print
) -> None:
    """Upgrade if allowed; otherwise refuse to run against an out-of-date schema."""
    head = head_revision()
    current = await current_revision(engine)
    if current == head:
        return
    if auto_upgrade:
        before, after = await upgrade(engine)
        log(f"database schema upgraded from {before or 'empty'} to {after}")
        return
    raise RuntimeError(
        f"database schema is at {current or 'nothing'}, this reviewbot needs {head}: "
        "run `reviewbot db upgrade --config …` first"
    )
