"""Market-data events. Floats on purpose: this is the hot path; money paths convert once to Decimal.

Every event carries `exchange_ts` (ms since epoch, as the venue stamped it) and `recv_ts`
(seconds since epoch, local clock, when the frame was received).
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from enum import StrEnum
from typing import Any

from core.symbols import Instrument, Venue
from core.text import Text


class Side(StrEnum):
    BUY = "buy"
    SELL = "sell"


@dataclass(frozen=True, slots=True)
class Trade:
    instrument: Instrument
    price: float
    qty: float
    side: Side  # aggressor side
    trade_id: int | str
    exchange_ts: int
    recv_ts: float


@dataclass(frozen=True, slots=True)
class Quote:
    """Top of book."""

    instrument: Instrument
    bid: float
    bid_qty: float
    ask: float
    ask_qty: float
    exchange_ts: int
    recv_ts: float

    @property
    def mid(self) -> float:
        return (self.bid + self.ask) / 2


class TradingState(StrEnum):
    """A market's state as the KRW venues give it on their ticker (`market_state`)."""

    PREVIEW = "PREVIEW"  # listed for deposits only: not tradable yet
    ACTIVE = "ACTIVE"
    DELISTED = "DELISTED"


@dataclass(frozen=True, slots=True)
class Ticker:
    """Last price snapshot (24 h ticker, mini ticker or a REST poll)."""

    instrument: Instrument
    last: float
    exchange_ts: int
    recv_ts: float
    volume_quote_24h: float = 0.0
    # The venue's scheduled end of trading (Upbit's `delisting_date`, "YYYY-MM-DD"), if any.
    delisting: str | None = None
    # Whether the market trades (Upbit's and Bithumb's `market_state`); None when not said.
    state: TradingState | None = None


@dataclass(frozen=True, slots=True)
class MarkPrice:
    instrument: Instrument
    mark: float
    index: float
    funding_rate: float
    next_funding_ts: int
    exchange_ts: int
    recv_ts: float


@dataclass(frozen=True, slots=True)
class Candle:
    instrument: Instrument
    timeframe: str  # "1m", "5m", "1h", ...
    open_ts: int  # ms, start of the candle
    open: float
    high: float
    low: float
    close: float
    volume: float
    closed: bool = True

    @property
    def close_ts(self) -> int:
        return self.open_ts + timeframe_ms(self.timeframe)


_UNIT_MS = {"m": 60_000, "h": 3_600_000, "d": 86_400_000}


def timeframe_ms(timeframe: str) -> int:
    """`1m` -> 60000. Raises ValueError on anything else."""
    try:
        n, unit = int(timeframe[:-1]), timeframe[-1]
        if n <= 0:
            raise ValueError
        return n * _UNIT_MS[unit]
    except (ValueError, KeyError, IndexError):
        raise ValueError(f"bad timeframe {timeframe!r}: use e.g. 1m, 5m, 15m, 1h, 4h, 1d") from None


class StreamState(StrEnum):
    UP = "up"
    DEGRADED = "degraded"  # websocket down/stale, REST fallback serving prices
    DOWN = "down"
    RECOVERED = "recovered"


@dataclass(frozen=True, slots=True)
class StreamStatus:
    venue: Venue
    connection: str  # name of the connection, e.g. "upbit-0"
    state: StreamState
    reason: str | Text  # a catalog key and values (the app words it); str for a venue's words
    ts: float  # local seconds since epoch


def _fast_init(cls: type) -> None:
    """Give a frozen slots dataclass a cheaper `__init__` with the same signature.

    The generated frozen `__init__` calls `object.__setattr__` by name per field (about 1.5 µs
    for a Trade, a third of the whole parse); calling the slots' own setters directly does the
    same in well under half. Instances stay frozen: `__setattr__` still refuses assignment.
    """
    names: list[str] = []
    scope: dict[str, Any] = {}
    for f in fields(cls):
        if f.default_factory is not MISSING or f.init is False:
            raise TypeError(f"{cls.__name__}.{f.name}: only plain fields are supported")
        scope[f"_set_{f.name}"] = cls.__dict__[f.name].__set__
        if f.default is MISSING:
            names.append(f.name)
        else:
            scope[f"_default_{f.name}"] = f.default
            names.append(f"{f.name}=_default_{f.name}")
    body = "".join(f"\n    _set_{f.name}(self, {f.name})" for f in fields(cls))
    exec(f"def __init__(self, {', '.join(names)}):{body}", scope)  # as dataclasses itself does
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {**{f.name: f.type for f in fields(cls)}, "return": None}
    type.__setattr__(cls, "__init__", init)


for _cls in (Trade, Quote, Ticker, MarkPrice):  # the per-event types of the hot path
    _fast_init(_cls)
