"""The test suite: one folder per sop_lib package, `cycle/` for whole-cycle checks."""
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
