"""Warm-up from REST history before the first signal, with an empty candles table: the
market-data manager's REST client fetches the simulator's klines (the manager seeds its candle
builder with the last 200 minutes, the bot asks its REST client for the older ones), the bot
logs "loaded N candles" and keeps them in the table."""

from __future__ import annotations

from pathlib import Path

from loguru import logger

from core.symbols import Instrument, Symbol, Venue
from exchanges.candle_store import CandleStore
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.strategies.simlive import live_service

BTC_USDT = Instrument(Venue.BINANCE_SPOT, Symbol("BTC", "USDT"))
BOTS = """
[bots.warm]
strategy = "rsi"
exchange = "binance"
symbols = ["BTC/USDT"]
stake = 100
autostart = true
"""


async def test_warm_up_comes_from_the_venues_rest_klines_when_the_table_is_empty(
    tmp_path: Path,
) -> None:
    lines: list[str] = []
    sink = logger.add(lines.append, format="{message}", level="INFO")
    try:
        async with (
            SimExchange(seed=5, speed=30.0, tick_interval=0.02, paced=True) as sim,
            live_service(tmp_path, sim, BOTS) as live,
        ):
            started = sim.clock.now() * 1000
            db = live.app.db
            assert await db.fetchall("SELECT * FROM candles WHERE venue = 'binance'") == []
            manager = live.manager
            await eventually(lambda: "warm" in manager.runners, timeout=20)
            runner = manager.runners["warm"]
            await eventually(lambda: BTC_USDT in runner.warmed_until, timeout=20)
            last = runner.warmed_until[BTC_USDT]
            stored = [c for c in await CandleStore(db).history(BTC_USDT, "1m", 1000, last + 1)]
            venue = sim.market.candles("binance", "BTCUSDT", 60, last + 59_999, 300)
    finally:
        logger.remove(sink)
    # 300 minutes (3 x the strategy's warm-up, at least 300), the last one just before the
    # bot's first live candle, every one as the venue's REST klines have it.
    assert len(stored) == 300
    assert [c.open_ts for c in stored] == list(range(last - 299 * 60_000, last + 1, 60_000))
    assert stored[0].open_ts < sim.clock.now() * 1000 - 250 * 60_000, "older than the service"
    by_ts = {v.open_ms: v for v in venue}
    # Minutes before the service started can only have come from the venue's REST klines (the
    # few after it were built from the streamed trades).
    for c in (c for c in stored if c.close_ts <= started):
        v = by_ts[c.open_ts]
        assert (c.open, c.high, c.low, c.close) == (v.open, v.high, v.low, v.close), c
    assert "bot warm: loaded 300 candles for binance:BTC/USDT 1m" in [x.strip() for x in lines]
