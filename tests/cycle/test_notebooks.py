"""The notebooks: one literal parameters cell, committed without outputs, and each runs alone."""
import ast
import json

import nbformat
import papermill
import pytest

from sop_lib.run.parameters import DEFAULTS
from sop_lib.run.steps import STEPS
from tests import REPO

NOTEBOOKS = REPO / "notebooks"
PATHS = [NOTEBOOKS / f"{step.notebook}.ipynb" for step in STEPS]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_one_parameters_cell_of_literals_and_no_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assigned = {}
    for node in ast.parse(tagged[0].source).body:
        assert isinstance(node, ast.Assign), "the parameters cell only assigns"
        assigned[node.targets[0].id] = ast.literal_eval(node.value)
    assert assigned == DEFAULTS
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_each_notebook_runs_on_its_own_with_its_defaults(path, tmp_path):
    executed = tmp_path / path.name
    papermill.execute_notebook(str(path), str(executed), parameters={"reports_dir": str(tmp_path)},
                               kernel_name="python3", progress_bar=False, cwd=str(NOTEBOOKS))
    cells = json.loads(executed.read_text())["cells"]
    skipped = [c for c in cells if "skip-execution" in c["metadata"].get("tags", [])]
    assert all(not c.get("outputs") for c in skipped), "interactive cells do not run headless"
    outputs = [o for c in cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    html = ["".join(o.get("data", {}).get("text/html", "")) for o in outputs]
    assert any('<img src="data:image/png;base64,' in h for h in html), "a chart"
    written = {p.stem for p in tmp_path.glob("*/artifacts/*.parquet")}
    step = next(s for s in STEPS if s.notebook == path.stem)
    assert set(step.writes) <= written


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_interactive_cells_are_skipped_by_scheduled_runs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if "sop_lib.interactive" in cell.source or ".widget" in cell.source:
            assert "skip-execution" in cell.metadata.get("tags", []), cell.source
