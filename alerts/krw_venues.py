"""The premium across several KRW venues: one premium book per KRW venue (Upbit's is the kimp
service's own `monitor`, Bithumb's and any other are kept here), and the spread between the
first two venues per coin.

Every book prices its venue against Binance with the same maths (alerts/monitor.py, one
`krw_venue` each), so Bithumb's kimp is computed exactly like Upbit's: against Binance USDT at
the venue's own KRW-USDT (USDT kimp) and at USD/KRW (FX kimp).

Alert keys. The primary venue's coins keep the keys they always had (`coin:BTC`), so persisted
states and sent alerts stay valid without a migration; another venue's are `coin:BTC@bithumb`;
the spread's are `spread:BTC`. A coin's watchlist entry, mutes and own thresholds apply to every
venue's key of that coin (the spread has its own levels, KIMP_SPREAD_HIGH/LOW_PCT, since a spread
between two KRW venues lives on a smaller scale than a premium).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from alerts.config import SPREAD_PREFIX, TETHER_KEY
from alerts.events import Reading
from alerts.monitor import CoinPremium, KrwQuote, PremiumMonitor, venue_name
from alerts.premium import Executable, Fees, Level
from alerts.spread import SpreadExec, executable_spread, raw_spread, touch_net_spread
from alerts.wallet import WalletNote
from core.clock import Clock
from core.depth import BookDepth
from core.symbols import Venue
from core.text import Text

COIN_PREFIX = "coin:"


def venue_key(coin: str, venue: Venue, primary: Venue) -> str:
    """The alert key of `coin`'s premium on `venue` (the primary venue's keys stay `coin:X`)."""
    return f"{COIN_PREFIX}{coin}" if venue is primary else f"{COIN_PREFIX}{coin}@{venue.value}"


def spread_key(coin: str) -> str:
    return f"{SPREAD_PREFIX}{coin}"


def tether_key(venue: Venue) -> str:
    """Another KRW venue's tether premium (`tether@bithumb`; the primary's stays `tether`)."""
    return f"{TETHER_KEY}@{venue.value}"


# (coin, premium, KRW venue) -> the wallet gate's mark on that venue's route, as wired
VenueNote = Callable[[str, float | None, Venue], WalletNote | None]


def coin_of(key: str) -> str | None:
    """The coin an alert key is about (`coin:BTC`, `coin:BTC@bithumb`, `spread:BTC` -> BTC);
    None for a key about no coin (the tether premium)."""
    for prefix in (COIN_PREFIX, SPREAD_PREFIX):
        if key.startswith(prefix):
            return key.removeprefix(prefix).partition("@")[0]
    return None


@dataclass(frozen=True, slots=True)
class SpreadView:
    """One coin on both KRW venues: each side's figures, the raw spread (A over B, percent),
    the executable spread after both taker fees (None without both books), and why the
    figure cannot be alerted on right now (None when live)."""

    coin: str
    a: KrwQuote
    b: KrwQuote
    pct: float | None
    exe: SpreadExec | None
    suspended: Text | None

    @property
    def dearer(self) -> Venue | None:
        if self.pct is None or self.pct == 0:
            return None
        return self.a.venue if self.pct > 0 else self.b.venue


def _top(q: KrwQuote) -> tuple[list[Level], list[Level]] | None:
    if q.bid <= 0 or q.ask <= 0:
        return None
    return [(q.bid, q.bid_qty)], [(q.ask, q.ask_qty)]


def _levels(
    q: KrwQuote, depth: Mapping[Venue, BookDepth] | None
) -> tuple[list[Level], list[Level]] | None:
    """The venue's (bids, asks) to walk: its depth when one was read, else its top of book."""
    book = depth.get(q.venue) if depth else None
    if book is not None and book.bids and book.asks:
        return list(book.bids), list(book.asks)
    return _top(q)


