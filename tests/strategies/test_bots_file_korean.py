"""Every bots-file and strategy-file problem is a catalog text (issue 16, second pass): read in
Korean (LANGUAGE=ko: the start-up error and /doctor), no English problem line remains. The
names the user wrote (bots, fields, strategies, values) may stay as written; the wording
around them may not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.doctor.checks import stake_plans
from bot.i18n import render
from core.text import Text
from strategies.botconfig import BotConfigError, parse_bots
from strategies.loader import StrategyLoadError, load_user_strategies
from strategies.registry import StrategyRegistry
from tests.i18n.test_korean_face import english_words

BAD = """
junk = 1
[bots.'bad name']
strategy = "rsi"
[bots.a]
strategy = "magic"
exchange = "upbit"
symbols = ["BTC/USDT"]
stake = 100000
leverage = 2
[bots.b]
strategy = "rsi"
exchange = "upbit"
symbols = ["BTCKRW"]
stake = 1
timeframe = "7x"
[bots.c]
strategy = "rsi"
exchange = "upbit"
symbols = ["BTC/KRW", "ETH/KRW"]
stake_pct = 10
[bots.c.params]
rsi_period = 1
rsi_periodd = 14
allow_short = true
[bots.d]
strategy = "ema_trend"
exchange = "binance_futures"
symbols = ["BTC/USDT"]
stake = 100
leverage = 50
[bots.d.params]
ema_short = 50
[bots.e]
strategy = "rsi"
exchange = "kraken"
symbols = ["BTC/KRW"]
[bots.f]
strategy = "rsi"
exchange = "upbit"
symbols = ["BTC/KRW"]
[bots.kh]
strategy = "kimp_hedge"
exchange = "binance_futures"
symbols = ["XRP/USDT"]
stake_pct = 10
leverage = 3
stop_loss_pct = 2
[bots.kh.params]
entry_pct = -0.5
exit_pct = -1.0
short_leverage = 9
basis = "eur"
"""


def _foreign(line: str, written: str) -> list[str]:
    """English words of `line` that are not names the user wrote in `written`."""
    names = set(re.findall(r"[A-Za-z_][A-Za-z_0-9.]*", written)) | set(StrategyRegistry().names())
    names |= {n for w in list(names) for n in w.split(".")}
    return [w for w in english_words(line) if w not in names]


def test_every_bots_file_problem_reads_in_korean() -> None:
    with pytest.raises(BotConfigError) as err:
        parse_bots(BAD, StrategyRegistry(), 20)
    problems = err.value.texts
    assert len(problems) >= 15, [render("en", p) for p in problems]
    english = [render("en", p) for p in problems]
    # the check can fail: the English wording is found as English
    assert any(_foreign(line, BAD) for line in english), english
    for text in problems:
        korean = render("ko", text)
        assert not _foreign(korean, BAD), (korean, render("en", text))
    verdict = render("ko", err.value.text())
    assert "문제가" in verdict and not _foreign(verdict, BAD), verdict


def test_strategy_file_problems_read_in_korean(tmp_path: Path) -> None:
    (tmp_path / "typo.py").write_text("def x(:\n    pass\n")
    (tmp_path / "empty.py").write_text("X = 1\n")
    with pytest.raises(StrategyLoadError) as err:
        load_user_strategies(tmp_path)
    written = "typo.py empty.py invalid syntax " + str(tmp_path)  # Python's own words stay
    assert any(_foreign(render("en", t), written) for t in err.value.texts)
    for text in err.value.texts:
        korean = render("ko", text)
        assert not _foreign(korean, written), korean


def test_doctor_words_the_bots_file_verdict_in_korean(tmp_path: Path) -> None:
    bots = tmp_path / "bots.toml"
    bots.write_text(BAD)
    settings = load_settings(env_file=None, bots_file=bots, strategies_dir=tmp_path / "none")
    _plans, (check,) = stake_plans(settings)
    assert isinstance(check.found, Text)
    korean = render("ko", check.found)
    assert "봇 'a'" in korean and "알 수 없는 전략 'magic'" in korean, korean
    assert not _foreign(korean.replace(str(bots), "bots.toml"), BAD), korean
