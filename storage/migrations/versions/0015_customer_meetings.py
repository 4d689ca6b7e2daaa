"""formal customer meetings and team charters: a team's meeting with a customer (objectives,
agenda, slot, attendees on both sides, whether a facilitator is needed), and every revision
of a team's charter (purpose, the customers' expectations and how each is measured), linked
to the meeting that prompted it

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customer_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column("objectives", sa.Text(), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("attendee_ids", sa.JSON(), nullable=False),
        sa.Column("contact_ids", sa.JSON(), nullable=False),
        sa.Column("customer_attendees", sa.Text(), nullable=True),
        sa.Column("facilitator", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("proposal", sa.JSON(), nullable=True),
        sa.Column("simplify_item_ids", sa.JSON(), nullable=True),
        sa.Column("request_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_customer_meetings_workspace_id_workspaces"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_meetings_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_customer_meetings_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["organiser_id"], ["people.id"], name=op.f("fk_customer_meetings_organiser_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_meetings")),
        sa.UniqueConstraint(
            "workspace_id",
            "request_key",
            name=op.f("uq_customer_meetings_workspace_id_request_key"),
        ),
    )
    op.create_index(
        "ix_customer_meetings_ws_starts", "customer_meetings", ["workspace_id", "starts_at"]
    )
    op.create_index(
        "ix_customer_meetings_customer", "customer_meetings", ["workspace_id", "customer_id"]
    )
    op.create_table(
        "team_charters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("expectations", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_team_charters_workspace_id_workspaces"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_team_charters_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["people.id"], name=op.f("fk_team_charters_author_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["customer_meetings.id"],
            name=op.f("fk_team_charters_meeting_id_customer_meetings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_charters")),
        sa.UniqueConstraint(
            "workspace_id",
            "team_id",
            "revision",
            name=op.f("uq_team_charters_workspace_id_team_id_revision"),
        ),
    )


def downgrade() -> None:
    op.drop_table("team_charters")
    op.drop_index("ix_customer_meetings_customer", table_name="customer_meetings")
    op.drop_index("ix_customer_meetings_ws_starts", table_name="customer_meetings")
    op.drop_table("customer_meetings")
