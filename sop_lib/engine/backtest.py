"""Rolling-origin backtest windows and the error of each method over them.

Each series gets `count` origins one month apart; the last one is `horizon` months before the
end of its history, so every window forecasts up to `horizon` months that are all in the
history. A series too short for that moves its origins forward, but keeps `preferred`
observations (the engine asks for two seasons, so that seasonal methods can compete; fewer
when the series is shorter, never fewer than MIN_TRAIN) before the first origin; its windows
are then cut at the end of the history ("or fewer months when history is short"). A series of
MIN_TRAIN observations or fewer has no backtest.

Parameters and seasonal indices are chosen on the data before the first origin; forecasts from
each origin use only the data before it, so every backtest error is out of sample.
"""
from __future__ import annotations

import dataclasses

import numpy as np

MIN_TRAIN = 3


@dataclasses.dataclass(frozen=True)
class Windows:
    """Backtest origins (n, K) and, for each (row, origin, step), the actual value (n, K, h)
    and whether it is part of the backtest."""

    origins: np.ndarray
    actual: np.ndarray
    valid: np.ndarray

    @property
    def fit_end(self) -> np.ndarray:
        return self.origins[:, 0]

    @property
    def has_backtest(self) -> np.ndarray:
        return self.valid.any(axis=(1, 2))


def windows(values: np.ndarray, lengths: np.ndarray, horizon: int, count: int,
            preferred: int = 0) -> Windows:
    """The backtest windows of left-aligned `values` whose rows have `lengths` observations."""
    latest = lengths - horizon - (count - 1)
    room = lengths - count  # the last window keeps at least one month
    first = np.maximum(np.maximum(latest, np.minimum(preferred, room)), MIN_TRAIN)
    origins = first[:, None] + np.arange(count)[None, :]
    time = origins[:, :, None] + np.arange(horizon)[None, None, :]
    valid = time < lengths[:, None, None]
    flat = np.take_along_axis(values, np.minimum(time, values.shape[1] - 1).reshape(
        values.shape[0], -1), axis=1)
    actual = np.where(valid, flat.reshape(time.shape), np.nan)
    return Windows(origins, actual, valid)


def mean_absolute_errors(forecasts: np.ndarray, windows: Windows) -> np.ndarray:
    """Mean absolute error per row over the valid window points; NaN when the method has no
    forecast for the row or the row has no backtest."""
    errors = np.abs(forecasts - windows.actual)
    total = np.where(windows.valid, errors, 0.0).sum(axis=(1, 2))
    count = windows.valid.sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        mae = total / count
    missing = (np.isnan(forecasts) & windows.valid).any(axis=(1, 2))
    return np.where(missing | (count == 0), np.nan, mae)


def measure_scale(values: np.ndarray, windows: Windows, measure: str,
                  season_length: int) -> np.ndarray:
    """What a row's mean absolute backtest error is divided by to give the planner's measure:
    "wape" -> the mean absolute actual over the windows (so MAE / scale = sum|e| / sum|A|);
    "mase" -> the in-sample MAE of the seasonal naive forecast (lag season_length; lag 1 for
    series with no more than a season before the first origin) on the data before the first
    origin, the M4 definition. NaN where the scale is zero or undefined."""
    if measure == "wape":
        count = windows.valid.sum(axis=(1, 2))
        with np.errstate(invalid="ignore", divide="ignore"):
            scale = np.where(windows.valid, np.abs(windows.actual), 0.0).sum(axis=(1, 2)) / count
    else:
        scale = naive_scale(values, windows.fit_end, season_length)
    return np.where(scale > 0, scale, np.nan)


def naive_scale(values: np.ndarray, end: np.ndarray, season_length: int,
                squared: bool = False) -> np.ndarray:
    """Per row, the mean absolute error (root mean squared error when `squared`) of the
    seasonal naive forecast (lag season_length; lag 1 for rows with no more than a season)
    over its first `end` observations."""
    scale = np.full(values.shape[0], np.nan)
    for lag in (1, season_length):
        rows = (end > season_length) == (lag == season_length)
        diffs = values[:, lag:] - values[:, :-lag]
        diffs = diffs * diffs if squared else np.abs(diffs)
        inside = np.arange(lag, values.shape[1])[None, :] < end[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            lag_scale = np.where(inside, diffs, 0.0).sum(axis=1) / (end - lag)
        scale[rows] = lag_scale[rows]
    return np.sqrt(scale) if squared else scale
