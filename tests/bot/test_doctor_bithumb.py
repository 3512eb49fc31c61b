"""Issue 18: Bithumb in the pre-flight check (`python -m bot doctor`), against the exchange
simulator: the key accepted, what it may read (balance, open orders, wallet status), the clock
from the `Date` header, and each problem the simulator can make Bithumb report."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.doctor import render, run_checks
from core.doctor import Area, Check, CheckStatus
from peers.exchange_sim.server import SimExchange
from peers.telegram_emulator import TelegramEmulator
from tests.bot.test_doctor import find, settings_for


@pytest.fixture
async def sim() -> AsyncIterator[SimExchange]:
    async with SimExchange(seed=5) as s:
        yield s


@pytest.fixture
async def tg() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator() as emulator:
        yield emulator


def bithumb_settings(tmp: Path, sim: SimExchange, tg: TelegramEmulator, **extra: Any) -> Settings:
    return settings_for(tmp, sim, tg, bithumb_enabled=True, **extra)


def mine(checks: list[Check]) -> dict[str, Check]:
    return {c.item: c for c in checks if c.area is Area.BITHUMB}


async def test_a_good_bithumb_key_passes_with_what_it_may_read(
    tmp_path: Path, sim: SimExchange, tg: TelegramEmulator
) -> None:
    checks = await run_checks(bithumb_settings(tmp_path, sim, tg))
    got = mine(checks)
    assert {k: c.status for k, c in got.items()} == {
        "clock": CheckStatus.OK,
        "keys": CheckStatus.OK,
        "balance": CheckStatus.OK,
        "orders": CheckStatus.OK,
        "wallet": CheckStatus.OK,
        "withdrawals": CheckStatus.INFO,  # Bithumb does not report a key's permissions
    }
    text = render(checks, "en")
    assert "Bithumb\n" in text and "Wallet status: readable (" in text, text
    assert "KRW available" in text
    assert sim.api_keys["bithumb"][1] not in text  # the secret is never shown
    assert "빗썸" in render(checks, "ko")


async def test_a_wrong_secret_is_a_failed_key_with_its_fix(
    tmp_path: Path, sim: SimExchange, tg: TelegramEmulator
) -> None:
    settings = bithumb_settings(tmp_path, sim, tg, bithumb_secret_key="not-the-secret")
    checks = await run_checks(settings)
    keys = find(checks, Area.BITHUMB, "keys")
    assert keys.status is CheckStatus.FAIL
    text = render(checks, "en")
    assert "jwt_verification" in text and "check BITHUMB_ACCESS_KEY and BITHUMB_SECRET_KEY" in text
    assert set(mine(checks)) == {"clock", "keys"}  # nothing else is asked with a refused key


async def test_bithumb_clock_off_by_three_seconds_is_a_warning(
    tmp_path: Path, sim: SimExchange, tg: TelegramEmulator
) -> None:
    sim.keys.set("bithumb", clock_ms=3000)  # the simulator's Date header runs 3 s ahead
    clock = find(await run_checks(bithumb_settings(tmp_path, sim, tg)), Area.BITHUMB, "clock")
    assert clock.status is CheckStatus.WARN
    # The header counts whole seconds: the offset it tells is within a second of the skew.
    assert 2.0 <= float(str(clock.found.params["seconds"])) <= 4.0


async def test_bithumb_without_keys_is_information_and_off_when_unused(
    tmp_path: Path, sim: SimExchange, tg: TelegramEmulator
) -> None:
    none = {"bithumb_access_key": None, "bithumb_secret_key": None}
    checks = await run_checks(bithumb_settings(tmp_path, sim, tg, **none))
    assert find(checks, Area.BITHUMB, "keys").status is CheckStatus.INFO
    unused = settings_for(tmp_path, sim, tg, bithumb_enabled=False, **none)
    assert not mine(await run_checks(unused))  # not enabled, no keys: not probed at all


async def test_a_bithumb_bots_stake_is_checked_against_the_markets_minimum(
    tmp_path: Path, sim: SimExchange, tg: TelegramEmulator
) -> None:
    bots = tmp_path / "bithumb_bots.toml"
    bots.write_text(
        '[bots.bt_ok]\nstrategy = "rsi"\nexchange = "bithumb"\nsymbols = ["ETH/KRW"]\n'
        "stake = 50000\n\n"
        '[bots.bt_low]\nstrategy = "rsi"\nexchange = "bithumb"\nsymbols = ["BTC/KRW"]\n'
        "stake = 3000\n",
        encoding="utf-8",
    )
    checks = await run_checks(bithumb_settings(tmp_path, sim, tg, bots_file=bots))
    stakes = {c.subject: c for c in checks if c.area is Area.BITHUMB and c.item == "stake"}
    assert stakes["bt_ok ETH/KRW"].status is CheckStatus.OK
    low = stakes["bt_low BTC/KRW"]
    assert low.status is CheckStatus.FAIL  # 3,000 KRW is below Bithumb's 5,000 KRW minimum
    assert "raise bot bt_low's stake to at least 5,000 KRW" in render(checks, "en")
