"""`sop run`: validate, execute the four notebooks with papermill, render, publish.

A run works in a staging folder and publishes `reports/<cycle>` in one rename, only when every
step succeeded; a failed run keeps its pages, log and manifest in `reports/.failed/<cycle>` and
leaves the last good pack as it was. One run per cycle at a time (`lock.cycle_lock`). A pack it
replaces is kept in the new one under `.replaced/`; an approved pack only with `replace_approved`.
"""
from __future__ import annotations

import errno
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import papermill
import pyarrow
from jupyter_client.kernelspec import NoSuchKernel
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from sop_lib.core.errors import ApprovedPackError, ParameterError, RunError
from sop_lib.data.validation import load_company
from sop_lib.pack.drawing import CACHE_VARIABLE
from sop_lib.pack.excel import write_cycle_workbook
from sop_lib.pack.plan_of_record import write_plan_of_record
from sop_lib.pack.report import (
    nav_bar,
    neighbour_cycles,
    render_notebook,
    status_line,
    write_cycle_index,
    write_reports_index,
)
from sop_lib.presop.scenarios import load_scenarios, scenario_files
from sop_lib.run.kernels import KERNEL_NAME, KernelsAhead
from sop_lib.run.parameters import CELL_TIMEOUT, check_parameters
from sop_lib.run.resources import NOTEBOOK_DIR, SAMPLE_DIR
from sop_lib.run.steps import STEPS
from sop_lib.store.archive import (
    MANIFEST_FILE,
    REPLACED,
    is_published,
    keep_replaced,
    replace_folder,
)
from sop_lib.store.artifacts import ArtifactStore
from sop_lib.store.inputs import INPUTS, keep_inputs, sources_record
from sop_lib.store.lock import cycle_lock
from sop_lib.store.manifest import (
    approval,
    input_hashes,
    manifest_changes,
    now,
    package_versions,
    read_manifest,
    write_manifest,
)

REPORTS_DIR = Path("reports")  # relative: the current folder's reports/ when a run starts
PAGES = [(f"{s.notebook}.html", s.title) for s in STEPS]
FINGERPRINT = ("inputs", "parameters", "packages")


@dataclass(frozen=True)
class RunResult:
    cycle: str
    folder: Path
    manifest: dict


def run_cycle(*, data_dir=SAMPLE_DIR, reports_dir=REPORTS_DIR, cycle: str = "",
              horizon: int = 0, resume: bool = False, cell_timeout: int = CELL_TIMEOUT,
              replace_approved: bool = False,
              progress: Callable[[str], None] = print) -> RunResult:
    """Run the monthly cycle and publish `reports_dir/<cycle>` only when every step succeeded.

    Raises ParameterError or DataError before anything runs, LockedError when another run of
    the cycle is in progress, ApprovedPackError when the cycle's pack is approved (unless
    `replace_approved`), RunError when a step fails. With `resume`, a failed run of the
    same cycle with the same inputs, parameters and packages restarts at its failed step.
    """
    params = check_parameters(cycle=cycle, data_dir=str(data_dir), horizon=horizon)
    progress(f"Checking the company data in {params.data_dir} ...")
    snapshot = Path(tempfile.mkdtemp(prefix="sop-inputs-"))
    try:
        label, manifest, warnings = _checked_inputs(params, horizon, snapshot)
        # Hand back to the system what Arrow's allocator kept of the check's text columns
        # (about 700 MB at 100,000 SKUs) rather than hold it while the notebooks run.
        pyarrow.default_memory_pool().release_unused()
        reports_dir = Path(reports_dir).resolve()
        reports_dir.mkdir(parents=True, exist_ok=True)
        with cycle_lock(reports_dir, label, report=progress):
            run = _Run(label=label, reports_dir=reports_dir, data_dir=params.data_dir.resolve(),
                       horizon=horizon, cell_timeout=cell_timeout, progress=progress,
                       replace_approved=replace_approved,
                       snapshot=snapshot if "sources" in manifest else None)
            run.log(f"Cycle {label} of {manifest['company']}")
            for line in _read_from_database(manifest) + [f"  {w}" for w in warnings]:
                run.log(line)
            run.manifest = manifest
            return run.execute(resume)
    finally:
        shutil.rmtree(snapshot, ignore_errors=True)


