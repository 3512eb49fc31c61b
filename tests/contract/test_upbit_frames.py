"""Upbit stream frames from the corpus (2023-2025 recordings, with `market_state`,
`market_warning`, `stream_type`, the 2024 `best_*` trade fields) through `UpbitDecoder`."""

from __future__ import annotations

import pytest

from core.market import Quote, Side, Ticker, Trade, TradingState
from core.symbols import Instrument, Symbol, Venue
from exchanges.base import BadInput, MarketEvent
from exchanges.upbit.parse import UpbitDecoder
from tests.contract.corpus import RECV, raw

KRW_ETH = Instrument(Venue.UPBIT, Symbol("ETH", "KRW"))

FRAMES = [
    ("ws_ticker.json",
     Ticker(KRW_ETH, 36929.0, 1693383690031, RECV, 8320.40577449, state=TradingState.ACTIVE)),
    ("ws_trade.json",
     Trade(KRW_ETH, 37625.0, 8.428e-05, Side.SELL, 1696585056846000, 1696585056846, RECV)),
    ("ws_orderbook.json",
     Quote(KRW_ETH, 137001000.0, 0.03656812, 137002000.0, 0.10623869, 1746601573804, RECV)),
]  # fmt: skip


def decode(name: str) -> tuple[list[MarketEvent], BadInput, bool]:
    out: list[MarketEvent] = []
    bad = BadInput("contract")
    ok = UpbitDecoder(bad, out.append).decode(raw("upbit", name), RECV)
    return out, bad, ok


@pytest.mark.parametrize(("name", "event"), FRAMES)
def test_frame(name: str, event: MarketEvent) -> None:
    out, bad, ok = decode(name)
    assert ok and out == [event] and bad.total == 0


def test_a_type_we_do_not_subscribe_is_counted_unknown() -> None:
    out, bad, ok = decode("ws_candle_1m.json")
    assert not ok and out == [] and bad.counts == {"unknown": 1}


def test_error_frame_is_counted_as_error_object() -> None:
    out, bad, ok = decode("ws_error_invalid_auth.json")
    assert not ok and out == [] and bad.counts == {"error_object": 1}
