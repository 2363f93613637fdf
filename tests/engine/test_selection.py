"""Tests of sop_lib.engine.selection: each series' method, or the mean of its best methods,
chosen by backtest error."""
from __future__ import annotations

import numpy as np
import pytest

from sop_lib.core.errors import ParameterError
from sop_lib.engine import forecast_matrix
from sop_lib.engine.backtest import mean_absolute_errors, windows
from sop_lib.engine.selection import mean_of_all, select

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


def mean_case():
    """Four rows, actuals 100; methods in the order z, a, m. Row 0: all three backtested;
    row 1: a has no backtest forecast for one origin; row 2: m has no final forecast and z no
    backtest; row 3: only a."""
    values = np.full((4, 30), 100.0)
    win = windows(values, np.full(4, 30), horizon=4, count=3)
    shape = (4, 3, 4)
    past = {"z": np.full(shape, 112.0), "a": np.full(shape, 94.0), "m": np.full(shape, 103.0)}
    past["a"][1, 2, 3] = np.nan
    past["z"][2] = np.nan
    past["z"][3] = np.nan
    past["m"][3] = np.nan
    final = {"z": np.full((4, 4), 10.0), "a": np.full((4, 4), 20.0),
             "m": np.arange(16.0).reshape(4, 4)}
    final["m"][2, 1] = np.nan
    return past, final, win


def test_the_mean_of_all_averages_the_methods_with_a_backtest():
    past, final, win = mean_case()
    chosen = mean_of_all(past, final, win)
    assert chosen.candidates == ["z", "a", "m", "combo"]
    assert list(chosen.label) == ["combo: z+a+m", "combo: z+m", "a", "a"]
    np.testing.assert_allclose(chosen.final[0], (10 + 20 + final["m"][0]) / 3)
    np.testing.assert_allclose(chosen.final[1], (10 + final["m"][1]) / 2)
    np.testing.assert_allclose(chosen.final[2], 20.0)
    np.testing.assert_allclose(chosen.final[3], 20.0)
    np.testing.assert_allclose(chosen.backtest[0], (112 + 94 + 103) / 3)
    np.testing.assert_allclose(chosen.backtest[1], (112 + 103) / 2)
    np.testing.assert_allclose(chosen.backtest[3], 94.0)
    # scores: each method's own backtest MAE, then the mean's
    np.testing.assert_allclose(chosen.mae[0], [12, 6, 3, 3])
    np.testing.assert_allclose(chosen.mae[1], [12, np.nan, 3, 7.5])
    np.testing.assert_allclose(chosen.mae[2], [np.nan, 6, 3, 6])
    np.testing.assert_allclose(chosen.mae[:, 3], mean_absolute_errors(chosen.backtest, win))


def test_a_row_without_any_backtested_method_has_no_mean():
    past, final, win = mean_case()
    for name in past:
        past[name][3] = np.nan
    chosen = mean_of_all(past, final, win)
    assert chosen.label[3] == ""
    assert np.isnan(chosen.final[3]).all() and np.isnan(chosen.mae[3]).all()
    assert chosen.label[0] == "combo: z+a+m"


def test_forecast_matrix_gives_the_mean_or_the_selection_as_asked():
    y = simulated_groups(2)[::12]
    mean = forecast_matrix(y, 6, methods=["naive", "snaive", "ses"])
    assert list(mean.scores.columns) == ["naive", "snaive", "ses", "combo"]
    assert set(mean.method) == {"combo: naive+snaive+ses"}
    select_ = forecast_matrix(y, 6, methods=["naive", "snaive", "ses"], choice="select")
    assert list(select_.scores.columns) == ["naive", "snaive", "ses", "combo2", "combo3"]
    single = forecast_matrix(y, 6, methods=["naive", "snaive", "ses"], combine=False)
    assert list(single.scores.columns) == ["naive", "snaive", "ses"]
    assert set(single.method) <= {"naive", "snaive", "ses"}
    alone = [forecast_matrix(y, 6, methods=[name]).point for name in ("naive", "snaive", "ses")]
    np.testing.assert_allclose(mean.point, np.mean(alone, axis=0))


def test_an_unknown_choice_is_refused_by_name():
    with pytest.raises(ParameterError, match="choice"):
        forecast_matrix(np.ones((1, 30)), 3, choice="bogus")
