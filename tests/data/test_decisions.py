"""Tests of sop_lib.data.decisions: the decision register read, checked and located line by
line, its actions' status, and its part of the data contract."""
from __future__ import annotations

import datetime
import hashlib

import pandas as pd
import pytest

from sop_lib.core.errors import DataError
from sop_lib.data import contract
from sop_lib.data.decisions import (
    EXAMPLE,
    FIELDS,
    action_status,
    check_decisions,
    decision_files,
    decisions_path,
    read_decisions,
    register_cycle,
)
from tests import REPO

CYCLE = pd.Period("2026-11", freq="M")
EXAMPLE_FILE = REPO / "docs" / "examples" / "decisions-2026-11.yaml"


def write(folder, text, name="2026-11.yaml"):
    path = folder / "decisions" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def changed(old, new):
    """The documented example with one text replaced (`old` must occur once)."""
    assert EXAMPLE.count(old) == 1, old
    return EXAMPLE.replace(old, new)


def located(problems):
    return [(p.severity, p.row, p.column) for p in problems]


def test_the_documented_example_reads_into_the_register(tmp_path):
    path = write(tmp_path, EXAMPLE)
    register, problems = check_decisions(path, agenda_items={1, 2, 3}, scenarios={"No overtime"})
    assert problems == []
    assert register.cycle == CYCLE
    assert register.approved_by == "Jane Smith, VP S&OP"
    assert register.approved_on == datetime.date(2026, 11, 12)
    assert register.scenario == "No overtime"
    assert register.notes == "Free text."
    assert register.path == path
    assert register.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert register.decisions.to_dict("records") == [
        {"item": 1, "outcome": "accepted", "note": "Build ahead in March on free regular hours"},
        {"item": 2, "outcome": "action", "note": ""}]
    assert register.decisions["item"].dtype == "int64"
    actions = register.actions
    assert list(actions.columns) == ["action", "item", "owner", "due", "status"]
    assert str(actions["item"].dtype) == "Int64" and str(actions["due"].dtype) == "period[M]"
    assert actions.iloc[0].to_dict() == {
        "action": "Re-base the Spare Parts forecast on the last 6 months", "item": 2,
        "owner": "Demand planning", "due": pd.Period("2026-12", freq="M"), "status": "open"}


def test_only_the_required_fields_give_an_empty_register(tmp_path):
    text = "approved_by: J. Smith\napproved_on: '2026-11-12'\nscenario: Baseline\n"
    register, problems = check_decisions(write(tmp_path, text), scenarios={"No overtime"})
    assert problems == []
    assert register.approved_on == datetime.date(2026, 11, 12)
    assert register.decisions.empty and register.actions.empty and register.notes == ""
    assert str(register.actions["due"].dtype) == "period[M]"


def test_scenario_and_choices_are_matched_ignoring_case(tmp_path):
    text = changed("scenario: No overtime", "scenario: no OVERTIME").replace(
        "outcome: accepted", "outcome: Accepted")
    register, problems = check_decisions(write(tmp_path, text), scenarios={"No overtime"})
    assert problems == []
    assert register.scenario == "No overtime"
    assert register.decisions["outcome"].iloc[0] == "accepted"


def test_the_status_of_an_action_defaults_to_open(tmp_path):
    text = changed("    status: open               # open or done\n", "")
    register, _ = check_decisions(write(tmp_path, text))
    assert register.actions["status"].tolist() == ["open"]


