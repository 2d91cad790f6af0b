"""customer_cases and case_reviews: what became of each complaining customer

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 16:00:00

Only the ☎️ tap and its time were kept. A case per complaint now records the call's
outcome, what was agreed in private, a follow-up date staff are reminded of, and whether
the customer came back, with the reviews we link to the same customer and why.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "customer_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.String(length=64), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=True),
        sa.Column("complaint_rating", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        _when("opened_at", nullable=False),
        sa.Column("opened_by", sa.String(length=128), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        _when("outcome_at"),
        sa.Column("outcome_by", sa.String(length=128), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _when("reached_at"),
        sa.Column("agreement", sa.String(length=16), nullable=True),
        sa.Column("agreement_note", sa.Text(), nullable=True),
        _when("agreement_at"),
        sa.Column("agreement_by", sa.String(length=128), nullable=True),
        _when("follow_up_at"),
        sa.Column("follow_up_by", sa.String(length=128), nullable=True),
        sa.Column("follow_up_reminded", sa.Boolean(), nullable=False),
        sa.Column("came_back", sa.String(length=16), nullable=True),
        _when("came_back_at"),
        sa.Column("came_back_review_id", sa.Integer(), nullable=True),
        _when("resolved_at"),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_customer_cases_store_id_stores")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_customer_cases_review_id_reviews")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_cases")),
        sa.UniqueConstraint("review_id", name=op.f("uq_customer_cases_review_id")),
    )
    with op.batch_alter_table("customer_cases", schema=None) as batch_op:
        batch_op.create_index(
            "ix_customer_cases_store_opened", ["store_id", "opened_at"], unique=False
        )
        batch_op.create_index(
            "ix_customer_cases_follow_up", ["follow_up_reminded", "follow_up_at"], unique=False
        )
    op.create_table(
        "case_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        _when("linked_at", nullable=False),
        sa.Column("linked_by", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["customer_cases.id"], name=op.f("fk_case_reviews_case_id_customer_cases")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_case_reviews_review_id_reviews")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_reviews")),
        sa.UniqueConstraint("case_id", "review_id", name=op.f("uq_case_reviews_case_id_review_id")),
    )
    with op.batch_alter_table("case_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_reviews_review_id"), ["review_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_reviews_review_id"))
    op.drop_table("case_reviews")
    with op.batch_alter_table("customer_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_cases_follow_up")
        batch_op.drop_index("ix_customer_cases_store_opened")
    op.drop_table("customer_cases")
