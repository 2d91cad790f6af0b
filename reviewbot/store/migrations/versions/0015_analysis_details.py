"""analyses.details: each complaint, praise and piece of malice evidence, and the script

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 12:50:00

The reply engine answers each complaint in the customer's own script, and staff and the
appeal show the evidence behind a malicious flag: the analysis keeps them beside its
contract fields. Older rows have none and read as an analysis without details.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    json_type = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    with op.batch_alter_table("analyses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("details", json_type, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("analyses", schema=None) as batch_op:
        batch_op.drop_column("details")
