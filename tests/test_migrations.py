"""The migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from reviewbot.store import db
from reviewbot.store.schema import Base, Crisis


@pytest.fixture
async def engine(empty_database_url: str) -> AsyncIterator[AsyncEngine]:
    """Migrated here from nothing (the shared fixture hands out a copy migrated once)."""
    engine = db.create_engine(empty_database_url)
    await db.upgrade(engine)
    try:
        yield engine
    finally:
        await engine.dispose()


async def test_migrations_match_the_models(engine):
    def differences(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with engine.connect() as connection:
        assert await connection.run_sync(differences) == []
    assert await db.current_revision(engine) == db.head_revision()


async def test_upgrading_twice_changes_nothing(engine):
    before, after = await db.upgrade(engine)
    assert before == after == db.head_revision()


async def test_a_database_with_data_upgrades_from_the_first_schema(empty_database_url):
    """Columns added later must not break rows written by an older reviewbot."""
    from alembic import command
    from sqlalchemy import text

    engine = db.create_engine(empty_database_url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(lambda c: command.upgrade(db._alembic_config(c), "0001"))
            await connection.commit()
        now = "2026-01-01 00:00:00"
        statements = [
            f"INSERT INTO stores (id, name, created_at) VALUES ('s', '店', '{now}')",
            "INSERT INTO sources (id, store_id, platform, account, enabled, consecutive_errors) "
            "VALUES (1, 's', 'demo', 'a', true, 0)",
            "INSERT INTO reviews (id, source_id, store_id, platform, account, external_id, images,"
            " first_seen_at, last_seen_at, revision, content_hash, raw, status, is_visible,"
            f" needs_processing, process_attempts) VALUES (1, 1, 's', 'demo', 'a', 'x', '[]', "
            f"'{now}', '{now}', 1, 'h', '{{}}', 'open', true, false, 0)",
            "INSERT INTO drafts (id, review_id, revision, template_id, text, principles, status,"
            f" created_at, created_by) VALUES (1, 1, 1, 'food', '抱歉', '[]', 'proposed', '{now}',"
            " 'system')",
        ]
        async with engine.begin() as connection:
            for statement in statements:
                await connection.execute(text(statement))
        await db.upgrade(engine)
        async with engine.connect() as connection:
            row = (
                await connection.execute(text("SELECT violations, requires_role FROM drafts"))
            ).one()
        assert row[1] is None and row[0] in ([], "[]")
        assert await db.current_revision(engine) == db.head_revision()
    finally:
        await engine.dispose()


async def test_open_crises_of_one_store_are_merged_before_the_unique_index(empty_database_url):
    """Two open crises for one store (possible before 0008) become one, losing nothing."""
    from alembic import command
    from sqlalchemy import text

    engine = db.create_engine(empty_database_url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(lambda c: command.upgrade(db._alembic_config(c), "0007"))
            await connection.commit()
        now = "2026-01-01 00:00:00"
        later = "2026-01-01 01:00:00"
        async with engine.begin() as connection:
            await connection.execute(
                text(f"INSERT INTO stores (id, name, created_at) VALUES ('s', '店', '{now}')")
            )
            for crisis_id, started, triggers, reviews in (
                (1, now, '["illness"]', "[1, 2]"),
                (2, later, '["repost"]', "[3]"),
            ):
                await connection.execute(
                    text(
                        "INSERT INTO crises (id, store_id, status, triggers, review_ids,"
                        " holding_statement, started_at) VALUES"
                        f" ({crisis_id}, 's', 'open', '{triggers}', '{reviews}', '', '{started}')"
                    )
                )
        await db.upgrade(engine)
        async with db.session_factory(engine)() as session:
            first, second = (await session.scalars(select(Crisis).order_by(Crisis.id))).all()
        assert (first.status, first.triggers, first.review_ids) == (
            "open",
            ["illness", "repost"],
            [1, 2, 3],
        )
        assert (second.status, second.summary) == ("closed", "升级时合并到危机 #1")
    finally:
        await engine.dispose()


async def test_the_cases_migration_goes_down_and_up_again(empty_database_url):
    """0024 adds the customer cases; downgrading removes them and nothing else, and an
    upgrade brings them back as the models describe them."""
    from alembic import command
    from sqlalchemy import inspect

    engine = db.create_engine(empty_database_url)

    def tables(connection):
        return set(inspect(connection).get_table_names())

    try:
        await db.upgrade(engine)
        async with engine.connect() as connection:
            assert {"customer_cases", "case_reviews"} <= await connection.run_sync(tables)
            await connection.run_sync(lambda c: command.downgrade(db._alembic_config(c), "0023"))
            await connection.commit()
            left = await connection.run_sync(tables)
        assert not {"customer_cases", "case_reviews"} & left and "reviews" in left
        assert await db.current_revision(engine) == "0023"
        await db.upgrade(engine)
        async with engine.connect() as connection:
            context = await connection.run_sync(
                lambda c: compare_metadata(
                    MigrationContext.configure(c, opts={"compare_type": True}), Base.metadata
                )
            )
        assert context == []
    finally:
        await engine.dispose()
