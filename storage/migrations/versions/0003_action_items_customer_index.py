"""action items: index open items by customer (every brief reads them)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_action_items_customer_status",
        "action_items",
        ["workspace_id", "customer_id", "status"],
    )


def downgrade() -> None:
    op.drop_index("ix_action_items_customer_status", table_name="action_items")
