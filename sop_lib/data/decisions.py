"""The decision register: what the executive S&OP meeting decided, one file per cycle.

The company folder holds `decisions/<cycle>.yaml` (the cycle as YYYY-MM, e.g.
`decisions/2026-11.yaml`), written after the meeting in the format `EXAMPLE` shows.

`decisions`, `actions` and `notes` may be left out. Months are written as in the tables
(`sop_lib.core.months.parse_month`); `approved_on` is a date, YYYY-MM-DD. An item decided
with outcome `action` needs at least one action whose `item` is it. Every problem is located
by file, line (reported as the row) and field (`decisions[2].outcome`, `actions[1].owner`).
Files are read with a safe YAML loader: nothing in them is ever run as code.
"""
from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from sop_lib.core.errors import DataError, Problem, yaml_error_line
from sop_lib.core.months import MONTH_FORMAT_HELP, month_label, parse_month, to_month

DECISIONS_FOLDER = "decisions"
EXAMPLE = """\
approved_by: Jane Smith, VP S&OP
approved_on: 2026-11-12
scenario: No overtime          # a scenario of the pack's comparison, or Baseline
decisions:                     # agenda items by their rank in that cycle's pack
  - item: 1
    outcome: accepted          # accepted, rejected, deferred or action
    note: Build ahead in March on free regular hours
  - item: 2
    outcome: action
actions:
  - action: Re-base the Spare Parts forecast on the last 6 months
    item: 2                    # optional: the agenda item it answers
    owner: Demand planning
    due: 2026-12
    status: open               # open or done
notes: |
  Free text.
"""
BASELINE = "Baseline"
OUTCOMES = ("accepted", "rejected", "deferred", "action")
ACTION_OUTCOME = "action"
OPEN, DONE, OVERDUE = "open", "done", "overdue"
STATUSES = (OPEN, DONE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Field:
    """One field of a decision register: its key as written (`decisions[].item` for a field of
    each entry of the `decisions` list), its type, whether it is required, and its meaning."""

    key: str
    kind: str
    required: bool
    meaning: str


FIELDS: tuple[Field, ...] = (
    Field("approved_by", "text", True, "Who approved the plan in the meeting: name and role."),
    Field("approved_on", "date", True, "The day of the meeting, YYYY-MM-DD."),
    Field("scenario", "text", True, "The scenario adopted: one of the pack's scenario "
          f"comparison, or `{BASELINE}` for the plan as proposed."),
    Field("decisions", "list", False, "One entry per agenda item decided."),
    Field("decisions[].item", "whole number", True, "The agenda item, by its rank in the "
          "cycle's pack (1 = the first decision asked)."),
    Field("decisions[].outcome", "choice", True, "One of " + ", ".join(f"`{o}`" for o in OUTCOMES)
          + f"; `{ACTION_OUTCOME}` needs an action whose `item` is this item."),
    Field("decisions[].note", "text", False, "What was decided, in a sentence."),
    Field("actions", "list", False, "The actions the meeting asked for."),
    Field("actions[].action", "text", True, "What is to be done."),
    Field("actions[].item", "whole number", False, "The agenda item the action answers."),
    Field("actions[].owner", "text", True, "Who does it: a person or a team."),
    Field("actions[].due", "month", True, "The month it is due (YYYY-MM), the cycle's or later; "
          "an open action due before the current month is overdue."),
    Field("actions[].status", "choice", False, f"`{OPEN}` (default) or `{DONE}`."),
    Field("notes", "text", False, "Free text: the minutes' remarks."),
)


def _keys(prefix: str = "") -> tuple[str, ...]:
    """The keys of the top level (no prefix) or of each entry of a list (`decisions[].`)."""
    return tuple(f.key.removeprefix(prefix) for f in FIELDS
                 if f.key.startswith(prefix) and "." not in f.key.removeprefix(prefix))


TOP_KEYS = _keys()


@dataclass(frozen=True)
class DecisionRegister:
    """A cycle's decision register, read and checked: `decisions` has columns item (int),
    outcome and note; `actions` has action, item (Int64, missing when it answers no item),
    owner, due (Period[M]) and status. `sha256` is the hash of the file's bytes."""

    cycle: pd.Period
    approved_by: str
    approved_on: datetime.date
    scenario: str
    decisions: pd.DataFrame
    actions: pd.DataFrame
    notes: str
    path: Path
    sha256: str


def decisions_path(folder: Path | str, cycle: pd.Period | str) -> Path:
    """`folder/decisions/<YYYY-MM>.yaml`: where a company folder keeps a cycle's register."""
    return Path(folder) / DECISIONS_FOLDER / f"{month_label(to_month(cycle))}.yaml"


def decision_files(folder: Path | str) -> list[Path]:
    """The decision registers of a company folder: `decisions/*.yaml`, by name."""
    subfolder = Path(folder) / DECISIONS_FOLDER
    return sorted(subfolder.glob("*.yaml")) if subfolder.is_dir() else []


def register_cycle(path: Path | str) -> pd.Period | None:
    """The cycle a register's file name spells exactly as YYYY-MM, else None."""
    stem = Path(path).stem
    month = parse_month(stem)
    return month if month is not None and month_label(month) == stem else None


def read_decisions(folder: Path | str, cycle: pd.Period | str, **checks
                   ) -> DecisionRegister | None:
    """The cycle's register, or None when the folder has none; DataError listing every
    problem when it has errors. `checks` are check_decisions' agenda_items and scenarios."""
    path = decisions_path(folder, cycle)
    if not path.is_file():
        return None
    register, problems = check_decisions(path, cycle=cycle, **checks)
    if register is None:
        raise DataError(problems)
    return register


def action_status(actions: pd.DataFrame, month: pd.Period) -> pd.Series:
    """Each action's status in `month`: done, open, or overdue (open and due before `month`)."""
    late = actions["status"].eq(OPEN) & (actions["due"] < month)
    return actions["status"].mask(late, OVERDUE)


def check_decisions(path: Path | str, *, cycle: pd.Period | str | None = None,
                    agenda_items: set[int] | None = None, scenarios: set[str] | None = None
                    ) -> tuple[DecisionRegister | None, list[Problem]]:
    """A register read and checked, and every problem found in it; the register is None when
    any problem is an error. `cycle` defaults to the one the file's name spells; when given,
    `agenda_items` (the ranks of the pack's decisions) and `scenarios` (the pack's scenario
    comparison) are the only items and scenarios the register may name."""
    path = Path(path)
    where = _File(_label(path), [])
    if cycle is None:
        cycle = register_cycle(path)
        if cycle is None:
            where.error(None, None, f"expected the cycle as the file's name: "
                        f"{DECISIONS_FOLDER}/YYYY-MM.yaml", value=path.name)
    else:
        cycle = to_month(cycle)
    try:
        content = path.read_bytes()
    except OSError as error:
        where.error(None, None, f"could not be read ({error.strerror})")
        return None, where.problems
    document = _document(content, where)
    register = _Reader(where, cycle, agenda_items, scenarios).read(*document) if document else None
    if register is None or any(p.is_error for p in where.problems):
        return None, where.problems
    return DecisionRegister(**register, path=path, sha256=hashlib.sha256(content).hexdigest()), (
        where.problems)


def _label(path: Path) -> str:
    """A register as the planner knows it: `decisions/<name>` in a company folder."""
    return f"{DECISIONS_FOLDER}/{path.name}" if path.parent.name == DECISIONS_FOLDER else str(path)


@dataclass
class _File:
    """The problems found in one file, each with its line and field."""

    label: str
    problems: list[Problem]

    def error(self, line: int | None, field: str | None, expected: str, *, value=None,
              severity: str = "error") -> None:
        self.problems.append(Problem(self.label, expected, row=line, column=field, value=value,
                                     severity=severity))

    def warning(self, line: int | None, field: str | None, expected: str, *, value=None) -> None:
        self.error(line, field, expected, value=value, severity="warning")


class _Loader(yaml.SafeLoader):
    """The safe loader, keeping an impossible date (2026-02-30) as its text to report it."""


def _timestamp(loader: _Loader, node: yaml.ScalarNode):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return node.value


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)

