"""Transfer-aware executable premium: per coin and direction, the network the coin would move
over, what moving it costs, and the premium left after both taker fees, that withdrawal fee and
the slippage of walking the order books at the configured trade size.

Forward (capture a positive premium): buy on Binance, withdraw to the KRW venue (Upbit unless
another, Bithumb, is named), sell there; the network must be open for withdrawal on Binance and
for deposit on the KRW venue. Reverse: buy on the KRW venue, withdraw to Binance, sell there.
Networks are matched by the venues' ids (Binance `network`, Upbit `net_type`, Bithumb's the
same: "ETH", "ARBITRUM", "TRX", ...); the cheapest open one is chosen by its fee in coins. The
cash leg (USDT) is priced at the KRW venue's own KRW-USDT book like the plain executable premium,
and it moves too, the other way round from the coin: forward, the USDT bought on the KRW venue is
withdrawn to Binance to buy the coin; reverse, the USDT the coin fetched on Binance is withdrawn
to the KRW venue to be sold for KRW. Its network is chosen the same way and its fee (in USDT)
counted.

Pure functions: the wallet gate hands the networks, the depth source the books.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from alerts.monitor import venue_name
from alerts.premium import BELOW_MINIMUM, CASH_BELOW_MINIMUM, Books, Fees, Transfer, one_way
from core.depth import BookDepth
from core.symbols import Venue
from core.text import Text
from core.wallets import NetworkStatus


class Direction(StrEnum):
    FORWARD = "forward"  # Binance -> the KRW venue
    REVERSE = "reverse"  # the KRW venue -> Binance

    @property
    def sender(self) -> Venue:
        return self.sender_for(Venue.UPBIT)

    @property
    def receiver(self) -> Venue:
        return self.receiver_for(Venue.UPBIT)

    def sender_for(self, krw: Venue) -> Venue:
        """Who withdraws the coin when `krw` is the KRW venue."""
        return Venue.BINANCE_SPOT if self is Direction.FORWARD else krw

    def receiver_for(self, krw: Venue) -> Venue:
        return krw if self is Direction.FORWARD else Venue.BINANCE_SPOT


@dataclass(frozen=True, slots=True)
class Route:
    """The network a coin moves over and its withdrawal fee / minimum on the sending venue
    (None: the venue did not say)."""

    network: str
    fee: Decimal | None
    minimum: Decimal | None


@dataclass(frozen=True, slots=True)
class NetLeg:
    """One direction: its route (None: no open network, or networks unknown), the net percent
    (None with `why`), `note` when a cost could not be counted (unknown fee), and the USDT
    leg's route (`cash_route`, None when unknown or none is open)."""

    direction: Direction
    route: Route | None
    pct: float | None
    why: Text | None = None
    note: Text | None = None
    cash_route: Route | None = None


@dataclass(frozen=True, slots=True)
class TransferView:
    coin: str
    size_krw: float
    forward: NetLeg
    reverse: NetLeg
    krw: Venue = Venue.UPBIT  # the KRW venue both directions trade on

    @property
    def best(self) -> float | None:
        """The better net percent of the two directions (what `/kimp net` ranks by)."""
        values = [leg.pct for leg in (self.forward, self.reverse) if leg.pct is not None]
        return max(values) if values else None


def _fee_key(net: NetworkStatus) -> tuple[int, Decimal, str]:
    # Known fees first, cheapest first; unknown fees after, by name (stable, not a guess).
    return (0, net.fee, net.network) if net.fee is not None else (1, Decimal(0), net.network)


def cheapest_route(
    sending: Sequence[NetworkStatus], receiving: Sequence[NetworkStatus]
) -> Route | None:
    """The cheapest network open for withdrawal on the sender and deposit on the receiver."""
    deposits = {n.network for n in receiving if n.deposit}
    open_ = [n for n in sending if n.withdraw and n.network in deposits]
    if not open_:
        return None
    best = min(open_, key=_fee_key)
    return Route(best.network, best.fee, best.minimum)


def books_of(coin: str, depth: Sequence[BookDepth], krw: Venue = Venue.UPBIT) -> Books | None:
    """The coin's KRW book on `krw` and Binance USDT book and `krw`'s own KRW-USDT, or None if
    one lacks."""
    coin = coin.upper()
    found: dict[tuple[Venue, str], BookDepth] = {}
    for book in depth:
        found[(book.instrument.venue, book.instrument.symbol.base)] = book
    up = found.get((krw, coin))
    bn = found.get((Venue.BINANCE_SPOT, coin))
    usdt = found.get((krw, "USDT"))
    if up is None or bn is None or usdt is None:
        return None
    return Books(up.bids, up.asks, bn.bids, bn.asks, usdt.bids, usdt.asks)


Networks = tuple[Sequence[NetworkStatus], Sequence[NetworkStatus]]


def net_leg(
    direction: Direction,
    books: Books | None,
    size_krw: float,
    fees: Fees,
    networks: Networks | None,
    cash: Networks | None = None,
    krw: Venue = Venue.UPBIT,
) -> NetLeg:
    """One direction at `size_krw` between Binance and the KRW venue `krw` (`fees` holds that
    venue's taker). `networks` = (sender's, receiver's) for the coin, `cash` the same for USDT
    (sent by the coin's receiver to its sender); None when a venue's wallet status is unknown
    (the figure is then without that transfer, and says so)."""
    route: Route | None = None
    notes: list[Text] = []
    transfer: Transfer | None = None
    if networks is None:
        notes.append(Text.of("exec.note_no_networks"))
    else:
        route = cheapest_route(*networks)
        if route is None:
            return NetLeg(direction, None, None, Text.of("exec.why_no_route"))
        if route.fee is None:
            notes.append(
                Text.of("exec.note_fee_unknown", venue=venue_name(direction.sender_for(krw)))
            )
        transfer = Transfer(float(route.fee or 0), float(route.minimum or 0))
    cash_route: Route | None = None
    cash_transfer: Transfer | None = None
    if cash is None:
        if networks is not None:  # otherwise already said: no transfer counted at all
            notes.append(Text.of("exec.note_no_cash_networks"))
    else:
        cash_route = cheapest_route(*cash)
        if cash_route is None:
            no_cash = Text.of("exec.why_no_cash_route")
            return NetLeg(direction, route, None, no_cash, _joined(notes))
        if cash_route.fee is None:
            notes.append(
                Text.of("exec.note_cash_fee_unknown", venue=venue_name(direction.receiver_for(krw)))
            )
        cash_transfer = Transfer(float(cash_route.fee or 0), float(cash_route.minimum or 0))
    note = _joined(notes)
    if books is None:
        return NetLeg(direction, route, None, Text.of("exec.why_no_books"), note, cash_route)
    forward = direction is Direction.FORWARD
    pct, why = one_way(books, size_krw, fees, forward, transfer, cash_transfer)
    if pct is not None:
        return NetLeg(direction, route, pct, None, note, cash_route)
    if why == BELOW_MINIMUM:
        text = Text.of("exec.why_below_minimum")
    elif why == CASH_BELOW_MINIMUM:
        text = Text.of("exec.why_cash_below_minimum")
    else:
        text = Text.of("exec.why_thin", leg=Text.of(f"kimp.exe.{why}") if why else "")
    return NetLeg(direction, route, None, text, note, cash_route)


def _joined(notes: list[Text]) -> Text | None:
    if not notes:
        return None
    if len(notes) == 1:
        return notes[0]
    return Text.of("exec.notes", first=notes[0], second=notes[1])
