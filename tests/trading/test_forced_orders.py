"""`/buy <bot>` and `/sell <bot>`: a bot's forced entry and exit through its own gateway (stake,
leverage, SL/TP), booked by the bot, over the real installers in paper mode (the service of
tests/trading/test_bots_e2e.py: bots spot_rsi on Upbit and fut_rsi 5x on USDT-M, running)."""

from __future__ import annotations

import re
from decimal import Decimal as D
from pathlib import Path

from bot.commands.base import CommandContext, Reply
from bot.commands.core import register_core
from bot.i18n import render
from core.orders import OrderStatus, OrderType
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.trading.test_bots_e2e import BTC_FUT, BTC_KRW, Service, service


def _ctx(s: Service) -> CommandContext:
    return CommandContext(service=s.ctx.facade, chat_id=1, user_id=1, transport="console")


async def run(s: Service, line: str) -> Reply:
    return await s.ctx.registry.dispatch(line, _ctx(s))


async def confirm(s: Service, question: Reply) -> Reply:
    assert "Confirm within" in question.text, question.text
    return await run(s, question.buttons[0][0].data)


async def _priced(s: Service, price_krw: float = 100_000_000, price_usdt: float = 70_000) -> None:
    prices = s.ctx.facade.trading.svc.prices
    s.quote(BTC_KRW, price_krw)
    s.quote(BTC_FUT, price_usdt)
    await eventually(lambda: prices.price(BTC_KRW) is not None and prices.price(BTC_FUT))


async def test_forced_entry_and_exit_of_a_spot_bot(tmp_path: Path, sim: SimExchange) -> None:
    """Regression (found by the e2e Telegram tests): /buy <bot> was refused as a venue order."""
    async with service(tmp_path, sim) as s:
        await _priced(s)
        r = await run(s, "/buy spot_rsi")
        assert r.text.startswith("✅ spot_rsi: forced entry BTC/KRW long "), r.text
        assert "(stake 200,000 KRW) on Upbit. The bot manages the exit." in r.text
        runner = s.manager.runners["spot_rsi"]
        pos = runner.engine.positions[BTC_KRW]
        assert 0.0019 < pos.qty * 1.0005 < 0.002001  # 200,000 KRW at 100M, net of the fee
        trading = s.ctx.facade.trading
        (held,) = trading.open_positions("spot_rsi")  # the order layer books it for the bot
        assert float(held.qty) == pos.qty
        (order,) = [o.order for o in await trading.svc.store.recent_orders(5, True)]
        assert order.bot == "spot_rsi" and order.reason == "forced entry (/buy)"
        decisions = await s.manager.store.decisions("spot_rsi")
        assert [(d.action, d.taken, render("en", d.reason)) for d in decisions] == [
            ("enter_long", True, "forced entry (/buy)")
        ]
        again = await run(s, "/buy spot_rsi BTC")
        assert again.text.startswith("Bot spot_rsi already holds BTC/KRW (long "), again.text
        assert "one position per symbol" in again.text and "Usage: /buy" in again.text

        s.quote(BTC_KRW, 101_000_000)
        await eventually(lambda: trading.svc.prices.price(BTC_KRW) > D(100_500_000))
        question = await run(s, "/sell spot_rsi")
        assert f"Force exit: sell spot_rsi's BTC/KRW long {pos.qty:g} at market on Upbit?" in (
            question.text
        )
        assert runner.engine.positions  # nothing before the confirmation
        done = await confirm(s, question)
        assert done.text.startswith(f"✅ spot_rsi: forced exit BTC/KRW {pos.qty:g} @ "), done.text
        # issue 14: PnL with its sign, unit and percentage
        assert re.search(r"PnL \+[\d,]+ KRW \(\+\d+\.\d\d%\) \(fees included\)\.", done.text)
        assert runner.engine.positions == {} and trading.open_positions() == []
        (trade,) = runner.trades
        assert render("en", trade.exit_reason) == "forced exit (/sell)" and trade.pnl > 0
        assert await s.manager.store.load_positions("spot_rsi") == {}
        flat = await run(s, "/sell spot_rsi")
        assert flat.text.startswith("Bot spot_rsi holds no position."), flat.text


