"""Fixtures shared across packages."""
import pytest

from sop_lib.data.validation import load_company
from sop_lib.run.runner import SAMPLE_DIR
from sop_lib.run.steps import STEPS
from sop_lib.store.cycle import PlanningCycle
from tests.postgres import postgres_server


@pytest.fixture(scope="session")
def sample_cycle(tmp_path_factory):
    """The sample company's cycle computed step by step in memory, with an empty plan archive:
    (the PlanningCycle, every artifact by name)."""
    company = load_company(SAMPLE_DIR)
    run = PlanningCycle(company, company.default_cycle, 12,
                        tmp_path_factory.mktemp("archive"))
    artifacts = {}
    for step in STEPS:
        artifacts |= step.compute(run, {name: artifacts[name] for name in step.reads})
    return run, artifacts


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL server on 127.0.0.1 for the session (tests/postgres.py)."""
    with postgres_server() as server:
        yield server
