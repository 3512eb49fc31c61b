"""Numbers typed in commands: overflow, infinities and NaN get a clear answer, never a traceback.

Regression (issue 12): `/buy upbit BTC 1e999999` failed with `decimal.Overflow` deep in the
order checks ("/buy failed: Overflow"), and `/kimpalert digest 1e300` was applied in memory but
could not be saved, breaking every later /kimpalert.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.commands import CommandContext, CommandRegistry
from bot.commands.kimp import register_kimp
from bot.features.kimp import make_service
from core.clock import ManualClock
from core.storage import Database
from core.symbols import Venue
from peers.exchange_sim.server import SimExchange
from tests.alerts.test_commands import FEES, _drop, _facade
from tests.trading.test_bots_e2e import service
from tests.trading.test_commands import app_ctx, quote, run

# issue 14 adds its own: `/buy upbit BTC 1E+30` printed a decimal.InvalidOperation traceback, and
# too many digits (more than a Decimal holds) or a size below any venue's step.
HUGE = [
    *("1e999999", "9e99999999999", "1e308", "1e400", "-1e999999", "1e-999999", "1" * 40),
    *("1E+30", "1e+30", "0.12345678901234567890123456789", "1e-30"),
]


async def test_order_sizes_out_of_range_are_not_valid_amounts(tmp_path: Path) -> None:
    async with app_ctx(tmp_path) as (app, ctx):
        quote(app, Venue.UPBIT, "USDT/KRW", 1399, 1400)
        quote(app, Venue.UPBIT, "BTC/KRW", 99_990_000, 100_000_000)
        for raw in [*HUGE, "inf", "-Infinity", "nan", "sNaN"]:
            for line in (
                f"/buy upbit BTC {raw}",
                f"/buy upbit BTC {raw}KRW",
                f"/buy binance BTC {raw}USDT",
                f"/buy futures BTC {raw}",
                f"/sell upbit BTC {raw}",
            ):
                r = await run(app, ctx, line)
                assert "is not a valid amount" in r.text, (line, r.text)
                assert "failed" not in r.text and "Usage: /" in r.text, (line, r.text)
        # Ordinary sizes still pass the parser (and fill in paper mode).
        r = await run(app, ctx, "/buy upbit BTC 100,000KRW")
        assert "✅ [paper] buy BTC/KRW: filled" in r.text, r.text


@pytest.mark.parametrize("name", ["high", "digest", "cooldown", "duration", "margin", "window"])
async def test_kimpalert_values_out_of_range_are_refused(tmp_path: Path, name: str) -> None:
    registry = CommandRegistry()
    register_kimp(registry)
    async with Database.open(tmp_path / "k.db") as db:
        facade = await _facade(tmp_path, db)
        fs = facade.settings
        svc = make_service(fs.kimp, fs.market_data, fs.core, db, ManualClock(), _drop, FEES)
        await svc.load()
        facade.kimp = svc
        ctx = CommandContext(facade, 1, 1, "console")
        before = svc.config
        for raw in ("1e300", "1e18", "-1e300", "1e999999", "nan"):
            r = await registry.dispatch(f"/kimpalert {name} {raw}", ctx)
            assert "failed" not in r.text, (raw, r.text)
            assert "not a valid value" in r.text or "finite number" in r.text, (raw, r.text)
        assert svc.config == before
        r = await registry.dispatch("/kimpalert high 4", ctx)  # still works afterwards
        assert r.text.startswith("Set high = 4"), r.text


async def test_forced_entry_stake_out_of_range(tmp_path: Path) -> None:
    async with SimExchange(seed=1, tick_interval=0.02) as sim, service(tmp_path, sim) as s:
        ctx = CommandContext(service=s.ctx.facade, chat_id=1, user_id=1, transport="console")
        for raw in ("1e999999", "1e400KRW", "9e99999999999"):
            r = await s.ctx.registry.dispatch(f"/buy spot_rsi BTC {raw}", ctx)
            assert "is not a valid amount" in r.text, (raw, r.text)
            assert "failed" not in r.text, r.text
