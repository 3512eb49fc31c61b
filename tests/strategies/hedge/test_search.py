"""Threshold search on a small synthetic series: the best train bands are the ones a plain
replay says, the test part is judged separately, and two processes agree with one."""

from __future__ import annotations

import pytest

from core.fills import FillModel
from strategies.hedge.replay import replay
from strategies.hedge.search import Grid, search
from tests.strategies.hedge.helpers import config, premium_path, series_for

GRID = Grid(entry_pct=[0.0, 0.5, 1.0], exit_pct=[2.0, 2.5, 3.0], size_krw=[1e6, 2e6])


def test_grid_skips_exit_bands_not_above_entry() -> None:
    assert Grid([1.0, 2.0], [1.5, 2.0], [1.0]).combos() == [(1.0, 1.5, 1.0), (1.0, 2.0, 1.0)]


def test_best_bands_by_train_with_out_of_sample_results() -> None:
    s = series_for(premium_path(3000))
    model = FillModel(slippage_bps=5)
    r = search(s, config(), GRID, model, workers=1, top=18)
    assert r.combos == 18 and len(r.best) == 18
    pnl = [c.train.pnl_krw for c in r.best]
    assert pnl == sorted(pnl, reverse=True)
    best = r.best[0]
    split = int(len(s) * 0.7)
    cfg = config(entry_pct=best.entry_pct, exit_pct=best.exit_pct)
    from dataclasses import replace
    from decimal import Decimal

    cfg = replace(cfg, size_krw=Decimal(repr(best.size_krw)))
    train = replay(s.window(0, split), cfg, model)
    test = replay(s.window(split, len(s)), cfg, model)
    assert best.train.pnl_krw == pytest.approx(train.pnl_krw)
    assert best.test.pnl_krw == pytest.approx(test.pnl_krw)
    assert best.test.trades == len(test.closed) > 0
    assert r.split_ts == s.ts[split]


def test_two_processes_find_what_one_finds() -> None:
    s = series_for(premium_path(1500))
    one = search(s, config(), GRID, FillModel(), workers=1)
    two = search(s, config(), GRID, FillModel(), workers=2)
    assert one == two
