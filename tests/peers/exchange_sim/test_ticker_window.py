"""24 h ticker statistics: incremental, exact, and cheap enough not to stall the streams.

Regression for: `MarketModel.ticker_24h` re-aggregated the whole day at every minute rollover
(and built 14 days of synthetic minutes on first use), so `!miniTicker@arr` stalled every
stream on the event loop.
"""

from __future__ import annotations

import asyncio
import random
import time

import orjson
from websockets.asyncio.client import ClientConnection, connect

from peers.exchange_sim.clock import SimClock
from peers.exchange_sim.history import MINUTE_MS
from peers.exchange_sim.market import DEFAULT_COINS, MarketModel
from peers.exchange_sim.server import SimExchange

START = 1_700_000_000.0


def _reference(m: MarketModel, venue: str, market: str) -> list[float] | None:
    """The closed-minute part of the 24 h window, aggregated from scratch."""
    store = m._candles[(venue, market)]
    now_min = m.now_ms() // MINUTE_MS * MINUTE_MS
    return store.range_bar(now_min - 1440 * MINUTE_MS, now_min)


def test_rolling_window_matches_a_full_recount() -> None:
    clock = SimClock(start=START, speed=0.0)
    rates = {"upbit": 0.01, "binance": 0.02, "binance_futures": 0.02}  # ~1 trade a minute
    m = MarketModel(3, DEFAULT_COINS[:2], clock, step_s=60.0, trade_rates=rates)
    rng = random.Random(1)
    keys = [("binance", "BTCUSDT"), ("upbit", "KRW-ETH"), ("binance_futures", "ETHUSDT")]
    for _ in range(40):  # irregular jumps, some longer than a day
        clock.advance(rng.choice([1, 30, 61, 600, 3600, 30_000, 90_000]))
        m.tick()
        for key in keys:
            if rng.random() < 0.3:
                continue
            t = m.ticker_24h(*key)
            want = _reference(m, *key)
            cur = m._candles[key].minutes.get(m.now_ms() // MINUTE_MS * MINUTE_MS)
            assert want is not None
            volume = want[4] + (cur[4] if cur else 0.0)
            assert abs(t["volume"] - volume) <= 1e-9 * volume
            assert t["open"] == want[0]
            assert t["high"] == max(want[1], cur[1] if cur else want[1], t["last"])
            assert t["low"] == min(want[2], cur[2] if cur else want[2], t["last"])
            assert t["count"] == want[6] + (cur[6] if cur else 0)


def test_minute_rollover_costs_constant_time() -> None:
    """After a day of real minutes a rollover used to re-merge 1,440 bars per market: 700
    rollover queries took ~0.6 s; incrementally they take ~4 ms."""
    clock = SimClock(start=START, speed=0.0)
    rates = {"upbit": 0.05, "binance": 0.05, "binance_futures": 0.01}  # ~3 trades a minute
    m = MarketModel(5, DEFAULT_COINS[:3], clock, step_s=60.0, trade_rates=rates)
    for _ in range(26):
        clock.advance(3600)
        m.tick()
    markets = [(s.venue, s.market) for v in ("binance", "upbit") for s in m.markets(v)]
    for key in markets:
        m.ticker_24h(*key)
    spent = 0.0
    for _ in range(100):
        clock.advance(60)
        m.tick()
        t0 = time.perf_counter()
        for key in markets:
            m.ticker_24h(*key)
        spent += time.perf_counter() - t0
    assert spent < 0.15, f"{100 * len(markets)} rollover tickers took {spent:.3f}s"


async def _collect(ws: ClientConnection, into: list[tuple[float, object]]) -> None:
    async for raw in ws:
        into.append((time.monotonic(), orjson.loads(raw)))


async def test_mini_ticker_arr_does_not_delay_other_streams() -> None:
    """At speed 60 a minute rolls over every real second: the all-market ticker must not
    hold up the book stream on another connection (frames keep coming < 100 ms apart)."""
    async with SimExchange(seed=3, speed=60.0, tick_interval=0.02) as sim:
        assert len(sim.market.coins) >= 10
        base = sim.urls["BINANCE_WS_URL"]
        async with (
            connect(f"{base}/ws/btcusdt@bookTicker") as book,
            connect(f"{base}/ws") as mini,
        ):
            books: list[tuple[float, object]] = []
            arrays: list[tuple[float, object]] = []
            tasks = [asyncio.create_task(_collect(book, books), name="books"),
                     asyncio.create_task(_collect(mini, arrays), name="arrays")]  # fmt: skip
            try:
                while len(books) < 5:  # the book stream is flowing
                    await asyncio.sleep(0.01)
                sub = {"method": "SUBSCRIBE", "params": ["!miniTicker@arr"], "id": 1}
                await mini.send(orjson.dumps(sub).decode())
                start = time.monotonic()
                while time.monotonic() - start < 2.2:  # two minute rollovers
                    await asyncio.sleep(0.05)
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
        got = [msg for _, msg in arrays if isinstance(msg, list)]
        assert len(got) >= 2 and all(len(a) >= 10 for a in got)
        assert {m["e"] for a in got for m in a} == {"24hrMiniTicker"}
        after = [t for t, _ in books if t >= start]
        gaps = [b - a for a, b in zip([start, *after], after, strict=False)]
        assert len(after) > 20
        assert max(gaps) < 0.1, f"book stream stalled {max(gaps) * 1000:.0f} ms"
