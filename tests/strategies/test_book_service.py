"""A service whose bots' saved books say more than the order ledger holds: at start-up the
ledger wins (`strategies.book`), for a running bot and for a stopped one."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_settings
from bot.features.strategies import install
from bot.i18n import render
from bot.notify.outbox import Outbox
from core.clock import SystemClock
from strategies.botconfig import BotDefinition
from strategies.engine import OpenPosition
from strategies.runner import BotError
from strategies.store import BotStore, RunState
from tests.helpers import eventually
from tests.strategies.conftest import BTC_KRW, T0
from tests.trading.harness import trading_env
from tests.wiring import app_context

BOTS = """
[bots.dip]
strategy = "rsi"
exchange = "upbit"
symbols = ["BTC/KRW"]
stake = 100000

[bots.idle]
strategy = "rsi"
exchange = "upbit"
symbols = ["BTC/KRW"]
stake = 100000
"""


async def test_saved_books_the_ledger_does_not_hold_are_dropped_at_start_up(
    tmp_path: Path,
) -> None:
    """`dip` was running, `idle` is stopped; both saved a BTC position that the ledger closed
    (a venue stop-loss while the service was down, a manual /sell of the coins). Neither may
    keep it: a running bot would manage (and sell) coins it does not hold, and `/sell idle`
    would sell them."""
    (tmp_path / "bots.toml").write_text(BOTS)
    settings = load_settings(
        env_file=None, db_path=tmp_path / "bot.db", bots_file=tmp_path / "bots.toml",
        strategies_dir=tmp_path / "user_strategies", log_dir=tmp_path / "logs",
    )  # fmt: skip
    stale = {BTC_KRW: OpenPosition(1, 0.01, 100_000_000.0, T0, 500.0)}
    async with trading_env(settings.db_path) as tenv, app_context(settings) as app:
        store = BotStore(app.db, SystemClock())
        defs = [
            BotDefinition.model_validate(
                {"name": n, "strategy": "rsi", "exchange": "upbit", "symbols": ["BTC/KRW"],
                 "stake": 100000}
            )
            for n in ("dip", "idle")
        ]  # fmt: skip
        await store.sync(defs)
        await store.set_state("dip", RunState.RUNNING)
        for name in ("dip", "idle"):
            await store.save_positions(name, stale)

        app.facade.trading = tenv.provider()
        manager = await install(app)
        await eventually(lambda: "dip" in manager.runners)
        assert manager.runners["dip"].engine.positions == {}
        line = (await manager.status_lines())[0]
        assert render("en", line) == "dip: running, rsi BTC/KRW 1m, flat"
        with pytest.raises(BotError) as refused:
            await manager.held_position("idle")
        assert render("en", refused.value.text) == "Bot idle holds no position."
        assert await store.load_positions("dip") == {} == await store.load_positions("idle")

        await app.notifier.flush_writes()
        texts = [str(n.text) for n in await Outbox(app.db).pending()]
        for name in ("dip", "idle"):
            said = f"⚠️ Bot {name}: its own record said long 0.01 on Upbit BTC/KRW, but the order"
            assert sum(t.startswith(said) for t in texts) == 1, texts
