"""A run you can leave unattended: faults, kills and resumes never touch the last good pack."""
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from sop_lib.core.errors import ParameterError, RunError
from sop_lib.data.sample import write_sample
from sop_lib.run import kernels, runner
from sop_lib.run.steps import STEPS
from tests import REPO


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    root = tmp_path_factory.mktemp("robust")
    data = write_sample(root / "company", seed=4, skus=10, months=27)
    result = runner.run_cycle(data_dir=data, reports_dir=root / "reports",
                              progress=lambda _: None)
    return data, root / "reports", result.folder


def _notebooks_with(tmp_path: Path, notebook: str, code: str) -> Path:
    folder = tmp_path / "notebooks"
    shutil.copytree(runner.NOTEBOOK_DIR, folder)
    book = nbformat.read(folder / f"{notebook}.ipynb", as_version=4)
    book.cells.insert(1, nbformat.v4.new_code_cell(code))
    nbformat.write(book, folder / f"{notebook}.ipynb")
    return folder


@pytest.mark.parametrize("code, timeout, words", [
    ("import os\nos._exit(1)", 600, "kernel died"),
    ("import time\ntime.sleep(60)", 3, "cell time-out of 3 s"),
], ids=["kernel-death", "cell-timeout"])
def test_a_fault_in_a_step_fails_clearly_and_keeps_the_pack(good, tmp_path, monkeypatch, code,
                                                            timeout, words):
    data, reports, pack = good
    before = _digest(pack)
    monkeypatch.setattr(runner, "NOTEBOOK_DIR", _notebooks_with(tmp_path, "01_demand_review", code))
    with pytest.raises(RunError, match=words):
        runner.run_cycle(data_dir=data, reports_dir=reports, cell_timeout=timeout,
                         progress=lambda _: None)
    assert _digest(pack) == before
    log = (reports / ".failed" / pack.name / "run.log").read_text()
    assert "FAILED" in log and words.split()[0] in log
    assert not list(reports.glob(".staging-*")) and not list(reports.glob(".lock-*"))
    assert _kernels_left() == []  # neither the failed step's nor the one warming up for the next


def _kernels_left() -> list[str]:
    """Notebook kernels still running under this process, after a moment to stop."""
    for _ in range(50):
        kernels = [" ".join(p.cmdline()) for p in psutil.Process().children(recursive=True)
                   if p.is_running() and p.status() != psutil.STATUS_ZOMBIE
                   and "ipykernel" in " ".join(p.cmdline())]
        if not kernels:
            break
        time.sleep(0.1)
    return kernels


def test_a_kernel_that_cannot_start_fails_the_run_clearly_and_keeps_the_pack(good, monkeypatch):
    data, reports, pack = good
    before = _digest(pack)
    monkeypatch.setattr(kernels, "KERNEL_NAME", "no-such-kernel")
    with pytest.raises(RunError, match="no Jupyter kernel named 'no-such-kernel'"):
        runner.run_cycle(data_dir=data, reports_dir=reports, progress=lambda _: None)
    assert _digest(pack) == before
    assert "FAILED" in (reports / ".failed" / pack.name / "run.log").read_text()
    assert _kernels_left() == []


def test_a_full_disk_while_publishing_keeps_the_pack(good, monkeypatch):
    data, reports, pack = good
    before = _digest(pack)

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device", "plan_of_record/sku_plan.parquet")

    monkeypatch.setattr(runner, "write_plan_of_record", full)
    with pytest.raises(RunError, match="no space left on the disk"):
        runner.run_cycle(data_dir=data, reports_dir=reports, progress=lambda _: None)
    assert _digest(pack) == before


