"""reviews.alerted_seen_at: where a review's speed window starts

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 10:00:00

The speed window used to start at a review's first-seen time, so a review edited to
negative days later was escalated against a deadline already passed. It now starts when
the first revision staff were alerted about became visible. Existing reviews get that
time from their alerts and revisions (their first-seen time if no revision row exists).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ALERTED_KINDS = "('new', 'updated', 'malicious', 'critical')"


def upgrade() -> None:
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("alerted_seen_at", sa.DateTime(timezone=True)))
        batch_op.create_index(
            "ix_reviews_store_alerted", ["store_id", "alerted_seen_at"], unique=False
        )
    op.execute(
        "UPDATE reviews SET alerted_seen_at = COALESCE("
        " (SELECT MIN(rr.seen_at) FROM alerts a JOIN review_revisions rr"
        "  ON rr.review_id = a.review_id AND rr.revision = a.revision"
        f"  WHERE a.review_id = reviews.id AND a.kind IN {ALERTED_KINDS}),"
        " first_seen_at)"
        f" WHERE EXISTS (SELECT 1 FROM alerts a WHERE a.review_id = reviews.id"
        f"  AND a.kind IN {ALERTED_KINDS})"
    )


def downgrade() -> None:
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_reviews_store_alerted")
        batch_op.drop_column("alerted_seen_at")
