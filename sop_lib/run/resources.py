"""Where the runner finds the notebooks, the sample company and the data contract.

An installed package carries copies of them under `sop_lib/bundled/`, at their paths in the
repository (setup.py makes them); an editable install or a checkout has none, and reads the
repository's own folders.
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

BUNDLED = Path(str(files("sop_lib").joinpath("bundled")))
CHECKOUT = Path(__file__).resolve().parents[2]
ROOT = BUNDLED if BUNDLED.is_dir() else CHECKOUT

NOTEBOOK_DIR = ROOT / "notebooks"
SAMPLE_DIR = ROOT / "data" / "sample"
DATA_CONTRACT = ROOT / "docs" / "data-contract.md"
