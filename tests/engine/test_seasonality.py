"""Tests of sop_lib.engine.seasonality: the 90% seasonality test and classical decomposition
against statsmodels, the moving average, seasonal means and adjusting and restoring by hand."""
from __future__ import annotations

import numpy as np
import pytest
from statsmodels.tsa.forecasting.theta import ThetaModel
from statsmodels.tsa.seasonal import seasonal_decompose

from sop_lib.engine.seasonality import (
    Adjustment,
    centred_moving_average,
    decomposition_indices,
    is_seasonal,
    seasonal_adjustment,
    seasonal_means,
    valid_mask,
)
from tests.engine.builders import series

M = 12


def test_seasonality_test_agrees_with_statsmodels():
    rows = [series(48, amplitude=a, seed=s) for a, s in [(0, 1), (5, 2), (10, 3), (40, 4),
                                                          (15, 5), (8, 6)]]
    values = np.array(rows)
    ours = is_seasonal(values, np.full(len(rows), 48), M)
    components = [ThetaModel(y, period=M).fit().forecast_components(M) for y in rows]
    theirs = [not np.all(c["seasonal"] == 1.0) for c in components]  # positive rows: mul
    np.testing.assert_array_equal(ours, theirs)
    assert ours.any() and not ours.all()


def test_seasonality_needs_two_seasons_and_variation():
    seasonal = series(36, amplitude=60.0, seed=0)
    values = np.array([seasonal, np.full(36, 5.0)])
    np.testing.assert_array_equal(is_seasonal(values, np.array([36, 36]), M), [True, False])
    assert not is_seasonal(values[:1], np.array([23]), M)[0]


@pytest.mark.parametrize("model", ["multiplicative", "additive"])
def test_decomposition_matches_seasonal_decompose_on_ragged_rows(model):
    long, short = series(50, amplitude=30.0, seed=1), series(29, amplitude=20.0, seed=2)
    values = np.zeros((2, 50))
    values[0], values[1, :29] = long, short
    mul = np.full(2, model == "multiplicative")
    indices = decomposition_indices(values, np.array([50, 29]), M, mul)
    for row, y in enumerate((long, short)):
        expected = seasonal_decompose(y, model=model, period=M).seasonal[:M]
        np.testing.assert_allclose(indices[row], expected, rtol=1e-12, atol=1e-12)


def test_adjustment_is_additive_when_a_value_is_not_positive_and_restores_exactly():
    y = series(48, amplitude=80.0, seed=3, level=60.0)
    y[5] = 0.0
    adjustment = seasonal_adjustment(y[None], np.array([48]), M)
    assert np.all(adjustment.factors == 1.0) and np.any(adjustment.offsets != 0.0)
    adjusted = adjustment.adjust(y[None])
    steps = np.arange(48)[None, :]
    np.testing.assert_allclose(adjustment.restore(adjusted, steps), y[None])
    expected = seasonal_decompose(y, model="additive", period=M).seasonal
    np.testing.assert_allclose(adjusted[0], y - expected)


def test_adjust_and_restore_multiplicative_indices_by_hand():
    adjustment = Adjustment(factors=np.array([[2.0, 0.5]]), offsets=np.zeros((1, 2)))
    values = np.array([[4.0, 1.0, 6.0, 3.0]])
    adjusted = adjustment.adjust(values)
    np.testing.assert_array_equal(adjusted, [[2.0, 2.0, 3.0, 6.0]])
    # forecasts of 10 for time indices 4, 5 and 7: positions 0, 1 and 1
    restored = adjustment.restore(np.array([[[10.0, 10.0, 10.0]]]), np.array([[[4, 5, 7]]]))
    np.testing.assert_array_equal(restored, [[[20.0, 5.0, 5.0]]])


def test_adjust_and_restore_additive_offsets_per_row():
    adjustment = Adjustment(factors=np.ones((2, 3)),
                            offsets=np.array([[1.0, -1.0, 0.0], [0.0, 0.0, 0.0]]))
    values = np.array([[11.0, 9.0, 10.0, 12.0], [5.0, 6.0, 7.0, 8.0]])
    adjusted = adjustment.adjust(values)
    np.testing.assert_array_equal(adjusted, [[10.0, 10.0, 10.0, 11.0], [5.0, 6.0, 7.0, 8.0]])
    steps = np.arange(4)[None, :].repeat(2, axis=0)
    np.testing.assert_array_equal(adjustment.restore(adjusted, steps), values)


