"""Tests of sop_lib.engine.selection: each series' method, or the mean of its best methods,
chosen by backtest error."""
from __future__ import annotations

import numpy as np

from sop_lib.engine import forecast_matrix
from sop_lib.engine.backtest import windows
from sop_lib.engine.selection import select

M = 12


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
