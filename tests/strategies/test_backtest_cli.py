"""`python -m bot backtest`: CSV and SQLite sources, the report, the PNG, bad input;
and kernel/event-engine agreement on random data for every built-in and option."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from bot.__main__ import backtest as main
from core.fills import FillMode, FillModel
from strategies.backtest import run_backtest
from strategies.builtin import BUILTINS
from tests.strategies.conftest import BTC_USDT_F, T0, bars_from, bot, random_walk

BOTS = """
[bots.c]
strategy = "combined"
exchange = "upbit"
symbols = ["BTC/KRW"]
stake = 1000000
stop_loss_pct = 0.5
take_profit_pct = 0.8
[bots.c.params]
cooldown_candles = 2
"""


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # settings come from defaults, not a developer's .env
    (tmp_path / "bots.toml").write_text(BOTS)
    closes = random_walk(3 * 1440, seed=5, vol=0.003, start=50_000_000)
    rows = [(T0 + i * 60_000, c, c * 1.001, c * 0.999, c, 1.0) for i, c in enumerate(closes)]
    with (tmp_path / "c.csv").open("w") as f:
        f.write("timestamp,open,high,low,close,volume\n")
        f.writelines(",".join(map(str, r)) + "\n" for r in rows)
    conn = sqlite3.connect(tmp_path / "bot.sqlite3")
    conn.execute(
        "CREATE TABLE candles (venue TEXT, symbol TEXT, timeframe TEXT, open_ts INTEGER, "
        "open REAL, high REAL, low REAL, close REAL, volume REAL)"
    )
    conn.executemany("INSERT INTO candles VALUES ('upbit','BTC/KRW','1m',?,?,?,?,?,?)", rows)
    conn.commit()
    conn.close()
    return tmp_path


def test_csv_and_db_give_the_same_report_and_a_png(
    setup: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--bot", "c", "--from", "2026-01-01", "--to", "2026-01-02", "--bots", "bots.toml"]
    assert main([*args, "--csv", "c.csv", "--png", "eq.png"]) == 0
    csv_out = capsys.readouterr().out
    assert main([*args, "--db", "bot.sqlite3"]) == 0
    db_out = capsys.readouterr().out
    assert "2880 candles" in csv_out and "(kernel engine" in csv_out
    for label in ("Trades:", "Win rate:", "Profit factor:", "Max drawdown:", "Final equity:"):
        assert label in csv_out
    strip = lambda text: [ln for ln in text.splitlines() if not ln.startswith("Backtest")]  # noqa: E731
    assert strip(csv_out)[:-1] == strip(db_out)  # same figures; only the PNG line differs
    assert (setup / "eq.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--bot", "zz", "--from", "2026-01-01", "--to", "2026-01-02"], "there is no bot 'zz'"),
        (["--bot", "c", "--from", "2026-13-01", "--to", "2026-01-02"], "dates must look like"),
        (["--bot", "c", "--from", "2026-01-03", "--to", "2026-01-02"], "--to is before --from"),
        (["--bot", "c", "--from", "2025-01-01", "--to", "2025-01-02", "--db", "bot.sqlite3"],
         "no 1m candles for upbit:BTC/KRW"),
        (["--bot", "c", "--from", "2026-01-01", "--to", "2026-01-02", "--csv", "none.csv"],
         "no CSV file at none.csv"),
        (["--bot", "c", "--from", "2026-01-01", "--to", "2026-01-02", "--csv", "bots.toml"],
         "needs a time column"),
    ],
)  # fmt: skip
def test_bad_input_is_one_clear_line(
    setup: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main([*argv, "--bots", "bots.toml"]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_argparse_errors_return_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--from", "2026-01-01"]) == 2
    assert "required" in capsys.readouterr().err


CASES = [
    ("combined", {}, {}),
    ("combined", {"stop_loss_pct": 0.4, "take_profit_pct": 0.6}, {"cooldown_candles": 3}),
    ("ema_trend", {"stop_loss_pct": 1.0}, {}),
    ("rsi", {"take_profit_pct": 0.5, "stake_pct": 20, "stake": None}, {}),
    ("macd", {}, {"min_confidence": 0.7}),
    ("ma_cross", {"stop_loss_pct": 0.3}, {"cooldown_candles": 1, "ma_type": "ema"}),
]


@pytest.mark.parametrize("mode", list(FillMode))
@pytest.mark.parametrize(("strategy", "bot_kw", "params"), CASES)
def test_kernel_and_event_engine_agree(
    strategy: str, bot_kw: dict[str, object], params: dict[str, object], mode: FillMode
) -> None:
    d = bot(strategy, params=params, **bot_kw)
    closes = random_walk(3000, seed=11, vol=0.004)
    fills = FillModel(slippage_bps=7.0, mode=mode)
    cls = BUILTINS[strategy]
    k, e = (
        run_backtest(d, cls.from_dict(params, "t"), [bars_from(closes)], fills, 1e6, engine)
        for engine in ("kernel", "events")
    )
    assert len(k.trades) >= 3
    assert [(s.ts, s.action, s.taken) for s in k.signals] == [
        (s.ts, s.action, s.taken) for s in e.signals
    ]
    key = lambda t: (t.entry_ts, t.exit_ts, t.side, t.entry_price, t.exit_price, t.qty, t.pnl)  # noqa: E731
    assert [key(t) for t in k.trades] == [key(t) for t in e.trades]
    assert np.array_equal(k.equity, e.equity)


def test_futures_shorts_with_leverage_agree_too() -> None:
    d = bot("ema_trend", exchange="binance_futures", symbols=["BTC/USDT"], leverage=5,
            params={"allow_short": True}, stop_loss_pct=1.0)  # fmt: skip
    closes = random_walk(3000, seed=2, vol=0.004)
    cls = BUILTINS["ema_trend"]
    k, e = (
        run_backtest(d, cls.from_dict(d.params, "t"), [bars_from(closes, BTC_USDT_F)],
                     FillModel(), 1e4, engine)
        for engine in ("kernel", "events")
    )  # fmt: skip
    assert any(t.side < 0 for t in k.trades)
    assert [(t.exit_ts, t.pnl) for t in k.trades] == [(t.exit_ts, t.pnl) for t in e.trades]
    assert k.trades[0].qty * k.trades[0].entry_price == pytest.approx(100_000 * 5, rel=1e-3)


def test_the_report_is_in_the_configured_language(
    setup: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """issue 14: LANGUAGE=ko words the whole printed report in Korean, money with 원."""
    monkeypatch.setenv("LANGUAGE", "ko")
    args = ["--bot", "c", "--from", "2026-01-01", "--to", "2026-01-02", "--bots", "bots.toml"]
    assert main([*args, "--csv", "c.csv"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("백테스트 c: combined · 업비트 BTC/KRW 1m") and "캔들 2880개" in out
    for label in ("거래 수:", "승률:", "손익비:", "최대 낙폭:", "최종 자산:"):
        assert label in out
    assert "진입 (UTC)" in out or "진입 (KST)" in out
    assert "원" in out and not re.search(r"\d KRW", out) and "e+" not in out
