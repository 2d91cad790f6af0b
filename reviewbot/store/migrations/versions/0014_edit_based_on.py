"""drafts.based_on: the draft a staff edit was written against

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27 14:00:00

Two people can edit one review at once. When one of them confirms first and the review
needs a manager (so nothing is posted yet), the other's confirm used to replace that
confirmed text unseen. A held edit now records the draft it was written against, and a
confirm after that draft was replaced is refused. Older held edits have none and confirm
as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("based_on", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.drop_column("based_on")
