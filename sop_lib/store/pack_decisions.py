"""A decision register held to its cycle's published pack: the agenda items the pack asked the
meeting to decide, and the scenarios it compared."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from sop_lib.core.errors import Problem
from sop_lib.data.decisions import check_decisions, decision_files, register_cycle
from sop_lib.store.archive import published_artifact

AGENDA = "decisions"
COMPARISON = "scenario_comparison"


def pack_choices(reports_dir: Path | str, cycle: pd.Period) -> dict[str, set]:
    """The published pack's `agenda_items` (the ranks of its decisions) and `scenarios` (the
    names its comparison holds), as check_decisions takes them; empty when there is no pack."""
    agenda = published_artifact(reports_dir, cycle, AGENDA, ["rank"])
    comparison = published_artifact(reports_dir, cycle, COMPARISON, ["scenario"])
    choices = {}
    if agenda is not None:
        choices["agenda_items"] = {int(rank) for rank in agenda["rank"]}
    if comparison is not None:
        choices["scenarios"] = set(comparison["scenario"])
    return choices


def check_decision_files(folder: Path | str, reports_dir: Path | str) -> list[Problem]:
    """Every problem of every decision register of a company folder, each register held to
    its cycle's published pack in `reports_dir` when there is one."""
    problems = []
    for path in decision_files(folder):
        cycle = register_cycle(path)
        choices = pack_choices(reports_dir, cycle) if cycle is not None else {}
        problems += check_decisions(path, **choices)[1]
    return problems
