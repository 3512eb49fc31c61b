"""The one reconnecting WebSocket runner every market-data connection uses.

connect -> subscribe -> read, forever: exponential backoff with jitter (reset once a connection
has been healthy for a while), keep-alive (protocol pings, plus Upbit's text `PING`; websockets
answers the venue's pings by itself), resubscribe on every reconnect, a planned reconnect
before the venue's connection lifetime runs out, and a watchdog that treats silence on the
connection as a failure (which is what catches a half-open socket that never delivers a close
frame) and restarts the feed of a subscribed symbol that alone went silent, on the live
connection where the venue allows it. Every change is published as a `StreamStatus`.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Callable
from dataclasses import dataclass

from loguru import logger
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from core.clock import Clock, SystemClock
from core.market import StreamState, StreamStatus
from core.symbols import Instrument, Venue
from exchanges import reasons
from exchanges.base import ReconnectRequested
from exchanges.reasons import Reason


@dataclass(frozen=True, slots=True)
class RunnerConfig:
    stale_after: float = 30.0  # no frame at all for this long -> reconnect
    symbol_stale_after: float | None = None  # one symbol silent this long -> resubscribe it
    backoff_initial: float = 1.0
    backoff_max: float = 60.0
    healthy_after: float = 60.0  # a connection up this long resets the backoff
    max_lifetime: float | None = None  # planned reconnect (Binance drops at 24 h)
    app_ping: str | None = None  # Upbit: "PING" text message
    app_ping_interval: float = 60.0  # Upbit closes after ~120 s idle
    ping_interval: float | None = 20.0  # WebSocket protocol pings from us
    ping_timeout: float | None = 20.0
    open_timeout: float = 10.0
    close_timeout: float = 1.0
    send_interval: float = 0.25  # between our messages (venues cap incoming messages per second)
    check_interval: float = 0.5  # how often the watchdog looks
    max_lag: float | None = None  # frames this far (s) behind the venue's event time: delayed
    compression: str | None = None  # "deflate" to trade CPU for bandwidth
    max_queue: int = 4096  # frames websockets buffers before it stops reading the socket
    yield_every: float = 0.0005  # s of back-to-back frames before the reader lets others run


class StreamHandler:
    """What a venue stream gives the runner. Subclasses implement the venue specifics."""

    venue: Venue
    name: str

    def url(self) -> str:
        raise NotImplementedError

    def headers(self) -> dict[str, str] | None:
        """Handshake headers, asked for on every (re)connect (a private stream's fresh token)."""
        return None

    def subscribe_messages(self) -> list[str]:
        """Everything to send after (re)connecting."""
        raise NotImplementedError

    def take_outgoing(self) -> list[str]:
        """Messages queued while connected (subscription changes)."""
        return []

    def on_frame(self, frame: bytes | str, recv_ts: float) -> None:
        raise NotImplementedError

    def on_up(self, now: float) -> None:
        """The first frame of a new connection arrived."""

    def on_down(self, last_frame: float) -> None:
        """The connection ended; `last_frame` is when we last heard from it (epoch s)."""

    def quiet_symbols(self, now: float, after: float) -> list[Instrument]:
        """Subscribed symbols newly silent for `after` seconds."""
        return []

    def lag_behind(self) -> float | None:
        """How far (s) the last frame carrying the venue's event time arrived behind it, or
        None when nothing measured it yet."""
        return None

    def resubscribe_messages(self, instruments: list[Instrument]) -> list[str] | None:
        """Messages that restart these symbols' feeds on the live connection, or None when
        the venue offers no such thing (the runner then reconnects)."""
        return None


class ConnectLimiter:
    """Spaces connection attempts to a venue (Upbit 5/s, Binance 300 per 5 min)."""

    def __init__(self, min_interval: float, clock: Clock | None = None) -> None:
        self.min_interval = min_interval
        self._clock = clock or SystemClock()
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            wait = self._next - self._clock.monotonic()
            if wait > 0:
                await self._clock.sleep(wait)
            self._next = self._clock.monotonic() + self.min_interval


class _Restart(Exception):
    """The watchdog decided to reconnect, for `reason`."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reasons.plain(reason))
        self.reason = reason


def describe(exc: BaseException) -> Reason:
    """A short reason for a connection ending (worded by the app, see `exchanges.reasons`)."""
    if isinstance(exc, InvalidStatus):
        return reasons.refused(exc.response.status_code)
    if isinstance(exc, ConnectionClosed):
        if exc.rcvd is None and exc.sent is None:
            return reasons.CONNECTION_LOST
        code = exc.rcvd.code if exc.rcvd is not None else exc.sent.code  # type: ignore[union-attr]
        why = exc.rcvd.reason if exc.rcvd is not None else exc.sent.reason  # type: ignore[union-attr]
        return reasons.closed(code, why)
    if isinstance(exc, TimeoutError):
        return reasons.CONNECT_TIMEOUT
    if isinstance(exc, OSError):
        return reasons.cannot_connect(str(exc.strerror or exc))
    return f"{type(exc).__name__}: {exc}"


class WsRunner:
    """Runs one `StreamHandler` until cancelled. Never raises except `CancelledError`."""

    def __init__(
        self,
        handler: StreamHandler,
        config: RunnerConfig,
        on_status: Callable[[StreamStatus], None],
        clock: Clock | None = None,
        limiter: ConnectLimiter | None = None,
    ) -> None:
        self.handler = handler
        self.config = config
        self._on_status = on_status
        self._clock = clock or SystemClock()
        self._limiter = limiter
        self.state: StreamState | None = None  # None until the first connection comes up
        self.reason: Reason = reasons.NOT_CONNECTED
        self.connected_at: float | None = None  # monotonic, while connected
        self.last_frame = 0.0  # epoch s of the last frame
        self.frames = 0
        self.reconnects = 0
        self.handler_errors = 0
        self.symbol_resubscribes = 0  # quiet symbols restarted without a reconnect
        self._ws: ClientConnection | None = None
        self._restart_reason: Reason | None = None
        self._restart_planned = False
        self._got_frame = False
        self.delayed: float | None = None  # s behind the venue while over `max_lag`

    @property
    def name(self) -> str:
        return self.handler.name

    @property
    def healthy(self) -> bool:
        """Up and not silent."""
        return (
            self.state in (StreamState.UP, StreamState.RECOVERED)
            and self._got_frame
            and self._clock.now() - self.last_frame < self.config.stale_after
        )

    def _check_lag(self) -> None:
        """Frames arriving is not enough: a connection far behind the venue's own clock is
        delayed (published as DEGRADED, then RECOVERED once it has caught up). Not a reason
        to reconnect: a reconnect would not make the venue send sooner."""
        limit = self.config.max_lag
        lag = self.handler.lag_behind()
        if limit is None or lag is None:
            return
        if lag > limit:
            newly = self.delayed is None
            self.delayed = lag
            if newly:
                why = reasons.delayed(lag)
                logger.warning("stream {}: delayed ({})", self.name, reasons.plain(why))
                self._on_status(
                    StreamStatus(
                        self.handler.venue, self.name, StreamState.DEGRADED, why, self._clock.now()
                    )
                )
        elif self.delayed is not None:
            self.delayed = None
            logger.info("stream {}: caught up with the venue", self.name)
            self._on_status(
                StreamStatus(
                    self.handler.venue,
                    self.name,
                    StreamState.RECOVERED,
                    reasons.CAUGHT_UP,
                    self._clock.now(),
                )
            )

    def _status(self, state: StreamState, reason: Reason) -> None:
        self.state = state
        self.reason = reason
        log = logger.info if state in (StreamState.UP, StreamState.RECOVERED) else logger.warning
        log("stream {}: {} ({})", self.name, state.value, reasons.plain(reason))
        self._on_status(
            StreamStatus(self.handler.venue, self.name, state, reason, self._clock.now())
        )

    async def run(self) -> None:
        cfg = self.config
        delay = cfg.backoff_initial
        while True:
            planned = False
            reason: Reason
            try:
                if self._limiter is not None:
                    await self._limiter.acquire()
                reason = await self._connect_once()
            except asyncio.CancelledError:
                raise
            except _Restart as exc:
                reason, planned = exc.reason, self._restart_planned
            except ReconnectRequested as exc:
                reason, planned = str(exc), True
            except Exception as exc:  # network errors of every shape end up here
                reason = describe(exc)
            if self.connected_at is not None:
                if self._clock.monotonic() - self.connected_at >= cfg.healthy_after:
                    delay = cfg.backoff_initial
                self.connected_at = None
            self.delayed = None  # the next connection is measured afresh
            if self._got_frame:
                self._got_frame = False
                self.handler.on_down(self.last_frame)
            self._ws = None
            self.reconnects += 1
            if planned:
                logger.info("stream {}: planned reconnect ({})", self.name, reasons.plain(reason))
                continue
            if self.state is not StreamState.DOWN:
                self._status(StreamState.DOWN, reason)
            else:
                self.reason = reason
                logger.info(
                    "stream {}: still down ({}); retry in ~{:.1f}s",
                    self.name, reasons.plain(reason), delay,
                )  # fmt: skip
            await self._clock.sleep(delay * random.uniform(0.5, 1.0))
            delay = min(delay * 2, cfg.backoff_max)

    async def _connect_once(self) -> Reason:
        cfg = self.config
        self._restart_reason = None
        self._restart_planned = False
        async with connect(
            self.handler.url(),
            additional_headers=self.handler.headers(),
            open_timeout=cfg.open_timeout,
            ping_interval=cfg.ping_interval,
            ping_timeout=cfg.ping_timeout,
            close_timeout=cfg.close_timeout,
            compression=cfg.compression,
            max_size=8 * 1024 * 1024,
            max_queue=self.config.max_queue,
            proxy=None,
        ) as ws:
            self._ws = ws
            self.connected_at = self._clock.monotonic()
            watchdog = asyncio.create_task(self._watch(ws), name=f"ws-watch:{self.name}")
            watchdog.add_done_callback(_log_unexpected)
            try:
                for i, message in enumerate(self.handler.subscribe_messages()):
                    if i:
                        await self._clock.sleep(cfg.send_interval)
                    await ws.send(message)
                await self._read(ws)
            except ConnectionClosed as exc:
                if self._restart_reason is not None:
                    raise _Restart(self._restart_reason) from None
                return describe(exc)
            finally:
                watchdog.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watchdog
            return reasons.SERVER_ENDED

    async def _read(self, ws: ClientConnection) -> None:
        handler = self.handler
        now = self._clock.now
        recv = ws.recv
        budget = self.config.yield_every
        yielded = 0.0
        while True:
            # Bytes, undecoded: a frame with invalid UTF-8 is then just bad input for the
            # parser (counted) instead of a protocol error that closes the connection (1007).
            frame = await recv(decode=False)
            recv_ts = now()
            if recv_ts - yielded >= budget:
                # `recv` does not suspend while frames are queued, so under a burst this loop
                # would starve the subscribers (and our latency) until the backlog is gone.
                if yielded:
                    await asyncio.sleep(0)
                yielded = recv_ts
            self.last_frame = recv_ts
            self.frames += 1
            if not self._got_frame:
                self._got_frame = True
                handler.on_up(recv_ts)
                if self.state is None:
                    self._status(StreamState.UP, reasons.CONNECTED)
                elif self.state is StreamState.DOWN:
                    self._status(StreamState.RECOVERED, reasons.reconnected(self.reason))
            try:
                handler.on_frame(frame, recv_ts)
            except ReconnectRequested:
                raise
            except Exception:
                # A bug in our own pipeline must not kill the connection; log at a sane rate.
                self.handler_errors += 1
                if self.handler_errors in (1, 10, 100) or self.handler_errors % 1000 == 0:
                    logger.exception("stream {}: handler error #{}", self.name, self.handler_errors)

    async def _watch(self, ws: ClientConnection) -> None:
        """Keep-alive, outgoing subscription changes, lifetime and stale-data checks."""
        try:
            await self._watch_loop(ws)
        except ConnectionClosed:
            return  # the reader sees the same close and reports it
        except Exception as exc:
            # Without a watchdog a silent socket would go unnoticed: give up this connection.
            logger.opt(exception=exc).error("stream {}: watchdog failed", self.name)
            self._restart_reason = reasons.watchdog_failed(f"{type(exc).__name__}: {exc}")
            ws.transport.abort()

    async def _watch_loop(self, ws: ClientConnection) -> None:
        cfg = self.config
        clock = self._clock
        started = clock.now()
        next_app_ping = started + cfg.app_ping_interval
        while True:
            await clock.sleep(cfg.check_interval)
            now = clock.now()
            for message in self.handler.take_outgoing():
                await ws.send(message)
                await clock.sleep(cfg.send_interval)
            if cfg.app_ping is not None and now >= next_app_ping:
                next_app_ping = now + cfg.app_ping_interval
                await ws.send(cfg.app_ping)
            if self._got_frame:
                self._check_lag()
            reason: Reason | None = None
            planned = False
            heard = self.last_frame if self._got_frame else started
            if now - heard >= cfg.stale_after:
                reason = reasons.stale(now - heard)
            elif cfg.max_lifetime is not None and now - started >= cfg.max_lifetime:
                reason = reasons.lifetime(cfg.max_lifetime)
                planned = True
            elif cfg.symbol_stale_after is not None and self._got_frame:
                quiet = self.handler.quiet_symbols(now, cfg.symbol_stale_after)
                if quiet:
                    names = [str(i.symbol) for i in quiet]
                    shown = ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")
                    what = f"no data for {len(quiet)} symbol(s) ({shown})"
                    messages = self.handler.resubscribe_messages(quiet)
                    if messages is None:
                        reason = reasons.stale_symbols(len(quiet), shown)
                    else:
                        # The rest of the connection is fine: restart just those feeds.
                        self.symbol_resubscribes += len(quiet)
                        logger.warning("stream {}: {}; resubscribing them", self.name, what)
                        for message in messages:
                            await ws.send(message)
                            await clock.sleep(cfg.send_interval)
            if reason is not None:
                self._restart_reason = reason
                self._restart_planned = planned
                # A half-open socket would sit in the closing handshake; cut it instead.
                ws.transport.abort()
                return


def _log_unexpected(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.opt(exception=task.exception()).error("{} failed", task.get_name())
