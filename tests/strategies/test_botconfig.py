"""Bot definitions: the documented example loads; each bad definition gets one clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.i18n import render
from core.symbols import Symbol, Venue
from strategies.botconfig import BotConfigError, load_bots, parse_bots
from strategies.registry import StrategyRegistry

ROOT = Path(__file__).resolve().parents[2]
GOOD = """
[bots.a]
strategy = "combined"
exchange = "upbit"
symbols = ["BTC/KRW"]
stake = 100000
"""


def _problems(text: str, **kw: object) -> list[str]:
    with pytest.raises(BotConfigError) as err:
        parse_bots(text, StrategyRegistry(), 20, **kw)  # type: ignore[arg-type]
    return [render("en", t) for t in err.value.texts]


def test_the_documented_example_is_valid() -> None:
    bots = load_bots(ROOT / "bots.example.toml", StrategyRegistry(), max_leverage=20)
    assert {b.strategy for b in bots} == {
        "combined",
        "rsi",
        "ema_trend",
        "macd",
        "ma_cross",
        "kimp_hedge",
    }
    fut = next(b for b in bots if b.exchange is Venue.BINANCE_FUTURES)
    assert fut.leverage == 3


def test_a_missing_file_means_no_bots(tmp_path: Path) -> None:
    assert load_bots(tmp_path / "none.toml", StrategyRegistry(), 20) == []


def test_unknown_strategy() -> None:
    assert _problems(GOOD.replace("combined", "magic")) == [
        "bot 'a': unknown strategy 'magic'; known: combined, ema_trend, kimp_hedge, ma_cross, "
        "macd, rsi"
    ]


def test_bad_parameter_value_and_unknown_parameter() -> None:
    assert _problems(GOOD + "[bots.a.params]\nrsi_period = 1\n") == [
        "bot 'a': parameter rsi_period: Input should be greater than or equal to 2"
    ]
    assert _problems(GOOD + "[bots.a.params]\nrsi_periodd = 14\n") == [
        "bot 'a': parameter rsi_periodd: unknown field"
    ]
    assert _problems(GOOD + "[bots.a.params]\nema_short = 50\n") == [
        "bot 'a': parameters: need ema_short < ema_mid < ema_long"
    ]


def test_unknown_symbol_by_quote_and_by_catalogue() -> None:
    assert _problems(GOOD.replace("BTC/KRW", "BTC/USDT")) == [
        "bot 'a': unknown symbol BTC/USDT on Upbit (quote must be KRW)"
    ]
    catalog = {Venue.UPBIT: {Symbol("ETH", "KRW")}}
    assert _problems(GOOD, catalog=catalog) == ["bot 'a': unknown symbol BTC/KRW on Upbit"]
    assert _problems(GOOD.replace("BTC/KRW", "BTCKRW")) == [
        "bot 'a': symbols: not a symbol: 'BTCKRW' (expected BASE/QUOTE such as BTC/KRW)"
    ]


def test_leverage_above_the_cap_and_on_spot() -> None:
    fut = GOOD.replace("upbit", "binance_futures").replace("BTC/KRW", "BTC/USDT")
    assert _problems(fut + "leverage = 50\n") == [
        "bot 'a': leverage 50 is above the cap MAX_LEVERAGE=20"
    ]
    assert _problems(GOOD + "leverage = 2\n") == [
        "bot 'a': leverage 2 needs exchange = \"binance_futures\""
    ]


def test_every_problem_of_every_bot_is_listed_at_once() -> None:
    text = GOOD + '[bots.b]\nstrategy = "nope"\nexchange = "upbit"\nsymbols = ["X/KRW"]\n'
    text += 'stake = 1\n[bots.c]\nexchange = "kraken"\n'
    problems = _problems(text)
    assert problems[0].startswith("bot 'b': unknown strategy 'nope'")
    assert any(p.startswith("bot 'c': exchange: Input should be") for p in problems)
    assert "bot 'c': strategy: Field required" in problems
    assert "3 problem(s)" not in str(problems)  # the count lives in the exception message


def test_other_mistakes_have_clear_messages() -> None:
    assert _problems("[bots.a\n")[0].startswith("not valid TOML")
    assert _problems(GOOD.replace("stake = 100000", "")) == [
        "bot 'a': set exactly one of stake (an amount) or stake_pct (% of equity)"
    ]
    assert _problems(GOOD + 'timeframe = "7x"\n') == [
        "bot 'a': timeframe: bad timeframe '7x': use e.g. 1m, 5m, 15m, 1h, 4h, 1d"
    ]
    assert _problems(GOOD + "[bots.a.params]\nallow_short = true\n") == [
        "bot 'a': allow_short needs exchange = \"binance_futures\""
    ]
    assert _problems(GOOD.replace("[bots.a]", "[bots.'bad name']")) == [
        "bot 'bad name': name: use 1-32 letters, digits, _ or -"
    ]


def test_a_bot_can_trade_on_bithumb() -> None:
    """Issue 18: Bithumb is the second KRW venue a bot may name."""
    (bot,) = parse_bots(GOOD.replace("upbit", "bithumb"), StrategyRegistry(), 20)
    assert bot.exchange is Venue.BITHUMB and bot.instruments[0].venue is Venue.BITHUMB
    assert _problems(GOOD.replace("upbit", "bithumb").replace("BTC/KRW", "BTC/USDT")) == [
        "bot 'a': unknown symbol BTC/USDT on Bithumb (quote must be KRW)"
    ]
