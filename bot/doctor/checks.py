"""Gathers the pre-flight checklist: each venue's probe, Telegram and the bots file.

The bots are read the way the strategies installer reads them (user strategies, then the bots
file validated against them), so a stake is checked against the market it will really trade.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from decimal import Decimal

import aiohttp
from loguru import logger

from bot.config import Settings
from bot.doctor.telegram_check import check_telegram
from core.doctor import Area, Check, CheckStatus, StakePlan
from core.text import Text
from exchanges.binance.doctor import BinanceDoctor
from exchanges.bithumb.doctor import BithumbDoctor
from exchanges.upbit.doctor import UpbitDoctor
from strategies.botconfig import BotConfigError, load_bots
from strategies.loader import StrategyLoadError, load_user_strategies
from strategies.registry import StrategyRegistry


def stake_plans(settings: Settings) -> tuple[list[StakePlan], list[Check]]:
    """Every configured bot's entry on each of its markets, and the bots file's own verdict."""
    s = settings.strategies
    try:
        registry = StrategyRegistry(load_user_strategies(s.strategies_dir))
        bots = load_bots(s.bots_file, registry, settings.risk.max_leverage)
    except (BotConfigError, StrategyLoadError) as exc:
        return [], [Check(Area.BOTS, "bots_file", CheckStatus.FAIL,
                          Text.of("doctor.found.bots_bad", error=exc.text()),
                          Text.of("doctor.fix.bots_bad"))]  # fmt: skip
    if not bots:
        found = Text.of("doctor.found.no_bots", path=str(s.bots_file))
        return [], [Check(Area.BOTS, "bots_file", CheckStatus.INFO, found)]
    plans = [
        StakePlan(
            d.name,
            d.exchange,
            sym,
            None if d.stake is None else Decimal(repr(d.stake)),
            None if d.stake_pct is None else Decimal(repr(d.stake_pct)),
            d.leverage,
        )
        for d in bots
        for sym in d.symbols
    ]
    found = Text.of("doctor.found.bots_ok", n=len(bots), path=str(s.bots_file))
    return plans, [Check(Area.BOTS, "bots_file", CheckStatus.OK, found)]


async def run_checks(settings: Settings, timeout: float = 10.0) -> list[Check]:
    """The whole checklist, venues probed concurrently; never raises for what it finds."""
    plans, out = stake_plans(settings)
    ex = settings.exchanges
    upbit_keys = binance_keys = None
    if ex.upbit_access_key is not None and ex.upbit_secret_key is not None:
        upbit_keys = (
            ex.upbit_access_key.get_secret_value(),
            ex.upbit_secret_key.get_secret_value(),
        )
    if ex.binance_api_key is not None and ex.binance_api_secret is not None:
        binance_keys = (
            ex.binance_api_key.get_secret_value(),
            ex.binance_api_secret.get_secret_value(),
        )
    bithumb_keys = None
    if ex.bithumb_access_key is not None and ex.bithumb_secret_key is not None:
        bithumb_keys = (
            ex.bithumb_access_key.get_secret_value(),
            ex.bithumb_secret_key.get_secret_value(),
        )
    async with aiohttp.ClientSession() as session:
        upbit = UpbitDoctor(upbit_keys, ex.upbit_rest_url, plans, session, time.time, timeout)
        binance = BinanceDoctor(
            binance_keys, ex.binance_rest_url, ex.binance_futures_rest_url, plans, session,
            time.time, timeout,
        )  # fmt: skip
        # A venue that does not answer costs each of its requests a timeout: bound the whole.
        deadline = timeout * 3
        probes = [
            _guarded(Area.UPBIT, upbit.run(), deadline),
            _guarded(Area.BINANCE_SPOT, binance.run(), deadline),
            _guarded(Area.TELEGRAM, check_telegram(settings.telegram, timeout), deadline),
        ]
        if ex.bithumb_enabled or bithumb_keys is not None:  # Bithumb only when it is used
            bithumb = BithumbDoctor(
                bithumb_keys, ex.bithumb_rest_url, plans, session, time.time, timeout
            )
            probes.append(_guarded(Area.BITHUMB, bithumb.run(), deadline))
        results = await asyncio.gather(*probes)
    for checks in results:
        out += checks
    return out


async def _guarded(area: Area, probe: Awaitable[list[Check]], deadline: float) -> list[Check]:
    """A probe that breaks on an answer nobody foresaw, or takes longer than `deadline`
    seconds, is one ❌ line, never a traceback."""
    try:
        async with asyncio.timeout(deadline):
            return await probe
    except TimeoutError:
        return [Check(area, "keys", CheckStatus.FAIL,
                      Text.of("doctor.found.unreachable", error=f"no answer in {deadline:.0f} s"),
                      Text.of("doctor.fix.unreachable"))]  # fmt: skip
    except Exception as exc:
        logger.exception("pre-flight check of {} failed", area.value)
        return [Check(area, "keys", CheckStatus.FAIL,
                      Text.of("doctor.found.crashed", error=f"{type(exc).__name__}: {exc}"),
                      Text.of("doctor.fix.retry"))]  # fmt: skip
