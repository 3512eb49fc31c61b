"""The transfer-aware executable premium on demand: reads the books of the coins asked about
from the depth source, each direction's networks from the wallet gate (the coin's, and USDT's
the other way round), and computes each direction's net premium (`alerts/executable.py`) at the configured trade size.

The KRW venue is a parameter (Upbit unless Bithumb is named, `/kimp bithumb <coin>`, `/kimp net
bithumb`): its books, its taker fee and its wallet status take Upbit's place.

Books are read when a view asks (`/kimp <coin>`, `/kimp net`), for those coins only: a few
requests per question, never a standing subscription to every market's depth.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from alerts.executable import Direction, Networks, TransferView, books_of, net_leg
from alerts.premium import Fees
from alerts.wallet import WalletGate
from alerts.withdraw_fees import FeeCache
from core.depth import DepthError, DepthSource
from core.symbols import Venue
from core.text import Text

CASH = "USDT"  # the cash leg's coin
NET_TOP = 10  # coins ranked by `/kimp net`: the highest and lowest premiums, this many each


class RouteBook:
    """`view(coin)` / `ranking(coins)`: the executable premium, route and fee per direction."""

    def __init__(
        self,
        depth: DepthSource,
        fees: Fees,
        size_krw: float,
        wallets: Callable[[], WalletGate | None],
        fees_by_venue: Mapping[Venue, FeeCache] | None = None,
        krw_fees: Mapping[Venue, Fees] | None = None,
    ) -> None:
        """`fees`: Upbit's and Binance's takers; `krw_fees`: the same for each other KRW venue
        routes are asked on (Bithumb; a venue missing there is not watched). `fees_by_venue`:
        where to ask the withdrawal fees a venue's status lacks (Upbit)."""
        self._depth = depth
        self._fees = {Venue.UPBIT: fees, **(krw_fees or {})}
        self.size_krw = size_krw
        self._wallets = wallets  # read at each question: the gate is installed after us
        self._fee_caches = dict(fees_by_venue or {})

    def serves(self, krw: Venue) -> bool:
        """Whether routes on the KRW venue `krw` can be asked (its fee rates are known)."""
        return krw in self._fees

    async def views(self, coins: Sequence[str], krw: Venue = Venue.UPBIT) -> list[TransferView]:
        """One view per coin, in the order given, between Binance and the KRW venue `krw`;
        raises `DepthError` when the books cannot be read (the message says why)."""
        coins = [c.upper() for c in coins]
        if not coins:
            return []
        fees = self._fees.get(krw)
        if fees is None:
            raise DepthError(f"{krw.label} is not watched")
        depth = await self._depth(coins, krw)
        gate = self._wallets()
        out = []
        for coin in coins:
            books = books_of(coin, depth, krw)
            legs = []
            for d in (Direction.FORWARD, Direction.REVERSE):
                sender, receiver = d.sender_for(krw), d.receiver_for(krw)
                nets = await self._networks(gate, coin, sender, receiver)
                # The USDT leg moves the other way: to buy on the coin's sender, or back home.
                cash = await self._networks(gate, CASH, receiver, sender)
                legs.append(net_leg(d, books, self.size_krw, fees, nets, cash, krw))
            out.append(TransferView(coin, self.size_krw, legs[0], legs[1], krw))
        return out

    async def _networks(
        self, gate: WalletGate | None, coin: str, sender: Venue, receiver: Venue
    ) -> Networks | None:
        """(sender's, receiver's) networks of `coin`, the sender's fees filled where its wallet
        status lacks them (Upbit); None when unknown."""
        nets = gate.networks(coin, sender, receiver) if gate is not None else None
        cache = self._fee_caches.get(sender)
        if nets is not None and cache is not None:
            nets = (await cache.fill(coin, *nets), nets[1])
        return nets

    async def view(self, coin: str, krw: Venue = Venue.UPBIT) -> TransferView | Text:
        """The coin's view, or why it cannot be had (a venue's book unreadable)."""
        try:
            return (await self.views([coin], krw))[0]
        except DepthError as exc:
            return Text.of("exec.why_depth", error=str(exc))

    async def ranking(
        self, coins: Sequence[str], krw: Venue = Venue.UPBIT
    ) -> list[TransferView] | Text:
        """`coins` by their better direction's net premium, highest first (unknown last)."""
        try:
            views = await self.views(coins, krw)
        except DepthError as exc:
            return Text.of("exec.why_depth", error=str(exc))
        return sorted(views, key=lambda v: (v.best is None, -(v.best or 0.0)))
