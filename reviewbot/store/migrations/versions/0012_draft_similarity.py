"""draft similarity: how close a draft came to the store's recent replies

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 12:00:00

Additive only. The reply engine flags a draft it could not make different enough from the
store's recent replies; the figure is kept so the chat card can say so. Older drafts have
none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("similarity", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.drop_column("similarity")
