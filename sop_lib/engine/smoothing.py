"""Exponential smoothing for many series and parameter sets at once.

The recursions are those of statsmodels' `holtwinters.ExponentialSmoothing` (additive trend,
optionally damped; additive or multiplicative seasonality), written in error-correction form:
with prior = l + phi*b and one-step error e = y - fitted,

    level   l <- prior + alpha * e'          e' = e, or e / s for multiplicative seasonality
    trend   b <- phi * b + alpha * beta * e'  (= beta * (l_t - l_{t-1}) + (1 - beta) * phi * b)
    season  s <- s + gamma * e               (additive) or s + gamma * e / prior (multiplicative)

Each row of the panel is one series; each column of a `Grid` one parameter set; the loop runs
over time only. Methods built on it: SES and damped Holt on the seasonally adjusted series (as
the M4 benchmarks apply them) and Holt-Winters (damped additive trend) with additive or
multiplicative seasonality. A forecast k months ahead uses the latest seasonal state of its
month, also when k is a whole number of seasons (statsmodels <= 0.15 uses the one before there,
its issue #9538). Parameters are chosen per series by in-sample one-step SSE: SES over a grid of
alpha, the others by a two-stage coordinate search; initial states come from the first
observations (level = first value for SES; a straight line through the first 10 for damped
Holt; classical decomposition of the first up-to-four seasons for Holt-Winters).
"""
from __future__ import annotations

import dataclasses

import numpy as np

from sop_lib.engine.grid import Grid, best_index, coordinate_search, snapshot_plan
from sop_lib.engine.panel import Task
from sop_lib.engine.seasonality import Adjustment, decomposition_indices, seasonal_adjustment

SES_ALPHAS = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
DAMPED_START = Grid.point(alpha=0.3, beta=0.05, phi=0.95)
DAMPED_STAGES = [{"alpha": (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1.0)},
                 {"beta": (0.01, 0.05, 0.15, 0.3), "phi": (0.8, 0.9, 0.95, 0.98)}]
WINTERS_START = Grid.point(alpha=0.3, beta=0.05, phi=0.95, gamma=0.1)
WINTERS_STAGES = [{"alpha": (0.05, 0.15, 0.3, 0.5, 0.7), "gamma": (0.01, 0.1, 0.3)},
                  {"beta": (0.01, 0.05, 0.15), "phi": (0.9, 0.95, 0.98)}]
# Coarse grids on purpose: on M1 and Tourism monthly, finer grids (and a third search stage)
# fitted the history better but forecast no better (M1 worse), at two to four times the time.
TREND_START_POINTS = 10  # observations of the straight line that gives the initial level/trend


@dataclasses.dataclass(frozen=True)
class Model:
    """Which components a smoothing model has."""

    trend: bool = False
    seasonal: str | None = None  # None, "add" or "mul"
    season_length: int = 12
    error: str = "add"  # "mul": `smooth` also sums the relative errors and log|fitted|


@dataclasses.dataclass(frozen=True)
class States:
    """Level, trend and seasonal states and the running sum of squared one-step errors.

    Initial states: level/trend (n, 1) or (n, G), season (n, m) or (n, G, m). Snapshots taken by
    `smooth`: (n, C, G) and season (n, C, G, m), seasonal slot p = time index % m. With a
    multiplicative error model `sse` sums the squared relative errors (y - fitted) / fitted.
    """

    level: np.ndarray
    trend: np.ndarray | None = None
    season: np.ndarray | None = None
    sse: np.ndarray | None = None
    logs: np.ndarray | None = None  # sum of log|fitted| (multiplicative error only)


