"""Issue 14: one PnL truth. The trade book (`trading.trades`) says whose each fill's realised PnL
is and which trade it belongs to; every view reads it. Regressions: a bot's exit notice, its
reply and the report disagreed on the same trade; /positions carried realised PnL over from
closed positions; a liquidation of a bot's position was booked as the user's."""

from __future__ import annotations

import time
from decimal import Decimal as D
from pathlib import Path

from core.account import AccountChanged, ForcedFill, ForcedKind, PositionChange, WalletChange
from core.market import MarkPrice, Quote, Side
from core.orders import Fill, OrderRequest, OrderType
from core.symbols import Instrument, Symbol, Venue
from tests.helpers import eventually
from tests.trading.harness import Env, trading_env
from trading.accounting import ExitReason, by_coin, summarize
from trading.pnl import PositionState, apply_fill
from trading.provider import MARK_MAX_AGE
from trading.report_queries import TradingReportQueries
from trading.trades import TradeBook

BTC = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))
FUT = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))


class Feed:
    """Fills into a trade book with the store's realised PnL (`apply_fill`, average cost)."""

    def __init__(self) -> None:
        self.book = TradeBook()
        self.pos = PositionState(D(0), D(0))
        self.n = 0

    def fill(self, side: Side, qty: str, price: str, fee: str, owner: str | None,
             ours: bool = True) -> None:  # fmt: skip
        self.n += 1
        e = apply_fill(self.pos, side, D(qty), D(price), D(fee), "KRW", "BTC")
        if not ours and (self.pos.qty == 0 or e.position.qty * self.pos.qty < 0):
            e = type(e)(PositionState(D(0), D(0)), e.realized, e.fee_quote)
        self.pos = e.position
        cid = f"kb{self.n}" if ours else f"autoclose-{self.n}"
        f = Fill(str(self.n), cid, BTC, side, D(qty), D(price), D(fee), "KRW", float(self.n))
        self.book.add(f, owner, e.realized, ours)


def test_a_trade_is_open_to_flat_with_entry_fees_and_partial_exits() -> None:
    feed = Feed()
    feed.fill(Side.BUY, "2", "100", "1", "bot")  # entry, fee 1
    feed.fill(Side.SELL, "1", "110", "1", "bot")  # partial exit: +10 - 1
    (open_,) = feed.book.open_trades()
    assert open_.realized == D(8) and open_.held == D(1) and open_.fees == D(2)
    feed.fill(Side.SELL, "1", "90", "1", "bot")  # the rest: -10 - 1
    (t,) = feed.book.closed
    assert (t.id, t.owner, t.side, t.qty) == (1, "bot", 1, D(2))
    assert t.realized == D(-3) and t.fees == D(3)  # -1 + 9 - 11: every fee of the trade
    assert t.entry_price == D(100) and t.exit_price == D(100)
    assert t.opened == 1.0 and t.closed == 3.0 and t.exit_client_id == "kb3"
    # the trade's PnL is the sum of its bookings: what the report sums per window
    assert sum(b.realized for b in feed.book.bookings) == t.realized
    feed.fill(Side.BUY, "1", "100", "1", "bot")  # a new trade, with its own id
    assert feed.book.open_trade(BTC, "bot") is not None
    assert feed.book.open_trade(BTC, "bot").id == 2  # type: ignore[union-attr]
    assert feed.book.open_trade(BTC, "bot").realized == D(-1)  # type: ignore[union-attr]


def test_a_forced_fill_is_split_over_the_owners_and_closes_their_trades() -> None:
    feed = Feed()
    feed.fill(Side.BUY, "3", "100", "0", "bot")
    feed.fill(Side.BUY, "1", "100", "0", None)  # the user's coins beside the bot's
    feed.fill(Side.SELL, "4", "80", "4", None, ours=False)  # liquidated: -80 - 4
    bot, user = sorted(feed.book.closed, key=lambda t: t.owner or "~")
    assert (bot.owner, user.owner) == ("bot", None)
    assert bot.realized == D(-63) and user.realized == D(-21)  # 3/4 and 1/4 of -84
    assert bot.exit_client_id == "autoclose-3" and not feed.book.open_trades()


