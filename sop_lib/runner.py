"""`sop run`: validate, execute the four notebooks with papermill, render, publish."""
from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import papermill

from . import manifest as mf
from .archive import replace_folder
from .artifacts import ArtifactStore
from .plan_of_record import write_plan_of_record
from .errors import RunError
from .parameters import check_parameters
from .report import (nav_bar, neighbour_cycles, render_notebook, write_cycle_index,
                     write_reports_index)
from .steps import STEPS
from .validation import load_company

PROJECT_DIR = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = PROJECT_DIR / "notebooks"
SAMPLE_DIR = PROJECT_DIR / "data" / "sample"
REPORTS_DIR = PROJECT_DIR / "reports"
PAGES = [(f"{s.notebook}.html", s.title) for s in STEPS]


@dataclass(frozen=True)
class RunResult:
    cycle: str
    folder: Path
    manifest: dict


def run_cycle(*, data_dir=SAMPLE_DIR, reports_dir=REPORTS_DIR, cycle: str = "",
              horizon: int = 0, progress: Callable[[str], None] = print) -> RunResult:
    """Run the monthly cycle and publish `reports_dir/<cycle>` only when every step succeeded.

    Raises DataError (bad company data) or RunError (a step failed); an earlier pack of the
    same cycle then stays as it was, and the failed run's pages are kept in
    `reports_dir/.failed/<cycle>` for diagnosis.
    """
    params = check_parameters(cycle=cycle, data_dir=str(data_dir), horizon=horizon)
    progress(f"Checking the company data in {params.data_dir} ...")
    company = load_company(params.data_dir, cycle=params.cycle)
    for warning in company.warnings:
        progress(f"  {warning}")
    label = (params.cycle or company.default_cycle).strftime("%Y-%m")
    reports_dir = Path(reports_dir).resolve()
    staging_root = reports_dir / f".staging-{label}-{os.getpid()}"
    work = staging_root / label
    work.mkdir(parents=True)
    cycles = neighbour_cycles(reports_dir, label)
    manifest = {
        "company": company.config.name, "cycle": label, "status": "running",
        "started": mf.now(), "finished": "",
        "parameters": {"cycle": label, "data_dir": str(params.data_dir.resolve()),
                       "horizon": horizon or company.config.horizon_months},
        "inputs": mf.input_hashes(company.files.values()),
        "packages": mf.package_versions(),
        "warnings": [str(w) for w in company.warnings],
        "steps": [],
    }
    try:
        for number, step in enumerate(STEPS, start=1):
            progress(f"[{number}/{len(STEPS)}] {step.title} ...")
            seconds = _execute(step, work, staging_root, params.data_dir.resolve(), label,
                               horizon, manifest, cycles)
            progress(f"[{number}/{len(STEPS)}] {step.title} done in {seconds:.1f} s")
        _write_plan_of_record(work)
        manifest.update(status="published", finished=mf.now())
        mf.write_manifest(work, manifest)
        write_cycle_index(work, manifest, PAGES, cycles=cycles)
        target = replace_folder(work, reports_dir / label)
    finally:
        shutil.rmtree(staging_root, ignore_errors=True)
    write_reports_index(reports_dir)
    progress(f"Published {target / 'index.html'}")
    return RunResult(label, target, manifest)


def _execute(step, work: Path, staging_root: Path, data_dir: Path, label: str, horizon: int,
             manifest: dict, cycles: tuple) -> float:
    """Execute and render one notebook; on failure keep its pages aside and raise RunError."""
    executed = work / f"{step.notebook}.ipynb"
    page = work / f"{step.notebook}.html"
    started = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(NOTEBOOK_DIR / f"{step.notebook}.ipynb"), str(executed),
            parameters={"cycle": label, "data_dir": str(data_dir),
                        "reports_dir": str(staging_root),
                        "archive_dir": str(staging_root.parent), "horizon": horizon},
            kernel_name="python3", progress_bar=False, cwd=str(NOTEBOOK_DIR),
            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    except papermill.PapermillExecutionError as error:
        seconds = time.perf_counter() - started
        manifest["steps"].append({"step": step.name, "seconds": seconds, "status": "failed"})
        manifest.update(status="failed", finished=mf.now())
        failed = _keep_failed(work, step, executed, page, manifest, cycles)
        raise RunError(f"step {step.title} failed: {error.ename}: {error.evalue}\n"
                       f"The notebook with the error: {failed / page.name}\n"
                       "Nothing was published; the last good pack is unchanged.") from error
    render_notebook(executed, page, title=f"{step.title} {label}",
                    nav=nav_bar(PAGES, page.name, cycles=cycles))
    seconds = time.perf_counter() - started
    manifest["steps"].append({"step": step.name, "notebook": step.notebook,
                              "seconds": round(seconds, 2), "status": "done"})
    return seconds


def _write_plan_of_record(work: Path) -> None:
    artifacts = ArtifactStore(work / "artifacts").read_all(("plan", "consensus", "money"))
    write_plan_of_record(work / "plan_of_record", artifacts["plan"], artifacts["consensus"],
                         artifacts["money"])


def _keep_failed(work: Path, step, executed: Path, page: Path, manifest: dict,
                 cycles: tuple) -> Path:
    if executed.exists():
        render_notebook(executed, page, title=f"{step.title} (failed)",
                        nav=nav_bar(PAGES, page.name, cycles=cycles))
    mf.write_manifest(work, manifest)
    failed = work.parent.parent / ".failed" / work.name
    shutil.rmtree(failed, ignore_errors=True)
    failed.parent.mkdir(parents=True, exist_ok=True)
    work.rename(failed)
    return failed
