"""Tests of sop_lib.engine.backtest: rolling-origin windows, out-of-sample backtest forecasts,
mean absolute errors and the WAPE and MASE scales."""
from __future__ import annotations

import numpy as np
import pytest

from sop_lib.engine import METHODS
from sop_lib.engine.backtest import (
    MIN_TRAIN,
    mean_absolute_errors,
    measure_scale,
    naive_scale,
    windows,
)
from sop_lib.engine.methods import run
from sop_lib.engine.panel import Task

M = 12


def test_windows_end_at_the_history_and_shrink_for_short_series():
    values = np.arange(1.0, 41.0)[None, :].repeat(2, axis=0)
    lengths = np.array([40, 10])
    win = windows(values, lengths, horizon=18, count=3)
    np.testing.assert_array_equal(win.origins, [[20, 21, 22], [3, 4, 5]])
    # row 0: three full windows, the last ending with the last month
    assert win.valid[0].all()
    np.testing.assert_array_equal(win.actual[0, 2], values[0, 22:40])
    # row 1: 10 months; the windows keep MIN_TRAIN months before the first origin, then stop
    # at the end of the history: 7, 6 and 5 months
    assert win.origins[1, 0] == MIN_TRAIN
    np.testing.assert_array_equal(win.valid[1].sum(axis=1), [7, 6, 5])
    assert np.isnan(win.actual[1, 0, 7:]).all()


def test_windows_keep_the_preferred_training_when_the_history_allows():
    values = np.ones((3, 60))
    win = windows(values, np.array([60, 40, 10]), horizon=18, count=3, preferred=24)
    # 60 months: full windows leave 40 months of training anyway
    np.testing.assert_array_equal(win.origins[0], [40, 41, 42])
    # 40 months: 24 months of training, windows of 16, 15 and 14 months
    np.testing.assert_array_equal(win.origins[1], [24, 25, 26])
    np.testing.assert_array_equal(win.valid[1].sum(axis=1), [16, 15, 14])
    # 10 months: as much training as leaves the last window one month
    np.testing.assert_array_equal(win.origins[2], [7, 8, 9])
    np.testing.assert_array_equal(win.valid[2].sum(axis=1), [3, 2, 1])


def test_series_of_min_train_months_or_fewer_have_no_backtest():
    win = windows(np.ones((2, 5)), np.array([3, 4]), horizon=6, count=3)
    np.testing.assert_array_equal(win.has_backtest, [False, True])


def test_backtest_forecasts_use_only_data_before_their_origin():
    """Changing every month from an origin on leaves the forecasts from that origin (and the
    earlier ones) unchanged, for every method: the backtest is out of sample."""
    rng = np.random.default_rng(0)
    t = np.arange(60)
    values = (300 + 2 * t + 40 * np.sin(2 * np.pi * t / M) + rng.normal(0, 10, (4, 60)))
    values[3] = rng.poisson(0.5, 60) * 7.0
    lengths = np.full(4, 60)
    win = windows(values, lengths, horizon=12, count=3)
    for k in range(3):
        changed = values.copy()
        origin = win.origins[0, k]  # the same for every row here
        changed[:, origin:] = rng.uniform(0, 1000, (4, 60 - origin))
        for name in METHODS:
            before = run(name, Task(values, fit_end=win.fit_end, cuts=win.origins, horizon=12,
                                    season_length=M), np.ones(4, dtype=bool))
            after = run(name, Task(changed, fit_end=win.fit_end, cuts=win.origins, horizon=12,
                                   season_length=M), np.ones(4, dtype=bool))
            np.testing.assert_array_equal(before[:, :k + 1], after[:, :k + 1], err_msg=name)


def test_measures_wape_and_mase_by_hand():
    values = np.array([[10.0, 12.0, 11.0, 13.0, 12.0, 14.0]])
    win = windows(values, np.array([6]), horizon=2, count=1)  # origin 4: actuals 12, 14
    forecasts = np.array([[[13.0, 12.0]]])
    mae = mean_absolute_errors(forecasts, win)
    assert mae[0] == pytest.approx(1.5)
    wape = mae / measure_scale(values, win, "wape", season_length=M)
    assert wape[0] == pytest.approx((1 + 2) / (12 + 14))
    # MASE: fewer than a season before the origin -> lag-1 in-sample MAE: |2|,|1|,|2| -> 5/3
    mase = mae / measure_scale(values, win, "mase", season_length=M)
    assert mase[0] == pytest.approx(1.5 / (5 / 3))
    seasonal = np.arange(40.0)[None, :] % 5
    win = windows(seasonal, np.array([40]), horizon=4, count=1)  # origin 36
    scale = measure_scale(seasonal, win, "mase", season_length=M)
    lagged = np.abs(seasonal[0, 12:36] - seasonal[0, :24]).mean()
    assert scale[0] == pytest.approx(lagged)


def test_a_method_without_forecasts_for_a_row_is_not_scored():
    win = windows(np.ones((1, 30)), np.array([30]), horizon=3, count=2)
    forecasts = np.ones((1, 2, 3))
    forecasts[0, 1, 2] = np.nan
    assert np.isnan(mean_absolute_errors(forecasts, win)[0])


