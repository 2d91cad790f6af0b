"""reviews.unanalyzed_noticed_at: when staff were told of a review the analyzer gave up on

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 21:20:00

The notice about reviews the analyzer gave up on went out with each write of the
pipeline, a chunk of ten reviews: a backlog of forty failing reviews sent four notices.
Given-up reviews are now gathered per store and told in one notice when the run ends;
this stamp marks those told (or, history, only counted), so a crash between a chunk and
the run's end loses no notice and a restart sends none twice.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("unanalyzed_noticed_at", sa.DateTime(timezone=True), nullable=True)
        )
    # Reviews given up on before this change were told with their chunk's notice.
    op.execute(
        "UPDATE reviews SET unanalyzed_noticed_at = first_seen_at"
        " WHERE needs_processing AND process_attempts >= 5"
    )


def downgrade() -> None:
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_column("unanalyzed_noticed_at")
