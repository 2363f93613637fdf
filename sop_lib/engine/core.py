"""`forecast_matrix`: automatic forecasting of a matrix of monthly series, chunk by chunk."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd

from sop_lib.core.errors import ParameterError
from sop_lib.engine import methods as registry
from sop_lib.engine import pooled
from sop_lib.engine.backtest import Windows, measure_scale, windows
from sop_lib.engine.intervals import noise_scale, pooled_offsets, scaled_errors
from sop_lib.engine.panel import Panel, Task, left_align
from sop_lib.engine.parallel import Executor, default_executor
from sop_lib.engine.selection import (
    COMBINATION_SIZES,
    MEAN,
    Selection,
    combination_name,
    mean_of_all,
    select,
)

MEASURES = ("wape", "mase")
CHOICES = ("mean", "select")
FALLBACK = "naive"
NO_HISTORY = "no history"
DEFAULT_CHUNK = 2_000


@dataclasses.dataclass(frozen=True)
class EngineResult:
    """Forecasts of n series for h months.

    point: (n, h) the chosen method's forecast; quantiles: {level: (n, h)}; method: (n,) the
    chosen method per series ("theta", "combo: theta+damped", "naive" for series too short to
    backtest, "no history" for empty rows); scores: one row per series, one column per
    candidate (methods, then "combo" for the mean of all, or "combo2"/"combo3"), the backtest
    error in the chosen measure (NaN where the candidate had no forecast or the measure is
    undefined, e.g. WAPE of zero demand).
    """

    point: np.ndarray
    quantiles: dict[float, np.ndarray]
    method: np.ndarray
    scores: pd.DataFrame


@dataclasses.dataclass(frozen=True)
class _Options:
    horizon: int
    season_length: int
    methods: tuple[str, ...]
    measure: str
    origins: int
    choice: str
    combine: bool
    nonnegative: bool
    pooled: tuple[np.ndarray, np.ndarray] | None = None  # coefficients: backtest, final


def forecast_matrix(y: np.ndarray, horizon: int, *, season_length: int = 12,
                    methods: tuple[str, ...] | list[str] | None = None, measure: str = "wape",
                    origins: int = 3, choice: str = "mean", combine: bool = True,
                    quantiles: tuple[float, ...] = (0.1, 0.5, 0.9), nonnegative: bool = True,
                    chunk_size: int = DEFAULT_CHUNK,
                    progress: Callable[[int, int], None] | None = None,
                    executor: Executor | None = None) -> EngineResult:
    """Forecast every row of `y` (series x months, all ending at the last column; leading NaN
    = not started yet) `horizon` months ahead.

    Each series' candidate methods (`methods`, default SMOOTH_METHODS; any of METHODS) are
    scored by a rolling-origin backtest (`origins` origins one month apart, see `backtest`).
    `choice` "mean" (the default) forecasts the mean of every candidate that could be
    backtested on the series; "select" chooses per series the candidate with the smallest
    error (with the means of its best 2 and 3 methods as candidates too when `combine`;
    `combine=False` always chooses the best single method): on
    M1 and Tourism monthly the mean was the more accurate (docs/performance.md). `measure`
    ("wape" or "mase") is the unit of the reported scores (both rank a series' candidates
    alike). Series too short to backtest get the naive forecast. Quantile
    forecasts come from the backtest errors (see `intervals`). With `nonnegative`, forecasts,
    backtest forecasts and quantiles are clipped at 0. Series are processed `chunk_size` rows
    at a time (2,000 by default: small enough for the CPU caches, faster than larger chunks);
    results do not depend on it; `progress(done, total)` is called after each chunk. The
    chunks run where `executor` sends them (see `parallel`; default `default_executor`: every
    core of this machine, or a Dask cluster); the results do not depend on where. Same input,
    same output.
    """
    options = _validate(horizon, season_length, methods, measure, origins, quantiles,
                        chunk_size, choice, combine, nonnegative)
    panel = left_align(y)
    if "pooled" in options.methods:
        options = dataclasses.replace(options, pooled=_pooled_coefficients(panel, options))
    n = panel.values.shape[0]
    candidates = list(options.methods) + _combinations(options)
    point = np.zeros((n, horizon))
    label = np.full(n, NO_HISTORY, dtype=object)
    scores = np.full((n, len(candidates)), np.nan)
    pooled_errors = len(options.methods) if options.choice == "select" else 1
    scaled = np.full((n, origins * pooled_errors, horizon), np.nan)
    scale = np.full(n, np.nan)
    rows = np.flatnonzero(panel.lengths > 0)
    chunks = [rows[start:start + chunk_size] for start in range(0, rows.size, chunk_size)]
    executor = default_executor(rows.size) if executor is None else executor
    done = 0
    for position, result in executor.run(_forecast_chunk, (_part(panel, chunk)
                                                           for chunk in chunks), options):
        chunk = chunks[position]
        point[chunk], label[chunk], scores[chunk], scaled[chunk], scale[chunk] = result
        done += chunk.size
        if progress:
            progress(done, rows.size)
    levels = tuple(float(level) for level in quantiles)
    offsets = pooled_offsets(scaled, levels)  # rows without history hold only NaN
    bands = {level: point + scale[:, None] * offsets[k] for k, level in enumerate(levels)}
    for band in bands.values():
        band[panel.lengths == 0] = 0.0
        if nonnegative:
            np.clip(band, 0.0, None, out=band)
    return EngineResult(point=point, quantiles=bands, method=label,
                        scores=pd.DataFrame(scores, columns=candidates))


def _combinations(options: _Options) -> list[str]:
    """Score columns after the methods': the mean of all, or the best-2 and best-3 means."""
    if options.choice == "mean":
        return [MEAN]
    return [combination_name(size) for size in COMBINATION_SIZES
            if options.combine and size <= len(options.methods)]