def test_resume_restarts_at_the_failed_step_and_gives_the_same_pack(good, tmp_path, monkeypatch):
    data, reports, pack = good
    artifacts_before = _digest(pack / "artifacts")
    broken = _notebooks_with(tmp_path, "03_pre_sop", 'raise RuntimeError("boom")')
    monkeypatch.setattr(runner, "NOTEBOOK_DIR", broken)
    with pytest.raises(RunError, match="Pre-S&OP failed: RuntimeError: boom"):
        runner.run_cycle(data_dir=data, reports_dir=reports, progress=lambda _: None)
    monkeypatch.undo()
    said = []
    result = runner.run_cycle(data_dir=data, reports_dir=reports, resume=True,
                              progress=said.append)
    assert any("reusing Demand review, Supply review" in line for line in said)
    assert not any(line.startswith("[1/5]") or line.startswith("[2/5]") for line in said)
    assert [s["status"] for s in result.manifest["steps"]] == ["done"] * len(STEPS)
    assert _digest(pack / "artifacts") == artifacts_before, "same inputs, same artifacts"
    assert "Resuming" in (pack / "run.log").read_text()


def test_resume_with_changed_inputs_runs_every_step(good):
    data, reports, pack = good
    failed = reports / ".failed" / pack.name
    failed.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((pack / "manifest.json").read_text())
    manifest["inputs"]["items.csv"] = "0" * 64
    (failed / "manifest.json").write_text(json.dumps(manifest))
    said = []
    runner.run_cycle(data_dir=data, reports_dir=reports, resume=True, progress=said.append)
    assert any("Cannot resume: the inputs changed" in line for line in said)
    assert any(line.startswith("[1/5]") for line in said)


def test_resume_after_a_failure_in_the_first_step_runs_every_step(good):
    data, reports, pack = good
    failed = reports / ".failed" / pack.name
    failed.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((pack / "manifest.json").read_text())
    manifest["steps"] = [{"step": STEPS[0].name, "status": "failed"}]
    (failed / "manifest.json").write_text(json.dumps(manifest))
    said = []
    runner.run_cycle(data_dir=data, reports_dir=reports, resume=True, progress=said.append)
    assert any("the failed run finished no step" in line for line in said)
    assert any(line.startswith("[1/5]") for line in said)


def test_a_company_folder_inside_the_pack_it_would_replace_is_refused(good, tmp_path):
    data, _, pack = good
    inside = shutil.copytree(data, tmp_path / "reports" / pack.name / "inputs")
    with pytest.raises(ParameterError, match="inside the pack this run would replace"):
        runner.run_cycle(data_dir=inside, reports_dir=tmp_path / "reports",
                         progress=lambda _: None)
    assert sorted(p.name for p in (tmp_path / "reports" / pack.name).iterdir()) == ["inputs"]


def _documented_command(data: Path, reports: Path) -> list[str]:
    """The README's scheduled command, pointed at a test company and reports folder."""
    readme = (REPO / "README.md").read_text()
    line = next(x for x in readme.splitlines() if x.startswith(".venv/bin/sop run --cycle auto"))
    words = line.replace("/srv/exports/company", str(data)).replace("/srv/sop/reports",
                                                                     str(reports)).split()
    return [str(Path(sys.executable).with_name("sop")), *words[1:]]


def test_killing_the_documented_command_halfway_leaves_the_pack_byte_for_byte(good):
    data, reports, pack = good
    before = _digest(pack)
    process = subprocess.Popen(_documented_command(data, reports), stdout=subprocess.PIPE,
                               text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    for line in process.stdout:
        if line.startswith("[2/5]") or time.monotonic() > deadline:
            break
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert _digest(pack) == before
    assert list(reports.glob(".staging-*")) and list(reports.glob(".lock-*"))
    again = subprocess.run(_documented_command(data, reports), capture_output=True, text=True,
                           timeout=600)
    assert again.returncode == 0, again.stderr
    assert "stale lock" in again.stdout and "left by an interrupted run" in again.stdout
    assert not list(reports.glob(".staging-*"))
    assert "Publishing" in (pack / "run.log").read_text()
