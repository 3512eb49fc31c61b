"""Choosing USD/KRW among several sources by each rate's own time, with the FX market's hours.

The rates are parsed from the real bodies in tests/data/real/fx/ where one exists; the sources
are plain `FxSource` callables (the seam the wiring fills with `FxClient.fetch`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from alerts.fx import FxPoller
from alerts.fx_hours import closed_since, judge, market_open
from alerts.monitor import PremiumMonitor
from bot.commands.kimp import _tether_line
from bot.i18n import render
from core.clock import ManualClock
from core.fx import FxError, FxRate, FxSource
from exchanges.fx import parse_dunamu, parse_ecb

REAL = Path(__file__).parent.parent / "data" / "real" / "fx"
HOUR = 3600.0


def _ts(text: str) -> float:
    return dt.datetime.fromisoformat(text).timestamp()


def _source(rate: FxRate | None) -> FxSource:
    async def fetch() -> FxRate:
        if rate is None:
            raise FxError("the FX source answered HTTP 503")
        return rate

    return fetch


def _poller(clock: ManualClock, monitor: PremiumMonitor, **sources: FxRate | None) -> FxPoller:
    return FxPoller(
        [(name, _source(rate)) for name, rate in sources.items()],
        clock,
        monitor.set_fx,
        on_error=monitor.set_fx_error,
        stale_after=HOUR,
        disagree_pct=0.5,
    )


def test_market_hours_weekend_and_holidays() -> None:
    assert market_open(_ts("2023-11-24T21:59:00+00:00"))  # Friday 16:59 New York
    assert not market_open(_ts("2023-11-24T22:00:00+00:00"))
    assert not market_open(_ts("2023-11-26T12:00:00+00:00"))  # Sunday
    assert market_open(_ts("2023-11-26T22:00:00+00:00"))  # Sunday 17:00 New York
    assert not market_open(_ts("2023-12-25T15:00:00+00:00"))
    assert closed_since(_ts("2023-11-26T12:00:00+00:00")) == _ts("2023-11-24T22:00:00+00:00")
    assert closed_since(_ts("2023-11-22T12:00:00+00:00")) is None


async def test_weekend_ecb_rate_is_stale_with_its_date() -> None:
    rate, fixed = parse_ecb((REAL / "ecb_frankfurter_friday_eur.json").read_bytes(), "EUR")
    sunday = ManualClock(_ts("2023-11-26T12:00:00+00:00"))
    monitor = PremiumMonitor(sunday, fx_stale_after=HOUR)
    ecb = FxRate(rate, sunday.now(), "ecb", fixed)  # fetched a second ago, fixed on Friday
    assert judge(fixed, sunday.now(), HOUR) == "stale"
    assert await _poller(sunday, monitor, ecb=ecb).fetch_once() is None
    usd, why = monitor.fx()
    assert usd is None
    assert render("en", why or "") == (
        "FX rate unavailable: the newest (ECB, 2023-11-24 15:00 UTC) is 45.0h old"
        "; source: no FX source has a recent rate"
    )
    assert "2023-11-24 15:00 UTC" in render("ko", why or "")


async def test_intraday_closing_rate_is_used_on_the_weekend_marked_as_closed() -> None:
    sunday = ManualClock(_ts("2023-11-26T12:00:00+00:00"))
    monitor = PremiumMonitor(sunday, fx_stale_after=HOUR)
    close = FxRate(1_302.5, sunday.now(), "yahoo", _ts("2023-11-24T21:58:00+00:00"))
    ecb = FxRate(1_298.0, sunday.now(), "ecb", _ts("2023-11-24T15:00:00+00:00"))
    poller = _poller(sunday, monitor, yahoo=close, ecb=ecb)
    assert await poller.fetch_once() == 1_302.5
    assert monitor.fx() == (1_302.5, None)
    view = monitor.tether_view()
    assert view.fx_closed and view.fx_source == "yahoo"
    line = "\n".join(_tether_line(view))
    assert "FX: 1,302.50 KRW/USD (Yahoo, FX market closed: closing rate, age 38.0h)" in line
    assert "외환시장 휴장" in "\n".join(_tether_line(view, "ko"))
    sunday.advance(12 * HOUR)  # Monday morning in Asia: the market is open, the close is old
    assert monitor.fx()[0] is None


async def test_fresh_intraday_source_wins_over_the_ecb_rate() -> None:
    rate, quoted = parse_dunamu((REAL / "dunamu_forex_recent.json").read_bytes())
    clock = ManualClock(quoted + 300)  # Friday 2021-08-13, 5 min after Hana Bank's quote
    monitor = PremiumMonitor(clock, fx_stale_after=HOUR)
    dunamu = FxRate(rate, clock.now(), "dunamu", quoted)
    ecb = FxRate(1_164.9, clock.now(), "ecb", _ts("2021-08-12T14:00:00+00:00"))
    # the ECB listed first would still lose: its rate is a day old
    assert await _poller(clock, monitor, ecb=ecb, dunamu=dunamu).fetch_once() == 1169.0
    view = monitor.tether_view()
    assert view.fx_source == "dunamu" and view.fx_age == 300 and view.fx_disagree is None
    assert "FX: 1,169.00 KRW/USD (Dunamu, age 5m)" in _tether_line(view)


async def test_disagreeing_sources_are_reported() -> None:
    rate, quoted = parse_dunamu((REAL / "dunamu_forex_recent.json").read_bytes())
    clock = ManualClock(quoted + 60)
    monitor = PremiumMonitor(clock, fx_stale_after=HOUR)
    dunamu = FxRate(rate, clock.now(), "dunamu", quoted)
    yahoo = FxRate(1_181.0, clock.now(), "yahoo", quoted + 30)  # ~1.03 % higher
    assert await _poller(clock, monitor, dunamu=dunamu, yahoo=yahoo).fetch_once() == 1169.0
    lines = _tether_line(monitor.tether_view())
    assert lines[-1] == "⚠️ FX sources disagree by 1.03%: Dunamu 1,169.00 vs Yahoo 1,181.00"
    # within the margin: nothing said
    close = FxRate(1_170.0, clock.now(), "yahoo", quoted + 30)
    assert await _poller(clock, monitor, dunamu=dunamu, yahoo=close).fetch_once() == 1169.0
    assert monitor.tether_view().fx_disagree is None


async def test_all_sources_down_means_fx_figures_unavailable() -> None:
    clock = ManualClock(_ts("2023-11-22T12:00:00+00:00"))
    monitor = PremiumMonitor(clock, fx_stale_after=HOUR)
    poller = _poller(clock, monitor, dunamu=None, yahoo=None, ecb=None)
    assert await poller.fetch_once() is None
    usd, why = monitor.fx()
    assert usd is None
    assert render("en", why or "").startswith(
        "FX rate unavailable: dunamu: the FX source answered HTTP 503; yahoo:"
    )
    view = monitor.tether_view()
    assert view.usd_krw is None and view.tether is None and view.fx_unavailable is not None
