"""reply_batches.app_ref: where a chat app's thank-you batch card was posted

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 19:50:00

A batch offered in a Feishu group had no message recorded (Telegram's message_id is an
integer in its own chat), so the card was never redrawn as its replies reached the
platform and read "posting" for ever. The app channel and its message id are kept here.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reply_batches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("app_ref", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reply_batches", schema=None) as batch_op:
        batch_op.drop_column("app_ref")
