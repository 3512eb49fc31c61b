import pytest

from alerts.monitor import PremiumMonitor
from alerts.premium import Fees
from bot.i18n import render
from core.clock import ManualClock
from core.fills import FEE_RATES
from core.market import StreamState, StreamStatus
from core.symbols import Venue
from tests.alerts.conftest import bn, quote, up

T, FX = 1_400.0, 1_385.0
FEES = Fees.from_rates(FEE_RATES)


def _monitor(clock: ManualClock) -> PremiumMonitor:
    m = PremiumMonitor(clock, stale_after=30, fx_stale_after=600, implausible_pct=30)
    m.set_coins({"BTC", "ETH", "XRP", "USDT"})
    m.on_event(up("USDT", T, clock))
    m.set_fx(FX, clock.now())
    return m


def test_snapshot_has_three_consistent_premiums_and_leg_ages() -> None:
    clock = ManualClock()
    m = _monitor(clock)
    m.on_event(bn("BTC", 100_000.0, clock))
    clock.advance(2)
    m.on_event(up("BTC", 100_000.0 * T * 1.03, clock))
    clock.advance(1)
    s = m.snapshot("btc")
    assert s is not None
    assert s.usdt_kimp == pytest.approx(3.0)
    assert s.fx_kimp == pytest.approx((T * 1.03 / FX - 1) * 100)
    assert s.tether == pytest.approx((T / FX - 1) * 100)
    assert (1 + s.fx_kimp / 100) == pytest.approx((1 + s.usdt_kimp / 100) * (1 + s.tether / 100))
    assert (s.ages.upbit, s.ages.binance, s.ages.usdt, s.ages.fx) == (1.0, 3.0, 3.0, 3.0)
    assert s.suspended is None and not s.implausible
    assert m.snapshot("ETH") is None  # one leg only
    assert m.snapshot("DOGE") is None  # not in the universe


def test_top_and_bottom_follow_every_update_and_tether_moves_no_order() -> None:
    clock = ManualClock()
    m = _monitor(clock)
    for coin, prem in (("BTC", 1.0), ("ETH", 4.0), ("XRP", -2.5)):
        m.on_event(bn(coin, 10.0, clock))
        m.on_event(up(coin, 10.0 * T * (1 + prem / 100), clock))
    assert m.top(2) == ["ETH", "BTC"] and m.bottom(1) == ["XRP"]
    m.on_event(bn("XRP", 5.0, clock))  # XRP's premium doubles+: now the highest
    assert m.top(1) == ["XRP"] and m.bottom(1) == ["BTC"]
    m.on_event(up("USDT", 1_500.0, clock))
    assert m.top(3) == ["XRP", "ETH", "BTC"]
    s = m.snapshot("ETH")
    assert s is not None and s.usdt_kimp == pytest.approx((T * 1.04 / 1_500 - 1) * 100)
    m.set_coins({"BTC", "XRP"})
    assert m.top(5) == ["XRP", "BTC"]


def test_equal_ratios_rerank_the_right_coin() -> None:
    clock = ManualClock()
    m = _monitor(clock)
    for coin in ("BTC", "ETH", "XRP"):
        m.on_event(bn(coin, 1.0, clock))
        m.on_event(up(coin, T, clock))
    m.on_event(up("ETH", T * 1.1, clock))
    assert m.top(1) == ["ETH"] and sorted(m.bottom(2)) == ["BTC", "XRP"]


