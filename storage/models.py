"""The database schema as typed SQLAlchemy 2 models. Every row belongs to one workspace.
(One module on purpose: the schema is read as a whole, beside the migrations.)"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.regimen.matchmaking import PairingStatus
from bot.regimen.types import (
    BatchStatus,
    Channel,
    ContactKind,
    ContactRole,
    ItemStatus,
    Outcome,
    RecoveryStatus,
    Role,
    Sentiment,
)

NAMING = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC on every engine and always hands back an aware datetime (SQLite drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def str_enum(cls: type[StrEnum], name: str) -> Enum:
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, dict[str, Any]: JSON}


class Workspace(Base):
    __tablename__ = "workspaces"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # Slack team id
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Slack refused the token (token_revoked, invalid_auth, …): nothing is sent for this
    # workspace while the token with this fingerprint is the one configured.
    sending_blocked: Mapped[str | None] = mapped_column(String(64))
    sending_blocked_at: Mapped[datetime | None] = mapped_column()
    blocked_token: Mapped[str | None] = mapped_column(String(64))
    enterprise_id: Mapped[str | None] = mapped_column(String(32))  # Enterprise Grid org
    # What an admin set in Slack (bot/tenancy/workspace_settings.py); the environment gives
    # the defaults for whatever is not here.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    # Uninstalled: no token, nothing sent; the data waits for a reinstall until purge_after.
    uninstalled_at: Mapped[datetime | None] = mapped_column()
    purge_after: Mapped[datetime | None] = mapped_column()


class Installation(Base):
    """A workspace's installation of the app, through OAuth or from SLACK_BOT_TOKEN. Tokens
    are stored encrypted (bot/tenancy/crypto.py), never in clear."""

    __tablename__ = "installations"
    __table_args__ = (UniqueConstraint("enterprise_id", "team_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    enterprise_id: Mapped[str] = mapped_column(String(32), default="", server_default="")
    team_id: Mapped[str] = mapped_column(String(32))
    team_name: Mapped[str | None] = mapped_column(String(200))
    enterprise_name: Mapped[str | None] = mapped_column(String(200))
    is_enterprise_install: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    app_id: Mapped[str | None] = mapped_column(String(32))
    bot_id: Mapped[str | None] = mapped_column(String(32))
    bot_user_id: Mapped[str | None] = mapped_column(String(32))
    bot_scopes: Mapped[str | None] = mapped_column(Text)
    installer_user_id: Mapped[str | None] = mapped_column(String(32))
    bot_token: Mapped[str] = mapped_column(Text)  # encrypted
    bot_refresh_token: Mapped[str | None] = mapped_column(Text)  # encrypted
    bot_token_expires_at: Mapped[datetime | None] = mapped_column()
    token_fingerprint: Mapped[str] = mapped_column(String(64))
    installed_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OAuthState(Base):
    """slack_sdk's AsyncSQLAlchemyOAuthStateStore table: one row per install begun, consumed
    once by whichever replica Slack redirects to."""

    __tablename__ = "oauth_states"
    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(200), index=True)
    expire_at: Mapped[datetime] = mapped_column(DateTime)  # naive UTC, as the sdk writes it


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    channel_name: Mapped[str | None] = mapped_column(String(200))
    # False for HR, Engineering, Risk, Legal…: their people are matched with customers.
    customer_facing: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # The team's own themes beside product/process/policy/people: "onboarding,billing".
    theme_tags: Mapped[str | None] = mapped_column(String(500))


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("workspace_id", "email"),
        UniqueConstraint("workspace_id", "slack_user_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    slack_user_id: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"), default=Role.MEMBER)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    timezone: Mapped[str | None] = mapped_column(String(64))  # roster override
    slack_tz: Mapped[str | None] = mapped_column(String(64))  # from the Slack profile
    workdays: Mapped[str | None] = mapped_column(String(40))  # "mon,tue,..."; None = default
    nudge_time: Mapped[time | None] = mapped_column(Time)
    paused_until: Mapped[date | None] = mapped_column(Date)
    paused_reason: Mapped[str | None] = mapped_column(String(200))
    email_client: Mapped[str | None] = mapped_column(String(16))  # mailto | gmail | outlook
    weekly_quota: Mapped[int | None] = mapped_column(Integer)
    # The morning nudge's "Later today" (the instant to nudge again) and "Skip today" (the
    # executive's local date with no more nudges).
    nudge_again_at: Mapped[datetime | None] = mapped_column()
    nudge_skipped_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    country: Mapped[str | None] = mapped_column(String(8))  # which company holidays apply
    # An executive's chief of staff, who may act for them (bot/services/identity.acting_for).
    delegate_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    erased_at: Mapped[datetime | None] = mapped_column()  # `kyc person erase`: no personal data

    manager: Mapped[Person | None] = relationship(
        remote_side=[id], foreign_keys=[manager_id], lazy="raise"
    )
    team: Mapped[Team | None] = relationship(lazy="raise")


class Holiday(Base):
    """A company holiday: a non-working day for everyone, or for the people of one country."""

    __tablename__ = "holidays"
    __table_args__ = (Index("ix_holidays_ws_day", "workspace_id", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    day: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(8))  # None: the whole company
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (
        UniqueConstraint("workspace_id", "external_id"),
        Index("ix_customers_ws_exec", "workspace_id", "executive_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    external_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    customer_since: Mapped[date | None] = mapped_column(Date)
    tier: Mapped[str | None] = mapped_column(String(50))
    key: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    executive_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_title: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    contact_phone: Mapped[str | None] = mapped_column(String(64))
    website: Mapped[str | None] = mapped_column(String(500))
    linkedin: Mapped[str | None] = mapped_column(String(500))
    notes: Mapped[str | None] = mapped_column(Text)
    timezone: Mapped[str | None] = mapped_column(String(64))  # the times proposed to them
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Out of the rotation through this day (the executive paused it from the brief or App Home).
    paused_until: Mapped[date | None] = mapped_column(Date)
    # Asked to move to this executive; the customer stays until an admin accepts.
    transfer_to_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class CustomerContact(Base):
    """One person at a customer, with what they do for us (the brief names whom to call)."""

    __tablename__ = "customer_contacts"
    __table_args__ = (Index("ix_customer_contacts_customer", "workspace_id", "customer_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[ContactRole] = mapped_column(
        str_enum(ContactRole, "contact_role"), default=ContactRole.OTHER
    )
    title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(64))
    primary: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    last_reached_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TeamNote(Base):
    """A reply in an account team's heads-up thread, shown in the customer's brief."""

    __tablename__ = "team_notes"
    __table_args__ = (
        UniqueConstraint("workspace_id", "channel_id", "message_ts", "customer_id"),
        Index("ix_team_notes_customer", "workspace_id", "customer_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    iso_week: Mapped[str] = mapped_column(String(8))
    channel_id: Mapped[str] = mapped_column(String(32))
    message_ts: Mapped[str] = mapped_column(String(32))
    author_slack_id: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Contact(Base):
    """Every customer interaction: proactive calls logged in Slack, reactive ones from a CRM."""

    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("workspace_id", "external_ref"),
        UniqueConstraint("workspace_id", "request_key"),
        Index("ix_contacts_customer_time", "workspace_id", "customer_id", "occurred_at"),
        Index("ix_contacts_exec_time", "workspace_id", "executive_id", "occurred_at"),
        # a kind of touchpoint per customer: the last formal meeting (key-customer coverage)
        Index(
            "ix_contacts_ws_channel_customer",
            "workspace_id",
            "channel",
            "customer_id",
            "occurred_at",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    executive_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[ContactKind] = mapped_column(str_enum(ContactKind, "contact_kind"))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "contact_channel"))
    outcome: Mapped[Outcome | None] = mapped_column(str_enum(Outcome, "outcome"))
    sentiment: Mapped[Sentiment | None] = mapped_column(str_enum(Sentiment, "sentiment"))
    score: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str | None] = mapped_column(Text)
    criticism: Mapped[str | None] = mapped_column(Text)
    stressed_areas: Mapped[str | None] = mapped_column(Text)
    make_it_great: Mapped[str | None] = mapped_column(Text)
    details_to_remember: Mapped[str | None] = mapped_column(Text)
    in_their_words: Mapped[str | None] = mapped_column(Text)  # the customer's own vocabulary
    success_story: Mapped[bool] = mapped_column(Boolean, default=False)
    follow_up_owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    occurred_at: Mapped[datetime] = mapped_column()
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    source: Mapped[str] = mapped_column(String(20), default="slack")
    external_ref: Mapped[str | None] = mapped_column(String(100))  # CRM id, for idempotent import
    request_key: Mapped[str | None] = mapped_column(String(200))  # dedupes a resubmitted modal
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Insight(Base):
    """What a customer said at a touchpoint (criticism, a stressed area, what would make it
    great, their own words), tagged to a theme owned by a team (bot/services/themes.py).

    Or what a leader heard on a back-to-the-floor shift (`floor_shift_id`; no customer, no
    contact): a shift serves many customers and names none, so its insight has customer_id
    NULL. The weekly grouping counts DISTINCT customers and a shift is none: its insights never
    make a theme recur, but they go with a candidate of the same theme as supporting evidence
    the lead reads (bot/regimen/themes.py)."""

    __tablename__ = "insights"
    __table_args__ = (Index("ix_insights_ws_time", "workspace_id", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))  # None: a shift
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    floor_shift_id: Mapped[int | None] = mapped_column(ForeignKey("floor_shifts.id"))
    field: Mapped[str] = mapped_column(String(32))  # criticism | stressed_areas | make_it_great…
    text: Mapped[str] = mapped_column(Text)
    theme: Mapped[str | None] = mapped_column(String(40))  # None: not tagged
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))  # the theme's owner
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ThemeStatus(StrEnum):
    RAISED = "raised"  # with the team's lead, to act on or dismiss
    ACTION = "action"  # an action point, open
    DONE = "done"
    DISMISSED = "dismissed"


class ThemeCandidate(Base):
    """A theme three or more customers raised (bot/regimen/themes.py), put to its team's lead."""

    __tablename__ = "theme_candidates"
    __table_args__ = (Index("ix_theme_candidates_ws_theme", "workspace_id", "theme", "team_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    theme: Mapped[str] = mapped_column(String(40))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    status: Mapped[ThemeStatus] = mapped_column(str_enum(ThemeStatus, "theme_status"))
    insight_ids: Mapped[list[int]] = mapped_column(JSON)  # the quotes behind it
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    raised_at: Mapped[datetime] = mapped_column()
    action_text: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    due_on: Mapped[date | None] = mapped_column(Date)
    channel_id: Mapped[str | None] = mapped_column(String(32))  # the action point's thread
    acted_at: Mapped[datetime | None] = mapped_column()
    acted_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    done_at: Mapped[datetime | None] = mapped_column()
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    dismissed_reason: Mapped[str | None] = mapped_column(Text)
    dismissed_at: Mapped[datetime | None] = mapped_column()
    dismissed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class Kudos(Base):
    __tablename__ = "kudos"
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    from_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    to_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ActionItem(Base):
    __tablename__ = "action_items"
    __table_args__ = (
        Index("ix_action_items_owner_status", "workspace_id", "owner_id", "status"),
        # A brief's open items, customer by customer.
        Index("ix_action_items_customer_status", "workspace_id", "customer_id", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ItemStatus] = mapped_column(str_enum(ItemStatus, "item_status"))
    done_at: Mapped[datetime | None] = mapped_column()
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    channel_id: Mapped[str | None] = mapped_column(String(32))  # where its thread reply lives
    message_ts: Mapped[str | None] = mapped_column(String(32))
    last_reminded_on: Mapped[date | None] = mapped_column(Date)  # the last digest it was in
    escalated_at: Mapped[datetime | None] = mapped_column()
    # The owner's daily digest (bot/regimen/reminders.py): out of it until this day; the last
    # overdue note in its thread; how many of the owner's digests it was overdue in.
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    noted_on: Mapped[date | None] = mapped_column(Date)
    overdue_workdays: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BatchEntry(Base):
    """One customer of an executive's weekly batch."""

    __tablename__ = "batch_entries"
    __table_args__ = (
        UniqueConstraint("workspace_id", "executive_id", "iso_week", "customer_id"),
        Index("ix_batch_exec_week", "workspace_id", "executive_id", "iso_week"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    executive_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    iso_week: Mapped[str] = mapped_column(String(8))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[BatchStatus] = mapped_column(str_enum(BatchStatus, "batch_status"))
    swap_reason: Mapped[str | None] = mapped_column(String(500))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Recovery(Base):
    """A key customer's complaint or escalation, offered to its executive sponsor to own
    (bot/services/recoveries.py; the rule that closes it: bot/regimen/recovery.py). One per
    complaint contact: the offer DM and the ownership post are sent once."""

    __tablename__ = "recoveries"
    __table_args__ = (
        UniqueConstraint("workspace_id", "complaint_contact_id"),
        Index("ix_recoveries_ws_status", "workspace_id", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    complaint_contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    executive_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    complained_at: Mapped[datetime] = mapped_column()
    offered_at: Mapped[datetime | None] = mapped_column()
    owned_at: Mapped[datetime | None] = mapped_column()
    first_call_at: Mapped[datetime | None] = mapped_column()
    recovered_at: Mapped[datetime | None] = mapped_column()
    status: Mapped[RecoveryStatus] = mapped_column(
        str_enum(RecoveryStatus, "recovery_status"), default=RecoveryStatus.OFFERED
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MatchPairing(Base):
    """A person of a team that does not face customers invited to a customer touchpoint
    (bot/regimen/matchmaking.py), with how it went and what they learned."""

    __tablename__ = "match_pairings"
    __table_args__ = (
        UniqueConstraint("workspace_id", "guest_id", "ref"),
        Index("ix_match_pairings_guest", "workspace_id", "guest_id", "invited_on"),
        Index("ix_match_pairings_host", "workspace_id", "host_id", "invited_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    guest_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    host_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    customer_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))  # the opportunity's source
    ref: Mapped[str] = mapped_column(String(100))  # the opportunity, e.g. "batch:12"
    on: Mapped[date | None] = mapped_column(Date)  # its day, when known
    by: Mapped[date] = mapped_column(Date)  # else some day of the week ending on this one
    status: Mapped[PairingStatus] = mapped_column(
        str_enum(PairingStatus, "pairing_status"), default=PairingStatus.INVITED
    )
    invited_on: Mapped[date] = mapped_column(Date)
    answered_at: Mapped[datetime | None] = mapped_column()
    host_answered_at: Mapped[datetime | None] = mapped_column()
    learn_asked_at: Mapped[datetime | None] = mapped_column()
    learned: Mapped[str | None] = mapped_column(Text)  # "What did you learn?", in their words
    learned_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MatchGuest(Base):
    """A guest's own choices about matchmaking: opted out, snoozed, or stopped after three
    unanswered invitations (and asked again once)."""

    __tablename__ = "match_guests"
    __table_args__ = (UniqueConstraint("workspace_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    stopped: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    reasked_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Submission(Base):
    """What a user submitted, kept before Slack is answered and turned into records right
    after (bot/services/inbox.py); a row left here (the process died meanwhile) is done by
    the scheduler's sweep. Deleted once done."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("workspace_id", "request_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(String(20))
    request_key: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(Base):
    """A Slack call the bot owes, written in the same transaction as the event that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("key"),
        Index("ix_outbox_status_due", "status", "next_attempt_at"),
        # The claim's thread-order check looks up a message's siblings by parent.
        Index("ix_outbox_parent", "parent_key", "status", "id"),
        Index("ix_outbox_claimed_by", "claimed_by"),
        Index("ix_outbox_channel", "channel", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    key: Mapped[str] = mapped_column(String(300))  # idempotency key, unique
    method: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    parent_key: Mapped[str | None] = mapped_column(String(300))  # thread replies wait for it
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The live worker delivering it (see OutboxWorker); NULL when nobody holds it.
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    # An earlier try may have reached Slack: look for it before posting again.
    ambiguous: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    first_attempt_at: Mapped[datetime | None] = mapped_column()  # the history check's horizon
    channel: Mapped[str | None] = mapped_column(String(32))  # for per-channel pacing
    result_channel: Mapped[str | None] = mapped_column(String(32))
    result_ts: Mapped[str | None] = mapped_column(String(32))
    ref_kind: Mapped[str | None] = mapped_column(String(32))  # what to note the ts on
    ref_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()


class OutboxWorker(Base):
    """A process delivering the outbox. It owns the messages it claimed for as long as its
    heartbeat is fresh; a stale one is pruned and its messages go to the next worker."""

    __tablename__ = "outbox_workers"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    hostname: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)


class CustomerMeeting(Base):
    """A team's formal meeting with a customer (bot/services/meetings/): requested with its
    objectives and agenda, prepared, then recorded as a proactive contact per attendee."""

    __tablename__ = "customer_meetings"
    __table_args__ = (
        UniqueConstraint("workspace_id", "request_key"),
        Index("ix_customer_meetings_ws_starts", "workspace_id", "starts_at"),
        Index("ix_customer_meetings_customer", "workspace_id", "customer_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    organiser_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    objectives: Mapped[str] = mapped_column(Text)
    agenda: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column()
    minutes: Mapped[int] = mapped_column(Integer, default=60)
    timezone: Mapped[str] = mapped_column(String(64))  # the organiser's, as the time was typed
    attendee_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # people on our side
    contact_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # customer_contacts
    customer_attendees: Mapped[str | None] = mapped_column(Text)  # as typed: names, emails
    facilitator: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    kind: Mapped[str | None] = mapped_column(String(32))  # MeetingKind, once held
    # Once held, the organiser's record: when, and the charter revision it proposes
    # ({"purpose": ..., "expectations": [...], "base": the revision it was drawn from}).
    recorded_at: Mapped[datetime | None] = mapped_column()
    proposal: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # the action items its "what could be simplified or eliminated" became
    simplify_item_ids: Mapped[list[int] | None] = mapped_column(JSON)
    request_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Moved: its calendar file's SEQUENCE, one up per change (RFC 5545 3.8.7.4), so calendars
    # update the event. Cancelled before it was recorded: when, and the organiser's reason.
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    cancelled_at: Mapped[datetime | None] = mapped_column()
    cancel_reason: Mapped[str | None] = mapped_column(Text)


class TeamCharter(Base):
    """One revision of a team's charter (its purpose and its customers' expectations, each
    with how the team measures it): every edit is a new row, the full text kept."""

    __tablename__ = "team_charters"
    __table_args__ = (UniqueConstraint("workspace_id", "team_id", "revision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    revision: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(Text)
    # [{"expectation": "...", "measure": "..."}], in the team's order
    expectations: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("customer_meetings.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FloorCommitment(Base):
    """A leader's back-to-the-floor commitment (bot/regimen/floor.py): a shift of front-line
    work each month or quarter, at a place, hosted by a team. One per leader; stopped, it stays
    (its missed periods end with it)."""

    __tablename__ = "floor_commitments"
    __table_args__ = (UniqueConstraint("workspace_id", "executive_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    executive_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    cadence: Mapped[str] = mapped_column(String(16))  # floor.Cadence
    place: Mapped[str] = mapped_column(String(200))
    host_team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    weekday: Mapped[int | None] = mapped_column(Integer)  # preferred, Monday is 0
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    started_on: Mapped[date] = mapped_column(Date)  # the leader's local date it was set up
    stopped_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class FloorShift(Base):
    """One period's back-to-the-floor shift: proposed, confirmed by the host team's lead, then
    what the leader did and learned. Its own table, not a Contact: a shift serves many customers
    and names none (contacts.customer_id is NOT NULL), and counting it as a proactive contact
    would swell the proactive share and coverage figures with calls no customer received. The
    figures count shifts apart (bot/services/floor_record.py)."""

    __tablename__ = "floor_shifts"
    __table_args__ = (
        UniqueConstraint("workspace_id", "executive_id", "period"),
        UniqueConstraint("workspace_id", "request_key"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    commitment_id: Mapped[int] = mapped_column(ForeignKey("floor_commitments.id"), index=True)
    executive_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    period: Mapped[str] = mapped_column(String(8))  # "2026-12" or "2026-Q4"
    day: Mapped[date] = mapped_column(Date)  # proposed, then agreed
    status: Mapped[str] = mapped_column(String(16))  # floor.ShiftStatus
    place: Mapped[str] = mapped_column(String(200))
    host_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    host_user_id: Mapped[str | None] = mapped_column(String(32))  # the lead asked to confirm
    host_channel: Mapped[str | None] = mapped_column(String(32))  # or the team's channel
    confirmed_at: Mapped[datetime | None] = mapped_column()
    did: Mapped[str | None] = mapped_column(Text)
    learned: Mapped[str | None] = mapped_column(Text)
    criticism: Mapped[str | None] = mapped_column(Text)
    stressed_areas: Mapped[str | None] = mapped_column(Text)
    make_it_great: Mapped[str | None] = mapped_column(Text)
    reported_at: Mapped[datetime | None] = mapped_column()
    request_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
