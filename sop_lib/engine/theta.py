"""The standard Theta method (Assimakopoulos & Nikolopoulos 2000; Hyndman & Billah 2003).

On the seasonally adjusted series (classical multiplicative decomposition when the 90%
autocorrelation test finds seasonality, additive when a value is not positive), the forecast
is SES plus half the slope b0 of the least-squares line through the series:

    F(T+k) = SES(T) + b0 / 2 * (k - 1 + 1/alpha - (1 - alpha)^T / alpha)

then re-seasonalised, as statsmodels' `ThetaModel` (theta = 2, use_mle=False) computes it. The
SES here is the engine's (level starts at the first value, alpha from a grid by in-sample SSE),
shared with the "ses" method.
"""
from __future__ import annotations

import numpy as np

from sop_lib.engine.panel import Task
from sop_lib.engine.smoothing import Model, adjusted, predict, ses_states


def trend_slopes(values: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """Slope of the least-squares line through each row's first cut observations, (n, C)."""
    return _at(_lines(values)[1], cuts)


def theta(task: Task) -> np.ndarray:
    """Theta forecasts (n, C, h) from every cut."""
    states, params = ses_states(task)
    values, adjustment = adjusted(task)
    ses = predict(states, params, Model(), task.cuts, task.horizon)
    alpha = params["alpha"][:, :, None]
    steps = np.arange(task.horizon)[None, None, :]
    drift = steps + (1 - (1 - alpha) ** task.cuts[:, :, None]) / alpha
    slopes = trend_slopes(values, task.cuts)[:, :, None]
    return adjustment.restore(ses + slopes / 2 * drift, task.steps())


THETA_ALPHAS = (0.01, 0.03, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.99)
MAX_THETA = 10.0  # theta >= 1 as in Fiorucci et al.; capped where the fit would run away


def optimised_theta(task: Task) -> np.ndarray:
    """Optimised Theta (OTM, Fiorucci et al. 2016): the Theta line's weight and SES alpha
    chosen per series by in-sample one-step squared error; the trend line is the one through
    the fitted observations (the observations seen, when forecasting)."""
    return _fitted_theta(task, dynamic=False)


def dynamic_theta(task: Task) -> np.ndarray:
    """Dynamic Optimised Theta (DOTM, Fiorucci et al. 2016): as `optimised_theta`, but the
    trend line's intercept and slope are updated with every observation, so the forecast
    follows a trend that changes."""
    return _fitted_theta(task, dynamic=True)


def _fitted_theta(task: Task, dynamic: bool) -> np.ndarray:
    """Theta models in state-space form on the seasonally adjusted series. Seen k
    observations, the forecast s steps ahead is

        l_k + w * ((1 - a)^k A + (s - 1 + (1 - (1 - a)^(k + 1)) / a) B),  w = 1 - 1/theta,

    with l the SES level and A, B the intercept and slope of the least-squares line through
    the first k observations (dynamic) or through the fitted ones (standard). For each alpha
    of the grid the squared error is quadratic in w, so the best theta is exact; the pair
    with the smallest error is kept."""
    values, adjustment = adjusted(task)
    intercepts, slopes = _lines(values)
    fitted = [line if dynamic else _at(line, task.fit_end[:, None])
              for line in (intercepts, slopes)]
    alpha = np.asarray(THETA_ALPHAS)[None, :]
    n, grid = values.shape[0], alpha.shape[1]
    level = np.repeat(values[:, :1], grid, axis=1)
    sums = np.zeros((3, n, grid))  # sum e^2, sum e*D, sum D^2 over the fitted months
    at = np.concatenate([task.fit_end[:, None], task.cuts], axis=1)
    snapshots = np.zeros((n, at.shape[1], grid))
    for t in range(1, int(at.max(initial=1)) + 1):
        for column in range(at.shape[1]):
            np.copyto(snapshots[:, column], level, where=(at[:, column] == t)[:, None])
        if t == values.shape[1]:
            break
        a_line, b_line = (line[:, t, None] if dynamic else line for line in fitted)
        drift = _drift(alpha, t, a_line, b_line)
        error = values[:, t, None] - level
        inside = (t < task.fit_end)[:, None]
        sums += np.where(inside, np.stack([error * error, error * drift, drift * drift]), 0)
        level += alpha * error
    with np.errstate(all="ignore"):
        weight = np.clip(np.where(sums[2] > 0, sums[1] / sums[2], 0.0), 0.0, 1 - 1 / MAX_THETA)
    fit = sums[0] - 2 * weight * sums[1] + weight ** 2 * sums[2]
    best = np.argmin(np.where(np.isfinite(fit), fit, np.inf), axis=1)
    rows = np.arange(n)
    alpha_best, weight_best = alpha[0, best][:, None], weight[rows, best][:, None]
    cuts = task.cuts
    level_at = snapshots[rows, 1:, best]
    steps = np.arange(task.horizon)[None, None, :]
    drift = _drift(alpha_best[:, :, None], cuts[:, :, None], _at(intercepts, cuts)[:, :, None],
                   _at(slopes, cuts)[:, :, None], steps)
    flat = level_at[:, :, None] + weight_best[:, :, None] * drift
    return adjustment.restore(flat, task.steps())


def _lines(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Intercept and slope (n, T + 1) of the least-squares line through each row's first k
    observations (time 1..k), k = 0 .. T; 0 slope for k < 2."""
    n, width = values.shape
    count = np.arange(width + 1, dtype=float)[None, :]
    zeros = np.zeros((n, 1))
    sum_y = np.concatenate([zeros, np.cumsum(values, axis=1)], axis=1)
    sum_ty = np.concatenate([zeros, np.cumsum(values * np.arange(1, width + 1), axis=1)],
                            axis=1)
    sum_t = count * (count + 1) / 2
    sum_tt = count * (count + 1) * (2 * count + 1) / 6
    spread = count * sum_tt - sum_t ** 2
    with np.errstate(all="ignore"):
        slope = np.where(spread > 0, (count * sum_ty - sum_t * sum_y) / spread, 0.0)
        intercept = np.where(count > 0, (sum_y - slope * sum_t) / count, 0.0)
    return intercept, slope


def _at(line: np.ndarray, k: np.ndarray) -> np.ndarray:
    """line[i, k[i, c]]: the line through the first k observations, (n, C)."""
    return np.take_along_axis(line, k, axis=1)


def _drift(alpha, k, a_line, b_line, step=0):
    """The Theta line's term of the forecast `step` + 1 months after k observations."""
    decay = (1 - alpha) ** k
    return decay * a_line + (step + (1 - decay * (1 - alpha)) / alpha) * b_line
