"""quieter reminders: an action item can be snoozed, its thread noted weekly, and the
working days it has been overdue counted for the manager's escalation

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("action_items") as batch:
        batch.add_column(sa.Column("snoozed_until", sa.Date(), nullable=True))
        batch.add_column(sa.Column("noted_on", sa.Date(), nullable=True))
        batch.add_column(
            sa.Column("overdue_workdays", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("action_items") as batch:
        batch.drop_column("overdue_workdays")
        batch.drop_column("noted_on")
        batch.drop_column("snoozed_until")
