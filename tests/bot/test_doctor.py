"""The pre-flight check (`python -m bot doctor`, and the gate before live trading) against the
exchange simulator and the Bot API emulator: each problem the venues can report is found and
comes with its fix, a good set-up passes, the exit code says which, and live trading does not
start on a ❌."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.app import Service
from bot.config import Settings, load_settings
from bot.doctor import render, run_checks
from core.doctor import Area, Check, CheckStatus, failed
from peers.exchange_sim.server import SimExchange
from peers.telegram_emulator import TelegramEmulator

ROOT = Path(__file__).resolve().parents[2]
CHAT = 515000777
BOTS = """
[bots.up]
strategy = "rsi"
exchange = "upbit"
symbols = ["BTC/KRW"]
stake = {up_stake}

[bots.fut]
strategy = "ema_trend"
exchange = "binance_futures"
symbols = ["BTC/USDT"]
stake = {fut_stake}
leverage = 3

[bots.spot]
strategy = "rsi"
exchange = "binance"
symbols = ["ETH/USDT"]
stake_pct = 10
"""


@pytest.fixture
async def sim() -> AsyncIterator[SimExchange]:
    async with SimExchange(seed=5) as s:
        yield s


@pytest.fixture
async def tg() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator() as emulator:
        yield emulator


def settings_for(
    tmp: Path, sim: SimExchange, tg: TelegramEmulator, up_stake: int = 50000,
    fut_stake: int = 200, **extra: Any,
) -> Settings:  # fmt: skip
    bots = tmp / "bots.toml"
    bots.write_text(BOTS.format(up_stake=up_stake, fut_stake=fut_stake), encoding="utf-8")
    values: dict[str, Any] = {k.lower(): v for k, v in sim.env().items()}
    values.update(
        trading_mode="live", db_path=tmp / "bot.sqlite3", log_dir=tmp / "logs", bots_file=bots,
        strategies_dir=tmp / "strategies", telegram_bot_token=tg.token, telegram_chat_id=CHAT,
        telegram_api_url=tg.base_url, language="en", shutdown_timeout=10.0,
    )  # fmt: skip
    values.update(extra)
    return load_settings(env_file=None, **values)


def find(checks: list[Check], area: Area, item: str) -> Check:
    found = [c for c in checks if c.area is area and c.item == item]
    assert found, f"no {area.value} {item} check in {checks}"
    return found[0]


async def test_a_good_set_up_passes(tmp_path: Path, sim: SimExchange, tg: TelegramEmulator) -> None:
    checks = await run_checks(settings_for(tmp_path, sim, tg))
    text = render(checks, "en")
    assert not failed(checks), text
    assert not [c for c in checks if c.status is CheckStatus.WARN], text
    assert "All clear" in text
    # Every area was really asked, not skipped.
    assert find(checks, Area.BINANCE_SPOT, "withdrawals").status is CheckStatus.OK
    assert find(checks, Area.BINANCE_FUTURES, "position_mode").status is CheckStatus.OK
    assert find(checks, Area.UPBIT, "keys").status is CheckStatus.OK
    assert find(checks, Area.TELEGRAM, "chat").status is CheckStatus.OK
    stakes = [c for c in checks if c.item == "stake"]
    assert {c.subject for c in stakes} == {"up BTC/KRW", "fut BTC/USDT", "spot ETH/USDT"}
    assert all(c.status is CheckStatus.OK for c in stakes)


Problem = Callable[[SimExchange, TelegramEmulator], None]
PROBLEMS: list[tuple[str, Problem, Area, str, CheckStatus, str]] = [
    ("binance key revoked", lambda s, t: s.keys.set("binance", revoked=True),
     Area.BINANCE_SPOT, "keys", CheckStatus.FAIL, "check BINANCE_API_KEY and BINANCE_API_SECRET"),
    ("upbit key revoked", lambda s, t: s.keys.set("upbit", revoked=True),
     Area.UPBIT, "keys", CheckStatus.FAIL, "check UPBIT_ACCESS_KEY and UPBIT_SECRET_KEY"),
    ("binance withdrawals enabled", lambda s, t: s.keys.set("binance", withdrawals=True),
     Area.BINANCE_SPOT, "withdrawals", CheckStatus.WARN, "untick 'Enable Withdrawals'"),
    ("binance IP refused", lambda s, t: s.keys.set("binance", ip_refused=True),
     Area.BINANCE_SPOT, "ip", CheckStatus.FAIL, "add 127.0.0.1 (the address Binance saw)"),
    ("upbit IP refused", lambda s, t: s.keys.set("upbit", ip_refused=True),
     Area.UPBIT, "ip", CheckStatus.FAIL, "add this server's public IP to the key's allowed IPs"),
    ("binance clock 2 s off", lambda s, t: s.faults.clock_skew("binance", 2000),
     Area.BINANCE_SPOT, "clock", CheckStatus.WARN, "sync the server's clock"),
    ("futures clock 2 s behind", lambda s, t: s.faults.clock_skew("binance_futures", -2000),
     Area.BINANCE_FUTURES, "clock", CheckStatus.WARN, "sync the server's clock"),
    ("upbit clock 2 s off", lambda s, t: s.keys.set("upbit", clock_ms=2000),
     Area.UPBIT, "clock", CheckStatus.WARN, "sync the server's clock"),
    ("hedge mode", lambda s, t: s.keys.set("binance", hedge_mode=True),
     Area.BINANCE_FUTURES, "position_mode", CheckStatus.FAIL, "One-way Mode"),
    ("upbit key may not order", lambda s, t: s.keys.set("upbit", trading=False),
     Area.UPBIT, "trading", CheckStatus.FAIL, "'Place orders'"),
    ("binance futures not enabled", lambda s, t: s.keys.set("binance", futures=False),
     Area.BINANCE_FUTURES, "trading", CheckStatus.FAIL, "tick 'Enable Futures'"),
    ("upbit key expiring", lambda s, t: s.keys.set("upbit", expires_in_days=3),
     Area.UPBIT, "keys", CheckStatus.WARN, "issue a new key"),
    ("telegram chat unreachable", lambda s, t: t.block_chat(CHAT),
     Area.TELEGRAM, "chat", CheckStatus.FAIL, "send /start to your bot"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("problem", "area", "item", "status", "fix"),
    [pytest.param(p, a, i, st, f, id=name) for name, p, a, i, st, f in PROBLEMS],
)
async def test_each_injected_problem_is_reported_with_its_fix(
    tmp_path: Path, sim: SimExchange, tg: TelegramEmulator, problem: Problem, area: Area,
    item: str, status: CheckStatus, fix: str,
) -> None:  # fmt: skip
    problem(sim, tg)
    checks = await run_checks(settings_for(tmp_path, sim, tg))
    check = find(checks, area, item)
    assert check.status is status, render(checks, "en")
    assert check.fix is not None
    text = render(checks, "en")
    assert fix in text
    assert failed(checks) is (status is CheckStatus.FAIL)


async def test_stakes_below_the_market_minimum(
    tmp_path: Path, sim: SimExchange, tg: TelegramEmulator
) -> None:
    # BTCUSDT futures need 100 USDT of notional: 20 USDT at 3x is 60. Upbit needs 5,000 KRW.
    checks = await run_checks(settings_for(tmp_path, sim, tg, up_stake=3000, fut_stake=20))
    text = render(checks, "en")
    fut = find(checks, Area.BINANCE_FUTURES, "stake")
    up = find(checks, Area.UPBIT, "stake")
    assert fut.status is CheckStatus.FAIL and up.status is CheckStatus.FAIL
    assert "60 USDT per entry is BELOW the minimum 100 USDT" in text
    assert "raise bot fut's stake to at least 33.34 USDT" in text
    assert "raise bot up's stake to at least 5,000 KRW" in text
    assert find(checks, Area.BINANCE_SPOT, "stake").status is CheckStatus.OK


async def _doctor_process(settings_env: dict[str, str]) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UPBIT_", "BINANCE_"))}
    env.update(settings_env)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--env-file", "/nonexistent/.env", "doctor",
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode is not None
    return proc.returncode, out.decode()


async def test_the_command_line_exit_code(
    tmp_path: Path, sim: SimExchange, tg: TelegramEmulator
) -> None:
    bots = tmp_path / "bots.toml"
    bots.write_text(BOTS.format(up_stake=50000, fut_stake=200), encoding="utf-8")
    env = {
        **sim.env(), "TRADING_MODE": "live", "DB_PATH": str(tmp_path / "db.sqlite3"),
        "LOG_DIR": str(tmp_path / "logs"), "BOTS_FILE": str(bots),
        "STRATEGIES_DIR": str(tmp_path / "strategies"), "TELEGRAM_BOT_TOKEN": tg.token,
        "TELEGRAM_CHAT_ID": str(CHAT), "TELEGRAM_API_URL": tg.base_url, "LANGUAGE": "en",
    }  # fmt: skip
    code, out = await _doctor_process(env)
    assert code == 0, out
    assert "All clear" in out
    sim.keys.set("binance", hedge_mode=True)
    code, out = await _doctor_process(env)
    assert code == 1, out
    assert "❌ Position mode: hedge mode" in out
    assert sim.api_keys["binance"][1] not in out  # the secret is never printed


async def test_live_trading_refuses_to_start_on_a_failed_check(
    tmp_path: Path, sim: SimExchange, tg: TelegramEmulator
) -> None:
    sim.keys.set("binance", hedge_mode=True)
    service = Service(settings_for(tmp_path, sim, tg))
    stop = asyncio.Event()
    task = asyncio.create_task(service.run(stop), name="doctor-live-refused")
    try:
        notice = await tg.wait_for_message(
            lambda m: "Service started" in m.content, chat_id=CHAT, timeout=90
        )
        assert "LIVE TRADING REFUSED" in notice.content
        assert "Position mode: hedge mode" in notice.content
        assert failed(service.preflight)
        # No live broker was started: an order is refused, never sent.
        after = tg.cursor()
        tg.send_user_message(CHAT, "/buy upbit BTC 50000KRW")
        answer = await tg.wait_for_message(
            lambda m: "not configured for trading" in m.content or "confirm" in m.content.lower(),
            chat_id=CHAT, after=after, timeout=30,
        )  # fmt: skip
        if "not configured" not in answer.content:  # a late money command asks first
            (data,) = [d for _, d in answer.buttons if d and d.startswith("/confirm ")]
            after = tg.cursor()
            tg.press_button(CHAT, answer.message_id, data)
            answer = await tg.wait_for_message(
                lambda m: "not configured for trading" in m.content, chat_id=CHAT, after=after,
                timeout=30,
            )  # fmt: skip
        assert not sim.upbit_engine.orders  # nothing reached the venue
    finally:
        stop.set()
        await asyncio.wait_for(task, 60)


async def test_a_venue_that_does_not_answer_is_a_problem_not_a_hang(
    tmp_path: Path, sim: SimExchange, tg: TelegramEmulator
) -> None:
    sim.faults.rest_delay("binance", 30, count=100)  # every spot request held past the timeout
    checks = await run_checks(settings_for(tmp_path, sim, tg), timeout=1.0)
    spot = [c for c in checks if c.area is Area.BINANCE_SPOT]
    assert spot and all(c.status is CheckStatus.FAIL for c in spot)
    assert "check the server's internet connection" in render(checks, "en")
    assert find(checks, Area.UPBIT, "keys").status is CheckStatus.OK  # the others still ran


async def test_a_broken_bots_file_is_one_clear_line(
    tmp_path: Path, sim: SimExchange, tg: TelegramEmulator
) -> None:
    settings = settings_for(tmp_path, sim, tg)
    settings.bots_file.write_text('[bots.x]\nstrategy = "nope"\n', encoding="utf-8")
    checks = await run_checks(settings)
    bots = find(checks, Area.BOTS, "bots_file")
    assert bots.status is CheckStatus.FAIL
    assert "fix the bots file as the message says" in render(checks, "en")


async def test_a_blip_is_tried_again_not_reported(
    tmp_path: Path, sim: SimExchange, tg: TelegramEmulator
) -> None:
    # A venue answering 503 twice, then 429 (the soak does this around restarts), then fine.
    sim.faults.rest_error("binance", 503, count=2)
    sim.faults.rest_error("upbit", 429, count=1, retry_after=1)
    checks = await run_checks(settings_for(tmp_path, sim, tg))
    assert not failed(checks), render(checks, "en")


async def test_a_wrong_secret_is_a_key_problem_on_both_venues(
    tmp_path: Path, sim: SimExchange, tg: TelegramEmulator
) -> None:
    wrong = "x" * 64
    checks = await run_checks(
        settings_for(tmp_path, sim, tg, upbit_secret_key=wrong[:40], binance_api_secret=wrong)
    )
    upbit, binance = find(checks, Area.UPBIT, "keys"), find(checks, Area.BINANCE_SPOT, "keys")
    assert upbit.status is CheckStatus.FAIL and binance.status is CheckStatus.FAIL
    text = render(checks, "en")
    assert "jwt_verification" in text and "-1022" in text
    assert wrong not in text
