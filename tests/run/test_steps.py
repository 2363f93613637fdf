"""Tests of sop_lib.run.steps: every step's contract. Its computation reads exactly the artifacts
it declares, returns exactly the ones it declares it writes; each artifact has one producer that
runs earlier; the notebook reads nothing its step does not declare; run_step builds what is
missing."""
from __future__ import annotations

import re

import nbformat
import pandas as pd
import pytest

from sop_lib.data.validation import load_company
from sop_lib.run.runner import SAMPLE_DIR
from sop_lib.run.steps import STEPS, STEPS_BY_NAME, run_step
from sop_lib.store.artifacts import ArtifactStore
from sop_lib.store.cycle import PlanningCycle
from tests import REPO


class ReadLog(dict):
    """The inputs of a step, remembering which ones its computation looked at."""

    def __init__(self, *args):
        super().__init__(*args)
        self.looked_at: set[str] = set()

    def __getitem__(self, name):
        self.looked_at.add(name)
        return super().__getitem__(name)


@pytest.fixture(scope="module")
def cycle_run(tmp_path_factory):
    """Every step of the sample company's cycle, in order: (step, inputs as read, outputs)."""
    company = load_company(SAMPLE_DIR)
    folder = tmp_path_factory.mktemp("steps")
    run = PlanningCycle(company, company.default_cycle, 12, folder / "archive")
    store = ArtifactStore(folder / "artifacts")
    ran = []
    for step in STEPS:
        inputs = ReadLog(store.read_all(step.reads))
        outputs = step.compute(run, inputs)
        store.write_all(outputs)
        ran.append((step, inputs, outputs))
    return ran


def test_each_step_returns_exactly_the_artifacts_it_declares_as_tables(cycle_run):
    for step, _, outputs in cycle_run:
        assert set(outputs) == set(step.writes), step.name
        assert all(isinstance(frame, pd.DataFrame) for frame in outputs.values()), step.name


def test_each_step_reads_exactly_what_its_computation_uses(cycle_run):
    for step, inputs, _ in cycle_run:
        assert inputs.looked_at == set(step.reads), step.name


def test_every_artifact_has_one_producer_that_runs_before_its_readers():
    produced_by = {}
    for position, step in enumerate(STEPS):
        for artifact in step.reads + step.shows:
            assert artifact in produced_by, f"{step.name} reads {artifact!r} before it is made"
            assert produced_by[artifact] < position
        for artifact in step.writes:
            assert artifact not in produced_by, f"{artifact!r} is written twice"
            produced_by[artifact] = position


def _notebook_reads(step) -> set[str]:
    notebook = nbformat.read(REPO / "notebooks" / f"{step.notebook}.ipynb", as_version=4)
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    calls = re.findall(r"wb\.read\(([^)]*)\)", code)
    return {name for call in calls for name in re.findall(r"\"(\w+)\"", call)}


@pytest.mark.parametrize("step", STEPS, ids=lambda step: step.name)
def test_a_notebook_reads_only_what_its_step_declares_it_shows(step):
    reads = _notebook_reads(step)
    assert reads == set(step.shows), step.notebook


def test_run_step_builds_the_missing_artifacts_a_notebook_shows_first(tmp_path):
    company = load_company(SAMPLE_DIR)
    run = PlanningCycle(company, company.default_cycle, 12, tmp_path / "archive")
    supply_only = ArtifactStore(tmp_path / "supply")
    run_step("supply", run, supply_only)
    assert all(supply_only.has(a) for a in STEPS_BY_NAME["demand"].writes)
    assert not supply_only.has("money")  # pre-S&OP's, which the supply review does not need
    store = ArtifactStore(tmp_path / "artifacts")
    assert run_step("families", run, store) == {}
    assert all(store.has(artifact) for artifact in STEPS_BY_NAME["families"].shows)
