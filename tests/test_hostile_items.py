"""One hostile item on a page costs that item at most, never the page or the account.

Each case is served between two good reviews by a real aiohttp feed, polled twice by the
real daemon into a real database: the good reviews must be stored, the poll must succeed,
the cursor must move, and the bad item must be either stored (cleaned) or quarantined once.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from reviewbot.app.daemon import Daemon
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.clock import FakeClock
from reviewbot.jobs.merge import MAX_RAW_CHARS
from reviewbot.store.schema import AuditEntry, QuarantinedItem, Review, Source, Store
from tests.conftest import make_settings

GOOD_BEFORE = (
    '{"id": "good1", "content": "前一条：菜太咸", "score": 2, "at": "2026-11-01 09:00:00"}'
)
GOOD_AFTER = '{"id": "good2", "content": "后一条：送餐慢", "score": 2, "at": "2026-11-01 11:00:00"}'
AT = '"at": "2026-11-01 10:00:00"'

Check = Callable[[Review], bool]


UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [*value, *(s for item in value.values() for s in _strings(item))]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _raw_is_clean(review: Review) -> bool:
    """The stored payload holds no NUL or lone surrogate anywhere, keys included."""
    strings = _strings(review.raw)
    return bool(strings) and not any(UNSTORABLE.search(s) for s in strings)


# (case, the bad item as JSON text, what must happen to it: a check on the stored review,
# or "quarantined")
CASES: list[tuple[str, str, Check | str]] = [
    (
        "surrogate in text",
        '{"id": "x", "content": "\\ud800 坏", "score": 1, ' + AT + "}",
        lambda r: r.text == "\ufffd 坏" and _raw_is_clean(r),
    ),
    (
        "surrogate in nickname",
        '{"id": "x", "content": "ok", "score": 2, "user": {"nickname": "\\udc80"}, ' + AT + "}",
        lambda r: r.author == "\ufffd",
    ),
    (
        "created_at 1e20",
        '{"id": "x", "content": "时间坏了", "score": 1, "at": 1e20}',
        lambda r: r.text == "时间坏了" and r.created_at is not None,
    ),
    (
        "created_at -1e20",
        '{"id": "x", "content": "时间坏了", "score": 1, "at": -1e20}',
        lambda r: r.text == "时间坏了",
    ),
    (
        "created_at year 1 with an offset",
        '{"id": "x", "content": "时间坏了", "score": 1, "at": "0001-01-01T00:00:00+08:00"}',
        lambda r: r.text == "时间坏了",
    ),
    (
        "NUL in text",
        '{"id": "x", "content": "空字符\\u0000在这里", "score": 1, ' + AT + "}",
        lambda r: r.text == "空字符在这里" and _raw_is_clean(r),
    ),
    (
        "NUL in a field we do not read",
        '{"id": "x", "content": "ok", "score": 1, "extra": {"a\\u0000": "b\\u0000"}, ' + AT + "}",
        lambda r: r.text == "ok" and _raw_is_clean(r),
    ),
    (
        "NUL in the url",
        '{"id": "x", "content": "ok", "score": 1, "link": "https://x/\\u0000", ' + AT + "}",
        lambda r: r.url == "https://x/\ufffd",
    ),
    (
        "NaN and Infinity in fields we do not read",
        '{"id": "x", "content": "ok", "score": 1, "w": NaN, "h": [Infinity], ' + AT + "}",
        lambda r: r.raw["w"] is None and r.raw["h"] == [None],
    ),
    (
        "a 300-character order id",
        '{"id": "x", "content": "ok", "score": 1, "order": "' + "9" * 300 + '", ' + AT + "}",
        lambda r: r.order_id == "9" * 200,
    ),
    ("NaN id", '{"id": NaN, "content": "id is NaN", "score": 1}', "quarantined"),
    ("surrogate id", '{"id": "\\ud800", "content": "坏编号", "score": 1}', "quarantined"),
    ("NUL id", '{"id": "a\\u0000b", "content": "坏编号", "score": 1}', "quarantined"),
    ("not an object", '"just a string"', "quarantined"),
]


class HostileFeed:
    """Serves the same page on every request (a feed that ignores the cursor), so the bad
    item comes back on the second poll too."""

    def __init__(self, bad: str) -> None:
        self.body = '{"items": [' + ", ".join([GOOD_BEFORE, bad, GOOD_AFTER]) + '], "next": "c1"}'

    def app(self) -> web.Application:
        async def reviews(request: web.Request) -> web.Response:
            return web.Response(text=self.body, content_type="application/json")

        app = web.Application()
        app.router.add_get("/reviews", reviews)
        return app


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


def feed_source(base: str) -> dict[str, Any]:
    return {
        "platform": "jsonfeed",
        "account": "feed",
        "url": f"{base}/reviews",
        "items_path": "items",
        "cursor_param": "since",
        "next_cursor_path": "next",
        "fields": {
            "id": "id",
            "text": "content",
            "rating": "score",
            "created_at": "at",
            "author": "user.nickname",
            "order_id": "order",
            "url": "link",
        },
    }


@pytest.fixture
async def daemon_for(
    database_url: str, clock: FakeClock
) -> AsyncIterator[Callable[[web.Application], Any]]:
    """Starts a feed app and a daemon polling it (timers off: the test drives the polls)."""
    started: list[tuple[Daemon, web.AppRunner]] = []

    async def start(app: web.Application) -> Daemon:
        runner, base = await serve(app)
        daemon = Daemon(
            make_settings(database_url, sources=[feed_source(base)]),
            clock=clock,
            notifier=ConsoleNotifier(io.StringIO()),
        )
        started.append((daemon, runner))
        await daemon.start(schedule=False)
        return daemon

    try:
        yield start
    finally:
        for daemon, runner in started:
            await daemon.stop()
            await daemon.close()
            await runner.cleanup()


async def poll_twice(daemon: Daemon, clock: FakeClock) -> None:
    for _ in range(2):
        clock.advance(minutes=5)
        (outcome,) = await daemon.poll_all_once()
        assert outcome.status == "ok", outcome.error


async def stored(daemon: Daemon) -> tuple[dict[str, Review], list[QuarantinedItem], Source]:
    async with daemon.sessions() as session:
        reviews = {r.external_id: r for r in (await session.scalars(select(Review))).all()}
        quarantined = list((await session.scalars(select(QuarantinedItem))).all())
        source = await session.scalar(select(Source))
    assert source is not None
    return reviews, quarantined, source


@pytest.mark.parametrize(
    ("bad", "expected"), [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
async def test_a_hostile_item_never_blocks_the_reviews_around_it(daemon_for, clock, bad, expected):
    daemon = await daemon_for(HostileFeed(bad).app())
    await poll_twice(daemon, clock)

    reviews, quarantined, source = await stored(daemon)
    assert source.consecutive_errors == 0 and source.last_error is None
    assert source.cursor == "c1"
    assert reviews["good1"].text == "前一条：菜太咸" and reviews["good2"].text == "后一条：送餐慢"
    if expected == "quarantined":
        assert set(reviews) == {"good1", "good2"}
        assert len(quarantined) == 1  # served twice, kept once
        assert quarantined[0].raw  # what the customer wrote is kept
    else:
        assert set(reviews) == {"good1", "good2", "x"} and not quarantined
        assert expected(reviews["x"])


async def test_an_item_the_database_refuses_is_quarantined_and_the_page_lands(daemon_for, clock):
    """The last line of defence: whatever the reason the database refuses one review (here
    a trigger standing in for a limit nothing above the database knows about), the page is
    stored item by item, that review is quarantined with the error, and the cursor moves."""
    daemon = await daemon_for(
        HostileFeed('{"id": "refused", "content": "数据库拒收", "score": 1, ' + AT + "}").app()
    )
    async with daemon.engine.begin() as connection:
        if daemon.engine.dialect.name == "sqlite":
            await connection.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON reviews "
                "WHEN NEW.external_id = 'refused' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
        else:
            await connection.exec_driver_sql(
                "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
                "IF NEW.external_id = 'refused' THEN RAISE EXCEPTION 'refused'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            await connection.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON reviews "
                "FOR EACH ROW EXECUTE FUNCTION refuse()"
            )
    await poll_twice(daemon, clock)

    reviews, quarantined, source = await stored(daemon)
    assert set(reviews) == {"good1", "good2"}
    assert source.consecutive_errors == 0 and source.cursor == "c1"
    assert len(quarantined) == 1 and quarantined[0].raw["content"] == "数据库拒收"
    assert quarantined[0].reason.startswith("could not be stored: ")
    async with daemon.sessions() as session:
        actions = (await session.scalars(select(AuditEntry.action))).all()
    assert actions.count("review.quarantined") == 1


async def test_a_huge_payload_is_stored_capped_and_marked(daemon_for, clock):
    spam = "刷屏" * 200_000
    bad = '{"id": "x", "content": "' + spam + '", "score": 1, "junk": ["' + spam + '"], ' + AT + "}"
    daemon = await daemon_for(HostileFeed(bad).app())
    await poll_twice(daemon, clock)

    reviews, _, _ = await stored(daemon)
    review = reviews["x"]
    assert review.text.startswith("刷屏刷屏")
    assert 5000 <= len(review.text) <= 5001  # the review itself, capped as every text is
    assert review.raw["_truncated"] > 800_000 and review.raw["id"] == "x"
    assert len(json.dumps(review.raw, ensure_ascii=False)) <= MAX_RAW_CHARS


async def test_database_errors_never_carry_the_values_written(sessions):
    """Review text, nicknames and tokens must not reach logs or sources.last_error."""
    secret = "access-token-秘密-1234"
    async with sessions() as session, session.begin():
        session.add(Store(id="s", name="店", created_at=FakeClock().now()))
    with pytest.raises(IntegrityError) as caught:
        async with sessions() as session, session.begin():
            for _ in range(2):  # the same account twice
                session.add(Source(store_id="s", platform="jsonfeed", account=secret))
    assert secret not in str(caught.value)
    assert "parameters hidden" in str(caught.value)


async def test_a_value_the_postgresql_driver_quotes_is_hidden(postgres_url):
    """asyncpg repeats a value it could not encode in its own message, past hide_parameters;
    last_error and the log see the statement's shape and the reason, never the value."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from reviewbot import logs
    from reviewbot.jobs.poll import _describe
    from reviewbot.store import db

    secret = "顾客的手机号13812345678"
    engine = db.create_engine(postgres_url)
    try:
        with pytest.raises(DBAPIError) as caught:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT CAST(:n AS integer)"), {"n": secret})
    finally:
        await engine.dispose()
    raw = str(caught.value)
    assert secret in raw  # what the driver says, before we clean it
    for shown in (_describe(caught.value), logs.redact(raw)):
        assert secret not in shown, shown
        assert f"query argument $1: {logs.VALUE_HIDDEN} (" in shown, shown
        assert "SELECT CAST($1 AS integer)" in shown  # the shape stays, for the operator
