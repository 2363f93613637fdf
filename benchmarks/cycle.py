"""Speed and memory of the whole monthly cycle, as `sop run` runs it, on companies of any size.

Run from the repository root, one command per measurement (`--keep DIR` keeps the pack):

    .venv/bin/python -m benchmarks.cycle --skus 120         # the sample company's size
    .venv/bin/python -m benchmarks.cycle --skus 10000
    .venv/bin/python -m benchmarks.cycle --skus 100000
    .venv/bin/python -m benchmarks.cycle --skus 100000 --backfilled   # archive already filled
    .venv/bin/python -m benchmarks.cycle --floor             # the cycle's notebooks, empty
    .venv/bin/python -m benchmarks.cycle --skus 100000 --dask-workers 2   # on a Dask cluster

1. Not timed: the company is made by the sample generator (`sop sample`: `write_sample` with
   `--skus`, `--months` of history, `--seed`) in a temporary folder. With `--backfilled`, the
   statistical forecasts of the cycles the accuracy window needs are archived first as
   `sop backfill` does, so the run replays none (a company's monthly run once it has a year of
   packs); without it the archive is empty and the demand review replays 14 past cycles.
2. Timed: the whole cycle in a child process, through the same runner as `sop run`
   (`sop_lib.run.runner.run_cycle`: validation, the five notebooks with papermill, HTML pages,
   plan of record, Excel workbook, publication) into a temporary reports folder. Each line the
   runner reports is timestamped, which splits the run into checking the data, the five steps and
   publishing; each step is further split, from the executed notebook's own cell timings, into
   its first cells (opening the workbook: checking and loading the company again in the kernel,
   and computing the step), the cells showing the results, and the rest (starting the kernel,
   papermill, rendering the HTML page).
3. Memory: while the child runs, the whole process tree under it (the runner, each notebook's
   kernel, the forecast engine's worker processes) is polled every `POLL_SECONDS`. "Peak tree
   RSS" is the largest sum of the resident memory of every process alive at one poll: an upper
   bound of what the run held at once (pages shared between processes, e.g. by forked engine
   workers, are counted in each). "Largest process of each kind" is the largest peak resident
   memory of one process (VmHWM of /proc/<pid>/status, read at each poll while it lives) among
   the runner, the notebook kernels and the engine's workers. The 1-minute load average just
   before the run is shown too: the machine may be shared.

With `--dask-workers N`, the child first starts a `distributed.LocalCluster` of N worker
processes (one thread each; not timed, as a cluster would already be running) and runs the
cycle with SOP_DASK_SCHEDULER set to its address, so that the engine's chunks run as tasks on
its workers; the cluster's processes are part of the polled tree.

The floor, `--floor`: the cycle's notebooks holding only the parameters cell go through the
same runner path (checking the sample company's data, papermill, HTML rendering) with the
runner's NOTEBOOK_DIR pointed at them; it is the fixed cost of running the notebooks. Its
publishing stops at once (the empty notebooks write no plan to publish): the floor is the
checking and the steps.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil

POLL_SECONDS = 0.1
STEP_NAMES = ("demand", "supply", "presop", "executive", "families")
FIRST_CELLS = 3  # parameters, injected parameters, opening the workbook and computing the step


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=120)
    parser.add_argument("--months", type=int, default=48, help="months of history")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--floor", action="store_true",
                        help="the cycle's notebooks, empty, instead of the cycle")
    parser.add_argument("--backfilled", action="store_true",
                        help="archive the past cycles' forecasts first (not timed)")
    parser.add_argument("--dask-workers", type=int, default=0,
                        help="run the engine on a local Dask cluster of this many workers")
    parser.add_argument("--runs", type=int, default=1, help="runs; the median run is shown")
    parser.add_argument("--keep", type=Path, help="copy the published pack of the (median) run "
                        "to this folder, to read its pages")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory(prefix="sop-cycle-bench-") as folder:
        folder = Path(folder)
        data = make_company(folder, args)
        notebooks = empty_notebooks(folder / "floor") if args.floor else ""
        runs = [measure(data, folder, run, notebooks, args.backfilled, args.dask_workers)
                for run in range(args.runs)]
        totals = [run["total"] for run in runs]
        median = runs[totals.index(statistics.median_low(totals))]
        if args.keep:
            shutil.copytree(median["folder"], args.keep, dirs_exist_ok=True)
    print(report(median, args, totals))


def make_company(folder: Path, args) -> Path:
    """The sample company of the size asked for (not timed)."""
    from sop_lib.data.sample import write_sample
    started = time.perf_counter()
    data = write_sample(folder / "company", seed=args.seed, skus=args.skus, months=args.months)
    size = sum(f.stat().st_size for f in data.iterdir()) / 1e6
    print(f"Company of {args.skus:,} SKUs x {args.months} months written in "
          f"{time.perf_counter() - started:.1f} s ({size:,.0f} MB of CSV)", flush=True)
    return data


def empty_notebooks(folder: Path) -> Path:
    """The notebooks of the cycle, holding their parameters cell only."""
    from sop_lib.run.runner import NOTEBOOK_DIR
    from sop_lib.run.steps import STEPS
    folder.mkdir(parents=True)
    for step in STEPS:
        real = nbformat.read(NOTEBOOK_DIR / f"{step.notebook}.ipynb", as_version=4)
        parameters = next(c for c in real.cells if "parameters" in c.metadata.get("tags", []))
        notebook = nbformat.v4.new_notebook(cells=[parameters], metadata=real.metadata)
        nbformat.write(notebook, folder / f"{step.notebook}.ipynb")
    return folder


def backfill_archive(data: Path, reports: Path) -> None:
    """Archive every cycle the accuracy window needs, as `sop backfill` does (not timed)."""
    from sop_lib.data.validation import load_company
    from sop_lib.demand.backfill import backfill
    company = load_company(data)
    last = company.last_closed_month
    started = time.perf_counter()
    backfill(company, reports, first=last - 13, last=last, horizon=3, progress=lambda _: None)
    print(f"Archive backfilled with 14 cycles in {time.perf_counter() - started:.0f} s",
          flush=True)


def measure(data: Path, folder: Path, run: int, notebooks: Path | str,
            backfilled: bool, dask_workers: int) -> dict:
    """Run the cycle in a child process, polling its process tree; the child's measurements."""
    reports = folder / f"reports-{run}"
    if backfilled:
        backfill_archive(data, reports)
    load_before = os.getloadavg()[0]
    out = folder / f"measurements-{run}.json"
    process = psutil.Popen([sys.executable, "-m", "benchmarks.cycle", "--child", str(data),
                            str(reports), f"{out}|{notebooks}|{dask_workers}"],
                           stdout=subprocess.DEVNULL)
    memory = poll_tree(process)
    result = json.loads(out.read_text())
    return {**result, **memory, "load_before": load_before}


