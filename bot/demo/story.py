"""A story of the team's week told beside the executive's own (bot/demo/week.py): each day,
after the executive's part, bot/demo/team.py's `tell` calls the story's method of that day;
after the week (and the digest), `next_monday`. A story keeps the customers it is about
(`reserved`) out of the week's own picks. The stories told, in their order: team.STORIES."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from bot.demo.user import User
from bot.ids import Action
from storage.models import Customer, Person

if TYPE_CHECKING:
    from bot.demo.week import Week


class Story:
    """The days a story happens on are the methods it overrides; the others pass."""

    def __init__(self, week: Week) -> None:
        self.week, self.env, self.t = week, week.env, week.t

    async def prepare(self) -> None:
        """Before Monday: find the story's people and customers."""

    async def reserved(self) -> set[int]:
        """Customers of the executive's batch this story keeps for itself."""
        return set()

    async def monday(self) -> None: ...
    async def tuesday(self) -> None: ...
    async def wednesday(self) -> None: ...
    async def thursday(self) -> None: ...
    async def friday(self) -> None: ...
    async def next_monday(self) -> None: ...

    # What the stories share

    async def person(self, name: str) -> Person:
        async with self.env.db.unit_of_work() as s:
            found = await s.scalar(select(Person).where(Person.name == name))
        assert found is not None, name
        return found

    async def customer(self, customer_id: int) -> Customer:
        async with self.env.db.unit_of_work() as s:
            found = await s.get(Customer, customer_id)
        assert found is not None
        return found

    def user(self, person: Person) -> User:
        return User(self.env, person.slack_user_id or "")

    @staticmethod
    def dm(person: Person) -> str:
        return "D" + (person.slack_user_id or "")[1:]

    def last(self, channel: str, action: Action | None = None) -> dict[str, Any]:
        """The latest message in `channel` (with a button `action`, when given)."""
        for m in reversed(self.env.slack.messages(channel)):
            if action is None or button(m, action) is not None:
                found: dict[str, Any] = m
                return found
        raise LookupError(f"no message in {channel} with {action}")


def button(message: dict[str, Any], action: Action) -> dict[str, Any] | None:
    """The element `action` of a message, with its block's id, as a click sends it."""
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == action.value:
                return {**element, "block_id": block.get("block_id", "b")}
    return None


async def press(story: Story, who: Person, action: Action, on: dict[str, Any]) -> None:
    """`who` clicks the button `action` of message `on`."""
    element = button(on, action)
    assert element is not None, action
    await story.user(who).click(action, on=on, element=element)
