"""Tests of the engine's backtest windows (backtest.py) and method choice (selection.py)."""
from __future__ import annotations

import numpy as np
import pytest

from sop_lib.engine import METHODS, forecast_matrix
from sop_lib.engine.backtest import MIN_TRAIN, mean_absolute_errors, measure_scale, windows
from sop_lib.engine.methods import run
from sop_lib.engine.panel import Task
from sop_lib.engine.selection import select

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


def selection_case():
    """Two rows; actuals 100 everywhere. Method a is 10 too high, b 10 too low, c 15 too high
    on row 0; on row 1, c is exact."""
    values = np.full((2, 30), 100.0)
    win = windows(values, np.array([30, 30]), horizon=4, count=3)
    shape = (2, 3, 4)
    past = {"a": np.full(shape, 110.0), "b": np.full(shape, 90.0), "c": np.full(shape, 115.0)}
    past["c"][1] = 100.0
    final = {"a": np.full((2, 4), 1.0), "b": np.full((2, 4), 3.0), "c": np.full((2, 4), 8.0)}
    return past, final, win


def test_the_combination_is_chosen_when_it_scores_best():
    past, final, win = selection_case()
    chosen = select(past, final, win, combine=True)
    assert chosen.candidates == ["a", "b", "c", "combo2", "combo3"]
    assert chosen.label[0] == "combo: a+b"  # mean of a and b is exact on row 0
    np.testing.assert_array_equal(chosen.final[0], 2.0)
    np.testing.assert_allclose(chosen.mae[0], [10, 10, 15, 0, 5])
    assert chosen.label[1] == "c"
    np.testing.assert_array_equal(chosen.final[1], 8.0)


def test_without_combinations_the_best_single_method_wins_and_ties_go_to_the_first():
    past, final, win = selection_case()
    chosen = select(past, final, win, combine=False)
    assert list(chosen.label) == ["a", "c"]
    assert chosen.mae.shape == (2, 3)


def simulated_groups(seed: int):
    """60 series each of: a random walk with drift, a seasonal random walk (each month = the same
    month a year before + noise) and noise around a constant level."""
    rng = np.random.default_rng(seed)
    walk = 500 + np.cumsum(rng.normal(15, 10, (60, 72)), axis=1)
    seasonal = np.tile(rng.uniform(50, 150, (60, M)), 6) + np.cumsum(
        rng.normal(0, 3, (60, 6, M)), axis=1).reshape(60, 72)
    steady = rng.normal(100, 20, (60, 72))
    return np.concatenate([walk, seasonal, steady])


def test_selection_picks_the_method_that_matches_the_process():
    y = simulated_groups(1)
    result = forecast_matrix(y, 12, methods=["naive", "snaive", "ses"], combine=False)
    groups = result.method.reshape(3, 60)
    assert np.mean(groups[0] == "naive") >= 0.9
    assert np.mean(groups[1] == "snaive") >= 0.9
    # three overlapping 12-month windows are a small sample: a naive forecast of white noise
    # is lucky on about one series in ten
    assert np.mean(groups[2] == "ses") >= 0.75
    np.testing.assert_array_equal(result.scores.columns, ["naive", "snaive", "ses"])
