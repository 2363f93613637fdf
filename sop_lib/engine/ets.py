"""Exponential smoothing with the model form chosen per series by AICc (ETS, Hyndman et al.
2002, 2008): additive or multiplicative error, no or damped trend, no, additive or
multiplicative season, twelve forms fitted for every series at once.

Each form's parameters are chosen by its own likelihood: the sum of squared errors for
additive errors; n log(sum of squared relative errors) + 2 sum log|fitted| for
multiplicative ones (same point forecasts, another weighting of the months). Forms are
compared by AICc, with k = the smoothing parameters and the initial states. Multiplicative
forms are candidates only for series whose history is all positive, seasonal ones only with
two seasons of history.
"""
from __future__ import annotations

import itertools

import numpy as np

from sop_lib.engine.grid import Grid, coordinate_search
from sop_lib.engine.panel import Task
from sop_lib.engine.smoothing import (
    DAMPED_STAGES,
    DAMPED_START,
    SES_ALPHAS,
    WINTERS_STAGES,
    WINTERS_START,
    Model,
    States,
    line_start,
    predict,
    smooth,
    winters_start,
)

FORMS = tuple(Model(trend=trend, seasonal=season, error=error)
              for error, trend, season in itertools.product(("add", "mul"), (False, True),
                                                             (None, "add", "mul")))
SEASONAL_STAGES = [{"alpha": (0.05, 0.15, 0.3, 0.5, 0.7), "gamma": (0.01, 0.1, 0.3)}]
LEVEL_STAGES = [{"alpha": SES_ALPHAS}]


def ets(task: Task) -> np.ndarray:
    """Forecasts (n, C, h) of each series' form with the smallest AICc."""
    m = task.season_length
    training = task.training()
    used = np.arange(training.shape[1])[None, :] < task.fit_end[:, None]
    positive = np.where(used, training, np.inf).min(axis=1) > 0
    best = np.full(task.size, np.inf)
    result = np.full((task.size, task.cuts.shape[1], task.horizon), np.nan)
    for form in FORMS:
        model = Model(form.trend, form.seasonal, m, form.error)
        with np.errstate(all="ignore"):
            forecasts, aicc = _fit(task, model, training)
        if form.seasonal:
            aicc[task.fit_end < 2 * m] = np.inf
        if "mul" in (form.seasonal, form.error):
            aicc[~positive] = np.inf
        better = np.isfinite(aicc) & (aicc < best) & np.isfinite(forecasts).all(axis=(1, 2))
        best[better] = aicc[better]
        result[better] = forecasts[better]
    return result


def _fit(task: Task, model: Model, training: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One form fitted to every row: its forecasts from the cuts and its AICc."""
    initial, start, stages = _start(task, model, training)
    fit_values = task.values[:, :int(task.fit_end.max(initial=0))]
    count = task.fit_end.astype(float)

    def criterion(states: States) -> np.ndarray:
        """-2 log likelihood (up to a constant) of each row and parameter set."""
        n = count.reshape((-1,) + (1,) * (states.sse.ndim - 1))
        fit = n * np.log(states.sse / n)
        return fit if model.error == "add" else fit + 2 * states.logs

    def loss(grid: Grid) -> np.ndarray:
        return criterion(smooth(fit_values, grid, initial, model, task.fit_end[:, None]))[:, 0]

    params = coordinate_search(loss, start, stages)
    at = np.concatenate([task.fit_end[:, None], task.cuts], axis=1)
    states = smooth(task.values, params, initial, model, at)
    fitted = States(level=states.level[:, 1:], sse=states.sse[:, 1:],
                    trend=None if states.trend is None else states.trend[:, 1:],
                    season=None if states.season is None else states.season[:, 1:])
    forecasts = predict(fitted, params, model, task.cuts, task.horizon)
    k = 2 + 3 * model.trend + (model.season_length if model.seasonal else 0)
    with np.errstate(all="ignore"):
        aicc = criterion(states)[:, 0, 0] + 2 * k + np.where(
            count - k - 1 > 0, 2 * k * (k + 1) / (count - k - 1), np.inf)
    return forecasts, aicc


def _start(task: Task, model: Model, training: np.ndarray):
    """Initial states, starting parameters and search stages of a form."""
    if model.seasonal:
        initial = winters_start(training, task.fit_end, model.season_length,
                                model.seasonal == "mul")
        if model.trend:
            return initial, WINTERS_START, WINTERS_STAGES
        return initial, Grid.point(alpha=0.3, gamma=0.1), SEASONAL_STAGES
    if model.trend:
        level, trend = line_start(training, task.fit_end)
        return States(level, trend), DAMPED_START, DAMPED_STAGES
    return States(level=training[:, :1]), Grid.point(alpha=0.3), LEVEL_STAGES
