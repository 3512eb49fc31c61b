"""What the daily report needs from the trading tables (`fills`, `balances`), as typed rows.

The report lives in the app; the SQL lives here, next to the tables trading owns, so a schema
change is made in one feature and the report keeps asking the same questions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from core.storage import Database
from trading.fill_store import FillRecords
from trading.trades import OURS, TradeBook

_KRW = ("upbit", "bithumb")  # stored venue names of the KRW venues

MANUAL = "manual"  # the owner name the report gives the user's own orders


async def replay_book(db: Database, paper: bool, until: float | None = None) -> TradeBook:
    """The trade book as the ledger builds it, from the recorded fills (before `until`)."""
    book = TradeBook()
    for row in await FillRecords(db).fills_in_order(paper):
        f = row.fill
        if until is None or f.ts < until:
            book.add(f, row.bot, row.realized_pnl, f.client_id.startswith(OURS))
    return book


def dec(value: Any) -> Decimal:
    """A stored amount as Decimal; NULL or garbage counts as zero (a report never fails on it)."""
    try:
        return Decimal(str(value)) if value is not None else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def quote_of(symbol: str, venue: str) -> str:
    for sep in ("/", "-"):
        if sep in symbol:
            a, b = symbol.upper().split(sep, 1)
            return a if venue in _KRW and sep == "-" else b  # KRW venues' codes are KRW-BTC
    return "KRW" if venue in _KRW else "USDT"


@dataclass(frozen=True, slots=True)
class BotDay:
    """One owner's window: trades closed, realised PnL (fees included) and fees (in the quote
    currency) per currency."""

    bot: str
    trades: int
    pnl: Mapping[str, Decimal]  # quote currency -> realized PnL, in first-seen order
    fees: Mapping[str, Decimal]  # fee asset -> fees paid


@dataclass(frozen=True, slots=True)
class Balance:
    venue: str
    asset: str
    amount: Decimal  # free + locked


class TradingReportQueries:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def bot_days(self, since: float, until: float, paper: bool) -> list[BotDay]:
        """Realised PnL in [since, until) per owner ('manual' for the user's own orders), by
        name, from the one trade book (`trading.trades`): a liquidation of a bot's position is
        the bot's loss, not the user's. `trades`: the owner's trades closed in the window."""
        book = await replay_book(self._db, paper, until)
        closed: dict[str, int] = defaultdict(int)
        pnl: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        fees: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for b in book.bookings:
            if since <= b.ts < until:
                owner = b.owner or MANUAL
                pnl[owner][b.instrument.symbol.quote] += b.realized
                fees[owner][b.instrument.symbol.quote] += b.fee
        for t in book.closed:
            if t.closed is not None and since <= t.closed < until:
                closed[t.owner or MANUAL] += 1
        return [
            BotDay(
                bot,
                closed[bot],
                MappingProxyType(dict(pnl[bot])),
                MappingProxyType(dict(fees[bot])),
            )
            for bot in sorted(pnl)
        ]

    async def balances(self, paper: bool) -> list[Balance]:
        """Non-zero balances per venue and asset, ordered by venue then asset."""
        rows = await self._db.fetchall(
            "SELECT venue, asset, free, locked FROM balances WHERE paper = ? ORDER BY venue, asset",
            (int(paper),),
        )
        out = []
        for venue, asset, free, locked in rows:
            amount = dec(free) + dec(locked)
            if amount != 0:
                out.append(Balance(str(venue), str(asset), amount))
        return out
