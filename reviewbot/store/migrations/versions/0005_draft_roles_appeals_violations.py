"""draft roles appeals violations

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 14:28:44.021053
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("requires_role", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("appeal", JSON, nullable=True))
        batch_op.add_column(
            sa.Column("violations", JSON, nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.drop_column("violations")
        batch_op.drop_column("appeal")
        batch_op.drop_column("requires_role")
