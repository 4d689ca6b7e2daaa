"""The logger handed to every slack-sdk client.

slack-sdk formats a DEBUG line holding the whole request (every block of every message) before
each call whenever its logger's own level is at or below DEBUG, and an unset level (0) counts:
with Python's default logging that is every call, logged or not. A level set on the logger
itself stops it; set `kyc.slack_sdk` to DEBUG in the logging configuration to see the lines."""

from __future__ import annotations

import logging


def slack_sdk_logger() -> logging.Logger:
    log = logging.getLogger("kyc.slack_sdk")
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)
    return log
