"""floor insights: what a leader heard on a back-to-the-floor shift, tagged to a theme, is an
insight with no customer (insights.customer_id nullable) linked to its shift

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("insights") as batch:
        batch.alter_column("customer_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("floor_shift_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_insights_floor_shift_id_floor_shifts"),
            "floor_shifts",
            ["floor_shift_id"],
            ["id"],
        )


def downgrade() -> None:
    op.execute("DELETE FROM insights WHERE customer_id IS NULL")
    with op.batch_alter_table("insights") as batch:
        batch.drop_constraint(op.f("fk_insights_floor_shift_id_floor_shifts"), type_="foreignkey")
        batch.drop_column("floor_shift_id")
        batch.alter_column("customer_id", existing_type=sa.Integer(), nullable=False)
