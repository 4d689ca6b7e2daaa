"""follow-up emails in one click: each person's preferred email client for compose links, and
a customer's own timezone for the call slots proposed to them

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("email_client", sa.String(16), nullable=True))
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("timezone", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("timezone")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("email_client")
