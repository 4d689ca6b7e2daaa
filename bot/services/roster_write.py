"""Checking a parsed roster file against the database, then upserting it (roster_import's half
that touches storage). Problems are added to `rows.errors`; the caller rolls back if any.
(Long on purpose: one check-then-upsert per kind, each checking its own references.)"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.types import Channel, ContactKind, Role
from bot.services import roster_lookup
from storage.models import Base, Contact, Customer, Person, Team

if TYPE_CHECKING:
    from bot.services.roster_import import Row, Rows

Counts = tuple[int, int, int]


def person_key(ref: str) -> str:
    """A person reference as the roster lookups key it: emails lower-cased, Slack ids as given."""
    return ref.lower() if "@" in ref else ref


def direct_columns(kind: str, *references: str) -> dict[str, str]:
    """The file's columns stored under the same name (references are resolved separately)."""
    from bot.services.roster_import import SPEC

    return {column: column for column in SPEC[kind] if column not in references}


def _set(obj: Base, values: dict[str, Any], mapping: dict[str, str]) -> bool:
    """Copy the present columns onto the row; True when anything changed."""
    changed = False
    for column, attr in mapping.items():
        if column in values and getattr(obj, attr) != values[column]:
            setattr(obj, attr, values[column])
            changed = True
    return changed


def _duplicates(rows: Rows, column: str, normalise: Any = str) -> None:
    seen: dict[Any, int] = {}
    for row in rows.rows:
        value = row.values.get(column)
        if value is None:
            continue
        key = normalise(value)
        if key in seen:
            rows.error(
                row.line,
                column,
                f"duplicate {column.replace('_', ' ')} '{value}' (also on line {seen[key]})",
            )
        else:
            seen[key] = row.line


async def apply(session: AsyncSession, ws: str, rows: Rows) -> Counts:

    if rows.kind == "holidays":
        from bot.services.holidays import write_rows

        return await write_rows(session, ws, rows)
    if rows.kind == "teams":
        _duplicates(rows, "name", str.lower)
        return await _teams(session, ws, rows, await roster_lookup.lookup_teams(session, ws))
    if rows.kind == "people":
        _duplicates(rows, "email", str.lower)
        _duplicates(rows, "slack_user_id")
        return await _people(session, ws, rows)
    if rows.kind == "customers":
        _duplicates(rows, "external_id")
        return await _customers(session, ws, rows)
    if rows.kind == "customer-contacts":
        from bot.services.customer_contacts_write import customer_contacts

        return await customer_contacts(session, ws, rows)
    _duplicates(rows, "external_ref")
    return await _contacts(session, ws, rows)


async def _upsert(
    session: AsyncSession,
    found: Base | None,
    new: Any,
    values: dict[str, Any],
    mapping: dict[str, str],
    counts: list[int],
) -> Any:
    if found is None:
        obj = new()
        _set(obj, values, mapping)
        session.add(obj)
        counts[0] += 1
        return obj
    counts[1 if _set(found, values, mapping) else 2] += 1
    return found


async def _teams(session: AsyncSession, ws: str, rows: Rows, teams: dict[str, Team]) -> Counts:
    if rows.errors:
        return 0, 0, 0
    for row in rows.rows:
        if "target" in row.refs and row.values.get("name"):
            _taken(rows, row, row.refs["target"], {"name": teams.get(row.values["name"].lower())})
    if rows.errors:
        return 0, 0, 0
    counts = [0, 0, 0]
    mapping = direct_columns("teams")
    for row in rows.rows:
        name = row.values.get("name")
        if name is None:
            continue
        if "customer_facing" in row.values and row.values["customer_facing"] is None:
            row.values["customer_facing"] = True
        await _upsert(
            session,
            row.refs["target"] if "target" in row.refs else teams.get(name.lower()),
            lambda: Team(workspace_id=ws),
            row.values,
            mapping,
            counts,
        )
    return counts[0], counts[1], counts[2]


