"""What a venue itself says about a market's risk: Upbit's investment warning (투자경고) and
caution flags (투자주의, e.g. GLOBAL_PRICE_DIFFERENCES: Upbit's own flag for a large premium),
and a scheduled end of trading (거래지원 종료일, Upbit's ticker `delisting_date`), and whether
the market trades at all (the ticker's `market_state`: PREVIEW is deposits only).

`exchanges/` parses them into `MarketNotice`s; the app keeps the latest in a `NoticeBoard`;
the kimp alerts announce changes and the strategy runner refuses new entries on flagged
markets through `NoticeBoard.entry_problem` (the app hands it over as an `EntryGate`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core.market import TradingState
from core.symbols import Instrument, Symbol, Venue
from core.text import Text


@dataclass(frozen=True, slots=True)
class MarketNotice:
    venue: Venue
    symbol: Symbol
    warning: bool  # the venue's investment warning
    cautions: tuple[str, ...] = ()  # caution flags set, named as the venue names them, sorted

    @property
    def flagged(self) -> bool:
        return self.warning or bool(self.cautions)


# Why a new entry on this instrument is refused, or None.
EntryGate = Callable[[Instrument], Text | None]


class NoticeBoard:
    """The latest notices per market, replaced venue by venue as each refresh arrives."""

    def __init__(self) -> None:
        self._notices: dict[tuple[Venue, Symbol], MarketNotice] = {}
        self.known: set[Venue] = set()  # venues with at least one refresh
        # Scheduled delisting day per market, from the venue's ticker (kept apart from the
        # notices: those are replaced wholesale by each market-list refresh).
        self._delistings: dict[tuple[Venue, Symbol], str] = {}
        # Each market's last `market_state`, from the venue's ticker (same reason).
        self._states: dict[tuple[Venue, Symbol], TradingState] = {}

    def replace(self, venue: Venue, notices: Iterable[MarketNotice]) -> dict[Symbol, MarketNotice]:
        """Store `venue`'s whole list; returns its previous notices (by symbol) for a diff."""
        old = {s: n for (v, s), n in self._notices.items() if v is venue}
        for symbol in old:
            del self._notices[(venue, symbol)]
        for n in notices:
            self._notices[(venue, n.symbol)] = n
        self.known.add(venue)
        return old

    def get(self, venue: Venue, symbol: Symbol) -> MarketNotice | None:
        return self._notices.get((venue, symbol))

    def flagged(self, venue: Venue, base: str) -> MarketNotice | None:
        """The flagged notice on any market of coin `base` at `venue`, or None."""
        for (v, s), n in self._notices.items():
            if v is venue and s.base == base and n.flagged:
                return n
        return None

    def set_delisting(self, venue: Venue, symbol: Symbol, day: str) -> bool:
        """Record a scheduled delisting day; True when it is new (or moved) for the market."""
        if self._delistings.get((venue, symbol)) == day:
            return False
        self._delistings[(venue, symbol)] = day
        return True

    def clear_delisting(self, venue: Venue, symbol: Symbol) -> bool:
        """Forget a market's delisting day (the venue withdrew it); True when there was one."""
        return self._delistings.pop((venue, symbol), None) is not None

    @property
    def delistings(self) -> int:
        """How many markets have a delisting day."""
        return len(self._delistings)

    def delisting(self, venue: Venue, base: str) -> str | None:
        """The scheduled delisting day of any market of coin `base` at `venue`, or None."""
        for (v, s), day in self._delistings.items():
            if v is venue and s.base == base:
                return day
        return None

    def delisting_problem(self, instrument: Instrument) -> Text | None:
        """Why a new entry on `instrument` is refused (its delisting is scheduled), or None."""
        day = self._delistings.get((instrument.venue, instrument.symbol))
        if day is None:
            return None
        return Text.of("reason.market_delisting", symbol=instrument.symbol, day=day)

    def set_state(self, venue: Venue, symbol: Symbol, state: TradingState) -> TradingState | None:
        """Record a market's state; returns the one it had before (None the first time)."""
        before = self._states.get((venue, symbol))
        self._states[(venue, symbol)] = state
        return before

    def state(self, venue: Venue, base: str, quote: str = "KRW") -> TradingState | None:
        """The last state the venue gave for coin `base`'s `quote` market, or None."""
        return self._states.get((venue, Symbol(base, quote)))

    def state_problem(self, instrument: Instrument) -> Text | None:
        """Why no order can go to `instrument` (its market is not trading: PREVIEW, deposits
        only, or DELISTED), or None."""
        state = self._states.get((instrument.venue, instrument.symbol))
        if state is None or state is TradingState.ACTIVE:
            return None
        why = state_text(state)
        return Text.of(
            "reason.market_not_trading", venue=instrument.venue, symbol=instrument.symbol, state=why
        )

    def gate(self, warnings: bool, delistings: bool) -> EntryGate:
        """The entry gate the strategy runner gets: a market that does not trade always, then
        flags and/or scheduled delistings as configured."""
        optional = ((warnings, self.entry_problem), (delistings, self.delisting_problem))
        checks = [self.state_problem, *(check for on, check in optional if on)]

        def problem(instrument: Instrument) -> Text | None:
            for check in checks:
                if (why := check(instrument)) is not None:
                    return why
            return None

        return problem

    def entry_problem(self, instrument: Instrument) -> Text | None:
        """Why a new entry on `instrument` is refused (its market is under a warning or caution
        flag), or None."""
        n = self._notices.get((instrument.venue, instrument.symbol))
        if n is None or not n.flagged:
            return None
        return Text.of("reason.market_flagged", symbol=instrument.symbol, flags=flag_text(n))


def state_text(state: TradingState) -> Text:
    """`preview: deposits only, not tradable yet` / `delisted` / `trading` as a catalog text."""
    return Text.of(f"notice.state.{state.value.lower()}")


def tag_text(
    notice: MarketNotice | None, delisting: str | None, state: TradingState | None = None
) -> Text | None:
    """A coin's tag in `/kimp`: its market state when it does not trade, its flags, its
    scheduled delisting; None when there is nothing to say."""
    rest = _flag_tag(notice, delisting)
    if state is None or state is TradingState.ACTIVE:
        return rest
    if rest is None:
        return state_text(state)
    return Text.of("notice.state_and", state=state_text(state), rest=rest)


def _flag_tag(notice: MarketNotice | None, delisting: str | None) -> Text | None:
    if delisting is None:
        return None if notice is None or not notice.flagged else flag_text(notice)
    if notice is None or not notice.flagged:
        return Text.of("notice.delisting", day=delisting)
    return Text.of("notice.flags_and_delisting", flags=flag_text(notice), day=delisting)


def flag_text(notice: MarketNotice) -> Text:
    """`warning` / `caution: GLOBAL_PRICE_DIFFERENCES, ...` as a catalog text."""
    cautions = ", ".join(notice.cautions)
    if notice.warning and cautions:
        return Text.of("notice.warning_and_caution", cautions=cautions)
    if notice.warning:
        return Text.of("notice.warning")
    return Text.of("notice.caution", cautions=cautions)
