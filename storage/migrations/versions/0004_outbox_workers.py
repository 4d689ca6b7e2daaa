"""outbox: ownership by live workers (heartbeats), not by a claim time; dead tokens stop a
workspace's sending; ambiguous tries and the first try's time for the history check

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_workers",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("hostname", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_workers")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("claimed_until")
        batch_op.add_column(
            sa.Column("ambiguous", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("first_attempt_at", sa.DateTime(timezone=True)))
        batch_op.add_column(sa.Column("channel", sa.String(length=32)))
        batch_op.create_index("ix_outbox_claimed_by", ["claimed_by"], unique=False)
        batch_op.create_index("ix_outbox_channel", ["channel", "status"], unique=False)
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sending_blocked", sa.String(length=64)))
        batch_op.add_column(sa.Column("sending_blocked_at", sa.DateTime(timezone=True)))
        batch_op.add_column(sa.Column("blocked_token", sa.String(length=64)))
    # Rows queued before this revision: their channel, for per-channel pacing.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE outbox SET channel = (payload::json ->> 'channel')")
    else:
        op.execute("UPDATE outbox SET channel = json_extract(payload, '$.channel')")


def downgrade() -> None:
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.drop_column("blocked_token")
        batch_op.drop_column("sending_blocked_at")
        batch_op.drop_column("sending_blocked")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_channel")
        batch_op.drop_index("ix_outbox_claimed_by")
        batch_op.drop_column("channel")
        batch_op.drop_column("first_attempt_at")
        batch_op.drop_column("ambiguous")
        batch_op.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True)))
    op.drop_table("outbox_workers")