async def _people(session: AsyncSession, ws: str, rows: Rows) -> Counts:

    people = await roster_lookup.lookup_people(session, ws)
    teams = await roster_lookup.lookup_teams(session, ws)
    in_file: dict[str, Row] = {}
    for row in rows.rows:
        v = row.values
        if not v.get("email") and not v.get("slack_user_id"):
            rows.error(row.line, "email", "give an email or a slack_user_id")
        by_email = people.get(v.get("email") or "")
        by_slack = people.get(v.get("slack_user_id") or "")
        if "target" in row.refs:  # a form in Slack: this person (None: someone new), by id
            _taken(rows, row, row.refs["target"], {"email": by_email, "slack_user_id": by_slack})
            row.refs["existing"] = row.refs["target"]
        else:
            if by_email and by_slack and by_email.id != by_slack.id:
                rows.error(
                    row.line,
                    "slack_user_id",
                    f"'{v['slack_user_id']}' belongs to {by_slack.name}, not {by_email.name}",
                )
            row.refs["existing"] = by_email or by_slack
        if v.get("team") and v["team"].lower() not in teams:
            rows.error(row.line, "team", f"unknown team '{v['team']}' (import teams first)")
        for key in (v.get("email"), v.get("slack_user_id")):
            if key:
                in_file[key] = row
    for row in rows.rows:  # managers may be defined anywhere in the file, or already stored
        ref = row.values.get("manager")
        if ref and person_key(ref) not in in_file and person_key(ref) not in people:
            rows.error(row.line, "manager", f"unknown manager '{ref}' (not in this file or people)")
        elif ref and in_file.get(person_key(ref)) is row:
            rows.error(row.line, "manager", "someone cannot be their own manager")
    if rows.errors:
        return 0, 0, 0

    counts = [0, 0, 0]
    mapping = direct_columns("people", "team", "manager")
    saved: dict[int, Person] = {}
    for row in rows.rows:
        v = dict(row.values)
        if "role" in v and v["role"] is None:
            v["role"] = Role.MEMBER
        if "active" in v and v["active"] is None:
            v["active"] = True
        if "team" in v:
            team = teams.get((v["team"] or "").lower())
            v["team_id"] = team.id if team else None
        person = await _upsert(
            session,
            row.refs.get("existing"),
            lambda: Person(workspace_id=ws, role=Role.MEMBER, active=True),
            v,
            {**mapping, "team_id": "team_id"},
            counts,
        )
        saved[row.line] = person
    await session.flush()
    for row in rows.rows:
        ref = row.values.get("manager")
        person = saved[row.line]
        if "manager" not in row.values:
            continue
        manager = None
        if ref:
            key = person_key(ref)
            manager = saved[in_file[key].line] if key in in_file else people[key]
        new_id = manager.id if manager else None
        if person.manager_id != new_id:
            person.manager_id = new_id
    _check_cycles(rows, saved, people)
    return counts[0], counts[1], counts[2]


def _taken(rows: Rows, row: Row, target: Base | None, found: dict[str, Base | None]) -> None:
    """A form edits one row by id: a key it gives that belongs to another row is an error
    (in a file, the key says which row to update instead)."""
    for column, other in found.items():
        if other is not None and (target is None or other is not target):
            who = getattr(other, "name", "")
            rows.error(row.line, column, f"'{row.values[column]}' is already {who}'s")


def _check_cycles(rows: Rows, saved: dict[int, Person], known: dict[str, Person]) -> None:
    # The file's people and everyone already stored: a loop may run through either.
    by_id = {p.id: p for p in known.values()} | {p.id: p for p in saved.values()}
    for line, person in saved.items():
        seen, current = {person.id}, person
        while current.manager_id is not None and current.manager_id in by_id:
            current = by_id[current.manager_id]
            if current.id in seen:
                rows.error(line, "manager", "managers form a loop")
                break
            seen.add(current.id)


