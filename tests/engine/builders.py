"""Rows and tasks for engine tests: a forecast task from the end of each row, a seasonal series."""
import numpy as np

from sop_lib.engine.panel import Task, left_align

M = 12


def final_task(y, horizon: int, season_length: int = M) -> Task:
    """Forecast from the end of each (possibly late-starting) row, fitted on all of it."""
    panel = left_align(np.atleast_2d(np.asarray(y, dtype=float)))
    return Task(panel.values, fit_end=panel.lengths, cuts=panel.lengths[:, None],
                horizon=horizon, season_length=season_length)


def series(months: int, *, amplitude: float, seed: int, level: float = 200.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(months)
    return level + 1.5 * t + amplitude * np.sin(2 * np.pi * t / M) + rng.normal(0, 8, months)
