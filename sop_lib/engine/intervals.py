"""Prediction quantiles from backtest errors: scaled per series, pooled over series by step.

Each series' scale is its noise level: the in-sample one-step RMSE of SES on its seasonally
adjusted history (the whole history, so not the backtest errors themselves). The backtest
errors (actual - forecast) of every candidate method of every series, at every origin, are
divided by the series' scale and pooled per forecast step. Their quantiles, centred on their
median, are the offsets o(level, step); the quantile forecasts are point + scale * o(level,
step), so the median (P50) is the point forecast. The shape of the error distribution and its
growth with the horizon are learnt from all series, the size from each series.

Why every candidate method's errors and not only the chosen one's: the chosen method's
backtest errors are the smallest by construction, so they flatter it (on simulated ETS-like
series their P10-P90 covered 75-77% of the outcomes instead of 80%); the pooled candidates'
errors covered 81-83%. Why centred: the pooled errors' median is the bias of the backtest
months, which did not carry over to the months after them on M1 and Tourism monthly (59% and
64% of the test values fell below the uncentred P50, 48% and 44% below the point forecast).
Steps no backtest reached take the last reached step's offsets grown like a random walk's,
sqrt(step / last step). Series with fewer than 3 months get no quantiles (NaN); a series whose
history SES fits exactly (e.g. constant) gets quantiles equal to its point forecast.
"""
from __future__ import annotations

import numpy as np

from sop_lib.engine.panel import Task
from sop_lib.engine.smoothing import ses_states

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


def pooled_offsets(scaled: np.ndarray, levels: tuple[float, ...]) -> np.ndarray:
    """Offsets (len(levels), h) from the point forecast, in units of scale: the quantiles of
    scaled errors (N, ..., h) pooled per step (last axis, NaN ignored) minus their median.
    Steps without errors are extrapolated (see the module doc)."""
    horizon = scaled.shape[-1]
    pooled = scaled.reshape(-1, horizon)
    result = np.full((len(levels), horizon), np.nan)
    for step in range(horizon):
        errors = pooled[:, step]
        errors = errors[~np.isnan(errors)]
        if errors.size:
            result[:, step] = np.quantile(errors, levels) - np.median(errors)
    reached = np.flatnonzero(~np.isnan(result[0]))
    if reached.size == 0:
        return result
    for step in np.setdiff1d(np.arange(horizon), reached):
        earlier = reached[reached < step]
        source = earlier[-1] if earlier.size else reached[0]
        result[:, step] = result[:, source] * np.sqrt((step + 1) / (source + 1))
    return result
