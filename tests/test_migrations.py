"""The migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from reviewbot.store import db
from reviewbot.store.schema import Base


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
