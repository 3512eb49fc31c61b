"""A bot's book follows the order ledger: the rules (`strategies.book`)."""

from __future__ import annotations

from decimal import Decimal

from bot.i18n import Messages
from core.orders import Position
from core.symbols import Instrument
from strategies.book import BookCorrection, reconcile_book
from strategies.engine import OpenPosition
from tests.strategies.conftest import BTC_KRW, ETH_KRW, T0

NOW = T0 + 3_600_000


def ledger(
    inst: Instrument = BTC_KRW, qty: str = "0.5", entry: str = "100", bot: str | None = "b"
) -> Position:
    return Position(inst, Decimal(qty), Decimal(entry), bot=bot)


def test_a_position_the_bot_did_not_book_is_adopted_from_the_ledger() -> None:
    book, fixes = reconcile_book("b", [BTC_KRW], {}, [ledger()], NOW)
    assert book == {BTC_KRW: OpenPosition(1, 0.5, 100.0, NOW, 0.0)}
    assert fixes == [BookCorrection("b", BTC_KRW, None, book[BTC_KRW])]
    # Its stop-loss / take-profit are measured from the ledger's entry price.
    assert book[BTC_KRW].reference == 100.0


def test_a_booked_position_the_ledger_agrees_with_keeps_the_bots_details() -> None:
    mine = OpenPosition(1, 0.5, 100.0000001, T0, 0.05, ref_price=99.0)
    book, fixes = reconcile_book("b", [BTC_KRW], {BTC_KRW: mine}, [ledger()], NOW)
    assert book[BTC_KRW] is mine and fixes == []


def test_a_different_size_takes_the_ledgers_size_and_price_but_keeps_the_decision() -> None:
    mine = OpenPosition(1, 0.25, 90.0, T0, 0.05, ref_price=89.0)
    book, fixes = reconcile_book("b", [BTC_KRW], {BTC_KRW: mine}, [ledger()], NOW)
    assert book[BTC_KRW] == OpenPosition(1, 0.5, 100.0, T0, 0.05, ref_price=89.0)
    assert [(f.before, f.after) for f in fixes] == [(mine, book[BTC_KRW])]


def test_a_flipped_side_is_a_new_position() -> None:
    mine = OpenPosition(-1, 0.5, 100.0, T0, 0.05, ref_price=99.0)
    book, _ = reconcile_book("b", [BTC_KRW], {BTC_KRW: mine}, [ledger()], NOW)
    assert book[BTC_KRW] == OpenPosition(1, 0.5, 100.0, NOW, 0.0)


def test_what_the_ledger_does_not_hold_for_the_bot_is_dropped() -> None:
    mine = OpenPosition(1, 0.5, 100.0, T0, 0.05)
    others = [
        ledger(bot=None),  # a manual position on the same symbol
        ledger(bot="other"),  # another bot's
        ledger(ETH_KRW),  # a symbol this bot no longer trades
        ledger(qty="0"),  # closed
    ]
    book, fixes = reconcile_book("b", [BTC_KRW], {BTC_KRW: mine}, others, NOW)
    assert book == {} and fixes == [BookCorrection("b", BTC_KRW, mine, None)]


def test_corrections_read_in_both_languages() -> None:
    mine = OpenPosition(1, 0.25, 90.0, T0, 0.05)
    adopted = BookCorrection("b", BTC_KRW, None, OpenPosition(1, 0.5, 100_000_000.0, NOW, 0.0))
    dropped = BookCorrection("b", BTC_KRW, mine, None)
    en, ko = Messages("en"), Messages("ko")
    assert en.render(adopted.text()) == (
        "⚠️ Bot b: its own record said flat on Upbit BTC/KRW, but the order ledger holds "
        "long 0.5 @ 100,000,000. The bot now manages that position (with its own stop-loss / "
        "take-profit)."
    )
    assert en.render(dropped.text()).startswith(
        "⚠️ Bot b: its own record said long 0.25 on Upbit BTC/KRW, but the order ledger holds "
        "no such position."
    )
    assert "롱 0.5 @ 100,000,000" in ko.render(adopted.text())
    assert "업비트 BTC/KRW 롱 0.25" in ko.render(dropped.text())
