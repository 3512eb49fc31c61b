"""An open hedge as the gateway reports it (`HedgeGateway.open_hedges`) -> the bot's `OpenHedge`.

The coin, direction and opening time come from the result's `details` when the gateway gives
them, else from the hedge id the bot chose (`<bot>.<coin>.<f|r>.<opened ms>`), which the
gateway keeps: it is the idempotency key of the hedge.
"""

from __future__ import annotations

from decimal import Decimal

from core.hedge import HedgeDirection, HedgeResult
from strategies.hedge.policy import OpenHedge


def open_hedge_of(result: HedgeResult) -> OpenHedge | None:
    parts = result.hedge_id.rsplit(".", 3)
    by_id = len(parts) == 4
    d = result.details
    coin = d.get("coin") or (parts[1] if by_id else "")
    direction = d.get("direction") or (
        {"f": "forward", "r": "reverse"}.get(parts[2], "") if by_id else ""
    )
    try:
        opened = float(d["ts"]) if "ts" in d else int(parts[3]) / 1000 if by_id else None
    except ValueError:
        opened = None
    leg = result.spot or result.futures
    if not coin or opened is None or leg is None or direction not in ("forward", "reverse"):
        return None
    return OpenHedge(result.hedge_id, coin, HedgeDirection(direction), opened, Decimal(leg.qty))
