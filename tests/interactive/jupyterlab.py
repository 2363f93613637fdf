"""A real JupyterLab driven by headless Chromium: the harness of the Lab check
(tests/interactive/test_jupyterlab.py) and of the README screenshots (docs/lab_screenshots.py).

`lab_project(root)` lays out a throwaway copy of the project as the notebooks expect it
(notebooks/, data/sample/, reports/: the parameters cells' relative folders), `jupyter_lab(root)`
starts the server on 127.0.0.1 with a token and its own settings (no browser, no news, every cell
kept in the page), and `LabBrowser` opens a notebook in Chromium through Playwright, runs all its
cells and reads what each cell shows. Playwright drives the system's Chromium (/usr/bin/chromium):
no browser is downloaded. `Unavailable` says why the Lab or the browser could not be had.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
SAMPLE = REPO / "data" / "sample"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# JupyterLab settings for a scripted session: every cell stays in the page (the notebook's
# windowing would leave cells out of the DOM until scrolled to), and no news or update checks.
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "checkForUpdates": False, "fetchNews": "false", "doNotDisturbMode": True},
}

# What one notebook's cells show, read in the page: per cell its type, execution count, the
# outputs of its model (JSON) and, in its output area, the widget views, the error text shown by
# the widget manager, and the text of stderr outputs (also inside Output widgets).
READ_CELLS = """async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  return panel.content.widgets.map((cell, index) => {
    const area = cell.node.querySelector('.jp-Cell-outputArea');
    const all = (selector) => area ? Array.from(area.querySelectorAll(selector)) : [];
    return {
      index,
      type: cell.model.type,
      source: cell.model.sharedModel.getSource(),
      count: cell.model.type === 'code' ? cell.model.executionCount : null,
      outputs: cell.model.type === 'code' ? cell.model.outputs.toJSON() : [],
      widget_views: all('.jupyter-widgets').length,
      widget_errors: all('.jp-OutputArea-output').map((node) => node.innerText)
        .filter((text) => /Error displaying widget|Error rendering|Loading widget/.test(text)),
      stderr: all('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        .map((node) => node.innerText),
      errors: all('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')
        .map((node) => node.innerText),
    };
  });
}"""

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class Unavailable(RuntimeError):
    """JupyterLab, Playwright or Chromium is missing, or the server or browser did not start."""


def chromium() -> str | None:
    """The system's Chromium (SOP_CHROMIUM overrides), or None."""
    override = os.environ.get("SOP_CHROMIUM")
    if override:
        return override if Path(override).exists() else None
    return next((path for path in map(shutil.which, CHROMIUM_NAMES) if path), None)


def missing() -> str | None:
    """Why a real-browser Lab session cannot run here, or None when it can."""
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        return "JupyterLab is not installed (make test installs the dev extra, which has it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (make test installs the dev extra, which has it)"
    if chromium() is None:
        return "Chromium is not installed (apt-get install chromium; .ci/run does it)"
    return None


