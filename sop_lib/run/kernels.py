"""Notebook kernels started ahead of their step, so that a run does not wait for them.

`sop run` executes its four notebooks one after the other, each in a fresh kernel. Starting a
kernel and importing the planning library takes about 1.5 s, the same for every step; a
`WarmKernel` does it while the previous step runs, on another core. It starts a kernel as
papermill would (same kernel, working folder and options) and asks it to import what every
notebook imports, silently (no output, no execution count), then papermill runs the notebook
in it (`execute_notebook(..., km=kernel.manager)`). The notebook runs as in a fresh kernel:
its own imports find the modules loaded. The runner shuts each kernel down after its step.
"""
from __future__ import annotations

import os
from pathlib import Path

from jupyter_client import AsyncKernelManager, BlockingKernelClient
from jupyter_core.utils import run_sync

KERNEL_NAME = "python3"
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.hist_file=:memory:"]
PRELOAD = "import sop_lib.run.workbook, sop_lib.pack.charts, sop_lib.pack.display"


class _ClosingKernelManager(AsyncKernelManager):
    """A kernel manager that remembers the clients it makes (papermill's among them, which
    papermill leaves open when it is handed the manager), to close them with the kernel."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.clients_made = []

    def client(self, **kwargs):
        made = super().client(**kwargs)
        self.clients_made.append(made)
        return made


class WarmKernel:
    """A kernel started now in `cwd` (with `env` added to this process's environment),
    importing the planning library while it waits; as a context manager, shut down on
    leaving."""

    def __init__(self, cwd: Path | str, env: dict[str, str] | None = None):
        self.manager = _ClosingKernelManager(kernel_name=KERNEL_NAME)
        self._client = BlockingKernelClient()
        run_sync(self.manager.start_kernel)(cwd=str(cwd), extra_arguments=KERNEL_ARGUMENTS,
                                            env={**os.environ, **(env or {})})
        try:
            self._client.load_connection_info(self.manager.get_connection_info())
            # The request channel only: no heartbeat thread racing a quick shutdown
            self._client.start_channels(iopub=False, stdin=False, hb=False, control=False)
            self._client.execute(PRELOAD, silent=True, store_history=False)
        except BaseException:
            self.shutdown()
            raise

    def __enter__(self) -> WarmKernel:
        return self

    def __exit__(self, *_) -> None:
        self.shutdown()

    def is_alive(self) -> bool:
        return run_sync(self.manager.is_alive)()

    def shutdown(self) -> None:
        """Stop the kernel (at once) and close every connection to it."""
        for client in [self._client, *self.manager.clients_made]:
            client.stop_channels()
        if self.is_alive():
            run_sync(self.manager.shutdown_kernel)(now=True)
        run_sync(self.manager.cleanup_resources)()


class KernelsAhead:
    """Kernels for `count` notebooks run one after the other: taking one starts the next, so
    that it warms up while the taken one runs, each in `cwd` with `env`. A context manager:
    kernels not taken are shut down on leaving (a taken kernel is its taker's to shut down)."""

    def __init__(self, cwd: Path | str, count: int, env: dict[str, str] | None = None):
        self._cwd, self._left, self._env = cwd, count, env
        self._next: WarmKernel | None = None

    @property
    def waiting(self) -> WarmKernel | None:
        """The kernel started for the next notebook, if any."""
        return self._next

    def take(self) -> WarmKernel:
        """The warm kernel for the next notebook: the one waiting, or a new one when none is
        waiting or it died while it waited (out of memory, killed)."""
        if self._left < 1:
            raise RuntimeError("every kernel has been taken")
        kernel, self._next = self._next, None
        if kernel is not None and not kernel.is_alive():
            kernel.shutdown()
            kernel = None
        kernel = kernel or WarmKernel(self._cwd, self._env)
        self._left -= 1
        if self._left:
            try:
                self._next = WarmKernel(self._cwd, self._env)
            except BaseException:
                kernel.shutdown()
                raise
        return kernel

    def __enter__(self) -> KernelsAhead:
        return self

    def __exit__(self, *_) -> None:
        if self._next is not None:
            self._next.shutdown()
            self._next = None
