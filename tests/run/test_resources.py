"""Where the runner finds its files: in a checkout, the repository's own folders (the installed
wheel's copies are checked in tests/test_install.py)."""
from pathlib import Path

from sop_lib.run import resources, runner
from sop_lib.run.steps import STEPS
from tests import REPO


def test_a_checkout_reads_the_repository_folders():
    assert resources.ROOT == REPO
    assert resources.NOTEBOOK_DIR == REPO / "notebooks"
    assert resources.SAMPLE_DIR == REPO / "data" / "sample"
    assert resources.DATA_CONTRACT == REPO / "docs" / "data-contract.md"


def test_the_runner_runs_every_step_from_those_notebooks():
    assert (runner.NOTEBOOK_DIR, runner.SAMPLE_DIR) == (resources.NOTEBOOK_DIR,
                                                        resources.SAMPLE_DIR)
    assert all((runner.NOTEBOOK_DIR / f"{step.notebook}.ipynb").is_file() for step in STEPS)


def test_the_reports_go_to_the_current_folder():
    assert runner.REPORTS_DIR == Path("reports")
