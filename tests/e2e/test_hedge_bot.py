"""The whole service (live mode, the simulator's venues, Telegram through the emulator) with a
kimp_hedge bot in its bots file: /start it, and a premium dip and recovery on the simulator is
one hedge opened on both venues and closed, told in Telegram; /bots lists the bot."""

from __future__ import annotations

from pathlib import Path

from peers.exchange_sim.server import SimExchange
from tests.e2e.conftest import SEED, running_world

BOTS = """
[bots.kh]
strategy = "kimp_hedge"
exchange = "upbit"
symbols = ["BTC/KRW"]
stake = 1000000
[bots.kh.params]
entry_pct = 0.5
exit_pct = 2.5
"""


async def test_a_started_hedge_bot_opens_and_closes_on_the_premium(tmp_path: Path) -> None:
    bots = tmp_path / "hedge_bots.toml"
    bots.write_text(BOTS, encoding="utf-8")
    async with SimExchange(seed=SEED) as sim:
        sim.market.set_premium("BTC", 1.5)
        async with running_world(tmp_path, "Service started", sim=sim, bots_file=bots) as w:
            await w.ask("/start kh", "kh")
            listing = await w.answer("/bots")
            assert "kh" in listing.content and "kimp_hedge" in listing.content
            sim.market.ramp_premium("BTC", 0.0, over_seconds=1.0)
            opened = await w.tg.wait_for_message(
                lambda m: "Hedge bot kh opened BTC" in m.content, timeout=60
            )
            assert "Upbit long / Binance short" in opened.content
            sim.market.ramp_premium("BTC", 3.0, over_seconds=1.0)
            await w.tg.wait_for_message(
                lambda m: "Hedge bot kh closed BTC" in m.content, timeout=60
            )
            detail = await w.answer("/bots kh")
            assert "reached the exit band" in detail.content, detail.content