# (replaced, replacement, severity, line, field, value, words of what was expected)
CASES = {
    "not YAML": ("    note: Build", "   note: Build", "error", 7, None, None, "not valid YAML"),
    "unclosed quote": ("outcome: accepted ", "outcome: 'accepted ", "error", 6, None, None,
                       "not valid YAML"),
    "unknown key": ("notes: |", "approver: Bob\nnotes: |", "warning", 16, "approver", None,
                    "unknown key"),
    "no approved_by": ("approved_by: Jane Smith, VP S&OP\n", "", "error", None, "approved_by",
                       None, "who approved the plan"),
    "empty approved_by": ("approved_by: Jane Smith, VP S&OP", "approved_by: ''", "error", 1,
                          "approved_by", "", "who approved the plan"),
    "no approved_on": ("approved_on: 2026-11-12\n", "", "error", None, "approved_on", None,
                       "YYYY-MM-DD"),
    "impossible date": ("approved_on: 2026-11-12", "approved_on: 2026-11-31", "error", 2,
                        "approved_on", "2026-11-31", "YYYY-MM-DD"),
    "date as a planner writes it": ("approved_on: 2026-11-12", "approved_on: 12/11/2026",
                                    "error", 2, "approved_on", "12/11/2026", "YYYY-MM-DD"),
    "no scenario": ("scenario: No overtime", "scenario:", "error", 3, "scenario", None,
                    "the scenario adopted"),
    "unknown scenario": ("scenario: No overtime", "scenario: Overtime ban", "error", 3,
                         "scenario", "Overtime ban",
                         "expected a scenario of the 2026-11 pack: Baseline, Grills promotion, "
                         "No overtime"),
    "item not a number": ("  - item: 1\n", "  - item: first\n", "error", 5, "decisions[1].item",
                          "first", "a whole number"),
    "item not on the agenda": ("  - item: 1\n", "  - item: 9\n", "error", 5,
                               "decisions[1].item", 9, "its agenda has items 1 to 3"),
    "item decided twice": ("  - item: 2\n    outcome: action", "  - item: 1\n    outcome: rejected",
                           "error", 8, "decisions[2].item", 1, "already decided on line 5"),
    "bad outcome": ("outcome: accepted ", "outcome: approved ", "error", 6,
                    "decisions[1].outcome", "approved",
                    "one of accepted, rejected, deferred, action"),
    "action outcome without an action": (
        "    item: 2                    # optional: the agenda item it answers\n", "", "error", 9,
        "decisions[2].outcome", "action", "`item: 2`"),
    "action without text": ("action: Re-base the Spare Parts forecast on the last 6 months",
                            "action: ' '", "error", 11, "actions[1].action", " ",
                            "what is to be done"),
    "action item not on the agenda": ("notes: |", "  - action: Call the customer\n    item: 4"
                                      "\n    owner: Sales\n    due: 2026-12\nnotes: |",
                                      "error", 17, "actions[2].item", 4, "items 1 to 3"),
    "no owner": ("    owner: Demand planning\n", "", "error", 11, "actions[1].owner", None,
                 "who does it"),
    "bad due month": ("due: 2026-12", "due: December", "error", 14, "actions[1].due",
                      "December", "2024-01"),
    "due before the cycle": ("due: 2026-12", "due: 2026/10", "warning", 14, "actions[1].due",
                             "2026/10", "2026-11 or later"),
    "bad status": ("status: open ", "status: closed ", "error", 15, "actions[1].status",
                   "closed", "one of open, done"),
    "entry not a mapping": ("  - item: 1\n    outcome: accepted          # accepted, rejected, "
                            "deferred or action\n    note: Build ahead in March on free regular "
                            "hours\n", "  - 1\n", "error", 5, "decisions[1]", None,
                            "`key: value` fields: item, outcome, note"),
    "unknown field": ("    owner: Demand", "    ownr: Sales\n    owner: Demand", "warning", 13,
                      "actions[1].ownr", None, "unknown field"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_each_problem_names_its_line_field_value_and_what_was_expected(case, tmp_path):
    old, new, severity, line, field, value, expected = case
    register, problems = check_decisions(
        write(tmp_path, changed(old, new)), agenda_items={1, 2, 3},
        scenarios={"Baseline", "No overtime", "Grills promotion"})
    assert located(problems) == [(severity, line, field)], [str(p) for p in problems]
    problem = problems[0]
    assert problem.file == "decisions/2026-11.yaml"
    assert problem.value == value and expected in problem.expected
    assert (register is None) == (severity == "error")


def test_a_problem_reads_as_file_line_field_value_and_expected(tmp_path):
    _, [problem] = check_decisions(write(tmp_path, changed("due: 2026-12", "due: soon")))
    assert str(problem).startswith(
        "ERROR decisions/2026-11.yaml, row 14, column actions[1].due: value 'soon': expected the "
        "month it is due")


def test_a_file_that_is_not_a_mapping(tmp_path):
    register, problems = check_decisions(write(tmp_path, "\n- item: 1\n- item: 2\n"))
    assert register is None and located(problems) == [("error", 2, None)]
    assert "approved_by" in problems[0].expected
    _, problems = check_decisions(write(tmp_path, ""))
    assert located(problems) == [("error", None, None)]


def test_a_list_that_is_not_a_list(tmp_path):
    text = changed("actions:\n", "actions: see the minutes\nold_actions:\n")
    _, problems = check_decisions(write(tmp_path, text))
    assert ("error", 10, "actions") in located(problems)


def test_every_problem_of_a_file_is_listed(tmp_path):
    text = changed("outcome: accepted ", "outcome: yes ").replace("due: 2026-12", "due: 13")
    _, problems = check_decisions(write(tmp_path, text))
    assert located(problems) == [("error", 6, "decisions[1].outcome"),
                                 ("error", 14, "actions[1].due")]


def test_the_file_name_must_be_the_cycle(tmp_path):
    register, problems = check_decisions(write(tmp_path, EXAMPLE, "november.yaml"))
    assert register is None
    assert located(problems) == [("error", None, None)]
    assert problems[0].value == "november.yaml" and "YYYY-MM" in problems[0].expected
    register, problems = check_decisions(write(tmp_path, EXAMPLE, "november.yaml"),
                                         cycle="2026-11")
    assert problems == [] and register.cycle == CYCLE


def test_register_cycle_and_path():
    assert register_cycle("decisions/2026-11.yaml") == CYCLE
    assert register_cycle("decisions/202611.yaml") is None
    assert decisions_path("co", "2026/11").as_posix() == "co/decisions/2026-11.yaml"


def test_decision_files_are_the_yaml_files_of_the_subfolder(tmp_path):
    assert decision_files(tmp_path) == []
    write(tmp_path, EXAMPLE, "2026-12.yaml")
    write(tmp_path, EXAMPLE, "2026-11.yaml")
    write(tmp_path, "minutes", "notes.txt")
    assert [p.name for p in decision_files(tmp_path)] == ["2026-11.yaml", "2026-12.yaml"]


def test_read_decisions_none_when_absent_error_when_wrong(tmp_path):
    assert read_decisions(tmp_path, CYCLE) is None
    write(tmp_path, EXAMPLE)
    assert read_decisions(tmp_path, "2026-11").scenario == "No overtime"
    with pytest.raises(DataError, match=r"decisions/2026-11.yaml, row 5, column decisions\[1\]"):
        read_decisions(tmp_path, CYCLE, agenda_items={2})


def test_action_status_open_done_overdue():
    actions = pd.DataFrame({"status": ["open", "open", "done", "open"],
                            "due": pd.PeriodIndex(["2026-10", "2026-11", "2026-09", "2026-12"],
                                                  freq="M")})
    assert action_status(actions, CYCLE).tolist() == ["overdue", "open", "done", "open"]


def test_the_shipped_example_reads_cleanly():
    register, problems = check_decisions(EXAMPLE_FILE, cycle="2026-11")
    assert problems == []
    assert register.scenario == "No overtime" and register.approved_on.isoformat() == "2026-11-12"
    assert register.decisions["item"].tolist() == [1, 2, 3, 4]
    assert register.decisions["outcome"].tolist() == ["accepted", "action", "deferred", "deferred"]
    assert register.actions["due"].tolist() == [pd.Period("2026-12", freq="M")]


def test_the_data_contract_documents_the_format_and_every_field():
    text = contract.markdown()
    assert "\n## decisions/<cycle>.yaml\n" in text
    assert f"```yaml\n{EXAMPLE}```" in text
    for field in FIELDS:
        assert f"| `{field.key}` | {field.kind} |" in text
