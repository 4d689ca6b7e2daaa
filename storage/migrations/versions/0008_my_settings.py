"""an executive's own settings in Slack: why they paused, and today's "Later today" and
"Skip today" on the morning nudge (stored, so a restart keeps them)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("paused_reason", sa.String(200), nullable=True))
        batch.add_column(sa.Column("nudge_again_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("nudge_skipped_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("nudge_skipped_on")
        batch.drop_column("nudge_again_at")
        batch.drop_column("paused_reason")
