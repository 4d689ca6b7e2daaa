"""The signature of a link the bot serves itself (charts, .ics): an HMAC of what the link
names, keyed with the signing secret, so nobody can reach another person's data by guessing."""

from __future__ import annotations

import hashlib
import hmac

from bot.settings import Settings


def signature(settings: Settings, message: str) -> str:
    secret = settings.slack_signing_secret
    key = secret.get_secret_value().encode() if secret else b""
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:32]


def matches(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected, given)
