"""Tests of sop_lib.engine.parallel: the engine's chunks on local processes and on a real Dask
cluster give results identical to the sequential run; bounded submission; the environment's
choice of executor; a clear error for a scheduler that is not there."""
from __future__ import annotations

import ctypes
import os
import platform
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from sop_lib.cli import main
from sop_lib.core.errors import ParameterError, SopError
from sop_lib.engine import forecast_matrix, parallel
from sop_lib.engine.parallel import (
    IN_FLIGHT_PER_WORKER,
    MIN_PARALLEL_SERIES,
    SCHEDULER_VARIABLE,
    WORKERS_VARIABLE,
    DaskCluster,
    LocalProcesses,
    Sequential,
    default_executor,
)

SERIES, MONTHS, HORIZON, CHUNK = 3_000, 48, 12, 500


def synthetic(series: int, months: int, seed: int) -> np.ndarray:
    """Seasonal random walks, a quarter of them sparse, a tenth starting late (leading NaN)."""
    rng = np.random.default_rng(seed)
    t = np.arange(months)
    season = 1 + 0.4 * np.sin(2 * np.pi * (t + rng.integers(0, 12, (series, 1))) / 12)
    walk = 100 + np.cumsum(rng.normal(0, 5, (series, months)), axis=1)
    y = np.maximum(np.round(walk * season), 0.0)
    y[: series // 4] *= rng.uniform(size=(series // 4, months)) < 0.4
    late = rng.integers(0, months - 2, series // 10)
    for row, start in enumerate(late, start=series // 4):
        y[row, :start] = np.nan
    return y


@pytest.fixture(scope="module")
def demand() -> np.ndarray:
    return synthetic(SERIES, MONTHS, seed=11)


@pytest.fixture(scope="module")
def sequential(demand):
    return forecast_matrix(demand, HORIZON, chunk_size=CHUNK, executor=Sequential())


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as local:
        yield local
        DaskCluster(local.scheduler_address).close()


def assert_identical(result, expected):
    np.testing.assert_array_equal(result.point, expected.point)
    assert list(result.quantiles) == list(expected.quantiles)
    for level, band in expected.quantiles.items():
        np.testing.assert_array_equal(result.quantiles[level], band)
    np.testing.assert_array_equal(result.method, expected.method)
    pd.testing.assert_frame_equal(result.scores, expected.scores, check_exact=True)


def test_the_sequential_reference_is_a_real_forecast(sequential):
    assert sequential.point.shape == (SERIES, HORIZON)
    assert np.isfinite(sequential.point).all()
    assert len(set(sequential.method)) > 3  # several methods chosen: a varied set of series
    assert (sequential.quantiles[0.9] >= sequential.quantiles[0.1]).all()


def test_local_processes_give_identical_results(demand, sequential):
    done = []
    result = forecast_matrix(demand, HORIZON, chunk_size=CHUNK, executor=LocalProcesses(2),
                             progress=lambda count, total: done.append((count, total)))
    assert_identical(result, sequential)
    assert [count for count, _ in done] == list(range(CHUNK, SERIES + 1, CHUNK))
    assert {total for _, total in done} == {SERIES}


def test_a_dask_cluster_runs_the_chunks_on_its_workers_with_identical_results(
        demand, sequential, cluster):
    from distributed import get_task_stream

    executor = DaskCluster(cluster.scheduler_address)
    with get_task_stream(executor.connect()) as stream:
        result = forecast_matrix(demand, HORIZON, chunk_size=CHUNK, executor=executor)
    assert_identical(result, sequential)
    chunk_tasks = [task for task in stream.data if task["key"].startswith("_forecast_chunk")]
    assert len(chunk_tasks) == SERIES // CHUNK
    assert len({task["worker"] for task in chunk_tasks}) == 2


class _Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def mapped_apart(_item=None) -> bool:
    """Whether glibc gives a new 8 MB array a mapping of its own (not heap memory)."""
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = _Mallinfo2
    before = libc.mallinfo2().hblkhd
    block = np.ones(2**20)
    return libc.mallinfo2().hblkhd - before >= block.nbytes


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's allocator only")
def test_dask_workers_keep_freed_memory_on_the_heap_while_a_chunk_runs_and_only_then(cluster):
    client = DaskCluster(cluster.scheduler_address).connect()
    assert set(client.run(os.environ.get, "MALLOC_TRIM_THRESHOLD_").values()) == {"65536"}
    assert client.submit(mapped_apart, pure=False).result()  # Dask's setting: every array
    assert not client.submit(parallel._with_heap_kept, None, mapped_apart,
                             pure=False).result()
    assert client.submit(mapped_apart, pure=False).result()  # set back afterwards


def test_the_environment_sends_big_jobs_to_the_cluster_and_small_ones_stay_here(
        monkeypatch, cluster):
    monkeypatch.setenv(SCHEDULER_VARIABLE, cluster.scheduler_address)
    big = default_executor(MIN_PARALLEL_SERIES)
    assert isinstance(big, DaskCluster) and big.address == cluster.scheduler_address
    assert isinstance(default_executor(MIN_PARALLEL_SERIES - 1), Sequential)


def test_workers_from_the_environment(monkeypatch):
    monkeypatch.delenv(SCHEDULER_VARIABLE, raising=False)
    monkeypatch.setenv(WORKERS_VARIABLE, "3")
    executor = default_executor(MIN_PARALLEL_SERIES)
    assert isinstance(executor, LocalProcesses) and executor.workers == 3
    assert isinstance(default_executor(MIN_PARALLEL_SERIES - 1), Sequential)
    monkeypatch.setenv(WORKERS_VARIABLE, "1")
    assert isinstance(default_executor(10 * MIN_PARALLEL_SERIES), Sequential)
    monkeypatch.delenv(WORKERS_VARIABLE)
    assert isinstance(default_executor(MIN_PARALLEL_SERIES), (LocalProcesses, Sequential))


def executor_here(series: int) -> str:
    return repr(default_executor(series))


def test_a_worker_process_forecasts_its_own_jobs_sequentially(monkeypatch):
    monkeypatch.setenv(WORKERS_VARIABLE, "2")
    assert executor_here(MIN_PARALLEL_SERIES) == "LocalProcesses(workers=2)"
    in_worker = dict(LocalProcesses(1).run(executor_here, [MIN_PARALLEL_SERIES]))
    assert in_worker == {0: "Sequential()"}


@pytest.mark.parametrize("value", ["0", "two", "-1", "1.5"])
def test_a_bad_worker_count_names_the_variable(monkeypatch, value):
    monkeypatch.setenv(WORKERS_VARIABLE, value)
    with pytest.raises(ParameterError, match=f"{WORKERS_VARIABLE} must be a whole number.*"
                                             f"'{value}'"):
        default_executor(MIN_PARALLEL_SERIES)


def test_no_more_chunks_are_submitted_than_the_workers_can_hold(demand):
    taken = []

    def parts():
        for position in range(10):
            taken.append(position)
            yield demand[position:position + 1]

    results = LocalProcesses(2).run(np.sum, parts())
    first = next(results)
    assert len(taken) == 2 * IN_FLIGHT_PER_WORKER  # 2 workers: 4 submitted, then wait
    sums = dict([first, *results])
    assert sums == {position: np.sum(demand[position]) for position in range(10)}


def test_a_bad_scheduler_address_is_a_clear_error_not_a_hang():
    started = time.perf_counter()
    with pytest.raises(SopError, match=r"could not connect to a Dask scheduler at "
                                       r"'tcp://127\.0\.0\.1:1'.*SOP_DASK_SCHEDULER"):
        forecast_matrix(np.ones((3, 24)), 6, executor=DaskCluster("tcp://127.0.0.1:1",
                                                                  timeout=1))
    assert time.perf_counter() - started < 10


def test_an_empty_scheduler_address_is_refused():
    with pytest.raises(ParameterError, match="tcp://host:8786"):
        DaskCluster("  ")


@pytest.fixture
def clean_environment(monkeypatch):
    """The executor variables unset, and restored after the test (the CLI sets them)."""
    for name in (SCHEDULER_VARIABLE, WORKERS_VARIABLE):
        monkeypatch.setenv(name, "")


def test_sop_forecast_on_a_cluster_writes_what_it_writes_here(tmp_path, cluster,
                                                              clean_environment):
    from distributed import get_task_stream

    y = synthetic(MIN_PARALLEL_SERIES, 30, seed=5)
    rows, months = np.nonzero(~np.isnan(y))
    source = tmp_path / "series.parquet"
    pd.DataFrame({"unique_id": [f"s{row:05d}" for row in rows],
                  "ds": [f"{2020 + month // 12}-{month % 12 + 1:02d}" for month in months],
                  "y": y[rows, months]}).to_parquet(source)
    address = cluster.scheduler_address
    with get_task_stream(DaskCluster(address).connect()) as stream:
        assert main(["forecast", str(source), "--horizon", "6", "--out",
                     str(tmp_path / "cluster.parquet"), "--scheduler", address]) == 0
    assert os.environ[SCHEDULER_VARIABLE] == address
    assert len([task for task in stream.data if task["key"].startswith("_forecast_chunk")]) == 2
    os.environ[SCHEDULER_VARIABLE] = ""
    assert main(["forecast", str(source), "--horizon", "6", "--out",
                 str(tmp_path / "here.parquet"), "--workers", "1"]) == 0
    assert os.environ[WORKERS_VARIABLE] == "1"
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "cluster.parquet"),
                                  pd.read_parquet(tmp_path / "here.parquet"), check_exact=True)


def test_sop_run_with_a_bad_scheduler_stops_before_any_step(tmp_path, monkeypatch, capsys,
                                                            clean_environment):
    monkeypatch.setattr(parallel, "CONNECT_TIMEOUT", 1)
    assert main(["run", "--out", str(tmp_path / "reports"), "--scheduler",
                 "tcp://127.0.0.1:1"]) == 1
    assert "could not connect to a Dask scheduler at 'tcp://127.0.0.1:1'" in (
        capsys.readouterr().err)
    assert not (tmp_path / "reports").exists()
    assert os.environ[SCHEDULER_VARIABLE] == ""


@pytest.mark.parametrize("value", ["0", "all"])
def test_sop_refuses_a_bad_number_of_workers(value, capsys):
    with pytest.raises(SystemExit):
        main(["forecast", "in.csv", "--horizon", "3", "--out", "o.csv", "--workers", value])
    assert "--workers: a whole number of processes, at least 1" in capsys.readouterr().err


def test_a_script_without_a_main_guard_gets_a_clear_error_and_goes_no_further(tmp_path):
    log = tmp_path / "log.txt"
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import numpy as np\n"
        "from sop_lib.engine import forecast_matrix\n"
        f"log = open({str(log)!r}, 'a', buffering=1)\n"
        "log.write('started\\n')\n"
        f"forecast_matrix(np.ones(({MIN_PARALLEL_SERIES}, 4)), 3)\n"
        "log.write('forecast made\\n')\n")
    environment = {**os.environ, WORKERS_VARIABLE: "2", SCHEDULER_VARIABLE: ""}
    finished = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                              env=environment, timeout=120)
    assert finished.returncode != 0
    assert 'SopError: a local worker process stopped' in finished.stderr
    assert 'must put its code under `if __name__ == "__main__":`' in finished.stderr
    lines = log.read_text().splitlines()
    assert lines.count("started") >= 2  # the script, then a worker importing it, stopped there
    assert "forecast made" not in lines