_TOP_HELP = ("expected `key: value` lines: " + ", ".join(f"`{k}:`" for k in TOP_KEYS)
             + f" (see {DECISIONS_FOLDER}/<cycle>.yaml in the data contract)")


def _document(content: bytes, where: _File) -> tuple[dict, yaml.MappingNode] | None:
    """The file's mapping and its YAML node (for the lines), or None after noting why not."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        where.error(None, None, "not UTF-8; save it as UTF-8 text")
        return None
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as error:
        where.error(yaml_error_line(error), None, f"not valid YAML; {_TOP_HELP}")
        return None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        where.error(_line(root), None, _TOP_HELP)
        return None
    return data, root



def _line(node: yaml.Node | None) -> int | None:
    """The line a node starts on (1-based)."""
    return node.start_mark.line + 1 if node is not None else None


def _key_lines(node: yaml.Node) -> dict[str, int]:
    """The line of each key of a mapping node (1-based); none for another node."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): _line(key) for key, _ in node.value}


def _list_nodes(root: yaml.MappingNode, key: str) -> list[yaml.Node]:
    """The nodes of the entries of the top-level list `key` (the last one, as YAML reads it)."""
    lists = [value.value for key_node, value in root.value
             if key_node.value == key and isinstance(value, yaml.SequenceNode)]
    return lists[-1] if lists else []