def _checked_inputs(params, horizon: int, snapshot: Path) -> tuple[str, dict, list]:
    """Check the company data and scenarios (raising DataError or ParameterError); the cycle's
    label, the run's first manifest and the data's warnings. Tables read from a database are
    kept in `snapshot`, completed into a company folder, and the manifest hashes that folder.
    The company itself is not kept: each notebook loads its own, and a large one would hold
    memory through the whole run."""
    company = load_company(params.data_dir, cycle=params.cycle, snapshot=snapshot)
    cycle_month = params.cycle or company.default_cycle
    load_scenarios(company, cycle=cycle_month, horizon=horizon or None)
    label = cycle_month.strftime("%Y-%m")
    queried = any(snapshot.iterdir())
    scenarios = scenario_files(company.folder)
    inputs = (keep_inputs(company, snapshot, scenarios) if queried
              else [*company.files.values(), *scenarios])
    manifest = {
        "company": company.config.name, "currency": company.config.currency, "cycle": label,
        "status": "running",
        "started": now(), "finished": "",
        "parameters": {"cycle": label, "data_dir": str(params.data_dir.resolve()),
                       "horizon": horizon or company.config.horizon_months},
        "inputs": input_hashes(inputs),
        "packages": package_versions(),
        "warnings": [str(w) for w in company.warnings],
        "steps": [],
    }
    if queried:
        manifest["sources"] = sources_record(company.folder, snapshot)
    return label, manifest, company.warnings


def _read_from_database(manifest: dict) -> list[str]:
    """The run log's lines on what was read from a database, if anything."""
    if "sources" not in manifest:
        return []
    sources = manifest["sources"]
    return [f"Read {', '.join(sources['tables'])} from the database {sources['connection']}; "
            f"the pack keeps what was read in {INPUTS}/"]


