"""Shared pieces of the exchange boundary: bad-input accounting and the trade gate.

Bad input (malformed or truncated frames, unknown messages, error objects, duplicate or
out-of-order trades) is counted per kind and logged at most once per kind per interval, so a
flood of garbage can neither crash a connection nor drown the log.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

import orjson
from loguru import logger

from core.market import Candle, MarkPrice, Quote, StreamStatus, Ticker, Trade
from core.symbols import Instrument, Symbol, Venue

MarketEvent = Trade | Quote | Ticker | Candle | MarkPrice | StreamStatus
FOREIGN_LIMIT = 20_000  # markets remembered per venue (Binance lists a few thousand)


class ParseError(ValueError):
    """A frame that cannot be turned into domain events; `kind` says which counter to bump."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


class ReconnectRequested(Exception):
    """The venue asked us to reconnect (e.g. Binance `serverShutdown`)."""


@dataclass(slots=True)
class BadInput:
    """Counts bad input by kind; logs the first occurrence and then one summary per interval."""

    name: str
    log_interval: float = 10.0
    now: Callable[[], float] = time.monotonic
    counts: dict[str, int] = field(default_factory=dict)
    item_log_interval: float = 3600.0
    # Markets in all-market arrays that we cannot trade (other quotes, dated or COIN-M
    # contracts): not bad input, remembered so their items are skipped at the cost of a lookup.
    foreign: set[str] = field(default_factory=set)
    _last_log: dict[str, float] = field(default_factory=dict)
    _unlogged: dict[str, int] = field(default_factory=dict)
    _item_logged: dict[str, float] = field(default_factory=dict)

    def record(self, kind: str, detail: str = "") -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        now = self.now()
        last = self._last_log.get(kind)
        if last is not None and now - last < self.log_interval:
            self._unlogged[kind] = self._unlogged.get(kind, 0) + 1
            return
        skipped = self._unlogged.pop(kind, 0)
        self._last_log[kind] = now
        more = f" (+{skipped} more since the last report)" if skipped else ""
        logger.warning("{}: bad input {} {}{}", self.name, kind, detail[:200], more)

    def record_item(self, kind: str, market: str, detail: str = "") -> None:
        """One unusable item of an all-market array: counted under `kind`, logged at most once
        per market per `item_log_interval` (a broken item repeats in every frame, every second)."""
        self.counts[kind] = self.counts.get(kind, 0) + 1
        now = self.now()
        logged = self._item_logged
        last = logged.get(market)
        if last is not None and now - last < self.item_log_interval:
            return
        if len(logged) >= FOREIGN_LIMIT:
            logged.clear()  # garbage ids must not grow this without bound
        logged[market] = now
        logger.warning("{}: bad {} item for {!r}: {}", self.name, kind, market, detail[:200])

    def skip_foreign(self, market: str) -> None:
        if len(self.foreign) < FOREIGN_LIMIT:
            self.foreign.add(market)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class Verdict(IntEnum):
    ACCEPT = 0
    DUPLICATE = 1
    OUT_OF_ORDER = 2
    GAP = 3  # accepted, but trades were missed before it (ids are contiguous on this feed)


class _GateState:
    __slots__ = ("last_id", "last_ts", "order", "seen")

    def __init__(self) -> None:
        self.last_id: int | None = None
        self.last_ts = 0
        self.seen: set[int] = set()
        self.order: deque[int] = deque()


