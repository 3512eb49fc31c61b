"""The hot path: interned instruments, the trade gate, per-market state, the bench histogram."""

from __future__ import annotations

import pickle
import subprocess
import sys

from bench.streams import Histogram
from core.events import EventBus
from core.market import Candle, Quote, Side, Trade
from core.symbols import Instrument, Symbol, Venue
from exchanges.base import BadInput, TradeGate, Verdict
from exchanges.binance.parse import BinanceDecoder
from exchanges.candles import CandleBuilder
from exchanges.pipeline import Pipeline
from exchanges.upbit.parse import UpbitDecoder, parse_rest_ticker

TRADE = b'{"e":"trade","E":1,"s":"BTCUSDT","t":%d,"p":"100.5","q":"2","T":%d,"m":true,"M":true}'


def test_instruments_are_shared_across_connections_and_rest() -> None:
    out: list[object] = []
    a = BinanceDecoder(Venue.BINANCE_SPOT, BadInput("a"), out.append)
    b = BinanceDecoder(Venue.BINANCE_SPOT, BadInput("b"), out.append)
    assert a.instrument("BTCUSDT") is b.instrument("BTCUSDT")
    u = UpbitDecoder(BadInput("u"), out.append)
    rest = parse_rest_ticker(
        {"market": "KRW-BTC", "trade_price": 1.0, "trade_timestamp": 1, "timestamp": 1}, 0.0
    )
    assert rest.instrument is u.instrument("KRW-BTC")
    assert rest.instrument == Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))


def test_instrument_hash_is_cached_and_survives_pickling_into_another_process() -> None:
    inst = Instrument(Venue.BINANCE_FUTURES, Symbol("ETH", "USDT"))
    assert hash(inst) == hash(Instrument(Venue.BINANCE_FUTURES, Symbol("ETH", "USDT")))
    blob = pickle.dumps({inst: 1})
    code = (
        "import pickle, sys\n"
        "from core.symbols import Instrument, Symbol, Venue\n"
        "d = pickle.loads(sys.stdin.buffer.read())\n"
        "print(d[Instrument(Venue.BINANCE_FUTURES, Symbol('ETH', 'USDT'))])\n"
    )
    got = subprocess.run(
        [sys.executable, "-c", code], input=blob, capture_output=True, check=True, timeout=60
    )
    assert got.stdout.strip() == b"1"


def test_pipeline_gates_trades_and_keeps_last_price_per_market() -> None:
    bus = EventBus()
    sub = bus.subscribe("all", object, conflate=False)
    closed: list[Candle] = []
    builder = CandleBuilder(closed.append, timeframes=())
    bad = BadInput("t")
    pipeline = Pipeline(Venue.BINANCE_SPOT, bus.publish, builder, bad, True)
    dec = BinanceDecoder(Venue.BINANCE_SPOT, bad, pipeline.sink)
    t0 = 1_700_000_040_000
    for trade_id, ts in [(1, t0), (2, t0 + 1), (2, t0 + 1), (1, t0), (5, t0 + 60_001)]:
        assert dec.decode(TRADE % (trade_id, ts), 1.0)
    got = [e for e in sub.drain() if isinstance(e, Trade)]
    assert [t.trade_id for t in got] == [1, 2, 5]
    assert got[0].side is Side.SELL and got[0].price == 100.5
    assert bad.counts == {"duplicate_trade": 1, "out_of_order_trade": 1}
    inst = dec.instrument("BTCUSDT")
    assert pipeline.last_price(inst) == 100.5 and pipeline.last_seen(inst) == 1.0
    # The id gap (2 -> 5) taints the minutes it spans: they wait for the venue's candle.
    assert builder.wanted() and builder.wanted()[0][0] is inst
    q = Quote(inst, 1.0, 1.0, 2.0, 1.0, 1, 2.0)
    pipeline.sink(q)
    assert pipeline.last_seen(inst) == 2.0 and pipeline.events == 4


def test_trade_gate_without_contiguous_ids_drops_repeats_and_older_trades() -> None:
    gate = TradeGate(contiguous=False, window=2)
    assert gate.check("k", 10, 100) is Verdict.ACCEPT
    assert gate.check("k", 10, 100) is Verdict.DUPLICATE
    assert gate.check("k", 7, 99) is Verdict.OUT_OF_ORDER
    assert gate.check("k", 7, 100) is Verdict.ACCEPT  # ids are unique, not ordered
    assert gate.last_ts("k") == 100 and gate.last_ts("other") is None


def test_histogram_quantiles_use_fixed_buckets() -> None:
    h = Histogram(step=0.001, buckets=200)
    for ms in range(1, 101):
        h.add(ms / 1000 - 0.0005)
    h.add(5.0)  # beyond the last bucket: counted there, max remembered
    assert h.count == 101
    assert abs(h.quantile(0.5) - 0.051) < 1e-9
    assert abs(h.quantile(0.99) - 0.100) < 1e-9
    assert h.quantile(1.0) == 5.0 and h.max == 5.0
    assert Histogram().quantile(0.5) != Histogram().quantile(0.5)  # nan when empty
