"""Upbit order-book depth for a few markets: the `orderbook` channel with `UNITS` levels per
code (`"KRW-ETH.15"`), on a connection of its own (`quotation.books.QuotationDepthStream`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.depth import BookDepth
from core.symbols import Venue
from exchanges.quotation.books import QuotationDepthStream, parse_depth_frame

UNITS = 15


def parse_upbit_depth_frame(msg: Any, recv_ts: float) -> BookDepth | None:
    """WS `orderbook` of every unit subscribed -> BookDepth; None for anything else."""
    return parse_depth_frame(msg, recv_ts, Venue.UPBIT)


class UpbitDepthStream(QuotationDepthStream):
    def __init__(self, ws_url: str, sink: Callable[[BookDepth], None]) -> None:
        super().__init__(Venue.UPBIT, ws_url, sink, f".{UNITS}")
