"""Tests of sop_lib.engine.theta against statsmodels' ThetaModel."""
from __future__ import annotations

import numpy as np
import pytest
from statsmodels.tsa.forecasting.theta import ThetaModel

from sop_lib.engine import forecast_matrix, smoothing
from sop_lib.engine import theta as theta_module
from sop_lib.engine.panel import Task
from sop_lib.engine.theta import trend_slopes
from tests.engine.builders import final_task, series

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


# Optimised and dynamic optimised Theta (Fiorucci et al. 2016)

def lines_by_hand(y: np.ndarray) -> list[tuple[float, float]]:
    """(intercept, slope) of the least-squares line through y at times 1..k, for k = 0..T
    (a flat line through y[0] for k = 1, zeros for k = 0)."""
    result = [(0.0, 0.0), (float(y[0]), 0.0)]
    for k in range(2, y.size + 1):
        slope, intercept = np.polyfit(np.arange(1, k + 1), y[:k], 1)
        result.append((intercept, slope))
    return result


def theta_by_hand(y: np.ndarray, alpha: float, weights: np.ndarray, dynamic: bool,
                  horizon: int):
    """In-sample one-step squared errors (one per weight) and forecasts (weights x horizon),
    month by month from the formula of `_fitted_theta`'s docstring:
    l_k + w ((1 - a)^k A + (s - 1 + (1 - (1 - a)^(k + 1)) / a) B), level l = SES from y[0]."""
    lines = lines_by_hand(y)
    n = y.size
    level = y[0]
    sse = np.zeros_like(weights)
    for k in range(1, n):
        a_line, b_line = lines[k] if dynamic else lines[n]
        drift = (1 - alpha) ** k * a_line + (1 - (1 - alpha) ** (k + 1)) / alpha * b_line
        sse += (y[k] - (level + weights * drift)) ** 2
        level += alpha * (y[k] - level)
    a_line, b_line = lines[n]
    steps = np.arange(1, horizon + 1)
    drift = (1 - alpha) ** n * a_line + (steps - 1 + (1 - (1 - alpha) ** (n + 1)) / alpha
                                         ) * b_line
    return sse, level + weights[:, None] * drift[None, :]


def fitted_theta(y: np.ndarray, dynamic: bool, horizon: int = 6) -> np.ndarray:
    """The engine's OTM or DOTM forecast of one non-seasonal series (season length 1)."""
    function = theta_module.dynamic_theta if dynamic else theta_module.optimised_theta
    return function(final_task(y, horizon, season_length=1))[0, 0]


THETAS = np.linspace(1.0, theta_module.MAX_THETA, 90_001)  # brute-force search, step 1e-4