@dataclass
class _Run:
    """One run of one cycle: staging folder, log, manifest, steps, publication."""

    label: str
    reports_dir: Path
    data_dir: Path
    horizon: int
    cell_timeout: int
    progress: Callable[[str], None]
    replace_approved: bool = False
    snapshot: Path | None = None  # the tables read from a database, as a company folder
    manifest: dict = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    @property
    def staging_root(self) -> Path:
        return self.reports_dir / f".staging-{self.label}-{os.getpid()}"

    @property
    def work(self) -> Path:
        return self.staging_root / self.label

    @property
    def charts(self) -> Path:
        """The charts the kernels drew, by key (`sop_lib.pack.drawing`); never published."""
        return self.staging_root / "charts"

    @property
    def failed(self) -> Path:
        return self.reports_dir / ".failed" / self.label

    @property
    def target(self) -> Path:
        return self.reports_dir / self.label

    def log(self, line: str) -> None:
        self.progress(line)
        self.lines.append(line)

    def execute(self, resume: bool) -> RunResult:
        _clear_leftovers(self.reports_dir, self.label, self.log)
        if self.data_dir.is_relative_to(self.target):
            raise ParameterError(
                f"the company folder {self.data_dir} is inside the pack this run would replace "
                f"({self.target}); run it into another reports folder with --out")
        if not self.replace_approved:
            _refuse_approved(self.target)
        cycles = neighbour_cycles(self.reports_dir, self.label)
        done = self._resume() if resume else set()
        if not done:
            self.work.mkdir(parents=True)
        if self.snapshot is not None:  # the notebooks read the inputs the pack keeps
            shutil.rmtree(self.work / INPUTS, ignore_errors=True)
            shutil.copytree(self.snapshot, self.work / INPUTS)
            self.data_dir = self.work / INPUTS
        self.charts.mkdir(parents=True, exist_ok=True)
        try:
            with KernelsAhead(NOTEBOOK_DIR, len(STEPS) - len(done),
                              env={CACHE_VARIABLE: str(self.charts)}) as kernels:
                for number, step in enumerate(STEPS, start=1):
                    if step.name in done:
                        continue
                    self.log(f"[{number}/{len(STEPS)}] {step.title} ...")
                    seconds = self._step(step, cycles, kernels)
                    self.log(f"[{number}/{len(STEPS)}] {step.title} done in {seconds:.1f} s")
            target = self._publish(cycles)
        finally:
            shutil.rmtree(self.staging_root, ignore_errors=True)
        write_reports_index(self.reports_dir)
        self.progress(f"Published {target / 'index.html'}")
        return RunResult(self.label, target, self.manifest)

    def _resume(self) -> set[str]:
        """Reuse the failed run's finished steps when nothing they depend on changed."""
        manifest_path = self.failed / "manifest.json"
        if not manifest_path.exists():
            self.log("Nothing to resume: no failed run of this cycle. Running every step.")
            return set()
        earlier = read_manifest(manifest_path)
        changed = [key for key in FINGERPRINT if earlier.get(key) != self.manifest[key]]
        if changed:
            self.log(f"Cannot resume: the {', '.join(changed)} changed since the failed run. "
                     "Running every step.")
            return set()
        steps = [s for s in earlier["steps"] if s["status"] == "done"]
        if not steps:
            self.log("Nothing to resume: the failed run finished no step. Running every step.")
            return set()
        shutil.copytree(self.failed, self.work)
        self.manifest["steps"] = steps
        self.manifest["resumed_from"] = earlier["started"]
        names = {s["step"] for s in steps}
        reused = ", ".join(s.title for s in STEPS if s.name in names) or "nothing"
        self.log(f"Resuming the failed run of {earlier['started']}: reusing {reused}.")
        return names

    def _step(self, step, cycles, kernels: KernelsAhead) -> float:
        """Execute one notebook in the next of `kernels` (then shut down) and render it; on
        any failure, starting the kernel included, keep the pages aside and raise."""
        executed = self.work / f"{step.notebook}.ipynb"
        page = self.work / f"{step.notebook}.html"
        started = time.perf_counter()
        try:
            with kernels.take() as kernel:
                papermill.execute_notebook(
                    str(NOTEBOOK_DIR / f"{step.notebook}.ipynb"), str(executed),
                    parameters={"cycle": self.label, "data_dir": str(self.data_dir),
                                "reports_dir": str(self.staging_root),
                                "archive_dir": str(self.reports_dir), "horizon": self.horizon},
                    kernel_name=KERNEL_NAME, progress_bar=False, cwd=str(NOTEBOOK_DIR),
                    execution_timeout=self.cell_timeout, km=kernel.manager,
                    request_save_on_cell_execute=False)  # saved at the end, failed or not
            render_notebook(executed, page, title=f"{step.title} {self.label}",
                            nav=nav_bar(PAGES, page.name, cycles=cycles),
                            status=status_line({"cycle": self.label}))
        except Exception as error:  # every failure of a step ends the run the same way
            seconds = time.perf_counter() - started
            self.manifest["steps"].append({"step": step.name, "notebook": step.notebook,
                                           "seconds": round(seconds, 2), "status": "failed"})
            reason = _explain(error, self.cell_timeout)
            self._keep_failed(executed, page, step, cycles, reason)
            raise RunError(f"step {step.title} failed: {reason}\n"
                           f"The notebook with the error: {self.failed / page.name}\n"
                           f"The run log: {self.failed / 'run.log'}\n"
                           "Nothing was published; the last good pack is unchanged.") from error
        seconds = time.perf_counter() - started
        self.manifest["steps"].append({"step": step.name, "notebook": step.notebook,
                                       "seconds": round(seconds, 2), "status": "done"})
        return seconds

    def _publish(self, cycles) -> Path:
        """Write the plan of record, manifest, log and index, then swap the pack into place."""
        try:
            store = ArtifactStore(self.work / "artifacts")
            artifacts = store.read_all(("plan", "consensus", "money"))
            write_plan_of_record(self.work / "plan_of_record", artifacts["plan"],
                                 artifacts["consensus"], artifacts["money"])
            write_cycle_workbook(self.work / f"sop_{self.label}.xlsx", store,
                                 title=(f"{self.manifest['company']}: S&OP {self.label}, "
                                        "proposed, not yet approved"),
                                 currency=self.manifest["currency"])
            self.manifest.update(status="published", finished=now())
            write_manifest(self.work, self.manifest)
            write_cycle_index(self.work, self.manifest, PAGES, cycles=cycles)
            if is_published(self.target):
                self._keep_replaced()
            self.log(f"Publishing {self.target}")
            self._write_log(self.work)
            return replace_folder(self.work, self.target)
        except Exception as error:
            reason = _explain(error, self.cell_timeout)
            self._keep_failed(None, None, None, cycles, reason)
            raise RunError(f"publishing failed: {reason}\nNothing was published; the last good "
                           f"pack is unchanged. The run log: {self.failed / 'run.log'}") from error

    def _keep_replaced(self) -> None:
        """Say what changed since the cycle's published pack, and keep that pack in the new one."""
        old = read_manifest(self.target / MANIFEST_FILE)
        kind = "approved" if approval(old) is not None else "published"
        changes = "; ".join(manifest_changes(old, self.manifest))
        self.log(f"Replacing the {kind} pack of {self.label} (run {old.get('started', '?')}): "
                 f"{changes or 'nothing in the inputs or parameters changed'}")
        kept = keep_replaced(self.target, self.work)
        self.log(f"The replaced pack is kept under {self.target / REPLACED / kept.name}")

    def _keep_failed(self, executed, page, step, cycles, reason: str) -> None:
        """Move the staging folder to .failed/<cycle> with the failed page, manifest and log."""
        self.log(f"FAILED: {reason}")
        self.manifest.update(status="failed", finished=now(), error=reason)
        try:
            if executed is not None and executed.exists():
                render_notebook(executed, page, title=f"{step.title} (failed)",
                                nav=nav_bar(PAGES, page.name, cycles=cycles))
            write_manifest(self.work, self.manifest)
            self._write_log(self.work)
            shutil.rmtree(self.failed, ignore_errors=True)
            self.failed.parent.mkdir(parents=True, exist_ok=True)
            self.work.rename(self.failed)
        except OSError as error:
            self.progress(f"Could not keep the failed run's files: {error}")

    def _write_log(self, folder: Path) -> None:
        (folder / "run.log").write_text("\n".join(self.lines) + "\n", encoding="utf-8")


