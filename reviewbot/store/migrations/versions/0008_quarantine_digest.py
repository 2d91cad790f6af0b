"""quarantine digest: an item served again and again is quarantined once

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 10:00:00

Additive only: a nullable column (older rows have no digest) and its index.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_quarantine_source_digest", ["source_id", "digest"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.drop_index("ix_quarantine_source_digest")
        batch_op.drop_column("digest")
