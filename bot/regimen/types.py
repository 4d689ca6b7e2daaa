"""The regimen's vocabulary: plain enums and dataclasses shared by planner, brief and metrics."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cached_property


class Role(StrEnum):
    EXECUTIVE = "executive"
    MEMBER = "member"
    ADMIN = "admin"


class ContactKind(StrEnum):
    PROACTIVE = "proactive"
    REACTIVE = "reactive"


class Channel(StrEnum):
    """How a contact happened. A proactive touchpoint is one of TOUCHPOINTS (logged in Slack);
    the rest come from CRMs or `/kyc log`. MEETING is also a team's formal customer meeting."""

    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    TICKET = "ticket"
    COMPLAINT = "complaint"
    ESCALATION = "escalation"
    ORDER = "order"
    OTHER = "other"
    VISIT = "visit"
    OFFICE = "office"  # the customer came to our office
    MEAL = "meal"  # lunch or dinner
    EVENT = "event"
    FLOOR = "floor"  # a back-to-the-floor shift

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]


CHANNEL_LABELS: dict[Channel, str] = {
    Channel.CALL: "Call",
    Channel.EMAIL: "Email",
    Channel.MEETING: "Meeting",
    Channel.TICKET: "Ticket",
    Channel.COMPLAINT: "Complaint",
    Channel.ESCALATION: "Escalation",
    Channel.ORDER: "Order",
    Channel.OTHER: "Other",
    Channel.VISIT: "Visit",
    Channel.OFFICE: "Customer at our office",
    Channel.MEAL: "Lunch or dinner",
    Channel.EVENT: "Event",
    Channel.FLOOR: "Back-to-the-floor shift",
}

# The kinds of proactive touchpoint an executive logs in Slack, in the order the modal offers.
TOUCHPOINTS: tuple[Channel, ...] = (
    Channel.CALL,
    Channel.VISIT,
    Channel.OFFICE,
    Channel.MEAL,
    Channel.EVENT,
    Channel.FLOOR,
)


class Outcome(StrEnum):
    REACHED = "reached"
    VOICEMAIL = "voicemail"
    EMAILED = "emailed"
    MEETING_SCHEDULED = "meeting_scheduled"
    # "Not now": no blame; the seed reads a refusal as the mark of a busy person, so the
    # customer comes round again a few weeks later.
    DECLINED = "declined"

    @property
    def reached_customer(self) -> bool:
        """Reached or a meeting booked finishes the customer for the week; the rest carry over."""
        return self in (Outcome.REACHED, Outcome.MEETING_SCHEDULED)

    @property
    def is_contact(self) -> bool:
        """The one rule every count of contacts keeps: a voicemail is an attempt, not a
        contact. A decline is a contact (the customer was spoken to and said not now), never a
        reached one (`reached_customer`)."""
        return self != Outcome.VOICEMAIL

    @property
    def label(self) -> str:
        return {
            Outcome.REACHED: "Reached",
            Outcome.VOICEMAIL: "Left voicemail",
            Outcome.EMAILED: "Emailed",
            Outcome.MEETING_SCHEDULED: "Meeting scheduled",
            Outcome.DECLINED: "Declined / not now",
        }[self]


class Sentiment(StrEnum):
    UNHAPPY = "unhappy"
    SATISFIED = "satisfied"
    PROMOTER = "promoter"

    @property
    def label(self) -> str:
        return {"unhappy": "Unhappy", "satisfied": "Satisfied", "promoter": "Promoter"}[self.value]


class BatchStatus(StrEnum):
    PLANNED = "planned"
    ATTEMPTED = "attempted"
    DONE = "done"
    CARRIED_OVER = "carried_over"
    SWAPPED = "swapped"

    @property
    def counts_toward_quota(self) -> bool:
        return self in (BatchStatus.PLANNED, BatchStatus.ATTEMPTED, BatchStatus.DONE)

    @property
    def is_open(self) -> bool:
        return self in (BatchStatus.PLANNED, BatchStatus.ATTEMPTED)


class RecoveryStatus(StrEnum):
    """A key customer's complaint on its way back (bot/regimen/recovery.py)."""

    OFFERED = "offered"  # the executive sponsor was asked to take ownership
    OWNED = "owned"  # they took it
    RECOVERED = "recovered"  # called, and the customer's next word was not a complaint
    RELAPSED = "relapsed"  # called, but the next reactive contact was another complaint

    @property
    def is_open(self) -> bool:
        return self in (RecoveryStatus.OFFERED, RecoveryStatus.OWNED)


class ItemStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


# --- planner -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerState:
    """What the planner needs to know about one customer of an executive's list."""

    customer_id: int
    name: str
    last_proactive_at: datetime | None = None
    last_sentiment: Sentiment | None = None
    reactive_since_proactive: bool = False
    paused_until: date | None = None  # out of the rotation before this day
    # When the latest proactive touch was "declined / not now": the customer sits out for a
    # few weeks (planner.in_rotation), then comes round again.
    declined_at: datetime | None = None
    key: bool = False  # a key customer: comes round every `cadence_weeks` (planner)
    cadence_weeks: int | None = None  # for key customers; None: the plain rotation
    tier: str | None = None  # what the cadence is looked up by (settings.cadence_of)


