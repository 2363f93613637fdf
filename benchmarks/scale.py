"""Speed and memory of the engine's automatic selection on many synthetic SKUs.

Run from the repository root:

    .venv/bin/python -m benchmarks.scale                      # 10,000 and 100,000 SKUs x 60
    .venv/bin/python -m benchmarks.scale --skus 20000 --months 48 --horizon 24

Demand is the bundled sample company's generator (`sop_lib.data.sample.sample_tables`): seasonal,
trending, intermittent and new SKUs. For each size the bookings matrix is made here, saved to
a temporary .npy file, and forecast in a fresh child process (`forecast_matrix` with its
defaults: the smooth methods, combinations, P10/P50/P90, chunks of 2,000 SKUs; run
sequentially in the child, so that its time and memory are the engine's on one core:
`benchmarks.parallel` measures the local worker processes and Dask). The child
reports the seconds `forecast_matrix` took, its peak resident memory (VmHWM of
/proc/self/status: Python, numpy, pandas and the input matrix included) and its resident
memory just before the call. Not `getrusage(...).ru_maxrss`: Linux carries that over from the
parent across fork and exec, and the parent holds the generated data (about 1.8 GB for 100,000
SKUs), so it would report the parent's peak, not the engine's.
"""
from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

DEFAULT_SKUS = (10_000, 100_000)


def bookings(skus: int, months: int) -> np.ndarray:
    """The sample company's bookings as SKUs x months, NaN before each SKU's first month."""
    from sop_lib.data.sample import sample_tables
    history = sample_tables(skus=skus, months=months)["demand_history"]
    wide = history.pivot(index="sku", columns="month", values="bookings")
    values = wide.to_numpy(dtype=float)
    started = np.cumsum(~np.isnan(values), axis=1) > 0
    return np.where(started, np.nan_to_num(values), np.nan)


def status_mb(field: str) -> float:
    """A memory field of /proc/self/status (VmRSS: now, VmHWM: peak) in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def child(path: str, horizon: int) -> None:
    """Forecast the saved matrix and print a JSON line of measurements."""
    from sop_lib.engine import forecast_matrix
    from sop_lib.engine.parallel import Sequential
    y = np.load(path)
    before = status_mb("VmRSS")
    start = time.perf_counter()
    result = forecast_matrix(y, horizon, executor=Sequential())
    seconds = time.perf_counter() - start
    peak = status_mb("VmHWM")
    chosen = collections.Counter(label.split(":")[0] for label in result.method)
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "before_mb": before,
                      "chosen": dict(chosen.most_common())}))


def measure(skus: int, months: int, horizon: int) -> dict:
    y = bookings(skus, months)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bookings.npy"
        np.save(path, y)
        output = subprocess.run([sys.executable, "-m", "benchmarks.scale", "--child", str(path),
                                 "--horizon", str(horizon)], check=True, capture_output=True,
                                text=True).stdout
    return {"skus": skus, "months": months, **json.loads(output.strip().splitlines()[-1])}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, nargs="+", default=list(DEFAULT_SKUS))
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--horizon", type=int, default=18)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.horizon)
        return
    print("| SKUs | months | horizon | seconds | peak RSS (MB) | RSS before the call (MB) |"
          " chosen |\n|---:|---:|---:|---:|---:|---:|---|")
    for skus in args.skus:
        row = measure(skus, args.months, args.horizon)
        chosen = ", ".join(f"{name} {count:,}" for name, count in row["chosen"].items())
        print(f"| {skus:,} | {args.months} | {args.horizon} | {row['seconds']:.1f} | "
              f"{row['peak_mb']:,.0f} | {row['before_mb']:,.0f} | {chosen} |", flush=True)


if __name__ == "__main__":
    main()