def test_valid_mask_marks_each_rows_observations():
    np.testing.assert_array_equal(valid_mask(np.array([0, 2, 3]), 3),
                                  [[False, False, False], [True, True, False],
                                   [True, True, True]])


def test_no_seasonality_without_a_season_length_or_with_too_few_months():
    values = np.tile([1.0, 9.0], 20)[None, :]  # strongly seasonal at lag 2
    assert is_seasonal(values, np.array([40]), 2)[0]
    assert not is_seasonal(values, np.array([40]), 1)[0]
    assert not is_seasonal(values[:, :2], np.array([2]), 2)[0]  # no pair a season apart
    assert not is_seasonal(values[:, :3], np.array([3]), 2)[0]  # 1.5 seasons: fewer than two


def test_centred_moving_average_2x4_by_hand_and_nan_outside_each_row():
    """2x4: (v[t-2] / 2 + v[t-1] + v[t] + v[t+1] + v[t+2] / 2) / 4. On 4, 0, 8, 0 repeated
    that is 3 wherever the window fits; the second row has 6 observations, so its average
    stops two months before its end."""
    values = np.array([[4.0, 0.0, 8.0, 0.0, 4.0, 0.0, 8.0, 0.0],
                       [4.0, 0.0, 8.0, 0.0, 4.0, 0.0, 0.0, 0.0]])
    trend = centred_moving_average(values, np.array([8, 6]), 4)
    nan = np.nan
    np.testing.assert_array_equal(trend[0], [nan, nan, 3.0, 3.0, 3.0, 3.0, nan, nan])
    np.testing.assert_array_equal(trend[1], [nan, nan, 3.0, 3.0, nan, nan, nan, nan])


def test_centred_moving_average_of_an_odd_season_is_a_plain_mean():
    values = np.array([[3.0, 6.0, 9.0, 3.0, 6.0, 9.0]])
    trend = centred_moving_average(values, np.array([6]), 3)
    np.testing.assert_allclose(trend[0, 1:5], [6.0] * 4)
    assert np.isnan(trend[0, [0, 5]]).all()
    short = centred_moving_average(values[:, :2], np.array([2]), 3)  # window never fits
    assert np.isnan(short).all()


def test_seasonal_means_skip_missing_values_per_position():
    detrended = np.array([[np.nan, 1.0, 3.0, np.nan, 5.0]])  # positions 0, 1, 0, 1, 0
    np.testing.assert_array_equal(seasonal_means(detrended, 2), [[4.0, 1.0]])


@pytest.mark.parametrize("multiplicative", [True, False])
def test_decomposition_indices_are_normalised(multiplicative):
    values = np.array([series(40, amplitude=30.0, seed=seed) for seed in range(3)])
    indices = decomposition_indices(values, np.full(3, 40), M, np.full(3, multiplicative))
    np.testing.assert_allclose(indices.mean(axis=1), 1.0 if multiplicative else 0.0,
                               atol=1e-12)


def test_seasonal_adjustment_leaves_non_seasonal_rows_as_they_are():
    seasonal, flat = series(48, amplitude=60.0, seed=4), np.full(48, 50.0)
    values = np.array([seasonal, flat, np.r_[seasonal[:20], np.zeros(28)]])
    adjustment = seasonal_adjustment(values, np.array([48, 48, 20]), M)
    # row 0: positive and seasonal -> multiplicative; rows 1 (constant) and 2 (20 months): none
    assert not np.all(adjustment.factors[0] == 1.0)
    np.testing.assert_array_equal(adjustment.offsets[0], 0.0)
    np.testing.assert_array_equal(adjustment.factors[1:], 1.0)
    np.testing.assert_array_equal(adjustment.offsets[1:], 0.0)
    expected = seasonal_decompose(seasonal, model="multiplicative", period=M).seasonal[:M]
    np.testing.assert_allclose(adjustment.factors[0], expected, rtol=1e-12)
    np.testing.assert_array_equal(adjustment.adjust(values)[1], flat)
