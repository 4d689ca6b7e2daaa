"""Use case: tell a user something in reply to what they did (an error, a refusal)."""

from __future__ import annotations

import hashlib

from bot.deps import Deps
from bot.services import outbox
from bot.views.blocks import plain_note


async def tell(
    deps: Deps, workspace_id: str, user: str, channel: str, text: str, *, click: str
) -> None:
    """Queue an ephemeral note in `channel` (a DM to `user` when the click came from App Home
    or a DM, where an ephemeral has nowhere to show); once per click and text.

    An ephemeral is not in the channel's history, so after an ambiguous answer it cannot be
    looked for: the sender tries it again, and a note may show twice to the one user who
    sees it. DMs are checked like every other post."""
    digest = hashlib.sha256(f"{click}:{text}".encode()).hexdigest()[:16]
    key = f"tell:{workspace_id}:{user}:{digest}"
    message = plain_note(text)
    async with deps.db.unit_of_work(writes=True) as session:
        if channel and not channel.startswith("D"):
            await outbox.enqueue(
                session,
                workspace_id=workspace_id,
                key=key,
                method="chat.postEphemeral",
                payload={"channel": channel, "user": user, **message},
            )
        else:
            await outbox.post(session, workspace_id, key, user, message)
    deps.wake_sender()