def smooth(values: np.ndarray, params: Grid, initial: States, model: Model,
           at: np.ndarray) -> States:
    """Run the recursions over every row of `values` (n, T) for every parameter set of
    `params`; return the states and SSE of each row after at[i, c] observations."""
    n = values.shape[0]
    size, m = params.size, model.season_length
    alpha = params["alpha"]
    level = np.array(np.broadcast_to(initial.level, (n, size)))
    sse = np.zeros((n, size))
    columns = at.shape[1]
    snap = {"level": np.zeros((n, columns, size)), "sse": np.zeros((n, columns, size))}
    relative = model.error == "mul"
    if relative:
        logs = np.zeros((n, size))
        snap["logs"] = np.zeros((n, columns, size))
    if model.trend:
        phi, slope = params["phi"], alpha * params["beta"]
        trend = np.array(np.broadcast_to(initial.trend, (n, size)))
        snap["trend"] = np.zeros((n, columns, size))
    if model.seasonal:
        gamma = params["gamma"]
        start = initial.season if initial.season.ndim == 3 else initial.season[:, None, :]
        season = np.array(np.broadcast_to(start, (n, size, m)).transpose(2, 0, 1))
        snap["season"] = np.zeros((n, columns, size, m))
    prior, error, work = np.empty((n, size)), np.empty((n, size)), np.empty((n, size))
    plan = snapshot_plan(at)
    for t in range(max(plan, default=0)):
        if model.trend:
            trend *= phi
            np.add(level, trend, out=prior)
        else:
            prior[...] = level
        if model.seasonal:
            current = season[t % m]
            if model.seasonal == "add":
                np.add(prior, current, out=work)
            else:
                np.multiply(prior, current, out=work)
            np.subtract(values[:, t, None], work, out=error)
        else:
            np.subtract(values[:, t, None], prior, out=error)
        if relative:
            fitted = work if model.seasonal else prior
            logs += np.log(np.abs(fitted))
            np.divide(error, fitted, out=work)
            np.multiply(work, work, out=work)
        else:
            np.multiply(error, error, out=work)
        sse += work
        if model.seasonal == "mul":
            np.divide(error, current, out=work)
            scaled = work
        else:
            scaled = error
        if model.trend:
            trend += np.multiply(slope, scaled, out=level)
        np.multiply(alpha, scaled, out=level)
        level += prior
        if model.seasonal == "add":
            current += np.multiply(gamma, error, out=work)
        elif model.seasonal == "mul":
            np.divide(error, prior, out=work)
            current += np.multiply(gamma, work, out=work)
        if t + 1 in plan:
            rows, cols = plan[t + 1]
            snap["level"][rows, cols] = level[rows]
            snap["sse"][rows, cols] = sse[rows]
            if relative:
                snap["logs"][rows, cols] = logs[rows]
            if model.trend:
                snap["trend"][rows, cols] = trend[rows]
            if model.seasonal:
                snap["season"][rows, cols] = season[:, rows].transpose(1, 2, 0)
    return States(**snap)


def predict(states: States, params: Grid, model: Model, cuts: np.ndarray,
            horizon: int) -> np.ndarray:
    """Forecasts (n, C, h) from one parameter set's snapshots (G = 1) taken at `cuts`."""
    forecast = np.repeat(states.level[:, :, :1], horizon, axis=2)
    if model.trend:
        phi = np.broadcast_to(params["phi"], (cuts.shape[0], 1))
        damping = np.cumprod(np.repeat(phi, horizon, axis=1), axis=1).cumsum(axis=1)
        forecast = forecast + damping[:, None, :] * states.trend[:, :, :1]
    if model.seasonal:
        slots = (cuts[:, :, None] + np.arange(horizon)) % model.season_length
        season = np.take_along_axis(states.season[:, :, 0, :], slots, axis=2)
        forecast = forecast * season if model.seasonal == "mul" else forecast + season
    return forecast


def fit_predict(values: np.ndarray, fit_end: np.ndarray, cuts: np.ndarray, horizon: int,
                initial: States, model: Model, start: Grid,
                stages: list[dict[str, tuple[float, ...]]]) -> np.ndarray:
    """Choose each row's parameters by in-sample one-step SSE over its first fit_end
    observations (coordinate search over `stages`), then forecast from each cut."""
    fit_values = values[:, :int(fit_end.max(initial=0))]

    def sse(grid: Grid) -> np.ndarray:
        return smooth(fit_values, grid, initial, model, fit_end[:, None]).sse[:, 0]

    with np.errstate(all="ignore"):
        params = coordinate_search(sse, start, stages)
        return predict(smooth(values, params, initial, model, cuts), params, model, cuts,
                       horizon)


