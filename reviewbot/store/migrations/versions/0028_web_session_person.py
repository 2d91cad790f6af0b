"""web_sessions.person: who a sign-in is for, by the actor id of any chat service; an
index of audit entries by actor

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 21:20:00

A web sign-in was keyed by a Telegram user id alone, so someone who uses only DingTalk,
Feishu or WeCom could not sign in to the console. The person's actor id ("wecom:…",
"feishu:ou_…", "dingtalk:…", or "telegram:123") is kept here; rows without it are
Telegram's, by user_id, as before.

Someone's latest audit entries are read on each message to a chat app (a stranger told
once an hour; a WeCom edit opened with ✏️ and its reply) and were found by a scan.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person", sa.String(length=160), nullable=True))
    op.create_index("ix_audit_actor", "audit_log", ["actor", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_actor", table_name="audit_log")
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.drop_column("person")
