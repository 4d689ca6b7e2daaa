"""What the views draw: plain data the services fill in. Views never query."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.regimen.metrics import ExecutiveFigures, WeekPoint
from bot.regimen.types import Outcome, Sentiment


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class CallForm:
    """State of the call modal being drawn (it grows as items and kudos are added)."""

    customer: Option | None = None  # preselected customer
    item_count: int = 1
    kudos_count: int = 1
    private_metadata: str = ""
    teams: tuple[Option, ...] = ()  # static options for an item's team
    default_team: Option | None = None


@dataclass(frozen=True)
class ItemInput:
    text: str
    owner_user_id: str | None
    team_id: int | None
    due_on: date | None


@dataclass(frozen=True)
class KudosInput:
    to_user_id: str
    note: str


@dataclass(frozen=True)
class CallSubmission:
    """A validated call modal, ready for the log_call service."""

    customer_id: int
    outcome: Outcome
    sentiment: Sentiment | None
    score: int | None
    summary: str | None
    criticism: str | None
    stressed_areas: str | None
    make_it_great: str | None
    details_to_remember: str | None
    items: tuple[ItemInput, ...] = ()
    kudos: tuple[KudosInput, ...] = ()
    follow_up_owner_user_id: str | None = None
    follow_up_on: date | None = None
    success_story: bool = False


@dataclass(frozen=True)
class Person:
    """Someone as a message shows them."""

    name: str
    slack_user_id: str | None = None


@dataclass(frozen=True)
class ItemCard:
    item_id: int
    text: str
    owner: Person | None
    due_on: date | None
    done: bool = False
    done_by: Person | None = None
    overdue_days: int = 0


@dataclass(frozen=True)
class CallThread:
    """The parent message of one call's action items in a team channel."""

    executive: Person
    customer_name: str
    outcome: Outcome
    sentiment: Sentiment | None
    summary: str | None
    team_name: str
    item_count: int


@dataclass(frozen=True)
class KudosCard:
    giver: Person  # the executive
    colleague: Person
    note: str
    customer_name: str


@dataclass(frozen=True)
class CloseLoop:
    customer_name: str
    items: tuple[ItemCard, ...]


@dataclass(frozen=True)
class HomeData:
    name: str
    is_executive: bool
    is_admin: bool
    iso_week: str = ""
    quota: int = 0
    week: tuple[tuple[int, str, str], ...] = ()  # (customer id, name, status value)
    my_items: tuple[ItemCard, ...] = ()
    paused_until: date | None = None
    failed_messages: tuple[str, ...] = ()  # admins: parked outbox messages
    sending_stopped: str | None = None  # admins: why Slack refuses this workspace's token
    figures: ExecutiveFigures | None = None
    trend: tuple[WeekPoint, ...] = ()
    chart_url: str | None = None  # the 12-week chart, when the bot has a public URL
    extra: dict[str, str] = field(default_factory=dict)
