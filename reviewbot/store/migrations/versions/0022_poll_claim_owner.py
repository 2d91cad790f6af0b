"""sources.claimed_by: the daemon instance holding an account's poll claim

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 13:00:00

Leases and poll claims are now short (seconds, renewed while their holder works) and owned
by a stable daemon instance name, so a daemon restarted after a crash takes its own back at
once. A poll claim had no owner (only next_poll_at moved ahead); it now records one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("claimed_by")
