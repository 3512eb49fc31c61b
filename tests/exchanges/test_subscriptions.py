"""Against the simulator: subscriptions stream (and warm up) only what they declare, a symbol
that alone goes silent is resubscribed on the live connection, and the planned reconnect before
Binance's 24 h limit loses and duplicates no candle.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bot.i18n import render
from core.market import Quote, StreamState, StreamStatus, Trade
from core.symbols import Instrument, Symbol, Venue
from exchanges.binance.stream import BinanceStream
from exchanges.manager import MarketDataManager
from exchanges.stream_base import PipelineStream
from exchanges.subscriptions import Need
from exchanges.upbit.stream import UpbitStream
from peers.exchange_sim.server import SimExchange
from tests.exchanges.conftest import Running
from tests.exchanges.test_e2e_sim import Seen, check_candles
from tests.helpers import eventually

SPOT = Venue.BINANCE_SPOT


def spot(base: str) -> Instrument:
    return Instrument(SPOT, Symbol(base, "USDT"))


def streams(md: MarketDataManager, venue: Venue) -> set[str]:
    out: set[str] = set()
    for r in md.feeds[venue].runners:
        if isinstance(r.handler, BinanceStream):
            out.update(r.handler.streams)
    return out


def warmed(md: MarketDataManager, inst: Instrument) -> bool:
    return bool(md.candles.history.get((inst, "1m")))


async def test_quote_only_subscriptions_get_no_trade_streams_and_no_warm_up(
    start_md: Callable[..., Awaitable[Running]],
) -> None:
    fut = Instrument(Venue.BINANCE_FUTURES, Symbol("ETH", "USDT"))
    run = await start_md((SPOT, Venue.BINANCE_FUTURES), [spot("BTC")])  # subscribe_symbols
    md = run.manager
    md.subscribe_quotes([spot("ETH"), spot("XRP"), fut])
    await eventually(lambda: warmed(md, spot("BTC")))
    assert {"btcusdt@trade", "btcusdt@bookTicker"} <= streams(md, SPOT)
    assert {"ethusdt@bookTicker", "xrpusdt@bookTicker"} <= streams(md, SPOT)
    assert not {"ethusdt@trade", "xrpusdt@trade"} & streams(md, SPOT)
    assert streams(md, Venue.BINANCE_FUTURES) == {
        "!markPrice@arr@1s",  # always on: every perpetual's mark price
        "ethusdt@bookTicker",
        "ethusdt@markPrice@1s",
    }

    def futures_quote() -> bool:
        return any(isinstance(e, Quote) and e.instrument == fut for e in run.events.drain())

    await eventually(futures_quote, timeout=10)
    assert md.wanted(spot("ETH")) == Need.QUOTES
    assert not warmed(md, spot("ETH")) and not warmed(md, fut)
    assert not [k for k in md.candles.history if k[0] in (spot("ETH"), spot("XRP"), fut)]

    # A strategy later needs ETH candles: the trade stream is added and ETH is warmed up.
    md.subscribe([spot("ETH")], Need.CANDLES)
    await eventually(lambda: warmed(md, spot("ETH")))
    assert "ethusdt@trade" in streams(md, SPOT)
    assert md.wanted(spot("ETH")) == Need.QUOTES | Need.TRADES | Need.CANDLES

    def eth_trade() -> bool:
        return any(isinstance(e, Trade) and e.instrument == spot("ETH") for e in run.events.drain())

    await eventually(eth_trade, timeout=10)
    assert not warmed(md, spot("XRP"))


def _carries(runner: Any, base: str) -> bool:
    h = runner.handler
    if isinstance(h, BinanceStream):
        return f"{base.lower()}usdt@trade" in h.streams
    return isinstance(h, UpbitStream) and f"KRW-{base}" in h.codes


def _sim_serves(sim: SimExchange, venue: Venue, base: str) -> bool:
    if venue is Venue.UPBIT:
        return any(f"KRW-{base}" in c.subs.get("trade", {}) for c in sim.upbit.streams.conns)
    return any(f"{base.lower()}usdt@trade" in c.streams.values() for c in sim.binance.hub.conns)


@pytest.mark.parametrize("venue", [Venue.UPBIT, SPOT], ids=["upbit", "binance"])
async def test_one_silent_symbol_is_resubscribed_without_a_reconnect(
    venue: Venue, start_md: Callable[..., Awaitable[Running]]
) -> None:
    quote = "KRW" if venue is Venue.UPBIT else "USDT"
    eth, btc = (Instrument(venue, Symbol(b, quote)) for b in ("ETH", "BTC"))
    # Trades only (Upbit: the trade channel for every KRW market): silent when nobody trades.
    run = await start_md((venue,), [], symbol_stale_after=20.0, upbit_channels=("trade",))
    md = run.manager
    md.subscribe([btc, eth], Need.TRADES)
    statuses: list[StreamStatus] = []
    trades: dict[str, int] = {"BTC": 0, "ETH": 0}

    def pump() -> None:
        for ev in run.events.drain():
            if isinstance(ev, Trade):
                trades[ev.instrument.symbol.base] = trades.get(ev.instrument.symbol.base, 0) + 1
            elif isinstance(ev, StreamStatus):
                statuses.append(ev)

    await eventually(lambda: pump() or trades["ETH"] > 0, timeout=10)
    runner = next(r for r in md.feeds[venue].runners if _carries(r, "ETH"))
    handler = runner.handler
    assert isinstance(handler, PipelineStream)
    market = "KRW-ETH" if venue is Venue.UPBIT else "ETHUSDT"
    spec: Any = run.sim.market.market_spec(venue.value, market)
    rate, spec.trade_rate = spec.trade_rate, 0.0  # ETH goes quiet, the rest keeps trading

    await eventually(lambda: runner.symbol_resubscribes >= 1, timeout=15)
    assert eth in handler.quiet and btc not in handler.quiet
    lines = [render("en", line) for line in await md.status_lines()]
    assert any("quiet" in line and "ETH/" in line for line in lines), lines
    btc_before = trades["BTC"]
    await eventually(lambda: pump() or trades["BTC"] > btc_before + 5, timeout=10)
    # Same connection: no reconnect, no status change, and the simulator still serves ETH.
    assert runner.reconnects == 0
    pump()
    assert [st.state for st in statuses if st.connection == runner.name] == [StreamState.UP]
    await eventually(lambda: _sim_serves(run.sim, venue, "ETH"), timeout=5)

    spec.trade_rate = rate  # trading resumes: ETH is no longer flagged
    eth_before = trades["ETH"]
    await eventually(lambda: pump() or trades["ETH"] > eth_before, timeout=10)
    await eventually(lambda: eth not in handler.quiet, timeout=10)
    assert runner.reconnects == 0


async def test_planned_reconnect_before_the_lifetime_limit_keeps_candles_exact(
    start_md: Callable[..., Awaitable[Running]],
) -> None:
    # 45 market seconds stand in for Binance's 24 h: several planned reconnects per minute.
    run = await start_md((SPOT,), [spot("BTC")], binance_max_lifetime=45.0)
    md = run.manager
    seen = Seen(run)
    runners = md.feeds[SPOT].runners
    await eventually(lambda: all(r.reconnects >= 3 for r in runners), timeout=20)
    now_ms = int(run.sim.clock.now() * 1000)
    target = now_ms - now_ms % 60_000 + 60_000

    def settled() -> bool:
        seen.pump()
        done = [c for c in seen.candles if c.timeframe == "1m" and c.instrument == spot("BTC")]
        return bool(done) and done[-1].open_ts >= target and not md.candles.builder.wanted()

    await eventually(settled, timeout=15)
    assert check_candles(seen, SPOT) >= 3  # consecutive, unique, equal to the trade record
    assert md.candles.builder.stats.unverified == 0
    for r in runners:  # planned: never reported as down
        assert seen.states(r.name) == [StreamState.UP], r.name
