"""Premiums across several KRW venues: each venue's kimp computed by the same book with the venue
as data, the Upbit–Bithumb spread (raw and executable after both taker fees), and their alerts
through the one state machine (keys, thresholds, mutes, wording, persisted rows)."""

from __future__ import annotations

from pathlib import Path

import pytest

from alerts.alert_state import AlertState
from alerts.config import AlertConfig
from alerts.events import AlertEvent, EventKind, Zone
from alerts.krw_venues import KrwVenues, coin_of, spread_key, venue_key
from alerts.monitor import PremiumMonitor
from alerts.spread import executable_spread, raw_spread
from bot.i18n import Messages
from bot.notify.kimp_alerts import coin_buttons
from core.clock import ManualClock
from core.market import Quote, StreamState, StreamStatus, Ticker
from core.storage import Database
from core.symbols import Instrument, Symbol, Venue
from core.text import Text
from tests.alerts.conftest import bn
from tests.alerts.test_service import FX, Inbox, service

T = 1_400.0
KRW = (Venue.UPBIT, Venue.BITHUMB)
RATES = {Venue.UPBIT: 0.0005, Venue.BITHUMB: 0.0004, Venue.BINANCE_SPOT: 0.001}


def kr(venue: Venue, coin: str, price: float, clock: ManualClock, volume: float = 0.0) -> Ticker:
    inst = Instrument(venue, Symbol(coin, "KRW"))
    return Ticker(inst, price, int(clock.now() * 1000), clock.now(), volume)


def book(venue: Venue, coin: str, bid: float, ask: float, qty: float, clock: ManualClock) -> Quote:
    inst = Instrument(venue, Symbol(coin, "KRW"))
    return Quote(inst, bid, qty, ask, qty, int(clock.now() * 1000), clock.now())


# ---------------------------------------------------------------------- one book per venue
@pytest.mark.parametrize("venue", KRW)
def test_each_krw_venue_is_priced_by_the_same_maths_and_ignores_the_other(venue: Venue) -> None:
    clock = ManualClock()
    other = next(v for v in KRW if v is not venue)
    m = PremiumMonitor(clock, stale_after=30, fx_stale_after=600, krw_venue=venue)
    m.set_coins({"BTC"})
    m.set_fx(FX, clock.now())
    m.on_event(kr(venue, "USDT", T, clock))
    m.on_event(bn("BTC", 100_000.0, clock))
    m.on_event(kr(venue, "BTC", 100_000.0 * T * 1.02, clock))
    # The other KRW venue's prices are not this book's: a different price changes nothing.
    m.on_event(kr(other, "USDT", 1_500.0, clock))
    m.on_event(kr(other, "BTC", 100_000.0 * T * 1.10, clock))
    s = m.snapshot("BTC")
    assert s is not None
    assert s.usdt_kimp == pytest.approx(2.0)
    assert s.fx_kimp == pytest.approx((T * 1.02 / FX - 1) * 100)
    assert s.tether == pytest.approx((T / FX - 1) * 100)
    q = m.krw_quote("BTC")
    assert q is not None and q.venue is venue and q.price == pytest.approx(100_000.0 * T * 1.02)
    # The other venue going down says nothing about this one.
    m.on_event(StreamStatus(other, "x-0", StreamState.DOWN, "closed", clock.now()))
    assert m.snapshot("BTC") is not None and m.snapshot("BTC").suspended is None  # type: ignore[union-attr]
    m.on_event(StreamStatus(venue, "x-0", StreamState.DOWN, "closed", clock.now()))
    assert m.krw_problem("BTC") is not None


# ---------------------------------------------------------------------- spread maths
def test_raw_spread_is_a_over_b() -> None:
    assert raw_spread(101.0, 100.0) == pytest.approx(1.0)
    assert raw_spread(99.0, 100.0) == pytest.approx(-1.0)
    assert raw_spread(0.0, 100.0) is None


