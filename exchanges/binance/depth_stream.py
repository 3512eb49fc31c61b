"""Binance spot order-book depth for a few symbols: partial book streams
`<symbol>@depth20@100ms` (a full top-20 snapshot every 100 ms, no local book to keep), on a
combined-stream connection of their own. The URL carries the streams at (re)connect; changes
go as SUBSCRIBE / UNSUBSCRIBE (well under 5 messages/s and 1,024 streams).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import orjson

from core.depth import BookDepth
from core.symbols import Instrument, Symbol, Venue
from exchanges.ws_runner import StreamHandler

LEVELS = 20
SUFFIX = f"@depth{LEVELS}@100ms"
_ids = itertools.count(1)


def parse_binance_depth_frame(
    msg: Any, symbols: dict[str, Symbol], recv_ts: float
) -> BookDepth | None:
    """Combined-stream partial book: `{"stream":"bnbbtc@depth20@100ms","data":{
    "lastUpdateId":160,"bids":[["0.0024","10"]],"asks":[["0.0026","100"]]}}` (no time: stamped
    with our receive time; the symbol comes from the stream name); None for anything else."""
    if not isinstance(msg, dict) or not isinstance(msg.get("stream"), str):
        return None
    symbol = symbols.get(msg["stream"].partition("@")[0])
    data = msg.get("data")
    if symbol is None or not isinstance(data, dict):
        return None
    try:
        bids = tuple((float(p), float(q)) for p, q in data["bids"])
        asks = tuple((float(p), float(q)) for p, q in data["asks"])
    except (KeyError, TypeError, ValueError):
        return None
    inst = Instrument(Venue.BINANCE_SPOT, symbol)
    return BookDepth(inst, bids, asks, int(recv_ts * 1000), recv_ts)


class BinanceDepthStream(StreamHandler):
    venue = Venue.BINANCE_SPOT
    name = "binance-depth"

    def __init__(self, ws_base: str, sink: Callable[[BookDepth], None]) -> None:
        self._base = ws_base.rstrip("/")
        self._sink = sink
        self.symbols: dict[str, Symbol] = {}  # "ethusdt" -> Symbol("ETH", "USDT")
        self._outgoing: list[str] = []

    def url(self) -> str:
        """Asked right before each (re)connect: the URL carries the whole set, so changes
        queued while disconnected are dropped (later ones are sent on the new connection)."""
        self._outgoing = []
        return f"{self._base}/stream?streams={'/'.join(s + SUFFIX for s in self.symbols)}"

    def subscribe_messages(self) -> list[str]:
        return []  # the URL carries the subscription

    def take_outgoing(self) -> list[str]:
        out, self._outgoing = self._outgoing, []
        return out

    def set_symbols(self, symbols: list[Symbol]) -> None:
        wanted = {s.to_binance().lower(): s for s in symbols}
        gone = [k + SUFFIX for k in self.symbols if k not in wanted]
        new = [k + SUFFIX for k in wanted if k not in self.symbols]
        self.symbols = wanted
        for method, streams in (("UNSUBSCRIBE", gone), ("SUBSCRIBE", new)):
            if streams:
                msg = {"method": method, "params": streams, "id": next(_ids)}
                self._outgoing.append(orjson.dumps(msg).decode())

    def on_frame(self, frame: bytes | str, recv_ts: float) -> None:
        try:
            msg = orjson.loads(frame)
        except orjson.JSONDecodeError:
            return
        book = parse_binance_depth_frame(msg, self.symbols, recv_ts)
        if book is not None:
            self._sink(book)
