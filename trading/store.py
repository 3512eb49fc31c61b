"""Orders, fills, positions and balances in SQLite (the repository the executor writes through).

Invariants, each enforced in the one module that writes those rows:
- an order's status only moves forward (`core.orders.can_move`); its filled quantity
  never goes down;
- a fill is recorded at most once per (venue, fill_id), and the position it changes is updated in
  the same transaction, so a crash can never record a fill without its position or twice.
"""

from __future__ import annotations

from trading.fill_store import FillRecords, FillRow
from trading.order_store import OrderRecords, StoredOrder

__all__ = ["FillRow", "StoredOrder", "TradingStore"]


class TradingStore(OrderRecords, FillRecords):
    """The one repository the order layer writes through: orders (`trading.order_store`) and
    fills, positions and balances (`trading.fill_store`) over the app's database."""
