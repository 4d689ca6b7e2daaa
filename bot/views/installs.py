"""What a new installation's first admin is told."""

from __future__ import annotations

from typing import Any

from bot.views.blocks import message

WELCOME = (
    "KYC is installed, and you are its first admin. Next:\n"
    "• *Settings*: open KYC's *Home* tab → *Workspace settings* (company name, digest "
    "channel, nudge time, workdays, admins).\n"
    "• *Roster*: on the same tab, add your executives, teams and customers — or have your "
    "operator load the CSV files in bulk.\n"
    "• Executives get their first five customers the next workday morning; `/kyc help` "
    "lists the commands."
)


def build_welcome() -> dict[str, Any]:
    return message(
        "KYC is installed: you are its first admin",
        [{"type": "section", "text": {"type": "mrkdwn", "text": WELCOME}}],
    )
