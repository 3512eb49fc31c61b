"""Upbit private stream frames (real payloads, tests/data/real/upbit/) through our decoder."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from core.account import AccountChanged, OrderTouched
from exchanges.upbit.private_stream import decode_private, private_url

REAL = Path(__file__).parent.parent / "data" / "real" / "upbit"


def frame(name: str) -> bytes:
    return (REAL / name).read_bytes()


def test_my_order_rings_for_our_identifier() -> None:
    ev = decode_private(frame("my_order_trade_ccxt.json"), 5.0)
    assert ev == OrderTouched("test-1", 1710751597.5, 5.0)


def test_my_order_without_identifier_is_not_ours() -> None:
    raw = json.loads(frame("my_order_trade_ccxt.json"))
    for cid in (None, ""):
        raw["identifier"] = cid
        assert decode_private(json.dumps(raw), 5.0) is None


@pytest.mark.parametrize(
    ("name", "currency", "free", "locked", "ts"),
    [
        ("my_asset_docs_krw.json", "KRW", 20517.4157543899035, 15007.5, 1753769511.603),
        ("my_asset_docs_xrp.json", "XRP", 1.15580212, 0, 1753769511.603),
        ("my_asset_ccxt_sgd.json", "SGD", 1386929.37231066771348207123,
         10329.670127489597585685, 1710146517.259),
    ],
)  # fmt: skip
def test_my_asset_is_an_account_change(
    name: str, currency: str, free: float, locked: float, ts: float
) -> None:
    ev = decode_private(frame(name), 9.0)
    assert isinstance(ev, AccountChanged)
    assert ev.reason == "myAsset" and ev.positions == () and ev.venue_ts == ts
    (w,) = ev.wallets
    assert w.asset == currency
    assert w.cross_wallet == D(str(free))  # free to trade
    assert w.wallet_balance == D(str(free)) + D(str(locked))


def test_keepalive_answer_is_nothing_to_act_on() -> None:
    assert decode_private(frame("private_status_up.json"), 1.0) is None


def test_error_and_garbage_are_refused_clearly() -> None:
    with pytest.raises(ValueError, match="INVALID_AUTH"):
        decode_private(frame("private_error_invalid_auth.json"), 1.0)
    for bad in (b"\xff\x00", b"[1,2]", b'{"type":"myOrder","identifier":"x"}'):
        with pytest.raises(ValueError):
            decode_private(bad, 1.0)


def test_private_url() -> None:
    assert private_url("wss://api.upbit.com/websocket/v1") == (
        "wss://api.upbit.com/websocket/v1/private"
    )
    assert private_url("ws://127.0.0.1:9/websocket/v1/") == "ws://127.0.0.1:9/websocket/v1/private"