def _explain(error: BaseException, cell_timeout: int) -> str:
    """What went wrong, in the words an operator needs."""
    if isinstance(error, papermill.PapermillExecutionError):
        return f"{error.ename}: {error.evalue}"
    if isinstance(error, DeadKernelError):
        return ("the notebook's Python kernel died (out of memory, or killed by the system); "
                f"{error}")
    if isinstance(error, NoSuchKernel):
        return (f"no Jupyter kernel named {error.args[0]!r} is installed in this environment "
                "(reinstall with `make run`, which installs ipykernel)")
    if isinstance(error, CellTimeoutError):
        return f"a cell ran longer than the cell time-out of {cell_timeout} s"
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return f"no space left on the disk ({error.filename or 'while writing'})"
    return f"{type(error).__name__}: {error}"


def _refuse_approved(pack: Path) -> None:
    """Raise ApprovedPackError when `pack` is a pack leadership approved."""
    granted = approval(read_manifest(pack / MANIFEST_FILE)) if is_published(pack) else None
    if granted is None:
        return
    raise ApprovedPackError(
        f"the pack of {pack.name} ({pack}) is approved: approved by "
        f"{granted.get('approved_by', '?')} on {granted.get('approved_on', '?')}, scenario "
        f"{granted.get('scenario', '?')}. Nothing ran. To replace it, run again with "
        f"--replace-approved; the approved pack is then kept under "
        f"{pack / REPLACED}/<timestamp>/.")


def _clear_leftovers(reports_dir: Path, label: str, log: Callable[[str], None]) -> None:
    """Under the cycle lock: remove staging folders of dead runs, and restore a pack that a
    run killed mid-swap left aside."""
    for leftover in reports_dir.glob(f".staging-{label}-*"):
        log(f"Removing {leftover.name}, left by an interrupted run.")
        shutil.rmtree(leftover, ignore_errors=True)
    target = reports_dir / label
    for previous in sorted(reports_dir.glob(f".previous-{label}-*")):
        if not target.exists():
            log(f"Restoring the last good pack from {previous.name}.")
            previous.rename(target)
        else:
            shutil.rmtree(previous, ignore_errors=True)
