"""The install files agree: pyproject.toml, environment.yml and the constraints file."""
import re
import tomllib

import yaml

from tests import REPO


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += extra
    return {_name(r): r.replace(" ", "") for r in requirements}


def _conda_requirements() -> dict[str, str]:
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    plain = [d for d in env["dependencies"] if isinstance(d, str)]
    from_pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    plain += [d for d in from_pip if not d.startswith("-e")]
    return {_name(d): d.replace(" ", "") for d in plain if _name(d) not in {"python", "pip"}}


def test_environment_yml_lists_the_same_packages_and_bounds_as_pyproject():
    assert _conda_requirements() == _pyproject_requirements()


def _pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements" / "constraints.txt").read_text().splitlines():
        if "==" in line:
            name, version = line.split("==")
            pins[_name(name)] = version
    return pins


def test_constraints_pin_every_declared_package():
    pins = _pins()
    missing = set(_pyproject_requirements()) - set(pins)
    assert not missing, f"add to requirements/constraints.txt (make constraints): {missing}"


def test_python_floor_agrees():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    assert f"python{project['requires-python']}" in env["dependencies"]


def test_commit_hooks_run_the_pinned_versions_of_the_lint_tools():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    pinned = [d for hook in hooks for d in hook["additional_dependencies"]]
    assert {_name(d) for d in pinned} == {"ruff", "nbstripout"}
    pins = _pins()
    assert all(d == f"{_name(d)}=={pins[_name(d)]}" for d in pinned), pinned
