"""The trading-open watch on its own: only PREVIEW -> ACTIVE is an opening, the premium is the
opened market's own venue's, and without one the opening is told after `wait`."""

from __future__ import annotations

from alerts.market_states import TradingOpenWatch
from core.clock import ManualClock
from core.market import Ticker, TradingState
from core.market_notices import NoticeBoard
from core.notifications import Notification
from core.symbols import Instrument, Symbol, Venue

UP = Instrument(Venue.UPBIT, Symbol("XRP", "KRW"))
BT = Instrument(Venue.BITHUMB, Symbol("XRP", "KRW"))


def tick(inst: Instrument, state: TradingState | None) -> Ticker:
    return Ticker(inst, 1000.0, 1, 1.0, state=state)


async def test_openings_per_venue_with_their_own_premium_or_after_the_wait() -> None:
    clock = ManualClock()
    sent: list[Notification] = []

    async def send(n: Notification) -> None:
        sent.append(n)

    premiums = {UP: 3.5}  # Bithumb's book has no premium for XRP yet
    asked: list[Instrument] = []

    def premium(inst: Instrument) -> float | None:
        asked.append(inst)
        return premiums.get(inst)

    board = NoticeBoard()
    watch = TradingOpenWatch(board, premium, send, clock, wait=60.0)
    for state in (TradingState.ACTIVE, TradingState.DELISTED, TradingState.ACTIVE, None):
        watch.seen(tick(UP, state))  # a market first seen ACTIVE, or coming back, is no opening
    assert await watch.due() == [] and asked == []

    watch.seen(tick(BT, TradingState.PREVIEW))
    watch.seen(tick(UP, TradingState.PREVIEW))
    assert board.state(Venue.UPBIT, "XRP") is TradingState.PREVIEW
    watch.seen(tick(BT, TradingState.ACTIVE))
    watch.seen(tick(UP, TradingState.ACTIVE))
    (text,) = await watch.due()  # Upbit's premium is known; Bithumb's waits
    assert text.key == "notice.alert.trading_open" and text.params["pct"] == "+3.50"
    assert text.params["venue"] is Venue.UPBIT and set(asked) == {UP, BT}
    clock.advance(61.0)
    (late,) = await watch.due()
    assert (
        late.key == "notice.alert.trading_open_no_price" and late.params["venue"] is Venue.BITHUMB
    )
    assert await watch.due() == [] and len(sent) == 2