@pytest.mark.parametrize("dynamic", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_otm_and_dotm_choose_the_pair_a_brute_force_search_chooses(dynamic, seed):
    """Over the alpha grid and theta in [1, MAX_THETA] (step 1e-4), the pair with the
    smallest in-sample squared error gives the engine's forecast; the engine's exact weight
    fits at least as well as the best weight of the search."""
    rng = np.random.default_rng(seed)
    y = 50 + np.cumsum(rng.normal(0.8, 3, 20))
    weights = 1 - 1 / THETAS
    best = None
    for alpha in theta_module.THETA_ALPHAS:
        sse, forecasts = theta_by_hand(y, alpha, weights, dynamic, 6)
        k = int(np.argmin(sse))
        if best is None or sse[k] < best[0]:
            best = (sse[k], alpha, forecasts[k])
    best_sse, alpha, expected = best
    ours = fitted_theta(y, dynamic)
    np.testing.assert_allclose(ours, expected, rtol=1e-4)
    # the engine's weight, read off its forecast's slope, at the chosen alpha
    b_line = lines_by_hand(y)[-1][1]
    weight = (ours[1] - ours[0]) / b_line
    assert 0 <= weight <= 1 - 1 / theta_module.MAX_THETA + 1e-12
    sse, forecasts = theta_by_hand(y, alpha, np.array([weight]), dynamic, 6)
    assert sse[0] <= best_sse + 1e-9
    np.testing.assert_allclose(ours, forecasts[0], rtol=1e-10)


@pytest.mark.parametrize("dynamic", [False, True])
def test_otm_and_dotm_continue_a_straight_line_up_to_the_theta_cap(dynamic):
    """On y = 5 + 2t the fit wants theta -> infinity (the whole slope); capped at MAX_THETA,
    the forecast keeps (1 - 1/MAX_THETA) of the slope, so step s misses the line by at most
    (s + 1) * 2 / MAX_THETA."""
    t = np.arange(30.0)
    ours = fitted_theta(5 + 2 * t, dynamic, horizon=18)
    truth = 5 + 2 * np.arange(30.0, 48.0)
    np.testing.assert_allclose(np.diff(ours), 2 * (1 - 1 / theta_module.MAX_THETA))
    steps = np.arange(1, 19)
    assert np.all(truth - ours >= 0)
    assert np.all(truth - ours <= (steps + 1) * 2 / theta_module.MAX_THETA)


def test_dotm_differs_from_otm_when_the_trend_changes():
    """Up for 30 months, then down: the dynamic model's in-sample lines follow the turn, the
    standard model's one line through all the data does not, so they choose different
    parameters and forecast differently; on a steady trend they agree closely."""
    rng = np.random.default_rng(0)
    turning = np.concatenate([100 + 3 * np.arange(30), 190 - 2 * np.arange(1, 31)])
    turning = turning + rng.normal(0, 2, 60)
    standard, dynamic = fitted_theta(turning, False), fitted_theta(turning, True)
    assert np.max(np.abs(standard - dynamic)) > 0.5
    steady = 100 + 3 * np.arange(60) + rng.normal(0, 2, 60)
    np.testing.assert_allclose(fitted_theta(steady, False), fitted_theta(steady, True),
                               rtol=0.01)


@pytest.mark.parametrize("function", [theta_module.optimised_theta,
                                      theta_module.dynamic_theta])
def test_otm_and_dotm_forecast_from_each_cut_with_only_the_data_before_it(function):
    values = np.stack([series(60, amplitude=40.0, seed=seed) for seed in range(3)])
    fit_end = np.array([36, 40, 30])
    cuts = np.array([[36, 42, 48], [40, 44, 50], [30, 40, 50]])
    task = Task(values, fit_end=fit_end, cuts=cuts, horizon=12, season_length=M)
    before = function(task)
    assert np.isfinite(before).all()
    rng = np.random.default_rng(5)
    for column in range(3):
        changed = values.copy()
        for row in range(3):
            cut = cuts[row, column]
            changed[row, cut:] = rng.uniform(0, 1000, 60 - cut)
        after = function(Task(changed, fit_end=fit_end, cuts=cuts, horizon=12,
                              season_length=M))
        np.testing.assert_array_equal(after[:, :column + 1], before[:, :column + 1])
        if column < 2:
            assert not np.allclose(after[:, column + 1:], before[:, column + 1:])


@pytest.mark.parametrize("function", [theta_module.optimised_theta,
                                      theta_module.dynamic_theta])
def test_otm_and_dotm_are_finite_on_seasonal_positive_series_and_follow_the_season(function):
    values = np.full((2, 72), np.nan)
    values[0] = series(72, amplitude=60.0, seed=72)
    values[1, 24:] = series(48, amplitude=60.0, seed=48)
    forecasts = function(final_task(values, 24))[:, 0]
    assert np.isfinite(forecasts).all()
    # the season's peak month (t % 12 == 3) stays above its trough (t % 12 == 9)
    for row, months in enumerate((72, 48)):
        steps = np.arange(months, months + 24)
        peak, trough = forecasts[row][steps % M == 3], forecasts[row][steps % M == 9]
        assert np.all(peak > trough + 60)
