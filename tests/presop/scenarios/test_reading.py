"""Reading scenario files: every change type, months absolute and relative, every problem listed."""
import pandas as pd
import pytest

from sop_lib.core.errors import DataError
from sop_lib.presop.scenarios import (
    Change,
    ScenarioProblem,
    changes_table,
    check_scenarios,
    load_scenarios,
    scenario_files,
)
from tests.scenario_builders import MONTHS, small_company, write_scenario

EVERY_KIND = """\
name: Everything
description: One change of each type
changes:
  - demand: {family: A, from: 2026-02, to: 2026-04, percent: 10}
  - capacity: {resource: R1, from: month 3, to: 5, add_hours: 160}
  - capacity: {resource: [R1, R2], month: 2026-06, available_hours: 0}
  - overtime: {resource: all, allowed: false}
  - overtime: {resource: R2, to: 2, max_hours: 40}
  - price: {family: all, percent: -5}
  - cost: {family: B, percent: 3.5}
  - inventory_target: {family: A, days: 30}
  - backlog_target: {family: B, weeks: 6}
"""


def months(first, last):
    return tuple(pd.period_range(first, last, freq="M"))


@pytest.fixture
def company(tmp_path):
    return small_company(folder=tmp_path)


def problems_of(company, text, name="s.yaml"):
    path = write_scenario(company.folder, name, text)
    scenarios, problems = check_scenarios(company, [path])
    assert scenarios == []
    return [str(p) for p in problems]


def test_every_change_type_is_read_with_its_names_months_and_amount(company):
    write_scenario(company.folder, "every.yaml", EVERY_KIND)
    [scenario] = load_scenarios(company)
    assert (scenario.name, scenario.description, scenario.file) == (
        "Everything", "One change of each type", "scenarios/every.yaml")
    whole = tuple(MONTHS)
    assert scenario.changes == (
        Change("demand", ("A",), months("2026-02", "2026-04"), "percent", 10.0),
        Change("capacity", ("R1",), months("2026-03", "2026-05"), "add_hours", 160.0),
        Change("capacity", ("R1", "R2"), months("2026-06", "2026-06"), "available_hours", 0.0),
        Change("overtime", ("R1", "R2"), whole, "max_hours", 0.0),
        Change("overtime", ("R2",), months("2026-01", "2026-02"), "max_hours", 40.0),
        Change("price", ("A", "B"), whole, "percent", -5.0),
        Change("cost", ("B",), (), "percent", 3.5),
        Change("inventory_target", ("A",), (), "days", 30.0),
        Change("backlog_target", ("B",), (), "weeks", 6.0),
    )


def test_changes_read_as_planners_write_them(company):
    write_scenario(company.folder, "every.yaml", EVERY_KIND)
    table = changes_table(load_scenarios(company))
    assert list(table.columns) == ["scenario", "change", "kind", "description"]
    assert table["description"].tolist() == [
        "A: demand +10% in 2026-02 to 2026-04",
        "R1: +160 regular hours a month in 2026-03 to 2026-05",
        "R1, R2: regular hours set to 0 a month in 2026-06",
        "R1, R2: no overtime in 2026-01 to 2026-12",
        "R2: overtime up to 40 hours a month in 2026-01 to 2026-02",
        "A, B: price -5% in 2026-01 to 2026-12",
        "B: cost +3.5%",
        "A: inventory target 30 days",
        "B: backlog target 6 weeks",
    ]


def test_relative_months_count_from_the_given_cycle(company):
    text = "name: Late\nchanges:\n  - demand: {family: A, month: 1, percent: 5}\n"
    path = write_scenario(company.folder, "late.yaml", text)
    [scenario] = load_scenarios(company, [path], cycle="2026-03", horizon=14)
    assert scenario.changes[0].months == (pd.Period("2026-03", "M"),)


