"""The team's stories told beside the executive's week, in this order each day (bot/demo/
story.py says how a story is told): a matched guest, back to the floor, a key customer's
complaint, a theme, and a team's formal customer meeting (meeting.py). One more story joins
as one more Story subclass in a module of its own, listed here."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.floor import Floor
from bot.demo.guest import Guest
from bot.demo.meeting import CustomerMeeting
from bot.demo.recovery import KeyComplaint
from bot.demo.story import Story
from bot.demo.themes import Theme
from bot.demo.week import Week

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")  # Story's methods
STORIES: tuple[type[Story], ...] = (Guest, Floor, KeyComplaint, Theme, CustomerMeeting)


async def tell(week: Week) -> None:
    """Monday to Friday: each day the executive's own part, then each story's."""
    week.stories = [story(week) for story in STORIES]
    for story in week.stories:
        await story.prepare()
    days = (week.monday_, week.tuesday, week.wednesday, week.thursday, week.friday)
    for own, day in zip(days, DAYS, strict=True):
        await own()
        for story in week.stories:
            await getattr(story, day)()


async def the_monday_after(week: Week) -> None:
    """What the team made of the week: each story's `next_monday`."""
    week.t.skip()
    week.t.day(f"Monday {week.monday + timedelta(days=7):%-d %b}: what the team made of it")
    for story in week.stories:
        await story.next_monday()
