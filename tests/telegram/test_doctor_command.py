"""`/doctor` over Telegram (the real PTB against the emulator, the real registry and handler,
the venues' probes against the exchange simulator), in Korean and in English."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.commands import CommandRegistry
from bot.doctor.command import register_doctor
from peers.exchange_sim.server import SimExchange
from peers.telegram_emulator import TelegramEmulator
from tests.telegram.conftest import running

BOTS = """
[bots.fut]
strategy = "ema_trend"
exchange = "binance_futures"
symbols = ["BTC/USDT"]
stake = 200
leverage = 3
"""


@pytest.fixture
async def sim() -> AsyncIterator[SimExchange]:
    async with SimExchange(seed=9) as s:
        yield s


def venue_settings(tmp: Path, sim: SimExchange) -> dict[str, Any]:
    bots = tmp / "bots.toml"
    bots.write_text(BOTS, encoding="utf-8")
    values: dict[str, Any] = {k.lower(): v for k, v in sim.env().items()}
    values.update(bots_file=bots, strategies_dir=tmp / "strategies")
    return values


@pytest.mark.parametrize(
    ("language", "title", "hedge", "fix", "summary"),
    [
        ("en", "🩺 Pre-flight check", "❌ Position mode: hedge mode", "One-way Mode",
         "live trading refuses to start"),
        ("ko", "🩺 사전 점검", "❌ 포지션 모드: 양방향(헤지) 모드", "단방향 모드",
         "실거래를 시작하지 않습니다"),
    ],
)  # fmt: skip
async def test_doctor_answers_in_the_configured_language(
    tmp_path: Path, tg: TelegramEmulator, sim: SimExchange, language: str, title: str,
    hedge: str, fix: str, summary: str,
) -> None:  # fmt: skip
    sim.keys.set("binance", hedge_mode=True)
    registry = CommandRegistry()
    register_doctor(registry)
    overrides = venue_settings(tmp_path, sim)
    async with running(tmp_path, tg, registry=registry, language=language, **overrides) as svc:
        answer = await svc.ask("/doctor", expect=title)
        assert hedge in answer.content
        assert fix in answer.content
        assert summary in answer.content
        assert sim.api_keys["binance"][1] not in answer.content

        bad = await svc.ask("/doctor now")  # takes no arguments: a clear answer
        assert "/doctor" in bad.content and title not in bad.content
