"""A bot's bracketed futures entry on a coin whose USDⓈ-M position holds a hedge's leg is refused
with its reason in the decision log: one-way mode would merge them and the bot's stop-loss would
close the hedge's leg too (issue 16, second pass). Over the real installers in paper mode (the
service of tests/trading/test_bots_e2e.py: fut_rsi trades BTC/USDT with SL 3 % / TP 5 %)."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from bot.i18n import render
from core.hedge import HedgeOutcome
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.trading.test_bots_e2e import BTC_FUT, BTC_KRW, service
from tests.trading.test_forced_orders import confirm, run


async def test_bracketed_bot_entry_on_a_hedged_coin_is_refused(
    tmp_path: Path, sim: SimExchange
) -> None:
    async with service(tmp_path, sim) as s:
        svc = s.ctx.facade.trading.svc
        s.quote(BTC_KRW, 100_000_000)
        s.quote(BTC_FUT, 70_000)
        await eventually(
            lambda: svc.prices.price(BTC_KRW) is not None and svc.prices.price(BTC_FUT)
        )
        desk = s.ctx.facade.hedges
        assert desk is not None
        hedged = await desk.open("BTC", D(2_000_000))
        assert hedged.outcome is HedgeOutcome.OPENED, hedged
        short = svc.positions[BTC_FUT].qty
        assert short < 0

        r = await run(s, "/buy fut_rsi")
        r = await confirm(s, r) if "Confirm within" in r.text else r
        assert "holds the futures leg of hedge" in r.text, r.text
        assert svc.positions[BTC_FUT].qty == short  # nothing joined the hedge's leg
        assert s.manager.runners["fut_rsi"].engine.positions == {}
        decisions = await s.manager.store.decisions("fut_rsi")
        said = [render("en", d.reason) for d in decisions if not d.taken]
        assert any(hedged.hedge_id in line and "stop would close" in line for line in said), said

        closed = await desk.close(hedged.hedge_id)
        assert closed.outcome is HedgeOutcome.CLOSED, closed
        r = await run(s, "/buy fut_rsi")
        r = await confirm(s, r) if "Confirm within" in r.text else r
        assert r.text.startswith("✅ fut_rsi: forced entry BTC/USDT"), r.text
