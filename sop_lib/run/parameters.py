"""The parameters every notebook takes, and their checks."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sop_lib.core.errors import ParameterError
from sop_lib.core.months import MONTH_FORMAT_HELP, parse_month

CELL_TIMEOUT = 1800  # seconds one notebook cell may run before its step fails

DEFAULTS = {
    "cycle": "",
    "data_dir": "../data/sample",
    "reports_dir": "../reports/lab",
    "archive_dir": "../reports",
    "horizon": 0,
}
HELP = {
    "cycle": "month being planned, YYYY-MM; empty or auto for the month after the last closed "
             "month",
    "data_dir": "the company folder",
    "reports_dir": "where the cycle folder (artifacts) is written",
    "archive_dir": "the published packs: earlier cycles' plans, for accuracy",
    "horizon": "months ahead to plan, 12-36; 0 for the company's horizon_months",
}


@dataclass(frozen=True)
class Parameters:
    """Checked notebook parameters (cycle None means the default cycle)."""

    cycle: pd.Period | None
    data_dir: Path
    reports_dir: Path
    archive_dir: Path
    horizon: int


def check_parameters(**given) -> Parameters:
    """Check notebook or run parameters; raise ParameterError listing every problem."""
    unknown = sorted(set(given) - set(DEFAULTS))
    problems = [f"unknown parameter {name!r}; known parameters: {', '.join(DEFAULTS)}"
                for name in unknown]
    values = {**DEFAULTS, **given}
    cycle_text = str(values["cycle"] or "").strip()
    cycle_text = "" if cycle_text.lower() == "auto" else cycle_text
    cycle = parse_month(cycle_text) if cycle_text else None
    if cycle_text and cycle is None:
        problems.append(f"cycle {cycle_text!r} is not {MONTH_FORMAT_HELP}")
    data_dir = Path(str(values["data_dir"])).expanduser()
    if not data_dir.is_dir():
        problems.append(f"data_dir {str(data_dir)!r} is not a folder")
    horizon = values["horizon"]
    if isinstance(horizon, bool) or not isinstance(horizon, int) or not (
            horizon == 0 or 12 <= horizon <= 36):
        problems.append(f"horizon {horizon!r} is not a whole number of months from 12 to 36 "
                        "(or 0 for the company's own)")
    if problems:
        raise ParameterError("bad parameters:\n" + "\n".join(f"- {p}" for p in problems))
    return Parameters(cycle, data_dir, Path(str(values["reports_dir"])).expanduser(),
                      Path(str(values["archive_dir"])).expanduser(), horizon)
