"""Tests of sop_lib.engine.smoothing: the batched recursions against statsmodels' Holt-Winters
at fixed parameters and known initial states, and the choice of parameters."""
from __future__ import annotations

import numpy as np
import pytest
from statsmodels.tsa.holtwinters import ExponentialSmoothing

from sop_lib.engine import smoothing
from sop_lib.engine.grid import Grid
from sop_lib.engine.panel import Task
from sop_lib.engine.smoothing import Model, States, predict, smooth

M = 12
T = 50
H = 30  # more than two seasons, so forecasts reuse every seasonal state


def seasonal_history(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(T)
    return 200 + 1.2 * t + 30 * np.sin(2 * np.pi * t / M) + rng.normal(0, 4, T)


def ours(y, model: Model, params: dict, level, trend=None, season=None):
    """(one-step fitted values for y[1:], forecasts for H months) from the engine's kernel."""
    grid = Grid.point(**params)
    initial = States(level=np.array([[level]]),
                     trend=None if trend is None else np.array([[trend]]),
                     season=None if season is None else np.asarray(season)[None, :])
    every = np.arange(1, T + 1)[None, :]
    one_step = predict(smooth(y[None], grid, initial, model, every), grid, model, every, 1)
    end = np.array([[T]])
    forecast = predict(smooth(y[None], grid, initial, model, end), grid, model, end, H)
    return one_step[0, :-1, 0], forecast[0, 0]


def check_against(fit, fitted, forecast, *, seasonal: bool):
    """Fitted values and forecasts agree with statsmodels to 1e-8. statsmodels <= 0.15 (bug
    #9538, fixed by PR #10230) forecasts the steps that are whole seasons ahead with the
    previous season's factor instead of the last one; there the engine must equal the textbook
    forecast computed from statsmodels' own final states."""
    np.testing.assert_allclose(fitted, fit.fittedvalues[1:], rtol=1e-8)
    reference = np.asarray(fit.forecast(H))
    if seasonal:
        steps = np.arange(1, H + 1)
        whole = steps % M == 0
        np.testing.assert_allclose(forecast[~whole], reference[~whole], rtol=1e-8)
        model = fit.model
        phi = fit.params["damping_trend"] if model.damped_trend else 1.0
        damping = np.cumsum(phi ** steps)
        base = fit.level[-1] + damping * fit.trend[-1]
        last_season = fit.season[-1]
        textbook = base * last_season if model.seasonal == "mul" else base + last_season
        np.testing.assert_allclose(forecast[whole], textbook[whole], rtol=1e-8)
        assert not np.allclose(forecast[whole], reference[whole])
    else:
        np.testing.assert_allclose(forecast, reference, rtol=1e-8)


def test_ses_matches_statsmodels():
    y = seasonal_history()
    fit = ExponentialSmoothing(y, initialization_method="known", initial_level=190.0).fit(
        smoothing_level=0.35, optimized=False)
    fitted, forecast = ours(y, Model(), {"alpha": 0.35}, 190.0)
    check_against(fit, fitted, forecast, seasonal=False)


def test_damped_holt_matches_statsmodels():
    y = seasonal_history(1)
    fit = ExponentialSmoothing(y, trend="add", damped_trend=True, initialization_method="known",
                               initial_level=195.0, initial_trend=1.5).fit(
        smoothing_level=0.4, smoothing_trend=0.15, damping_trend=0.9, optimized=False)
    fitted, forecast = ours(y, Model(trend=True), {"alpha": 0.4, "beta": 0.15, "phi": 0.9},
                            195.0, 1.5)
    check_against(fit, fitted, forecast, seasonal=False)


@pytest.mark.parametrize("seasonal", ["add", "mul"])
def test_holt_winters_matches_statsmodels(seasonal):
    y = seasonal_history(2)
    shape = 30 * np.sin(2 * np.pi * np.arange(M) / M)
    season = shape if seasonal == "add" else 1 + shape / 200
    fit = ExponentialSmoothing(y, trend="add", damped_trend=True, seasonal=seasonal,
                               seasonal_periods=M, initialization_method="known",
                               initial_level=198.0, initial_trend=1.0,
                               initial_seasonal=season).fit(
        smoothing_level=0.3, smoothing_trend=0.1, damping_trend=0.95, smoothing_seasonal=0.2,
        optimized=False)
    fitted, forecast = ours(y, Model(trend=True, seasonal=seasonal, season_length=M),
                            {"alpha": 0.3, "beta": 0.1, "phi": 0.95, "gamma": 0.2}, 198.0, 1.0,
                            season)
    check_against(fit, fitted, forecast, seasonal=True)


def test_holt_winters_additive_without_damping_matches_statsmodels():
    y = seasonal_history(3)
    season = 25 * np.cos(2 * np.pi * np.arange(M) / M)
    fit = ExponentialSmoothing(y, trend="add", seasonal="add", seasonal_periods=M,
                               initialization_method="known", initial_level=200.0,
                               initial_trend=0.5, initial_seasonal=season).fit(
        smoothing_level=0.5, smoothing_trend=0.05, smoothing_seasonal=0.1, optimized=False)
    fitted, forecast = ours(y, Model(trend=True, seasonal="add", season_length=M),
                            {"alpha": 0.5, "beta": 0.05, "phi": 1.0, "gamma": 0.1}, 200.0, 0.5,
                            season)
    check_against(fit, fitted, forecast, seasonal=True)


def test_rows_and_grid_columns_are_independent():
    """Every (series, parameter set) pair gives what it gives alone."""
    rng = np.random.default_rng(4)
    y = 100 + rng.normal(0, 10, (3, 40)).cumsum(axis=1)
    grid = Grid.product(alpha=(0.1, 0.5), beta=(0.05, 0.2), phi=(0.9,))
    initial = States(level=y[:, :1], trend=np.zeros((3, 1)))
    model = Model(trend=True)
    at = np.array([[40], [25], [33]])
    together = smooth(y, grid, initial, model, at)
    for row in range(3):
        for col in range(grid.size):
            alone_grid = Grid({k: v[:, col:col + 1] for k, v in grid.values.items()})
            alone = smooth(y[row:row + 1], alone_grid,
                           States(level=y[row:row + 1, :1], trend=np.zeros((1, 1))), model,
                           at[row:row + 1])
            assert together.sse[row, 0, col] == alone.sse[0, 0, 0]
            assert together.level[row, 0, col] == alone.level[0, 0, 0]


def simulate_local_level(alpha: float, series: int, months: int, seed: int) -> np.ndarray:
    """y_t = l_{t-1} + e_t, l_t = l_{t-1} + alpha e_t: the process SES is optimal for."""
    rng = np.random.default_rng(seed)
    errors = rng.normal(0, 1, (series, months))
    level = 50 + np.cumsum(alpha * errors, axis=1)
    return np.concatenate([np.full((series, 1), 50.0), level[:, :-1]], axis=1) + errors


@pytest.mark.parametrize("alpha", [0.2, 0.6])
def test_grid_recovers_the_smoothing_weight_of_simulated_series(alpha):
    y = simulate_local_level(alpha, series=200, months=120, seed=5)
    lengths = np.full(200, 120)
    task = Task(y, fit_end=lengths, cuts=lengths[:, None], horizon=1, season_length=M)
    _, params = smoothing.ses_states(task)
    chosen = params["alpha"][:, 0]
    assert abs(np.median(chosen) - alpha) <= 0.1
    assert np.mean(np.abs(chosen - alpha) <= 0.2) >= 0.8


def test_line_start_is_the_least_squares_line_one_step_before_the_start():
    y = np.array([[10.0, 12.0, 13.0, 17.0, 0.0], [5.0, 5.0, 5.0, 5.0, 5.0]])
    level, trend = smoothing.line_start(y, np.array([4, 5]))
    slope, intercept = np.polyfit(np.arange(4), y[0, :4], 1)
    assert trend[0, 0] == pytest.approx(slope)
    assert level[0, 0] == pytest.approx(intercept - slope)
    assert (level[1, 0], trend[1, 0]) == (5.0, 0.0)
