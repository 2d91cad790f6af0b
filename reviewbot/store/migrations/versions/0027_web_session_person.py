"""web_sessions.person: who a sign-in is for, by the actor id of any chat service

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 21:20:00

A web sign-in was keyed by a Telegram user id alone, so someone who uses only DingTalk,
Feishu or WeCom could not sign in to the console. The person's actor id ("wecom:…",
"feishu:ou_…", "dingtalk:…", or "telegram:123") is kept here; rows without it are
Telegram's, by user_id, as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person", sa.String(length=160), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.drop_column("person")
