"""Tests of the engine's simple and intermittent methods (naive.py, intermittent.py) and of
the method registry, on small hand-computed cases."""
from __future__ import annotations

import numpy as np
import pytest
from statsmodels.tsa.seasonal import seasonal_decompose

from sop_lib.engine import METHODS, intermittent, naive
from sop_lib.engine.grid import Grid
from sop_lib.engine.methods import REGISTRY, eligible, run
from sop_lib.engine.panel import Task, left_align

M = 12


def final_task(y, horizon: int, season_length: int = M) -> Task:
    """Forecast from the end of each (possibly late-starting) row, fitted on all of it."""
    panel = left_align(np.atleast_2d(np.asarray(y, dtype=float)))
    return Task(panel.values, fit_end=panel.lengths, cuts=panel.lengths[:, None],
                horizon=horizon, season_length=season_length)


def test_naive_repeats_the_last_value_of_each_row():
    task = final_task([[np.nan, 1.0, 2.0, 7.0], [4.0, 5.0, 6.0, 3.0]], 3)
    np.testing.assert_array_equal(naive.naive(task)[:, 0], [[7.0] * 3, [3.0] * 3])


def test_seasonal_naive_repeats_the_last_season_exactly():
    history = np.arange(1.0, 31.0)  # 30 months
    ragged = np.concatenate([[np.nan] * 5, history[5:]])  # a row that starts 5 months late
    task = final_task([history, ragged], 27)
    forecast = naive.seasonal_naive(task)[:, 0]
    last_season = history[-12:]
    np.testing.assert_array_equal(forecast[0], np.tile(last_season, 3)[:27])
    np.testing.assert_array_equal(forecast[1], np.tile(last_season, 3)[:27])


def test_naive2_is_naive_on_non_seasonal_rows_and_reseasonalises_seasonal_rows():
    rng = np.random.default_rng(0)
    t = np.arange(48)
    flat = 100 + rng.normal(0, 1, 48)
    seasonal = 100 * (1 + 0.3 * np.sin(2 * np.pi * t / M)) + rng.normal(0, 1, 48)
    task = final_task([flat, seasonal], 12)
    forecast = naive.naive2(task)[:, 0]
    np.testing.assert_array_equal(forecast[0], np.full(12, flat[-1]))
    index = seasonal_decompose(seasonal, model="multiplicative", period=M).seasonal[:M]
    expected = seasonal[-1] / index[47 % M] * index[(48 + np.arange(12)) % M]
    np.testing.assert_allclose(forecast[1], expected, rtol=1e-12)


DEMAND = [0.0, 3.0, 0.0, 0.0, 5.0, 0.0, 2.0]


def test_croston_and_sba_states_by_hand():
    """alpha 0.1: first demand 3 after an interval of 2; then 5 after 3: z = 3 + 0.1*(5-3)
    = 3.2, p = 2 + 0.1*(3-2) = 2.1; then 2 after 2: z = 3.2 + 0.1*(2-3.2) = 3.08,
    p = 2.1 + 0.1*(2-2.1) = 2.09."""
    values = np.array([DEMAND])
    snap = intermittent.croston_pass(values, np.array([[0.1]]), np.array([[7]]))
    assert snap["z"][0, 0, 0] == pytest.approx(3.08)
    assert snap["p"][0, 0, 0] == pytest.approx(2.09)
    # one-step forecasts: 0 until the first demand, 3/2 after it, 3.2/2.1 after the second
    fitted = [0, 0, 1.5, 1.5, 1.5, 3.2 / 2.1, 3.2 / 2.1]
    sse = sum((y - f) ** 2 for y, f in zip(DEMAND, fitted))
    assert snap["croston"][0, 0, 0] == pytest.approx(sse)


