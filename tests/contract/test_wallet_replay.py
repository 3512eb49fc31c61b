"""Binance's wallet-status reply and error shape through `BinanceWallets` over loopback."""

from __future__ import annotations

import pytest

from core.clock import ManualClock
from core.wallets import WalletError, WalletStatus
from exchanges.binance.wallet import PATH, BinanceWallets
from peers.replay.server import ReplayPeer
from tests.contract.corpus import load, raw


async def test_capital_config_reply() -> None:
    async with ReplayPeer() as peer:
        peer.answer("GET", PATH, raw("binance_spot", "rest_capital_config_getall.json"))
        wallets = BinanceWallets(peer.url, ("key", "secret"), ManualClock())
        try:
            got = await wallets.fetch()
        finally:
            await wallets.close()
        (sent,) = peer.seen("GET", PATH)
    assert got == {"BTC": WalletStatus(True, True)}
    assert {"timestamp", "recvWindow", "signature"} <= set(sent.query)


async def test_error_reply_says_what_the_venue_said() -> None:
    async with ReplayPeer() as peer:
        peer.answer("GET", PATH, load("binance_spot", "rest_error_invalid_symbol.json"), 400)
        wallets = BinanceWallets(peer.url, ("key", "secret"), ManualClock())
        try:
            with pytest.raises(WalletError) as err:
                await wallets.fetch()
        finally:
            await wallets.close()
    assert str(err.value) == "Binance wallet status answered HTTP 400: -1121 Invalid symbol."
