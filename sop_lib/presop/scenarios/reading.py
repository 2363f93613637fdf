"""Reading scenario files: YAML in the company folder's `scenarios/` subfolder, or given paths.

Every file is checked against the company (its families and resources) and the plan horizon, and
every problem of every file is reported at once, located by file, change position (with its line)
and field. Files are read with `yaml.safe_load`: nothing in them is ever run as code. The format
is documented in docs/scenarios.md.
"""
from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from sop_lib.core.errors import DataError, Problem
from sop_lib.core.months import month_label, month_range, parse_month, to_month
from sop_lib.data.company import Company
from sop_lib.data.contract import SCENARIO_FOLDER, TABLES_BY_NAME
from sop_lib.presop.scenarios.model import (
    BACKLOG_TARGET,
    BASELINE_NAME,
    CAPACITY,
    COST,
    DEMAND,
    INVENTORY_TARGET,
    OVERTIME,
    PRICE,
    Change,
    Scenario,
)

SUFFIXES = (".yaml", ".yml")
TOP_KEYS = ("name", "description", "changes")
MONTH_FIELDS = ("month", "from", "to")
ALL = "all"
NAMES_SHOWN = 20
_PLAN_MONTH = re.compile(r"^month\s+(\d+)$", re.IGNORECASE)
_CHANGE_HELP = "one change type with its fields, e.g. `- demand: {family: Grills, percent: 10}`"


class ScenarioProblem(Problem):
    """A problem in a scenario file, located by change position (and its line) and field."""

    __slots__ = ("change", "line")

    def __init__(self, file, expected, *, change=None, line=None, field=None, value=None):
        super().__init__(file, expected, column=field, value=value)
        self.change, self.line = change, line

    def __str__(self) -> str:
        where = [str(self.file)]
        if self.change is not None:
            where.append(f"change {self.change}" + (f" (line {self.line})" if self.line else ""))
        elif self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"field {self.column}")
        what = f"value {self.value!r}: " if self.value is not None else ""
        return f"{self.severity.upper()} {', '.join(where)}: {what}{self.expected}"


@dataclass(frozen=True)
class _Amount:
    """A number field: its bounds and what to tell the planner when it is wrong."""

    expected: str
    low: float | None = None
    high: float | None = None

    def read(self, value) -> float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or pd.isna(value):
            return None
        if (self.low is not None and value < self.low) or (
                self.high is not None and value > self.high):
            return None
        return float(value)


class _Banned(_Amount):
    """`allowed: false`, read as 0 hours of overtime; `true` is no change and is refused."""

    def read(self, value) -> float | None:
        return 0.0 if value is False else None


@dataclass(frozen=True)
class _Kind:
    """A change type: what it names (family or resource), its amount fields, whether it has
    months, and the strategy its families must have."""

    target: str
    amounts: dict[str, _Amount]
    monthly: bool
    strategy: str | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.target, *(MONTH_FIELDS if self.monthly else ()), *self.amounts)


def _target(column: str, unit: str) -> _Amount:
    limits = TABLES_BY_NAME["families"].column(column)
    return _Amount(f"a number of {unit} from {limits.minimum:g} to {limits.maximum:g}",
                   limits.minimum, limits.maximum)


_PERCENT = _Amount("a percent change such as 10 or -5 (-100 or more), without the % sign", -100)
_KINDS = {
    DEMAND: _Kind("family", {"percent": _PERCENT}, monthly=True),
    CAPACITY: _Kind("resource", {
        "add_hours": _Amount("a number of regular hours a month to add (negative removes hours)"),
        "available_hours": _Amount("the regular hours a month, 0 or more", 0)}, monthly=True),
    OVERTIME: _Kind("resource", {
        "allowed": _Banned("false (overtime is allowed unless a scenario bans it; use "
                           "max_hours to change its limit)"),
        "max_hours": _Amount("the overtime hours a month, 0 or more", 0)}, monthly=True),
    PRICE: _Kind("family", {"percent": _PERCENT}, monthly=True),
    COST: _Kind("family", {"percent": _PERCENT}, monthly=False),
    INVENTORY_TARGET: _Kind("family", {"days": _target("inventory_target_days", "days")},
                            monthly=False, strategy="MTS"),
    BACKLOG_TARGET: _Kind("family", {"weeks": _target("backlog_target_weeks", "weeks")},
                          monthly=False, strategy="MTO"),
}


