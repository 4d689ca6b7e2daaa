"""back to the floor: a leader's recurring front-line shift (floor_commitments) and each
period's shift, proposed, confirmed and reported (floor_shifts)

Revision ID: 0017
Revises: 0015
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "floor_commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("executive_id", sa.Integer(), nullable=False),
        sa.Column("cadence", sa.String(length=16), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("host_team_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("stopped_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_floor_commitments_workspace_id_workspaces"),
        ),
        sa.ForeignKeyConstraint(
            ["executive_id"], ["people.id"], name=op.f("fk_floor_commitments_executive_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["host_team_id"], ["teams.id"], name=op.f("fk_floor_commitments_host_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_floor_commitments")),
        sa.UniqueConstraint(
            "workspace_id",
            "executive_id",
            name=op.f("uq_floor_commitments_workspace_id_executive_id"),
        ),
    )
    op.create_table(
        "floor_shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("executive_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("host_team_id", sa.Integer(), nullable=True),
        sa.Column("host_user_id", sa.String(length=32), nullable=True),
        sa.Column("host_channel", sa.String(length=32), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("did", sa.Text(), nullable=True),
        sa.Column("learned", sa.Text(), nullable=True),
        sa.Column("criticism", sa.Text(), nullable=True),
        sa.Column("stressed_areas", sa.Text(), nullable=True),
        sa.Column("make_it_great", sa.Text(), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("request_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_floor_shifts_workspace_id_workspaces"),
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["floor_commitments.id"],
            name=op.f("fk_floor_shifts_commitment_id_floor_commitments"),
        ),
        sa.ForeignKeyConstraint(
            ["executive_id"], ["people.id"], name=op.f("fk_floor_shifts_executive_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["host_team_id"], ["teams.id"], name=op.f("fk_floor_shifts_host_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_floor_shifts")),
        sa.UniqueConstraint(
            "workspace_id",
            "executive_id",
            "period",
            name=op.f("uq_floor_shifts_workspace_id_executive_id_period"),
        ),
        sa.UniqueConstraint(
            "workspace_id", "request_key", name=op.f("uq_floor_shifts_workspace_id_request_key")
        ),
    )
    op.create_index(
        op.f("ix_floor_shifts_commitment_id"), "floor_shifts", ["commitment_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_floor_shifts_commitment_id"), table_name="floor_shifts")
    op.drop_table("floor_shifts")
    op.drop_table("floor_commitments")
