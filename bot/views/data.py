"""What the views draw: plain data the services fill in. Views never query, and never import
a service: the types they draw live here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.regimen.calendar import Regimen
from bot.regimen.floor import FloorFigures
from bot.regimen.key_customers import KeyCoverage
from bot.regimen.matchmaking import MeetHome, TeamParticipation
from bot.regimen.meeting_figures import MeetingFigures
from bot.regimen.metrics import (
    ExecutiveFigures,
    MonthMix,
    Scores,
    SentimentMix,
    WeekPoint,
    WeekScores,
    share,
)
from bot.regimen.recovery import RecoveryFigures
from bot.regimen.themes import QuarterThemes
from bot.regimen.types import BatchStatus, Brief, Channel, ContactKind, Outcome, Sentiment


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
    acting_for: str | None = None  # the executive's name, when their delegate logs it
    kind: Channel = Channel.CALL  # the touchpoint preselected (`/kyc done visit Acme`)
    themes: tuple[Option, ...] = ()  # the insight theme selects' options (built-ins if none)


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
    channel: Channel = Channel.CALL  # the kind of touchpoint (Channel.TOUCHPOINTS)
    in_their_words: str | None = None  # the customer's own vocabulary, as they said it
    insights: tuple[InsightInput, ...] = ()


@dataclass(frozen=True)
class SaidQuote:
    """A customer's words for the digest: which customer, which field, what they said."""

    customer: str
    field: str
    text: str


@dataclass(frozen=True)
class InsightInput:
    """An insight field typed in the call modal with its theme (None: not tagged)."""

    field: str
    text: str
    theme: str | None = None
    team_id: int | None = None  # the team whose tag it is (None: a built-in theme)


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
class DigestLine:
    """One item of an owner's daily digest: overdue, due today, or without a due date."""

    customer_name: str
    item: ItemCard


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
    channel: Channel = Channel.CALL  # the kind of touchpoint: "Dana's visit with Acme"


@dataclass(frozen=True)
class KudosCard:
    giver: Person  # the executive
    colleague: Person
    note: str
    customer_name: str
    channel: Channel = Channel.CALL  # the touchpoint the kudos came from


@dataclass(frozen=True)
class CloseLoop:
    customer_name: str
    items: tuple[ItemCard, ...]
    channel: Channel = Channel.CALL  # the touchpoint the items came from


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
    paused_reason: str | None = None
    failed_messages: tuple[str, ...] = ()  # admins: parked outbox messages
    sending_stopped: str | None = None  # admins: why Slack refuses this workspace's token
    figures: ExecutiveFigures | None = None
    trend: tuple[WeekPoint, ...] = ()
    call_trend: tuple[WeekScores, ...] = ()  # their calls' NPS and sentiment, 12 weeks
    chart_url: str | None = None  # the 12-week chart, when the bot has a public URL
    extra: dict[str, str] = field(default_factory=dict)
    # an executive's delegate (None: none), mentioned by their Slack id when they have one
    delegate_name: str | None = None
    delegate_user: str | None = None
    # the executives this person is the delegate of, each with their week
    acting_for: tuple[ActedFor, ...] = ()
    # the person's team (id, name), whose charter they keep (bot/services/charters.py)
    team: tuple[int, str] | None = None
    team_meetings: MeetingFigures | None = None  # the team's customer meetings this quarter
    # an executive's back-to-the-floor commitment and record (None: none set up)
    floor: FloorFigures | None = None
    # key customers of their team (every team's for an admin) with no formal meeting in 12
    # months, and their key customers' complaints (the workspace's for an admin)
    key_without_meeting: tuple[KeyCustomerLine, ...] = ()
    key_coverage: tuple[KeyCoverage, ...] = ()  # per team: key customers met formally
    recoveries: RecoveryFigures | None = None
    # matchmaking: a guest's "Meet a customer" (None: not a guest); admins: each team that
    # does not face customers, who met one
    meet: MeetHome | None = None
    participation: tuple[TeamParticipation, ...] = ()
    # executives and admins: the workspace's recurring themes this quarter
    themes: QuarterThemes | None = None


@dataclass(frozen=True)
class ActedFor:
    """An executive whose delegate sees their week on App Home, to act on it."""

    executive_id: int
    name: str
    iso_week: str
    quota: int
    week: tuple[tuple[int, str, str], ...] = ()  # (customer id, name, status value)


@dataclass(frozen=True)
class CustomerChoice:
    customer_id: int
    name: str
    in_batch: bool


