"""The seam between the kimp-hedge bot (strategies) and two-leg execution (trading).

A hedge is one coin held long on a KRW spot venue (Upbit) and short on Binance USDⓈ-M, in the
same coin quantity, so its value moves with the premium and not with the coin's price; the
reverse hedge (Upbit sell of coins already held, Binance long) is the mirror image. The bot
decides *when* (premium bands, holding time); the trading layer decides *how* (both legs sized
to one quantity after each venue's lot rules, sent together, topped up or trimmed, unwound when
one leg fails) and owns the crash-safe path. Both sides meet only through these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Protocol, runtime_checkable

from core.text import Text


class HedgeDirection(StrEnum):
    FORWARD = "forward"  # buy the KRW spot leg, short the USDⓈ-M leg (premium expected to rise)
    REVERSE = "reverse"  # sell held KRW spot coins, long the USDⓈ-M leg (premium expected to fall)


class HedgeOutcome(StrEnum):
    OPENED = "opened"  # both legs filled to the same quantity (within the allowed mismatch)
    CLOSED = "closed"  # both legs flattened
    UNWOUND = "unwound"  # one leg failed; the other was unwound per the policy; no exposure left
    EXPOSED = "exposed"  # one leg failed and the unwind did not complete: exposure remains
    REFUSED = "refused"  # nothing sent (validation, risk limits, stale data, venue down)


@dataclass(frozen=True, slots=True)
class HedgeRequest:
    """Open or close one hedge. `hedge_id` is stable across retries and restarts (idempotency)."""

    hedge_id: str
    bot: str
    coin: str  # base asset, e.g. "XRP"
    direction: HedgeDirection
    opening: bool  # True: open a new hedge; False: close the hedge `hedge_id`
    size_krw: Decimal | None = None  # opening: target notional of the spot leg in KRW
    qty: Decimal | None = None  # closing: the coins to take off both legs (None = all of it;
    # less than the hedge holds is a partial close, the rest stays open with its accounting)
    leverage: int = 1  # of the USDⓈ-M leg
    max_mismatch: Decimal = Decimal("0")  # allowed |spot qty - futures qty|, in coins
    reason: Text | None = None  # the bot's decision, kept with the orders


@dataclass(frozen=True, slots=True)
class LegFill:
    venue: str  # "upbit" | "binance_futures"
    qty: Decimal  # filled quantity, coins
    avg_price: Decimal  # in the leg's quote currency (KRW or USDT)
    fee: Decimal  # in the leg's quote currency
    client_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HedgeResult:
    hedge_id: str
    outcome: HedgeOutcome
    spot: LegFill | None = None
    futures: LegFill | None = None
    exposure_krw: Decimal = Decimal("0")  # what is left one-sided (EXPOSED), valued in KRW
    # (OPENED: the legs' residual difference within the allowed mismatch)
    reason: Text | None = None  # why REFUSED / UNWOUND / EXPOSED
    # "state": the hedge's state (trading.hedge.store.HedgeState); "pnl_krw": once it is
    # closed or unwound, its PnL in KRW, fees and funding included (the figure /hedge shows)
    details: dict[str, str] = field(default_factory=dict)


class HedgeGateway(Protocol):
    """Implemented by the trading layer; handed to the hedge bot at wiring time."""

    async def submit(self, req: HedgeRequest) -> HedgeResult: ...

    async def open_hedges(self, bot: str) -> list[HedgeResult]:
        """The bot's hedges still open, rebuilt from the orders/fills ledger (after a restart)."""
        ...


@runtime_checkable
class HedgeSource(Protocol):
    """Hands out the `HedgeGateway` (the app's hedge desk, `facade.hedges`): a hedge bot is
    wired with `source.hedge_gateway()`."""

    def hedge_gateway(self) -> HedgeGateway: ...


def hedge_gateway_of(source: object) -> HedgeGateway | None:
    """The gateway `source` (the app's `facade.hedges`) hands out, or None when hedges are not
    available (no order layer, or Upbit / Binance USDⓈ-M not configured for trading). The
    strategies installer runs after the trading one, so a hedge bot is wired with
    `hedge_gateway_of(app.facade.hedges)`."""
    return source.hedge_gateway() if isinstance(source, HedgeSource) else None