def line_start(values: np.ndarray, lengths: np.ndarray,
               points: int = TREND_START_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """Initial (level, trend), each (n, 1): the least-squares line through each row's first
    `points` observations (fewer when shorter), level = the line one step before the start."""
    count = np.clip(lengths, 1, points)[:, None]
    t = np.arange(min(points, values.shape[1]))[None, :]
    inside = t < count
    y = np.where(inside, values[:, :t.shape[1]], 0.0)
    t_mean = (count - 1) / 2
    y_mean = y.sum(axis=1, keepdims=True) / count
    spread = np.where(inside, (t - t_mean) ** 2, 0.0).sum(axis=1, keepdims=True)
    covariance = np.where(inside, (t - t_mean) * (y - y_mean), 0.0).sum(axis=1, keepdims=True)
    slope = np.divide(covariance, spread, out=np.zeros_like(spread), where=spread > 0)
    return y_mean - slope * (t_mean + 1), slope


def adjusted(task: Task) -> tuple[np.ndarray, Adjustment]:
    """The task's values seasonally adjusted with indices from the training data (shared)."""
    def compute(task: Task):
        adjustment = seasonal_adjustment(task.training(), task.fit_end, task.season_length)
        return adjustment.adjust(task.values), adjustment
    return task.shared("adjusted", compute)


def ses_states(task: Task) -> tuple[States, Grid]:
    """SES on the adjusted series: alpha from the grid by SSE over the training data, level
    snapshots at the cuts; one pass for the whole grid (shared with Theta)."""
    def compute(task: Task):
        values, _ = adjusted(task)
        grid = Grid.product(alpha=SES_ALPHAS)
        at = np.concatenate([task.fit_end[:, None], task.cuts], axis=1)
        states = smooth(values, grid, States(level=values[:, :1]), Model(), at)
        best = best_index(states.sse[:, 0])[:, None, None]
        level = np.take_along_axis(states.level[:, 1:], best, axis=2)
        sse = np.take_along_axis(states.sse[:, :1], best, axis=2)
        return States(level=level, sse=sse), grid.choose(best[:, 0, 0])
    return task.shared("ses", compute)


def ses(task: Task) -> np.ndarray:
    """Simple exponential smoothing of the seasonally adjusted series, re-seasonalised."""
    states, params = ses_states(task)
    _, adjustment = adjusted(task)
    flat = predict(states, params, Model(), task.cuts, task.horizon)
    return adjustment.restore(flat, task.steps())


def damped(task: Task) -> np.ndarray:
    """Damped-trend Holt on the seasonally adjusted series, re-seasonalised."""
    values, adjustment = adjusted(task)
    level, trend = line_start(values, task.fit_end)
    flat = fit_predict(values, task.fit_end, task.cuts, task.horizon, States(level, trend),
                       Model(trend=True), DAMPED_START, DAMPED_STAGES)
    return adjustment.restore(flat, task.steps())


def winters_start(values: np.ndarray, lengths: np.ndarray, m: int,
                  multiplicative: bool) -> States:
    """Initial states of Holt-Winters from each row's first (up to four) seasons: classical
    decomposition indices, and the straight line through the adjusted first observations."""
    first = np.minimum(lengths, 4 * m)
    head = values[:, :int(first.max(initial=0))]
    mul = np.full(values.shape[0], multiplicative)
    season = decomposition_indices(head, first, m, mul)
    positions = np.arange(head.shape[1]) % m
    flat = head / season[:, positions] if multiplicative else head - season[:, positions]
    level, trend = line_start(flat, first)
    return States(level, trend, season)


def winters(task: Task, seasonal: str) -> np.ndarray:
    """Holt-Winters, damped additive trend with `seasonal` ("add" or "mul") seasonality."""
    m = task.season_length
    with np.errstate(all="ignore"):
        initial = winters_start(task.training(), task.fit_end, m, seasonal == "mul")
    model = Model(trend=True, seasonal=seasonal, season_length=m)
    return fit_predict(task.values, task.fit_end, task.cuts, task.horizon, initial, model,
                       WINTERS_START, WINTERS_STAGES)


def winters_additive(task: Task) -> np.ndarray:
    return winters(task, "add")


def winters_multiplicative(task: Task) -> np.ndarray:
    return winters(task, "mul")
