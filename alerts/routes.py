"""The transfer-aware executable premium on demand: reads the books of the coins asked about
from the depth source, each direction's networks from the wallet gate (the coin's, and USDT's
the other way round), and computes each direction's net premium (`alerts/executable.py`) at the configured trade size.

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
    ) -> None:
        """`fees_by_venue`: where to ask the withdrawal fees a venue's status lacks (Upbit)."""
        self._depth = depth
        self._fees = fees
        self.size_krw = size_krw
        self._wallets = wallets  # read at each question: the gate is installed after us
        self._fee_caches = dict(fees_by_venue or {})

    async def views(self, coins: Sequence[str]) -> list[TransferView]:
        """One view per coin, in the order given; raises `DepthError` when the books cannot
        be read (the message says why)."""
        coins = [c.upper() for c in coins]
        if not coins:
            return []
        depth = await self._depth(coins)
        gate = self._wallets()
        out = []
        for coin in coins:
            books = books_of(coin, depth)
            legs = []
            for d in (Direction.FORWARD, Direction.REVERSE):
                nets = await self._networks(gate, coin, d.sender, d.receiver)
                # The USDT leg moves the other way: to buy on the coin's sender, or back home.
                cash = await self._networks(gate, CASH, d.receiver, d.sender)
                legs.append(net_leg(d, books, self.size_krw, self._fees, nets, cash))
            out.append(TransferView(coin, self.size_krw, legs[0], legs[1]))
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

    async def view(self, coin: str) -> TransferView | Text:
        """The coin's view, or why it cannot be had (a venue's book unreadable)."""
        try:
            return (await self.views([coin]))[0]
        except DepthError as exc:
            return Text.of("exec.why_depth", error=str(exc))

    async def ranking(self, coins: Sequence[str]) -> list[TransferView] | Text:
        """`coins` by their better direction's net premium, highest first (unknown last)."""
        try:
            views = await self.views(coins)
        except DepthError as exc:
            return Text.of("exec.why_depth", error=str(exc))
        return sorted(views, key=lambda v: (v.best is None, -(v.best or 0.0)))
