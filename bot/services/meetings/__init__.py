"""Use cases of a team's formal customer meeting, one module per surface: common.py (who may
meet a customer, the meeting's day, keys and time as a reader reads it), requesting.py (the
request modal and the request), invitation.py (the organiser's invitation DM), preparation.py
(the job: attendees prepared before, organisers asked after), recording.py (the record, the
charter revision it proposes and its Accept) and changes.py (moving and cancelling). Importing
the package registers the inbox kinds its modules handle (bot/services/inbox.handler)."""

from bot.services.meetings import changes, recording, requesting  # noqa: F401  (inbox kinds)
