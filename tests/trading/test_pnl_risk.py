from decimal import Decimal as D

import pytest

from core.clock import ManualClock
from core.errors import Rejected
from core.market import Side
from core.notifications import Notification
from core.symbols import Instrument, Symbol, Venue
from tests.trading.harness import collect, worded_refusals
from trading.pnl import PositionState, apply_fill, unrealized
from trading.risk import Exposure, RiskLimits, RiskManager

BTC = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))
ETH = Instrument(Venue.UPBIT, Symbol("ETH", "KRW"))


def test_long_round_trip_with_quote_fees() -> None:
    e = apply_fill(PositionState(D(0), D(0)), Side.BUY, D(1), D(100), D("0.05"), "KRW", "BTC")
    assert e.position == PositionState(D(1), D(100)) and e.realized == D("-0.05")
    e2 = apply_fill(e.position, Side.SELL, D(1), D(110), D("0.055"), "KRW", "BTC")
    assert e2.position.qty == 0 and e2.realized == D("9.945")


def test_base_fee_reduces_position_and_counts_as_cost() -> None:
    e = apply_fill(PositionState(D(0), D(0)), Side.BUY, D(1), D(100), D("0.001"), "BTC", "BTC")
    assert e.position.qty == D("0.999") and e.realized == D("-0.100")


def test_short_partial_close_and_flip() -> None:
    e = apply_fill(PositionState(D(0), D(0)), Side.SELL, D(2), D(100), D(0), "USDT", "BTC")
    assert e.position == PositionState(D(-2), D(100))
    assert unrealized(e.position, D(90)) == D(20)
    e = apply_fill(e.position, Side.BUY, D(3), D(90), D(0), "USDT", "BTC")
    assert e.realized == D(20) and e.position == PositionState(D(1), D(90))


def exposure(**kw: object) -> Exposure:
    base = dict(
        equity_krw=D(10_000_000),
        open_instruments=frozenset(),
        position_value_krw=D(0),
        daily_pnl_krw=D(0),
    )
    base.update(kw)
    return Exposure(**base)  # type: ignore[arg-type]


def test_limits_each_refuse_with_reason() -> None:
    notes: list[Notification] = []
    stale: set[Venue] = set()
    rm = RiskManager(RiskLimits(), ManualClock(), notify=notes.append, is_stale=stale.__contains__)
    rm.check = worded_refusals(rm.check)  # type: ignore[method-assign]  # reasons read in English
    rm.check(BTC, D(1_000_000), True, exposure())
    with pytest.raises(Rejected, match="per-order cap"):
        rm.check(BTC, D(6_000_000), True, exposure())
    with pytest.raises(Rejected, match=r"35\.0% of equity"):
        rm.check(BTC, D(1_000_000), True, exposure(position_value_krw=D(2_500_000)))
    full = frozenset(Instrument(Venue.UPBIT, Symbol(c, "KRW")) for c in "ABCDE")
    with pytest.raises(Rejected, match="MAX_OPEN_POSITIONS"):
        rm.check(ETH, D(1000), True, exposure(open_instruments=full))
    stale.add(Venue.UPBIT)
    with pytest.raises(Rejected, match="stale or degraded"):
        rm.check(BTC, D(1000), True, exposure())
    rm.check(BTC, D(1000), False, exposure())  # exits still allowed
    stale.clear()
    rm.set_kill_switch(True)
    with pytest.raises(Rejected, match="kill switch"):
        rm.check(BTC, D(1000), True, exposure())
    rm.set_kill_switch(False)


def test_daily_loss_pauses_entries_until_tomorrow_and_alerts_once() -> None:
    notes: list[Notification] = []
    clock = ManualClock()
    rm = RiskManager(RiskLimits(), clock, notify=collect(notes))
    rm.check = worded_refusals(rm.check)  # type: ignore[method-assign]  # reasons read in English
    with pytest.raises(Rejected, match="daily loss limit"):
        rm.check(BTC, D(1000), True, exposure(daily_pnl_krw=D(-600_000)))
    with pytest.raises(Rejected, match="daily loss limit"):
        rm.check(BTC, D(1000), True, exposure(daily_pnl_krw=D(-600_000)))
    assert len(notes) == 1 and "Daily loss limit reached" in notes[0].text
    rm.check(BTC, D(1000), False, exposure())
    clock.advance(86400)
    rm.check(BTC, D(1000), True, exposure())
