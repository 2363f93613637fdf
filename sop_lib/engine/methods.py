"""The forecasting methods the engine offers, and how much history each needs.

A method maps a `Task` to forecasts of shape (n, cuts, horizon). A series is a candidate for a
method only when it has at least the method's minimum number of observations before the fit
end (and, for multiplicative Holt-Winters, only positive values); otherwise the method's
forecasts for it are NaN and it is never chosen.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from sop_lib.engine import ets, intermittent, naive, pooled, smoothing, theta
from sop_lib.engine.panel import Task
from sop_lib.engine.selection import COMBO_PREFIX


@dataclasses.dataclass(frozen=True)
class Method:
    """A forecasting method: its function, and its minimum history as
    `fixed + seasons * season_length` observations."""

    forecast: Callable[[Task], np.ndarray]
    title: str
    fixed: int
    seasons: int = 0
    positive_only: bool = False

    def min_length(self, season_length: int) -> int:
        return self.fixed + self.seasons * season_length


REGISTRY: dict[str, Method] = {
    "naive": Method(naive.naive, "naive (last month)", 1),
    "snaive": Method(naive.seasonal_naive, "seasonal naive", 0, seasons=1),
    "naive2": Method(naive.naive2, "naive, seasonally adjusted", 1),
    "ses": Method(smoothing.ses, "simple exponential smoothing", 3),
    "theta": Method(theta.theta, "Theta", 4),
    "otm": Method(theta.optimised_theta, "optimised Theta", 4),
    "dotm": Method(theta.dynamic_theta, "dynamic optimised Theta", 4),
    "damped": Method(smoothing.damped, "damped Holt", 8),
    "hw_add": Method(smoothing.winters_additive, "Holt-Winters additive", 0, seasons=2),
    "hw_mul": Method(smoothing.winters_multiplicative, "Holt-Winters multiplicative", 0,
                     seasons=2, positive_only=True),
    "ets": Method(ets.ets, "exponential smoothing, form chosen by AICc", 8),
    "pooled": Method(pooled.pooled, "pooled model of all series", pooled.LAGS),
    "croston": Method(intermittent.croston, "Croston", 3),
    "sba": Method(intermittent.sba, "Syntetos-Boylan (SBA)", 3),
    "tsb": Method(intermittent.tsb, "Teunter-Syntetos-Babai (TSB)", 3),
}
METHODS: tuple[str, ...] = tuple(REGISTRY)
SMOOTH_METHODS: tuple[str, ...] = ("theta", "hw_add", "hw_mul", "pooled")
INTERMITTENT_METHODS: tuple[str, ...] = ("ses", "croston", "sba", "tsb")
DEFAULT_METHODS = SMOOTH_METHODS


def describe(label: str) -> str:
    """A method label as a planner reads it: "combo: theta+damped" -> "average of Theta and
    damped Holt"; labels that are not engine methods come back unchanged."""
    if label.startswith(COMBO_PREFIX):
        names = [describe(part) for part in label[len(COMBO_PREFIX):].split("+")]
        return "average of " + ", ".join(names[:-1]) + " and " + names[-1]
    method = REGISTRY.get(label)
    return method.title if method else label


def eligible(name: str, task: Task, positive: np.ndarray) -> np.ndarray:
    """Rows (bool, (n,)) with enough history for method `name`; `positive` flags rows whose
    history has only positive values."""
    method = REGISTRY[name]
    ok = task.fit_end >= method.min_length(task.season_length)
    return ok & positive if method.positive_only else ok


def run(name: str, task: Task, positive: np.ndarray) -> np.ndarray:
    """Forecasts (n, C, h) of method `name`; NaN for rows that are not candidates for it."""
    rows = eligible(name, task, positive)
    forecasts = np.full((task.size, task.cuts.shape[1], task.horizon), np.nan)
    if rows.any():
        with np.errstate(all="ignore"):
            result = REGISTRY[name].forecast(task)
        forecasts[rows] = result[rows]
    forecasts[~np.isfinite(forecasts)] = np.nan
    return forecasts
