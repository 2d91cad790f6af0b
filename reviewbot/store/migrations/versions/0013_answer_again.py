"""a review that changes after it was answered gets a new speed window

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 13:00:00

A customer's 追评 (or an edit) after our reply is a new complaint: its speed window starts
when we see it, and its ladder runs again. reviews.window_round counts those windows, and
an escalation rung is unique per (review, round, step) instead of (review, step). Existing
rows are round 0.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("window_round", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("round", sa.Integer(), nullable=False, server_default="0"))
        batch_op.drop_constraint("uq_escalations_review_id_step", type_="unique")
        batch_op.create_unique_constraint(
            "uq_escalations_review_id_round_step", ["review_id", "round", "step"]
        )


def downgrade() -> None:
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_constraint("uq_escalations_review_id_round_step", type_="unique")
        batch_op.create_unique_constraint("uq_escalations_review_id_step", ["review_id", "step"])
        batch_op.drop_column("round")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_column("window_round")
