"""customers and contacts: several contacts per customer with a role, a customer paused or
asked to move to another executive, and the account team's replies to the week's heads-up

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("decision-maker", "user", "procurement", "technical", "finance", "other")


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("paused_until", sa.Date(), nullable=True))
        batch.add_column(sa.Column("transfer_to_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_customers_transfer_to_id_people", "people", ["transfer_to_id"], ["id"]
        )
    op.create_table(
        "customer_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                *ROLES, name="contact_role", native_enum=False, create_constraint=True, length=32
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=64), nullable=True),
        sa.Column("primary", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("last_reached_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_customer_contacts_customer_id_customers"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name="fk_customer_contacts_workspace_id_workspaces"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_customer_contacts"),
    )
    op.create_index(
        "ix_customer_contacts_customer", "customer_contacts", ["workspace_id", "customer_id"]
    )
    op.create_table(
        "team_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("iso_week", sa.String(length=8), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("message_ts", sa.String(length=32), nullable=False),
        sa.Column("author_slack_id", sa.String(length=32), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_team_notes_customer_id_customers"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name="fk_team_notes_workspace_id_workspaces"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_team_notes"),
        sa.UniqueConstraint(
            "workspace_id",
            "channel_id",
            "message_ts",
            "customer_id",
            name="uq_team_notes_workspace_id_channel_id_message_ts_customer_id",
        ),
    )
    op.create_index("ix_team_notes_customer", "team_notes", ["workspace_id", "customer_id"])


def downgrade() -> None:
    op.drop_index("ix_team_notes_customer", table_name="team_notes")
    op.drop_table("team_notes")
    op.drop_index("ix_customer_contacts_customer", table_name="customer_contacts")
    op.drop_table("customer_contacts")
    with op.batch_alter_table("customers") as batch:
        batch.drop_constraint("fk_customers_transfer_to_id_people", type_="foreignkey")
        batch.drop_column("transfer_to_id")
        batch.drop_column("paused_until")
