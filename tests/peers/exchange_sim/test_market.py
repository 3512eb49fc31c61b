"""Market model: determinism, premium maths, scenarios, candles vs the trade record."""

from __future__ import annotations

import itertools

import aiohttp
import pytest

from peers.exchange_sim.clock import SimClock
from peers.exchange_sim.market import DEFAULT_COINS, MarketModel, SimBook, SimTrade
from peers.exchange_sim.scenario import Scenario
from peers.exchange_sim.server import SimExchange

START = 1_700_000_000.0


def _model(seed: int = 1) -> tuple[SimClock, MarketModel]:
    clock = SimClock(start=START, speed=0.0)
    return clock, MarketModel(seed, DEFAULT_COINS[:3], clock)


def test_same_seed_same_path_regardless_of_tick_pattern() -> None:
    c1, m1 = _model(7)
    c2, m2 = _model(7)
    c1.advance(120)
    m1.tick()
    for _ in range(12):
        c2.advance(10)
        m2.tick()
    assert m1.binance_mid("BTC") == m2.binance_mid("BTC")
    assert m1.trades("upbit", "KRW-BTC") == m2.trades("upbit", "KRW-BTC")
    assert m1.book("binance", "ETHUSDT") == m2.book("binance", "ETHUSDT")
    c3, m3 = _model(8)
    c3.advance(120)
    m3.tick()
    assert m3.binance_mid("BTC") != m1.binance_mid("BTC")


def test_upbit_price_is_binance_times_rate_times_premium() -> None:
    _, m = _model()
    m.set_premium("BTC", 3.0)
    expected = m.binance_mid("BTC") * m.usdt_krw * 1.03
    assert m.upbit_mid("BTC") == pytest.approx(expected)
    assert m.upbit_mid("USDT") == m.usdt_krw
    assert m.futures_mark("BTC") == pytest.approx(m.binance_mid("BTC"), rel=1e-3)


def test_premium_ramp_follows_virtual_time() -> None:
    clock, m = _model()
    m.set_premium("BTC", 1.0)
    m.ramp_premium("BTC", 4.0, over_seconds=90)
    clock.advance(45)
    m.tick()
    assert m.premium_pct("BTC") == pytest.approx(2.5, abs=0.02)
    clock.advance(60)
    m.tick()
    assert m.premium_pct("BTC") == pytest.approx(4.0)


def test_scenario_file_schedules_steps(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "kimp.toml"
    path.write_text(
        '[[step]]\nat = 0\ncoin = "BTC"\npremium_pct = 1.0\n'
        '[[step]]\nat = 10\ncoin = "BTC"\nramp_premium_pct = 4.0\nover = 90\n'
        '[[step]]\nat = 200\ncoin = "BTC"\nramp_premium_pct = 1.0\nover = 10\n'
    )
    clock, m = _model()
    Scenario.load(path).apply(m)
    clock.advance(5)
    m.tick()
    assert m.premium_pct("BTC") == pytest.approx(1.0)
    clock.advance(100)
    m.tick()
    assert m.premium_pct("BTC") == pytest.approx(4.0)
    clock.advance(300)
    m.tick()
    assert m.premium_pct("BTC") == pytest.approx(1.0)


def test_bad_scenario_is_a_clear_error(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "bad.toml"
    path.write_text('[[step]]\nat = 0\ncoin = "BTC"\n')
    with pytest.raises(ValueError, match="exactly one of"):
        Scenario.load(path)


def test_events_trades_on_grid_and_books() -> None:
    clock, m = _model()
    events: list[object] = []
    m.add_listener(events.append)
    clock.advance(30)
    m.tick()
    trades = [e for e in events if isinstance(e, SimTrade)]
    books = [e for e in events if isinstance(e, SimBook)]
    assert trades and books
    upbit = [t for t in trades if (t.venue, t.market) == ("upbit", "KRW-BTC")]
    assert upbit and all(t.price % 1000 == 0 for t in upbit)
    ids = [t.trade_id for t in upbit]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    book = m.book("upbit", "KRW-BTC")
    assert book.bids[0][0] < book.asks[0][0]
    assert len(book.bids) == 30


def test_candles_match_the_trade_record() -> None:
    clock, m = _model()
    clock.advance(300)
    m.tick()
    candles = m.candles("upbit", "KRW-BTC", 60, m.now_ms(), 3)
    trades = m.trades("upbit", "KRW-BTC")
    for c in candles:
        inside = [t for t in trades if c.open_ms <= t.ts_ms <= c.close_ms]
        assert c.volume == pytest.approx(sum(t.qty for t in inside))
        assert c.high == max(t.price for t in inside)
        assert c.close == inside[-1].price
    history = m.candles("binance", "BTCUSDT", 3600, m.now_ms(), 48)
    assert len(history) == 48
    assert all(b.open_ms - a.open_ms == 3_600_000 for a, b in itertools.pairwise(history))
    days = m.candles("binance", "BTCUSDT", 86400, m.now_ms(), 100)
    assert len(days) == 100


async def test_fx_and_admin_endpoints(sim: SimExchange) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(sim.urls["FX_RATE_URL"]) as resp:
            fx = await resp.json()
        assert fx["base"] == "USD" and fx["rates"]["KRW"] == pytest.approx(1385.0)
        url = sim.urls["UPBIT_REST_URL"] + "/__sim/market"
        async with http.post(url, json={"action": "set_premium", "base": "BTC", "pct": 5}) as r:
            assert r.status == 200
        assert sim.market.premium_pct("BTC") == 5
        async with http.post(url, json={"action": "nope"}) as r:
            assert r.status == 400
        async with http.get(sim.urls["UPBIT_REST_URL"] + "/__sim/state") as r:
            state = await r.json()
        assert state["coins"]["BTC"]["premium_pct"] == 5
        cmd = {"action": "schedule_delisting", "venue": "upbit", "market": "KRW-XRP"}
        async with http.post(url, json={**cmd, "day": "2026-12-20"}) as r:
            assert r.status == 200
        assert sim.market.delisting_dates == {("upbit", "KRW-XRP"): "2026-12-20"}
        async with http.post(url, json={**cmd, "market": "KRW-NOPE", "day": "2026-12-20"}) as r:
            assert r.status == 400
        async with http.post(url, json={**cmd, "day": None}) as r:
            assert r.status == 200
        assert sim.market.delisting_dates == {}


async def test_the_market_state_switch_over_the_admin_endpoint(sim: SimExchange) -> None:
    url = sim.urls["UPBIT_REST_URL"] + "/__sim/market"
    cmd = {"action": "set_market_state", "venue": "upbit", "market": "KRW-XRP"}
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json={**cmd, "state": "PREVIEW"}) as r:
            assert r.status == 200
        assert sim.market.market_states == {("upbit", "KRW-XRP"): "PREVIEW"}
        async with http.post(url, json={**cmd, "state": "SOON"}) as r:
            assert r.status == 400  # not a market_state Upbit sends
        async with http.post(url, json={**cmd, "market": "KRW-NOPE", "state": "ACTIVE"}) as r:
            assert r.status == 400
    assert sim.upbit is not None
    tickers = [sim.upbit.payloads.ticker(c, ws=True) for c in ("KRW-XRP", "KRW-BTC")]
    assert [t["market_state"] for t in tickers] == ["PREVIEW", "ACTIVE"]