def test_executable_spread_walks_both_books_after_both_taker_fees() -> None:
    # A (Upbit) dearer: buy on B at its asks, sell on A at its bids.
    a_bids = [(101.0, 1_000.0), (100.5, 5_000.0)]
    a_asks = [(101.2, 1_000.0)]
    b_bids = [(99.8, 1_000.0)]
    b_asks = [(100.0, 3_000.0), (100.2, 10_000.0)]
    size = 500_000.0  # 3,000 coins at 100 = 300,000 KRW, the rest at 100.2
    exe = executable_spread(a_bids, a_asks, b_bids, b_asks, size, 0.0005, 0.0004)
    left = size - 300_000.0
    bought = 3_000.0 + left / 100.2
    qty = bought * (1 - 0.0004)
    sold = 1_000.0 * 101.0 + (qty - 1_000.0) * 100.5
    expected = (sold * (1 - 0.0005) / size - 1) * 100
    assert exe.sell_a.pct == pytest.approx(expected)
    assert exe.sell_a.buy_on == "b" and not exe.top_only
    # The other way round loses the spread twice; its book is also too thin for the size.
    assert exe.sell_b.pct is None and exe.sell_b.why is not None
    assert exe.best is exe.sell_a
    small = executable_spread(a_bids, a_asks, b_bids, b_asks, 50_000.0, 0.0005, 0.0004)
    assert small.sell_b.pct is not None and small.sell_b.pct < 0 < small.sell_a.pct  # type: ignore[operator]


def test_spread_view_names_the_dearer_venue_and_is_suspended_by_a_silent_side() -> None:
    clock = ManualClock()
    primary = PremiumMonitor(clock, stale_after=30, fx_stale_after=600)
    krw = KrwVenues(clock, primary, [Venue.BITHUMB], RATES)
    primary.set_coins({"XRP"})
    krw.set_coins({"XRP"})
    for event in (
        book(Venue.UPBIT, "XRP", 1_000.0, 1_001.0, 10_000.0, clock),
        book(Venue.BITHUMB, "XRP", 985.0, 986.0, 10_000.0, clock),
    ):
        primary.on_event(event)
        krw.on_event(event)
    view = krw.spread("XRP", 1_000_000.0)
    assert view is not None and view.suspended is None
    assert view.pct == pytest.approx((1_000.5 / 985.5 - 1) * 100)
    assert view.dearer is Venue.UPBIT
    assert view.exe is not None and view.exe.top_only
    expected = ((1_000_000 / 986.0) * (1 - 0.0004) * 1_000.0 * (1 - 0.0005) / 1e6 - 1) * 100
    assert view.exe.sell_a.pct == pytest.approx(expected)
    assert krw.spreads(1_000_000.0) == [view]
    # Bithumb goes silent while Upbit keeps talking: the spread is suspended, with why.
    for _ in range(8):
        clock.advance(5)
        primary.on_event(kr(Venue.UPBIT, "XRP", 1_000.5, clock))
    view = krw.spread("XRP", 1_000_000.0)
    assert view is not None and view.suspended is not None
    assert "Bithumb" in Messages("en").render(view.suspended)


# ---------------------------------------------------------------------- alert keys
def test_keys_keep_upbit_rows_and_name_the_coin_of_every_key() -> None:
    assert venue_key("BTC", Venue.UPBIT, Venue.UPBIT) == "coin:BTC"  # persisted rows stay valid
    assert venue_key("BTC", Venue.BITHUMB, Venue.UPBIT) == "coin:BTC@bithumb"
    assert spread_key("BTC") == "spread:BTC"
    assert [coin_of(k) for k in ("coin:BTC", "coin:XRP@bithumb", "spread:ETH", "tether")] == [
        "BTC", "XRP", "ETH", None,
    ]  # fmt: skip


def test_spread_levels_are_their_own_and_checked() -> None:
    cfg = AlertConfig(spread_high_pct=0.8, spread_low_pct=-0.6)
    assert cfg.levels("spread:BTC") == (0.8, -0.6)
    assert cfg.levels("coin:BTC@bithumb") == (cfg.high_pct, cfg.low_pct)
    assert any("spread" in p for p in AlertConfig(spread_high_pct=-1, spread_low_pct=1).problems())


def test_buttons_under_a_bithumb_or_spread_alert_mute_the_coin() -> None:
    def ev(key: str) -> AlertEvent:
        return AlertEvent(key, "x", EventKind.ENTER, 3.1, Zone.HIGH, 0, 1, 0.0)

    rows = coin_buttons([ev("coin:XRP@bithumb"), ev("spread:SOL")], Messages("en"))
    assert [row[0].command for row in rows] == ["/kimpmute XRP 1h", "/kimpmute SOL 1h"]


# ---------------------------------------------------------------------- through the service
COINS3 = {"BTC": 1.0, "XRP": 1.0, "SOL": 1.0}