@dataclass(frozen=True)
class BatchSlot:
    customer_id: int
    position: int
    status: BatchStatus


@dataclass(frozen=True)
class PlanResult:
    """What planning a week decides: slots to keep, planned slots to drop, new slots to add."""

    keep: tuple[BatchSlot, ...]
    drop: tuple[int, ...]
    add: tuple[BatchSlot, ...]

    @property
    def slots(self) -> tuple[BatchSlot, ...]:
        return tuple(sorted(self.keep + self.add, key=lambda s: s.position))


# --- brief ---------------------------------------------------------------------------------


class ContactRole(StrEnum):
    """What a person at the customer does for us: whom the executive should call."""

    DECISION_MAKER = "decision-maker"
    USER = "user"
    PROCUREMENT = "procurement"
    TECHNICAL = "technical"
    FINANCE = "finance"
    OTHER = "other"


@dataclass(frozen=True)
class CustomerPerson:
    """One of a customer's contacts (customer_contacts), or its contact_* columns."""

    name: str
    role: ContactRole = ContactRole.OTHER
    title: str | None = None
    email: str | None = None
    phone: str | None = None
    primary: bool = False
    last_reached_on: date | None = None


@dataclass(frozen=True)
class WhomToCall:
    person: CustomerPerson
    why: str  # one short line


@dataclass(frozen=True)
class CustomerProfile:
    customer_id: int
    name: str
    customer_since: date | None = None
    tier: str | None = None
    contact_name: str | None = None
    contact_title: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    website: str | None = None
    linkedin: str | None = None
    notes: str | None = None
    timezone: str | None = None  # the customer's own, for the times proposed to them
    key: bool = False  # a key customer (README "Key customers")


@dataclass(frozen=True)
class ContactRecord:
    occurred_at: datetime
    kind: ContactKind
    channel: Channel = Channel.CALL
    outcome: Outcome | None = None
    sentiment: Sentiment | None = None
    score: int | None = None
    summary: str | None = None
    criticism: str | None = None
    details_to_remember: str | None = None
    executive_name: str | None = None
    stressed_areas: str | None = None
    make_it_great: str | None = None
    in_their_words: str | None = None


@dataclass(frozen=True)
class DoneItem:
    """An action item closed: what to tell the customer was done, and when."""

    text: str
    done_at: datetime
    owner_name: str | None = None


@dataclass(frozen=True)
class Insight:
    """What a customer said on one touchpoint that is worth reading again before the next."""

    occurred_at: datetime
    channel: Channel
    criticism: str | None = None
    stressed_areas: str | None = None
    make_it_great: str | None = None
    in_their_words: str | None = None


@dataclass(frozen=True)
class OpenItem:
    text: str
    owner_name: str | None = None
    team_name: str | None = None
    due_on: date | None = None


@dataclass(frozen=True)
class ExecutiveProfile:
    name: str
    timezone: str
    workdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    title: str | None = None
    email: str | None = None
    phone: str | None = None
    company: str | None = None
    paused_until: date | None = None  # no call slots on these days (vacation)
    holidays: frozenset[date] = frozenset()  # no call slots offered on these


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class FollowupEmail:
    to: str | None
    subject: str
    body: str
    slots: tuple[datetime, ...]


@dataclass(frozen=True)
class RecapItem:
    text: str
    owner_name: str | None = None
    due_on: date | None = None


@dataclass(frozen=True)
class RecapCall:
    """What a reached call agreed: its summary, action items, who follows up and when."""

    occurred_at: datetime
    summary: str | None = None
    items: tuple[RecapItem, ...] = ()
    follow_up_owner: str | None = None
    follow_up_on: date | None = None


@dataclass(frozen=True)
class Brief:
    customer: CustomerProfile
    tenure: str | None
    primary_contact: str | None
    last_proactive: ContactRecord | None
    open_items: tuple[OpenItem, ...]
    reactive_since: tuple[ContactRecord, ...]
    details_to_remember: tuple[str, ...]
    links: tuple[Link, ...]
    opener: str
    email_draft: Callable[[], FollowupEmail] = field(compare=False, repr=False)
    overdue_items: tuple[OpenItem, ...] = field(default=())
    call: WhomToCall | None = None
    team_notes: tuple[str, ...] = field(default=())  # the account team's heads-up replies
    insights: tuple[Insight, ...] = field(default=())  # the most recent, newest first
    done_since: tuple[DoneItem, ...] = field(default=())  # to tell the customer, newest first

    @cached_property
    def followup_email(self) -> FollowupEmail:
        """The email after a voicemail, drafted when first asked for: every morning builds
        thousands of briefs and only a few calls end in a voicemail."""
        return self.email_draft()