def test_summary_figures() -> None:
    from trading.accounting import TradeRow

    feed = Feed()
    for side_in, side_out, p_in, p_out in (
        (Side.BUY, Side.SELL, "100", "120"),  # +20
        (Side.BUY, Side.SELL, "100", "90"),  # -10
        (Side.BUY, Side.SELL, "100", "130"),  # +30
    ):
        feed.fill(side_in, "1", p_in, "0", "bot")
        feed.fill(side_out, "1", p_out, "0", "bot")
    rows = [TradeRow(t, D(1), ExitReason.SIGNAL) for t in feed.book.closed]
    s = summarize(rows)
    assert (s.closed, s.wins, s.losses) == (3, 2, 1)
    assert s.closed_krw == D(40) and s.roi_pct == D(40) / D(300) * 100
    assert s.profit_factor == D(5) and s.max_drawdown_krw == D(10)
    assert s.avg_hold_s == 1.0 and s.best == ("BTC", D(40))
    assert [g.key for g in by_coin(rows)] == ["BTC"]


async def _fill(env: Env, side: Side, qty: str, bot: str | None, inst: Instrument = BTC,
                leverage: int | None = None) -> None:  # fmt: skip
    req = OrderRequest(inst, side, OrderType.MARKET, qty=D(qty), bot=bot, leverage=leverage)
    res = await env.svc.submit(req)
    assert res.accepted, res.reason


async def test_the_exit_notice_and_the_report_give_the_trade_pnl(tmp_path: Path) -> None:
    """Regression: the exit notice gave the exit fill's PnL (without the entry fee), the report
    the day's sum: two figures for one trade."""
    async with trading_env(tmp_path / "t.db") as env:
        env.quote(Venue.UPBIT, "BTC/KRW", 99_990_000, 100_000_000)
        await eventually(lambda: env.svc.prices.price(BTC) is not None)
        await _fill(env, Side.BUY, "0.01", "trend")
        first = env.svc.prices.price(BTC)
        env.quote(Venue.UPBIT, "BTC/KRW", 100_990_000, 101_000_000)
        await eventually(lambda: env.svc.prices.price(BTC) != first)
        await _fill(env, Side.SELL, str(env.svc.positions[BTC].qty), "trend")
        (t,) = env.svc.trades.closed
        notice = str(env.notes[-1].text)
        assert f"PnL {t.realized.quantize(D(1)):+,} KRW (" in notice, (notice, t)
        now = time.time()
        (day,) = await TradingReportQueries(env.db).bot_days(now - 60, now + 60, True)
        assert day.bot == "trend" and day.trades == 1 and day.pnl["KRW"] == t.realized


async def test_positions_show_the_open_trades_realised_pnl_only(tmp_path: Path) -> None:
    """Regression: /positions showed the position row's realised PnL since the market was first
    traded, closed trades included."""
    async with trading_env(tmp_path / "t.db") as env:
        env.quote(Venue.UPBIT, "BTC/KRW", 99_990_000, 100_000_000)
        await eventually(lambda: env.svc.prices.price(BTC) is not None)
        await _fill(env, Side.BUY, "0.01", None)
        await _fill(env, Side.SELL, str(env.svc.positions[BTC].qty), None)  # closed, a loss
        await _fill(env, Side.BUY, "0.002", None)
        (row,) = await env.provider().position_rows()
        opened = env.svc.trades.open_trade(BTC, None)
        assert opened is not None and row.trade_id == opened.id == 2
        assert row.realized == opened.realized < 0  # its entry fee, nothing else
        assert row.realized > env.svc.trades.closed[0].realized  # not the closed trade's loss


async def test_a_liquidation_of_a_bots_position_is_the_bots_and_survives_a_restart(
    tmp_path: Path,
) -> None:
    """Regression: a forced fill was booked to nobody ('manual' in the report)."""
    db = tmp_path / "t.db"
    async with trading_env(db) as env:
        env.quote(Venue.UPBIT, "USDT/KRW", 1399, 1400)
        env.quote(Venue.BINANCE_FUTURES, "BTC/USDT", 99_990, 100_000)
        await eventually(lambda: env.svc.prices.price(FUT) is not None)
        await _fill(env, Side.BUY, "0.01", "fut", FUT, leverage=5)
        liq = Fill("L1", "autoclose-L1", FUT, Side.SELL, D("0.01"), D(80_000), D("0.4"), "USDT",
                   time.time())  # fmt: skip
        realized = await env.svc.book_forced(
            ForcedFill(ForcedKind.LIQUIDATION, liq, "L1", D(-200), liq.ts, liq.ts)
        )
        assert realized is not None
        (t,) = env.svc.trades.closed
        assert t.owner == "fut" and t.exit_client_id == "autoclose-L1"
        rows = await env.provider().trade_rows()
        assert [r.reason for r in rows] == [ExitReason.LIQUIDATION]
        before = env.provider().owner_pnl()
        assert before["fut"]["USDT"] == t.realized
        now = time.time()
        (day,) = await TradingReportQueries(env.db).bot_days(now - 60, now + 60, True)
        assert day.bot == "fut" and day.pnl["USDT"] == t.realized
    async with trading_env(db) as env:  # restarted: the same trades, ids and owners
        assert env.svc.trades.closed == [t]
        assert env.provider().owner_pnl() == before