@dataclass(frozen=True)
class WeekItem:
    position: int
    customer_id: int
    status: BatchStatus
    brief: Brief

    @property
    def name(self) -> str:
        return self.brief.customer.name


@dataclass(frozen=True)
class WeekView:
    executive_id: int
    executive_name: str
    slack_user_id: str | None
    regimen: Regimen
    iso_week: str
    local_date: date
    items: tuple[WeekItem, ...]
    skipped: str | None = None

    @property
    def quota(self) -> int:
        """The week's target: the quota, or fewer when the list has fewer customers."""
        if 0 < len(self.items) < self.regimen.quota:
            return len(self.items)
        return self.regimen.quota

    @property
    def done(self) -> int:
        return sum(1 for i in self.items if i.status == BatchStatus.DONE)

    @property
    def open_items(self) -> tuple[WeekItem, ...]:
        return tuple(i for i in self.items if i.status.is_open)

    @property
    def complete(self) -> bool:
        return bool(self.items) and not self.open_items


@dataclass(frozen=True)
class Report:
    iso_week: str
    executives: tuple[ExecutiveFigures, ...]
    trend: tuple[WeekPoint, ...]
    completion: tuple[float | None, ...]  # per trend week, done ÷ target over all executives
    stories: tuple[tuple[str, str], ...]  # (customer, executive) new success-story candidates
    kudos_given: int
    team: str | None = None
    sentiment_by_month: tuple[MonthMix, ...] = ()
    # 30 days' contacts of executives no longer active (left, or erased): in the totals only
    former_proactive: int = 0
    former_reactive: int = 0
    # 30 days' contacts with no executive (CRM tickets nobody was named on): the customers'
    customer_only_proactive: int = 0
    customer_only_reactive: int = 0
    call_trend: tuple[WeekScores, ...] = ()  # calls' NPS and sentiment per week, 12 weeks
    meetings: tuple[MeetingFigures, ...] = ()  # teams' customer meetings this quarter
    # each leader's back-to-the-floor record (bot/services/floor_record.py), for the digest
    floor: tuple[FloorFigures, ...] = ()
    # What customers said this week, in their words (criticism, stressed areas, …), newest
    # first; the recurring themes raised, acted on and done this quarter, and those acted on.
    quotes: tuple[SaidQuote, ...] = ()
    themes_quarter: QuarterThemes | None = None
    themes_acted: tuple[str, ...] = ()
    # key customers' complaints owned and recovered; key customers due a formal meeting
    recoveries: RecoveryFigures | None = None
    key_without_meeting: tuple[KeyCustomerLine, ...] = ()
    key_coverage: tuple[KeyCoverage, ...] = ()  # per team: key customers met formally
    # each team that does not face customers: who of its people met one (matchmaking)
    participation: tuple[TeamParticipation, ...] = ()

    @property
    def proactive(self) -> int:
        return (
            sum(f.proactive_30d for f in self.executives)
            + self.former_proactive
            + self.customer_only_proactive
        )

    @property
    def reactive(self) -> int:
        return (
            sum(f.reactive_30d for f in self.executives)
            + self.former_reactive
            + self.customer_only_reactive
        )

    @property
    def call_scores(self) -> Scores:
        """The executives' own calls' 0–10 scores, 90 days (Call NPS)."""
        return sum((f.call_scores for f in self.executives), Scores())

    @property
    def call_sentiment(self) -> SentimentMix:
        return sum((f.call_sentiment for f in self.executives), SentimentMix())

    @property
    def ticket_scores(self) -> Scores:
        """Their customers' tickets' scores, 90 days: each customer has one sponsor, so no
        ticket is counted twice."""
        return sum((f.ticket_scores for f in self.executives), Scores())

    @property
    def proactive_share(self) -> float | None:
        return share(self.proactive, self.proactive + self.reactive)

    @property
    def silent(self) -> tuple[str, ...]:
        """Executives with no customer contact at all in 30 days."""
        return tuple(f.name for f in self.executives if f.no_contact)


@dataclass(frozen=True)
class SettingsForm:
    """The workspace settings modal's initial values: the workspace's effective settings by
    Settings field name, as JSON holds them (times "HH:MM", days as weekday numbers), and the
    Slack ids of its admins."""

    values: dict[str, Any]
    admins: tuple[str, ...]


