"""The hot path after parsing: trade gate -> candles -> last price -> fan-out.

One `Pipeline` per venue, shared by that venue's connections and its REST fallback. It is
synchronous: a frame is fully handled before the next one is read, and `publish` (the event
bus) never blocks, so a slow subscriber can never stall a stream.

Per market the pipeline keeps one `MarketState` (gate state, candle series, last price, last
seen), found with a single dict lookup per event: the profile of the first version spent more
time hashing instruments across five dicts than parsing JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.market import Candle, MarkPrice, Quote, Ticker, Trade
from core.symbols import Instrument, Venue
from exchanges.base import BadInput, MarketEvent, TradeGate, Verdict
from exchanges.candles import CandleBuilder

_ACCEPT, _GAP, _DUPLICATE = Verdict.ACCEPT, Verdict.GAP, Verdict.DUPLICATE

# Events whose `exchange_ts` is the venue's event time (when the venue sent it), per venue: what
# a stream's lag behind the venue is measured by. Upbit: ticker and orderbook `timestamp`; not
# trades (`trade_timestamp`: the snapshot sent on subscribe replays the last trade, hours old
# for an illiquid coin). Binance: `E` (miniTicker, markPrice), futures bookTicker `T`/`E`, and
# trades' `T` (trade streams never replay: `T` is within milliseconds of `E`); not spot
# bookTicker, which carries no time at all (its `exchange_ts` is our receive time).
EVENT_TIME: dict[Venue, frozenset[type]] = {
    Venue.UPBIT: frozenset({Ticker, Quote}),
    Venue.BITHUMB: frozenset({Ticker, Quote}),  # Upbit's wire, the same stamps
    Venue.BINANCE_SPOT: frozenset({Ticker, Trade, MarkPrice}),
    Venue.BINANCE_FUTURES: frozenset({Ticker, Trade, Quote, MarkPrice}),
}


class MarketState:
    """What the pipeline knows about one market (mutable, owned by the pipeline)."""

    __slots__ = ("gate", "last_price", "last_seen", "series")

    def __init__(self, pipeline: Pipeline, instrument: Instrument) -> None:
        self.gate = pipeline.gate.state(instrument)
        self.series = pipeline.candles.series(instrument)
        self.last_price: float | None = None
        self.last_seen = 0.0  # recv_ts of the last event


class Pipeline:
    def __init__(
        self,
        venue: Venue,
        publish: Callable[[Any], None],
        candles: CandleBuilder,
        bad: BadInput,
        contiguous_trade_ids: bool,
    ) -> None:
        self.venue = venue
        self._publish = publish
        self.candles = candles
        self.bad = bad
        self.gate = TradeGate(contiguous=contiguous_trade_ids)
        self.markets: dict[Instrument, MarketState] = {}
        self.last_event = 0.0
        self.events = 0
        self.frame_exchange_ms = 0  # venue stamp of the last market event (stream progress)
        self.frame_event_ms = 0  # newest venue event time in the current frame (`EVENT_TIME`)
        # How far (s) our clock is ahead of the venue's, as the app's time sync measured it:
        # a frame's lag is our receive time minus this, minus its event time.
        self.clock_offset = 0.0
        self._event_time = EVENT_TIME.get(venue, frozenset())

    def market(self, instrument: Instrument) -> MarketState:
        m = self.markets.get(instrument)
        if m is None:
            m = self.markets[instrument] = MarketState(self, instrument)
        return m

    def last_price(self, instrument: Instrument) -> float | None:
        m = self.markets.get(instrument)
        return None if m is None else m.last_price

    def last_seen(self, instrument: Instrument) -> float:
        m = self.markets.get(instrument)
        return 0.0 if m is None else m.last_seen

    def sink(self, ev: MarketEvent) -> None:
        cls = type(ev)
        if cls is Candle:
            # Exchange klines only repair tainted minutes; strategies get the candles we build.
            self.candles.offer_exchange_candle(ev)  # type: ignore[arg-type]
            return
        if cls is not Trade and cls is not Quote and cls is not Ticker and cls is not MarkPrice:
            self.events += 1
            self._publish(ev)  # e.g. a status event: passed on as it is
            return
        inst: Instrument = ev.instrument  # type: ignore[union-attr]
        m = self.markets.get(inst)
        if m is None:
            m = self.market(inst)
        if cls is Trade:
            t: Trade = ev  # type: ignore[assignment]
            verdict = self.gate.check_state(m.gate, t.trade_id, t.exchange_ts)  # type: ignore[arg-type]
            if verdict is not _ACCEPT:
                if verdict is _GAP:
                    self.candles.taint_range(inst, self.gate.gap_from, t.exchange_ts)
                else:
                    kind = "duplicate_trade" if verdict is _DUPLICATE else "out_of_order_trade"
                    self.bad.record(kind, f"{inst} id {t.trade_id}")
                    return
            self.candles.on_series_trade(m.series, t.exchange_ts, t.price, t.qty)
            m.last_price = t.price
        elif cls is Ticker:
            m.last_price = ev.last  # type: ignore[union-attr]
        elif cls is MarkPrice and m.last_price is None:
            m.last_price = ev.mark  # type: ignore[union-attr]
        m.last_seen = self.last_event = ev.recv_ts  # type: ignore[union-attr]
        ts: int = ev.exchange_ts  # type: ignore[union-attr]
        self.frame_exchange_ms = ts
        if cls in self._event_time and ts > self.frame_event_ms:
            self.frame_event_ms = ts
        self.events += 1
        self._publish(ev)

    def mark_gap(self, instruments: list[Instrument], now_ms: int) -> None:
        """A frame was lost (malformed or truncated): the current minute may miss a trade."""
        for inst in instruments:
            self.candles.taint_range(inst, now_ms - 2_000, now_ms)
