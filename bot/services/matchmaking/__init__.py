"""Use cases: matchmaking. People of teams that do not face customers (Team.customer_facing
false) are invited, every few weeks, to join an upcoming customer touchpoint; the rules of a
round are bot/regimen/matchmaking.py's. Every message goes through the outbox. One module per
surface: `sources` (the opportunities: planned calls, floor shifts, team meetings), `rounds`
(the weekly round: expiry, the re-ask after three unanswered, the invitations), `answers`
(the guest's and the host's clicks), `learned` ("What did you learn?", kept before the ack),
`meet` (App Home's "Meet a customer" and the participation figures), `follow` (a touchpoint
moved or cancelled), and `pairings` (what they share: a pairing in words and cards, guests,
their choices). Import the module you need; this package re-exports nothing."""
