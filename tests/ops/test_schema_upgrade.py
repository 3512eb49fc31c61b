"""Upgrades from every past schema version with real data: each fixture (tests/data/schemas,
written by tests/ops/schema_fixtures.py) is taken to the newest version; every row keeps every
value it had, the relations hold, our stores read the rows, and the service starts on it."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from alerts.alert_state import AlertStore, Zone
from bot.notify.outbox import Outbox
from core.clock import ManualClock
from core.storage import Database
from core.storage.kv import KeyValueStore
from core.storage.migrations import LATEST_VERSION
from core.symbols import Instrument, Symbol, Venue
from core.text import Text
from peers.exchange_sim.server import SimExchange
from peers.telegram_emulator import TelegramEmulator
from strategies.store import BotStore
from tests.e2e.conftest import CHAT, e2e_settings
from tests.ops.schema_fixtures import FUT_BOT, build, fixture_path, tables
from tests.ops.test_backup_e2e import answer, running
from trading.store import TradingStore

PAST = range(1, LATEST_VERSION)
FUTURES_BTC = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))


def past_database(version: int, folder: Path) -> Path:
    """A copy of the committed fixture; a version without one (the newest past version right
    after a migration was added) is built by the same generator."""
    path = folder / "bot.sqlite3"
    committed = fixture_path(version)
    if committed.exists():
        shutil.copyfile(committed, path)
    else:
        build(path, version)
    return path


def _dump(path: Path) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """Every table's columns and rows, in a stable order."""
    out: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
    with closing(sqlite3.connect(path)) as raw:
        names = raw.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        for (table,) in names:
            cols = [str(r[1]) for r in raw.execute(f"PRAGMA table_info({table})")]
            rows = raw.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()
            out[table] = (cols, sorted(rows, key=repr))
    return out


def _schema(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Each table's and index's columns, as PRAGMA table_info / index_info give them."""
    with closing(sqlite3.connect(path)) as raw:
        objects = raw.execute(
            "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchall()
        return {
            f"{kind} {name}": raw.execute(
                f"PRAGMA {'table_info' if kind == 'table' else 'index_info'}({name})"
            ).fetchall()
            for kind, name in objects
        }


def test_fixtures_are_committed_for_every_past_version_but_the_newest() -> None:
    # Frozen files: what an old version left stays as it was even when the generator changes.
    # Only the newest past version may be missing (a migration was just added): it is built.
    missing = [v for v in PAST if not fixture_path(v).exists()]
    assert missing in ([], [LATEST_VERSION - 1]), missing
    for v in PAST:
        if fixture_path(v).exists():
            with closing(sqlite3.connect(fixture_path(v))) as raw:
                assert raw.execute("PRAGMA user_version").fetchone() == (v,)


@pytest.mark.parametrize("version", PAST)
async def test_upgrade_keeps_every_row_and_the_stores_read_them(
    tmp_path: Path, version: int
) -> None:
    path = past_database(version, tmp_path)
    before = _dump(path)
    assert sum(len(rows) for _, rows in before.values()) > 1_000  # hours of use, not a row
    async with Database.open(path) as db:
        assert await db.schema_version() == LATEST_VERSION
        clock = ManualClock(start=1_772_409_600.0 + 86_400)
        trading = TradingStore(db)
        stop = await trading.children(
            next(r["client_id"] for r in tables()["orders"] if r["venue"] == "binance_futures")
        )
        assert sorted(o.order.type.value for o in stop) == ["stop_market", "take_profit_market"]
        assert stop[0].leverage == 3 and stop[0].order.reduce_only
        fills = await trading.fills_for(FUTURES_BTC, paper=False)
        assert len(fills) == 7 and sum(f.realized_pnl for f in fills) != 0
        positions = {p.instrument: p for p in await trading.positions(paper=False)}
        assert positions[FUTURES_BTC].qty == Decimal("0.006")
        decisions = await BotStore(db, clock).decisions(limit=500)
        assert len(decisions) == 200
        assert {type(d.reason) for d in decisions} == {str, Text}  # plain old and catalog texts
        held = await BotStore(db, clock).load_positions(FUT_BOT)
        assert held[FUTURES_BTC].ref_price == 0.0  # saved before the field existed
        states = await AlertStore(db).load()
        assert states["coin:SOL"].zone is Zone.HIGH and states["coin:SOL"].episode == 2
        assert await Outbox(db).pending_count() == 2
        assert await KeyValueStore(db).get("trading.killswitch") == "off"
    async with Database.open(tmp_path / "fresh.sqlite3"):
        pass
    assert _schema(path) == _schema(tmp_path / "fresh.sqlite3")  # tables, columns, indexes
    after = _dump(path)
    assert set(before) <= set(after)
    for table, (cols, rows) in before.items():
        new_cols, new_rows = after[table]
        index = [new_cols.index(c) for c in cols]
        assert sorted((tuple(r[i] for i in index) for r in new_rows), key=repr) == rows, table
    with closing(sqlite3.connect(path)) as raw:
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
        orphans = raw.execute(
            "SELECT count(*) FROM fills WHERE client_id NOT IN (SELECT client_id FROM orders)"
        ).fetchone()
        parents = raw.execute(
            "SELECT count(*) FROM orders WHERE parent_client_id IS NOT NULL AND "
            "parent_client_id NOT IN (SELECT client_id FROM orders)"
        ).fetchone()
        assert orphans == (0,) and parents == (0,)
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.parametrize("version", PAST)
async def test_the_service_starts_on_an_upgraded_database(tmp_path: Path, version: int) -> None:
    past_database(version, tmp_path)
    async with SimExchange(seed=19) as sim, TelegramEmulator() as tg:
        settings = e2e_settings(tmp_path, sim, tg, backup_interval_hours=0)
        async with running(settings, tg):
            # The two notifications the old version had not delivered go out now.
            for k in (58, 59):
                await tg.wait_for_message(
                    lambda m, k=k: f"(#{k})" in m.content, chat_id=CHAT, timeout=30
                )
            orders = await answer(tg, "/orders all", "Orders")
            assert "kbl19c0ffee0can Binance spot buy 0.05 ETH/USDT limit" in orders, orders
            assert "kbl19c0ffee0rej Upbit buy 0.5 BTC/KRW limit" in orders, orders
            version_line = await answer(tg, "/version", "kimp-bot")
            assert version_line.rstrip().endswith(f"database schema {LATEST_VERSION}")
