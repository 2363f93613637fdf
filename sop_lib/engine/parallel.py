"""Where the engine's chunks of series run: here, on this machine's cores, or on a Dask cluster.

`forecast_matrix` cuts the series into chunks and hands them to an executor, which calls the
chunk function on each and yields the results as they finish; the engine writes each into its
place in the outputs. The chunks and the arithmetic are the same wherever they run, so the
results are identical, bit for bit (on a cluster: its workers must run the same numpy and
sop-workbooks as this process, which is checked when connecting). Every executor keeps at most
IN_FLIGHT_PER_WORKER chunks per worker submitted and not yet collected, so memory stays bounded
by the chunk size however many series there are.

- `Sequential`: one chunk after the other, in this process.
- `LocalProcesses(workers)`: a pool of worker processes on this machine, started with
  'forkserver': workers are forked from a clean server process that has the engine imported,
  never from the calling process, which may hold threads (a Jupyter kernel, a Dask client).
  As with any process pool, a script must guard its entry point with
  `if __name__ == "__main__":`.
- `DaskCluster(address)`: tasks on the workers of a running `distributed` scheduler (each
  chunk with freed memory kept on the worker's heap while it runs: `_with_heap_kept`).

The default (`default_executor`) is read here and only here from two environment variables, so
that `sop run`'s notebooks (papermill kernels inherit the runner's environment), `sop forecast`
and any script make the same choice: SOP_DASK_SCHEDULER (the address of a running scheduler,
e.g. tcp://10.0.0.5:8786) sends the chunks to that cluster; otherwise SOP_WORKERS (a whole
number, default every core this process may use) local processes run them, 1 meaning here,
sequentially. Jobs under MIN_PARALLEL_SERIES series always run here: starting workers or a round
trip to a cluster would cost them more than it saves (measured in docs/performance.md).
"""
from __future__ import annotations

import concurrent.futures as cf
import ctypes
import functools
import importlib.metadata
import multiprocessing
import os
import platform
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

import numpy as np

from sop_lib.core.errors import ParameterError, SopError

SCHEDULER_VARIABLE = "SOP_DASK_SCHEDULER"
WORKERS_VARIABLE = "SOP_WORKERS"
MIN_PARALLEL_SERIES = 4_000
IN_FLIGHT_PER_WORKER = 2
CONNECT_TIMEOUT = 10.0
START_METHOD = "forkserver"
PRELOAD = ["sop_lib.engine.core"]
PACKAGE = "sop-workbooks"
UNGUARDED = ("a script that forecasts with local worker processes must put its code under "
             "`if __name__ == \"__main__\":`, because every worker imports the script when it "
             f"starts; or set {WORKERS_VARIABLE}=1 to run without worker processes")
TRIM_VARIABLE, MMAP_VARIABLE = "MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_"
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)
GLIBC_MMAP_DEFAULT = 128 * 1024
HEAP_KEPT = 32 * 2**20  # glibc's largest mmap threshold on 64-bit systems


class Executor(Protocol):
    """Runs `function(item, *args)` for every item; yields (position of the item, result) in
    the order the results arrive."""

    def run(self, function: Callable, items: Iterable, *args: Any
            ) -> Iterator[tuple[int, Any]]: ...


class Sequential:
    """Every chunk in this process, one after the other."""

    def run(self, function, items, *args):
        for position, item in enumerate(items):
            yield position, function(item, *args)

    def __repr__(self) -> str:
        return "Sequential()"


class LocalProcesses:
    """Chunks on `workers` local processes (default: every core this process may use)."""

    def __init__(self, workers: int | None = None):
        self.workers = _whole_number(available_cores() if workers is None else workers,
                                     "workers")

    def run(self, function, items, *args):
        context = multiprocessing.get_context(START_METHOD)
        context.set_forkserver_preload(PRELOAD)
        pool = cf.ProcessPoolExecutor(self.workers, mp_context=context)
        try:
            yield from _bounded(lambda item: pool.submit(function, item, *args), items,
                                self.workers * IN_FLIGHT_PER_WORKER,
                                lambda pending: cf.wait(pending,
                                                        return_when=cf.FIRST_COMPLETED).done)
        except cf.process.BrokenProcessPool as error:
            raise SopError("a local worker process stopped before finishing its series (out "
                           f"of memory, killed, or: {UNGUARDED})") from error
        finally:
            pool.shutdown(cancel_futures=True)

    def __repr__(self) -> str:
        return f"LocalProcesses(workers={self.workers})"


class DaskCluster:
    """Chunks as tasks on the workers of the `distributed` scheduler at `address`.

    The first use in a process connects (one client per address, kept for later calls) and
    checks that the cluster has a worker and that its workers run this numpy and sop-workbooks;
    SopError when not, or when no scheduler answers within `timeout` seconds (default
    CONNECT_TIMEOUT).
    """

    def __init__(self, address: str, *, timeout: float | None = None):
        if not isinstance(address, str) or not address.strip():
            raise ParameterError(f"the Dask scheduler address must be like tcp://host:8786, "
                                 f"got {address!r}")
        self.address = address.strip()
        self.timeout = CONNECT_TIMEOUT if timeout is None else timeout

    def connect(self):
        """The connected, checked `distributed.Client` (SopError when it cannot be)."""
        client = _CLIENTS.get(self.address)
        if client is None or client.status != "running":
            client = _CLIENTS[self.address] = _connect(self.address, self.timeout)
        return client

    def close(self) -> None:
        """Disconnect from the scheduler (the next use connects again)."""
        client = _CLIENTS.pop(self.address, None)
        if client is not None:
            client.close()

    def run(self, function, items, *args):
        from distributed import as_completed

        client = self.connect()
        workers = max(len(client.scheduler_info(n_workers=-1)["workers"]), 1)
        finished = as_completed(loop=client.loop)

        def submit(item):
            future = client.submit(_with_heap_kept, item, function, *args, pure=False,
                                   key=f"{function.__name__}-{uuid.uuid4().hex}")
            finished.add(future)
            return future

        yield from _bounded(submit, items, workers * IN_FLIGHT_PER_WORKER,
                            lambda pending: [next(finished)])

    def __repr__(self) -> str:
        return f"DaskCluster({self.address!r})"


