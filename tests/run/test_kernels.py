"""Warm kernels: started ahead, the library imported before the notebook runs, shut down after."""
from __future__ import annotations

import threading

import nbformat
import papermill
import psutil
import pytest
from jupyter_core.utils import run_sync

from sop_lib.run.kernels import KernelsAhead, WarmKernel

PROBE = ("import sys, os\n"
         "preloaded = 'sop_lib.run.workbook' in sys.modules\n"
         "print(preloaded, os.getcwd(), os.getpid())")


def run_probe(tmp_path, kernel: WarmKernel, probe: str = PROBE) -> list[str]:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(probe)])
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                       "display_name": "Python 3"}
    source, target = tmp_path / "probe.ipynb", tmp_path / "probed.ipynb"
    nbformat.write(notebook, source)
    with kernel:
        papermill.execute_notebook(str(source), str(target), kernel_name="python3",
                                   progress_bar=False, km=kernel.manager)
    [cell] = nbformat.read(target, as_version=4).cells
    assert cell.execution_count == 1  # the preload left no trace in the notebook
    return cell.outputs[0]["text"].split()


def test_a_warm_kernel_runs_the_notebook_with_the_library_imported_and_then_stops(tmp_path):
    kernel = WarmKernel(tmp_path)
    preloaded, cwd, pid = run_probe(tmp_path, kernel)
    assert preloaded == "True" and cwd == str(tmp_path)
    assert not psutil.pid_exists(int(pid)) or psutil.Process(int(pid)).status() == "zombie"
    assert not run_sync(kernel.manager.is_alive)()


def test_kernels_run_with_the_environment_they_are_given(tmp_path, monkeypatch):
    monkeypatch.setenv("SOP_INHERITED", "kept")
    probe = "import os\nprint(os.environ['SOP_GIVEN'], os.environ['SOP_INHERITED'])"
    with KernelsAhead(tmp_path, 2, env={"SOP_GIVEN": "given"}) as kernels:
        for _ in range(2):
            assert run_probe(tmp_path, kernels.take(), probe) == ["given", "kept"]


def test_taking_a_kernel_starts_the_next_and_leaving_stops_the_one_not_taken(tmp_path):
    with KernelsAhead(tmp_path, 2) as kernels:
        first = kernels.take()
        waiting = kernels.waiting
        assert waiting is not None and run_sync(waiting.manager.is_alive)()
        first.shutdown()
        second = kernels.take()
        assert second is waiting and kernels.waiting is None  # no third: only two asked for
        with pytest.raises(RuntimeError):
            kernels.take()
        second.shutdown()
    with KernelsAhead(tmp_path, 3) as kernels:
        kernels.take().shutdown()
        left = kernels.waiting
    assert not run_sync(left.manager.is_alive)()


def test_steps_leave_no_connection_or_thread_behind(tmp_path):
    run_probe(tmp_path, WarmKernel(tmp_path))  # the first one may start lasting threads
    threads, files = threading.active_count(), len(psutil.Process().open_files()) + len(
        psutil.Process().net_connections(kind="all"))
    for _ in range(2):
        run_probe(tmp_path, WarmKernel(tmp_path))
    assert threading.active_count() == threads
    assert len(psutil.Process().open_files()) + len(
        psutil.Process().net_connections(kind="all")) <= files


def test_a_kernel_that_died_while_waiting_is_replaced(tmp_path):
    with KernelsAhead(tmp_path, 2) as kernels:
        kernels.take().shutdown()
        died = kernels.waiting
        run_sync(died.manager.shutdown_kernel)(now=True)
        with kernels.take() as fresh:
            assert fresh is not died and fresh.is_alive()