def test_tsb_states_by_hand():
    """alpha 0.1, beta 0.2: first demand 3 after 2 months -> d = 1/2, z = 3; two zero months
    -> d = 0.4, 0.32; demand 5 -> d = 0.456, z = 3.2; zero -> d = 0.3648; demand 2 ->
    d = 0.49184, z = 3.08."""
    values = np.array([DEMAND])
    snap = intermittent.tsb_pass(values, Grid.point(alpha=0.1, beta=0.2), np.array([[7]]))
    assert snap["d"][0, 0, 0] == pytest.approx(0.49184)
    assert snap["z"][0, 0, 0] == pytest.approx(3.08)
    fitted = [0, 0, 1.5, 0.4 * 3, 0.32 * 3, 0.456 * 3.2, 0.3648 * 3.2]
    assert snap["sse"][0, 0, 0] == pytest.approx(sum((y - f) ** 2
                                                     for y, f in zip(DEMAND, fitted)))


def scalar_croston_sse(y, alpha, bias_corrected):
    """Plain-Python Croston/SBA: SSE of the one-step forecasts, as a reference for the grid."""
    z = p = None
    since, sse = 0, 0.0
    for value in y:
        rate = 0.0 if z is None else z / p * ((1 - alpha / 2) if bias_corrected else 1)
        sse += (value - rate) ** 2
        since += 1
        if value > 0:
            z, p = (value, since) if z is None else (z + alpha * (value - z),
                                                     p + alpha * (since - p))
            since = 0
    return sse


def test_croston_and_sba_pick_the_weight_with_the_smallest_in_sample_error():
    rng = np.random.default_rng(1)
    values = rng.poisson(0.3, (4, 40)) * rng.integers(1, 9, (4, 40)).astype(float)
    task = final_task(values, 2)
    for method, corrected in ((intermittent.croston, False), (intermittent.sba, True)):
        forecasts = method(task)[:, 0, 0]
        for row in range(4):
            sse = [scalar_croston_sse(values[row], a, corrected)
                   for a in intermittent.CROSTON_ALPHAS]
            alpha = intermittent.CROSTON_ALPHAS[int(np.argmin(sse))]
            factor = (1 - alpha / 2) if corrected else 1.0
            z = p = None
            since = 0
            for value in values[row]:
                since += 1
                if value > 0:
                    z, p = (value, since) if z is None else (z + alpha * (value - z),
                                                             p + alpha * (since - p))
                    since = 0
            assert forecasts[row] == pytest.approx(factor * z / p)


def test_intermittent_methods_forecast_zero_without_any_demand():
    task = final_task(np.zeros((1, 20)), 4)
    for method in (intermittent.croston, intermittent.sba, intermittent.tsb):
        np.testing.assert_array_equal(method(task), 0.0)


def test_tsb_follows_a_drop_in_demand_probability_and_croston_does_not():
    """Obsolescence: regular demand for 30 months, then none for 12; Croston still forecasts
    the old rate, TSB a lower one."""
    values = np.concatenate([np.full(30, 4.0), np.zeros(12)])[None, :]
    task = final_task(values, 1)
    assert intermittent.tsb(task)[0, 0, 0] < 0.5 * intermittent.croston(task)[0, 0, 0]


def test_methods_are_eligible_from_their_minimum_history():
    assert set(METHODS) == set(REGISTRY)
    lengths = [REGISTRY[name].min_length(M) for name in ("naive", "snaive", "hw_add")]
    assert lengths == [1, 12, 24]
    values = np.ones((3, 30))
    task = Task(values, fit_end=np.array([11, 12, 30]), cuts=np.array([[11], [12], [30]]),
                horizon=2, season_length=M)
    positive = np.array([True, True, False])
    np.testing.assert_array_equal(eligible("snaive", task, positive), [False, True, True])
    np.testing.assert_array_equal(eligible("hw_mul", task, positive), [False, False, False])
    forecasts = run("snaive", task, positive)
    assert np.isnan(forecasts[0]).all() and (forecasts[1:] == 1.0).all()