def default_executor(series: int) -> Executor:
    """The executor for a job of `series` series, from SOP_DASK_SCHEDULER and SOP_WORKERS (see
    the module doc); `Sequential` under MIN_PARALLEL_SERIES series, with one worker, or in a
    worker process (of a pool or of a Dask cluster)."""
    address = os.environ.get(SCHEDULER_VARIABLE, "").strip()
    text = os.environ.get(WORKERS_VARIABLE, "").strip()
    if text and not (text.isdigit() and int(text) >= 1):
        raise ParameterError(f"the environment variable {WORKERS_VARIABLE} must be a whole "
                             f"number of at least 1, got {text!r}")
    workers = int(text) if text else available_cores()
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        raise SopError(UNGUARDED)  # a worker starting up runs the main script's code again
    if series < MIN_PARALLEL_SERIES or multiprocessing.parent_process() is not None:
        return Sequential()  # small, or already in a worker process: no pool in a pool
    if address:
        return DaskCluster(address)
    return LocalProcesses(workers) if workers > 1 else Sequential()


def available_cores() -> int:
    """The number of cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _bounded(submit, items, limit: int, wait_some) -> Iterator[tuple[int, Any]]:
    """Submit items while fewer than `limit` are in flight; yield (position, result) of each
    as it finishes. `wait_some(pending)` blocks until some are done and returns them."""
    pending: dict[Any, int] = {}
    queue = enumerate(items)
    exhausted = False
    while pending or not exhausted:
        while not exhausted and len(pending) < limit:
            entry = next(queue, None)
            exhausted = entry is None
            if entry is not None:
                pending[submit(entry[1])] = entry[0]
        if pending:
            for future in wait_some(list(pending)):
                yield pending.pop(future), future.result()


_CLIENTS: dict[str, Any] = {}


def _connect(address: str, timeout: float):
    """A `distributed.Client` of the scheduler at `address`, checked (see DaskCluster)."""
    from distributed import Client

    hint = (f"start one (`dask scheduler`, then `dask worker <its address>`) or unset "
            f"{SCHEDULER_VARIABLE} to run on this machine")
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except Exception as error:  # refused, timed out, bad address, not a Dask scheduler
        raise SopError(f"could not connect to a Dask scheduler at {address!r} within "
                       f"{timeout:g} s ({type(error).__name__}: {error}); {hint}") from error
    try:
        client.wait_for_workers(1, timeout=timeout)
        found = client.run(_versions)
    except Exception as error:
        client.close()
        raise SopError(f"the Dask scheduler at {address!r} has no worker that can run the "
                       f"forecast ({type(error).__name__}: {error}); every worker needs "
                       f"{PACKAGE} installed, with the same numpy as here") from error
    different = {worker: versions for worker, versions in found.items()
                 if versions != _versions()}
    if different:
        client.close()
        raise SopError(f"the Dask workers at {address!r} must run numpy and {PACKAGE} "
                       f"{_versions()} like this process, for identical forecasts; these do "
                       f"not: {different}")
    return client


def _with_heap_kept(item, function: Callable, *args):
    """`function(item, *args)` with glibc keeping freed memory for reuse while it runs.

    Dask starts its workers with MALLOC_TRIM_THRESHOLD_ set (65536 by default), so that glibc
    hands freed memory back to the system at once; it also stops glibc from raising its mmap
    threshold. The engine allocates and frees arrays of a few MB all the time, and with that
    setting each one was a fresh mapping, zeroed page by page: 100,000 SKUs took about 1.5
    times as long as with the variable unset (docs/performance.md). So, where it is set, the
    thresholds are raised for the duration of the call, then set back and the heap trimmed:
    the worker keeps no more memory afterwards than before.
    """
    trim = _whole_bytes(TRIM_VARIABLE)
    libc = _glibc() if trim is not None else None
    if libc is None:
        return function(item, *args)
    libc.mallopt(M_MMAP_THRESHOLD, HEAP_KEPT)
    libc.mallopt(M_TRIM_THRESHOLD, HEAP_KEPT)
    try:
        return function(item, *args)
    finally:
        libc.mallopt(M_TRIM_THRESHOLD, trim)
        libc.mallopt(M_MMAP_THRESHOLD, _whole_bytes(MMAP_VARIABLE) or GLIBC_MMAP_DEFAULT)
        libc.malloc_trim(0)


@functools.cache
def _glibc():
    """The C library when it is glibc (whose mallopt this module uses), else None."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    return ctypes.CDLL("libc.so.6")


def _whole_bytes(variable: str) -> int | None:
    text = os.environ.get(variable, "").strip()
    return int(text) if text.isdigit() else None


def _versions() -> tuple[str, str]:
    """numpy's and sop-workbooks' versions in this process."""
    return np.__version__, importlib.metadata.version(PACKAGE)


def _whole_number(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ParameterError(f"{name} must be a whole number of at least 1, got {value!r}")
    return value
