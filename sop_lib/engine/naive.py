"""Naive, seasonal naive and Naive2 (naive on the seasonally adjusted series) forecasts."""
from __future__ import annotations

import numpy as np

from sop_lib.engine.panel import Task
from sop_lib.engine.smoothing import adjusted


def last_values(values: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """Each row's observation just before each cut, shape (n, C)."""
    return np.take_along_axis(values, np.maximum(cuts - 1, 0), axis=1)


def naive(task: Task) -> np.ndarray:
    """The last observation, carried forward."""
    last = last_values(task.values, task.cuts)
    return np.repeat(last[:, :, None], task.horizon, axis=2)


def seasonal_naive(task: Task) -> np.ndarray:
    """The observation one season before each forecast month (the last season repeated)."""
    m = task.season_length
    source = task.cuts[:, :, None] - m + np.arange(task.horizon) % m
    flat = np.take_along_axis(task.values, np.maximum(source, 0).reshape(task.size, -1), axis=1)
    return flat.reshape(source.shape)


def naive2(task: Task) -> np.ndarray:
    """Naive on the seasonally adjusted series (Theta's 90% test and classical
    decomposition), re-seasonalised: the M competitions' Naive2 benchmark."""
    values, adjustment = adjusted(task)
    last = last_values(values, task.cuts)
    flat = np.repeat(last[:, :, None], task.horizon, axis=2)
    return adjustment.restore(flat, task.steps())
