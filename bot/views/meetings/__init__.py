"""Block Kit of a team's formal customer meeting, one module per surface: requesting.py (the
request modal, also its Change… form), invitation.py (the organiser's DM), preparation.py (each
attendee's DM a few days before), recording.py (the after-meeting DM, the record modal, the
charter revision it proposes), changes.py (the cancel modal, the moved and cancelled notes) and
figures.py (a team's quarter of meetings in `/kyc stats`, App Home and the digest)."""
