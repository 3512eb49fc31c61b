"""Contract: the USDⓈ-M user-data stream parsers against Binance's documented payloads
(tests/data/binance/, provenance in USER_STREAM_SOURCES.md) and the simulator's frames."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path
from typing import Any

import orjson
import pytest

from core.account import AccountChanged, ForcedFill, ForcedKind, OrderTouched
from core.market import Side
from core.symbols import Instrument, Symbol, Venue
from exchanges.binance.account import forced_kind, futures_symbol
from exchanges.binance.user_stream import decode_user_event

DATA = Path(__file__).parent.parent / "data" / "binance"
REAL = Path(__file__).parent.parent / "data" / "real" / "binance_usdm"
RECV = 1_700_000_000.5
BTC = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))


def load(name: str, folder: Path = DATA) -> Any:
    return orjson.loads((folder / name).read_bytes())


def test_ordinary_order_update_is_a_doorbell() -> None:
    ev = decode_user_event(load("uds_order_trade_update.json", REAL), RECV)
    assert ev == OrderTouched("TEST", 1568879465.65, RECV)


def test_liquidation_fill() -> None:
    ev = decode_user_event(load("order_trade_update_liquidation.json"), RECV)
    assert isinstance(ev, ForcedFill)
    assert ev.kind is ForcedKind.LIQUIDATION
    assert ev.order_id == "8886775" and ev.realized_pnl == D("-9.50000000")
    f = ev.fill
    assert (f.fill_id, f.client_id, f.instrument) == ("3344", "autoclose-1568879465650", BTC)
    assert (f.side, f.qty, f.price) == (Side.SELL, D("0.050"), D("9910.00"))
    assert (f.fee, f.fee_asset, f.paper) == (D("0.24775000"), "USDT", False)
    assert ev.venue_ts == 1568879465.65 and ev.recv_ts == RECV


def test_adl_fill() -> None:
    ev = decode_user_event(load("order_trade_update_adl.json"), RECV)
    assert isinstance(ev, ForcedFill) and ev.kind is ForcedKind.ADL
    assert ev.fill.instrument == Instrument(Venue.BINANCE_FUTURES, Symbol("ETH", "USDT"))
    assert ev.fill.side is Side.BUY and ev.realized_pnl == D(12)


def test_liquidation_new_without_fill_is_ignored() -> None:
    msg = load("order_trade_update_liquidation.json")
    msg["o"].update(x="NEW", X="NEW", l="0", z="0", L="0")
    assert decode_user_event(msg, RECV) is None


@pytest.mark.parametrize(
    ("client_id", "order_type", "kind"),
    [
        ("autoclose-1568879465650", "LIQUIDATION", ForcedKind.LIQUIDATION),
        ("x-abc", "LIQUIDATION", ForcedKind.LIQUIDATION),
        ("adl_autoclose", "LIQUIDATION", ForcedKind.ADL),
        ("settlement_autoclose-1", "MARKET", ForcedKind.SETTLEMENT),
        ("kimp-123", "MARKET", None),
    ],
)
def test_forced_kind(client_id: str, order_type: str, kind: ForcedKind | None) -> None:
    assert forced_kind(client_id, order_type) is kind


def test_account_update_positions_and_wallets() -> None:
    ev = decode_user_event(load("uds_account_update.json", REAL), RECV)
    assert isinstance(ev, AccountChanged)
    assert ev.reason == "ORDER" and ev.venue_ts == 1564745798.938
    assert [(w.asset, w.wallet_balance, w.change) for w in ev.wallets] == [
        ("USDT", D("122624.12345678"), D("50.12345678")),
        ("BUSD", D("1.00000000"), D("-49.12345678")),
    ]
    # one-way (BOTH 0) plus hedge-mode rows (LONG 20, SHORT -10) netted per symbol
    [pos] = ev.positions
    assert pos.instrument == BTC and pos.qty == D(10)


def test_funding_fee_has_no_positions() -> None:
    ev = decode_user_event(load("account_update_funding.json"), RECV)
    assert isinstance(ev, AccountChanged)
    assert ev.reason == "FUNDING_FEE" and ev.positions == () and len(ev.wallets) == 1


def test_algo_update_and_unknown() -> None:
    msg = {"e": "ALGO_UPDATE", "T": 1750515742297, "E": 1750515742303, "o": {"caid": "kimp-1"}}
    assert decode_user_event(msg, RECV) == OrderTouched("kimp-1", 1750515742.297, RECV)
    assert decode_user_event({"e": "ACCOUNT_CONFIG_UPDATE", "E": 1}, RECV) is None
    assert decode_user_event([1, 2], RECV) is None
    assert decode_user_event({"e": "ACCOUNT_UPDATE", "a": {}}, RECV) is None  # malformed: logged


def test_futures_symbol() -> None:
    assert futures_symbol("BTCUSDT") == Symbol("BTC", "USDT")
    assert futures_symbol("1000PEPEUSDC") == Symbol("1000PEPE", "USDC")
    with pytest.raises(ValueError):
        futures_symbol("USDT")
