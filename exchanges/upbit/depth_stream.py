"""Upbit order-book depth for a few markets: the `orderbook` channel with `UNITS` levels per
code (`"KRW-ETH.15"`), on a connection of its own so the market-data stream's top-of-book
subscription of every market stays as it is. Sending a new request replaces the whole set.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import orjson

from core.depth import BookDepth
from core.symbols import Instrument, Symbol, Venue
from exchanges.ws_runner import StreamHandler

UNITS = 15


def parse_upbit_depth_frame(msg: Any, recv_ts: float) -> BookDepth | None:
    """WS `orderbook` (every unit subscribed, a full snapshot each time):
    `{"type":"orderbook","code":"KRW-BTC","timestamp":1584486737444,"orderbook_units":[
    {"ask_price":6756000,"bid_price":6753000,"ask_size":3.57100696,"bid_size":22.5303265}]}`;
    None for anything else (a status frame, garbage)."""
    if not isinstance(msg, dict) or msg.get("type") != "orderbook":
        return None
    try:
        units = msg["orderbook_units"]
        bids = tuple((float(u["bid_price"]), float(u["bid_size"])) for u in units)
        asks = tuple((float(u["ask_price"]), float(u["ask_size"])) for u in units)
        inst = Instrument(Venue.UPBIT, Symbol.from_upbit(msg["code"]))
        return BookDepth(inst, bids, asks, int(msg.get("timestamp") or 0), recv_ts)
    except (KeyError, TypeError, ValueError):
        return None


class UpbitDepthStream(StreamHandler):
    venue = Venue.UPBIT
    name = "upbit-depth"

    def __init__(self, ws_url: str, sink: Callable[[BookDepth], None]) -> None:
        self._url = ws_url
        self._sink = sink
        self.codes: list[str] = []
        self._outgoing: list[str] = []

    def url(self) -> str:
        return self._url

    def request(self) -> str:
        body: list[dict[str, object]] = [
            {"ticket": f"kimp-depth-{uuid.uuid4()}"},
            {"type": "orderbook", "codes": [f"{c}.{UNITS}" for c in self.codes]},
            {"format": "DEFAULT"},
        ]
        return orjson.dumps(body).decode()

    def subscribe_messages(self) -> list[str]:
        return [self.request()] if self.codes else []

    def take_outgoing(self) -> list[str]:
        out, self._outgoing = self._outgoing, []
        return out

    def set_codes(self, codes: list[str]) -> None:
        """Carry these markets ("KRW-ETH") from now on (the request is re-sent in full)."""
        wanted = sorted(set(codes))
        if wanted != self.codes:
            self.codes = wanted
            self._outgoing = [self.request()] if wanted else []

    def on_frame(self, frame: bytes | str, recv_ts: float) -> None:
        try:
            msg = orjson.loads(frame)
        except orjson.JSONDecodeError:
            return  # Upbit's text "PONG"-style replies and garbage carry no book
        book = parse_upbit_depth_frame(msg, recv_ts)
        if book is not None:
            self._sink(book)