def feed3(
    svc: object, clock: ManualClock, upbit: dict[str, float], bithumb: dict[str, float]
) -> None:
    """Upbit and Bithumb at the given USDT kimps (both venues' KRW-USDT at T)."""
    from alerts.service import KimpService

    assert isinstance(svc, KimpService)
    events: list[object] = [kr(Venue.UPBIT, "USDT", T, clock), kr(Venue.BITHUMB, "USDT", T, clock)]
    for coin in upbit:
        events.append(bn(coin, 10.0, clock))
        events.append(kr(Venue.UPBIT, coin, 10.0 * T * (1 + upbit[coin] / 100), clock))
        if coin in bithumb:
            events.append(kr(Venue.BITHUMB, coin, 10.0 * T * (1 + bithumb[coin] / 100), clock))
    for event in events:
        svc.monitor.on_event(event)
        svc.krw.on_event(event)
    svc.krw.set_fx(FX, clock.now())


async def run3(
    svc: object, clock: ManualClock, upbit: dict[str, float], bithumb: dict[str, float], secs: int
) -> None:
    from alerts.service import KimpService

    assert isinstance(svc, KimpService)
    for _ in range(secs // 5):
        feed3(svc, clock, upbit, bithumb)
        await svc.evaluate()
        clock.advance(5)


async def test_bithumb_premium_and_the_spread_alert_with_their_own_keys(tmp_path: Path) -> None:
    clock, inbox = ManualClock(), Inbox()
    # The raw basis: these tickers carry no book (the net basis is tested on the simulator).
    async with service(tmp_path / "k.db", clock, inbox, kimp_spread_alert_basis="raw") as svc:
        svc.set_coins(set(COINS3))
        await run3(svc, clock, COINS3, COINS3, 30)
        assert inbox.notes == []
        # XRP: Upbit still +1 %, Bithumb +3.3 % -> Bithumb's kimp alert and the spread (Bithumb
        # dearer by ~2.2 %, beyond the spread's -1 % level).
        await run3(svc, clock, COINS3, {**COINS3, "XRP": 3.3}, 60)
        texts = inbox.texts()
        assert "🔺 XRP (Bithumb) premium +3.30% (USDT kimp): reached the +3% alert level" in texts
        spread = (1.01 / 1.033 - 1) * 100
        assert (
            f"🔻 XRP Upbit–Bithumb spread {spread:+.2f}% (Upbit over Bithumb): reached the -1% "
            "alert level" in texts
        ), texts
        assert len(texts) == 2
        assert svc.engine.states["coin:XRP@bithumb"].zone is Zone.HIGH
        assert svc.engine.states["spread:XRP"].zone is Zone.LOW
        assert svc.engine.states["coin:XRP"].zone is Zone.NORMAL  # Upbit's own key, unchanged
        views = svc.spreads()
        assert [v.coin for v in views][-1] == "XRP" and views[-1].dearer is Venue.BITHUMB
        head = svc.headline(venue=Venue.BITHUMB)
        assert head.top[0].coin == "XRP" and head.top[0].usdt_kimp == pytest.approx(3.3)


async def test_korean_wording_of_the_spread_and_bithumb_alerts(tmp_path: Path) -> None:
    clock, inbox = ManualClock(), Inbox()
    raw = {"kimp_spread_alert_basis": "raw"}
    async with service(tmp_path / "k.db", clock, inbox, language="ko", **raw) as svc:
        svc.set_coins(set(COINS3))
        await run3(svc, clock, COINS3, COINS3, 30)
        await run3(svc, clock, COINS3, {**COINS3, "XRP": 3.3}, 60)
        texts = inbox.texts()
        assert "🔺 XRP(빗썸) 김프 +3.30% (USDT 기준 김프): 알림 기준 +3% 도달" in texts, texts
        spread = (1.01 / 1.033 - 1) * 100
        assert (
            f"🔻 XRP 업비트–빗썸 가격차 {spread:+.2f}% (빗썸 대비 업비트): 알림 기준 -1% 도달"
            in texts
        ), texts


async def test_a_coin_mute_and_own_levels_hold_on_every_venue_and_the_spread_has_its_own(
    tmp_path: Path,
) -> None:
    clock, inbox = ManualClock(), Inbox()
    async with service(tmp_path / "k.db", clock, inbox, kimp_spread_alert_basis="raw") as svc:
        svc.set_coins(set(COINS3))
        await run3(svc, clock, COINS3, COINS3, 30)
        await svc.mute_for("XRP", 3600)
        await svc.set_coin_levels("SOL", high=5.0)
        # XRP muted: neither its Bithumb premium nor its spread speaks (their zones still move).
        # SOL: Bithumb at +4 % is below SOL's own +5 %; the spread (~-2.9 %) has its own level.
        await run3(svc, clock, COINS3, {**COINS3, "XRP": 3.3, "SOL": 4.0}, 60)
        texts = inbox.texts()
        assert not any("XRP" in t for t in texts), texts
        assert svc.engine.states["coin:XRP@bithumb"].zone is Zone.HIGH
        assert svc.engine.states["coin:SOL@bithumb"].zone is Zone.NORMAL
        spread = (1.01 / 1.04 - 1) * 100
        assert texts == [
            f"🔻 SOL Upbit–Bithumb spread {spread:+.2f}% (Upbit over Bithumb): reached the -1% "
            "alert level"
        ]


async def test_upbit_rows_persisted_before_the_change_load_as_upbit_keys(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    clock, inbox = ManualClock(), Inbox()
    async with service(path, clock, inbox):
        pass  # schema created
    # A row as an earlier version wrote it: BTC already alerted high on Upbit.
    st = AlertState(zone=Zone.HIGH, episode=1, last_enter={"high": clock.now()})
    async with Database.open(path) as db:
        await db.execute(
            "INSERT INTO alert_state(key, state, updated_ts) VALUES (?, ?, ?)",
            ("coin:BTC", st.dump().decode(), clock.now()),
        )
    async with service(path, clock, inbox) as svc:
        svc.set_coins(set(COINS3))
        await run3(svc, clock, {**COINS3, "BTC": 3.5}, {**COINS3, "BTC": 3.5}, 60)
        texts = inbox.texts()
        # Upbit's BTC is the same episode (no repeat); Bithumb's BTC is a key of its own.
        assert texts == [
            "🔺 [Market] BTC (Bithumb) premium +3.50% (USDT kimp): reached the +3% alert level"
        ], texts


def test_a_coin_listed_on_bithumb_only_gets_a_bithumb_premium_and_no_spread() -> None:
    clock = ManualClock()
    primary = PremiumMonitor(clock, stale_after=30, fx_stale_after=600)
    krw = KrwVenues(clock, primary, [Venue.BITHUMB], RATES)
    primary.set_coins({"BTC"})
    krw.set_coins({"BTC"})
    krw.set_listed(Venue.BITHUMB, {"BTC", "NEW"})  # NEW: on Bithumb and Binance, not Upbit
    events = [
        kr(Venue.UPBIT, "USDT", T, clock),
        kr(Venue.BITHUMB, "USDT", T, clock),
        bn("NEW", 2.0, clock),
        kr(Venue.BITHUMB, "NEW", 2.0 * T * 1.04, clock),
        kr(Venue.UPBIT, "NEW", 9_999.0, clock),  # not in Upbit's universe: ignored there
    ]
    for e in events:
        primary.on_event(e)
        krw.on_event(e)
    bithumb = krw.book(Venue.BITHUMB)
    assert bithumb is not None and bithumb.coins == ["BTC", "NEW"]
    snap = bithumb.snapshot("NEW")
    assert snap is not None and snap.usdt_kimp == pytest.approx(4.0)
    assert primary.snapshot("NEW") is None and krw.spread("NEW", 0.0) is None
    keys = [r.key for r in krw.readings(lambda c, v: True, (), False, Text.of("kimp.basis.usdt"))]
    assert keys == ["coin:NEW@bithumb", "tether@bithumb"]  # and Bithumb's own tether premium
    krw.set_coins({"BTC", "ETH"})  # a universe refresh keeps Bithumb's own listings
    assert bithumb.coins == ["BTC", "ETH", "NEW"]


async def test_a_run_time_implausible_bound_reaches_every_krw_book(tmp_path: Path) -> None:
    clock, inbox = ManualClock(), Inbox()
    async with service(tmp_path / "k.db", clock, inbox) as svc:
        await svc.set_thresholds(implausible_pct=45.0)
        assert [b.implausible_pct for b in svc.krw.books.values()] == [45.0, 45.0]