@dataclass(frozen=True)
class _Entry:
    """One entry of a list: its fields, position (1-based), line and the line of each key."""

    fields: dict
    list_name: str
    position: int
    line: int | None
    key_lines: dict[str, int]

    def at(self, key: str) -> tuple[int | None, str]:
        """The line and field name of one of its fields (the entry's line when it is absent)."""
        return self.key_lines.get(key, self.line), f"{self.list_name}[{self.position}].{key}"


class _Reader:
    """Checks the content of one register against its cycle and, when known, its pack."""

    def __init__(self, where: _File, cycle: pd.Period | None, agenda_items: set[int] | None,
                 scenarios: set[str] | None):
        self.where, self.cycle = where, cycle
        self.agenda_items, self.scenarios = agenda_items, scenarios

    def read(self, data: dict, root: yaml.MappingNode) -> dict | None:
        """The register's fields but path and sha256, or None when it has an error; every
        problem is noted."""
        lines = _key_lines(root)
        for key in data:
            if key not in TOP_KEYS:
                self.where.warning(lines.get(str(key)), str(key),
                                   f"unknown key, ignored; expected one of {', '.join(TOP_KEYS)}")
        fields = {
            "approved_by": self._text(data.get("approved_by"), lines.get("approved_by"),
                                      "approved_by", "who approved the plan: name and role"),
            "approved_on": self._date(data.get("approved_on"), lines.get("approved_on")),
            "scenario": self._scenario(data.get("scenario"), lines.get("scenario")),
        }
        decisions = self._entries(data, root, "decisions", self._decision)
        actions = self._entries(data, root, "actions", self._action)
        self._check_items_decided_once(decisions)
        self._check_action_outcomes(decisions, actions)
        notes = self._text(data.get("notes"), lines.get("notes"), "notes", "free text",
                           required=False)
        if any(p.is_error for p in self.where.problems):
            return None
        return fields | {
            "cycle": self.cycle, "notes": notes,
            "decisions": _frame(decisions, {"item": "int64", "outcome": str, "note": str}),
            "actions": _frame(actions, {"action": str, "item": "Int64", "owner": str,
                                        "due": "period[M]", "status": str}),
        }

    def _entries(self, data: dict, root: yaml.MappingNode, name: str, read) -> list[dict]:
        """The entries of an optional top-level list, each read by `read`."""
        entries = data.get(name)
        if entries is None:
            return []
        if not isinstance(entries, list):
            self.where.error(_key_lines(root).get(name), name, "expected a list of entries, each "
                             "starting with `- `")
            return []
        read_entries = []
        for position, (fields, node) in enumerate(zip(entries, _list_nodes(root, name)), start=1):
            entry = _Entry(fields, name, position, _line(node), _key_lines(node))
            if not isinstance(fields, dict):
                self.where.error(entry.line, f"{name}[{position}]", "expected `key: value` "
                                 f"fields: {', '.join(_keys(f'{name}[].'))}")
                continue
            for key in fields:
                if str(key) not in _keys(f"{name}[]."):
                    self.where.warning(*entry.at(str(key)), "unknown field, ignored; expected "
                                       f"one of {', '.join(_keys(f'{name}[].'))}")
            read_entries.append(read(entry) | {"_entry": entry})
        return read_entries

    def _decision(self, entry: _Entry) -> dict:
        return {"item": self._item(entry, required=True),
                "outcome": self._choice(entry, "outcome", OUTCOMES, default=None),
                "note": self._text(entry.fields.get("note"), *entry.at("note"),
                                   "what was decided", required=False)}

    def _action(self, entry: _Entry) -> dict:
        return {"action": self._text(entry.fields.get("action"), *entry.at("action"),
                                     "what is to be done"),
                "item": self._item(entry, required=False),
                "owner": self._text(entry.fields.get("owner"), *entry.at("owner"),
                                    "who does it: a person or a team"),
                "due": self._due(entry),
                "status": self._choice(entry, "status", STATUSES, default=OPEN)}

    def _text(self, value, line: int | None, field: str, what: str, *,
              required: bool = True) -> str:
        if isinstance(value, str) and (value.strip() or not required):
            return value.strip()
        if value is None and not required:
            return ""
        self.where.error(line, field, f"expected {what}, as text", value=value)
        return ""

    def _date(self, value, line: int | None) -> datetime.date | None:
        if isinstance(value, str) and _DATE.match(value.strip()):
            value = _iso_date(value.strip())
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        self.where.error(line, "approved_on", "expected the day of the meeting as a date, "
                         "YYYY-MM-DD (e.g. 2026-11-12)", value=_shown(value))
        return None

    def _scenario(self, value, line: int | None) -> str:
        name = self._text(value, line, "scenario", f"the scenario adopted ({BASELINE} for the "
                          "plan as proposed)")
        if not name or self.scenarios is None:
            return name
        known = {s.lower(): s for s in [BASELINE, *sorted(set(self.scenarios) - {BASELINE})]}
        if name.lower() in known:
            return known[name.lower()]
        self.where.error(line, "scenario", f"expected a scenario of the {self._pack}: "
                         f"{', '.join(known.values())}", value=name)
        return name

    def _item(self, entry: _Entry, *, required: bool) -> int | None:
        value = entry.fields.get("item")
        if value is None and not required:
            return None
        line, field = entry.at("item")
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.where.error(line, field, "expected an agenda item: its rank in the cycle's "
                             "pack, a whole number from 1", value=value)
            return None
        if self.agenda_items is not None and value not in self.agenda_items:
            last = max(self.agenda_items, default=0)
            has = {0: "no items", 1: "only item 1"}.get(last, f"items 1 to {last}")
            self.where.error(line, field, f"expected an agenda item of the {self._pack}: its "
                             f"agenda has {has}", value=value)
        return value

    def _choice(self, entry: _Entry, key: str, choices: tuple[str, ...],
                default: str | None) -> str:
        value = entry.fields.get(key, default)
        if isinstance(value, str) and value.strip().lower() in choices:
            return value.strip().lower()
        self.where.error(*entry.at(key), f"expected one of {', '.join(choices)}", value=value)
        return ""

    def _due(self, entry: _Entry) -> pd.Period | None:
        value = entry.fields.get("due")
        line, field = entry.at("due")
        month = parse_month(value) if isinstance(value, (str, int, datetime.date)) else None
        if month is None:
            self.where.error(line, field, f"expected the month it is due: {MONTH_FORMAT_HELP}",
                             value=_shown(value))
            return None
        if self.cycle is not None and month < self.cycle:
            self.where.warning(line, field, f"due before the cycle it was decided in; expected "
                               f"{month_label(self.cycle)} or later", value=_shown(value))
        return month

    def _check_items_decided_once(self, decisions: list[dict]) -> None:
        first_line = {}
        for decision in decisions:
            item, entry = decision["item"], decision["_entry"]
            if item is None:
                continue
            if item in first_line:
                self.where.error(*entry.at("item"), f"expected each agenda item decided once; "
                                 f"item {item} is already decided on line {first_line[item]}",
                                 value=item)
            else:
                first_line[item] = entry.line

    def _check_action_outcomes(self, decisions: list[dict], actions: list[dict]) -> None:
        answered = {action["item"] for action in actions}
        for decision in decisions:
            if decision["outcome"] == ACTION_OUTCOME and decision["item"] not in answered:
                self.where.error(*decision["_entry"].at("outcome"), "expected an action under "
                                 f"`actions:` with `item: {decision['item']}` (outcome "
                                 f"{ACTION_OUTCOME} means an action answers the item)",
                                 value=ACTION_OUTCOME)

    @property
    def _pack(self) -> str:
        return f"{month_label(self.cycle)} pack" if self.cycle is not None else "cycle's pack"


def _iso_date(text: str) -> datetime.date | str:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return text


def _shown(value):
    """A YAML value as the planner wrote it (dates as YYYY-MM-DD)."""
    return value.isoformat() if isinstance(value, datetime.date) else value


def _frame(rows: list[dict], dtypes: dict) -> pd.DataFrame:
    """The entries as a typed frame (their `_entry` dropped)."""
    return pd.DataFrame(rows, columns=list(dtypes)).astype(dtypes)