@dataclass(frozen=True)
class _Context:
    """What a scenario is checked against: the company's codes and the plan months."""

    strategies: dict[str, str]
    resources: tuple[str, ...]
    months: pd.PeriodIndex

    @property
    def months_expected(self) -> str:
        first, last = month_label(self.months[0]), month_label(self.months[-1])
        return (f"expected a plan month: {first} to {last} (YYYY-MM), or its number 1 to "
                f"{len(self.months)} (1 = {first})")


@dataclass(frozen=True)
class _Where:
    """Where in a file a problem is: the file, and the change's position and line."""

    file: str
    change: int | None = None
    line: int | None = None

    def problem(self, expected: str, *, field: str | None = None, value=None) -> ScenarioProblem:
        return ScenarioProblem(self.file, expected, change=self.change, line=self.line,
                               field=field, value=value)


def scenario_files(folder: Path | str) -> list[Path]:
    """The scenario files of a company folder: `scenarios/*.yaml` (and `.yml`), by name."""
    subfolder = Path(folder) / SCENARIO_FOLDER
    if not subfolder.is_dir():
        return []
    return sorted(p for p in subfolder.iterdir()
                  if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith("."))


def check_scenarios(company: Company, paths: Iterable[Path | str] | None = None, *,
                    cycle: pd.Period | str | None = None,
                    horizon: int | None = None) -> tuple[list[Scenario], list[Problem]]:
    """The scenarios that read cleanly, and every problem found in the files.

    `paths` default to `scenario_files(company.folder)`; `cycle` (default the month after the
    last closed month) and `horizon` (default company.yaml's) give the plan months that changes
    may name. Scenario names must be unique and differ from "Baseline".
    """
    first = company.default_cycle if cycle is None else to_month(cycle)
    context = _Context(
        strategies=dict(zip(company.families["family"], company.families["strategy"])),
        resources=tuple(company.resources["resource"]),
        months=month_range(first, horizon or company.config.horizon_months))
    files = scenario_files(company.folder) if paths is None else [Path(p) for p in paths]
    scenarios, problems = [], []
    for path in files:
        scenario, found = _read_file(path, _label(path, company.folder), context)
        problems += found
        if scenario is not None:
            scenarios.append(scenario)
    clashes = _name_clashes(scenarios)
    problems += clashes
    clashing = {p.file for p in clashes}
    return [s for s in scenarios if s.file not in clashing], problems


def load_scenarios(company: Company, paths: Iterable[Path | str] | None = None, *,
                   cycle: pd.Period | str | None = None, horizon: int | None = None
                   ) -> list[Scenario]:
    """Like check_scenarios, but raise DataError listing every problem when there is any."""
    scenarios, problems = check_scenarios(company, paths, cycle=cycle, horizon=horizon)
    if problems:
        raise DataError(problems)
    return scenarios


def _label(path: Path, folder: Path) -> str:
    """A file as the planner knows it: relative to the company folder when inside it."""
    try:
        return path.resolve().relative_to(Path(folder).resolve()).as_posix()
    except ValueError:
        return str(path)


