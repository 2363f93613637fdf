"""Prediction quantiles from backtest errors: scaled per series, pooled over series by step.

Each series' scale is the in-sample root mean squared error of the seasonal naive forecast
over its whole history. The backtest errors (actual - forecast) of the forecast the
engine gives, at every origin, are divided by the series' scale and pooled per forecast step
over all series. Their quantiles, centred on their median, are the offsets o(level, step);
the quantile forecasts are point + scale * o(level, step), so the median (P50) is the point
forecast. The shape of the error distribution and its growth with the horizon are learnt from
all series, the size from each series. With per-series selection (`choice="select"`) the
errors of every candidate method are pooled instead: the chosen method's own backtest errors
are the smallest by construction and would flatter it (75-77% coverage for a nominal 80% on
simulated series); the mean of all candidates is not chosen by its errors, so its own are used.

Scale: with the mean of the default candidates, the SES noise level (used before) put 80.7%
and 84.2% of the test values of M1 and Tourism monthly inside P10-P90, the seasonal naive's
mean absolute error 79.8% and 82.4% and its root mean squared error 79.5% and 82.5%; on the
intermittent SKUs of a generated company those three covered 48.9%, 39.2% and 47.2% (too
few: their P10 is above zero for months with no demand), so the squared one is used.

Why centred: the pooled errors' median is the bias of the backtest months, which did not
carry over to the months after them on M1 and Tourism monthly (59% and 64% of the test values
fell below the uncentred P50, 48% and 44% below the point forecast).
Steps no backtest reached take the last reached step's offsets grown like a random walk's,
sqrt(step / last step). Series with fewer than 3 months get no quantiles (NaN); a series
whose history does not vary (e.g. constant) gets quantiles equal to its point forecast.
"""
from __future__ import annotations

import numpy as np

from sop_lib.engine.backtest import naive_scale
from sop_lib.engine.panel import Task

MIN_SCALE_LENGTH = 3


def noise_scale(task: Task) -> np.ndarray:
    """Per row, the in-sample root mean squared error of the seasonal naive forecast over the
    history before the fit end (lag 1 within the first season); NaN for rows under 3
    observations."""
    scale = naive_scale(task.values, task.fit_end, task.season_length, squared=True)
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
