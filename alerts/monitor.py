"""The premium book: latest legs per coin, O(1)-ish per price update, a sorted view for top-N.

Why the sorted view stays cheap: every coin's USDT kimp is `ratio / usdt_krw - 1` and its FX
kimp `ratio / usd_krw - 1`, with `ratio = upbit_krw / binance_usdt`. Ranking by ratio ranks by
both premiums, so a KRW-USDT or FX update changes no order and costs O(1); a coin update moves
one entry in a 200-element list (two bisects and a short memmove).

Every figure carries the age of each of its legs. Alerts for a coin are suspended, with a reason,
while a venue is silent for `stale_after` (no event for any of its markets) or its stream reported
down, or while one leg has not moved for `quiet_after` (a quiet market on a live stream keeps its
last price: a coin that simply did not trade for 40 s is not stale).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from alerts.funding import FundingBook
from alerts.fx_hours import Freshness, judge
from alerts.premium import Books, Executable, Fees, executable_premium
from alerts.universe import TETHER
from core.clock import Clock
from core.market import MarkPrice, Quote, StreamState, StreamStatus, Ticker, Trade
from core.symbols import Venue
from core.text import Text


def venue_name(venue: Venue) -> Text:
    """A venue's short name in "no Upbit BTC price yet" (`name.upbit`, `name.binance`,
    `name.bithumb`; not the stream names, "Binance spot")."""
    return Text.of(f"name.{venue.value}")


def _leg(venue: Venue, market: str) -> Text:
    return Text.of("kimp.why.leg", venue=venue_name(venue), market=market)


class _Leg:
    """One venue's latest data for one market (mutable, hot path)."""

    __slots__ = ("ask", "ask_qty", "bid", "bid_qty", "book_ts", "price", "ts")

    def __init__(self) -> None:
        self.price = 0.0  # last trade / ticker / quote mid, whichever came last
        self.ts = 0.0  # local receive time of `price`; 0 = never
        self.bid = self.bid_qty = self.ask = self.ask_qty = 0.0
        self.book_ts = 0.0


class _Coin:
    __slots__ = ("binance", "coin", "ratio", "upbit", "volume_krw")

    def __init__(self, coin: str) -> None:
        self.coin = coin
        self.volume_krw: float | None = None  # Upbit's 24 h traded value, from its ticker
        self.upbit = _Leg()
        self.binance = _Leg()
        self.ratio = 0.0  # upbit_krw / binance_usdt; 0 = not both legs yet


@dataclass(frozen=True, slots=True)
class LegAges:
    """Seconds since each leg was last updated; None = never received."""

    upbit: float | None
    binance: float | None
    usdt: float | None
    fx: float | None


@dataclass(frozen=True, slots=True)
class CoinPremium:
    coin: str
    upbit_krw: float
    binance_usdt: float
    usdt_krw: float | None
    usd_krw: float | None  # None while the FX rate is unavailable or stale
    usdt_kimp: float | None
    fx_kimp: float | None
    tether: float | None
    ages: LegAges
    suspended: str | Text | None  # why alerts on this coin are suspended, None when live
    implausible: bool  # |premium| beyond the sanity bound: a ticker mismatch or halted market


@dataclass(frozen=True, slots=True)
class TetherView:
    usdt_krw: float | None
    usd_krw: float | None
    tether: float | None
    usdt_age: float | None
    fx_age: float | None
    suspended: str | Text | None  # why tether alerts are suspended
    fx_unavailable: Text | None  # why FX figures are unavailable
    fx_source: str = ""  # which source the rate came from (exchanges/fx.py kinds)
    fx_closed: bool = False  # the FX market is shut: this is its closing rate, not a live one
    fx_disagree: Text | None = None  # another source differs by more than FX_DISAGREE_PCT


@dataclass(frozen=True, slots=True)
class KrwQuote:
    """One coin's latest figures on a book's KRW venue (the Upbit–Bithumb spread reads two)."""

    venue: Venue
    coin: str
    price: float  # last trade / ticker / quote mid, whichever came last
    age: float  # seconds since `price`
    bid: float  # top of book; 0 while no quote has arrived
    bid_qty: float
    ask: float
    ask_qty: float
    volume_krw: float | None  # the venue's 24 h traded value, from its ticker