class TradeGate:
    """Drops duplicate and out-of-order trades per market before they reach anyone.

    `contiguous=True` (Binance trade/aggTrade ids count up by one per symbol): anything at or
    below the last id is dropped and a jump is reported as GAP so candles get backfilled.
    `contiguous=False` (Upbit `sequential_id`, unique but not ordered): ids seen recently are
    duplicates and a trade older than the newest accepted one is out of order.

    The hot path holds each market's state (`state(key)`) and calls `check_state`, so a trade
    costs no dict lookup here; `gap_from` is the previous trade's time after a GAP verdict.
    """

    __slots__ = ("_contiguous", "_states", "_window", "gap_from")

    def __init__(self, contiguous: bool, window: int = 512) -> None:
        self._contiguous = contiguous
        self._window = window
        self._states: dict[Any, _GateState] = {}
        self.gap_from = 0

    def state(self, key: Any) -> _GateState:
        st = self._states.get(key)
        if st is None:
            st = self._states[key] = _GateState()
        return st

    def check(self, key: Any, trade_id: int, ts: int) -> Verdict:
        return self.check_state(self.state(key), trade_id, ts)

    def check_state(self, st: _GateState, trade_id: int, ts: int) -> Verdict:
        last_id = st.last_id
        if self._contiguous:
            if last_id is None:
                st.last_id, st.last_ts = trade_id, ts
                return Verdict.ACCEPT
            if trade_id <= last_id:
                return Verdict.DUPLICATE if trade_id == last_id else Verdict.OUT_OF_ORDER
            if trade_id == last_id + 1:
                st.last_id, st.last_ts = trade_id, ts
                return Verdict.ACCEPT
            self.gap_from = st.last_ts
            st.last_id, st.last_ts = trade_id, ts
            return Verdict.GAP
        seen = st.seen
        if trade_id in seen:
            return Verdict.DUPLICATE
        if last_id is not None and ts < st.last_ts:
            return Verdict.OUT_OF_ORDER
        seen.add(trade_id)
        order = st.order
        order.append(trade_id)
        if len(order) > self._window:
            seen.discard(order.popleft())
        st.last_id, st.last_ts = trade_id, ts
        return Verdict.ACCEPT

    def last_ts(self, key: Any) -> int | None:
        st = self._states.get(key)
        return None if st is None or st.last_id is None else st.last_ts


class InstrumentTable:
    """Interns instruments at the exchange boundary: one object per (venue, symbol), shared by
    every connection and the REST fallback, so per-market dicts hit on identity at once."""

    __slots__ = ("_by_id", "_canonical", "limit")

    def __init__(self, limit: int = 50_000) -> None:
        self._by_id: dict[tuple[Venue, str], Instrument] = {}
        self._canonical: dict[Instrument, Instrument] = {}
        self.limit = limit  # garbage ids are not worth remembering past this many

    def intern(self, instrument: Instrument) -> Instrument:
        """The shared object equal to `instrument`."""
        inst = self._canonical.get(instrument)
        if inst is None:
            inst = instrument
            if len(self._canonical) < self.limit:
                self._canonical[inst] = inst
        return inst

    def get(self, venue: Venue, venue_id: str, parse: Callable[[str], Symbol]) -> Instrument:
        """The instrument for a venue's market id (`BTCUSDT`, `KRW-BTC`); ParseError if bad."""
        key = (venue, venue_id)
        inst = self._by_id.get(key)
        if inst is None:
            try:
                inst = self.intern(Instrument(venue, parse(venue_id)))
            except ValueError as exc:
                raise ParseError("unknown_symbol", str(exc)) from None
            if len(self._by_id) < self.limit:
                self._by_id[key] = inst
        return inst


INSTRUMENTS = InstrumentTable()


class FrameDecoder:
    """What every venue's frame decoder shares: JSON decoding, a per-connection instrument cache
    and bad-input accounting. A subclass's `_handle` hands events to `_sink` and raises
    `ParseError` for frames it cannot use; a bad frame is counted, never raised."""

    __slots__ = ("_instruments", "_parse_symbol", "_sink", "bad", "venue")

    def __init__(
        self,
        venue: Venue,
        parse_symbol: Callable[[str], Symbol],
        bad: BadInput,
        sink: Callable[[MarketEvent], None],
    ) -> None:
        self.venue = venue
        self.bad = bad
        self._sink = sink
        self._parse_symbol = parse_symbol
        self._instruments: dict[str, Instrument] = {}

    def instrument(self, raw: str) -> Instrument:
        inst = self._instruments.get(raw)
        if inst is None:
            inst = INSTRUMENTS.get(self.venue, raw, self._parse_symbol)
            if len(self._instruments) < INSTRUMENTS.limit:
                self._instruments[raw] = inst
        return inst

    def decode(self, frame: bytes | str, recv_ts: float) -> bool:
        """Parse one frame and hand its events to the sink. False if the frame was bad."""
        try:
            msg: Any = orjson.loads(frame)
        except orjson.JSONDecodeError:
            self.bad.record("malformed", repr(frame[:80]))
            return False
        try:
            self._handle(msg, recv_ts)
        except ParseError as exc:
            self.bad.record(exc.kind, exc.detail)
            return False
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            self.bad.record("malformed", f"{type(exc).__name__}: {exc} in {str(msg)[:120]}")
            return False
        return True

    def _handle(self, msg: Any, recv_ts: float) -> None:
        raise NotImplementedError
