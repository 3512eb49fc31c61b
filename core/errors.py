"""Our error kinds, grouped by what the caller must do (STYLE point 9).

Vendor exceptions (ccxt) are mapped to these at the adapter boundary; nothing above the adapters
sees a ccxt exception.
"""

from __future__ import annotations

from core.text import Text


class TradingError(Exception):
    """Base class. `reason` is a human sentence the user can act on: a plain string (a venue's
    own words) or a `Text` the app words in the user's language."""

    def __init__(self, reason: str | Text) -> None:
        super().__init__(reason)
        self.reason = reason


class Retryable(TradingError):
    """Network trouble, 5xx, rate limit: try again later (after `retry_after` seconds if known).

    `outcome_unknown` is True when a write (placing an order) may or may not have reached the
    venue: the caller must look the order up by its client id, never resend it blindly.
    """

    def __init__(
        self, reason: str | Text, *, retry_after: float | None = None, outcome_unknown: bool = False
    ) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.outcome_unknown = outcome_unknown


class Rejected(TradingError):
    """The order was refused (by our checks or by the venue): insufficient funds, below minimum.

    Retrying the same order will fail the same way; change the order.
    """


class NotFound(TradingError):
    """The venue has no order with that id."""


class Fatal(TradingError):
    """Bad key, unknown symbol, permission: an operator must fix the configuration."""