def test_silent_venue_quiet_leg_and_stream_down_suspend_with_a_reason() -> None:
    clock = ManualClock()
    m = _monitor(clock)
    m.on_event(bn("BTC", 100.0, clock))
    m.on_event(up("BTC", 100.0 * T, clock))
    clock.advance(20)
    m.on_event(bn("BTC", 100.0, clock))
    clock.advance(15)
    s = m.snapshot("BTC")
    assert s is not None and render("en", s.suspended) == "Upbit: no market data for 35s"
    assert s.ages.upbit == 35.0 and s.ages.binance == 15.0
    m.on_event(up("USDT", T, clock))  # the venue is alive again; BTC simply did not trade
    snap = m.snapshot("BTC")
    assert snap is not None and snap.suspended is None
    for _ in range(11):  # a live venue, but BTC's Upbit leg never moves for 330 s
        clock.advance(30)
        m.on_event(up("USDT", T, clock))
        m.on_event(bn("BTC", 100.0, clock))
    snap = m.snapshot("BTC")
    assert (
        snap is not None and render("en", snap.suspended) == "Upbit BTC price not updated for 365s"
    )
    m.on_event(up("BTC", 100.0 * T, clock))
    snap = m.snapshot("BTC")
    assert snap is not None and snap.suspended is None
    m.on_status(
        StreamStatus(
            Venue.BINANCE_SPOT, "binance-0", StreamState.DOWN, "connection refused", clock.now()
        )
    )
    snap = m.snapshot("BTC")
    assert (
        snap is not None
        and render("en", snap.suspended) == "Binance spot stream down (connection refused)"
    )
    # "Recovered" (or a REST fallback taking over) is a promise, not a price: suspended until
    # the venue's data actually arrives (issue 14: "resumed" during a total outage).
    for state in (StreamState.DEGRADED, StreamState.RECOVERED):
        m.on_status(StreamStatus(Venue.BINANCE_SPOT, "binance-0", state, "ok", clock.now()))
        snap = m.snapshot("BTC")
        assert snap is not None and snap.suspended is not None
    clock.advance(1)
    m.on_event(bn("BTC", 100.0, clock))
    snap = m.snapshot("BTC")
    assert snap is not None and snap.suspended is None


def test_fx_unavailable_hides_fx_figures_but_keeps_usdt_kimp() -> None:
    clock = ManualClock()
    m = PremiumMonitor(clock, stale_after=1e9, fx_stale_after=600)
    m.set_coins({"BTC"})
    m.on_event(up("USDT", T, clock))
    m.on_event(bn("BTC", 100.0, clock))
    m.on_event(up("BTC", 100.0 * T * 1.01, clock))
    s = m.snapshot("BTC")
    assert s is not None and s.usd_krw is None and s.fx_kimp is None and s.tether is None
    assert s.usdt_kimp == pytest.approx(1.0)
    tv = m.tether_view()
    assert (
        tv.tether is None and tv.fx_unavailable and "no answer" in render("en", tv.fx_unavailable)
    )
    m.set_fx(FX, clock.now())
    s = m.snapshot("BTC")
    assert s is not None and s.fx_kimp is not None
    clock.advance(601)
    m.on_event(up("USDT", T, clock))
    s = m.snapshot("BTC")
    assert s is not None and s.fx_kimp is None and s.usd_krw is None
    rate, why = m.fx()
    assert rate is None and render("en", why or "") == "FX rate unavailable: last one is 601s old"


def test_implausible_premium_is_flagged() -> None:
    clock = ManualClock()
    m = _monitor(clock)
    m.on_event(bn("XRP", 1.0, clock))
    m.on_event(up("XRP", T * 1.45, clock))
    s = m.snapshot("XRP")
    assert s is not None and s.implausible


def test_quotes_feed_mid_prices_and_executable_premium() -> None:
    clock = ManualClock()
    m = _monitor(clock)
    assert m.executable("BTC", 1_000_000.0, FEES) is None
    m.on_event(quote(Venue.UPBIT, "USDT", "KRW", 1_399.0, 1_400.0, 1e6, clock))
    m.on_event(quote(Venue.BINANCE_SPOT, "BTC", "USDT", 99_999.0, 100_000.0, 5.0, clock))
    m.on_event(quote(Venue.UPBIT, "BTC", "KRW", 144_000_000.0, 144_100_000.0, 5.0, clock))
    m.on_event(quote(Venue.UPBIT, "BTC", "KRW", 0.0, 0.0, 5.0, clock))  # empty book ignored
    s = m.snapshot("BTC")
    assert s is not None and s.upbit_krw == 144_050_000.0 and s.usdt_krw == 1_399.5
    exe = m.executable("BTC", 1_000_000.0, FEES)
    assert exe is not None and exe.forward_pct is not None and exe.reverse_pct is not None
    assert exe.forward_pct == pytest.approx((144e6 / (1400 * 1e5) * 0.9995**2 * 0.999 - 1) * 100)


def test_other_markets_are_ignored() -> None:
    clock = ManualClock()
    m = _monitor(clock)
    from core.market import Ticker
    from core.symbols import Instrument, Symbol

    m.on_event(
        Ticker(Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT")), 1.0, 0, clock.now())
    )
    m.on_event(Ticker(Instrument(Venue.UPBIT, Symbol("ETH", "BTC")), 1.0, 0, clock.now()))
    m.on_event(Ticker(Instrument(Venue.BINANCE_SPOT, Symbol("ETH", "BTC")), 1.0, 0, clock.now()))
    m.on_event("garbage")
    assert m.updates == 0
