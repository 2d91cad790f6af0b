"""platform credentials, re-authorisation state, capabilities, review details

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 15:00:00

Additive only: a table for refreshed tokens, and nullable or defaulted columns.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "platform_credentials",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("seed_hash", sa.String(length=64), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=True),
        sa.Column("refresh_token", sa.Text(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("remain_refresh_count", sa.Integer(), nullable=True),
        sa.Column("needs_reauth", sa.Boolean(), nullable=False),
        sa.Column("reauth_reason", sa.Text(), nullable=True),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_platform_credentials")),
    )
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("needs_reauth", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("reauth_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("capabilities", JSON, nullable=True))
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("missed_scans", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("details", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_column("details")
        batch_op.drop_column("missed_scans")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("capabilities")
        batch_op.drop_column("reauth_since")
        batch_op.drop_column("needs_reauth")
    op.drop_table("platform_credentials")
