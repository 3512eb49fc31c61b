"""The quotation WebSocket: ticker, trade and top-of-book orderbook for a set of KRW markets.

One request array subscribes everything; sending a new array replaces the whole set, so a
subscription change simply re-sends the full request (PROTOCOLS.md 1.2).
"""

from __future__ import annotations

import uuid

import orjson

from core.symbols import Instrument, Symbol, Venue
from exchanges.base import INSTRUMENTS
from exchanges.pipeline import Pipeline
from exchanges.quotation.parse import QuotationDecoder
from exchanges.stream_base import PipelineStream
from exchanges.ws_runner import RunnerConfig

CHANNELS = ("ticker", "trade", "orderbook")


def quotation_runner_config(
    stale_after: float = 30.0, **overrides: float | str | None
) -> RunnerConfig:
    """Keep-alive: text PING (answered `{"status":"UP"}`) well inside the idle close
    (documented 120 s by both venues, seen at about 60 s on Upbit in 2026), besides protocol
    pings."""
    base: dict[str, float | str | None] = {
        "stale_after": stale_after,
        "app_ping": "PING",
        "app_ping_interval": 25.0,
        "ping_interval": 30.0,
        "ping_timeout": 30.0,
        "send_interval": 0.25,  # data requests: 5/s per connection
    }
    base.update(overrides)
    return RunnerConfig(**base)  # type: ignore[arg-type]


class QuotationStream(PipelineStream):
    """`book_level`: the orderbook code suffix asking for the top level only (Upbit's
    `KRW-BTC.1`); None sends plain codes."""

    book_level: str | None = ".1"

    def __init__(
        self,
        name: str,
        ws_url: str,
        pipeline: Pipeline,
        codes: list[str],
        channels: tuple[str, ...] = CHANNELS,
    ) -> None:
        super().__init__(name, pipeline)
        self._url = ws_url
        self.channels = channels
        self.decoder = self.make_decoder(pipeline)
        self.codes: list[str] = []
        self.set_codes(codes, send=False)

    def make_decoder(self, pipeline: Pipeline) -> QuotationDecoder:
        return QuotationDecoder(pipeline.venue, pipeline.bad, pipeline.sink)

    def url(self) -> str:
        return self._url

    def request(self) -> str:
        body: list[dict[str, object]] = [{"ticket": f"kimp-{uuid.uuid4()}"}]
        level = self.book_level
        for channel in self.channels:
            book = channel == "orderbook" and level is not None
            codes = [f"{c}{level}" for c in self.codes] if book else self.codes
            body.append({"type": channel, "codes": codes})
        body.append({"format": "DEFAULT"})
        return orjson.dumps(body).decode()

    def subscribe_messages(self) -> list[str]:
        return [self.request()] if self.codes else []

    def timed(self, frame: bytes | str) -> bool:
        """Snapshots (`"stream_type":"SNAPSHOT"`, sent on every (re)subscribe) carry the state's
        own time, e.g. a quiet book's last change: only REALTIME frames measure the lag."""
        if isinstance(frame, bytes):
            return b"SNAPSHOT" not in frame
        return "SNAPSHOT" not in frame

    def resubscribe_messages(self, instruments: list[Instrument]) -> list[str]:
        """The venue replaces the whole set with each request: re-sending it on the live
        connection restarts every code's feed (with a fresh snapshot), no reconnect needed."""
        return [self.request()] if self.codes else []

    def set_codes(self, codes: list[str], send: bool = True) -> None:
        """Replace the markets this connection carries (re-sent in full, as the venue wants)."""
        venue: Venue = self.venue
        self.codes = sorted(set(codes))
        self.instruments = [INSTRUMENTS.get(venue, c, Symbol.from_upbit) for c in self.codes]
        if "trade" in self.channels:
            self.carry_trades(self.instruments)
        if send and self.codes:
            self._outgoing = [self.request()]
