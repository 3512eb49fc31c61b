"""Run the kimp feature the way the service does, against the exchange simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from alerts.service import KimpService
from bot.commands import CommandContext, Reply
from bot.config import Settings, load_settings
from bot.features import AppContext
from bot.features.kimp import install
from bot.features.market_data import market_data_config
from core.symbols import Venue
from exchanges.manager import MarketDataManager
from peers.exchange_sim.server import SimExchange
from tests.wiring import app_context

FAST = {
    "kimp_min_duration": 0.6,
    "kimp_cooldown": 600.0,
    "kimp_jump_pct": 20.0,
    "kimp_jump_window": 30.0,
    "stale_after": 2.0,
    "fx_refresh": 0.3,
    "fx_stale_after": 1.5,
    "universe_refresh": 3600.0,
}


def sim_settings(sim: SimExchange, db_path: Path, **overrides: Any) -> Settings:
    env = {k.lower(): v for k, v in sim.env().items()}
    return load_settings(env_file=None, db_path=db_path, **{**env, **FAST, **overrides})


class KimpApp:
    def __init__(self, app: AppContext, svc: KimpService) -> None:
        self.app = app
        self.svc = svc

    async def alerts(self) -> list[str]:
        rows = await self.app.db.fetchall(
            "SELECT text FROM outbox WHERE kind = 'kimp_alert' ORDER BY id"
        )
        return [str(r[0]) for r in rows]

    async def run(self, line: str) -> Reply:
        ctx = CommandContext(self.app.facade, chat_id=1, user_id=1, transport="console")
        return await self.app.registry.dispatch(line, ctx)


@asynccontextmanager
async def kimp_app(settings: Settings, streaming: bool = False) -> AsyncIterator[KimpApp]:
    """The kimp feature as the service wires it; `streaming` puts the market-data manager
    (WebSocket streams) in front, otherwise the kimp REST fallback feed serves prices."""
    async with app_context(settings) as app:
        if streaming:
            md = MarketDataManager(
                replace(
                    market_data_config(settings.market_data, settings.exchanges),
                    venues=(Venue.UPBIT, Venue.BINANCE_SPOT),
                ),
                app.bus,
                app.clock,
            )
            app.market_data = app.facade.market_data = md
            app.supervisor.start("market-data", md.run)
        svc = await install(app, rest_interval=0.1, eval_interval=0.1)
        yield KimpApp(app, svc)
