"""The service's live path on the exchange simulator, on the simulator's virtual time.

`live_service` wires what `bot/app.py` wires for bots, on one `AppContext`: the market-data
installer (`MarketDataManager`: streams -> 1m candles closed by the clock -> bus and the
`candles` table), the trading installer in paper mode (order layer + paper brokers filling at
the streamed top of book) and the strategies installer (bots file -> `BotManager`). The app's
clock is `SimTime`, which follows the simulator's clock, so minutes pass `speed` times faster
than real time and the whole service agrees on what time it is.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.config import load_settings
from bot.features import AppContext
from bot.features import market_data as market_data_feature
from bot.features import strategies as strategies_feature
from bot.features import trading as trading_feature
from core.market import Candle
from core.symbols import Instrument, Symbol, Venue
from exchanges.manager import MarketDataManager
from peers.exchange_sim.clock import SimClock
from peers.exchange_sim.server import SimExchange
from strategies.runner import BotManager
from tests.helpers import eventually
from tests.wiring import app_context

SENTINEL = Instrument(Venue.UPBIT, Symbol("ZZPARITY", "KRW"))


class SimTime:
    """The `Clock` protocol on the simulator's virtual clock: `now` is the simulator's time,
    `sleep(s)` waits `s` virtual seconds (s / speed real seconds or more on a paced clock; a
    frozen clock polls)."""

    def __init__(self, clock: SimClock) -> None:
        self._clock = clock
        self._t0 = clock.now()

    def now(self) -> float:
        return self._clock.now()

    def monotonic(self) -> float:
        return self._clock.now() - self._t0

    async def sleep(self, seconds: float) -> None:
        if self._clock.speed <= 0:
            await asyncio.sleep(0.02)
            return
        # A paced clock can run slower than `speed`: wait until the virtual time has passed.
        target = self._clock.now() + max(0.0, seconds)
        while (left := target - self._clock.now()) > 0 and (speed := self._clock.speed) > 0:
            await asyncio.sleep(left / speed)


@dataclass
class LiveService:
    app: AppContext
    sim: SimExchange
    md: MarketDataManager
    manager: BotManager

    async def settle(self, bot: str) -> None:
        """Freeze the simulator's time, let the bot finish every candle already built, and
        write the market-data layer's candles to the table."""
        self.sim.clock.speed = 0.0
        runner = self.manager.runners[bot]
        insts = runner.definition.instruments

        def caught_up() -> bool:
            return all(
                (last := self.md.recent_candles(i, "1m", 1))
                and runner._last_ts.get(i) == last[-1].open_ts
                for i in insts
            )

        await eventually(caught_up, timeout=20)
        # The bus delivers in order: once this candle has been dispatched, so has every
        # candle and trade before it (including the orders they led to).
        mark = Candle(SENTINEL, "1m", 0, 1.0, 1.0, 1.0, 1.0, 0.0)
        self.app.bus.publish(mark)
        await eventually(lambda: SENTINEL in self.manager.last_price, timeout=20)
        await self.md.candles.flush()


@asynccontextmanager
async def live_service(
    tmp_path: Path, sim: SimExchange, bots_toml: str, **settings_kw: object
) -> AsyncIterator[LiveService]:
    (tmp_path / "bots.toml").write_text(bots_toml)
    urls = {k.lower(): v for k, v in sim.env().items() if k.endswith("_URL")}
    settings = load_settings(
        env_file=None, db_path=tmp_path / "bot.db", bots_file=tmp_path / "bots.toml",
        strategies_dir=tmp_path / "user_strategies", log_dir=tmp_path / "logs",
        trading_mode="paper",
        **{"stale_after": 600.0, "stream_max_lag": 600.0, "max_data_age": 600.0, **urls,
           **settings_kw},
    )  # fmt: skip
    async with app_context(settings, clock=SimTime(sim.clock), stop_timeout=10.0) as app:
        await market_data_feature.install(app)
        await trading_feature.install(app)
        manager = await strategies_feature.install(app, catalog_wait=20.0)
        md = app.facade.market_data
        assert isinstance(md, MarketDataManager)
        yield LiveService(app, sim, md, manager)
