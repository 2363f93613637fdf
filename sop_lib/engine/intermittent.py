"""Croston, SBA and TSB for intermittent demand, for many series and smoothing weights at once.

Croston: exponential smoothing (weight alpha) of the non-zero demand sizes z and of the
intervals p between them, updated only in months with demand; both start at the first demand
(the first interval counts from the start of the series, as `sop_lib.demand.forecast.croston`).
Forecast z / p; SBA (Syntetos-Boylan) multiplies it by 1 - alpha/2. Before the first demand
the forecast is 0.

TSB (Teunter-Syntetos-Babai): the demand probability d is smoothed every month (weight beta,
towards 1 in months with demand and 0 otherwise), the size z only in months with demand
(weight alpha); both start at the first demand (d = 1 / first interval). Forecast d * z.

Weights are chosen per series from a grid by in-sample one-step squared error; one pass over
time evaluates the whole grid and keeps the states of every weight at the cuts.
"""
from __future__ import annotations

import numpy as np

from sop_lib.engine.grid import Grid, best_index, snapshot_plan
from sop_lib.engine.panel import Task

CROSTON_ALPHAS = (0.05, 0.1, 0.15, 0.2, 0.3, 0.5)
TSB_GRID = Grid.product(alpha=(0.05, 0.1, 0.2, 0.3, 0.5), beta=(0.02, 0.05, 0.1, 0.2, 0.3))


def croston_pass(values: np.ndarray, alpha: np.ndarray, at: np.ndarray) -> dict:
    """Sizes z, intervals p and the SSE of Croston's and SBA's one-step forecasts, after at[i,c]
    observations, for each weight: arrays (n, C, G)."""
    n, size = values.shape[0], alpha.shape[1]
    z, p = np.zeros((n, size)), np.ones((n, size))
    since = np.zeros((n, 1))
    started = np.zeros((n, 1), dtype=bool)
    sse = {"croston": np.zeros((n, size)), "sba": np.zeros((n, size))}
    snap = {key: np.zeros((n, at.shape[1], size)) for key in ("z", "p", "croston", "sba")}
    plan = snapshot_plan(at)
    for t in range(max(plan, default=0)):
        y = values[:, t, None]
        rate = z / p
        sse["croston"] += (y - rate) ** 2
        sse["sba"] += (y - (1 - alpha / 2) * rate) ** 2
        since += 1
        demand = y > 0
        update, first = demand & started, demand & ~started
        z = np.where(update, z + alpha * (y - z), np.where(first, y, z))
        p = np.where(update, p + alpha * (since - p), np.where(first, since, p))
        since[demand] = 0
        started |= demand
        if t + 1 in plan:
            rows, cols = plan[t + 1]
            for key, array in (("z", z), ("p", p), ("croston", sse["croston"]),
                               ("sba", sse["sba"])):
                snap[key][rows, cols] = array[rows]
    return snap


def tsb_pass(values: np.ndarray, params: Grid, at: np.ndarray) -> dict:
    """Probability d, size z and the SSE of TSB's one-step forecasts after at[i, c]
    observations, for each parameter set: arrays (n, C, G)."""
    n, size = values.shape[0], params.size
    alpha, beta = params["alpha"], params["beta"]
    d, z = np.zeros((n, size)), np.zeros((n, size))
    since = np.zeros((n, 1))
    started = np.zeros((n, 1), dtype=bool)
    sse = np.zeros((n, size))
    snap = {key: np.zeros((n, at.shape[1], size)) for key in ("d", "z", "sse")}
    plan = snapshot_plan(at)
    for t in range(max(plan, default=0)):
        y = values[:, t, None]
        sse += (y - d * z) ** 2
        since += 1
        demand = y > 0
        first = demand & ~started
        d = np.where(first, 1 / since, np.where(started, d + beta * (demand - d), d))
        z = np.where(demand & started, z + alpha * (y - z), np.where(first, y, z))
        since[demand] = 0
        started |= demand
        if t + 1 in plan:
            rows, cols = plan[t + 1]
            for key, array in (("d", d), ("z", z), ("sse", sse)):
                snap[key][rows, cols] = array[rows]
    return snap


def _croston_snapshots(task: Task) -> dict:
    alpha = np.array(CROSTON_ALPHAS)[None, :]
    at = np.concatenate([task.fit_end[:, None], task.cuts], axis=1)
    return task.shared("croston", lambda task: croston_pass(task.values, alpha, at))


def _at_best(snap: dict, score: str, *keys: str) -> tuple[np.ndarray, ...]:
    """The chosen column (by the SSE `score` at the fit end) of `keys` at the cuts, (n, C)."""
    best = best_index(snap[score][:, 0])[:, None, None]
    return (best[:, 0],) + tuple(np.take_along_axis(snap[key][:, 1:], best, axis=2)[:, :, 0]
                                 for key in keys)


def _flat(rate: np.ndarray, horizon: int) -> np.ndarray:
    return np.repeat(rate[:, :, None], horizon, axis=2)


def croston(task: Task) -> np.ndarray:
    """Croston's method: smoothed size / smoothed interval."""
    _, z, p = _at_best(_croston_snapshots(task), "croston", "z", "p")
    return _flat(z / p, task.horizon)


def sba(task: Task) -> np.ndarray:
    """Croston with the Syntetos-Boylan bias correction (1 - alpha/2)."""
    best, z, p = _at_best(_croston_snapshots(task), "sba", "z", "p")
    alpha = np.array(CROSTON_ALPHAS)[best]
    return _flat((1 - alpha / 2) * z / p, task.horizon)


def tsb(task: Task) -> np.ndarray:
    """Teunter-Syntetos-Babai: smoothed demand probability x smoothed size."""
    at = np.concatenate([task.fit_end[:, None], task.cuts], axis=1)
    _, d, z = _at_best(tsb_pass(task.values, TSB_GRID, at), "sse", "d", "z")
    return _flat(d * z, task.horizon)
