"""Was a failed Telegram send perhaps carried out? The policy for a send whose answer never came.

A Bot API call that fails before Telegram could act on it is sent again as usual: it never
connected (connect error or timeout, no free connection), its body was never fully written, or
Telegram answered with an error (429, 5xx, 4xx). A call whose request was written but whose answer
never arrived (read timeout, connection dropped while waiting) may have been delivered: resending
it blindly is how a reply or a fill notice arrived twice. Such a message is sent again once,
marked "(resent)" so the reader can tell a duplicate; if that resend is ambiguous too, it is not
sent a third time (counted as delivered, logged): two copies at most, never a silent loss while
Telegram refuses connections, never a stream of copies while it is merely slow.
"""

from __future__ import annotations

import httpx
from telegram.error import NetworkError, TimedOut

# Failures that prove the request never reached Telegram's bot logic.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.WriteTimeout)
# Failures after the request was written, before an answer: it may have been carried out.
_MAYBE_SENT = (httpx.ReadTimeout, httpx.ReadError, httpx.RemoteProtocolError)

RESENDS = 1  # copies sent after an ambiguous failure, each marked "(resent)"


def maybe_delivered(exc: BaseException) -> bool:
    """True when `exc` (from a Bot API call) leaves open whether Telegram carried it out."""
    if not isinstance(exc, NetworkError):
        return False  # RetryAfter, BadRequest, Forbidden...: Telegram answered, nothing was sent
    cause = exc.__cause__
    if isinstance(cause, _NOT_SENT):
        return False
    if isinstance(cause, _MAYBE_SENT):
        return True
    # A TimedOut of unknown origin: assume the worst; other NetworkErrors are HTTP answers
    # (502) or connection failures PTB wraps without a cause.
    return isinstance(exc, TimedOut)
