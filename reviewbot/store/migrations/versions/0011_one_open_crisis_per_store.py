"""crises: at most one open crisis per store (a partial unique index)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 11:00:00

The crisis detector keeps one open crisis per store, but only a lease guarded it: two
replicas whose clocks disagree could both open one. Should a store already have several
open, the later ones are merged into its oldest (their reviews and triggers join it) and
closed with a note, so the index can be built and no incident record is lost.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
OPEN = sa.text("status = 'open'")
crises = sa.table(
    "crises",
    sa.column("id", sa.Integer),
    sa.column("store_id", sa.String),
    sa.column("status", sa.String),
    sa.column("triggers", JSON),
    sa.column("review_ids", JSON),
    sa.column("started_at", sa.DateTime(timezone=True)),
    sa.column("closed_at", sa.DateTime(timezone=True)),
    sa.column("closed_by", sa.String),
    sa.column("summary", sa.Text),
)


def _merge_open_duplicates() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(crises.c.id, crises.c.store_id, crises.c.triggers, crises.c.review_ids)
        .where(crises.c.status == "open")
        .order_by(crises.c.store_id, crises.c.started_at, crises.c.id)
    ).all()
    kept: dict[str, tuple[int, set, set]] = {}
    for crisis_id, store_id, triggers, review_ids in rows:
        if store_id not in kept:
            kept[store_id] = (crisis_id, set(triggers or []), set(review_ids or []))
            continue
        first, all_triggers, all_reviews = kept[store_id]
        all_triggers.update(triggers or [])
        all_reviews.update(review_ids or [])
        connection.execute(
            crises.update()
            .where(crises.c.id == crisis_id)
            .values(
                status="closed",
                closed_at=datetime.now(UTC),
                closed_by="reviewbot",
                summary=f"升级时合并到危机 #{first}",
            )
        )
        connection.execute(
            crises.update()
            .where(crises.c.id == first)
            .values(triggers=sorted(all_triggers), review_ids=sorted(all_reviews))
        )


def upgrade() -> None:
    _merge_open_duplicates()
    op.create_index(
        "uq_crises_open_store",
        "crises",
        ["store_id"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )


def downgrade() -> None:
    op.drop_index("uq_crises_open_store", table_name="crises")
