"""The soak's checks have teeth: fed a venue that disagrees with the database, they say so."""

from __future__ import annotations

from decimal import Decimal as D

from bench.soak_checks import DbBook, VenueBook, compare, compare_positions_text


def agreeing() -> tuple[VenueBook, DbBook]:
    venue = VenueBook(
        orders={"c1": ("filled", D("0.004"))},
        fills={("binance_futures", "61")},
        positions={("binance_futures", "BTC/USDT"): D("0.004")},
        stops={"BTCUSDT": D("0.004")},
    )
    db = DbBook(
        orders={"c1": ("filled", D("0.004"))},
        fills={("binance_futures", "61")},
        positions={("binance_futures", "BTC/USDT"): D("0.004")},
        bot_positions={"fut": {("binance_futures", "BTC/USDT")}},
    )
    return venue, db


def test_books_that_agree_pass() -> None:
    assert compare(*agreeing()) == []


def test_an_unprotected_position_a_lost_fill_and_a_doubled_position_are_reported() -> None:
    venue, db = agreeing()
    venue.stops.clear()
    venue.fills.add(("binance_futures", "62"))
    venue.positions[("binance_futures", "BTC/USDT")] = D("0.008")
    found = compare(venue, db)
    assert any("stop-loss for 0 only" in f for f in found), found
    assert any("('binance_futures', '62') on the venue was never booked" in f for f in found)
    assert any("0.008 on the venue, 0.004 in our database" in f for f in found), found


def test_positions_as_the_user_reads_them() -> None:
    _, db = agreeing()
    shown = "Positions\nBinance USDT-M BTC/USDT 3x: 0.004 @ 100,116.4 mark 100,112.15 uPnL -0.02"
    assert compare_positions_text(shown, db) == []
    # one line per owner (issue 14): a bot's share and the user's add up to the position
    shown = (
        "Positions\n#3 fut · Binance USDT-M BTC/USDT 3x: 0.003 @ 100,116.4 · mark 100,112.15\n"
        "#4 manual · Binance USDT-M BTC/USDT 3x: 0.001 @ 100,116.4 · mark 100,112.15"
    )
    assert compare_positions_text(shown, db) == []
    assert compare_positions_text("No open positions.", db) != []
