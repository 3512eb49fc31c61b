"""The replay and search commands over premium samples stored in a database: the replay lists
the hedges the policy takes on the stored series and draws its chart; bad input gets one line."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest

from bot.hedge_cli import load_series
from bot.i18n import Messages
from core.fills import FillModel
from core.storage import Database
from strategies.hedge.cli import HedgeCliDefaults, band_range, main
from strategies.hedge.replay import replay
from tests.strategies.hedge.helpers import T0, config, premium_path, series_for
from tests.strategies.hedge.test_runner import BOTS


async def _store(db_path: Path, n: int) -> None:
    s = series_for(premium_path(n))
    prem = s.premium(config().basis)
    async with Database.open(db_path) as db:
        rows = [
            ("XRP", int(t), float(p), None, None, float(u), float(b))
            for t, p, u, b in zip(s.ts, prem, s.upbit_krw, s.binance_usdt, strict=True)
        ] + [
            ("USDT", int(t), None, None, None, float(k), None)
            for t, k in zip(s.ts, s.usdt_krw, strict=True)
        ]
        await db.executemany(
            "INSERT INTO kimp_samples(coin, minute_ts, usdt_kimp, fx_kimp, tether_premium, "
            "upbit_krw, binance_usdt) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, HedgeCliDefaults]:
    db = tmp_path / "bot.db"
    asyncio.run(_store(db, 900))
    bots = tmp_path / "bots.toml"
    bots.write_text(BOTS)
    d = HedgeCliDefaults(tmp_path / "none", bots, db, 5, 5.0, words=Messages("ko").render)
    return db, d


def test_band_range() -> None:
    assert band_range("-1:1:0.5") == [-1.0, -0.5, 0.0, 0.5, 1.0]
    assert band_range("2") == [2.0]


def test_replay_command_lists_the_policys_hedges_and_draws_the_chart(
    setup: tuple[Path, HedgeCliDefaults], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, d = setup
    png = tmp_path / "h.png"
    argv = ["--bot", "kh", "--from", "2026-01-01", "--to", "2026-01-01", "--png", str(png)]
    assert main(argv, lambda: d, load_series, search_mode=False) == 0
    out = capsys.readouterr().out
    s = load_series(db, "XRP", T0, T0 + 86_400)
    assert len(s) == 900
    from strategies.botconfig import parse_bots
    from strategies.hedge.config import HedgeConfig
    from strategies.registry import StrategyRegistry

    (bd,) = parse_bots(BOTS, StrategyRegistry(), 5)
    r = replay(s, HedgeConfig.of(bd), FillModel(slippage_bps=5.0))
    assert len(r.closed) >= 2
    assert out.count("김프") >= len(r.trades)  # one Korean line per hedge
    assert f"청산된 헤지 {len(r.closed)}건" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_search_command_prints_best_bands_with_test_results(
    setup: tuple[Path, HedgeCliDefaults], capsys: pytest.CaptureFixture[str]
) -> None:
    _db, d = setup
    argv = ["--bot", "kh", "--from", "2026-01-01", "--to", "2026-01-01", "--entry", "0:1:0.5",
            "--exit", "2:3:0.5", "--workers", "1", "--top", "3"]  # fmt: skip
    assert main(argv, lambda: d, load_series, search_mode=True) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("구간 조합 9개")
    assert len([line for line in out if line.startswith("진입 ")]) == 3


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        # The settings' language (Korean here) words the refusal; a loader's own stays as is.
        (["--bot", "nope"], "hedge-replay: "),
        (["--bot", "nope"], "봇 'nope'이 없습니다"),
        (["--coin", "BTC"], "봇 kh은 BTC을 거래하지 않습니다; 거래하는 코인: "),
        (["--to", "2025-01-01"], "--to is before --from"),
    ],
)
def test_bad_input_gets_one_line(
    setup: tuple[Path, HedgeCliDefaults], capsys: pytest.CaptureFixture[str],
    extra: list[str], says: str,
) -> None:  # fmt: skip
    _db, d = setup
    args = {"--bot": "kh", "--from": "2026-01-01", "--to": "2026-01-01"}
    args.update(zip(extra[::2], extra[1::2], strict=True))
    argv = [part for pair in args.items() for part in pair]
    assert main(argv, lambda: d, load_series, search_mode=False) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def test_no_samples_in_the_range_says_so(
    setup: tuple[Path, HedgeCliDefaults], capsys: pytest.CaptureFixture[str]
) -> None:
    _db, d = setup
    argv = ["--bot", "kh", "--from", "2026-02-01", "--to", "2026-02-02"]
    assert main(argv, lambda: d, load_series, search_mode=False) == 2
    assert "김프 기록이 없습니다" in capsys.readouterr().err


def test_the_candle_backtest_points_a_hedge_bot_to_the_replay(
    setup: tuple[Path, HedgeCliDefaults], capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.i18n import Messages
    from strategies.backtest_cli import BacktestDefaults
    from strategies.backtest_cli import main as backtest_main

    db, d = setup
    defaults = BacktestDefaults(d.strategies_dir, d.bots_file, db, 5, 1e7, 1e4, 5.0)
    argv = ["--bot", "kh", "--from", "2026-01-01", "--to", "2026-01-01"]
    english = Messages("en").render
    assert backtest_main(argv, lambda: defaults, lambda p: None, english) == 2  # type: ignore[arg-type,return-value]
    assert "use python -m bot hedge-replay" in capsys.readouterr().err


async def _store_funding(db_path: Path, rate: float) -> None:
    from alerts.funding_history import FundingHistory, FundingRate

    async with Database.open(db_path) as db:
        await FundingHistory(db).record([FundingRate("XRP", T0 + 8 * 3600, rate)])


def test_replay_charges_the_stored_funding_rates_and_says_which(
    setup: tuple[Path, HedgeCliDefaults], capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16, second pass: the stored rate at each funding time, the fixed rate only as the
    fallback, and the output says which."""
    db, d = setup
    argv = ["--bot", "kh", "--from", "2026-01-01", "--to", "2026-01-01"]
    assert main(argv, lambda: d, load_series, search_mode=False) == 0
    assert "고정 0.01%를 적용했습니다" in capsys.readouterr().out  # nothing stored: fallback
    fixed = replay(load_series(db, "XRP", T0, T0 + 86_400), config(), FillModel())

    asyncio.run(_store_funding(db, -0.003))  # shorts pay 0.3 % at 08:00
    assert main(argv, lambda: d, load_series, search_mode=False) == 0
    assert "저장된 실제 요율 1건을 적용했습니다" in capsys.readouterr().out
    s = load_series(db, "XRP", T0, T0 + 86_400)
    stored = replay(s, config(), FillModel())
    at = T0 + 8 * 3600
    (held,) = [t for t in stored.trades if t.entry_ts < at <= t.exit_ts]
    row = int(np.searchsorted(s.ts, at, side="left"))
    usdt_krw = float(s.usdt_krw[np.searchsorted(s.ts, held.exit_ts)])
    by_hand = float(s.futures_usdt[row]) * held.qty * -0.003 * usdt_krw
    assert held.funding_krw == pytest.approx(by_hand, rel=1e-9)
    assert stored.funding_krw == pytest.approx(by_hand, rel=1e-9)  # one funding time only
    assert fixed.funding_krw > 0 > stored.funding_krw
