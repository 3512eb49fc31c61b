"""Binance spot and USDⓈ-M futures market streams over combined-stream connections.

The initial stream list goes into the URL (`/stream?streams=a/b`), so a reconnect resubscribes
by construction and no control message counts against the 5 (spot) / 10 (futures) messages per
second limit; later additions are sent as SUBSCRIBE messages. Futures use the split routes:
`/public` for bookTicker, `/market` for aggTrade, markPrice and kline (PROTOCOLS.md 4.1).
"""

from __future__ import annotations

import itertools

import orjson

from core.symbols import Instrument, Symbol, Venue
from exchanges.base import INSTRUMENTS
from exchanges.binance.parse import BinanceDecoder
from exchanges.pipeline import Pipeline
from exchanges.stream_base import PipelineStream
from exchanges.ws_runner import RunnerConfig

MAX_STREAMS = 1024
SUBSCRIBE_CHUNK = 100
FUTURES_PUBLIC = ("bookTicker", "depth", "trade")  # everything else is on /market
_ids = itertools.count(1)


def binance_runner_config(
    stale_after: float = 30.0, futures: bool = False, **overrides: float | str | None
) -> RunnerConfig:
    """Binance: it pings us (websockets pongs); reconnect on our own before the 24 h cut."""
    base: dict[str, float | str | None] = {
        "stale_after": stale_after,
        "max_lifetime": 23.5 * 3600,
        "ping_interval": 60.0 if futures else 30.0,  # our pings count toward the msg/s limit
        "ping_timeout": 30.0,
        "send_interval": 0.25 if not futures else 0.15,
    }
    base.update(overrides)
    return RunnerConfig(**base)  # type: ignore[arg-type]


def futures_route(stream: str) -> str:
    kind = stream.split("@", 1)[-1].split("_", 1)[0]
    return "public" if kind in FUTURES_PUBLIC else "market"


def stream_symbol(stream: str) -> str | None:
    """`btcusdt@trade` -> `BTCUSDT`; `!miniTicker@arr` -> None."""
    head = stream.split("@", 1)[0]
    return None if head.startswith("!") else head.upper()


class BinanceStream(PipelineStream):
    """One combined-stream connection. `route` is "" (spot), "public" or "market" (futures)."""

    def __init__(
        self, name: str, ws_base: str, pipeline: Pipeline, streams: list[str], route: str = ""
    ) -> None:
        super().__init__(name, pipeline)
        if len(streams) > MAX_STREAMS:
            raise ValueError(
                f"{len(streams)} streams exceed Binance's {MAX_STREAMS} per connection"
            )
        self._base = ws_base.rstrip("/")
        self.route = route
        self.decoder = BinanceDecoder(pipeline.venue, pipeline.bad, pipeline.sink)
        self.streams: list[str] = []
        self._add(streams)

    def _add(self, streams: list[str]) -> list[str]:
        new = [s for s in dict.fromkeys(streams) if s not in self.streams]
        self.streams.extend(new)
        symbols = dict.fromkeys(s for s in map(stream_symbol, self.streams) if s is not None)
        venue: Venue = self.pipeline.venue
        self.instruments = [INSTRUMENTS.get(venue, s, Symbol.from_binance) for s in symbols]
        traded = {stream_symbol(s) for s in new if "trade" in s.partition("@")[2].lower()}
        self.carry_trades([INSTRUMENTS.get(venue, s, Symbol.from_binance) for s in traded if s])
        return new

    def url(self) -> str:
        prefix = f"/{self.route}" if self.route else ""
        return f"{self._base}{prefix}/stream?streams={'/'.join(self.streams)}"

    def subscribe_messages(self) -> list[str]:
        return []  # the URL carries the subscription

    def add_streams(self, streams: list[str]) -> None:
        """Subscribe more streams on the live connection (kept for reconnects too)."""
        if len(set(self.streams) | set(streams)) > MAX_STREAMS:
            raise ValueError(f"more than {MAX_STREAMS} streams on one connection")
        self._outgoing.extend(_control("SUBSCRIBE", self._add(streams)))

    def remove_streams(self, streams: list[str]) -> None:
        """Unsubscribe streams on the live connection (and leave them out of reconnects)."""
        gone = set(streams) & set(self.streams)
        if not gone:
            return
        self.streams = [s for s in self.streams if s not in gone]
        self._add([])
        self._outgoing.extend(_control("UNSUBSCRIBE", sorted(gone)))

    def resubscribe_messages(self, instruments: list[Instrument]) -> list[str]:
        """UNSUBSCRIBE then SUBSCRIBE the streams of quiet symbols, on the live connection."""
        ids = {i.symbol.to_binance() for i in instruments}
        mine = [s for s in self.streams if stream_symbol(s) in ids]
        return _control("UNSUBSCRIBE", mine) + _control("SUBSCRIBE", mine)


def _control(method: str, streams: list[str]) -> list[str]:
    out = []
    for i in range(0, len(streams), SUBSCRIBE_CHUNK):
        msg = {"method": method, "params": streams[i : i + SUBSCRIBE_CHUNK], "id": next(_ids)}
        out.append(orjson.dumps(msg).decode())
    return out
