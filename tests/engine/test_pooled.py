"""Tests of sop_lib.engine.pooled: one ridge autoregression on normalised windows, learnt
from all series together."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sop_lib.engine import forecast_matrix
from sop_lib.engine import pooled as pooled_module
from sop_lib.engine.panel import Task
from sop_lib.engine.pooled import LAGS, RECENT, RIDGE, fit, forecast, pooled

M = 12


def seasonal_panel(series: int, months: int, seed: int, noise: float = 0.0) -> np.ndarray:
    """Series of different levels and phases of one seasonal shape."""
    rng = np.random.default_rng(seed)
    t = np.arange(months)
    level = rng.uniform(50, 500, (series, 1))
    phase = rng.integers(0, M, (series, 1))
    shape = 1 + 0.3 * np.sin(2 * np.pi * (t + phase) / M) + 0.1 * np.cos(4 * np.pi * t / M)
    return level * shape * (1 + rng.normal(0, noise, (series, months)))


def fit_by_hand(values: np.ndarray, fit_end: np.ndarray, horizon: int) -> np.ndarray:
    """The ridge coefficients (LAGS, horizon) from the module's description, by plain loops:
    for step k, each row's RECENT latest windows of LAGS months whose month k after the window
    is before the fit end, divided by the mean absolute value of the window's last 12 months,
    less 1; no intercept."""
    result = np.zeros((LAGS, horizon))
    for k in range(horizon):
        design, target = [], []
        for row, end_of_fit in zip(values, fit_end):
            ends = [end for end in range(LAGS, end_of_fit - k)][-RECENT:]
            for end in ends:
                window = row[end - LAGS:end]
                scale = np.mean(np.abs(window[-12:]))
                if scale == 0:
                    continue
                design.append(window / scale - 1)
                target.append(row[end + k] / scale - 1)
        x, y = np.array(design), np.array(target)
        result[:, k] = np.linalg.solve(x.T @ x + RIDGE * np.eye(LAGS), x.T @ y)
    return result


def test_fit_is_the_ridge_regression_on_normalised_windows():
    values = seasonal_panel(5, 80, seed=1, noise=0.05)
    values[1, :40] = 0.0  # zeros before a launch: windows without recent demand are left out
    fit_end = np.array([80, 70, 50, 30, 26])
    np.testing.assert_allclose(fit(values, fit_end, 6), fit_by_hand(values, fit_end, 6),
                               rtol=1e-8, atol=1e-10)


def test_fit_uses_only_months_before_each_fit_end():
    values = seasonal_panel(6, 70, seed=2, noise=0.05)
    fit_end = np.array([70, 60, 50, 40, 45, 66])
    coefficients = fit(values, fit_end, 6)
    changed = values.copy()
    rng = np.random.default_rng(3)
    for row, end in enumerate(fit_end):
        changed[row, end:] = rng.uniform(0, 1000, 70 - end)
    np.testing.assert_array_equal(fit(changed, fit_end, 6), coefficients)
    changed[1, 59] += 100.0  # the last month before a fit end is used
    assert not np.allclose(fit(changed, fit_end, 6), coefficients)


def test_coefficients_do_not_depend_on_the_units_of_a_series():
    """Every window is divided by its own scale, so a series counted in other units (here
    one with zeros before its launch, and one with a year without demand) teaches the same."""
    values = seasonal_panel(30, 60, seed=12, noise=0.1)
    values[0, :30] = 0.0
    values[1, 20:35] = 0.0
    coefficients = fit(values, np.full(30, 60), 6)
    rescaled = values.copy()
    rescaled[:2] *= 1000.0
    np.testing.assert_allclose(fit(rescaled, np.full(30, 60), 6), coefficients, rtol=1e-9,
                               atol=1e-12)


def test_a_constant_series_is_forecast_constant():
    coefficients = fit(seasonal_panel(30, 60, seed=4, noise=0.1), np.full(30, 60), 12)
    values = np.full((3, 40), 37.5)
    values[1] = 0.0
    values[2, 28:] = 0.0  # no demand for the last 12 months
    result = forecast(values, np.array([[40, 28]]).repeat(3, axis=0), coefficients, 12)
    np.testing.assert_allclose(result[0], 37.5, rtol=1e-12)
    np.testing.assert_array_equal(result[1], 0.0)
    np.testing.assert_array_equal(result[2, 0], 0.0)
    np.testing.assert_allclose(result[2, 1], 37.5, rtol=1e-12)  # from month 28: constant


def test_a_shared_seasonal_shape_is_continued():
    values = seasonal_panel(60, 72, seed=5)
    truth = seasonal_panel(60, 90, seed=5)[:, 72:]
    coefficients = fit(values, np.full(60, 72), 18)
    result = forecast(values, np.full((60, 1), 72), coefficients, 18)[:, 0]
    np.testing.assert_allclose(result, truth, rtol=0.02)


def test_forecasts_need_lags_months_before_the_cut():
    values = seasonal_panel(3, 40, seed=6)
    coefficients = fit(values, np.full(3, 40), 4)
    result = forecast(values, np.array([[LAGS - 1, LAGS, 40]] * 3), coefficients, 4)
    assert np.isnan(result[:, 0]).all()
    assert np.isfinite(result[:, 1:]).all()


def test_without_given_coefficients_the_task_learns_from_its_own_rows():
    values = seasonal_panel(8, 50, seed=7, noise=0.05)
    task = Task(values, fit_end=np.full(8, 40), cuts=np.array([[40, 45, 50]] * 8),
                horizon=6, season_length=M)
    coefficients = fit(values, np.full(8, 40), 6)
    expected = forecast(values, task.cuts, coefficients, 6)
    np.testing.assert_array_equal(pooled(task), expected)
    other = fit(seasonal_panel(8, 50, seed=8, noise=0.05), np.full(8, 50), 6)
    given = Task(values, fit_end=np.full(8, 40), cuts=task.cuts, horizon=6, season_length=M,
                 pooled=other)
    np.testing.assert_array_equal(pooled(given), forecast(values, task.cuts, other, 6))


def test_at_most_max_series_rows_spread_evenly_are_learnt_from(monkeypatch):
    values = seasonal_panel(20, 50, seed=9, noise=0.1)
    fit_end = np.full(20, 50)
    monkeypatch.setattr(pooled_module, "MAX_SERIES", 5)
    rows = [0, 4, 9, 14, 19]  # int(linspace(0, 19, 5))
    np.testing.assert_array_equal(fit(values, fit_end, 3),
                                  fit(values[rows], fit_end[rows], 3))
    assert not np.allclose(fit(values, fit_end, 3), fit(values[:5], fit_end[:5], 3))
    monkeypatch.setattr(pooled_module, "MAX_SERIES", 20)
    assert not np.allclose(fit(values, fit_end, 3), fit(values[rows], fit_end[rows], 3))


def test_forecast_matrix_learns_the_pooled_model_from_all_series_whatever_the_chunks():
    y = seasonal_panel(25, 50, seed=10, noise=0.1)
    y[3, :30] = np.nan
    whole = forecast_matrix(y, 6, methods=["pooled", "theta"], chunk_size=100)
    chunked = forecast_matrix(y, 6, methods=["pooled", "theta"], chunk_size=4)
    np.testing.assert_array_equal(whole.point, chunked.point)
    pd.testing.assert_frame_equal(whole.scores, chunked.scores)
    assert np.isfinite(whole.scores["pooled"].drop(index=3)).all()
    # the row too short for the pooled model's backtest is not scored on it
    assert np.isnan(whole.scores["pooled"][3])
    assert whole.method[0] == "combo: pooled+theta"


@pytest.mark.parametrize("series", [0, 1])
def test_fit_of_no_usable_windows_is_zero(series):
    """Too few months (or no rows): no windows, the ridge solution is zero, so forecasts
    are each window's own scale (the last 12 months' mean)."""
    values = seasonal_panel(series, 20, seed=11)
    coefficients = fit(values, np.full(series, 20), 3)
    np.testing.assert_array_equal(coefficients, np.zeros((LAGS, 3)))
