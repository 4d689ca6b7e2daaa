"""recoveries: a key customer's complaint offered to its executive sponsor, owned, called and
recovered (one per complaint contact)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ("offered", "owned", "recovered", "relapsed")


def upgrade() -> None:
    op.create_table(
        "recoveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("complaint_contact_id", sa.Integer(), nullable=False),
        sa.Column("executive_id", sa.Integer(), nullable=True),
        sa.Column("complained_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("owned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_call_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recovered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                *STATUSES,
                name="recovery_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_recoveries_workspace_id_workspaces")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_recoveries_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["complaint_contact_id"],
            ["contacts.id"],
            name=op.f("fk_recoveries_complaint_contact_id_contacts"),
        ),
        sa.ForeignKeyConstraint(
            ["executive_id"], ["people.id"], name=op.f("fk_recoveries_executive_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recoveries")),
        sa.UniqueConstraint(
            "workspace_id",
            "complaint_contact_id",
            name=op.f("uq_recoveries_workspace_id_complaint_contact_id"),
        ),
    )
    op.create_index("ix_recoveries_ws_status", "recoveries", ["workspace_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_recoveries_ws_status", table_name="recoveries")
    op.drop_table("recoveries")
