"""Tests of sop_lib.engine.forecast_matrix: ragged rows, short series, chunking, determinism,
non-negativity, intervals, scores and argument checks."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sop_lib.core.errors import ParameterError
from sop_lib.engine import (
    INTERMITTENT_METHODS,
    METHODS,
    SMOOTH_METHODS,
    EngineResult,
    forecast_matrix,
)

M = 12


def demand(series: int, months: int, seed: int) -> np.ndarray:
    """Seasonal demand with trends and noise, some rows intermittent."""
    rng = np.random.default_rng(seed)
    t = np.arange(months)
    level = rng.uniform(50, 500, (series, 1))
    y = level * (1 + 0.3 * np.sin(2 * np.pi * (t + rng.integers(0, M, (series, 1))) / M)
                 + rng.normal(0.004, 0.003, (series, 1)) * t) + rng.normal(0, 1, (series, months)
                                                                 ) * 0.1 * level
    sparse = rng.uniform(size=(series, months)) < 0.5
    y[: series // 4] *= sparse[: series // 4]
    return np.maximum(np.round(y), 0.0)


def simulate_ets(series: int, months: int, seed: int) -> np.ndarray:
    """Additive damped-trend Holt-Winters processes with random parameters, half seasonal."""
    rng = np.random.default_rng(seed)
    alpha = rng.uniform(0.05, 0.5, (series, 1))
    beta = rng.uniform(0, 0.1, (series, 1)) * alpha
    phi = rng.uniform(0.85, 0.98, (series, 1))
    gamma = rng.uniform(0, 0.2, (series, 1))
    sigma = rng.uniform(3, 10, (series, 1))
    level, trend = rng.uniform(100, 300, (series, 1)), rng.normal(0, 1, (series, 1))
    season = rng.normal(0, 20, (series, M)) * rng.integers(0, 2, (series, 1))
    season -= season.mean(axis=1, keepdims=True)
    y = np.empty((series, months))
    for t in range(months):
        error = rng.normal(0, 1, (series, 1)) * sigma
        prior, current = level + phi * trend, season[:, t % M, None]
        y[:, t] = (prior + current + error)[:, 0]
        level, trend = prior + alpha * error, phi * trend + beta * error
        season[:, t % M] = (current + gamma * error)[:, 0]
    return y


def test_result_shapes_labels_and_scores():
    y = demand(20, 48, seed=1)
    result = forecast_matrix(y, 18)
    assert isinstance(result, EngineResult)
    assert result.point.shape == (20, 18)
    assert sorted(result.quantiles) == [0.1, 0.5, 0.9]
    assert all(q.shape == (20, 18) for q in result.quantiles.values())
    assert list(result.scores.columns) == [*SMOOTH_METHODS, "combo"]
    assert len(result.scores) == 20
    for row, label in enumerate(result.method):
        scores = result.scores.iloc[row]
        members = label.removeprefix("combo: ").split("+")
        assert members == [name for name in SMOOTH_METHODS if np.isfinite(scores[name])]
        assert np.isfinite(scores["combo"])


def test_the_mean_is_the_average_of_its_members():
    y = demand(12, 48, seed=4)
    methods = ("theta", "hw_add", "ets")
    mean = forecast_matrix(y, 6, methods=methods)
    for name in methods:
        assert forecast_matrix(y, 6, methods=(name,), combine=False).method[0] == name
    alone = [forecast_matrix(y, 6, methods=(name,), combine=False).point for name in methods]
    np.testing.assert_allclose(mean.point, np.mean(alone, axis=0))
    assert set(mean.method) == {"combo: theta+hw_add+ets"}


def test_ragged_rows_forecast_like_the_trimmed_series_alone():
    """Every method but the pooled one (which learns from all the rows) forecasts a series
    from its own history only."""
    y = demand(6, 60, seed=2)
    ragged = y.copy()
    ragged[0, :25] = np.nan
    ragged[3, :40] = np.nan
    own = ("theta", "hw_add", "hw_mul", "ets", "dotm")
    together = forecast_matrix(ragged, 12, methods=own)
    for row, start in ((0, 25), (3, 40), (5, 0)):
        alone = forecast_matrix(y[row:row + 1, start:], 12, methods=own)
        np.testing.assert_array_equal(together.point[row], alone.point[0])
        assert together.method[row] == alone.method[0]
        pd.testing.assert_series_equal(together.scores.iloc[row], alone.scores.iloc[0],
                                       check_names=False)


def test_short_series_fall_back_and_empty_rows_get_zero():
    y = np.full((4, 30), np.nan)
    y[0, -1:] = 7.0  # one month
    y[1, -3:] = [4.0, 6.0, 5.0]  # three months: too short to backtest
    y[2, -9:] = np.arange(1.0, 10.0)  # nine months: the Theta and ETS families only
    result = forecast_matrix(y, 6, methods=("ses", "theta", "damped", "hw_add", "hw_mul"),
                             choice="select")
    assert list(result.method[:2]) == ["naive", "naive"]
    np.testing.assert_array_equal(result.point[0], 7.0)
    np.testing.assert_array_equal(result.point[1], 5.0)
    assert result.scores.iloc[:2].isna().all().all()
    assert result.method[2] in ("ses", "theta", "combo: ses+theta")
    assert result.scores.iloc[2][["damped", "hw_add", "hw_mul"]].isna().all()
    assert result.method[3] == "no history"
    np.testing.assert_array_equal(result.point[3], 0.0)
    assert all(np.all(q[3] == 0.0) for q in result.quantiles.values())
    assert np.isnan(result.quantiles[0.9][0]).all()  # one month: no noise level to scale by


def test_chunking_gives_identical_results():
    y = demand(40, 50, seed=3)
    y[5, :20] = np.nan
    whole = forecast_matrix(y, 12, methods=METHODS)
    chunked = forecast_matrix(y, 12, methods=METHODS, chunk_size=7)
    np.testing.assert_array_equal(whole.point, chunked.point)
    np.testing.assert_array_equal(whole.method, chunked.method)
    for level in whole.quantiles:
        np.testing.assert_array_equal(whole.quantiles[level], chunked.quantiles[level])
    pd.testing.assert_frame_equal(whole.scores, chunked.scores)


def test_same_input_same_output():
    y = demand(15, 40, seed=4)
    first, second = forecast_matrix(y, 9), forecast_matrix(y.copy(), 9)
    np.testing.assert_array_equal(first.point, second.point)
    np.testing.assert_array_equal(first.quantiles[0.1], second.quantiles[0.1])
    np.testing.assert_array_equal(first.method, second.method)


def test_nonnegative_clips_forecasts_and_quantiles_at_zero():
    t = np.arange(36)
    falling = np.array([200.0 - 6 * t, 150.0 - 4 * t + np.sin(t)])  # heading below zero
    clipped = forecast_matrix(falling, 24, methods=["damped", "theta"])
    free = forecast_matrix(falling, 24, methods=["damped", "theta"], nonnegative=False)
    assert (free.point < 0).any() and (free.quantiles[0.1] < 0).any()
    assert (clipped.point >= 0).all()
    assert all((q >= 0).all() for q in clipped.quantiles.values())
    assert (clipped.point == 0).any()


def test_quantiles_are_ordered_and_cover_about_80_percent_of_simulated_outcomes():
    y = simulate_ets(600, 48 + 12, seed=7)
    history, future = y[:, :48], y[:, 48:]
    result = forecast_matrix(history, 12, quantiles=(0.1, 0.5, 0.9), nonnegative=False)
    low, mid, high = (result.quantiles[q] for q in (0.1, 0.5, 0.9))
    assert (low <= mid).all() and (mid <= high).all()
    inside = (future >= low) & (future <= high)
    assert abs(inside.mean() - 0.8) <= 0.05
    assert abs((future < mid).mean() - 0.5) <= 0.05
    np.testing.assert_array_equal(mid, result.point)


def test_any_quantile_levels():
    result = forecast_matrix(demand(10, 40, seed=5), 6, quantiles=(0.05, 0.25, 0.95))
    assert sorted(result.quantiles) == [0.05, 0.25, 0.95]
    assert (result.quantiles[0.05] <= result.quantiles[0.25]).all()


def test_measure_changes_the_scores_not_the_choice():
    y = demand(12, 48, seed=6)
    wape, mase = forecast_matrix(y, 12, measure="wape"), forecast_matrix(y, 12, measure="mase")
    np.testing.assert_array_equal(wape.method, mase.method)
    np.testing.assert_array_equal(wape.point, mase.point)
    assert not np.allclose(wape.scores.to_numpy(), mase.scores.to_numpy(), equal_nan=True)
    ratio = wape.scores.to_numpy() / mase.scores.to_numpy()  # one constant per series
    spread = np.nanmax(ratio, axis=1) - np.nanmin(ratio, axis=1)
    np.testing.assert_allclose(spread, 0.0, atol=1e-12)


def test_a_subset_of_methods_limits_the_candidates():
    y = demand(8, 40, seed=8)
    result = forecast_matrix(y, 6, methods=INTERMITTENT_METHODS)
    members = {name for label in result.method
               for name in label.removeprefix("combo: ").split("+")}
    assert members <= set(INTERMITTENT_METHODS)
    assert list(result.scores.columns) == [*INTERMITTENT_METHODS, "combo"]


@pytest.mark.parametrize("kwargs, message", [
    ({"horizon": 0}, "horizon"),
    ({"methods": ["theta", "arima"]}, "methods"),
    ({"methods": []}, "methods"),
    ({"methods": "theta"}, "list of names"),
    ({"measure": "mape"}, "measure"),
    ({"quantiles": (0.1, 1.0)}, "quantiles"),
    ({"origins": 0}, "origins"),
    ({"chunk_size": 2.5}, "chunk_size"),
])
def test_bad_options_are_refused(kwargs, message):
    options = {"horizon": 6, **kwargs}
    with pytest.raises(ParameterError, match=message):
        forecast_matrix(np.ones((2, 30)), options.pop("horizon"), **options)


def test_missing_values_inside_a_series_are_refused_with_their_place():
    y = np.ones((3, 20))
    y[1, 0] = np.nan  # leading: fine
    y[2, 7] = np.nan
    with pytest.raises(ParameterError, match=r"row 2, column 7"):
        forecast_matrix(y, 3)
    with pytest.raises(ParameterError, match="2-D"):
        forecast_matrix(np.ones(20), 3)