def _read_file(path: Path, label: str, context: _Context
               ) -> tuple[Scenario | None, list[Problem]]:
    """One scenario file read and checked."""
    where = _Where(label)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [where.problem("not UTF-8; save it as UTF-8 text")]
    except OSError as error:
        return None, [where.problem(f"could not be read ({error.strerror})")]
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return None, [ScenarioProblem(label, "not valid YAML; expected `name:`, `description:` "
                                      "and a list of `changes:`",
                                      line=mark.line + 1 if mark else None)]
    if not isinstance(data, dict):
        return None, [where.problem("expected `name:`, `description:` and a list of "
                                    "`changes:`")]
    problems = [where.problem(f"unknown key; expected one of {', '.join(TOP_KEYS)}",
                              field=str(key)) for key in data if key not in TOP_KEYS]
    name, description = data.get("name"), data.get("description", "")
    if not isinstance(name, str) or not name.strip():
        problems.append(where.problem("expected a name for the scenario, as text", field="name",
                                      value=name))
    if not isinstance(description, str):
        problems.append(where.problem("expected a description as text", field="description",
                                      value=description))
    changes, change_problems = _read_changes(data.get("changes"), text, where, context)
    problems += change_problems
    if problems:
        return None, problems
    return Scenario(name.strip(), description.strip(), tuple(changes), label), []


def _read_changes(entries, text: str, where: _Where, context: _Context
                  ) -> tuple[list[Change], list[Problem]]:
    if not isinstance(entries, list) or not entries:
        return [], [where.problem(f"expected a list of at least one change, each {_CHANGE_HELP}",
                                  field="changes")]
    lines = _change_lines(text)
    changes, problems = [], []
    for position, entry in enumerate(entries, start=1):
        line = lines[position - 1] if position <= len(lines) else None
        change, found = _read_change(entry, _Where(where.file, position, line), context)
        problems += found
        if change is not None:
            changes.append(change)
    return changes, problems


