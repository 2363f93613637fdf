"""The house's floor plan holds: each sop_lib package imports only from itself and the
packages below it, nothing but `run/` and the CLI imports `run/`, and no module imports
itself back through others (no import cycles)."""
from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import nbformat
import pytest

from tests import REPO

LIBRARY = REPO / "sop_lib"
# Bottom to top: a package may import the ones before it, never the ones after it.
FLOORS = ["core", "engine", "data", "store", "demand", "supply", "presop", "executive", "pack",
          "run", "interactive", "cli"]


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(LIBRARY.rglob("*.py"))}


def _imports(name: str) -> set[str]:
    """The sop_lib modules a module imports (a `from package import module` names the
    module; `from module import function` the module)."""
    found = set()
    for node in ast.walk(ast.parse(MODULES[name].read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in MODULES else node.module)
    return {module for module in found if module in MODULES and module != name}


def _floor(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def test_every_package_has_a_floor():
    packages = {_floor(module) for module in MODULES} - {None}
    assert packages == set(FLOORS)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_only_from_its_floor_and_below(module):
    floor = _floor(module)
    if floor is None:  # the package's public face names modules of every floor
        return
    above = {imported for imported in _imports(module)
             if _floor(imported) and FLOORS.index(_floor(imported)) > FLOORS.index(floor)}
    assert not above, f"{module} imports from a higher floor: {sorted(above)}"


def test_only_the_cli_imports_the_runner_package():
    importers = {module for module in MODULES for imported in _imports(module)
                 if _floor(imported) == "run" and _floor(module) not in {"run", "cli"}}
    assert not importers


def test_no_import_cycles():
    graph = {module: _imports(module) for module in MODULES}
    list(graphlib.TopologicalSorter(graph).static_order())  # CycleError names the cycle


def test_the_architecture_page_names_every_package_and_page_section():
    page = (REPO / "docs" / "architecture.md").read_text()
    for floor in FLOORS:
        assert f"`{floor}" in page, floor
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        headings = [line.lstrip("# ") for cell in notebook.cells if cell.cell_type == "markdown"
                    for line in cell.source.splitlines() if line.startswith("## ")]
        for heading in headings:  # up to a colon or comma: "Rough-cut capacity: the pressure"
            assert heading.split(":")[0].split(",")[0] in page, (path.name, heading)