async def test_forced_futures_entry_uses_the_bots_leverage_and_brackets_and_exit_cancels_them(
    tmp_path: Path, sim: SimExchange
) -> None:
    async with service(tmp_path, sim) as s:
        await _priced(s)
        store = s.ctx.facade.trading.svc.store
        r = await run(s, "/buy fut_rsi BTC 100USDT")
        assert r.text.startswith("✅ fut_rsi: forced entry BTC/USDT long 0.007 @ "), r.text
        assert "(stake 100.00 USDT × 5x) on Binance USDT-M" in r.text
        assert "SL -3% / TP +5% on the venue." in r.text
        orders = [o.order for o in await store.recent_orders(5, True)]
        (entry,) = [o for o in orders if o.type is OrderType.MARKET]
        assert entry.bot == "fut_rsi" and entry.qty == D("0.007")  # 100 × 5 / 70,000

        async def brackets() -> list[str] | None:
            kids = [k.order for k in await store.children(entry.client_id)]
            ok = len(kids) == 2 and all(k.status is OrderStatus.OPEN for k in kids)
            return [k.client_id for k in kids] if ok else None

        ids = await eventually(brackets, 10)
        kinds = {(await store.get(i)).order.type for i in ids}  # type: ignore[union-attr]
        assert kinds == {OrderType.STOP_MARKET, OrderType.TAKE_PROFIT_MARKET}
        pos = await store.position(BTC_FUT, True)
        assert pos is not None and pos.leverage == 5 and pos.bot == "fut_rsi"

        done = await confirm(s, await run(s, "/sell fut_rsi btc"))
        assert done.text.startswith("✅ fut_rsi: forced exit BTC/USDT 0.007 @ "), done.text
        assert [(await store.get(i)).order.status for i in ids] == [  # type: ignore[union-attr]
            OrderStatus.CANCELLED
        ] * 2
        assert await store.open_orders(True) == []
        assert s.ctx.facade.trading.open_positions() == []
        assert s.manager.runners["fut_rsi"].engine.positions == {}


async def test_forced_exit_of_a_stopped_bot_and_refusals(tmp_path: Path, sim: SimExchange) -> None:
    async with service(tmp_path, sim) as s:
        await _priced(s)
        for line, expect in [
            ("/buy nosuch", "Unknown venue 'nosuch': use upbit, binance or futures, or a bot: "
             "fut_rsi, spot_rsi."),
            ("/buy", "(or a bot: /buy <bot> [coin] [amount])"),
            ("/sell", "(or a bot: /sell <bot> [coin])"),
            ("/buy spot_rsi ETH", "Bot spot_rsi does not trade ETH: it trades BTC/KRW."),
            ("/buy spot_rsi BTC abc", "'abc' is not an amount in KRW, e.g. /buy spot_rsi BTC "
             "200000."),
            ("/buy spot_rsi BTC 1 2", "Give at most a coin and an amount"),
            ("/buy spot_rsi -5", "The amount must be a positive number of KRW."),
            ("/buy spot_rsi B$C", "'B$C' is not a coin symbol like BTC."),
            ("/buy spot_rsi 1000", "❌ Refused: "),  # below Upbit's 5,000 KRW minimum
            ("/sell spot_rsi BTC x", "Give at most the coin, e.g. /sell spot_rsi BTC."),
            ("/sell spot_rsi", "Bot spot_rsi holds no position."),
        ]:  # fmt: skip
            r = await run(s, line)
            assert expect in r.text, (line, r.text)
            assert not r.buttons, line
        assert s.manager.runners["spot_rsi"].engine.positions == {}

        await run(s, "/pause spot_rsi")
        paused = await run(s, "/buy spot_rsi")
        assert paused.text.startswith("Bot spot_rsi is paused (no new entries): /resume spot_rsi")
        await run(s, "/resume spot_rsi")
        assert (await run(s, "/buy spot_rsi 50000")).text.startswith("✅ spot_rsi: forced entry")
        stopped = await confirm(s, await run(s, "/stop spot_rsi"))
        assert "It still holds BTC/KRW long" in stopped.text and "/sell spot_rsi closes them" in (
            stopped.text
        )
        refused = await run(s, "/buy spot_rsi")
        assert refused.text.startswith("Bot spot_rsi is not running: /start spot_rsi first")

        question = await run(s, "/sell spot_rsi")
        assert "spot_rsi is stopped and stays stopped." in question.text
        done = await confirm(s, question)
        assert done.text.startswith("✅ spot_rsi: forced exit BTC/KRW "), done.text
        assert "spot_rsi" not in s.manager.runners  # still stopped
        assert await s.manager.store.load_positions("spot_rsi") == {}
        assert s.ctx.facade.trading.open_positions() == []
        await run(s, "/start spot_rsi")
        assert s.manager.runners["spot_rsi"].engine.positions == {}


async def test_help_names_both_forms(tmp_path: Path, sim: SimExchange) -> None:
    async with service(tmp_path, sim) as s:
        register_core(s.ctx.registry)
        text = (await run(s, "/help")).text
        assert (
            "/buy <upbit|binance|futures> <coin> <qty|amountKRW> [sl=<price|N%>] | /buy <bot> [coin] "
            in text
        )
        assert "/sell <venue> <coin> <qty> | /sell <bot> [coin]" in text
        assert "the bot then manages the exit" in (await run(s, "/help buy")).text
