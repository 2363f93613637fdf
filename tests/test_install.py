"""The package without the repository: its wheel carries the notebooks, the sample company and
the data contract byte for byte, and installed into a fresh virtual environment with its
dependencies, `sop init` and `sop run` from an empty folder publish a pack there.

Slow: about two minutes, most of it pip installing the dependencies (as pinned in
requirements/constraints.txt) from the package index into the new environment.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests import REPO

BUNDLED = "sop_lib/bundled/"
CARRIED = ("notebooks", "data/sample", "docs/data-contract.md")
NOT_SOURCE = shutil.ignore_patterns(".venv", ".git", "reports", "build", "dist", "*.egg-info",
                                    "__pycache__", ".pytest_cache", ".ruff_cache")
ENV = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}}


def _call(*args, cwd: Path | None = None) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=ENV, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, f"{args[:3]} exited {done.returncode}:\n{done.stdout}\n" \
                                 f"{done.stderr[-5000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built by pip from a copy of the repository's sources."""
    source = tmp_path_factory.mktemp("source") / "sop-workbooks"
    shutil.copytree(REPO, source, ignore=NOT_SOURCE)
    out = tmp_path_factory.mktemp("wheel")
    _call(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", out,
          source)
    return next(out.glob("sop_workbooks-*.whl"))


def _repository_files() -> dict[str, bytes]:
    files = {}
    for name in CARRIED:
        paths = [REPO / name] if (REPO / name).is_file() else (REPO / name).rglob("*")
        for path in paths:
            relative = path.relative_to(REPO)
            hidden = any(p.startswith(".") or p == "__pycache__" for p in relative.parts)
            if path.is_file() and not hidden:
                files[relative.as_posix()] = path.read_bytes()
    return files


def test_the_wheel_carries_the_notebooks_sample_and_data_contract_as_in_the_repository(wheel):
    with zipfile.ZipFile(wheel) as archive:
        carried = {name.removeprefix(BUNDLED): archive.read(name)
                   for name in archive.namelist() if name.startswith(BUNDLED)}
    expected = _repository_files()
    assert sorted(carried) == sorted(expected)
    assert [name for name in expected if carried[name] != expected[name]] == []
    assert any(name.startswith("data/sample/scenarios/") for name in carried)


def test_installed_from_the_wheel_init_and_run_publish_a_pack_in_an_empty_folder(wheel,
                                                                                tmp_path):
    venv, elsewhere = tmp_path / "venv", tmp_path / "elsewhere"
    elsewhere.mkdir()
    _call(sys.executable, "-m", "venv", "--without-pip", venv)
    python, sop = venv / "bin" / "python", venv / "bin" / "sop"
    try:
        _call(sys.executable, "-m", "pip", "--python", python, "install", "--quiet",
              "-c", REPO / "requirements" / "constraints.txt", wheel)
        found = _call(python, "-c", "import sop_lib.run.resources as r; "
                      "print(r.__file__); print(r.NOTEBOOK_DIR); print(r.SAMPLE_DIR)",
                      cwd=elsewhere).split()
        assert all(Path(path).is_relative_to(venv) for path in found), found
        _call(sop, "init", "workspace", cwd=elsewhere)
        workspace = elsewhere / "workspace"
        _call(sop, "run", "--data", "company", cwd=workspace)
        packs = [p for p in (workspace / "reports").iterdir() if p.is_dir()]
        assert len(packs) == 1 and (packs[0] / "index.html").is_file()
        assert json.loads((packs[0] / "manifest.json").read_text())["status"] == "published"
        assert (workspace / "reports" / "index.html").is_file()
    finally:
        shutil.rmtree(venv, ignore_errors=True)  # about 900 MB
