"""`bot.features.market_data.install` on an AppContext against the simulator, the way the
service runs it: /status shows the streams, a venue outage reaches the notifier's outbox and so
does the recovery.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.commands import CommandContext, CommandRegistry
from bot.commands.core import register_core
from bot.config import load_settings
from bot.features import AppContext
from bot.features.market_data import install
from core.market import Quote, Ticker
from core.symbols import Instrument, Symbol, Venue
from exchanges.manager import MarketDataManager
from peers.exchange_sim.server import SimExchange
from tests.helpers import eventually
from tests.wiring import app_context


@asynccontextmanager
async def installed(sim: SimExchange, tmp_path: Path, **extra: object) -> AsyncIterator[AppContext]:
    env = {k.lower(): v for k, v in sim.env().items()}
    settings = load_settings(env_file=None, db_path=tmp_path / "md.db", **env, **extra)
    registry = CommandRegistry()
    register_core(registry)
    async with app_context(settings, registry=registry) as app:
        await install(app)
        yield app


async def status(app: AppContext) -> str:
    ctx = CommandContext(app.facade, chat_id=1, user_id=1, transport="console")
    return (await app.registry.dispatch("/status", ctx)).text


async def stream_notes(app: AppContext) -> list[str]:
    await app.notifier.flush_writes()
    rows = await app.db.fetchall("SELECT text FROM outbox WHERE kind = 'stream' ORDER BY id")
    return [str(r[0]) for r in rows]


async def test_status_lines_and_outage_notifications(tmp_path: Path) -> None:
    async with SimExchange(seed=1, tick_interval=0.02) as sim, installed(sim, tmp_path) as app:
        md = app.facade.market_data
        assert isinstance(md, MarketDataManager)
        await eventually(lambda: md.ready.is_set(), timeout=15)

        async def all_live() -> bool:
            text = await status(app)
            return all(f"{v}: live" in text for v in ("Upbit", "Binance spot"))

        await eventually(all_live, timeout=15)
        text = await status(app)
        assert "Streams:" in text and "upbit-0: up" in text and "Candles:" in text, text
        assert await stream_notes(app) == []  # routine start-up is not an alert

        # Binance spot goes away (and refuses reconnects): REST fallback, and the user is told.
        sim.faults.reject_connections("binance", 6.0)
        sim.faults.drop_connections("binance")

        async def told(word: str) -> list[str]:
            return [n for n in await stream_notes(app) if word in n and "Binance spot" in n]

        down = await eventually(lambda: told("degraded"), timeout=15)
        assert "REST" in down[0] and "🟠" in down[0]
        assert "Binance spot: stale — REST fallback" in await status(app)
        up = await eventually(lambda: told("recovered"), timeout=30)
        assert "🟢" in up[0]
        await eventually(all_live, timeout=15)
        notes = await stream_notes(app)
        assert [n for n in notes if "Binance spot" in n] == [down[0], up[0]], notes


async def test_bithumb_streams_only_when_enabled(tmp_path: Path) -> None:
    """BITHUMB_ENABLED (default off): the service streams every Bithumb KRW market's ticker and
    book onto the bus and /status shows the venue; off, nothing of Bithumb runs."""
    btc = Instrument(Venue.BITHUMB, Symbol("BTC", "KRW"))
    async with SimExchange(seed=2, tick_interval=0.02) as sim:
        async with installed(sim, tmp_path / "off") as app:
            md = app.facade.market_data
            assert isinstance(md, MarketDataManager)
            await eventually(lambda: md.ready.is_set(), timeout=15)
            assert Venue.BITHUMB not in md.feeds
            assert "Bithumb" not in await status(app)
        async with installed(sim, tmp_path / "on", bithumb_enabled=True) as app:
            md = app.facade.market_data
            assert isinstance(md, MarketDataManager)
            sub = app.bus.subscribe("bithumb-test", object, conflate=False)
            got: set[type] = set()

            def both() -> bool:
                got.update(type(e) for e in sub.drain() if getattr(e, "instrument", None) == btc)
                return {Ticker, Quote} <= got

            await eventually(both, timeout=20)
            listed = md.listed_symbols()[Venue.BITHUMB]
            assert Symbol("BTC", "KRW") in listed and Symbol("DOT", "KRW") not in listed
            # Bithumb's price is its own (the simulator's offset over Upbit), not Upbit's
            assert md.last_price(btc) != md.last_price(Instrument(Venue.UPBIT, btc.symbol))

            async def live() -> bool:
                return "Bithumb: live" in await status(app)

            await eventually(live, timeout=15)
