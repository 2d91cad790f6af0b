"""reply batches: pages of thank-you drafts posted together from chat (/thanks)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 10:00:00

Additive only: a new table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reply_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("stores", JSON, nullable=False),
        sa.Column("items", JSON, nullable=False),
        sa.Column("notes", JSON, nullable=False),
        sa.Column("passed", JSON, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_batches")),
        sa.UniqueConstraint("token", name=op.f("uq_reply_batches_token")),
    )


def downgrade() -> None:
    op.drop_table("reply_batches")
