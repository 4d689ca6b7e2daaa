"""meeting changes: a formal customer meeting can be moved (its calendar file's SEQUENCE goes
up each time) or cancelled (when, and the organiser's one-line reason); a matchmaking pairing
whose meeting or shift was cancelled is "cancelled" (it does not count against the guest)

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUSES = (
    "invited",
    "joined",
    "accepted",
    "host_declined",
    "passed",
    "snoozed",
    "opted_out",
    "expired",
)
NEW_STATUSES = (*OLD_STATUSES, "cancelled")
CHECK = "ck_match_pairings_pairing_status"


def _enum(values: Sequence[str]) -> sa.Enum:
    return sa.Enum(
        *values, name="pairing_status", native_enum=False, create_constraint=True, length=32
    )


def _swap_check(up: bool) -> None:
    """Redraws the CHECK constraint of the pairing's status (a table copy on SQLite)."""
    now, was = (NEW_STATUSES, OLD_STATUSES) if up else (OLD_STATUSES, NEW_STATUSES)
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("match_pairings", recreate="always") as batch:
            batch.alter_column(
                "status", existing_type=_enum(was), type_=_enum(now), existing_nullable=False
            )
        return
    op.drop_constraint(op.f(CHECK), "match_pairings", type_="check")
    allowed = ", ".join(f"'{v}'" for v in now)
    op.create_check_constraint(op.f(CHECK), "match_pairings", sa.text(f"status IN ({allowed})"))


def upgrade() -> None:
    with op.batch_alter_table("customer_meetings") as batch:
        batch.add_column(
            sa.Column("sequence", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("cancel_reason", sa.Text(), nullable=True))
    _swap_check(up=True)


def downgrade() -> None:
    # The older schema has no cancelled pairing: it reads as the host's decline (not the
    # guest's turn), which is what a cancellation meant to the guest.
    op.execute("UPDATE match_pairings SET status = 'host_declined' WHERE status = 'cancelled'")
    _swap_check(up=False)
    with op.batch_alter_table("customer_meetings") as batch:
        batch.drop_column("cancel_reason")
        batch.drop_column("cancelled_at")
        batch.drop_column("sequence")