def poll_tree(process: psutil.Popen) -> dict:
    """Peak summed RSS of the process tree and the largest peak of one process of each role
    (runner, notebook kernel, engine worker), until the process exits."""
    peak_tree, peaks = 0, {}
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        total = 0
        for member in tree:
            try:
                total += member.memory_info().rss
                peaks[member.pid] = (high_water_mark(member.pid), describe(member))
            except (psutil.NoSuchProcess, psutil.AccessDenied, OSError):
                continue
        peak_tree = max(peak_tree, total)
        time.sleep(POLL_SECONDS)
    roles = {}
    for high, role in peaks.values():
        if high >= 2**20:  # a short-lived helper (uname) or gone before it could be read
            roles[role] = max(roles.get(role, 0), high / 2**20)
    return {"peak_tree_mb": peak_tree / 2**20, "largest_mb": roles}


def high_water_mark(pid: int) -> int:
    """VmHWM (peak resident memory) of a live process, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def describe(process: psutil.Process) -> str:
    """What a process of the tree is: the runner, a notebook kernel or a worker process."""
    command = " ".join(process.cmdline())
    if "ipykernel" in command:
        return "notebook kernel"
    if "forkserver" in command or "multiprocessing" in command:
        return "worker process (engine or Dask)"
    return "runner" if "benchmarks.cycle" in command else process.name()


def child(data: str, reports: str, target: str) -> None:
    """Run the cycle and write the timings: phases from the runner's lines, steps from the
    manifest, cell timings from the executed notebooks."""
    from sop_lib.core.errors import RunError
    from sop_lib.run import runner
    out, notebooks, dask_workers = target.split("|")
    if notebooks:
        runner.NOTEBOOK_DIR = Path(notebooks)
    if int(dask_workers):
        from distributed import LocalCluster
        cluster = LocalCluster(n_workers=int(dask_workers), threads_per_worker=1,
                               processes=True, dashboard_address=None)
        os.environ["SOP_DASK_SCHEDULER"] = cluster.scheduler_address
    marks = []
    started = time.perf_counter()

    def progress(line: str) -> None:
        marks.append((time.perf_counter() - started, line))

    try:
        result = runner.run_cycle(data_dir=data, reports_dir=reports, progress=progress)
        folder, manifest = result.folder, result.manifest
    except RunError:  # the floor: nothing to publish
        if not notebooks:
            raise
        folder = next(Path(reports, ".failed").iterdir())
        manifest = json.loads((folder / "manifest.json").read_text())
    total = time.perf_counter() - started
    Path(out).write_text(json.dumps({
        "total": total, "folder": str(folder), "phases": phases(marks, total),
        "steps": {s["step"]: {"seconds": s["seconds"], **cell_seconds(folder, s["notebook"])}
                  for s in manifest["steps"]},
        "python": sys.version.split()[0], "cores": len(os.sched_getaffinity(0)),
        "workers": os.environ.get("SOP_WORKERS", "default"),
        "dask_workers": int(dask_workers)}))


def phases(marks: list[tuple[float, str]], total: float) -> dict:
    """Seconds checking the data (before the first step) and publishing (after the last)."""
    first_step = next(t for t, line in marks if line.startswith("[1/"))
    last_step = max(t for t, line in marks if " done in " in line)
    return {"check": first_step, "publish": total - last_step}


def cell_seconds(folder: Path, notebook: str) -> dict:
    """Seconds of the notebook's first cells (opening the workbook and computing the step) and
    of the others (showing the results), from papermill's cell timings."""
    path = folder / f"{notebook}.ipynb"
    if not path.exists():
        return {"compute": 0.0, "show": 0.0}
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    seconds = [c.metadata.get("papermill", {}).get("duration") or 0.0 for c in cells]
    return {"compute": sum(seconds[:FIRST_CELLS]), "show": sum(seconds[FIRST_CELLS:])}


