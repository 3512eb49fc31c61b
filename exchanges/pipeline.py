"""The hot path after parsing: trade gate -> candles -> last price -> fan-out.

One `Pipeline` per venue, shared by that venue's connections and its REST fallback. It is
synchronous: a frame is fully handled before the next one is read, and `publish` (the event
bus) never blocks, so a slow subscriber can never stall a stream.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.domain.market import Candle, MarkPrice, Quote, Ticker, Trade
from bot.domain.symbols import Instrument, Venue
from exchanges.base import BadInput, MarketEvent, TradeGate, Verdict
from exchanges.candles import CandleBuilder


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
        self.last_price: dict[Instrument, float] = {}
        self.last_seen: dict[Instrument, float] = {}  # recv_ts of the last event per instrument
        self.last_event = 0.0
        self.events = 0

    def sink(self, ev: MarketEvent) -> None:
        cls = type(ev)
        if cls is Trade:
            t: Trade = ev  # type: ignore[assignment]
            inst = t.instrument
            gate = self.gate
            prev_ts = gate.last_ts(inst)
            verdict = gate.check(inst, t.trade_id, t.exchange_ts)  # type: ignore[arg-type]
            if verdict is Verdict.DUPLICATE:
                self.bad.record("duplicate_trade", f"{inst} id {t.trade_id}")
                return
            if verdict is Verdict.OUT_OF_ORDER:
                self.bad.record("out_of_order_trade", f"{inst} id {t.trade_id}")
                return
            if verdict is Verdict.GAP and prev_ts is not None:
                self.candles.taint_range(inst, prev_ts, t.exchange_ts)
            self.candles.on_trade(inst, t.exchange_ts, t.price, t.qty)
            self.last_price[inst] = t.price
            self.last_seen[inst] = self.last_event = t.recv_ts
        elif cls is Ticker:
            k: Ticker = ev  # type: ignore[assignment]
            self.last_price[k.instrument] = k.last
            self.last_seen[k.instrument] = self.last_event = k.recv_ts
        elif cls is Quote or cls is MarkPrice:
            q: Quote | MarkPrice = ev  # type: ignore[assignment]
            if cls is MarkPrice:
                self.last_price.setdefault(q.instrument, q.mark)  # type: ignore[union-attr]
            self.last_seen[q.instrument] = self.last_event = q.recv_ts
        elif cls is Candle:
            # Exchange klines only repair tainted minutes; strategies get the candles we build.
            self.candles.offer_exchange_candle(ev)  # type: ignore[arg-type]
            return
        self.events += 1
        self._publish(ev)

    def mark_gap(self, instruments: list[Instrument], now_ms: int) -> None:
        """A frame was lost (malformed or truncated): the current minute may miss a trade."""
        for inst in instruments:
            self.candles.taint_range(inst, now_ms - 2_000, now_ms)
