"""Incremental and array indicators against pandas-ta (the reference), to 1e-9 relative."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas_ta as ta
import pytest

from strategies.indicators import (
    EMA,
    MACD,
    RSI,
    SMA,
    Volatility,
    ema_array,
    macd_arrays,
    rsi_array,
    sma_array,
    volatility_array,
)
from tests.strategies.conftest import random_walk


def _series() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    return {
        "walk": random_walk(4000, seed=3),
        "noisy_large": 50_000_000 * np.exp(np.cumsum(rng.normal(0, 0.02, 2000))),
        "tiny_prices": 0.0001 + np.abs(rng.normal(0, 0.00001, 1500)),
        "flat_then_step": np.r_[np.full(150, 100.0), np.full(150, 105.0), np.full(100, 95.0)],
        "up_then_down": np.r_[np.linspace(10, 20, 200), np.linspace(20, 5, 200)],
        "integers": rng.integers(90, 110, 1000).astype(np.float64),
        "sawtooth": np.tile(np.r_[np.linspace(1, 2, 13), np.linspace(2, 1, 7)], 50),
    }


SERIES = _series()


def _close(ours: np.ndarray, ref: pd.Series | np.ndarray) -> None:
    ref = np.asarray(ref, dtype=np.float64)
    assert ours.shape == ref.shape
    assert np.array_equal(np.isnan(ours), np.isnan(ref)), "NaN positions differ from pandas-ta"
    mask = ~np.isnan(ref)
    np.testing.assert_allclose(ours[mask], ref[mask], rtol=1e-9, atol=1e-12)


def _incremental(ind: EMA | SMA | RSI | Volatility, x: np.ndarray) -> np.ndarray:
    return np.array([ind.update(float(v)) for v in x])


@pytest.mark.parametrize("name", sorted(SERIES))
@pytest.mark.parametrize("length", [2, 7, 12, 25, 99])
def test_ema_and_sma_match_pandas_ta(name: str, length: int) -> None:
    x = SERIES[name]
    s = pd.Series(x)
    for inc, arr, ref in (
        (EMA(length), ema_array(x, length), ta.ema(s, length)),
        (SMA(length), sma_array(x, length), ta.sma(s, length)),
    ):
        ours = _incremental(inc, x)
        _close(ours, ref)
        assert np.array_equal(ours, arr, equal_nan=True), "live and backtest values differ"


@pytest.mark.parametrize("name", sorted(SERIES))
@pytest.mark.parametrize("length", [2, 14, 30])
def test_rsi_matches_pandas_ta_wilder(name: str, length: int) -> None:
    x = SERIES[name]
    ours = _incremental(RSI(length), x)
    _close(ours, ta.rsi(pd.Series(x), length))
    assert np.array_equal(ours, rsi_array(x, length), equal_nan=True)


@pytest.mark.parametrize("name", sorted(SERIES))
@pytest.mark.parametrize(("fast", "slow", "signal"), [(12, 26, 9), (3, 10, 4), (5, 35, 5)])
def test_macd_matches_pandas_ta(name: str, fast: int, slow: int, signal: int) -> None:
    x = SERIES[name]
    m = MACD(fast, slow, signal)
    rows = []
    for v in x:
        m.update(float(v))
        rows.append((m.macd, m.signal, m.hist))
    ours = np.array(rows)
    ref = ta.macd(pd.Series(x), fast, slow, signal)
    tag = f"{fast}_{slow}_{signal}"
    _close(ours[:, 0], ref[f"MACD_{tag}"])
    _close(ours[:, 1], ref[f"MACDs_{tag}"])
    _close(ours[:, 2], ref[f"MACDh_{tag}"])
    arr = macd_arrays(x, fast, slow, signal)
    for k in range(3):
        assert np.array_equal(ours[:, k], arr[k], equal_nan=True)


@pytest.mark.parametrize("name", sorted(SERIES))
@pytest.mark.parametrize("window", [2, 20, 50])
def test_volatility_matches_pandas_rolling_std_of_returns(name: str, window: int) -> None:
    x = SERIES[name]
    ours = _incremental(Volatility(window), x)
    ref = pd.Series(x).pct_change().rolling(window).std()
    _close(ours, ref)
    assert np.array_equal(ours, volatility_array(x, window), equal_nan=True)


def test_known_values_on_a_tiny_series() -> None:
    # Worked by hand: EMA(3) seeds with mean(1,2,3) = 2, then alpha 0.5.
    ema = EMA(3)
    assert [ema.update(v) for v in (1, 2, 3)][-1] == 2.0
    assert ema.update(4) == 3.0
    # A series that only rises has RSI 100; one that only falls has RSI 0.
    up, down = RSI(14), RSI(14)
    for i in range(30):
        up.update(100.0 + i)
        down.update(100.0 - i)
    assert up.value == 100.0
    assert down.value == 0.0


@pytest.mark.parametrize("bad", [0, -3, 1.5, True])
def test_bad_lengths_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="whole number"):
        EMA(bad)  # type: ignore[arg-type]
