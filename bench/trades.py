"""The trade book (`trading.trades`): how fast the recorded fills replay into trades, which the
ledger does at every start and the report does for every report."""

from __future__ import annotations

import time
from decimal import Decimal

from core.market import Side
from core.orders import Fill
from core.symbols import Instrument, Symbol, Venue
from trading.pnl import PositionState, apply_fill
from trading.trades import TradeBook

COINS = ("BTC", "ETH", "XRP", "SOL")
OWNERS = ("trend", "rsi", None)


def _fills(n: int) -> list[tuple[Fill, str | None, Decimal]]:
    """`n` fills on four markets, each owner's entry then its exit, with the store's PnL."""
    insts = [Instrument(Venue.UPBIT, Symbol(c, "KRW")) for c in COINS]
    pos = {i: PositionState(Decimal(0), Decimal(0)) for i in insts}
    out = []
    for k in range(n):
        inst = insts[k % 4]
        side = Side.BUY if (k // 4) % 2 == 0 else Side.SELL
        owner = OWNERS[(k // 8) % 3]
        price, fee = Decimal(100_000_000 + k), Decimal(500)
        e = apply_fill(pos[inst], side, Decimal("0.01"), price, fee, "KRW", inst.symbol.base)
        pos[inst] = e.position
        fill = Fill(str(k), f"kb{k}", inst, side, Decimal("0.01"), price, fee, "KRW", float(k))
        out.append((fill, owner, e.realized))
    return out


def main(quick: bool = False) -> None:
    n = 10_000 if quick else 100_000
    fills = _fills(n)
    t0 = time.perf_counter()
    book = TradeBook()
    for fill, owner, realized in fills:
        book.add(fill, owner, realized, True)
    dt = time.perf_counter() - t0
    print(
        f"trade book: {n:,} fills replayed in {dt:.2f} s ({n / dt:,.0f} fills/s), "
        f"{len(book.closed):,} trades"
    )


if __name__ == "__main__":
    main()
