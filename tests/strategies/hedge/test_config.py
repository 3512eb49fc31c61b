"""A kimp_hedge bot in the bots file: a good entry loads into its config; each bad entry gets one
clear line naming the bot and what to change; /buy and /sell refuse it with the reason."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.i18n import Messages
from core.clock import ManualClock
from core.events import EventBus
from core.fills import FillModel
from core.storage import Database
from strategies.botconfig import BotConfigError, parse_bots
from strategies.hedge.config import Basis, HedgeConfig
from strategies.registry import StrategyRegistry
from strategies.runner import BotError, BotManager
from strategies.store import BotStore

GOOD = """
[bots.kh]
strategy = "kimp_hedge"
exchange = "upbit"
symbols = ["XRP/KRW", "ETH/KRW"]
stake = 1000000
[bots.kh.params]
basis = "fx"
entry_pct = -0.5
exit_pct = 2.0
max_mismatch = 0.1
short_leverage = 2
max_hold_hours = 48
allow_reverse = true
reverse_entry_pct = 6
reverse_exit_pct = 3
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(BotConfigError) as err:
        parse_bots(text, StrategyRegistry(), 5)
    return [Messages("en").render(t) for t in err.value.texts]


def test_a_good_entry_becomes_its_config() -> None:
    (d,) = parse_bots(GOOD, StrategyRegistry(), 5)
    cfg = HedgeConfig.of(d)
    assert cfg == HedgeConfig(
        "kh", ("XRP", "ETH"), Decimal("1000000.0"), Basis.FX, -0.5, 2.0, Decimal("0.1"), 2,
        48 * 3600.0, True, 6.0, 3.0,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("exit_pct = 2.0", "exit_pct = -1.0",
         "bot 'kh': parameters: exit_pct (-1) must be above entry_pct (-0.5)"),
        ("reverse_exit_pct = 3", "reverse_exit_pct = 7",
         "bot 'kh': parameters: reverse_exit_pct (7) must be below reverse_entry_pct (6)"),
        ("reverse_exit_pct = 3\n", "",
         "bot 'kh': parameters: allow_reverse needs reverse_entry_pct and reverse_exit_pct"),
        ('basis = "fx"', 'basis = "eur"', "bot 'kh': parameter basis: Input should be one of 'usdt', 'fx'"),
        ("short_leverage = 2", "short_leverage = 9",
         "bot 'kh': short_leverage 9 is above the cap MAX_LEVERAGE=5"),
        ("stake = 1000000", "stake_pct = 10",
         "bot 'kh': a kimp_hedge bot needs stake: the spot leg's size in KRW"),
        ('exchange = "upbit"\nsymbols = ["XRP/KRW", "ETH/KRW"]',
         'exchange = "binance_futures"\nsymbols = ["XRP/USDT"]',
         "bot 'kh': a kimp_hedge bot has exchange = \"upbit\" (its spot leg)"),
        ("stake = 1000000", "stake = 1000000\nleverage = 3",
         "bot 'kh': a kimp_hedge bot's short takes params.short_leverage, not leverage"),
        ("stake = 1000000", "stake = 1000000\nstop_loss_pct = 2",
         "bot 'kh': a kimp_hedge bot exits on its bands: drop stop_loss_pct/take_profit_pct"),
    ],
)  # fmt: skip
def test_each_bad_entry_says_what_to_change(old: str, new: str, problem: str) -> None:
    assert old in GOOD
    assert _problems(GOOD.replace(old, new)) == [problem]


def test_the_bots_file_problem_reads_in_both_languages() -> None:
    from core.text import Text

    with pytest.raises(BotConfigError) as err:
        parse_bots(GOOD.replace("exit_pct = 2.0", "exit_pct = -1.0"), StrategyRegistry(), 5)
    found = Text.of("doctor.found.bots_bad", error=err.value.text())
    en = Messages("en").render(found)
    ko = Messages("ko").render(found)
    assert "exit_pct (-1) must be above entry_pct (-0.5)" in en, en
    assert "`exit_pct`(-1)는 `entry_pct`(-0.5)보다 커야 합니다" in ko, ko


async def test_forced_orders_are_refused_for_a_hedge_bot(tmp_path: Path) -> None:
    (d,) = parse_bots(GOOD, StrategyRegistry(), 5)
    async with Database.open(tmp_path / "t.db") as db:
        manager = BotManager(
            [d], StrategyRegistry(), BotStore(db, ManualClock()), EventBus(), FillModel()
        )
        await manager.load()
        await manager.start("kh")
        for call in (manager.force_entry("kh"), manager.force_exit("kh")):
            with pytest.raises(BotError) as err:
                await call
            assert "/buy" in Messages("en").render(err.value.text)
            assert "/buy" in Messages("ko").render(err.value.text)
