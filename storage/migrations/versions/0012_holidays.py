"""holidays and delegates: company holidays per workspace (optionally per country), a
person's country, and an executive's delegate

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "holidays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_holidays_workspace_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holidays")),
    )
    op.create_index("ix_holidays_ws_day", "holidays", ["workspace_id", "day"])
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("country", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("delegate_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_people_delegate_id_people"), "people", ["delegate_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_constraint(op.f("fk_people_delegate_id_people"), type_="foreignkey")
        batch.drop_column("delegate_id")
        batch.drop_column("country")
    op.drop_index("ix_holidays_ws_day", table_name="holidays")
    op.drop_table("holidays")
