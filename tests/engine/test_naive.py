"""Tests of sop_lib.engine.naive: naive, seasonal naive and Naive2 forecasts on small
hand-computed cases, from the end of the history and from backtest cuts."""
from __future__ import annotations

import numpy as np
from statsmodels.tsa.seasonal import seasonal_decompose

from sop_lib.engine import naive
from sop_lib.engine.panel import Task
from tests.engine.builders import final_task

M = 12


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


def test_last_values_are_the_observations_just_before_each_cut():
    values = np.array([[10.0, 11.0, 12.0, 13.0, 14.0], [20.0, 21.0, 22.0, 0.0, 0.0]])
    cuts = np.array([[1, 3, 5], [2, 3, 3]])
    np.testing.assert_array_equal(naive.last_values(values, cuts),
                                  [[10.0, 12.0, 14.0], [21.0, 22.0, 22.0]])


def test_naive_from_backtest_cuts_uses_the_month_before_each_cut():
    values = np.array([[5.0, 8.0, 6.0, 9.0, 7.0, 4.0]])
    task = Task(values, fit_end=np.array([3]), cuts=np.array([[3, 4, 5]]), horizon=2,
                season_length=M)
    np.testing.assert_array_equal(naive.naive(task)[0], [[6.0, 6.0], [9.0, 9.0], [7.0, 7.0]])


def test_seasonal_naive_by_hand_with_a_short_season_and_an_uneven_cut():
    """Season of 4, ten months seen (values 0..9): the last season is 6, 7, 8, 9, and the
    next six months repeat it: 6, 7, 8, 9, 6, 7."""
    values = np.array([[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]])
    task = Task(values, fit_end=np.array([10]), cuts=np.array([[10]]), horizon=6,
                season_length=4)
    np.testing.assert_array_equal(naive.seasonal_naive(task)[0, 0], [6, 7, 8, 9, 6, 7])


def test_seasonal_naive_of_a_backtest_cut_ignores_the_months_after_it():
    values = np.arange(1.0, 25.0)[None, :]
    changed = values.copy()
    changed[0, 16:] = -1.0
    for y in (values, changed):
        task = Task(y, fit_end=np.array([16]), cuts=np.array([[16]]), horizon=4,
                    season_length=4)
        np.testing.assert_array_equal(naive.seasonal_naive(task)[0, 0], [13, 14, 15, 16])


def test_naive2_of_a_series_too_short_to_be_seasonal_is_naive():
    """Under two seasons the seasonality test is never passed: Naive2 is plain naive."""
    y = 100 + 40 * np.sin(2 * np.pi * np.arange(23) / M)
    task = final_task(y, 5)
    np.testing.assert_array_equal(naive.naive2(task)[0, 0], np.full(5, y[-1]))
    np.testing.assert_array_equal(naive.naive2(task), naive.naive(task))