async def test_funding_is_realised_pnl_of_the_trade_holding_the_position(tmp_path: Path) -> None:
    """Issue 14: a trade's PnL includes the futures funding paid or received while it is open
    (booked once, the position untouched, the daily loss limit counts it)."""
    db = tmp_path / "t.db"
    async with trading_env(db) as env:
        env.quote(Venue.UPBIT, "USDT/KRW", 1399, 1400)
        env.quote(Venue.BINANCE_FUTURES, "BTC/USDT", 99_990, 100_000)
        await eventually(lambda: env.svc.prices.price(FUT) is not None)
        await _fill(env, Side.BUY, "0.01", "fut", FUT, leverage=5)
        opened = env.svc.trades.open_trade(FUT, "fut")
        assert opened is not None
        pos = env.svc.positions[FUT]
        now = time.time()
        ev = AccountChanged(
            "FUNDING_FEE",
            (WalletChange("USDT", D(1000), D(1000), D("-0.75")),),
            (PositionChange(FUT, pos.qty, pos.entry_price),),
            now,
            now,
        )
        daily_before = env.svc.exposure_now(D(0), D(0)).daily_pnl_krw
        assert await env.svc.book_funding(ev) == D("-0.75")
        assert await env.svc.book_funding(ev) is None  # the same event again: booked once
        after = env.svc.trades.open_trade(FUT, "fut")
        assert after is not None and after.realized == opened.realized - D("0.75")
        assert env.svc.positions[FUT].qty == pos.qty
        assert env.svc.positions[FUT].entry_price == pos.entry_price
        daily = env.svc.exposure_now(D(0), D(0)).daily_pnl_krw
        assert daily < daily_before
        # not funding (a deposit): nothing booked
        other = AccountChanged("DEPOSIT", ev.wallets, ev.positions, now + 1, now + 1)
        assert await env.svc.book_funding(other) is None
    async with trading_env(db) as env:
        again = env.svc.trades.open_trade(FUT, "fut")
        assert again is not None and again.realized == after.realized


async def test_positions_are_valued_only_at_a_fresh_price(tmp_path: Path) -> None:
    """Issue 14: unrealised PnL at a fresh mark; a price older than MARK_MAX_AGE values
    nothing (shown as unknown), and futures are valued at the venue's mark price."""
    async with trading_env(tmp_path / "t.db") as env:
        env.quote(Venue.UPBIT, "BTC/KRW", 99_990_000, 100_000_000)
        env.quote(Venue.UPBIT, "USDT/KRW", 1399, 1400)
        env.quote(Venue.BINANCE_FUTURES, "BTC/USDT", 99_990, 100_000)
        await eventually(lambda: env.svc.prices.price(FUT) is not None)
        await _fill(env, Side.BUY, "0.01", None)
        await _fill(env, Side.BUY, "0.01", None, FUT, leverage=2)
        old = time.time() - MARK_MAX_AGE - 5
        env.bus.publish(Quote(BTC, 90_000_000, 1.0, 90_010_000, 1.0, int(old * 1000), old))
        now = time.time()
        env.bus.publish(MarkPrice(FUT, 99_000.0, 99_000.0, 0.0001, 0, int(now * 1000), now))
        await eventually(lambda: env.svc.prices.top(BTC).ts == old)  # type: ignore[union-attr]
        await eventually(lambda: env.svc.prices.top(FUT).mark == 99_000.0)  # type: ignore[union-attr]
        rows = {r.instrument: r for r in await env.provider().position_rows()}
        assert rows[BTC].mark is None and rows[BTC].unrealized is None
        assert rows[FUT].mark == D("99000.0")
