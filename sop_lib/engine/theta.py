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
    t = np.arange(values.shape[1], dtype=float)
    sum_y = np.take_along_axis(np.cumsum(values, axis=1), cuts - 1, axis=1)
    sum_ty = np.take_along_axis(np.cumsum(values * t, axis=1), cuts - 1, axis=1)
    count = cuts.astype(float)
    sum_t = count * (count - 1) / 2
    sum_tt = (count - 1) * count * (2 * count - 1) / 6
    spread = count * sum_tt - sum_t ** 2
    return np.divide(count * sum_ty - sum_t * sum_y, spread, out=np.zeros_like(spread),
                     where=spread > 0)


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
