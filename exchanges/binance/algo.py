"""USDⓈ-M algo (conditional) order statuses, and what each means for our order record.

STOP_MARKET / TAKE_PROFIT_MARKET live on Binance's Algo Service (`/fapi/v1/algoOrder`, the
`ALGO_UPDATE` user-stream event) since December 2025. Its `algoStatus` (Binance derivatives
docs, "Event: Algo Order Update"):

- NEW: placed, waiting for its trigger;
- TRIGGERING: the trigger was met and the order is being forwarded to the matching engine;
- TRIGGERED: the order was placed in the matching engine (under our client id);
- FINISHED: that order was filled or cancelled in the matching engine;
- CANCELED: cancelled by the user;
- EXPIRED: cancelled by the system (e.g. a reduce-only stop once the position is closed);
- REJECTED: the matching engine refused the order (e.g. the margin check).

TRIGGERING is meant to last moments; a stop seen there (or TRIGGERED with no order behind it)
for longer than the configured time never produced an order and protects nothing: "stuck".
Sample (GET /fapi/v1/algoOrder, trimmed; tests/data/real/binance_usdm/algo_query_canceled.json):

    {"algoId": 2146760, "clientAlgoId": "6B2I9XVcJpCjqPAJ4YoFX7", "orderType": "TAKE_PROFIT",
     "symbol": "BNBUSDT", "algoStatus": "CANCELED", "actualOrderId": "", "triggerTime": 0}
"""

from __future__ import annotations

from enum import Enum
from typing import Any


class AlgoState(Enum):
    """What to do with an algo order in a given `algoStatus`."""

    WAITING = "waiting"  # NEW: live, nothing to do
    FORWARDING = "forwarding"  # TRIGGERING (or unknown): live unless it stays there too long
    CHILD = "child"  # TRIGGERED / FINISHED: the order it produced is the truth
    CANCELLED = "cancelled"  # CANCELED / EXPIRED: gone without executing
    REJECTED = "rejected"  # REJECTED: the venue refused it when it triggered


_STATES = {
    "NEW": AlgoState.WAITING,
    "TRIGGERING": AlgoState.FORWARDING,
    "TRIGGERED": AlgoState.CHILD,
    "FINISHED": AlgoState.CHILD,
    "CANCELED": AlgoState.CANCELLED,
    "EXPIRED": AlgoState.CANCELLED,
    "REJECTED": AlgoState.REJECTED,
}


def algo_state(status: str | None) -> AlgoState:
    """The state for an `algoStatus`. A missing status is a fresh placement reply (NEW); an
    unknown one is treated as in transit, so it is declared stuck if it never moves on."""
    if status is None:
        return AlgoState.WAITING
    return _STATES.get(status, AlgoState.FORWARDING)


def trigger_ms(info: dict[str, Any]) -> int:
    """When the venue saw the trigger (ms, its clock), 0 when not (yet) triggered."""
    try:
        return int(info.get("triggerTime") or 0)
    except (TypeError, ValueError):
        return 0
