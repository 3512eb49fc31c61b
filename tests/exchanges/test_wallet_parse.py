"""The venues' wallet-status parsers (exchanges/*/wallet.py) against their documented shapes.

The signed clients and the kimp wallet gate over them are tested against the simulator in
tests/alerts/test_wallet.py.
"""

from __future__ import annotations

import pytest

from core.wallets import WalletError, WalletStatus
from exchanges.binance.wallet import parse_binance_capital
from exchanges.upbit.wallet import parse_upbit_wallet


def test_parsers_read_the_documented_shapes() -> None:
    upbit = [
        {"currency": "XRP", "wallet_state": "withdraw_only", "net_type": "XRP"},
        {"currency": "ETH", "wallet_state": "paused", "net_type": "ETH"},
        {"currency": "ETH", "wallet_state": "deposit_only", "net_type": "ARB"},  # another net
        {"currency": "BTC", "wallet_state": "working"},
        {"currency": "NEW", "wallet_state": "something_new"},  # unknown: no evidence
        "junk",
    ]
    assert parse_upbit_wallet(upbit) == {
        "XRP": WalletStatus(deposit=False, withdraw=True),
        "ETH": WalletStatus(deposit=True, withdraw=False),
        "BTC": WalletStatus(True, True),
    }
    binance = [
        {"coin": "SOL", "networkList": [
            {"network": "SOL", "depositEnable": False, "withdrawEnable": True},
            {"network": "BSC", "depositEnable": False, "withdrawEnable": False},
        ]},
        {"coin": "DOGE", "networkList": []},
        {"coin": "BTC", "networkList": [{"depositEnable": True, "withdrawEnable": True}]},
        {"nocoin": 1},
    ]  # fmt: skip
    assert parse_binance_capital(binance) == {
        "SOL": WalletStatus(deposit=False, withdraw=True),
        "DOGE": WalletStatus(False, False),
        "BTC": WalletStatus(True, True),
    }
    with pytest.raises(WalletError, match="not a list"):
        parse_upbit_wallet({"error": {}})
    with pytest.raises(WalletError, match="not a list"):
        parse_binance_capital({"code": -1})
