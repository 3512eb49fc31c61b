"""A bot's book against the order ledger: the ledger is the one source of truth.

A bot books a fill when its order call returns and keeps its book in `kv`, but the order layer
records the fill (and moves its per-bot position) before that call returns. A crash in between
leaves the bot flat while the account holds its position; a position closed behind the bot's
back (a venue stop-loss, a liquidation, a manual close) leaves it the other way round. So when
a bot starts (and at every start-up) its book is brought in line with the positions the order
layer attributes to it (`core.positions.PositionBook`): what the ledger holds is adopted
(quantity, entry price, side; the bot's own stop-loss / take-profit settings stay as they are),
what it does not hold is dropped, and each correction is reported as a `Text`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

from core import numbers
from core.orders import Position
from core.symbols import Instrument
from core.text import Text
from strategies.engine import OpenPosition

# A float book and a Decimal ledger agree when they differ by less than this (relative).
QTY_TOLERANCE = 1e-9
PRICE_TOLERANCE = 1e-4


@dataclass(frozen=True, slots=True)
class BookCorrection:
    """One instrument on which the bot's book disagreed with the ledger."""

    bot: str
    instrument: Instrument
    before: OpenPosition | None  # what the bot's own record said
    after: OpenPosition | None  # what it holds now (the ledger's)

    def text(self) -> Text:
        inst = self.instrument
        if self.after is None:
            assert self.before is not None
            return Text.of(
                "bot.book.dropped", bot=self.bot, symbol=inst.symbol, venue=inst.venue,
                held=_held(self.before),
            )  # fmt: skip
        return Text.of(
            "bot.book.adopted", bot=self.bot, symbol=inst.symbol, venue=inst.venue,
            was=Text.of("bot.book.flat") if self.before is None else _held(self.before),
            held=_held(self.after), price=numbers.price(self.after.entry_price),
        )  # fmt: skip


def _held(pos: OpenPosition) -> Text:
    side = Text.of("forced.long" if pos.side > 0 else "forced.short")
    return Text.of("bot.book.held", side=side, qty=numbers.quantity(pos.qty))


def _close(a: float, b: float, tolerance: float) -> bool:
    return abs(a - b) <= tolerance * max(abs(a), abs(b))


def reconcile_book(
    bot: str,
    instruments: Collection[Instrument],
    saved: Mapping[Instrument, OpenPosition],
    ledger: list[Position],
    now_ms: int,
) -> tuple[dict[Instrument, OpenPosition], list[BookCorrection]]:
    """The bot's book as the ledger has it, and what changed from `saved`.

    `ledger`: the order layer's open positions (only those attributed to `bot` count). A
    position the bot already books with the same side and size keeps its own details (entry
    candle, fee, the price the entry was decided on); one it did not know opens now at the
    ledger's entry price, from which its stop-loss / take-profit are then measured.
    """
    book: dict[Instrument, OpenPosition] = {}
    corrections: list[BookCorrection] = []
    for p in ledger:
        inst = p.instrument
        if p.bot != bot or p.qty == 0 or inst not in instruments:
            continue
        side, qty, entry = (1 if p.qty > 0 else -1), float(abs(p.qty)), float(p.entry_price)
        mine = saved.get(inst)
        if mine is not None and mine.side == side:
            if _close(mine.qty, qty, QTY_TOLERANCE) and _close(
                mine.entry_price, entry, PRICE_TOLERANCE
            ):
                book[inst] = mine
                continue
            adopted = replace(mine, qty=qty, entry_price=entry)
        else:
            adopted = OpenPosition(side, qty, entry, now_ms, 0.0)
        book[inst] = adopted
        corrections.append(BookCorrection(bot, inst, mine, adopted))
    for inst, mine in saved.items():
        if inst in instruments and inst not in book:
            corrections.append(BookCorrection(bot, inst, mine, None))
    return book, corrections


__all__ = ["BookCorrection", "reconcile_book"]