def report(run: dict, args, totals: list[float]) -> str:
    """A Markdown table of the run, then its totals and memory."""
    what = ("floor: the cycle's notebooks, empty (sample company's data checked)" if args.floor else
            f"{args.skus:,} SKUs x {args.months} months"
            + (", archive backfilled" if args.backfilled else ", empty archive")
            + (f", Dask local cluster of {args.dask_workers} workers" if args.dask_workers
               else ""))
    lines = [f"### {what}", "",
             "| phase | seconds | first cells (open + compute) | result cells | kernel, "
             "papermill, HTML |", "|---|---:|---:|---:|---:|",
             f"| check the data (runner) | {run['phases']['check']:.1f} | | | |"]
    for name in STEP_NAMES:
        step = run["steps"].get(name)
        if step:
            rest = step["seconds"] - step["compute"] - step["show"]
            lines.append(f"| {name} | {step['seconds']:.1f} | {step['compute']:.1f} | "
                         f"{step['show']:.1f} | {rest:.1f} |")
    lines += [f"| publish (plan of record, Excel, pages) | {run['phases']['publish']:.1f} | | | |",
              f"| **total** | **{run['total']:.1f}** | | | |", "",
              f"Peak tree RSS {run['peak_tree_mb']:,.0f} MB; largest process of each kind: "
              + ", ".join(f"{role} {mb:,.0f} MB" for role, mb in run["largest_mb"].items())
              + f". Python {run['python']}, {run['cores']} cores, "
              f"SOP_WORKERS={run['workers']}, load average before the run "
              f"{run['load_before']:.1f}."]
    if len(totals) > 1:
        lines.append("Totals of the runs: " + ", ".join(f"{t:.1f}" for t in totals) + " s.")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
