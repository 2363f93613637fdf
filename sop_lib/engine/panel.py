"""Ragged histories as a left-aligned panel, and the per-run task every method reads.

The engine's input is a matrix whose rows are series and whose columns are months ending at the
same last month; leading NaN mean "not started yet". Internally every row is shifted left so
that its first observation sits in column 0 and its `length` observations fill columns
0 .. length-1, zeros after. Then every series has the same time index (0 = its first month),
seasonal positions are `t % season_length` for all rows, and one loop over time serves all
series whatever their length.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from sop_lib.core.errors import ParameterError


@dataclasses.dataclass(frozen=True)
class Panel:
    """Left-aligned histories: row i holds `lengths[i]` observations from column 0, then 0."""

    values: np.ndarray
    lengths: np.ndarray

    def rows(self, index) -> Panel:
        return Panel(self.values[index], self.lengths[index])


def left_align(y: np.ndarray) -> Panel:
    """Panel of a (series x months) matrix whose rows may start late (leading NaN).

    Raises ParameterError naming the first row and column of a NaN after a row's start, or
    of an infinite value.
    """
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 2:
        raise ParameterError(f"y must be a 2-D matrix (series x months), got shape {y.shape}")
    missing = np.isnan(y)
    started = np.cumsum(~missing, axis=1) > 0
    gaps = missing & started
    if gaps.any():
        row, column = np.argwhere(gaps)[0]
        raise ParameterError(f"y has a missing value inside a series (row {row}, column "
                             f"{column}); only leading NaN (not started yet) are allowed; "
                             "fill missing months (e.g. with 0) first")
    if np.isinf(y).any():
        row, column = np.argwhere(np.isinf(y))[0]
        raise ParameterError(f"y has an infinite value (row {row}, column {column})")
    lengths = started.sum(axis=1)
    width = y.shape[1]
    shift = (np.arange(width)[None, :] + (width - lengths)[:, None]) % max(width, 1)
    values = np.take_along_axis(np.nan_to_num(y), shift, axis=1)
    values[np.arange(width)[None, :] >= lengths[:, None]] = 0.0
    return Panel(values, lengths)


class Task:
    """One forecasting job over a panel: fit on each row's first `fit_end` observations, then
    forecast `horizon` months from each of the row's `cuts` (numbers of observations seen).

    Methods read only the observations before a cut when forecasting from it, and only the
    observations before `fit_end` when choosing parameters and seasonal indices; so with
    fit_end = the first backtest origin and cuts = the origins, their backtest is
    out-of-sample. Work shared by several methods (e.g. the seasonal adjustment) is computed
    once per task through `shared`. `pooled` are the pooled model's coefficients when they
    were learnt from more series than the task's (see `pooled`).
    """

    def __init__(self, values: np.ndarray, *, fit_end: np.ndarray, cuts: np.ndarray,
                 horizon: int, season_length: int, pooled: np.ndarray | None = None):
        self.values = values[:, :int(cuts.max(initial=1))]
        self.pooled = pooled
        self.fit_end = fit_end
        self.cuts = cuts
        self.horizon = horizon
        self.season_length = season_length
        self._shared: dict[str, Any] = {}

    @property
    def size(self) -> int:
        return self.values.shape[0]

    def shared(self, key: str, compute: Callable[[Task], Any]) -> Any:
        """`compute(self)`, computed once per task under `key`."""
        if key not in self._shared:
            self._shared[key] = compute(self)
        return self._shared[key]

    def training(self) -> np.ndarray:
        """The observations before each row's fit end, zeros after."""
        return self.shared("training", lambda task: np.where(
            np.arange(task.values.shape[1])[None, :] < task.fit_end[:, None], task.values, 0.0))

    def steps(self) -> np.ndarray:
        """Forecast time index of every (row, cut, step): cut + step - 1, shape (n, C, h)."""
        return self.cuts[:, :, None] + np.arange(self.horizon)[None, None, :]