@dataclass(frozen=True)
class RosterForm:
    """A roster form in Slack: which kind ("people", "teams", "customers") and row (None: a
    new one), its fields as the roster CSV's cells, and the chosen option of each picker."""

    kind: str
    record_id: int | None
    cells: dict[str, str | None]
    picked: dict[str, Option] = field(default_factory=dict)


@dataclass(frozen=True)
class MySettingsForm:
    """An executive's own regimen as the modal shows it: their effective values ("HH:MM",
    weekday numbers, the quota, an IANA timezone) and the workspace's defaults beside them."""

    nudge_time: str
    workdays: tuple[int, ...]
    weekly_quota: int
    timezone: str
    default_nudge_time: str
    default_workdays: tuple[int, ...]
    default_quota: int
    profile_timezone: str  # the Slack profile's, or the workspace default when it has none


@dataclass(frozen=True)
class PauseForm:
    """The pause modal: the executive's local today, and the pause they have now (if any)."""

    today: date
    paused_until: date | None = None
    reason: str | None = None


@dataclass(frozen=True)
class HolidayLine:
    """One company holiday as the admin's list shows it (country None: everyone's)."""

    id: int
    day: date
    name: str
    country: str | None


@dataclass(frozen=True)
class HolidaysScreen:
    """App Home → Holidays (admins): the next holidays from the admin's local today."""

    today: date
    holidays: tuple[HolidayLine, ...] = ()


@dataclass(frozen=True)
class DelegateForm:
    """App Home → the delegate modal: who it is now (a Slack id), if anyone."""

    current_user: str | None = None


@dataclass(frozen=True)
class HistoryEntry:
    """One contact in a customer's history, as the history modal shows it."""

    occurred_at: datetime  # in the reader's zone (the service converts it)
    kind: ContactKind
    channel: Channel
    outcome: Outcome | None = None
    who: str | None = None  # the executive (and the delegate who logged it), or None
    sentiment: Sentiment | None = None
    score: int | None = None
    summary: str | None = None
    criticism: str | None = None
    stressed_areas: str | None = None
    make_it_great: str | None = None
    in_their_words: str | None = None
    details_to_remember: str | None = None
    items: tuple[str, ...] = ()  # its action items, "text (done)" or "text (open)"
    themes: tuple[str, ...] = ()  # the themes its insights were tagged to ("Product")


@dataclass(frozen=True)
class HistoryPage:
    """A page of a customer's history, newest first; `page` 0 is the newest."""

    customer_id: int
    customer_name: str
    page: int
    pages: int
    total: int
    entries: tuple[HistoryEntry, ...] = ()
    open_items: tuple[str, ...] = ()  # shown on the first page
    # also on the first page only: the key flag, its open complaints ("Complaint of … owned by
    # Dana since …"), the themes it raised ("Product (3; an action point)") and colleagues of
    # teams that do not face customers who met it, with what they learned
    key: bool = False
    recoveries: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    guests: tuple[str, ...] = ()


@dataclass(frozen=True)
class FloorForm:
    """The back-to-the-floor modal: the commitment as it stands (or empty) and the teams."""

    teams: tuple[Option, ...]
    cadence: str | None = None
    place: str | None = None
    team_id: str | None = None
    weekday: int | None = None
    active: bool = False


@dataclass(frozen=True)
class ShiftNote:
    """One back-to-the-floor shift, as its messages show it."""

    shift_id: int
    leader_name: str
    leader_user: str | None
    place: str
    team: str
    day: date
    period: str  # "December 2026", "2026 Q4"
    host_user: str | None = None  # the host team's lead asked to confirm (None: the channel)
    was_day: date | None = None  # the day first proposed, when another was proposed
    themes: tuple[Option, ...] = ()  # the after-shift modal's theme options (built-ins, tags)


@dataclass(frozen=True)
class FloorReport:
    """What a leader typed after a shift."""

    did: str
    learned: str
    criticism: str | None = None
    stressed_areas: str | None = None
    make_it_great: str | None = None
    insights: tuple[InsightInput, ...] = ()  # the fields tagged to a theme (customer themes)


@dataclass(frozen=True)
class RecoveryOffer:
    """A key customer's complaint, offered to its executive sponsor to own."""

    contact_id: int
    customer_name: str
    channel: Channel
    occurred_at: datetime  # in the sponsor's zone (the service converts it)
    summary: str | None


@dataclass(frozen=True)
class KeyCustomerLine:
    """A key customer with no formal meeting in the last 12 months."""

    name: str
    team: str | None
    last_meeting: date | None