def test_windows_hold_the_actuals_from_each_origin_and_nan_after_the_history():
    values = np.array([[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 0.0, 0.0],
                       [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0]])
    win = windows(values, np.array([8, 10]), horizon=3, count=2)
    # row 0: latest origin 8 - 3 - 1 = 4; row 1: 10 - 3 - 1 = 6
    np.testing.assert_array_equal(win.origins, [[4, 5], [6, 7]])
    np.testing.assert_array_equal(win.fit_end, [4, 6])
    np.testing.assert_array_equal(win.actual[0], [[5.0, 6.0, 7.0], [6.0, 7.0, 8.0]])
    np.testing.assert_array_equal(win.actual[1], [[70.0, 80.0, 90.0], [80.0, 90.0, 100.0]])
    assert win.valid.all() and win.has_backtest.all()
    short = windows(values, np.array([5, 10]), horizon=3, count=2)
    # 5 months: origins 3 and 4 (MIN_TRAIN first); the windows hold 2 and 1 months
    np.testing.assert_array_equal(short.origins[0], [3, 4])
    np.testing.assert_array_equal(short.actual[0, 0], [4.0, 5.0, np.nan])
    np.testing.assert_array_equal(short.actual[0, 1], [5.0, np.nan, np.nan])


def test_an_empty_row_has_no_backtest_and_no_error():
    values = np.zeros((2, 12))
    values[1] = np.arange(12.0)
    win = windows(values, np.array([0, 12]), horizon=2, count=2)
    np.testing.assert_array_equal(win.has_backtest, [False, True])
    mae = mean_absolute_errors(np.zeros((2, 2, 2)), win)
    assert np.isnan(mae[0])
    assert mae[1] == pytest.approx(np.mean([9, 10, 10, 11]))  # origins 9, 10


def test_mean_absolute_errors_ignore_forecasts_outside_the_windows():
    """A NaN forecast for a month after the history is not missing: that month is not
    part of the backtest."""
    values = np.array([[4.0, 4.0, 4.0, 6.0, 2.0]])
    win = windows(values, np.array([5]), horizon=3, count=1)  # origin 3: actuals 6, 2
    forecasts = np.array([[[5.0, 5.0, np.nan]]])
    assert mean_absolute_errors(forecasts, win)[0] == pytest.approx((1 + 3) / 2)


def test_wape_scale_is_the_mean_absolute_actual_and_undefined_for_zero_demand():
    values = np.array([[5.0, 5.0, 5.0, -2.0, 4.0],
                       [5.0, 5.0, 5.0, 0.0, 0.0]])
    win = windows(values, np.array([5, 5]), horizon=2, count=1)  # origin 3
    scale = measure_scale(values, win, "wape", season_length=M)
    assert scale[0] == pytest.approx((2 + 4) / 2)
    assert np.isnan(scale[1])


def test_mase_scale_switches_to_the_seasonal_lag_after_one_full_season():
    """Season of 4. Four months before the origin: lag-1 differences |1|, |1|, |1| -> 1. Five
    months: one seasonal difference |9 - 1| -> 8."""
    values = np.array([[1.0, 2.0, 3.0, 4.0, 9.0, 10.0]])
    at_a_season = windows(values, np.array([5]), horizon=1, count=1)
    after_a_season = windows(values, np.array([6]), horizon=1, count=1)
    assert at_a_season.fit_end[0] == 4 and after_a_season.fit_end[0] == 5
    assert measure_scale(values, at_a_season, "mase", season_length=4)[0] == pytest.approx(1.0)
    assert measure_scale(values, after_a_season, "mase", season_length=4)[0] == pytest.approx(8)


def test_mase_scale_of_a_constant_history_is_undefined():
    values = np.array([[7.0] * 10 + [9.0, 3.0]])
    win = windows(values, np.array([12]), horizon=2, count=1)
    assert np.isnan(measure_scale(values, win, "mase", season_length=M)[0])


def test_naive_scale_absolute_and_squared_by_hand():
    """Season of 4. Row 0, 9 months: seasonal differences 4, -2, 0, 6, 3 -> MAE 3, RMSE
    sqrt(65 / 5). Row 1, 4 months (not more than a season): lag-1 differences 1, -3, 2 ->
    MAE 2, RMSE sqrt(14 / 3); the months after the end are ignored."""
    values = np.array([[1.0, 5.0, 2.0, 3.0, 5.0, 3.0, 2.0, 9.0, 8.0],
                       [4.0, 5.0, 2.0, 4.0, 100.0, -50.0, 0.0, 0.0, 0.0]])
    end = np.array([9, 4])
    np.testing.assert_allclose(naive_scale(values, end, 4), [3.0, 2.0])
    np.testing.assert_allclose(naive_scale(values, end, 4, squared=True),
                               [np.sqrt(65 / 5), np.sqrt(14 / 3)])
    loop = []
    for row, stop in zip(values, end):
        lag = 4 if stop > 4 else 1
        loop.append(np.sqrt(np.mean([(row[t] - row[t - lag]) ** 2 for t in range(lag, stop)])))
    np.testing.assert_allclose(naive_scale(values, end, 4, squared=True), loop)
