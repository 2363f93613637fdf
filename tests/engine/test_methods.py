"""Tests of sop_lib.engine.methods: the method registry, each method's minimum history and
which rows are candidates for it."""
from __future__ import annotations

import numpy as np

from sop_lib.engine import METHODS
from sop_lib.engine.methods import REGISTRY, eligible, run
from sop_lib.engine.panel import Task

M = 12


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
