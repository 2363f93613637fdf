"""Tests of sop_lib.engine.theta and seasonality against statsmodels' ThetaModel and
seasonal_decompose."""
from __future__ import annotations

import numpy as np
import pytest
from statsmodels.tsa.forecasting.theta import ThetaModel
from statsmodels.tsa.seasonal import seasonal_decompose

from sop_lib.engine import forecast_matrix, smoothing
from sop_lib.engine.seasonality import decomposition_indices, is_seasonal, seasonal_adjustment
from sop_lib.engine.theta import trend_slopes

M = 12
H = 18


def series(months: int, *, amplitude: float, seed: int, level: float = 200.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(months)
    return level + 1.5 * t + amplitude * np.sin(2 * np.pi * t / M) + rng.normal(0, 8, months)


def theta(y: np.ndarray) -> np.ndarray:
    return forecast_matrix(y[None], H, methods=["theta"], combine=False,
                           nonnegative=False).point[0]


@pytest.mark.parametrize("amplitude, months", [(0.0, 60), (40.0, 60), (40.0, 31)])
def test_theta_equals_statsmodels_at_its_alpha(monkeypatch, amplitude, months):
    """Same alpha -> same forecast: the deseasonalisation (test, decomposition), the trend
    slope and the SES are those of ThetaModel(period=12).fit() with theta = 2."""
    y = series(months, amplitude=amplitude, seed=months)
    fit = ThetaModel(y, period=M).fit()
    monkeypatch.setattr(smoothing, "SES_ALPHAS", (fit.params["alpha"],))
    np.testing.assert_allclose(theta(y), fit.forecast(H), rtol=1e-10)


def test_theta_with_grid_alpha_is_close_to_statsmodels():
    """The engine picks alpha from a grid (by SSE, as statsmodels' fit does continuously), so
    forecasts differ only by that rounding of alpha: here by less than 0.5%."""
    for seed in range(3):
        y = series(72, amplitude=30.0, seed=seed)
        reference = np.asarray(ThetaModel(y, period=M).fit().forecast(H))
        np.testing.assert_allclose(theta(y), reference, rtol=5e-3)


def test_seasonality_test_agrees_with_statsmodels():
    rows = [series(48, amplitude=a, seed=s) for a, s in [(0, 1), (5, 2), (10, 3), (40, 4),
                                                          (15, 5), (8, 6)]]
    values = np.array(rows)
    ours = is_seasonal(values, np.full(len(rows), 48), M)
    components = [ThetaModel(y, period=M).fit().forecast_components(M) for y in rows]
    theirs = [not np.all(c["seasonal"] == 1.0) for c in components]  # positive rows: mul
    np.testing.assert_array_equal(ours, theirs)
    assert ours.any() and not ours.all()


def test_seasonality_needs_two_seasons_and_variation():
    seasonal = series(36, amplitude=60.0, seed=0)
    values = np.array([seasonal, np.full(36, 5.0)])
    np.testing.assert_array_equal(is_seasonal(values, np.array([36, 36]), M), [True, False])
    assert not is_seasonal(values[:1], np.array([23]), M)[0]


@pytest.mark.parametrize("model", ["multiplicative", "additive"])
def test_decomposition_matches_seasonal_decompose_on_ragged_rows(model):
    long, short = series(50, amplitude=30.0, seed=1), series(29, amplitude=20.0, seed=2)
    values = np.zeros((2, 50))
    values[0], values[1, :29] = long, short
    mul = np.full(2, model == "multiplicative")
    indices = decomposition_indices(values, np.array([50, 29]), M, mul)
    for row, y in enumerate((long, short)):
        expected = seasonal_decompose(y, model=model, period=M).seasonal[:M]
        np.testing.assert_allclose(indices[row], expected, rtol=1e-12, atol=1e-12)


def test_adjustment_is_additive_when_a_value_is_not_positive_and_restores_exactly():
    y = series(48, amplitude=80.0, seed=3, level=60.0)
    y[5] = 0.0
    adjustment = seasonal_adjustment(y[None], np.array([48]), M)
    assert np.all(adjustment.factors == 1.0) and np.any(adjustment.offsets != 0.0)
    adjusted = adjustment.adjust(y[None])
    steps = np.arange(48)[None, :]
    np.testing.assert_allclose(adjustment.restore(adjusted, steps), y[None])
    expected = seasonal_decompose(y, model="additive", period=M).seasonal
    np.testing.assert_allclose(adjusted[0], y - expected)


def test_trend_slopes_are_least_squares_slopes_up_to_each_cut():
    rng = np.random.default_rng(0)
    values = rng.normal(10, 3, (2, 30))
    cuts = np.array([[10, 30], [2, 17]])
    slopes = trend_slopes(values, cuts)
    for row in range(2):
        for col in range(2):
            c = cuts[row, col]
            expected = np.polyfit(np.arange(c), values[row, :c], 1)[0]
            assert slopes[row, col] == pytest.approx(expected, rel=1e-10)
