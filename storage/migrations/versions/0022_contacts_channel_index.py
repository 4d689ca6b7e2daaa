"""an index for the touchpoints of one kind: key-customer coverage asks, on every App Home,
for each customer's last formal meeting (proactive contacts of channel "meeting")

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_contacts_ws_channel_customer",
        "contacts",
        ["workspace_id", "channel", "customer_id", "occurred_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_contacts_ws_channel_customer", table_name="contacts")
