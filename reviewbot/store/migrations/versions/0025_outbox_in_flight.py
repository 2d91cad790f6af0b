"""outbox.in_flight_since: an attempt under way, committed before its request goes out

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 18:30:00

A daemon killed after the far side took a message (Telegram has no idempotency key) and
before the send was recorded used to send it again without knowing. The stamp is written
before the request and cleared with its outcome, so a row found stamped is one whose last
attempt was cut off: its repeat is marked as possibly repeated, and a reply is re-read on
the platform before it is posted again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("in_flight_since", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("in_flight_since")
