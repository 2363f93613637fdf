"""Seasonality test and classical decomposition, for every row of a left-aligned panel at once.

Row i's observations are columns 0 .. lengths[i]-1 (zeros after); seasonal position of column
t is t % m for every row, as in statsmodels' `seasonal_decompose` (positions count from the
series' first observation).
"""
from __future__ import annotations

import dataclasses

import numpy as np

# The Theta method's 90% seasonality test, as statsmodels' ThetaModel computes it: seasonal when
# n * acf(m)^2 / (1 + sum(acf(1..m-1)^2)) > 1.645^2. (forecast::thetaf and the M4 benchmarks
# put 2 * sum in the denominator, a stricter test; on M1 monthly the statsmodels form is the
# more accurate, and it keeps the engine's Theta equal to the reference.)
TEST_CRITICAL = 1.6448536269514722 ** 2


@dataclasses.dataclass(frozen=True)
class Adjustment:
    """Per-row seasonal indices: adjusted = (y - offsets[p]) / factors[p] with p = t % m.

    Multiplicative rows have offsets 0, additive rows factors 1, non-seasonal rows both.
    """

    factors: np.ndarray
    offsets: np.ndarray

    def adjust(self, values: np.ndarray) -> np.ndarray:
        """Seasonally adjusted copy of a (n, T) panel."""
        positions = np.arange(values.shape[1]) % self.factors.shape[1]
        return (values - self.offsets[:, positions]) / self.factors[:, positions]

    def restore(self, adjusted: np.ndarray, steps: np.ndarray) -> np.ndarray:
        """Re-seasonalise forecasts `adjusted` made for time indices `steps` (same shape,
        leading axis = rows)."""
        positions = (steps % self.factors.shape[1]).reshape(steps.shape[0], -1)
        factors = np.take_along_axis(self.factors, positions, axis=1).reshape(steps.shape)
        offsets = np.take_along_axis(self.offsets, positions, axis=1).reshape(steps.shape)
        return adjusted * factors + offsets


def valid_mask(lengths: np.ndarray, width: int) -> np.ndarray:
    return np.arange(width)[None, :] < lengths[:, None]


def is_seasonal(values: np.ndarray, lengths: np.ndarray, m: int) -> np.ndarray:
    """The 90% autocorrelation test at lag m, per row; False for constant rows and rows of
    fewer than two seasons (classical decomposition needs two)."""
    n, width = values.shape
    if m < 2 or width <= m:
        return np.zeros(n, dtype=bool)
    valid = valid_mask(lengths, width)
    count = np.maximum(lengths, 1)
    mean = (values * valid).sum(axis=1) / count
    centred = (values - mean[:, None]) * valid
    denominator = (centred * centred).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        acf = np.stack([(centred[:, :-lag] * centred[:, lag:]).sum(axis=1) / denominator
                        for lag in range(1, m + 1)], axis=1)
        statistic = count * acf[:, -1] ** 2 / (1 + (acf[:, :-1] ** 2).sum(axis=1))
    return (lengths >= 2 * m) & (denominator > 0) & (statistic > TEST_CRITICAL)


def centred_moving_average(values: np.ndarray, lengths: np.ndarray, m: int) -> np.ndarray:
    """The 2xm (m even) or m (m odd) centred moving average; NaN where the window leaves the
    row's observations (statsmodels' `seasonal_decompose` trend without extrapolation)."""
    n, width = values.shape
    half = m // 2
    weights = np.ones(m + 1 if m % 2 == 0 else m) / m
    if m % 2 == 0:
        weights[[0, -1]] = 0.5 / m
    trend = np.full((n, width), np.nan)
    inner = width - 2 * half
    if inner > 0:
        trend[:, half:width - half] = sum(weight * values[:, k:k + inner]
                                          for k, weight in enumerate(weights))
    t = np.arange(width)[None, :]
    trend[(t < half) | (t >= lengths[:, None] - half)] = np.nan
    return trend


def seasonal_means(detrended: np.ndarray, m: int) -> np.ndarray:
    """Mean of the non-NaN values at each seasonal position, shape (n, m)."""
    n, width = detrended.shape
    padded = np.full((n, -(-width // m) * m), np.nan)
    padded[:, :width] = detrended
    folded = padded.reshape(n, -1, m)
    present = ~np.isnan(folded)
    with np.errstate(invalid="ignore"):
        return np.where(present, folded, 0.0).sum(axis=1) / present.sum(axis=1)


def decomposition_indices(values: np.ndarray, lengths: np.ndarray, m: int,
                          multiplicative: np.ndarray) -> np.ndarray:
    """Classical decomposition's seasonal indices per row (n, m): ratios to (multiplicative
    rows) or differences from (additive rows) the centred moving average, averaged per
    position and normalised to mean 1 or 0. Rows need more than m observations."""
    trend = centred_moving_average(values, lengths, m)
    mul = multiplicative[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        detrended = np.where(mul, values / trend, values - trend)
        means = seasonal_means(detrended, m)
        centre = means.mean(axis=1, keepdims=True)
        return np.where(mul, means / centre, means - centre)


def seasonal_adjustment(values: np.ndarray, lengths: np.ndarray, m: int) -> Adjustment:
    """The Theta method's deseasonalisation: rows that pass `is_seasonal` get classical
    multiplicative indices when all their values are positive, additive ones otherwise (as
    statsmodels' ThetaModel with method="auto"); other rows are left as they are."""
    n = values.shape[0]
    factors, offsets = np.ones((n, max(m, 1))), np.zeros((n, max(m, 1)))
    seasonal = is_seasonal(values, lengths, m)
    if seasonal.any():
        rows = np.flatnonzero(seasonal)
        sub, sub_lengths = values[rows], lengths[rows]
        positive = np.where(valid_mask(sub_lengths, sub.shape[1]), sub, np.inf).min(axis=1) > 0
        indices = decomposition_indices(sub, sub_lengths, m, positive)
        factors[rows] = np.where(positive[:, None], indices, 1.0)
        offsets[rows] = np.where(positive[:, None], 0.0, indices)
    return Adjustment(factors, offsets)