class KrwVenues:
    """The premium books of every KRW venue and the spread between the first two.

    `primary` is the kimp service's own book (fed by it); the other venues' books are made
    here and fed through `on_event`. FX goes to every book (`set_fx`)."""

    def __init__(
        self,
        clock: Clock,
        primary: PremiumMonitor,
        extra: Sequence[Venue] = (),
        fee_rates: Mapping[Venue, float] | None = None,
    ) -> None:
        self.clock = clock
        self.primary = primary
        self.books: dict[Venue, PremiumMonitor] = {primary.krw_venue: primary}
        for venue in extra:
            if venue not in self.books:
                self.books[venue] = PremiumMonitor(
                    clock, primary.stale_after, primary.fx_stale_after, primary.implausible_pct,
                    primary.quiet_after, krw_venue=venue,
                )  # fmt: skip
        self.fee_rates = dict(fee_rates or {})
        self._common: set[str] = set()  # the kimp universe (Upbit KRW and Binance USDT)
        self._listed: dict[Venue, set[str]] = {}  # coins another venue lists beside Binance

    @property
    def venues(self) -> list[Venue]:
        return list(self.books)

    @property
    def extra(self) -> list[PremiumMonitor]:
        return [m for v, m in self.books.items() if v is not self.primary.krw_venue]

    @property
    def pair(self) -> tuple[Venue, Venue] | None:
        """The two venues the spread is between (A, B), None with one KRW venue."""
        venues = self.venues
        return (venues[0], venues[1]) if len(venues) > 1 else None

    def book(self, venue: Venue) -> PremiumMonitor | None:
        return self.books.get(venue)

    # ------------------------------------------------------------------ feeding
    def on_event(self, event: object) -> None:
        """A bus event for the other venues' books (the primary is fed by the service)."""
        for m in self.extra:
            m.on_event(event)

    def set_coins(self, coins: Iterable[str]) -> None:
        """The kimp universe: every other venue's book prices these (when it lists them)."""
        self._common = set(coins)
        self._apply()

    def set_listed(self, venue: Venue, coins: Iterable[str]) -> None:
        """The coins `venue` lists in KRW that Binance lists in USDT: priced in its book even
        when Upbit does not list them (coins list on one KRW venue before the other)."""
        self._listed[venue] = set(coins)
        self._apply()

    def _apply(self) -> None:
        for m in self.extra:
            m.set_coins(self._common | self._listed.get(m.krw_venue, set()))

    def set_fx(
        self, rate: float, ts: float, source: str = "", disagree: Text | None = None
    ) -> None:
        for m in self.books.values():
            m.set_fx(rate, ts, source, disagree)

    def set_fx_error(self, error: str) -> None:
        for m in self.books.values():
            m.set_fx_error(error)

    def detail(
        self, venue: Venue, coin: str, size_krw: float
    ) -> tuple[CoinPremium | None, Executable | None]:
        """`coin` on `venue`'s book: its premiums, and the executable premium at `size_krw`
        after that venue's and Binance's taker fees (None without both books or fee rates)."""
        m = self.books.get(venue)
        if m is None:
            return None, None
        exe = None
        if venue in self.fee_rates and Venue.BINANCE_SPOT in self.fee_rates:
            exe = m.executable(coin, size_krw, Fees.from_rates(self.fee_rates, venue))
        return m.snapshot(coin), exe

    # ------------------------------------------------------------------ spread
    def spread(
        self, coin: str, size_krw: float, depth: Mapping[Venue, BookDepth] | None = None
    ) -> SpreadView | None:
        """`coin` on both venues of the pair, None unless both have priced it (the executable
        spread at `size_krw` when both books are known; a size of 0 skips it). `depth`: the
        venues' order books read for this question, walked instead of the top of book."""
        pair = self.pair
        if pair is None:
            return None
        ma, mb = self.books[pair[0]], self.books[pair[1]]
        a, b = ma.krw_quote(coin), mb.krw_quote(coin)
        if a is None or b is None:
            return None
        exe = None
        ta, tb = _levels(a, depth), _levels(b, depth)
        fa, fb = self.fee_rates.get(a.venue), self.fee_rates.get(b.venue)
        if size_krw > 0 and ta and tb and fa is not None and fb is not None:
            exe = executable_spread(ta[0], ta[1], tb[0], tb[1], size_krw, fa, fb)
        why = ma.krw_problem(coin) or mb.krw_problem(coin)
        return SpreadView(a.coin, a, b, raw_spread(a.price, b.price), exe, why)

    def spreads(self, size_krw: float) -> list[SpreadView]:
        """Every coin priced on both venues, the largest spread (A dearer) first."""
        views = [v for c in self.primary.coins if (v := self.spread(c, size_krw)) is not None]
        return sorted(views, key=lambda v: -(v.pct if v.pct is not None else -1e9))

    # ------------------------------------------------------------------ alerts
    def readings(
        self,
        eligible: Callable[[str, float | None], bool],
        market_wide: Iterable[str],
        fx_basis: bool,
        basis: Text,
        spread_net: bool = False,
        note: VenueNote | None = None,
    ) -> list[Reading]:
        """The other venues' coin premiums and the spreads, as the alert engine reads them.

        Only coins a venue has priced are read there (a coin never seen on Bithumb is not listed
        there, not "suspended"); the spread's eligibility follows the primary venue's volume.
        `spread_net`: the spread is read net of both taker fees at the best prices
        (`touch_net_spread`), else raw. `note`: the wallet gate's mark per venue (Bithumb's
        deposits and withdrawals against Binance's). Each other venue's tether premium (its
        KRW-USDT against USD/KRW) is read under `tether@<venue>`, on the tether levels."""
        wide = set(market_wide)
        primary = self.primary.krw_venue
        out: list[Reading] = []
        for m in self.extra:
            fx_why = m.fx()[1] if fx_basis else None
            for coin in m.coins:
                q = m.krw_quote(coin)
                if q is None or (coin not in wide and not eligible(coin, q.volume_krw)):
                    continue
                key = venue_key(coin, m.krw_venue, primary)
                label = Text.of("kimp.venue_label", coin=coin, venue=venue_name(m.krw_venue))
                snap = m.snapshot(coin)
                if snap is None:
                    missing = m.unpriced_reason(coin)
                    out.append(Reading(key, label, None, missing, coin in wide, basis))
                    continue
                value = snap.fx_kimp if fx_basis else snap.usdt_kimp
                why = snap.suspended or (fx_why if value is None else None)
                mark = note(coin, value, m.krw_venue) if note is not None else None
                out.append(Reading(key, label, value, why, coin in wide, basis, mark))
            tv = m.tether_view()
            if tv.usdt_krw is not None:  # a venue that has not priced USDT yet stays silent
                tether = Text.of("kimp.tether_venue", venue=venue_name(m.krw_venue))
                out.append(Reading(tether_key(m.krw_venue), tether, tv.tether, tv.suspended, True))
        pair = self.pair
        if pair is None:
            return out
        a, b = venue_name(pair[0]), venue_name(pair[1])
        spread_basis = Text.of(
            "kimp.basis.spread_net" if spread_net else "kimp.basis.spread", a=a, b=b
        )
        for coin in self.primary.coins:
            view = self.spread(coin, 0.0)
            if view is None:
                continue
            if coin not in wide and not eligible(coin, view.a.volume_krw):
                continue
            label = Text.of("kimp.spread_label", coin=coin, a=a, b=b)
            value, why = view.pct, view.suspended
            if spread_net:
                value = self._net(view)
                why = why or (Text.of("kimp.spread_no_net") if value is None else None)
            out.append(Reading(spread_key(coin), label, value, why, coin in wide, spread_basis))
        return out

    def _net(self, view: SpreadView) -> float | None:
        """The net spread at the best prices after both venues' taker fees (None without both
        books or a fee rate)."""
        fa, fb = self.fee_rates.get(view.a.venue), self.fee_rates.get(view.b.venue)
        if fa is None or fb is None:
            return None
        a, b = view.a, view.b
        return touch_net_spread(a.bid, a.ask, b.bid, b.ask, fa, fb)
