"""every kind of touchpoint and key customers: contacts gain the touchpoint channels (visit,
customer at our office, lunch or dinner, event, back-to-the-floor shift), the outcome
"declined / not now" and the customer's own words; customers can be key; teams can be
marked not customer-facing (their people are matched with customers)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_CHANNELS = ("call", "email", "meeting", "ticket", "complaint", "escalation", "order", "other")
NEW_CHANNELS = (*OLD_CHANNELS, "visit", "office", "meal", "event", "floor")
OLD_OUTCOMES = ("reached", "voicemail", "emailed", "meeting_scheduled")
NEW_OUTCOMES = (*OLD_OUTCOMES, "declined")


def _enum(values: Sequence[str], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _swap_checks(up: bool) -> None:
    """Redraws the CHECK constraints of the two non-native enums (a table copy on SQLite)."""
    channels, outcomes = (NEW_CHANNELS, NEW_OUTCOMES) if up else (OLD_CHANNELS, OLD_OUTCOMES)
    if op.get_bind().dialect.name == "sqlite":
        was_channels, was_outcomes = (
            (OLD_CHANNELS, OLD_OUTCOMES) if up else (NEW_CHANNELS, NEW_OUTCOMES)
        )
        with op.batch_alter_table("contacts", recreate="always") as batch:
            batch.alter_column(
                "channel",
                existing_type=_enum(was_channels, "contact_channel"),
                type_=_enum(channels, "contact_channel"),
                existing_nullable=False,
            )
            batch.alter_column(
                "outcome",
                existing_type=_enum(was_outcomes, "outcome"),
                type_=_enum(outcomes, "outcome"),
                existing_nullable=True,
            )
        return
    for column, name, values in (
        ("channel", "ck_contacts_contact_channel", channels),
        ("outcome", "ck_contacts_outcome", outcomes),
    ):
        op.drop_constraint(op.f(name), "contacts", type_="check")
        allowed = ", ".join(f"'{v}'" for v in values)
        op.create_check_constraint(op.f(name), "contacts", sa.text(f"{column} IN ({allowed})"))


def upgrade() -> None:
    _swap_checks(up=True)
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("in_their_words", sa.Text(), nullable=True))
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("key", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("teams") as batch:
        batch.add_column(
            sa.Column("customer_facing", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("customer_facing")
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("key")
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("in_their_words")
    # The older schema knows these touchpoints only as meetings, and no "declined".
    op.execute(
        sa.text(
            "UPDATE contacts SET channel = 'meeting'"
            " WHERE channel IN ('visit', 'office', 'meal', 'event', 'floor')"
        )
    )
    op.execute(sa.text("UPDATE contacts SET outcome = NULL WHERE outcome = 'declined'"))
    _swap_checks(up=False)
