"""Shared fixtures: a real database (a SQLite file, and PostgreSQL when
REVIEWBOT_TEST_DATABASE_URL is set), the demo platform on a real local port, and the real
aiohttp client with fast retries.

The suite runs in parallel (pytest-xdist, `-n` in pyproject's addopts): each worker has its
own PostgreSQL database, created from REVIEWBOT_TEST_DATABASE_URL's server and named after
the base database, the worker and its process id, and its own SQLite files. A database left
by a run that was killed is dropped by the next run (its process is gone). Each worker
migrates a schema once and hands every test a fresh copy: a copied SQLite file, emptied
PostgreSQL tables.
"""

from __future__ import annotations

import asyncio
import gc
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from reviewbot.analysis.v1 import AnalyzerV1
from reviewbot.clock import FakeClock
from reviewbot.config import Settings, parse_settings
from reviewbot.platforms.demo.server import DemoPlatform, DemoServer
from reviewbot.platforms.http import HttpClient, RetryPolicy
from reviewbot.replies.engine import TemplateDrafter
from reviewbot.store import db
from reviewbot.store.schema import Base

# Property tests (test_properties.py): the same examples on every run and machine, few
# enough to stay fast; HYPOTHESIS_PROFILE=deep searches harder (random, 2,000 each).
hypothesis_settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
hypothesis_settings.register_profile("deep", max_examples=2000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

PG_ENV = "REVIEWBOT_TEST_DATABASE_URL"
TEST_FACTS = {
    "signature": "测试小馆 店长",
    "contact": "店长电话 010-1234 5678",
    "menu": ["水煮鱼", "麻婆豆腐", "酸辣汤"],
    "proofs": ["食品经营许可证 JY00000000000000"],
}


async def _admin(url: str, *statements: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection built (every module, test item, compiled pattern) lives as long as
    the worker: moved out of the cyclic collector's sight, as `reviewbot classify` does with
    its analyzer (cli._freeze_heap), and the youngest generation collected less often. Each
    full collection walked all of it again: on test_malice, test_paging and test_reply_cover
    the collector took 6.2 s of 110 s of wall time (loaded machine), frozen 1.0 s. Objects
    are still freed by reference counting; only cycles made during the run are collected,
    as before."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The slow tests first: handed out one or two at a time (`--maxschedchunk 2`), they
    spread over the workers and run beside the quick ones instead of ending the run alone."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A chat front end's flows (marked one_database, as are a few long paging and crisis
    scenarios whose subject is not the database) run on SQLite only.

    What they test is the front end: the cards, taps, commands and messages, through the
    workflow layer. The database under that layer is tested on both servers by the tests of
    the store, the workflow and the jobs; run again on PostgreSQL, the flows doubled the
    suite's time for little (the biggest share of a suite that must stay under 5 minutes).
    Their restart, outage and two-people-at-once tests, where the transactions and locks
    do matter, are marked both_databases and keep both."""
    if "database_url" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("both_databases"):
        return
    if metafunc.definition.get_closest_marker("one_database"):
        # as a mark, read before the fixture's own params (which a mark overrides)
        only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
        metafunc.definition.add_marker(only)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def _databases(url: str, prefix: str) -> list[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT datname FROM pg_database WHERE starts_with(datname, :prefix)"),
                {"prefix": prefix},
            )
            return [row[0] for row in rows]
    finally:
        await engine.dispose()


async def _sweep(url: str, prefix: str) -> None:
    """Drop the databases of earlier runs whose process is gone (killed, not cleaned up).
    Only for a server on this machine, where their process ids mean something."""
    if make_url(url).host not in (None, "", "127.0.0.1", "localhost", "::1"):
        return
    for name in await _databases(url, prefix):
        pid = name.rsplit("_", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            await _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """This worker's own PostgreSQL database for the session, dropped at its end."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(
            f"PostgreSQL tests need {PG_ENV} (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test)"
        )
    prefix = f"{make_url(base).database}_rbt_"
    name = f"{prefix}{_worker()}_{os.getpid()}"
    asyncio.run(_sweep(base, prefix))
    asyncio.run(_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    # A commit does not wait for the server to flush its log to disk: what a transaction
    # sees, locks and makes visible is unchanged, only a crash of the server could lose the
    # last commits of this throwaway database. The daemon tests commit hundreds of times
    # each (leases, outbox); on this machine a synced commit took 23 ms, this one 8 ms.
    asyncio.run(
        _admin(
            base,
            f'CREATE DATABASE "{name}"',
            f'ALTER DATABASE "{name}" SET synchronous_commit = off',
        )
    )
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        asyncio.run(_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _migrate(url: str) -> None:
    engine = db.create_engine(url)
    try:
        await db.upgrade(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the newest schema once per worker, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "reviewbot.db"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


# Emptying the tables a test used: DELETE, children before parents, in one transaction,
# then every sequence restarted (ids start at 1 again, as after TRUNCATE … RESTART IDENTITY).
# TRUNCATE gives each of the 22 tables new files, and the server syncs them: 0.5–1 s a test
# on this machine, DELETE of a test's few rows 0.06 s.
EMPTY_TABLES = "; ".join(
    f'DELETE FROM "{table.name}"' for table in reversed(Base.metadata.sorted_tables)
)
SEQUENCES = (
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind = 'S' AND n.nspname = 'public'"
)


async def _fresh_postgres(url: str) -> None:
    """Empty every table when the schema is the newest (fast), else start from nothing
    and migrate (a test before left an older or a broken schema behind)."""
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            current = (
                await connection.scalar(text("SELECT version_num FROM alembic_version"))
                if await _versioned(connection)
                else None
            )
            if current == db.head_revision():
                sequences = (await connection.scalars(text(SEQUENCES))).all()
                restarts = "".join(f'; ALTER SEQUENCE "{name}" RESTART' for name in sequences)
                raw = (await connection.get_raw_connection()).driver_connection
                await raw.execute(f"BEGIN; {EMPTY_TABLES}{restarts}; COMMIT")
                return
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()
    await _migrate(url)


async def _versioned(connection: Any) -> bool:
    found = await connection.scalar(text("SELECT to_regclass('public.alembic_version')"))
    return found is not None


async def _empty_postgres(url: str) -> None:
    await _admin(url, "DROP SCHEMA public CASCADE", "CREATE SCHEMA public")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database of its own for this test, with the newest schema and no rows."""
    if request.param == "sqlite":
        path = tmp_path / "reviewbot.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite+aiosqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    asyncio.run(_fresh_postgres(url))
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with no schema at all, for the tests of migrations themselves."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'reviewbot.db'}"
    url = request.getfixturevalue("postgres_url")
    asyncio.run(_empty_postgres(url))
    return url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    # database_url already has the newest schema (a copy of the migrated template, or
    # emptied tables at head): upgrading again only re-read the migration scripts
    engine = db.create_engine(database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> db.SessionFactory:
    return db.session_factory(engine)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def demo() -> AsyncIterator[DemoServer]:
    """The demo platform on a free local port, publishing nothing unless told to."""
    platform = DemoPlatform(seed=7, reviews_per_minute=0, backlog=0, follow_up_probability=0)
    # Its simulation has nothing to generate (no rate, no follow-ups): a tick every 20th of
    # a second only cost CPU (0.2 % of a core for every second a test ran).
    server = DemoServer(platform, port=0, tick_seconds=3600)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


class RecordingSleep:
    """The client's sleep: really waits (briefly) and remembers how long it was asked to."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        await asyncio.sleep(min(seconds, 0.05))


@pytest.fixture
def sleeps() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
async def http(sleeps: RecordingSleep) -> AsyncIterator[HttpClient]:
    async with aiohttp.ClientSession() as session:
        yield HttpClient(
            session,
            RetryPolicy(max_attempts=3, initial=0.01, maximum=0.05, max_retry_after=5.0),
            timeout=0.5,
            sleep=sleeps,
        )


def make_settings(
    database_url: str,
    *,
    demo_url: str | None = None,
    sources: list[dict[str, Any]] | None = None,
    **sections: Any,
) -> Settings:
    """Settings for one test store; the demo source points at the test's demo server."""
    if sources is None:
        sources = [
            {
                "platform": "demo",
                "account": "shop-1",
                "base_url": demo_url,
                "poll_interval_seconds": 1,
            }
        ]
    data: dict[str, Any] = {
        "database": {"url": database_url, "auto_upgrade": True},
        "http": {
            "timeout_seconds": 0.5,
            "max_attempts": 3,
            "backoff_initial_seconds": 0.01,
            "backoff_max_seconds": 0.05,
        },
        "demo": {"serve": False},
        "stores": [{"id": "store-1", "name": "测试小馆", "facts": TEST_FACTS, "sources": sources}],
    }
    data.update(sections)
    return parse_settings(data)


# The chat front ends' fixtures (a fake chat server, the daemon driven step by step) live
# in the shared harness; imported here so every test module can ask for them.
from tests.harness.fixtures import bot, telegram  # noqa: E402, F401


# The shipped analyzer and template drafter, shared by the reply and analysis tests of a
# worker (both are read-only once built; building them loads the model and the library).
@pytest.fixture(scope="session")
def analyzer() -> AnalyzerV1:
    return AnalyzerV1()


@pytest.fixture(scope="session")
def drafter() -> TemplateDrafter:
    return TemplateDrafter()
