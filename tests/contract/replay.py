"""Brokers over unmodified ccxt against `peers.replay.ReplayPeer` answering corpus replies.

The market listing a ccxt order call needs first is scaffolding, not under test: the corpus's
real exchangeInfo entry (ETHBTC spot, BLZUSDT futures) copied under the symbols the recorded
order replies are for.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from core.clock import ManualClock
from core.symbols import Venue
from exchanges.binance.broker import BinanceFuturesBroker, BinanceSpotBroker
from exchanges.ccxt.exchange import make_exchange
from peers.replay.server import ReplayPeer
from tests.contract.corpus import load

SPOT_INFO = "/api/v3/exchangeInfo"
FUTURES_INFO = "/fapi/v1/exchangeInfo"


def listing(folder: str, markets: list[tuple[str, str, str]]) -> dict[str, Any]:
    info = load(folder, "rest_exchange_info.json")
    template = info["symbols"][0]
    if folder == "binance_usdm":  # BLZUSDT trades whole coins; BTC and LTC trade in 0.001
        template["quantityPrecision"] = 3
        for f in template["filters"]:
            if f["filterType"] in ("LOT_SIZE", "MARKET_LOT_SIZE"):
                f.update(minQty="0.001", stepSize="0.001")
    info["symbols"] = [
        copy.deepcopy(template) | {"symbol": s, "baseAsset": b, "quoteAsset": q, "marginAsset": q}
        for s, b, q in markets
    ]
    return info


def brackets(markets: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    """The corpus's leverage-bracket entry (ETHUSDT) under each market's name."""
    (entry,) = load("binance_usdm", "rest_leverage_bracket.json")
    return [copy.deepcopy(entry) | {"symbol": s} for s, _, _ in markets]


@asynccontextmanager
async def spot_broker(markets: list[tuple[str, str, str]]) -> AsyncIterator[
    tuple[BinanceSpotBroker, ReplayPeer]
]:  # fmt: skip
    async with ReplayPeer() as peer:
        peer.answer("GET", SPOT_INFO, listing("binance_spot", markets))
        ex, gate = make_exchange(
            Venue.BINANCE_SPOT, api_key="k" * 64, secret="s" * 64, rest_url=peer.url
        )
        broker = BinanceSpotBroker(Venue.BINANCE_SPOT, ex, gate, ManualClock())
        try:
            yield broker, peer
        finally:
            await broker.close()


@asynccontextmanager
async def futures_broker(markets: list[tuple[str, str, str]]) -> AsyncIterator[
    tuple[BinanceFuturesBroker, ReplayPeer]
]:  # fmt: skip
    async with ReplayPeer() as peer:
        peer.answer("GET", FUTURES_INFO, listing("binance_usdm", markets))
        peer.answer("GET", "/fapi/v1/leverageBracket", brackets(markets))
        ex, gate = make_exchange(
            Venue.BINANCE_FUTURES, api_key="k" * 64, secret="s" * 64, rest_url=peer.url
        )
        broker = BinanceFuturesBroker(Venue.BINANCE_FUTURES, ex, gate, ManualClock())
        try:
            yield broker, peer
        finally:
            await broker.close()
