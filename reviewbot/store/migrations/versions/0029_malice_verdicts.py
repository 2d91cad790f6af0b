"""malice_verdicts: staff's word on the malice reading, kept as labels

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 08:00:00

「不是恶意」 clears the analyzer's flag on a review, and starting an appeal confirms one
(or catches one it missed). Each is a row, never updated: the latest row of a review
holds, and `reviewbot verdicts export` writes them as labelled rows for the malice reader.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "malice_verdicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("actor_name", sa.String(length=128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("flag_reasons", JSON, nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("rating", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_malice_verdicts_review_id_reviews")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_malice_verdicts_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_malice_verdicts")),
    )
    with op.batch_alter_table("malice_verdicts", schema=None) as batch_op:
        batch_op.create_index("ix_malice_verdicts_review", ["review_id", "id"], unique=False)
        batch_op.create_index("ix_malice_verdicts_store_at", ["store_id", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("malice_verdicts", schema=None) as batch_op:
        batch_op.drop_index("ix_malice_verdicts_store_at")
        batch_op.drop_index("ix_malice_verdicts_review")
    op.drop_table("malice_verdicts")
