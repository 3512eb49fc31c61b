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
            return a if venue == "upbit" and sep == "-" else b  # Upbit codes are KRW-BTC
    return "KRW" if venue == "upbit" else "USDT"


@dataclass(frozen=True, slots=True)
class BotDay:
    """One bot's fills in a window: trade count, realized PnL and fees per currency."""

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
        """Fills in [since, until) per bot ('manual' for orders no bot placed), by bot name."""
        rows = await self._db.fetchall(
            "SELECT COALESCE(bot, 'manual'), venue, symbol, realized_pnl, fee, fee_asset "
            "FROM fills WHERE ts >= ? AND ts < ? AND paper = ? ORDER BY ts",
            (since, until, int(paper)),
        )
        trades: dict[str, int] = defaultdict(int)
        pnl: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        fees: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for bot, venue, symbol, realized, fee, fee_asset in rows:
            trades[bot] += 1
            pnl[bot][quote_of(symbol, venue)] += dec(realized)
            fees[bot][str(fee_asset)] += dec(fee)
        return [
            BotDay(
                bot,
                trades[bot],
                MappingProxyType(dict(pnl[bot])),
                MappingProxyType(dict(fees[bot])),
            )
            for bot in sorted(trades)
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
