"""A bot's share of a position, never the user's coins beside it (found by the soak: a manual
`/buy` on a bot's symbol became the bot's at its next start, and the bot would have sold it)."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from core.market import Side
from core.orders import OrderRequest, OrderType
from core.symbols import Instrument, Symbol, Venue
from tests.helpers import eventually
from tests.trading.harness import Env, trading_env
from trading.shares import BotShares

BTC = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))


def test_shares_follow_fills_flips_and_forced_closes() -> None:
    s = BotShares()
    s.fill(BTC, "bot", D(2), D(2))  # the bot opens 2
    s.fill(BTC, None, D(1), D(3))  # the user buys 1 beside it
    assert (s.of(BTC, "bot"), s.of(BTC, None)) == (D(2), D(1))
    s.fill(BTC, "bot", D(-1), D(2))  # the bot sells 1
    assert (s.of(BTC, "bot"), s.of(BTC, None)) == (D(1), D(1))
    s.forced(BTC, D(2), D(1))  # a liquidation halves the position: every share halves
    assert (s.of(BTC, "bot"), s.of(BTC, None)) == (D("0.5"), D("0.5"))
    s.fill(BTC, None, D(-3), D(-2))  # the user flips it through zero: all theirs
    assert (s.of(BTC, "bot"), s.of(BTC, None)) == (D(0), D(-2))
    s.fill(BTC, None, D(2), D(0))
    assert not s.known(BTC)


def test_replay_rebuilds_the_same_shares_and_settle_follows_outside_changes() -> None:
    s = BotShares()
    s.replay(
        BTC,
        # (owner, the position after the fill, ours): +2 bot, +1 user, -1 bot, liquidated to 1.5
        [("bot", D(2), True), (None, D(3), True), ("bot", D(2), True), (None, D("1.5"), False)],
    )
    assert (s.of(BTC, "bot"), s.of(BTC, None)) == (D("0.75"), D("0.75"))
    s.settle(BTC, D(3))  # the venue holds more than our fills explain: the rest is the user's
    assert (s.of(BTC, "bot"), s.of(BTC, None)) == (D("0.75"), D("2.25"))
    s.settle(BTC, D(1))  # less: every share shrinks
    assert s.of(BTC, "bot") + s.of(BTC, None) == D(1)


async def _buy(env: Env, qty: str, bot: str | None) -> None:
    res = await env.svc.submit(OrderRequest(BTC, Side.BUY, OrderType.MARKET, qty=D(qty), bot=bot))
    assert res.accepted, res.reason


async def test_a_manual_buy_beside_a_bot_stays_the_users_across_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    async with trading_env(db) as env:
        env.quote(Venue.UPBIT, "USDT/KRW", 1399, 1400)
        env.quote(Venue.UPBIT, "BTC/KRW", 99_990_000, 100_000_000)
        await eventually(lambda: env.svc.prices.price(BTC) is not None)
        await _buy(env, "0.01", "trend")
        await _buy(env, "0.03", None)  # the user's own coins on the same market
        mine = env.provider().open_positions(bot="trend")
        bought = [p.qty for p in mine]  # 0.01 less the paper fee taken in BTC
        assert len(bought) == 1 and D("0.0099") < bought[0] <= D("0.01")
    async with trading_env(db) as env:  # restart: shares rebuilt from the recorded fills
        assert [p.qty for p in env.provider().open_positions(bot="trend")] == bought
        everything = env.provider().open_positions()
        assert len(everything) == 1 and everything[0].qty > D("0.0395")
