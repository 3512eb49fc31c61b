"""Threshold search: a grid over entry/exit bands and size, replayed on the older part of the
series (train) and judged on the newer part it never saw (test), across processes.

Each worker process receives the series once (pool initializer) and replays its share of the
grid; the premium array is computed once per worker and split, not per combination.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from decimal import Decimal

import numpy as np

from core.fills import FillModel
from strategies.hedge.config import HedgeConfig
from strategies.hedge.replay import ReplayResult, replay
from strategies.hedge.series import PremiumSeries


@dataclass(frozen=True, slots=True)
class Grid:
    entry_pct: Sequence[float]
    exit_pct: Sequence[float]
    size_krw: Sequence[float]

    def combos(self) -> list[tuple[float, float, float]]:
        """Every (entry, exit, size) with the exit band above the entry band."""
        return [
            (e, x, s)
            for e, x, s in itertools.product(self.entry_pct, self.exit_pct, self.size_krw)
            if x > e
        ]


@dataclass(frozen=True, slots=True)
class Score:
    trades: int
    pnl_krw: float
    fees_krw: float
    funding_krw: float

    @classmethod
    def of(cls, r: ReplayResult) -> Score:
        return cls(len(r.closed), r.pnl_krw, r.fees_krw, r.funding_krw)


@dataclass(frozen=True, slots=True)
class Candidate:
    entry_pct: float
    exit_pct: float
    size_krw: float
    train: Score
    test: Score


@dataclass(frozen=True, slots=True)
class SearchResult:
    combos: int
    split_ts: float  # first minute of the test part
    best: tuple[Candidate, ...]  # by train PnL, best first


# Per worker process: set once by the initializer.
_W: dict[str, object] = {}


def _init(
    series: PremiumSeries, split: int, cfg: HedgeConfig, model: FillModel, funding: float
) -> None:
    prem = series.premium(cfg.basis)
    _W.update(
        train=series.window(0, split), test=series.window(split, len(series)),
        prem_train=prem[:split], prem_test=prem[split:], cfg=cfg, model=model, funding=funding,
    )  # fmt: skip


def _run(chunk: list[tuple[float, float, float]]) -> list[Candidate]:
    base, model, funding = _W["cfg"], _W["model"], _W["funding"]
    assert isinstance(base, HedgeConfig) and isinstance(model, FillModel)
    assert isinstance(funding, float)
    out = []
    for e, x, size in chunk:
        cfg = replace(base, entry_pct=e, exit_pct=x, size_krw=Decimal(repr(size)))
        scores = []
        for part in ("train", "test"):
            s, p = _W[part], _W[f"prem_{part}"]
            assert isinstance(s, PremiumSeries) and isinstance(p, np.ndarray)
            scores.append(Score.of(replay(s, cfg, model, funding, premium=p)))
        out.append(Candidate(e, x, size, scores[0], scores[1]))
    return out


def search(
    series: PremiumSeries,
    base: HedgeConfig,
    grid: Grid,
    model: FillModel,
    funding_rate_8h: float = 0.0001,
    train_fraction: float = 0.7,
    workers: int = 2,
    top: int = 10,
) -> SearchResult:
    """Replay every grid point on both parts; the `top` best by train PnL, with their test
    results. `workers` <= 1 runs in this process."""
    if not 0 < train_fraction < 1:
        raise ValueError("train_fraction must be between 0 and 1")
    combos = grid.combos()
    split = int(len(series) * train_fraction)
    args = (series, split, base, model, float(funding_rate_8h))
    if workers <= 1 or len(combos) < 2:
        _init(*args)
        found = _run(combos)
    else:
        workers = min(workers, os.cpu_count() or 1, len(combos))
        # Interleaved chunks: neighbouring grid points cost alike, so each worker gets a mix.
        chunks = [combos[i :: workers * 4] for i in range(workers * 4)]
        with ProcessPoolExecutor(workers, initializer=_init, initargs=args) as pool:
            found = [c for part in pool.map(_run, chunks) for c in part]
    found.sort(key=lambda c: (-c.train.pnl_krw, c.entry_pct, c.exit_pct, c.size_krw))
    split_ts = float(series.ts[split]) if split < len(series) else float("nan")
    return SearchResult(len(combos), split_ts, tuple(found[:top]))