def lab_project(root: Path, *, notebooks: Path = NOTEBOOKS, company: Path = SAMPLE) -> Path:
    """A throwaway project under `root` laid out as the notebooks' parameters expect:
    notebooks/ (copies), data/sample/ (a copy of `company`: what a panel saves goes there) and an
    empty reports/ (the notebooks write reports/lab/<cycle>/)."""
    shutil.copytree(notebooks, root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(company, root / "data" / "sample")
    (root / "reports").mkdir(parents=True)
    return root


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab: its base URL and token, the folder it serves, and its log file."""
    url: str
    token: str
    root: Path
    log: Path

    def tree(self, path: str) -> str:
        """The address that opens `path` (relative to the root) in the Lab, with the token."""
        return f"{self.url}lab/tree/{path}?token={self.token}"

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def jupyter_lab(root: Path, *, timeout: float = 90) -> Iterator[Lab]:
    """Start `jupyter lab` on 127.0.0.1 at `root` with a token and no browser, with its own
    settings, workspaces, runtime and IPython folders (nothing of the user's Lab state is read or
    written), and stop it (with its kernels) on leaving. Raises Unavailable when it does not
    answer within `timeout` seconds."""
    state = Path(tempfile.mkdtemp(prefix="sop-lab-"))
    settings = state / "settings"
    for name, values in SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values))
    token, port = secrets.token_hex(16), _free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(state / "config"),
           "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(settings),
           "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces"),
           "IPYTHONDIR": str(state / "ipython")}
    env.pop("JUPYTER_PATH", None)
    log = state / "lab.log"
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
               "--LabApp.expose_app_in_browser=True",
               "--ServerApp.allow_remote_access=False", "--LanguageServerManager.autodetect=False"]
    if os.geteuid() == 0:  # CI and this workplace run as root
        command.append("--allow-root")
    with open(log, "wb") as sink:
        server = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env,
                                  cwd=root, start_new_session=True)
    lab = Lab(f"http://127.0.0.1:{port}/", token, root, log)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if server.poll() is not None:
                raise Unavailable(f"jupyter lab exited with {server.returncode}:\n"
                                  f"{lab.log_tail()}")
            try:
                with urllib.request.urlopen(f"{lab.url}api/status?token={token}", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise Unavailable(f"jupyter lab did not answer in {timeout:.0f} s:\n"
                                      f"{lab.log_tail()}") from None
                time.sleep(0.5)
        yield lab
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(state, ignore_errors=True)


@dataclass
class Cell:
    """One notebook cell as the Lab shows it after a run (see READ_CELLS)."""
    index: int
    type: str
    source: str
    count: int | None
    outputs: list[dict]
    widget_views: int
    widget_errors: list[str]
    stderr: list[str]
    errors: list[str]

    @property
    def widget_outputs(self) -> int:
        """How many of the cell's outputs are widget views (ipywidgets)."""
        return sum(WIDGET_VIEW in output.get("data", {}) for output in self.outputs)

    def problems(self) -> list[str]:
        """What the cell shows that is wrong: an error output, a traceback on stderr, a widget
        that could not be displayed, a widget output without a view in the page."""
        found = []
        for output in self.outputs:
            if output.get("output_type") == "error":
                found.append(f"error {output.get('ename')}: {output.get('evalue')}")
            elif output.get("name") == "stderr" and "Traceback" in str(output.get("text")):
                found.append(f"traceback on stderr: {str(output.get('text'))[-600:]}")
        found += [f"error shown: {text[-600:]}" for text in self.errors]
        found += [f"traceback shown: {text[-600:]}" for text in self.stderr
                  if "Traceback" in text]
        found += [f"widget not displayed: {text[:200]}" for text in self.widget_errors]
        if self.widget_outputs and not self.widget_views:
            found.append("widget output without a rendered view")
        return [f"cell {self.index}: {problem}" for problem in found]


class LabBrowser:
    """Headless Chromium (through Playwright) on a running Lab: one page per notebook."""

    def __init__(self, lab: Lab, *, width: int = 1280, height: int = 900, scale: float = 1):
        self.lab = lab
        self.size = {"width": width, "height": height}
        self.scale = scale

    def __enter__(self) -> LabBrowser:
        from playwright.sync_api import Error, sync_playwright

        executable = chromium()
        if executable is None:
            raise Unavailable("Chromium is not installed")
        try:
            self._playwright = sync_playwright().start()
        except Exception as error:  # the driver (node, shipped in the wheel) could not run
            raise Unavailable(f"Playwright's driver did not start: {error}") from error
        try:
            self.browser = self._playwright.chromium.launch(
                executable_path=executable, headless=True,
                args=["--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                      "--disable-background-networking", "--disable-component-update"])
        except Error as error:
            self._playwright.stop()
            raise Unavailable(f"Chromium ({executable}) did not start: {error}") from error
        return self

    def __exit__(self, *exc) -> None:
        self.browser.close()
        self._playwright.stop()

    def open(self, notebook: str, *, timeout: float = 120):
        """A new page with `notebook` (a path under the Lab's root) open and its kernel idle."""
        page = self.browser.new_page(viewport=self.size, device_scale_factor=self.scale)
        page.set_default_timeout(timeout * 1000)
        page.goto(self.lab.tree(notebook))
        page.wait_for_function(
            """(name) => {
                const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                const kernel = panel && panel.sessionContext && panel.sessionContext.session
                  && panel.sessionContext.session.kernel;
                return panel && panel.context.path.endsWith(name) && panel.content.widgets.length
                  && kernel && kernel.status === 'idle';
            }""", arg=Path(notebook).name, timeout=timeout * 1000)
        return page

    def run_all(self, page, *, timeout: float = 300) -> list[Cell]:
        """Run All (the Lab's `notebook:run-all-cells`), wait for the kernel to be idle and every
        widget output to show a view (or the time to run out), and read the cells."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        page.evaluate("""() => {
            window.sopRunAll = null;
            window.jupyterapp.commands.execute('notebook:run-all-cells').then(
              (ran) => { window.sopRunAll = {ran}; },
              (error) => { window.sopRunAll = {error: String(error)}; });
        }""")
        page.wait_for_function(
            """() => {
                if (!window.sopRunAll) return false;
                const panel = window.jupyterapp.shell.currentWidget;
                const kernel = panel.sessionContext.session.kernel;
                const running = panel.content.widgets.some((cell) =>
                  cell.model.type === 'code' && cell.node.querySelector('.jp-InputPrompt')
                  && cell.node.querySelector('.jp-InputPrompt').innerText.includes('*'));
                return kernel.status === 'idle' && !running;
            }""", timeout=timeout * 1000)
        try:
            page.wait_for_function(
                """(mime) => window.jupyterapp.shell.currentWidget.content.widgets.every((cell) => {
                    if (cell.model.type !== 'code') return true;
                    const views = cell.model.outputs.toJSON().filter((output) =>
                      output.data && output.data[mime]).length;
                    return !views
                      || cell.node.querySelector('.jp-Cell-outputArea .jupyter-widgets');
                })""", arg=WIDGET_VIEW, timeout=30_000)
        except PlaywrightTimeout:  # a widget output without a view: reported by Cell.problems
            pass
        return self.cells(page)

    def cells(self, page) -> list[Cell]:
        """What each cell of the page's notebook shows now."""
        return [Cell(**cell) for cell in page.evaluate(READ_CELLS)]

    def shut_down(self, page) -> None:
        """Shut the page's kernel down and close the page (the notebook is not saved)."""
        page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
        page.close()
