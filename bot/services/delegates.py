"""Use cases: an executive names a delegate (chief of staff) who may act for them, or none.

Who may act for whom is decided in one place, bot/services/identity.acting_for."""

from __future__ import annotations

from dataclasses import dataclass

from bot.deps import Deps
from bot.services import outbox
from bot.services.identity import NotAllowed, colleague, reload_actor, require_executive
from bot.views.commands import build_simple
from bot.views.data import DelegateForm, HomeData
from storage.models import Person

ONLY_EXECUTIVES = "Only executives on the KYC roster name a delegate."


@dataclass(frozen=True)
class Delegation:
    executive_user_id: str | None
    delegate_user_id: str | None  # None: no delegate any more
    before_user_id: str | None  # who it was before, if anyone


async def set_delegate(
    deps: Deps, person: Person | None, delegate_user_id: str | None
) -> Delegation:
    """`/kyc delegate @someone` (or `off`, None): the new delegate is told, in the same unit
    of work, what they may now do."""
    me = require_executive(person, ONLY_EXECUTIVES)
    async with deps.db.unit_of_work(writes=True) as session:
        me = await reload_actor(session, me)
        before = await session.get(Person, me.delegate_id) if me.delegate_id else None
        if delegate_user_id is None:
            me.delegate_id = None
            return Delegation(me.slack_user_id, None, before.slack_user_id if before else None)
        if delegate_user_id == me.slack_user_id:
            raise NotAllowed("You act for yourself already: name someone else as your delegate.")
        delegate = await colleague(session, me.workspace_id, delegate_user_id)
        if not delegate.active:
            raise NotAllowed("That person is no longer active on the KYC roster.")
        me.delegate_id = delegate.id
        if before is None or before.id != delegate.id:
            await outbox.post(
                session,
                me.workspace_id,
                f"delegate:{me.id}:{delegate.id}:{deps.now().isoformat()}",
                delegate_user_id,
                build_simple(
                    f"<@{me.slack_user_id}> named you their KYC delegate 🤝 You can log calls "
                    f"for them (`/kyc done for <@{me.slack_user_id}> Customer`), see their week "
                    f"(`/kyc week for <@{me.slack_user_id}>`), their numbers, and pause them."
                ),
            )
    deps.wake_sender()
    return Delegation(me.slack_user_id, delegate_user_id, before.slack_user_id if before else None)


async def delegate_form(deps: Deps, person: Person | None) -> DelegateForm:
    """App Home → Name one / Change: the modal shows the delegate there is now."""
    me = require_executive(person, ONLY_EXECUTIVES)
    async with deps.db.unit_of_work() as session:
        me = await reload_actor(session, me)
        now = await session.get(Person, me.delegate_id) if me.delegate_id else None
        return DelegateForm(now.slack_user_id if now else None)


async def from_home(deps: Deps, person: Person | None, delegate_user_id: str | None) -> HomeData:
    """The delegate named (or stopped, None) on App Home; App Home drawn again with it."""
    from bot.services.home import show_home  # App Home's own use case reads delegates too

    await set_delegate(deps, person, delegate_user_id)
    assert person is not None
    return await show_home(deps, person)
