"""1-minute candles from trades, closed by the clock, with gaps repaired from REST.

`CandleBuilder` is synchronous and pure (time comes in as arguments). Per instrument it keeps
the open minute, closes it when a later trade arrives or when the clock passes the minute end
plus a small grace (so a quiet minute still closes, as a flat zero-volume candle), and
aggregates closed minutes into higher timeframes.

A minute closes by the clock of the connection carrying the market's trades, not by ours: a
stream that lags (a busy machine, a backlog after a pause) still delivers that minute's trades,
so the minute waits until the connection has delivered something stamped after it (its
*progress*), and closes by our clock once the lag passes `max_lag_ms` or the connection is down
(those minutes are tainted anyway).

Minutes that may be missing trades are *tainted*: the first (partial) minute of every series,
minutes overlapping a connection outage, a trade-id gap, a malformed frame or a late trade.
A tainted minute is held back (and every later minute of that instrument behind it, so order
is kept) until `resolve()` supplies the venue's own candle for it, from REST or from a closed
exchange kline. `CandleService` drives the clock and the REST backfill.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from core.market import Candle, timeframe_ms
from core.symbols import Instrument

MINUTE = 60_000


@dataclass(slots=True)
class _Bar:
    open_ts: int
    open: float
    high: float
    low: float
    close: float
    volume: float


@dataclass(slots=True)
class _Pending:
    candle: Candle | None  # None: no trades seen and no previous close to copy
    open_ts: int
    tainted: bool


@dataclass(slots=True)
class StreamProgress:
    """How far (venue time) one connection has delivered; shared by the markets it carries."""

    exchange_ms: int = 0
    up: bool = False


@dataclass(slots=True)
class _Series:
    instrument: Instrument
    bar: _Bar | None = None
    last_close: float | None = None
    emitted_close: float | None = None  # close of the last candle handed to `emit`
    closed_until: int = 0  # every minute with open_ts < closed_until is closed
    taint_from: int | None = None  # open outage window (ms); minutes after it are tainted
    tainted: set[int] = field(default_factory=set)
    pending: deque[_Pending] = field(default_factory=deque)
    agg: dict[str, _Bar] = field(default_factory=dict)
    progress: StreamProgress | None = None  # the connection carrying its trades


@dataclass(slots=True)
class CandleStats:
    closed: int = 0
    flat: int = 0  # minutes closed with no trade
    tainted: int = 0
    backfilled: int = 0  # tainted minutes resolved with the venue's candle
    unverified: int = 0  # tainted minutes given up on and emitted as built
    late_trades: int = 0  # trades for a minute already closed


class CandleBuilder:
    """See module docstring. `emit` receives closed candles, in order per instrument."""

    def __init__(
        self,
        emit: Callable[[Candle], None],
        timeframes: tuple[str, ...] = ("5m", "15m", "1h"),
        grace_ms: int = 1500,
        max_lag_ms: int = 30_000,
    ) -> None:
        self._emit = emit
        self._tfs = [(tf, timeframe_ms(tf)) for tf in timeframes if timeframe_ms(tf) > MINUTE]
        self.grace_ms = grace_ms
        self.max_lag_ms = max_lag_ms
        self._series: dict[Instrument, _Series] = {}
        self.stats = CandleStats()

    # --- input ----------------------------------------------------------------------------------

    def series(self, instrument: Instrument) -> _Series:
        s = self._series.get(instrument)
        if s is None:
            s = self._series[instrument] = _Series(instrument)
        return s

    def seed(self, instrument: Instrument, history: list[Candle]) -> None:
        """Warm-up: the last closed 1m candles from REST, oldest first. Nothing is emitted."""
        s = self.series(instrument)
        if not history:
            return
        if s.closed_until or s.bar is not None:
            # The series is already being built (its trades streamed before this warm-up
            # was asked for): it owns its timeline. Moving `closed_until` past minutes it
            # holds would drop them from the series, the bus and the table; its first
            # partial minute is tainted and repaired from REST like any other.
            return
        last = history[-1]
        s.last_close = s.emitted_close = last.close
        s.closed_until = last.open_ts + MINUTE
        if s.taint_from is None:
            # Until the stream is up, minutes after the history may be missing trades.
            s.taint_from = s.closed_until

    def on_trade(self, instrument: Instrument, ts: int, price: float, qty: float) -> None:
        s = self._series.get(instrument)
        if s is None:
            s = self.series(instrument)
        self.on_series_trade(s, ts, price, qty)

    def on_series_trade(self, s: _Series, ts: int, price: float, qty: float) -> None:
        """`on_trade` for a caller that holds the series (`series(instrument)`): no lookup."""
        minute = ts - ts % MINUTE
        bar = s.bar
        if bar is not None and bar.open_ts == minute:
            if price > bar.high:
                bar.high = price
            elif price < bar.low:
                bar.low = price
            bar.close = price
            bar.volume += qty
            return
        if minute < s.closed_until or (bar is not None and minute < bar.open_ts):
            self.stats.late_trades += 1
            self._taint_late(s, minute)
            return
        if bar is not None:
            self._close_through(s, minute)
        elif s.closed_until == 0:
            s.tainted.add(minute)  # first minute we see: trades before we connected are missing
            s.closed_until = minute
        elif minute > s.closed_until:
            self._close_through(s, minute)
        s.bar = _Bar(minute, price, price, price, price, qty)

    def taint_open(self, instrument: Instrument, from_ms: int) -> None:
        """A connection carrying `instrument` went down: trades from `from_ms` may be missing."""
        s = self.series(instrument)
        if s.taint_from is None:
            s.taint_from = from_ms

    def taint_close(self, instrument: Instrument, until_ms: int) -> None:
        """The connection is back: minutes up to `until_ms` may be missing trades."""
        s = self.series(instrument)
        if s.taint_from is None:
            return
        start = max(s.taint_from - s.taint_from % MINUTE, s.closed_until)
        s.tainted.update(range(start, until_ms - until_ms % MINUTE + 1, MINUTE))
        s.taint_from = None

    def taint_range(self, instrument: Instrument, from_ms: int, to_ms: int) -> None:
        """Trades in [from_ms, to_ms] may be missing (a trade-id gap, a malformed frame)."""
        s = self.series(instrument)
        start = max(from_ms - from_ms % MINUTE, s.closed_until)
        s.tainted.update(range(start, to_ms - to_ms % MINUTE + 1, MINUTE))

    def _taint_late(self, s: _Series, minute: int) -> None:
        for p in s.pending:
            if p.open_ts == minute:
                p.tainted = True

    # --- closing --------------------------------------------------------------------------------

    def tick(self, now_ms: int) -> None:
        """Close every minute whose end (plus grace) has passed on its connection's clock."""
        grace, floor_lag = self.grace_ms, now_ms - self.max_lag_ms
        for s in self._series.values():
            if not s.closed_until:
                continue
            clock = now_ms
            p = s.progress
            if p is not None and p.up and p.exchange_ms < now_ms:
                clock = max(p.exchange_ms, floor_lag)
            limit = clock - grace
            limit -= limit % MINUTE  # minutes with open_ts < limit are over
            if s.closed_until < limit:
                self._close_through(s, limit)

    def _close_through(self, s: _Series, until: int) -> None:
        """Close every minute of `s` with open_ts < until."""
        minute = s.closed_until
        bar = s.bar
        if bar is not None and bar.open_ts < minute:
            minute = bar.open_ts
        while minute < until:
            if bar is not None and bar.open_ts == minute:
                candle: Candle | None = Candle(
                    s.instrument, "1m", minute, bar.open, bar.high, bar.low, bar.close, bar.volume
                )
                s.bar = bar = None
            elif s.last_close is not None:
                c = s.last_close
                candle = Candle(s.instrument, "1m", minute, c, c, c, c, 0.0)
                self.stats.flat += 1
            else:
                candle = None
            if candle is not None:
                s.last_close = candle.close
            tainted = minute in s.tainted or (
                s.taint_from is not None and minute + MINUTE > s.taint_from
            )
            s.tainted.discard(minute)
            self.stats.closed += 1
            if tainted:
                self.stats.tainted += 1
            if tainted or s.pending:
                s.pending.append(_Pending(candle, minute, tainted))
            elif candle is not None:
                self._publish(s, candle)
            minute += MINUTE
            if bar is None and s.last_close is None and not s.pending and not s.tainted:
                minute = max(minute, until)  # nothing to close until a trade arrives
        s.closed_until = max(s.closed_until, until)

    # --- backfill -------------------------------------------------------------------------------

    def wanted(self) -> list[tuple[Instrument, int, int]]:
        """Tainted closed minutes waiting for the venue's candle: (instrument, first, last)."""
        out = []
        for s in self._series.values():
            tainted = [p.open_ts for p in s.pending if p.tainted]
            if tainted:
                out.append((s.instrument, tainted[0], tainted[-1]))
        return out

    def resolve(
        self, instrument: Instrument, venue_candles: list[Candle], up_to: int, give_up: bool = False
    ) -> None:
        """Replace tainted minutes <= up_to with the venue's candles; release what is ready.

        A minute inside the fetched range that the venue does not return had no trades (Upbit
        only lists minutes with trades): it becomes a flat candle at the previous close.
        `give_up=True` emits the built candles as they are (counted as unverified).
        """
        s = self.series(instrument)
        by_ts = {c.open_ts: c for c in venue_candles if c.timeframe == "1m"}
        prev_close = s.emitted_close
        stop = False  # minutes behind a still-unresolved one keep their built values for now
        for p in s.pending:
            if p.tainted and p.open_ts <= up_to and not stop:
                venue = by_ts.get(p.open_ts)
                if venue is not None:
                    p.candle = Candle(
                        instrument, "1m", p.open_ts, venue.open, venue.high, venue.low,
                        venue.close, venue.volume,
                    )  # fmt: skip
                    self.stats.backfilled += 1
                elif give_up:
                    self.stats.unverified += 1
                elif prev_close is not None:
                    c = prev_close
                    p.candle = Candle(instrument, "1m", p.open_ts, c, c, c, c, 0.0)
                    self.stats.backfilled += 1
                else:
                    p.candle = None  # the venue saw no trade and there is no price to copy
                    self.stats.backfilled += 1
                p.tainted = False
            elif p.tainted:
                stop = True
            elif not stop and p.candle is not None and p.candle.volume == 0 and prev_close:
                c = prev_close  # a quiet minute copies the (possibly corrected) previous close
                p.candle = Candle(instrument, "1m", p.open_ts, c, c, c, c, 0.0)
            if p.candle is not None and not stop:
                prev_close = p.candle.close
        if not stop and prev_close is not None and s.bar is None:
            s.last_close = prev_close
        self._release(s)

    def offer_exchange_candle(self, candle: Candle) -> None:
        """A closed kline from the venue's stream: resolves that minute if it is tainted."""
        s = self._series.get(candle.instrument)
        if s is None or not candle.closed or candle.timeframe != "1m":
            return
        if any(p.tainted and p.open_ts == candle.open_ts for p in s.pending):
            self.resolve(candle.instrument, [candle], candle.open_ts)

    def _release(self, s: _Series) -> None:
        while s.pending and not s.pending[0].tainted:
            p = s.pending.popleft()
            if p.candle is not None:
                self._publish(s, p.candle)

    def pending_count(self) -> int:
        return sum(len(s.pending) for s in self._series.values())

    # --- output ---------------------------------------------------------------------------------

    def _publish(self, s: _Series, candle: Candle) -> None:
        s.emitted_close = candle.close
        self._emit(candle)
        for tf, tf_ms in self._tfs:
            bucket = candle.open_ts - candle.open_ts % tf_ms
            agg = s.agg.get(tf)
            if agg is None or agg.open_ts != bucket:
                if candle.open_ts != bucket:
                    s.agg.pop(tf, None)  # joined mid-bucket: skip this incomplete one
                    continue
                agg = s.agg[tf] = _Bar(
                    bucket, candle.open, candle.high, candle.low, candle.close, candle.volume
                )
            else:
                agg.high = max(agg.high, candle.high)
                agg.low = min(agg.low, candle.low)
                agg.close = candle.close
                agg.volume += candle.volume
            if candle.open_ts + MINUTE == bucket + tf_ms:
                del s.agg[tf]
                self._emit(
                    Candle(s.instrument, tf, bucket, agg.open, agg.high, agg.low, agg.close,
                           agg.volume)
                )  # fmt: skip
