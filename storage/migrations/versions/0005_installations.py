"""many workspaces: OAuth installations with encrypted tokens, OAuth state shared by every
replica, settings per workspace, uninstall with a grace period, erasure of a person

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "installations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=False, server_default=""),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("team_name", sa.String(length=200)),
        sa.Column("enterprise_name", sa.String(length=200)),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("app_id", sa.String(length=32)),
        sa.Column("bot_id", sa.String(length=32)),
        sa.Column("bot_user_id", sa.String(length=32)),
        sa.Column("bot_scopes", sa.Text()),
        sa.Column("installer_user_id", sa.String(length=32)),
        sa.Column("bot_token", sa.Text(), nullable=False),
        sa.Column("bot_refresh_token", sa.Text()),
        sa.Column("bot_token_expires_at", sa.DateTime(timezone=True)),
        sa.Column("token_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("installed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_installations_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_installations")),
        sa.UniqueConstraint(
            "enterprise_id", "team_id", name=op.f("uq_installations_enterprise_id_team_id")
        ),
    )
    op.create_index(
        op.f("ix_installations_workspace_id"), "installations", ["workspace_id"], unique=False
    )
    # slack_sdk's AsyncSQLAlchemyOAuthStateStore, its table made here so Alembic owns it.
    op.create_table(
        "oauth_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=200), nullable=False),
        sa.Column("expire_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_states")),
    )
    op.create_index(op.f("ix_oauth_states_state"), "oauth_states", ["state"], unique=False)
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.add_column(sa.Column("enterprise_id", sa.String(length=32)))
        batch_op.add_column(sa.Column("settings", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("uninstalled_at", sa.DateTime(timezone=True)))
        batch_op.add_column(sa.Column("purge_after", sa.DateTime(timezone=True)))
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.drop_column("purge_after")
        batch_op.drop_column("uninstalled_at")
        batch_op.drop_column("settings")
        batch_op.drop_column("enterprise_id")
    op.drop_index(op.f("ix_oauth_states_state"), table_name="oauth_states")
    op.drop_table("oauth_states")
    op.drop_index(op.f("ix_installations_workspace_id"), table_name="installations")
    op.drop_table("installations")
