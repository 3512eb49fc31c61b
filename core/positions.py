"""The order layer's positions as other features may ask for them: bots' /stop question, and
each bot's book, which follows the order ledger (`strategies.book`)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from core.orders import Position


@runtime_checkable
class PositionBook(Protocol):
    def open_positions(self, bot: str | None = None) -> list[Position]:
        """Open positions (of one bot, when given), as the order layer holds them now."""
        ...
