"""Tests of sop_lib.engine.intermittent: Croston, SBA and TSB states, weights and forecasts,
against hand computations and plain-Python references."""
from __future__ import annotations

import numpy as np
import pytest

from sop_lib.engine import intermittent
from sop_lib.engine.grid import Grid
from sop_lib.engine.panel import Task
from tests.engine.builders import final_task

M = 12

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


def test_snapshots_at_several_cuts_by_hand_for_two_weights():
    """DEMAND after 3 months: z = 3, p = 2 for every weight. After 7 months with alpha 0.5:
    z = 3 -> 4 -> 3, p = 2 -> 2.5 -> 2.25; with alpha 0.1 as in the test above."""
    snap = intermittent.croston_pass(np.array([DEMAND]), np.array([[0.1, 0.5]]),
                                     np.array([[3, 7]]))
    np.testing.assert_allclose(snap["z"][0], [[3.0, 3.0], [3.08, 3.0]])
    np.testing.assert_allclose(snap["p"][0], [[2.0, 2.0], [2.09, 2.25]])
    # SBA's one-step forecasts are Croston's times (1 - alpha/2): 0, 0, then 3/2 * factor
    factor = 1 - 0.5 / 2
    assert snap["sba"][0, 0, 1] == pytest.approx(0 + 3.0 ** 2 + (0 - 1.5 * factor) ** 2)


def test_rows_snapshot_at_their_own_counts():
    """Each row's states after its own number of observations equal a pass over that row
    alone."""
    rng = np.random.default_rng(3)
    values = rng.poisson(0.6, (3, 20)) * 4.0
    at = np.array([[20], [9], [14]])
    alpha = np.array([[0.1, 0.3]])
    together = intermittent.croston_pass(values, alpha, at)
    params = Grid.product(alpha=(0.1, 0.3), beta=(0.05, 0.2))
    together_tsb = intermittent.tsb_pass(values, params, at)
    for row in range(3):
        alone = intermittent.croston_pass(values[row:row + 1], alpha, at[row:row + 1])
        alone_tsb = intermittent.tsb_pass(values[row:row + 1], params, at[row:row + 1])
        for key in ("z", "p", "croston", "sba"):
            np.testing.assert_array_equal(together[key][row], alone[key][0])
        for key in ("d", "z", "sse"):
            np.testing.assert_array_equal(together_tsb[key][row], alone_tsb[key][0])


def test_constant_demand_by_hand():
    """Demand of 4 every month: Croston's size is 4 and interval 1 whatever the weight (ties go
    to the first weight), so it forecasts 4; SBA's error grows with alpha, so it takes the
    smallest, 0.05, and forecasts 4 * (1 - 0.025) = 3.9; TSB's probability is 1: 4."""
    task = final_task(np.full(24, 4.0), 3)
    np.testing.assert_allclose(intermittent.croston(task)[0, 0], [4.0] * 3)
    np.testing.assert_allclose(intermittent.sba(task)[0, 0], [3.9] * 3)
    np.testing.assert_allclose(intermittent.tsb(task)[0, 0], [4.0] * 3)


def test_first_interval_counts_from_the_start_and_forecasts_before_the_first_demand_are_zero():
    """0, 0, 0, 5, 0, 3 with cuts after 2, 4 and 6 months. After 2: no demand yet -> 0.
    After 4: size 5 over an interval of 4 -> 1.25 for Croston and TSB (d = 1/4), and SBA
    0.975 * 1.25 (the in-sample errors do not depend on the weight before the second demand,
    so the first weight, 0.05, is kept). After 6: Croston z = 5 + 0.05 * (3 - 5) = 4.9,
    p = 4 + 0.05 * (2 - 4) = 3.9; TSB's error falls with beta (the zero month lowers d, the
    demand of 3 is above d * z), so beta 0.02 with the first alpha 0.05: d = 0.25 * 0.98 =
    0.245, then 0.245 + 0.02 * (1 - 0.245) = 0.2601, z = 4.9."""
    values = np.array([[0.0, 0.0, 0.0, 5.0, 0.0, 3.0]])
    task = Task(values, fit_end=np.array([6]), cuts=np.array([[2, 4, 6]]), horizon=2,
                season_length=M)
    np.testing.assert_allclose(intermittent.croston(task)[0],
                               [[0.0, 0.0], [1.25, 1.25], [4.9 / 3.9] * 2])
    np.testing.assert_allclose(intermittent.sba(task)[0],
                               np.array([[0.0, 0.0], [1.25, 1.25], [4.9 / 3.9] * 2]) * 0.975)
    np.testing.assert_allclose(intermittent.tsb(task)[0],
                               [[0.0, 0.0], [1.25, 1.25], [0.2601 * 4.9] * 2])


def scalar_tsb(y, alpha, beta):
    """Plain-Python TSB: (SSE of the one-step forecasts, forecast after the last month)."""
    d = z = 0.0
    started, since, sse = False, 0, 0.0
    for value in y:
        sse += (value - d * z) ** 2
        since += 1
        if value > 0 and not started:
            d, z = 1 / since, value
        elif started:
            d += beta * ((value > 0) - d)
            if value > 0:
                z += alpha * (value - z)
        if value > 0:
            since, started = 0, True
    return sse, d * z


def test_tsb_picks_the_parameters_with_the_smallest_in_sample_error():
    rng = np.random.default_rng(2)
    values = rng.poisson(0.4, (4, 36)) * rng.integers(1, 9, (4, 36)).astype(float)
    task = final_task(values, 3)
    forecasts = intermittent.tsb(task)[:, 0]
    grid = intermittent.TSB_GRID
    for row in range(4):
        results = [scalar_tsb(values[row], a, b)
                   for a, b in zip(grid["alpha"][0], grid["beta"][0])]
        best = int(np.argmin([sse for sse, _ in results]))
        np.testing.assert_allclose(forecasts[row], [results[best][1]] * 3, rtol=1e-12)