def test_files_are_found_in_the_scenarios_folder_by_name(company):
    write_scenario(company.folder, "b.yaml", "name: Second\nchanges: [{cost: {family: A, "
                   "percent: 1}}]\n")
    write_scenario(company.folder, "a.yml", "name: First\nchanges: [{cost: {family: A, "
                   "percent: 2}}]\n")
    write_scenario(company.folder, "notes.txt", "not a scenario")
    assert [p.name for p in scenario_files(company.folder)] == ["a.yml", "b.yaml"]
    assert [s.name for s in load_scenarios(company)] == ["First", "Second"]


def test_a_company_without_scenarios_has_none(company):
    assert load_scenarios(company) == []


def test_every_problem_is_listed_with_file_change_line_and_field(company):
    text = """\
name: Grills push
extra: 1
changes:
  - demand: {family: A, percent: 10}
  - demand: {family: Grils, from: 2025-11, percent: 10%}
  - capacity: {resource: Press, month: 13, add_hours: 8, colour: red}
  - overtime: {resource: R1, allowed: true}
  - holiday: {resource: R1}
"""
    path = write_scenario(company.folder, "grills.yaml", text)
    with pytest.raises(DataError) as caught:
        load_scenarios(company, [path])
    shown = [str(p) for p in caught.value.problems]
    plan_month = ("expected a plan month: 2026-01 to 2026-12 (YYYY-MM), or its number 1 to 12 "
                  "(1 = 2026-01)")
    assert shown == [
        "ERROR scenarios/grills.yaml, field extra: unknown key; expected one of name, "
        "description, changes",
        "ERROR scenarios/grills.yaml, change 2 (line 5), field family: value 'Grils': expected "
        "one of A, B",
        f"ERROR scenarios/grills.yaml, change 2 (line 5), field from: value '2025-11': "
        f"{plan_month}",
        "ERROR scenarios/grills.yaml, change 2 (line 5), field percent: value '10%': expected a "
        "percent change such as 10 or -5 (-100 or more), without the % sign",
        "ERROR scenarios/grills.yaml, change 3 (line 6), field colour: unknown field; expected "
        "one of resource, month, from, to, add_hours, available_hours",
        "ERROR scenarios/grills.yaml, change 3 (line 6), field resource: value 'Press': "
        "expected one of R1, R2",
        f"ERROR scenarios/grills.yaml, change 3 (line 6), field month: value 13: {plan_month}",
        "ERROR scenarios/grills.yaml, change 4 (line 7), field allowed: value True: expected "
        "false (overtime is allowed unless a scenario bans it; use max_hours to change its "
        "limit)",
        "ERROR scenarios/grills.yaml, change 5 (line 8): value 'holiday': unknown change type; "
        "expected one of demand, capacity, overtime, price, cost, inventory_target, "
        "backlog_target",
    ]
    assert all(isinstance(p, ScenarioProblem) for p in caught.value.problems)
    assert caught.value.problems[1].column == "family"
    assert caught.value.problems[1].change == 2


