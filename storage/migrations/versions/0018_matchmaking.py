"""matchmaking: people of teams that do not face customers invited to customer touchpoints
(match_pairings), and each guest's opt-out, snooze and stop (match_guests)

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = (
    "invited",
    "joined",
    "accepted",
    "host_declined",
    "passed",
    "snoozed",
    "opted_out",
    "expired",
)


def upgrade() -> None:
    op.create_table(
        "match_pairings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("guest_id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("customer_name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("ref", sa.String(length=100), nullable=False),
        sa.Column("on", sa.Date(), nullable=True),
        sa.Column("by", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                *STATUSES,
                name="pairing_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("invited_on", sa.Date(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("host_answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("learn_asked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("learned", sa.Text(), nullable=True),
        sa.Column("learned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_match_pairings_workspace_id_workspaces"),
        ),
        sa.ForeignKeyConstraint(
            ["guest_id"], ["people.id"], name=op.f("fk_match_pairings_guest_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["host_id"], ["people.id"], name=op.f("fk_match_pairings_host_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_match_pairings_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_pairings")),
        sa.UniqueConstraint(
            "workspace_id",
            "guest_id",
            "ref",
            name=op.f("uq_match_pairings_workspace_id_guest_id_ref"),
        ),
    )
    op.create_index(
        "ix_match_pairings_guest", "match_pairings", ["workspace_id", "guest_id", "invited_on"]
    )
    op.create_index(
        "ix_match_pairings_host", "match_pairings", ["workspace_id", "host_id", "invited_on"]
    )
    op.create_table(
        "match_guests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("opted_out", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("snoozed_until", sa.Date(), nullable=True),
        sa.Column("stopped", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("reasked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_match_guests_workspace_id_workspaces"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_match_guests_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_guests")),
        sa.UniqueConstraint(
            "workspace_id", "person_id", name=op.f("uq_match_guests_workspace_id_person_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("match_guests")
    op.drop_index("ix_match_pairings_host", table_name="match_pairings")
    op.drop_index("ix_match_pairings_guest", table_name="match_pairings")
    op.drop_table("match_pairings")
