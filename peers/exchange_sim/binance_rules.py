"""Per-symbol trading rules (tick, step, minimums) and the Binance filter checks."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from peers.exchange_sim.binance_auth import BinanceError
from peers.exchange_sim.market import BINANCE_FUTURES, MarketModel


@dataclass(frozen=True, slots=True)
class SymbolRules:
    symbol: str  # BTCUSDT
    base: str
    quote: str
    tick: Decimal
    step: Decimal
    min_qty: Decimal
    max_qty: Decimal
    market_max_qty: Decimal
    min_notional: Decimal
    max_leverage: int = 20

    @property
    def price_precision(self) -> int:
        return _decimals(self.tick)

    @property
    def qty_precision(self) -> int:
        return _decimals(self.step)

    def round_price(self, price: float | Decimal) -> Decimal:
        return (Decimal(str(price)) / self.tick).to_integral_value() * self.tick

    def fmt_price(self, price: Decimal) -> str:
        return f"{price:.{self.price_precision}f}"

    def fmt_qty(self, qty: Decimal) -> str:
        return f"{qty:.{self.qty_precision}f}"


def _decimals(step: Decimal) -> int:
    return max(0, -int(step.normalize().as_tuple().exponent))


_FUTURES_MIN_NOTIONAL = {"BTC": Decimal(100), "ETH": Decimal(20)}
_FUTURES_MAX_LEVERAGE = {"BTC": 125, "ETH": 100}


def rules_from_model(model: MarketModel, venue: str) -> dict[str, SymbolRules]:
    """Rules for every Binance spot (`binance`) or futures (`binance_futures`) market."""
    futures = venue == BINANCE_FUTURES
    out: dict[str, SymbolRules] = {}
    for spec in model.markets(venue):
        tick = Decimal(str(spec.price_tick or 0.01)).normalize()
        step = Decimal(str(spec.qty_step)).normalize()
        out[spec.market] = SymbolRules(
            symbol=spec.market,
            base=spec.base,
            quote=spec.quote,
            tick=tick,
            step=step,
            min_qty=step,
            max_qty=Decimal(9_000_000) if not futures else Decimal(1_000_000),
            market_max_qty=Decimal(1_000_000) if not futures else Decimal(100_000),
            min_notional=_FUTURES_MIN_NOTIONAL.get(spec.base, Decimal(5))
            if futures
            else Decimal(5),
            max_leverage=_FUTURES_MAX_LEVERAGE.get(spec.base, 75) if futures else 1,
        )
    return out


def check_price(rules: SymbolRules, price: Decimal, futures: bool = False) -> None:
    if price <= 0:
        raise (
            BinanceError(-1013, "Invalid price.")
            if not futures
            else BinanceError(-4014, "Price not increased by tick size.")
        )
    if price % rules.tick != 0:
        if futures:
            raise BinanceError(-4014, "Price not increased by tick size.")
        raise BinanceError(-1013, "Filter failure: PRICE_FILTER")


def check_qty(rules: SymbolRules, qty: Decimal, market: bool, futures: bool = False) -> None:
    if qty <= 0:
        raise (
            BinanceError(-4003, "Quantity less than or equal to zero.")
            if futures
            else (BinanceError(-1013, "Invalid quantity."))
        )
    if futures and qty % rules.step != 0:
        raise BinanceError(-1111, "Precision is over the maximum defined for this asset.")
    max_qty = rules.market_max_qty if market else rules.max_qty
    if qty < rules.min_qty or qty > max_qty or qty % rules.step != 0:
        name = "MARKET_LOT_SIZE" if market and qty > max_qty else "LOT_SIZE"
        if futures and qty > max_qty:
            raise BinanceError(-4005, "Quantity greater than max quantity.")
        raise BinanceError(-1013, f"Filter failure: {name}")
