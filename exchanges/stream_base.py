"""What every venue stream shares: a decoder feeding the venue pipeline, the instruments the
connection carries (for candle taints and per-symbol silence), and subscription bookkeeping.
"""

from __future__ import annotations

from typing import Protocol

from core.symbols import Instrument
from exchanges.candles import StreamProgress
from exchanges.pipeline import Pipeline
from exchanges.ws_runner import StreamHandler

MS = 1000


class Decoder(Protocol):
    def decode(self, frame: bytes | str, recv_ts: float) -> bool: ...


class PipelineStream(StreamHandler):
    """A `StreamHandler` whose frames go through a `Decoder` into a venue `Pipeline`."""

    decoder: Decoder

    def __init__(self, name: str, pipeline: Pipeline) -> None:
        self.name = name
        self.venue = pipeline.venue
        self.pipeline = pipeline
        self.instruments: list[Instrument] = []
        self._up_since = 0.0
        self.quiet: dict[Instrument, float] = {}  # silent symbols -> last heard (epoch s)
        self._outgoing: list[str] = []
        self.progress = StreamProgress()
        self.newest_event_ms = 0  # newest venue event time delivered (`pipeline.EVENT_TIME`)
        self.lag: float | None = None  # s behind the venue at the last timed frame's receipt

    def carry_trades(self, instruments: list[Instrument]) -> None:
        """This connection streams these markets' trades: their minutes close by its progress."""
        candles = self.pipeline.candles
        for inst in instruments:
            candles.series(inst).progress = self.progress

    def on_frame(self, frame: bytes | str, recv_ts: float) -> None:
        pipeline = self.pipeline
        pipeline.frame_exchange_ms = pipeline.frame_event_ms = 0
        if not self.decoder.decode(frame, recv_ts):
            # We cannot tell which market a garbled frame was for: every minute in flight on
            # this connection is repaired from REST before it is released.
            pipeline.mark_gap(self.instruments, int(recv_ts * MS))
        stamp = pipeline.frame_exchange_ms
        if stamp > self.progress.exchange_ms:
            self.progress.exchange_ms = stamp
        event_ms = pipeline.frame_event_ms
        if event_ms and self.timed(frame):
            # The newest stamp so far: one legitimately old stamp (a replayed snapshot) never
            # reads as lag, while a stream that delivers everything late does.
            if event_ms > self.newest_event_ms:
                self.newest_event_ms = event_ms
            # Both clocks on the venue's: a host clock seconds off would otherwise make every
            # stream read as delayed (ahead) or hide a real lag (behind).
            self.lag = recv_ts - pipeline.clock_offset - self.newest_event_ms / MS

    def lag_behind(self) -> float | None:
        return self.lag

    def timed(self, frame: bytes | str) -> bool:
        """Whether this frame's event time says how far behind the venue we are (a venue's
        snapshot of an old state does not)."""
        return True

    def on_up(self, now: float) -> None:
        self._up_since = now
        self.newest_event_ms, self.lag = 0, None  # a new connection is measured afresh
        self.progress.up = True
        candles = self.pipeline.candles
        for inst in self.instruments:
            candles.taint_close(inst, int(now * MS))

    def on_down(self, last_frame: float) -> None:
        self.progress.up = False
        candles = self.pipeline.candles
        for inst in self.instruments:
            candles.taint_open(inst, int(last_frame * MS))

    def take_outgoing(self) -> list[str]:
        out, self._outgoing = self._outgoing, []
        return out

    def quiet_symbols(self, now: float, after: float) -> list[Instrument]:
        """Symbols silent for `after` s, once per silence: they get one resubscribe (the
        runner's call), then they are flagged as quiet until data flows again."""
        seen = self.pipeline.last_seen
        out = []
        for inst in self.instruments:
            last = max(seen(inst), self._up_since)
            if now - last < after:
                if inst in self.quiet:
                    del self.quiet[inst]
            elif inst not in self.quiet:
                self.quiet[inst] = last
                out.append(inst)
        return out
