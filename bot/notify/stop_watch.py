"""Spot stop-losses are held by the service, not the venue: say so, and say when nobody watches.

Upbit's API has no stop order at all (its `ord_type` is limit, price, market or best:
docs.upbit.com/kr/reference/new-order): a bot's Upbit `stop_loss_pct` is checked by the bot
itself on each closed candle of live market data (on Binance spot it is a STOP_LOSS order on
the venue, `trading.spot_stops`). That protection exists only while the bot runs on fresh data, so:

- `/positions` marks such a position "stop held by the service, not the venue";
- when a bot holding one stops, or its venue's market data goes stale (stream down, REST
  fallback, delayed), the user is told at once "stop not watched", and again once it is watched
  (with how long it was not), once per outage;
- after the service itself was down, each such stop is told how long it was not watched.

`StopWatch` is pure (held stops and their watch state in, `Text` out); `run_stop_watch` feeds it
every `EVERY` s from the trading ledger, the bot manager and the market data.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Container, Mapping
from dataclasses import dataclass

from core.clock import Clock
from core.notifications import Notification, NotificationKind
from core.storage.kv import KeyValueStore
from core.symbols import Instrument, Venue
from core.text import Text

EVERY = 5.0  # s between looks
ALIVE_KEY = "stopwatch.alive"  # epoch s the watch last ran (its downtime is the service's)
ALIVE_EVERY = 30.0  # s between those stamps: the downtime told is at most this much too long
DOWN_WORTH_TELLING = 2 * ALIVE_EVERY  # a quick restart is not an outage worth a message
# Spot venues whose stops only the service holds (Upbit has no stop order). A Binance spot bot's
# stop-loss is a STOP_LOSS order on the venue (`trading.spot_stops`), kept by the protection check.
SPOT = frozenset({Venue.UPBIT})


@dataclass(frozen=True, slots=True)
class HeldStop:
    """A bot's spot position whose stop-loss only the service enforces."""

    bot: str
    instrument: Instrument
    pct: float
    why_unwatched: Text | None  # None while the bot runs on fresh market data


class StopWatch:
    """See module docstring."""

    def __init__(self) -> None:
        self._since: dict[tuple[str, Instrument], float] = {}  # told "not watched" at

    def tick(self, now: float, stops: list[HeldStop]) -> list[Text]:
        out: list[Text] = []
        held = {(s.bot, s.instrument) for s in stops}
        for s in stops:
            key = (s.bot, s.instrument)
            told = self._since.get(key)
            if s.why_unwatched is not None and told is None:
                self._since[key] = now
                out.append(
                    Text.of(
                        "stopwatch.unwatched",
                        bot=s.bot,
                        venue=s.instrument.venue,
                        symbol=s.instrument.symbol,
                        pct=f"{s.pct:g}",
                        why=s.why_unwatched,
                    )
                )
            elif s.why_unwatched is None and told is not None:
                del self._since[key]
                out.append(
                    Text.of(
                        "stopwatch.watched",
                        bot=s.bot,
                        venue=s.instrument.venue,
                        symbol=s.instrument.symbol,
                        seconds=f"{now - told:.0f}",
                    )
                )
        for key in [k for k in self._since if k not in held]:
            del self._since[key]  # the position is gone: nothing left to watch
        return out


def held_stops(
    rows: list[tuple[str | None, Instrument]],
    stop_pct: Mapping[str, float | None],
    running: Container[str],
    stale: Callable[[Venue], bool],
) -> list[HeldStop]:
    """The service-held stops among open positions `rows` (owner, instrument), and whether each
    is watched right now."""
    out = []
    for owner, inst in rows:
        if owner is None or inst.venue not in SPOT:
            continue
        pct = stop_pct.get(owner)
        if pct is None:
            continue
        why = None
        if owner not in running:
            why = Text.of("stopwatch.why.bot_stopped")
        elif stale(inst.venue):
            why = Text.of("stopwatch.why.no_data", venue=inst.venue)
        out.append(HeldStop(owner, inst, pct, why))
    return out


async def run_stop_watch(
    rows: Callable[[], Awaitable[list[tuple[str | None, Instrument]]]],
    stop_pct: Mapping[str, float | None],
    running: Container[str],
    stale: Callable[[Venue], bool],
    clock: Clock,
    notify: Callable[[Notification], None],
    kv: KeyValueStore | None = None,
    every: float = EVERY,
) -> None:
    """`kv` keeps when the watch last ran, so a start after the service was down tells each
    service-held stop that it was not watched meanwhile, and for how long."""
    watch = StopWatch()
    await _told_downtime(rows, stop_pct, clock, notify, kv)
    stamped = -ALIVE_EVERY  # stamped on the first look
    while True:
        stops = held_stops(await rows(), stop_pct, running, stale)
        for text in watch.tick(clock.monotonic(), stops):
            notify(Notification(NotificationKind.RISK, text))
        if kv is not None and clock.monotonic() - stamped >= ALIVE_EVERY:
            stamped = clock.monotonic()
            await kv.set(ALIVE_KEY, f"{clock.now():.0f}")
        await clock.sleep(every)


async def _told_downtime(
    rows: Callable[[], Awaitable[list[tuple[str | None, Instrument]]]],
    stop_pct: Mapping[str, float | None],
    clock: Clock,
    notify: Callable[[Notification], None],
    kv: KeyValueStore | None,
) -> None:
    last = await kv.get(ALIVE_KEY) if kv is not None else None
    if not last:
        return
    down = clock.now() - float(last)
    if down < DOWN_WORTH_TELLING:
        return
    for s in held_stops(await rows(), stop_pct, (), lambda _v: False):
        text = Text.of(
            "stopwatch.service_down",
            bot=s.bot,
            venue=s.instrument.venue,
            symbol=s.instrument.symbol,
            pct=f"{s.pct:g}",
            seconds=f"{down:.0f}",
        )
        notify(Notification(NotificationKind.RISK, text))