async def _customers(session: AsyncSession, ws: str, rows: Rows) -> Counts:

    people = await roster_lookup.lookup_people(session, ws)
    teams = await roster_lookup.lookup_teams(session, ws)
    existing = await roster_lookup.lookup_customers(session, ws)
    for row in rows.rows:
        v = row.values
        ref = v.get("executive")
        if ref:
            person = people.get(person_key(ref))
            if person is None:
                rows.error(
                    row.line,
                    "executive",
                    f"unknown executive '{ref}' (not in people; import people first)",
                )
            elif person.role not in (Role.EXECUTIVE, Role.ADMIN):
                rows.error(
                    row.line,
                    "executive",
                    f"'{ref}' is not an executive (role is {person.role.value})",
                )
            row.refs["executive"] = person
        if v.get("team") and v["team"].lower() not in teams:
            rows.error(row.line, "team", f"unknown team '{v['team']}' (import teams first)")
        if "target" in row.refs and v.get("external_id"):
            _taken(rows, row, row.refs["target"], {"external_id": existing.get(v["external_id"])})
    if rows.errors:
        return 0, 0, 0
    counts = [0, 0, 0]
    mapping = direct_columns("customers", "team", "executive")
    for row in rows.rows:
        v = dict(row.values)
        if "active" in v and v["active"] is None:
            v["active"] = True
        if "executive" in v:
            v["executive_id"] = row.refs["executive"].id if row.refs.get("executive") else None
        if "team" in v:
            v["team_id"] = teams[v["team"].lower()].id if v["team"] else None
        if v.get("key") is None:  # not stated: a key tier makes it key, else left as it is
            v.pop("key", None)
            if (v.get("tier") or "").strip().casefold() in rows.key_tiers:
                v["key"] = True
        await _upsert(
            session,
            row.refs["target"] if "target" in row.refs else existing.get(v["external_id"]),
            lambda: Customer(workspace_id=ws, active=True),
            v,
            {**mapping, "executive_id": "executive_id", "team_id": "team_id"},
            counts,
        )
    return counts[0], counts[1], counts[2]


async def _contacts(session: AsyncSession, ws: str, rows: Rows) -> Counts:
    people = await roster_lookup.lookup_people(session, ws)
    customers = await roster_lookup.lookup_customers(session, ws)
    refs = [r.values["external_ref"] for r in rows.rows if r.values.get("external_ref")]
    existing = await roster_lookup.lookup_contacts(session, ws, refs)
    by_name = roster_lookup.customers_by_name(customers)
    for row in rows.rows:
        v = row.values
        if v.get("customer") and v["customer"] not in customers:
            # A CRM report names the account: one customer of that name is as good as its id.
            named = by_name.get(v["customer"].lower(), [])
            if len(named) == 1:
                v["customer"] = named[0].external_id
            elif named:
                rows.error(
                    row.line,
                    "customer",
                    f"{len(named)} customers are named '{v['customer']}' (use the external_id)",
                )
            else:
                rows.error(
                    row.line,
                    "customer",
                    f"unknown customer '{v['customer']}' (import customers first)",
                )
        ref = v.get("executive")
        if ref and person_key(ref) not in people:
            rows.error(row.line, "executive", f"unknown executive '{ref}' (not in people)")
    if rows.errors:
        return 0, 0, 0
    counts = [0, 0, 0]
    mapping = direct_columns("contacts", "customer", "executive")
    for row in rows.rows:
        v = dict(row.values)
        customer = customers[v["customer"]]
        v["customer_id"] = customer.id
        if v.get("channel") is None:
            v["channel"] = Channel.TICKET
        if v.get("kind") is None:
            v["kind"] = ContactKind.REACTIVE
        ref = v.get("executive")
        # No executive named: the customer's contact (a ticket), not its sponsor's own.
        v["executive_id"] = people[person_key(ref)].id if ref else None
        found = existing.get(v["external_ref"])
        if found is not None and found.external_ref is None:
            del v["external_ref"]  # a Slack-logged call back from an export keeps its identity
        await _upsert(
            session,
            found,
            lambda: Contact(workspace_id=ws, source="import"),
            v,
            {**mapping, "customer_id": "customer_id", "executive_id": "executive_id"},
            counts,
        )
    return counts[0], counts[1], counts[2]
