"""/bots shows a bot's open position with its unrealised PnL at a fresh mark, and `?` when the
price is old (issue 14): the rows are the trade book's (`position_rows`, what /positions reads),
given here by a fake of the `TradingView` seam."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from bot.commands.bots import ledger_view
from bot.providers import TradingView
from core.symbols import Instrument, Symbol, Venue
from trading.accounting import PositionRow

BTC = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))


class Book:
    """The two trade-book reads /bots makes."""

    def __init__(self, rows: list[PositionRow]) -> None:
        self.rows = rows

    def owner_pnl(self) -> dict[str | None, dict[str, Decimal]]:
        return {"dip": {"KRW": Decimal(-50)}}

    async def position_rows(self) -> list[PositionRow]:
        return self.rows


def _row(mark: Decimal | None, owner: str | None = "dip") -> PositionRow:
    return PositionRow(BTC, owner, Decimal("0.001"), Decimal(100_000_000), mark, 1,
                       Decimal(-50), 7)  # fmt: skip


async def test_an_open_position_carries_its_unrealised_pnl_at_the_mark() -> None:
    book = cast(TradingView, Book([_row(Decimal(101_000_000)), _row(None, owner=None)]))
    view = await ledger_view(book, ["dip"], "ko")
    assert view == {"dip": (["BTC/KRW 롱 0.001 (미실현 +1,000원 (+1.00%))"], "-50원")}
    view = await ledger_view(book, ["dip"], "en")
    assert view is not None and view["dip"][0] == [
        "BTC/KRW long 0.001 (unrealised +1,000 KRW (+1.00%))"
    ]


async def test_an_old_price_gives_no_figure_but_a_question_mark() -> None:
    view = await ledger_view(cast(TradingView, Book([_row(None)])), ["dip"], "ko")
    assert view == {"dip": (["BTC/KRW 롱 0.001 (미실현 ?)"], "-50원")}
