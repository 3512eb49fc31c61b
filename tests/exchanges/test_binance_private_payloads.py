"""Contract: Binance's documented user-data payloads (tests/data/real/binance_spot and
binance_usdm, `user_*.json`, provenance in each SOURCES.md) through our parsers, the signature
against the docs' test vector, and the 2026 futures private route."""

from __future__ import annotations

import base64
from decimal import Decimal as D
from pathlib import Path
from typing import Any, cast

import orjson
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.account import BalanceRow, BalancesChanged, OrderTouched
from core.symbols import Venue
from exchanges.binance.spot_account import ApiReply, SubscribeRefused, subscription_id
from exchanges.binance.spot_user_stream import decode_spot_event, sign_params, subscribe_request
from exchanges.binance.user_stream import decode_user_event, private_url

REAL = Path(__file__).parent.parent / "data" / "real"
RECV = 1_800_000_000.25


def load(venue: str, name: str) -> Any:
    return orjson.loads((REAL / venue / name).read_bytes())


def spot_event(name: str) -> Any:
    return load("binance_spot", name)["event"]


def test_execution_report_rings_for_the_order() -> None:
    ev = decode_spot_event(spot_event("user_execution_report_new.json"), RECV)
    assert ev == OrderTouched("mUvoqJxFIILMdfAW5iGSOW", 1499405658.657, RECV)


def test_cancel_report_rings_for_the_cancelled_order_not_the_cancel_request() -> None:
    event = spot_event("user_execution_report_new.json")
    event.update(x="CANCELED", X="CANCELED", c="cancelRequest1", C="mUvoqJxFIILMdfAW5iGSOW")
    ev = decode_spot_event(event, RECV)
    assert isinstance(ev, OrderTouched) and ev.client_id == "mUvoqJxFIILMdfAW5iGSOW"


@pytest.mark.parametrize(
    ("name", "rows", "ts"),
    [
        ("user_outbound_account_position.json", [("ETH", "10000", "0")], 1564034571.073),
        (
            "user_outbound_account_position_ws_api.json",
            [("BTC", "11818", "182"), ("USDT", "10580", "70")],
            1728972148.778,
        ),
    ],
)
def test_account_position_is_a_balance_change(
    name: str, rows: list[tuple[str, str, str]], ts: float
) -> None:
    ev = decode_spot_event(spot_event(name), RECV)
    assert isinstance(ev, BalancesChanged) and ev.venue is Venue.BINANCE_SPOT
    assert ev.balances == tuple(BalanceRow(a, D(f), D(lk)) for a, f, lk in rows)
    assert (ev.venue_ts, ev.recv_ts) == (ts, RECV)


@pytest.mark.parametrize(
    "name",
    ["user_balance_update.json", "user_event_stream_terminated.json", "user_server_shutdown.json"],
)
def test_events_we_do_not_act_on(name: str) -> None:
    assert decode_spot_event(spot_event(name), RECV) is None


def test_unreadable_report_is_dropped_not_raised() -> None:
    event = spot_event("user_execution_report_new.json")
    del event["T"]
    assert decode_spot_event(event, RECV) is None


def test_subscribe_replies() -> None:
    assert subscription_id(cast(ApiReply, load("binance_spot", "user_subscribe_signature_reply.json"))) == 0  # fmt: skip
    with pytest.raises(SubscribeRefused, match="-2010") as info:
        subscription_id(cast(ApiReply, load("binance_spot", "user_error_reply.json")))
    assert info.value.code == -2010


def test_hmac_signature_matches_the_docs_vector() -> None:
    params: dict[str, str | int] = {
        "symbol": "BTCUSDT", "side": "SELL", "type": "LIMIT", "timeInForce": "GTC",
        "quantity": "0.01000000", "price": "52000.00", "recvWindow": 100,
        "timestamp": 1645423376532,
        "apiKey": "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A",
    }  # fmt: skip
    secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
    assert (
        sign_params(params, secret)
        == "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24"
    )


def test_subscribe_request_has_the_documented_shape() -> None:
    doc = load("binance_spot", "user_subscribe_signature_request.json")
    req = subscribe_request("k" * 64, "s" * 64, 1747385641636)
    assert req["method"] == doc["method"]
    assert set(req["params"]) == set(doc["params"])
    assert req["params"]["timestamp"] == 1747385641636


def test_ed25519_signature_verifies_with_the_public_key() -> None:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    params: dict[str, str | int] = {"apiKey": "k", "timestamp": 1747385641636}
    signature = base64.b64decode(sign_params(params, pem))
    key.public_key().verify(signature, b"apiKey=k&timestamp=1747385641636")  # raises if wrong


def test_algo_update_rings_for_the_algo_order() -> None:
    ev = decode_user_event(load("binance_usdm", "user_algo_update.json"), RECV)
    assert ev == OrderTouched("Q5xaq5EGKgXXa0fD7fs0Ip", 1750515742.297, RECV)


def test_order_trade_update_rings_for_the_order() -> None:
    ev = decode_user_event(load("binance_usdm", "user_order_trade_update.json"), RECV)
    assert ev == OrderTouched("TEST", 1568879465.65, RECV)


def test_futures_user_data_uses_the_2026_private_route() -> None:
    assert private_url("wss://fstream.binance.com/", "abc") == (
        "wss://fstream.binance.com/private/ws?listenKey=abc"
        "&events=ORDER_TRADE_UPDATE/ACCOUNT_UPDATE/ALGO_UPDATE"
    )
