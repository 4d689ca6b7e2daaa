"""themes: insights tagged to a theme (per touchpoint), recurring themes raised to a team's
lead as candidates (made action points or dismissed), and a team's own theme tags

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ("raised", "action", "done", "dismissed")


def upgrade() -> None:
    op.create_table(
        "insights",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("theme", sa.String(length=40), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_insights_workspace_id_workspaces")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_insights_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_insights_contact_id_contacts")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_insights_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insights")),
    )
    op.create_index("ix_insights_ws_time", "insights", ["workspace_id", "created_at"])
    op.create_table(
        "theme_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("theme", sa.String(length=40), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                *STATUSES, name="theme_status", native_enum=False, create_constraint=True, length=32
            ),
            nullable=False,
        ),
        sa.Column("insight_ids", sa.JSON(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action_text", sa.Text(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("acted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acted_by_id", sa.Integer(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("dismissed_reason", sa.Text(), nullable=True),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dismissed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_theme_candidates_workspace_id_workspaces"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_theme_candidates_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["people.id"], name=op.f("fk_theme_candidates_lead_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["people.id"], name=op.f("fk_theme_candidates_owner_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["acted_by_id"], ["people.id"], name=op.f("fk_theme_candidates_acted_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["done_by_id"], ["people.id"], name=op.f("fk_theme_candidates_done_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["dismissed_by_id"],
            ["people.id"],
            name=op.f("fk_theme_candidates_dismissed_by_id_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_candidates")),
    )
    op.create_index(
        "ix_theme_candidates_ws_theme", "theme_candidates", ["workspace_id", "theme", "team_id"]
    )
    with op.batch_alter_table("teams") as batch:
        batch.add_column(sa.Column("theme_tags", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("theme_tags")
    op.drop_index("ix_theme_candidates_ws_theme", table_name="theme_candidates")
    op.drop_table("theme_candidates")
    op.drop_index("ix_insights_ws_time", table_name="insights")
    op.drop_table("insights")