def _backtest_windows(panel: Panel, options: _Options) -> Windows:
    return windows(panel.values, panel.lengths, options.horizon, options.origins,
                   preferred=2 * options.season_length)


def _pooled_coefficients(panel: Panel, options: _Options) -> tuple[np.ndarray, np.ndarray]:
    """The pooled model learnt once from every series (see `pooled`): on the data before
    each series' first backtest origin, and on its whole history."""
    started = panel.rows(panel.lengths > 0)
    win = _backtest_windows(started, options)
    return (pooled.fit(started.values, win.fit_end, options.horizon),
            pooled.fit(started.values, started.lengths, options.horizon))


def _part(panel: Panel, chunk: np.ndarray) -> Panel:
    """The rows `chunk` of the panel, cut to their longest history, in a contiguous array (so
    a chunk is laid out alike whether it runs here or is sent to a worker)."""
    lengths = panel.lengths[chunk]
    return Panel(panel.values[chunk, :int(lengths.max())], lengths)


def _forecast_chunk(panel: Panel, options: _Options):
    """Point forecasts, labels, scores, scaled backtest errors of every candidate method
    (n, methods x origins, h) and noise scales of one chunk of series."""
    values, lengths = panel.values, panel.lengths
    horizon, m = options.horizon, options.season_length
    win = _backtest_windows(panel, options)
    positive = np.where(np.arange(values.shape[1])[None, :] < lengths[:, None], values,
                        np.inf).min(axis=1) > 0
    past_coefficients, final_coefficients = options.pooled or (None, None)
    past_task = Task(values, fit_end=win.fit_end, cuts=win.origins, horizon=horizon,
                     season_length=m, pooled=past_coefficients)
    final_task = Task(values, fit_end=lengths, cuts=lengths[:, None], horizon=horizon,
                      season_length=m, pooled=final_coefficients)
    past = {name: registry.run(name, past_task, positive) for name in options.methods}
    final = {name: registry.run(name, final_task, positive)[:, 0] for name in options.methods}
    if options.nonnegative:
        for forecasts in (*past.values(), *final.values()):
            np.clip(forecasts, 0.0, None, out=forecasts)
    if options.choice == "mean":
        chosen = mean_of_all(past, final, win)
        pooled_forecasts = [chosen.backtest]
    else:
        chosen = select(past, final, win, combine=options.combine)
        pooled_forecasts = list(past.values())
    point, label = _with_fallback(chosen, final_task, positive)
    if options.nonnegative:
        point = np.clip(point, 0.0, None)
    scores = chosen.mae / measure_scale(values, win, options.measure, m)[:, None]
    scale = noise_scale(final_task)
    errors = np.concatenate([np.where(win.valid, win.actual - forecasts, np.nan)
                             for forecasts in pooled_forecasts], axis=1)
    return point, label, scores, scaled_errors(errors, scale), scale


def _with_fallback(chosen: Selection, task: Task, positive: np.ndarray):
    """The chosen forecasts and labels, with the naive forecast for series on which no
    candidate could be scored (too short to backtest)."""
    unscored = np.isnan(chosen.mae).all(axis=1)
    point, label = chosen.final.copy(), chosen.label.copy()
    if unscored.any():
        point[unscored] = registry.run(FALLBACK, task, positive)[unscored, 0]
        label[unscored] = FALLBACK
    return point, label


def _validate(horizon, season_length, methods, measure, origins, quantiles, chunk_size,
              choice, combine, nonnegative) -> _Options:
    for name, value, low in (("horizon", horizon, 1), ("season_length", season_length, 1),
                             ("origins", origins, 1), ("chunk_size", chunk_size, 1)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < low:
            raise ParameterError(f"{name} must be a whole number of at least {low}, "
                                 f"got {value!r}")
    if isinstance(methods, str):
        raise ParameterError(f"methods must be a list of names, e.g. [{methods!r}]")
    names = tuple(registry.DEFAULT_METHODS if methods is None else methods)
    unknown = [name for name in names if name not in registry.REGISTRY]
    if unknown or not names or len(set(names)) != len(names):
        raise ParameterError(f"methods must be distinct names among {list(registry.METHODS)}, "
                             f"got {list(names)}")
    if measure not in MEASURES:
        raise ParameterError(f"measure must be one of {list(MEASURES)}, got {measure!r}")
    if choice not in CHOICES:
        raise ParameterError(f"choice must be one of {list(CHOICES)}, got {choice!r}")
    levels = np.asarray(quantiles, dtype=float)
    if levels.ndim != 1 or not np.all((levels > 0) & (levels < 1)):
        raise ParameterError(f"quantiles must be levels strictly between 0 and 1, "
                             f"got {quantiles!r}")
    return _Options(int(horizon), int(season_length), names, measure, int(origins),
                    choice if combine else "select", bool(combine), bool(nonnegative))
