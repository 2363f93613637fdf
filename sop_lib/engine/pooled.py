"""A pooled (global) linear model: one autoregression on normalised lags, learnt from every
series of the panel together.

Each training example is a window of LAGS months of one series, divided by the mean absolute
value of its last 12 months, and the months that follow it (divided alike), both less 1; one
ridge regression per forecast step, without intercept, maps the window to that step, so a
series that does not change is forecast to stay where it is. Thousands of related SKUs teach
it shapes (seasonal swings, ramps) that one short series cannot; alone it forecasts worse
than the smoothing methods, but its errors differ from theirs, which is what a combination
needs. A window whose last 12 months are all 0 has no scale: it is left out of the fit,
and a series with no demand in its last 12 months is forecast 0 (a fixed stand-in scale,
not being in the series' units, let a few such windows, e.g. zeros before a launch, pull
the coefficients of every series). Windows are taken only from the observations before
each series' fit end, so its backtest stays out of sample. The engine learns it once from
all the series it forecasts (`Task.pooled`), so a series' forecast does not depend on how the
series are cut in chunks.
"""
from __future__ import annotations

import numpy as np

from sop_lib.engine.panel import Task

LAGS = 24
SCALE_MONTHS = 12
RIDGE = 1.0
RECENT = 36  # windows per series and step: the most recent ones
MAX_SERIES = 5_000  # series it learns from: all of them, or this many spread evenly


def fit(values: np.ndarray, fit_end: np.ndarray, horizon: int) -> np.ndarray:
    """Coefficients (LAGS, horizon) learnt from the RECENT
    latest windows of each row of `values` (up to MAX_SERIES rows spread evenly) whose
    following month ends by the row's fit end."""
    rows = np.unique(np.linspace(0, values.shape[0] - 1, min(values.shape[0], MAX_SERIES))
                     .astype(int)) if values.shape[0] else np.arange(0)
    values, fit_end = values[rows], fit_end[rows]
    back = np.arange(RECENT + horizon)[None, :]
    ends = fit_end[:, None] - 1 - back  # a window of the LAGS months before `end`
    window = _windows(values, ends)
    scale = _scale(window)
    with np.errstate(invalid="ignore", divide="ignore"):
        design = window / scale - 1  # not finite only for windows left out below
    penalty = RIDGE * np.eye(LAGS)
    solved = []
    for k in range(horizon):
        usable = (ends >= LAGS) & (back >= k) & (back < k + RECENT)  # month end + k is seen
        usable &= scale[:, :, 0] > 0  # windows of no recent demand teach nothing of shape
        x = design[usable]
        target = np.take_along_axis(values, np.clip(ends + k, 0, values.shape[1] - 1), axis=1)
        y = target[usable] / scale[usable][:, 0] - 1
        solved.append(np.linalg.lstsq(x.T @ x + penalty, x.T @ y, rcond=None)[0])
    return np.stack(solved, axis=1)


def forecast(values: np.ndarray, cuts: np.ndarray, coefficients: np.ndarray,
             horizon: int) -> np.ndarray:
    """Forecasts (n, C, h) from the LAGS months before each cut; NaN where a cut has fewer."""
    window = _windows(values, cuts)
    scale = _scale(window)
    with np.errstate(invalid="ignore", divide="ignore"):
        result = ((window / scale - 1) @ coefficients[:, :horizon] + 1) * scale
    result[(scale == 0)[..., 0]] = 0.0  # no demand in the last SCALE_MONTHS months: none
    result[cuts < LAGS] = np.nan
    return result


def pooled(task: Task) -> np.ndarray:
    """The pooled model's forecasts from every cut: coefficients given with the task (learnt
    from all the series being forecast), else learnt from the task's own rows."""
    coefficients = task.pooled
    if coefficients is None:
        coefficients = fit(task.values, task.fit_end, task.horizon)
    return forecast(task.values, task.cuts, coefficients, task.horizon)


def _windows(values: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The LAGS months before each end (n, E) of each row, (n, E, LAGS) (clipped at the
    edges: callers mask ends before LAGS)."""
    index = ends[:, :, None] - LAGS + np.arange(LAGS)[None, None, :]
    rows = np.arange(values.shape[0])[:, None, None]
    return values[rows, np.clip(index, 0, max(values.shape[1] - 1, 0))]


def _scale(window: np.ndarray) -> np.ndarray:
    """Mean absolute value of each window's last SCALE_MONTHS months (0 when they are all
    0: such windows are left out of the fit and forecast 0, as no fixed stand-in scale
    would be in the series' units)."""
    return np.abs(window[..., -SCALE_MONTHS:]).mean(axis=-1, keepdims=True)
