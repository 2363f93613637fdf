"""Tests of sop_lib.engine.intervals: the noise scale of each series, scaled backtest errors
and the offsets pooled over series by step."""
from __future__ import annotations

import numpy as np
import pytest

from sop_lib.engine.intervals import noise_scale, pooled_offsets, scaled_errors
from sop_lib.engine.panel import Task, left_align

M = 12


def test_pooled_offsets_are_centred_quantiles_and_extrapolate_unreached_steps():
    scaled = np.full((50, 1, 4), np.nan)
    scaled[:, 0, :2] = np.linspace(-1, 1, 50)[:, None] * [1.0, 2.0] + 3.0  # median 3
    result = pooled_offsets(scaled, (0.1, 0.5, 0.9))
    np.testing.assert_allclose(result[:, 1], np.quantile(np.linspace(-2, 2, 50), [0.1, 0.5, 0.9]),
                               atol=1e-12)
    np.testing.assert_allclose(result[:, 3], result[:, 1] * np.sqrt(4 / 2))
    assert np.isnan(pooled_offsets(np.full((3, 2, 4), np.nan), (0.1,))).all()


def test_scaled_errors_divide_each_row_by_its_scale_and_blank_what_is_not_finite():
    errors = np.array([[[2.0, -4.0], [np.nan, 6.0]],
                       [[1.0, 1.0], [0.0, 3.0]],
                       [[5.0, 5.0], [5.0, 5.0]],
                       [[0.0, 1.0], [2.0, 3.0]]])
    scale = np.array([2.0, 0.0, np.nan, 0.5])
    scaled = scaled_errors(errors, scale)
    np.testing.assert_array_equal(scaled[0], [[1.0, -2.0], [np.nan, 3.0]])
    assert np.isnan(scaled[1]).all()  # zero scale: 1/0 and 0/0 are not offsets
    assert np.isnan(scaled[2]).all()
    np.testing.assert_array_equal(scaled[3], [[0.0, 2.0], [4.0, 6.0]])
    np.testing.assert_array_equal(scaled_errors(np.array([[3.0, 6.0]]), np.array([3.0])),
                                  [[1.0, 2.0]])


def test_pooled_offsets_pool_every_row_and_origin_of_a_step_and_the_median_has_none():
    """Step 0 holds 1..9 spread over rows and origins (one NaN left out): quantiles 0.1, 0.5,
    0.9 of 1..9 are 1.8, 5, 8.2, minus the median 5."""
    scaled = np.full((3, 4, 1), np.nan)
    scaled[:, :3, 0] = np.arange(1.0, 10.0).reshape(3, 3)
    result = pooled_offsets(scaled, (0.1, 0.5, 0.9))
    np.testing.assert_allclose(result[:, 0], [-3.2, 0.0, 3.2])


def test_steps_before_the_first_reached_step_take_its_offsets_shrunk():
    """Only step 2 (the third month) has errors: step 0 takes them times sqrt(1/3), step 1
    times sqrt(2/3), step 3 times sqrt(4/3)."""
    scaled = np.full((5, 1, 4), np.nan)
    scaled[:, 0, 2] = [-2.0, -1.0, 0.0, 1.0, 2.0]
    result = pooled_offsets(scaled, (0.0, 1.0))
    np.testing.assert_allclose(result[:, 2], [-2.0, 2.0])
    np.testing.assert_allclose(result[:, 0], [-2.0 * np.sqrt(1 / 3), 2.0 * np.sqrt(1 / 3)])
    np.testing.assert_allclose(result[:, 1], [-2.0 * np.sqrt(2 / 3), 2.0 * np.sqrt(2 / 3)])
    np.testing.assert_allclose(result[:, 3], [-2.0 * np.sqrt(4 / 3), 2.0 * np.sqrt(4 / 3)])


def test_a_gap_between_reached_steps_grows_from_the_last_reached_step_before_it():
    scaled = np.full((2, 1, 3), np.nan)
    scaled[:, 0, 0] = [-1.0, 1.0]
    scaled[:, 0, 2] = [-5.0, 5.0]
    result = pooled_offsets(scaled, (0.0,))
    np.testing.assert_allclose(result[0], [-1.0, -np.sqrt(2), -5.0])


def ragged_task(rows) -> Task:
    """Fit on and forecast from the end of each row (rows of any length)."""
    width = max(len(row) for row in rows)
    y = np.array([[np.nan] * (width - len(row)) + list(row) for row in rows])
    panel = left_align(y)
    return Task(panel.values, fit_end=panel.lengths, cuts=panel.lengths[:, None], horizon=2,
                season_length=M)


def test_noise_scale_by_hand():
    """10, 12, 11 (within the first season: the naive forecast, lag 1): errors 2 and 1, scale
    sqrt(5 / 2). A constant series: scale 0. Under three months: no scale. Past a season:
    lag 12."""
    scale = noise_scale(ragged_task([[10.0, 12.0, 11.0], [5.0, 5.0, 5.0, 5.0], [3.0, 4.0],
                                     [float(t % 12) for t in range(12)] + [2.0, 3.0, 5.0]]))
    assert scale[0] == pytest.approx(np.sqrt(2.5))
    assert scale[3] == pytest.approx(np.sqrt((4 + 4 + 9) / 3))
    assert scale[1] == 0.0
    assert np.isnan(scale[2])


def test_noise_scale_uses_only_the_history_before_the_fit_end():
    values = np.array([[10.0, 12.0, 11.0, 500.0, -300.0]])
    task = Task(values, fit_end=np.array([3]), cuts=np.array([[5]]), horizon=1,
                season_length=M)
    assert noise_scale(task)[0] == pytest.approx(np.sqrt(2.5))
