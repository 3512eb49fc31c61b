"""The pre-flight probe's parsers on the venues' real replies (tests/data/real, see SOURCES.md)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from exchanges.binance.doctor import parse_api_restrictions, parse_error, parse_min_notional
from exchanges.upbit.doctor import parse_error as parse_upbit_error
from exchanges.upbit.doctor import parse_key_expiry, parse_min_total, server_time

REAL = Path(__file__).parent.parent / "data" / "real"


def real(venue: str, name: str) -> Any:
    return orjson.loads((REAL / venue / name).read_bytes())


def test_api_restrictions_from_the_official_connector() -> None:
    r = parse_api_restrictions(real("binance_spot", "doctor_api_restrictions.json"))
    # That key: reading only, no IP restriction, no trading, no withdrawals, no futures.
    assert r.ip_restrict is False
    assert r.enable_withdrawals is False
    assert r.enable_spot_and_margin_trading is False
    assert r.enable_futures is False


def test_binance_errors() -> None:
    assert parse_error(real("binance_spot", "doctor_error_key_refused.json")) == (
        -2015,
        "Invalid API-key, IP, or permissions for action.",
    )
    code, msg = parse_error(real("binance_spot", "doctor_error_timestamp_ahead.json")) or (0, "")
    assert code == -1021 and "ahead of the server's time" in msg
    assert parse_error({"serverTime": 1}) is None


def test_hedge_mode_reply() -> None:
    assert real("binance_usdm", "doctor_position_mode_hedge.json") == {"dualSidePosition": True}


def test_min_notional_from_spot_and_futures_exchange_info() -> None:
    spot = {"symbols": [{"symbol": "ETHUSDT", "filters": [
        {"filterType": "LOT_SIZE", "minQty": "0.0001"},
        {"filterType": "NOTIONAL", "minNotional": "5.00000000", "applyMinToMarket": True}]}]}  # fmt: skip
    futures = {"symbols": [{"symbol": "BTCUSDT", "filters": [
        {"filterType": "MIN_NOTIONAL", "notional": "100"}]}]}  # fmt: skip
    assert parse_min_notional(spot, "ETHUSDT") == Decimal(5)
    assert parse_min_notional(futures, "BTCUSDT") == Decimal(100)
    assert parse_min_notional(futures, "NOPEUSDT") is None


def test_upbit_shapes() -> None:
    assert parse_upbit_error(
        {"error": {"name": "no_authorization_ip", "message": "This is not a verified IP."}}
    ) == ("no_authorization_ip", "This is not a verified IP.")
    expiry = parse_key_expiry(
        [{"access_key": "other", "expire_at": "2027-01-01T00:00:00+09:00"},
         {"access_key": "mine", "expire_at": "2027-03-31T14:27:52+09:00"}], "mine",
    )  # fmt: skip
    assert expiry is not None and expiry.isoformat() == "2027-03-31T14:27:52+09:00"
    assert parse_key_expiry([], "mine") is None
    chance = {"market": {"id": "KRW-BTC", "bid": {"currency": "KRW", "min_total": "5000"}}}
    assert parse_min_total(chance) == Decimal(5000)
    assert server_time({"Date": "Sat, 05 Dec 2026 11:00:00 GMT"}) == 1796468400.0
    assert server_time({}) is None
