"""A real spreadsheet engine for tests: LibreOffice headless recalculates a workbook written by
openpyxl (which stores no cached values) on load; the tests that need it skip where it is
missing (`.ci/run` installs it)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def recalculated(path: Path, folder: Path, *, to: str = "xlsx") -> Path:
    """`path` opened, recalculated and saved by LibreOffice as `to` into `folder`."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed: the workbook's formulas cannot be "
                    "recalculated here; .ci/run installs libreoffice-calc-nogui")
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
         "--convert-to", to, "--outdir", str(folder), str(path)],
        capture_output=True, text=True, timeout=180)
    result = folder / f"{path.stem}.{to}"
    assert done.returncode == 0 and result.exists(), (done.stdout, done.stderr)
    return result