def _age_words(seconds: float) -> Text:
    """An age in the catalog's units (bot/i18n/when.py words it the same way)."""
    if seconds < 5400:
        return Text.of("unit.minutes", n=f"{max(0.0, seconds) / 60:.0f}")
    if seconds < 172800:
        return Text.of("unit.hours", n=f"{seconds / 3600:.1f}")
    return Text.of("unit.days", n=f"{seconds / 86400:.1f}")


def _age(now: float, ts: float) -> float | None:
    return None if ts <= 0 else max(0.0, now - ts)


class PremiumMonitor:
    """Feed it domain events (`on_event`) or raw updates; read snapshots and top/bottom views."""

    def __init__(
        self,
        clock: Clock,
        stale_after: float = 30.0,
        fx_stale_after: float = 3600.0,
        implausible_pct: float = 30.0,
        quiet_after: float | None = None,
        krw_venue: Venue = Venue.UPBIT,
    ) -> None:
        self.clock = clock
        # The KRW venue this book prices against Binance (its `upbit` legs, `usdt` and
        # `upbit_seen` are that venue's): one book per KRW venue, the same maths for each.
        self.krw_venue = krw_venue
        self.stale_after = stale_after
        self.quiet_after = quiet_after if quiet_after is not None else 10 * stale_after
        self.fx_stale_after = fx_stale_after
        self.implausible_pct = implausible_pct
        self._coins: dict[str, _Coin] = {}
        self._ratios: list[float] = []  # ascending
        self._order: list[str] = []  # coin at the same index as its ratio
        self.usdt = _Leg()  # Upbit KRW-USDT
        self.fx_rate = 0.0
        self.fx_ts = 0.0  # the source's own time of the quote, not when we fetched it
        self.fx_source = ""
        self.fx_disagree: Text | None = None
        self._fx_judged: tuple[tuple[float, int], Freshness] = ((0.0, -1), "stale")
        self.fx_error: str | None = None  # last FX source problem, for the "why"
        self.venue_down: dict[Venue, Text] = {}
        # When a down venue was reported back (recovered, or a REST fallback took over): the
        # down mark holds until data from the venue actually arrives after that moment.
        self._back_at: dict[Venue, float] = {}
        self.upbit_seen = 0.0  # newest receive time of anything from the venue
        self.binance_seen = 0.0
        self.updates = 0
        self.funding = FundingBook()

    # ------------------------------------------------------------------ universe
    @property
    def coins(self) -> list[str]:
        return sorted(self._coins)

    def set_coins(self, coins: Iterable[str]) -> None:
        wanted = {c.upper() for c in coins} - {TETHER}
        for coin in [c for c in self._coins if c not in wanted]:
            self._unrank(self._coins.pop(coin))
        for coin in wanted - self._coins.keys():
            self._coins[coin] = _Coin(coin)

    # ------------------------------------------------------------------ hot path
    def update_price(self, venue: Venue, coin: str, price: float, ts: float) -> None:
        """A last price (or mid) for `coin` on Upbit (KRW) or Binance spot (USDT)."""
        c = self._coins.get(coin)
        if c is None:
            if venue is self.krw_venue and coin == TETHER and price > 0:
                self.usdt.price, self.usdt.ts = price, ts
                if ts > self.upbit_seen:
                    self.upbit_seen = ts
            return
        if price <= 0:
            return
        self.updates += 1
        up, bn = c.upbit, c.binance
        if venue is self.krw_venue:
            up.price, up.ts = price, ts
            if ts > self.upbit_seen:
                self.upbit_seen = ts
        else:
            bn.price, bn.ts = price, ts
            if ts > self.binance_seen:
                self.binance_seen = ts
        if up.price > 0 and bn.price > 0:
            self._rerank(c, up.price / bn.price)

    def update_quote(
        self,
        venue: Venue,
        coin: str,
        bid: float,
        bid_qty: float,
        ask: float,
        ask_qty: float,
        ts: float,
    ) -> None:
        if coin == TETHER and venue is self.krw_venue:
            leg = self.usdt
        else:
            c = self._coins.get(coin)
            if c is None:
                return
            leg = c.upbit if venue is self.krw_venue else c.binance
        if bid <= 0 or ask <= 0 or ask < bid:
            return  # a crossed or empty book is not a price
        leg.bid, leg.bid_qty, leg.ask, leg.ask_qty, leg.book_ts = bid, bid_qty, ask, ask_qty, ts
        self.update_price(venue, coin, (bid + ask) / 2, ts)

    def _rerank(self, c: _Coin, ratio: float) -> None:
        ratios, order = self._ratios, self._order
        if c.ratio > 0:
            i = bisect_left(ratios, c.ratio)
            while order[i] != c.coin:  # equal ratios: find this coin's entry
                i += 1
            del ratios[i]
            del order[i]
        j = bisect_left(ratios, ratio)
        ratios.insert(j, ratio)
        order.insert(j, c.coin)
        c.ratio = ratio

    def _unrank(self, c: _Coin) -> None:
        if c.ratio > 0:
            i = bisect_left(self._ratios, c.ratio)
            while self._order[i] != c.coin:
                i += 1
            del self._ratios[i]
            del self._order[i]
            c.ratio = 0.0

    def on_event(self, event: object) -> None:
        """Route a domain market event; anything not a kimp leg is ignored."""
        if isinstance(event, StreamStatus):
            self.on_status(event)
            return
        if not isinstance(event, Ticker | Trade | Quote):
            if isinstance(event, MarkPrice):
                self.funding.on_mark(event)
            return
        inst = event.instrument
        venue, sym = inst.venue, inst.symbol
        if venue is self.krw_venue:
            if sym.quote != "KRW":
                return
        elif venue is not Venue.BINANCE_SPOT or sym.quote != "USDT":
            return
        if isinstance(event, Quote):
            self.update_quote(
                venue, sym.base, event.bid, event.bid_qty, event.ask, event.ask_qty, event.recv_ts
            )
        elif isinstance(event, Ticker):
            self.update_price(venue, sym.base, event.last, event.recv_ts)
            if venue is self.krw_venue and event.volume_quote_24h > 0:
                c = self._coins.get(sym.base)
                if c is not None:
                    c.volume_krw = event.volume_quote_24h
        else:
            self.update_price(venue, sym.base, event.price, event.recv_ts)

    def on_status(self, status: StreamStatus) -> None:
        """A stream that is down suspends that venue at once, before its legs even age."""
        if status.venue not in (self.krw_venue, Venue.BINANCE_SPOT):
            return
        if status.state is StreamState.DOWN:
            self.venue_down[status.venue] = Text.of(
                "kimp.why.venue_down", venue=status.venue, reason=status.reason
            )
            self._back_at.pop(status.venue, None)
        elif status.venue in self.venue_down:
            # A status says nothing about prices: a fallback "taking over" may never deliver.
            self._back_at[status.venue] = status.ts

    def down(self, venue: Venue) -> Text | None:
        """Why `venue` counts as down, or None: reported down and nothing arrived since it was
        reported back."""
        why = self.venue_down.get(venue)
        back = self._back_at.get(venue)
        if why is None or back is None:
            return why
        seen = self.upbit_seen if venue is self.krw_venue else self.binance_seen
        return why if seen <= back else None

    def set_fx(
        self, rate: float, ts: float, source: str = "", disagree: Text | None = None
    ) -> None:
        """The chosen USD/KRW rate; `ts` is the source's own quote time (its age is judged from
        it, with the FX market's hours: alerts/fx_hours.py)."""
        self.fx_rate, self.fx_ts, self.fx_error = rate, ts, None
        self.fx_source, self.fx_disagree = source, disagree

    def set_fx_error(self, error: str) -> None:
        self.fx_error = error

    # ------------------------------------------------------------------ reads
    def fx(self) -> tuple[float | None, Text | None]:
        """(USD/KRW, None) when fresh or the closing rate of a shut market, else (None, why it
        is unavailable: the newest rate's source, date and age)."""
        if self.fx_ts <= 0:
            why: str | Text = self.fx_error or Text.of("kimp.why.fx_no_answer")
            return None, Text.of("kimp.why.fx_none", why=why)
        now = self.clock.now()
        if self.fx_freshness(now) == "stale":
            src = Text.of("kimp.why.fx_source", error=self.fx_error) if self.fx_error else ""
            age = now - self.fx_ts
            if not self.fx_source:
                return None, Text.of("kimp.why.fx_old", age=f"{age:.0f}", why=src)
            when = datetime.fromtimestamp(self.fx_ts, UTC).strftime("%Y-%m-%d %H:%M UTC")
            source = Text.of(f"fx.source.{self.fx_source}")
            return None, Text.of(
                "kimp.why.fx_stale", source=source, when=when, age=_age_words(age), why=src
            )
        return self.fx_rate, None

    def fx_freshness(self, now: float) -> Freshness:
        # The cheap test first: this runs on every snapshot. The market-hours test walks back
        # to the close, so it is kept for the minute (a top-N view asks once per coin).
        if now - self.fx_ts <= self.fx_stale_after:
            return "fresh"
        key = (self.fx_ts, int(now // 60))
        if self._fx_judged[0] != key:
            self._fx_judged = (key, judge(self.fx_ts, now, self.fx_stale_after))
        return self._fx_judged[1]

    def _leg_problem(self, name: Text, venue: Venue, leg: _Leg, now: float) -> Text | None:
        down = self.down(venue)
        if down is not None:
            return down
        if leg.ts <= 0:
            return Text.of("kimp.why.no_price", name=name)
        seen = self.upbit_seen if venue is self.krw_venue else self.binance_seen
        if now - seen > self.stale_after:
            return Text.of("kimp.why.no_data", venue=venue, secs=f"{now - seen:.0f}")
        age = now - leg.ts
        if age > self.quiet_after:
            return Text.of("kimp.why.quiet", name=name, age=f"{age:.0f}")
        return None

    def tether_view(self) -> TetherView:
        now = self.clock.now()
        usd, fx_why = self.fx()
        t = self.usdt.price if self.usdt.ts > 0 else None
        tether = (t / usd - 1) * 100 if t and usd else None
        why = (
            self._leg_problem(_leg(self.krw_venue, "KRW-USDT"), self.krw_venue, self.usdt, now)
            or fx_why
        )
        return TetherView(
            t,
            usd,
            tether,
            _age(now, self.usdt.ts),
            _age(now, self.fx_ts),
            why,
            fx_why,
            fx_source=self.fx_source,
            fx_closed=usd is not None and self.fx_freshness(now) == "closed",
            fx_disagree=self.fx_disagree if usd is not None else None,
        )

    def snapshot(self, coin: str) -> CoinPremium | None:
        """Everything about one coin, or None when it is not in the universe or lacks a leg."""
        c = self._coins.get(coin.upper())
        if c is None or c.ratio <= 0:
            return None
        now = self.clock.now()
        usd, _ = self.fx()
        t = self.usdt.price if self.usdt.ts > 0 else None
        usdt_kimp = (c.ratio / t - 1) * 100 if t else None
        fx_kimp = (c.ratio / usd - 1) * 100 if usd else None
        tether = (t / usd - 1) * 100 if t and usd else None
        up, bn = self.krw_venue, Venue.BINANCE_SPOT
        why = (
            self._leg_problem(_leg(up, c.coin), up, c.upbit, now)
            or self._leg_problem(_leg(bn, c.coin), bn, c.binance, now)
            or self._leg_problem(_leg(up, "KRW-USDT"), up, self.usdt, now)
        )
        shown = usdt_kimp if usdt_kimp is not None else fx_kimp
        implausible = shown is not None and abs(shown) > self.implausible_pct
        return CoinPremium(
            coin=c.coin,
            upbit_krw=c.upbit.price,
            binance_usdt=c.binance.price,
            usdt_krw=t,
            usd_krw=usd,
            usdt_kimp=usdt_kimp,
            fx_kimp=fx_kimp,
            tether=tether,
            ages=LegAges(
                _age(now, c.upbit.ts),
                _age(now, c.binance.ts),
                _age(now, self.usdt.ts),
                _age(now, self.fx_ts),
            ),
            suspended=why,
            implausible=implausible,
        )

    def volume_krw(self, coin: str) -> float | None:
        """Upbit's 24 h traded value in KRW for `coin`, None until a ticker carried it."""
        c = self._coins.get(coin.upper())
        return None if c is None else c.volume_krw

    def unpriced_reason(self, coin: str) -> Text:
        """Why `coin` has no premium yet: a venue down, or which leg never arrived."""
        c = self._coins.get(coin.upper())
        if c is None:
            return Text.of("kimp.why.not_listed", coin=coin)
        missing: list[Venue] = []
        for venue, leg in ((self.krw_venue, c.upbit), (Venue.BINANCE_SPOT, c.binance)):
            if leg.ts <= 0:
                down = self.down(venue)
                if down is not None:
                    return down
                missing.append(venue)
        # Per venue, not per market: one line for many coins when their reasons are grouped.
        if not missing:
            return Text.of("kimp.why.no_legs")
        if len(missing) == 1:
            return Text.of("kimp.why.no_leg", venues=missing[0])
        either = Text.of("kimp.why.either", a=missing[0], b=missing[1], sep=Text.of("kimp.why.or"))
        return Text.of("kimp.why.no_leg", venues=either)

    def snapshots(self) -> list[CoinPremium]:
        """Every coin with both legs, highest premium first."""
        out = []
        for coin in reversed(self._order):
            snap = self.snapshot(coin)
            if snap is not None:
                out.append(snap)
        return out

    def top(self, n: int) -> list[str]:
        """The n coins with the highest premium (highest first)."""
        return self._order[: -n - 1 : -1] if n > 0 else []

    def bottom(self, n: int) -> list[str]:
        """The n coins with the lowest premium (lowest first)."""
        return self._order[:n] if n > 0 else []

    def books(self, coin: str) -> Books | None:
        """Top of book on both venues and KRW-USDT, or None while any is missing."""
        c = self._coins.get(coin.upper())
        if c is None:
            return None
        legs = (c.upbit, c.binance, self.usdt)
        if any(leg.book_ts <= 0 for leg in legs):
            return None
        up, bn, t = legs
        return Books(
            [(up.bid, up.bid_qty)], [(up.ask, up.ask_qty)],
            [(bn.bid, bn.bid_qty)], [(bn.ask, bn.ask_qty)],
            [(t.bid, t.bid_qty)], [(t.ask, t.ask_qty)],
        )  # fmt: skip

    def executable(self, coin: str, size_krw: float, fees: Fees) -> Executable | None:
        books = self.books(coin)
        return None if books is None else executable_premium(books, size_krw, fees)

    def krw_quote(self, coin: str) -> KrwQuote | None:
        """`coin`'s latest figures on this book's KRW venue, None until a price arrived there
        (a coin that never traded on the venue is not listed there)."""
        c = self._coins.get(coin.upper())
        if c is None or c.upbit.ts <= 0:
            return None
        leg, now = c.upbit, self.clock.now()
        return KrwQuote(
            self.krw_venue, c.coin, leg.price, max(0.0, now - leg.ts),
            leg.bid, leg.bid_qty, leg.ask, leg.ask_qty, c.volume_krw,
        )  # fmt: skip

    def krw_problem(self, coin: str) -> Text | None:
        """Why `coin`'s KRW leg cannot be used right now (venue down, silent, quiet), or None."""
        c = self._coins.get(coin.upper())
        if c is None:
            return Text.of("kimp.why.not_listed", coin=coin)
        name = _leg(self.krw_venue, c.coin)
        return self._leg_problem(name, self.krw_venue, c.upbit, self.clock.now())