def _change_lines(text: str) -> list[int]:
    """The line each item of the `changes` list starts on (1-based)."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    for key, value in root.value:
        if key.value == "changes" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _read_change(entry, where: _Where, context: _Context) -> tuple[Change | None, list[Problem]]:
    """One change checked: its type, fields, names, months and amount."""
    if not isinstance(entry, dict) or len(entry) != 1:
        return None, [where.problem(f"expected {_CHANGE_HELP}; types: {', '.join(_KINDS)}")]
    kind_name, fields = next(iter(entry.items()))
    kind = _KINDS.get(kind_name)
    if kind is None:
        return None, [where.problem(f"unknown change type; expected one of {', '.join(_KINDS)}",
                                    value=kind_name)]
    if not isinstance(fields, dict):
        return None, [where.problem(f"expected the fields of the {kind_name} change as "
                                    f"`{{field: value, ...}}`: {', '.join(kind.fields)}",
                                    value=fields)]
    problems = [where.problem(f"unknown field; expected one of {', '.join(kind.fields)}",
                              field=str(key)) for key in fields if key not in kind.fields]
    names, found = _read_names(fields.get(kind.target), kind, where, context)
    problems += found
    months, found = _read_months(fields, where, context) if kind.monthly else ((), [])
    problems += found
    field, amount, found = _read_amount(fields, kind, where)
    problems += found
    if problems:
        return None, problems
    return Change(kind_name, names, months, field, amount), []


def _read_names(value, kind: _Kind, where: _Where, context: _Context
                ) -> tuple[tuple[str, ...], list[Problem]]:
    """The families or resources a change names: one, a list, or `all`."""
    known = tuple(context.strategies) if kind.target == "family" else context.resources
    if kind.strategy:
        known = tuple(f for f in known if context.strategies[f] == kind.strategy)
    what = f"{kind.strategy} family" if kind.strategy else kind.target
    expected = f"expected a {what} name, a list of them, or {ALL}"
    if isinstance(value, str) and value.strip().lower() == ALL:
        return known, []
    given = value if isinstance(value, list) and value else [value]
    if value is None or not all(isinstance(v, str) for v in given):
        return (), [where.problem(expected, field=kind.target, value=value)]
    problems = [where.problem(_unknown_name(name, what, known, context), field=kind.target,
                              value=name) for name in given if name not in known]
    return tuple(dict.fromkeys(given)), problems


def _unknown_name(name: str, what: str, known: tuple[str, ...], context: _Context) -> str:
    if name in context.strategies:
        return (f"expected a {what}: {name} is {context.strategies[name]} (inventory targets "
                "are for MTS families, backlog targets for MTO)")
    shown = ", ".join(known[:NAMES_SHOWN]) + (
        f", ... ({len(known)} in all)" if len(known) > NAMES_SHOWN else "")
    return f"expected one of {shown}" if known else f"the company has no {what}"


def _read_months(fields: dict, where: _Where, context: _Context
                 ) -> tuple[tuple[pd.Period, ...], list[Problem]]:
    """The months a change covers: `month`, or `from` and/or `to`; the whole horizon if none."""
    if "month" in fields and ("from" in fields or "to" in fields):
        return (), [where.problem("expected either `month` or `from`/`to`, not both", field="month",
                                  value=_shown(fields["month"]))]
    if "month" in fields:
        bounds = [("month", fields["month"])]
    else:
        bounds = [("from", fields.get("from", 1)), ("to", fields.get("to", len(context.months)))]
    parsed = [(name, value, _plan_month(value, context)) for name, value in bounds]
    problems = [where.problem(context.months_expected, field=name, value=_shown(value))
                for name, value, month in parsed if month is None]
    if problems:
        return (), problems
    first, last = parsed[0][2], parsed[-1][2]
    if last < first:
        return (), [where.problem(f"expected a month from {month_label(first)} (`from`) on",
                                  field="to", value=_shown(parsed[-1][1]))]
    return tuple(month_range(first, (last - first).n + 1)), []


def _plan_month(value, context: _Context) -> pd.Period | None:
    """A plan month from YYYY-MM text or its number in the plan (1 = the cycle month)."""
    if isinstance(value, str) and (match := _PLAN_MONTH.match(value.strip())):
        value = int(match.group(1))
    if isinstance(value, int) and not isinstance(value, bool):
        return context.months[value - 1] if 1 <= value <= len(context.months) else None
    if isinstance(value, datetime.date):
        value = pd.Timestamp(value)
    month = parse_month(value) if isinstance(value, (str, pd.Timestamp)) else None
    return month if month is not None and month in context.months else None


def _read_amount(fields: dict, kind: _Kind, where: _Where
                 ) -> tuple[str, float, list[Problem]]:
    """The change's amount: exactly one of its kind's amount fields, checked."""
    given = [name for name in kind.amounts if name in fields]
    if len(given) != 1:
        choice = " or ".join(kind.amounts)
        verb = "exactly one of" if len(kind.amounts) > 1 else "the field"
        return "", 0.0, [where.problem(f"expected {verb} {choice}")]
    name = given[0]
    amount = kind.amounts[name].read(fields[name])
    if amount is None:
        return "", 0.0, [where.problem("expected " + kind.amounts[name].expected, field=name,
                                       value=_shown(fields[name]))]
    return ("max_hours" if name == "allowed" else name), amount, []


def _name_clashes(scenarios: list[Scenario]) -> list[Problem]:
    """Scenario names used twice (ignoring case) or taken by the baseline."""
    problems, seen = [], {BASELINE_NAME.lower(): None}
    for scenario in scenarios:
        key = scenario.name.lower()
        if key in seen:
            taken = (f"the name of {seen[key]}" if seen[key]
                     else "the name of the plan without changes")
            problems.append(ScenarioProblem(scenario.file, "expected a name of its own; it is "
                                            f"already {taken}", field="name",
                                            value=scenario.name))
        else:
            seen[key] = scenario.file
    return problems


def _shown(value):
    """A YAML value as the planner wrote it (dates as YYYY-MM-DD)."""
    return value.isoformat() if isinstance(value, datetime.date) else value

