"""USDⓈ-M user-data frames from the corpus through `decode_user_event` (the rest of the
user-stream contract, on the same files, is tests/exchanges/test_binance_account.py)."""

from __future__ import annotations

from core.account import OrderTouched
from exchanges.binance.user_stream import decode_user_event
from tests.contract.corpus import RECV, load


def test_algo_update_rings_the_doorbell_for_its_client_algo_id() -> None:
    frame = load("binance_usdm", "uds_algo_update.json")
    assert decode_user_event(frame["data"], RECV) == OrderTouched(
        "Q5xaq5EGKgXXa0fD7fs0Ip", 1750515742.297, RECV
    )


def test_order_trade_update_of_a_trailing_stop() -> None:
    ev = decode_user_event(load("binance_usdm", "uds_order_trade_update.json"), RECV)
    assert ev == OrderTouched("TEST", 1568879465.65, RECV)
