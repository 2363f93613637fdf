"""The engine's chunks sequentially, on every local core and on a local Dask cluster.

Run from the repository root:

    .venv/bin/python -m benchmarks.parallel                  # 100,000 SKUs x 60 months
    .venv/bin/python -m benchmarks.parallel --skus 2000 3000 4000 6000 8000 --executors \\
        sequential local                                     # where parallel starts to pay

Demand is the sample company's generator, as in `benchmarks.scale`. Each size and executor runs
in a fresh child process, which calls `forecast_matrix(y, horizon, executor=...)` twice: the
first call pays the start of the local worker processes (the forkserver) or the connection to
the cluster, the second reuses them, as the later calls of a cycle do. The executors:
`sequential` (`Sequential()`), `local` (`LocalProcesses()`: every core), `dask` (a
`distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True)` started by the
child before the timed calls, as a cluster would already be running, then `DaskCluster`),
`dask-untrimmed` (the same cluster with its workers' MALLOC_TRIM_THRESHOLD_ left unset, see
docs/performance.md). Every run checks that its results are identical to the first run's (the
sequential one by default). With --runs N the executors take turns N times; seconds and CPU
are reported as best (median), since on a shared machine the slower runs measure the other
jobs; each run's measurements are printed to stderr as it ends.

Memory: the child's own peak resident set (VmHWM) and the peak, sampled every 0.1 s, of the
proportional set size summed over the child and every process under it (worker processes,
the forkserver, the cluster's nannies, workers and scheduler): shared pages counted once.
CPU: the seconds all those processes spent in the second call (user + system, sampled, so up
to 0.1 s per process is missed). On a machine shared with other jobs the wall-clock seconds of
the parallel runs depend on how many cores are free; CPU seconds do not, and show the cost of
shipping chunks to workers.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from benchmarks.scale import bookings, status_mb

EXECUTORS = ("sequential", "local", "dask", "dask-untrimmed")
TRIM_SETTING = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"


class ProcessTree:
    """While open: the peak PSS of this process and every process under it, and the CPU
    seconds they spent (sampled every `interval` seconds in a thread)."""

    def __init__(self, interval: float = 0.1):
        import psutil
        self.root, self.interval, self.peak_mb = psutil.Process(), interval, 0.0
        self._start: dict[int, float] = {}
        self._last: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @property
    def cpu_seconds(self) -> float:
        return sum(self._last[pid] - self._start.get(pid, 0.0) for pid in self._last)

    def _sample(self) -> None:
        import psutil
        first = True
        while True:
            total = 0
            for process in [self.root, *self.root.children(recursive=True)]:
                try:
                    with process.oneshot():
                        total += process.memory_full_info().pss
                        times = process.cpu_times()
                except psutil.Error:  # ended while sampled
                    continue
                self._last[process.pid] = times.user + times.system
                if first:  # already running: count only what it spends from now on
                    self._start[process.pid] = self._last[process.pid]
            first = False
            self.peak_mb = max(self.peak_mb, total / 2**20)
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> ProcessTree:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def child(path: str, horizon: int, kind: str, reference: str) -> None:
    """Forecast the saved matrix twice with one executor; print a JSON line of measurements."""
    from sop_lib.engine import forecast_matrix
    from sop_lib.engine.parallel import DaskCluster, LocalProcesses, Sequential

    y = np.load(path)
    cluster = None
    if kind.startswith("dask"):
        import dask
        from distributed import LocalCluster
        trim = None if kind == "dask-untrimmed" else dask.config.get(TRIM_SETTING)
        with dask.config.set({TRIM_SETTING: trim}):
            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
        executor = DaskCluster(cluster.scheduler_address)
    else:
        executor = LocalProcesses() if kind == "local" else Sequential()
    seconds, cpu, peak = [], [], 0.0
    for _ in range(2):
        with ProcessTree() as tree:
            start = time.perf_counter()
            result = forecast_matrix(y, horizon, executor=executor)
            seconds.append(time.perf_counter() - start)
        cpu.append(tree.cpu_seconds)
        peak = max(peak, tree.peak_mb)
    arrays = {"point": result.point, "method": result.method.astype(str),
              "scores": result.scores.to_numpy(),
              **{f"q{level}": band for level, band in result.quantiles.items()}}
    if not Path(reference).exists():
        np.savez(reference, **arrays)
    saved = np.load(reference)
    identical = all(np.array_equal(saved[name], value, equal_nan=value.dtype.kind == "f")
                    for name, value in arrays.items())
    if cluster is not None:
        executor.close()
        cluster.close()
    print(json.dumps({"first": seconds[0], "second": seconds[1], "cpu": cpu[1],
                      "peak_mb": status_mb("VmHWM"), "tree_peak_mb": peak,
                      "identical": identical}))


def measure(path: Path, horizon: int, kind: str, reference: Path) -> dict:
    load = os.getloadavg()[0]
    output = subprocess.run([sys.executable, "-m", "benchmarks.parallel", "--child", str(path),
                             "--horizon", str(horizon), "--executors", kind, "--reference",
                             str(reference)], check=True, capture_output=True, text=True).stdout
    return {"load": load, **json.loads(output.strip().splitlines()[-1])}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, nargs="+", default=[100_000])
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--horizon", type=int, default=18)
    parser.add_argument("--executors", nargs="+", choices=EXECUTORS, default=list(EXECUTORS[:3]))
    parser.add_argument("--runs", type=int, default=1,
                        help="runs of each (best and median reported)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--reference", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.horizon, args.executors[0], args.reference)
        return
    print(f"{os.cpu_count()} cores; {args.runs} run(s) of each, interleaved; seconds and CPU: "
          "best and median; memory: the largest\n\n"
          "| SKUs | executor | first call (s) | second call (s) | CPU s, second call "
          "| peak RSS, main process (MB) | peak PSS, all processes (MB) | identical "
          "| load average before |\n|---:|---|---:|---:|---:|---:|---:|---|---|")
    for skus in args.skus:
        with tempfile.TemporaryDirectory() as folder:
            path, reference = Path(folder) / "bookings.npy", Path(folder) / "reference.npz"
            np.save(path, bookings(skus, args.months))
            rows = {kind: [] for kind in args.executors}
            for _ in range(args.runs):  # interleaved, so load changes hit every executor
                for kind in args.executors:
                    rows[kind].append(measure(path, args.horizon, kind, reference))
                    print(f"{skus} {kind}: {json.dumps(rows[kind][-1])}", file=sys.stderr,
                          flush=True)
            for kind, runs in rows.items():
                print(f"| {skus:,} | {kind} | {spread(runs, 'first')} | {spread(runs, 'second')} | "
                      f"{spread(runs, 'cpu')} | {max(run['peak_mb'] for run in runs):,.0f} | "
                      f"{max(run['tree_peak_mb'] for run in runs):,.0f} | "
                      f"{all(run['identical'] for run in runs)} | "
                      f"{min(run['load'] for run in runs):.1f}-"
                      f"{max(run['load'] for run in runs):.1f} |", flush=True)


def spread(runs: list[dict], key: str) -> str:
    """"best (median)" of a measurement over runs; just the value for one run."""
    values = [run[key] for run in runs]
    best = f"{min(values):.1f}"
    return best if len(values) == 1 else f"{best} ({statistics.median(values):.1f})"


if __name__ == "__main__":
    main()
