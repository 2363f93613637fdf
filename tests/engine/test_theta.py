"""Tests of sop_lib.engine.theta against statsmodels' ThetaModel."""
from __future__ import annotations

import numpy as np
import pytest
from statsmodels.tsa.forecasting.theta import ThetaModel

from sop_lib.engine import forecast_matrix, smoothing
from sop_lib.engine.theta import trend_slopes
from tests.engine.builders import series

M = 12
H = 18


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
