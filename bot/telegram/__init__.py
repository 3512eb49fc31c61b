"""Telegram transport, access control, the notifier's Telegram sender and message rendering."""

import os

# python-telegram-bot 22 warns on every RetryAfter unless the time-period attributes are opted in
# to `datetime.timedelta` (the next major's behaviour). Opt in once, before PTB builds any.
os.environ.setdefault("PTB_TIMEDELTA", "true")
