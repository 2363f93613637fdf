"""Prediction quantiles from backtest errors: scaled per series, pooled over series by step.

Each series' scale is its noise level: the in-sample one-step RMSE of SES on its seasonally
adjusted history (the whole history, so not the backtest errors themselves). The backtest
errors (actual - forecast) of every candidate method of every series, at every origin, are
divided by the series' scale and pooled per forecast step; their empirical quantiles
q(level, step) give the quantile forecasts point + scale * q(level, step). The shape of the
error distribution and its growth with the horizon are learnt from all series, the size from
each series.

Why every candidate method's errors and not only the chosen one's: the chosen method's
backtest errors are the smallest by construction, so they flatter it (on simulated ETS-like
series their P10-P90 covered 75-77% of the outcomes instead of 80%); the pooled candidates'
errors covered 80-83%. Steps no backtest reached take the last reached step's quantiles grown
like a random walk's, sqrt(step / last step). Series with fewer than 3 months get no quantiles
(NaN); a series whose history SES fits exactly (e.g. constant) gets quantiles equal to its point
forecast.
"""
from __future__ import annotations

import numpy as np

from .panel import Task
from .smoothing import ses_states

MIN_SCALE_LENGTH = 3


def noise_scale(task: Task) -> np.ndarray:
    """Per row, the in-sample one-step RMSE of SES on the seasonally adjusted history before
    the fit end (the first, exact fitted value excluded); NaN for rows under 3 observations."""
    states, _ = ses_states(task)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.sqrt(states.sse[:, 0, 0] / (task.fit_end - 1))
    return np.where(task.fit_end >= MIN_SCALE_LENGTH, scale, np.nan)


def scaled_errors(errors: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Errors (n, ..., h) divided by each row's scale; NaN where not finite (no error, or a
    zero or unknown scale)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = errors / scale.reshape((-1,) + (1,) * (errors.ndim - 1))
    return np.where(np.isfinite(scaled), scaled, np.nan)


def pooled_quantiles(scaled: np.ndarray, levels: tuple[float, ...]) -> np.ndarray:
    """Quantiles (len(levels), h) of scaled errors (N, ..., h) pooled per step (last axis),
    NaN ignored; steps without errors extrapolated (see the module doc)."""
    horizon = scaled.shape[-1]
    pooled = scaled.reshape(-1, horizon)
    reached = ~np.isnan(pooled).all(axis=0)
    result = np.full((len(levels), horizon), np.nan)
    if not reached.any():
        return result
    result[:, reached] = np.nanquantile(pooled[:, reached], levels, axis=0)
    steps = np.flatnonzero(reached)
    for step in np.flatnonzero(~reached):
        earlier = steps[steps < step]
        source = earlier[-1] if earlier.size else steps[0]
        result[:, step] = result[:, source] * np.sqrt((step + 1) / (source + 1))
    return result
