"""Real depth and per-network wallet payloads (tests/data/real/, SOURCES.md) through the
parsers the transfer-aware executable premium reads, and the route they give."""

from __future__ import annotations

from decimal import Decimal

from alerts.executable import Route, cheapest_route
from core.depth import BookDepth
from core.symbols import Instrument, Symbol, Venue
from core.wallets import NetworkStatus, coin_statuses
from exchanges.binance.rest_quotes import parse_binance_depth
from exchanges.binance.wallet import parse_binance_networks
from exchanges.upbit.rest_quotes import parse_upbit_depth
from exchanges.upbit.wallet import parse_upbit_networks, parse_upbit_withdraw_chance
from tests.contract.corpus import RECV, load

D = Decimal


def test_binance_networks_with_fees() -> None:
    """BTC: BNB (BEP2) suspended both ways, BTC open with its fee and minimum."""
    got = parse_binance_networks(load("binance_spot", "rest_capital_config_getall.json"))
    assert got["BTC"] == (
        NetworkStatus("BNB", False, False, D("0.00000220"), D("0.00000440")),
        NetworkStatus("BTC", True, True, D("0.00050000"), D("0.00100000")),
    )
    # Per coin, the same answer the wallet gate always gave: open through BTC.
    assert coin_statuses(got)["BTC"].deposit and coin_statuses(got)["BTC"].withdraw


def test_upbit_networks_by_net_type() -> None:
    got = parse_upbit_networks(load("upbit", "net_status_wallet_usdt.json"))
    assert got == {
        "USDT": (
            NetworkStatus("ETH", True, True),
            NetworkStatus("TRX", True, True),
            NetworkStatus("APT", True, True),
        )
    }


def test_upbit_withdrawal_fee_and_minimum() -> None:
    got = parse_upbit_withdraw_chance(load("upbit", "net_withdraws_chance.json"))
    assert got == (D("0.0009"), D("0.001"))


def test_route_between_real_answers() -> None:
    """Binance's BTC over the BTC network to an Upbit that lists BTC on "BTC"; the
    suspended BNB network is never a route."""
    binance = parse_binance_networks(load("binance_spot", "rest_capital_config_getall.json"))
    upbit = (NetworkStatus("BTC", True, True), NetworkStatus("BNB", True, True))
    assert cheapest_route(binance["BTC"], upbit) == Route("BTC", D("0.0005"), D("0.001"))


def test_route_between_two_real_wallet_answers() -> None:
    """Upbit's own answer (net_type "BTC") against Binance's (network "BTC"): the venues name
    the chains of these real bodies alike (Upbit ETH/TRX/SOL/APT/BTC/XRP; ERC20, TRC20 are
    Binance's display `name`, not its `network` id), so the exact match finds the route."""
    binance = parse_binance_networks(load("binance_spot", "rest_capital_config_getall.json"))
    upbit = parse_upbit_networks(load("upbit", "net_status_wallet_global.json"))
    assert upbit["BTC"] == (NetworkStatus("BTC", True, True),)
    assert upbit["USDT"] == (NetworkStatus("ETH", True, True),)
    assert cheapest_route(binance["BTC"], upbit["BTC"]) == Route("BTC", D("0.0005"), D("0.001"))


def test_binance_depth() -> None:
    got = parse_binance_depth(
        load("binance_spot", "depth_rest_order_book.json"), Symbol("BNB", "BTC"), RECV
    )
    inst = Instrument(Venue.BINANCE_SPOT, Symbol("BNB", "BTC"))
    assert got == BookDepth(inst, ((4.0, 431.0),), ((4.000002, 12.0),), int(RECV * 1000), RECV)


def test_upbit_depth_every_unit() -> None:
    (book,) = parse_upbit_depth(load("upbit", "rest_orderbook.json"), RECV)
    assert book.instrument == Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))
    assert len(book.bids) == len(book.asks) == 30 and book.ts_ms == 1751606867762
    assert book.asks[:2] == ((148520000.0, 0.0134662), (148590000.0, 0.00075646))
    assert book.bids[:2] == ((148490000.0, 0.04296774), (148480000.0, 0.00336561))