@pytest.mark.parametrize(("change", "expected"), [
    ("demand: {family: A, percent: -101}", "field percent: value -101: expected a percent"),
    ("demand: {family: A, percent: yes}", "field percent: value True: expected a percent"),
    ("demand: {family: A}", "expected the field percent"),
    ("capacity: {resource: R1, add_hours: 5, available_hours: 5}",
     "expected exactly one of add_hours or available_hours"),
    ("capacity: {resource: R1, available_hours: -1}",
     "field available_hours: value -1: expected the regular hours a month, 0 or more"),
    ("capacity: {add_hours: 5}", "field resource: expected a resource name, a list of them, "
                                 "or all"),
    ("demand: {family: A, month: 2026-02, from: 2026-01, percent: 1}",
     "field month: value '2026-02': expected either `month` or `from`/`to`, not both"),
    ("demand: {family: A, from: 2026-05, to: 2026-02, percent: 1}",
     "field to: value '2026-02': expected a month from 2026-05 (`from`) on"),
    ("demand: {family: A, month: 2026-02-01, percent: 1}", None),
    ("demand: {family: A, to: month 0, percent: 1}", "field to: value 'month 0'"),
    ("inventory_target: {family: B, days: 10}",
     "value 'B': expected a MTS family: B is MTO (inventory targets are for MTS families, "
     "backlog targets for MTO)"),
    ("backlog_target: {family: B, weeks: 105}",
     "field weeks: value 105: expected a number of weeks from 0 to 104"),
    ("cost: {family: A, month: 2026-02, percent: 1}",
     "field month: unknown field; expected one of family, percent"),
    ("price: 5", "value 5: expected the fields of the price change"),
    ("[demand, price]", "expected one change type with its fields"),
])
def test_each_bad_change_is_explained(company, change, expected):
    text = f"name: S\nchanges:\n  - {change}\n"
    path = write_scenario(company.folder, "s.yaml", text)
    scenarios, problems = check_scenarios(company, [path])
    if expected is None:  # a YAML date naming the first of a month is that month
        assert problems == [] and scenarios[0].changes[0].months == (pd.Period("2026-02", "M"),)
        return
    assert len(problems) == 1 and scenarios == []
    assert "scenarios/s.yaml, change 1 (line 3)" in str(problems[0])
    assert expected in str(problems[0])


@pytest.mark.parametrize(("text", "expected"), [
    ("name: S\nchanges:\n  - demand: {family: A, percent: 10\n",
     "ERROR scenarios/s.yaml, line 4: not valid YAML"),
    ("- just\n- a list\n", "expected `name:`, `description:` and a list of `changes:`"),
    ("name: S\nchanges: []\n", "field changes: expected a list of at least one change"),
    ("description: no name\nchanges: [{cost: {family: A, percent: 1}}]\n",
     "field name: expected a name for the scenario, as text"),
    ("name: S\ndescription: [1]\nchanges: [{cost: {family: A, percent: 1}}]\n",
     "field description: value [1]: expected a description as text"),
    ("name: !!python/object/apply:os.system ['echo hacked']\nchanges: []\n",
     "not valid YAML"),
])
def test_file_level_problems(company, text, expected):
    [problem] = problems_of(company, text)
    assert expected in problem


def test_a_file_that_is_not_utf8_is_reported(company):
    path = company.folder / "latin.yaml"
    path.write_bytes("name: Caf\xe9\n".encode("latin-1"))
    _, [problem] = check_scenarios(company, [path])
    assert str(problem).endswith("not UTF-8; save it as UTF-8 text")


def test_a_missing_file_is_reported_by_its_path(company, tmp_path):
    _, [problem] = check_scenarios(company, [tmp_path / "nowhere.yaml"])
    assert "nowhere.yaml" in str(problem) and "could not be read" in str(problem)


def test_names_must_be_unique_and_not_baseline(company):
    body = "changes: [{cost: {family: A, percent: 1}}]\n"
    write_scenario(company.folder, "a.yaml", "name: Push\n" + body)
    write_scenario(company.folder, "b.yaml", "name: push\n" + body)
    write_scenario(company.folder, "c.yaml", "name: Baseline\n" + body)
    scenarios, problems = check_scenarios(company)
    assert [s.name for s in scenarios] == ["Push"]
    assert [str(p) for p in problems] == [
        "ERROR scenarios/b.yaml, field name: value 'push': expected a name of its own; it is "
        "already the name of scenarios/a.yaml",
        "ERROR scenarios/c.yaml, field name: value 'Baseline': expected a name of its own; it "
        "is already the name of the plan without changes",
    ]


def test_good_files_still_read_when_another_has_problems(company):
    write_scenario(company.folder, "good.yaml",
                   "name: Good\nchanges: [{cost: {family: A, percent: 1}}]\n")
    write_scenario(company.folder, "bad.yaml", "name: Bad\nchanges: [{cost: {family: Z, "
                   "percent: 1}}]\n")
    scenarios, problems = check_scenarios(company)
    assert [s.name for s in scenarios] == ["Good"]
    assert [p.file for p in problems] == ["scenarios/bad.yaml"]
