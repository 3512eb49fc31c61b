"""The order layer's positions as other features may ask for them (bots' /stop question)."""

from __future__ import annotations

from typing import Protocol

from core.orders import Position


class PositionBook(Protocol):
    def open_positions(self, bot: str | None = None) -> list[Position]:
        """Open positions (of one bot, when given), as the order layer holds them now."""
        ...
