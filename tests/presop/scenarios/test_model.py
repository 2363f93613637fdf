"""Tests of sop_lib.presop.scenarios.model: changes described as planners read them, scenarios
as values, the baseline, and the table of every change of some scenarios."""
import dataclasses

import pandas as pd
import pytest

from sop_lib.presop.scenarios.model import (
    BASELINE,
    BASELINE_NAME,
    CAPACITY,
    COST,
    DEMAND,
    OVERTIME,
    Change,
    Scenario,
    changes_table,
)


def months(first, last):
    return tuple(pd.period_range(first, last, freq="M"))


SPRING = months("2027-02", "2027-07")


@pytest.mark.parametrize(("change", "expected"), [
    (Change("demand", ("Grills",), SPRING, "percent", 10.0),
     "Grills: demand +10% in 2027-02 to 2027-07"),
    (Change("price", ("A", "B"), SPRING, "percent", -5.0), "A, B: price -5% in 2027-02 to 2027-07"),
    (Change("cost", ("B",), (), "percent", 3.5), "B: cost +3.5%"),
    (Change("capacity", ("R1",), SPRING, "add_hours", 160.0),
     "R1: +160 regular hours a month in 2027-02 to 2027-07"),
    (Change("capacity", ("R1",), SPRING, "add_hours", -40.0),
     "R1: -40 regular hours a month in 2027-02 to 2027-07"),
    (Change("capacity", ("R1", "R2"), months("2027-06", "2027-06"), "available_hours", 0.0),
     "R1, R2: regular hours set to 0 a month in 2027-06"),
    (Change("overtime", ("R1",), SPRING, "max_hours", 0.0),
     "R1: no overtime in 2027-02 to 2027-07"),
    (Change("overtime", ("R2",), months("2026-12", "2027-01"), "max_hours", 37.5),
     "R2: overtime up to 37.5 hours a month in 2026-12 to 2027-01"),
    (Change("inventory_target", ("A",), (), "days", 30.0), "A: inventory target 30 days"),
    (Change("backlog_target", ("B",), (), "weeks", 1.5), "B: backlog target 1.5 weeks"),
])
def test_a_change_reads_as_a_planner_writes_it(change, expected):
    assert change.describe() == expected


def test_a_change_of_zero_percent_is_still_signed():
    assert Change(DEMAND, ("A",), SPRING, "percent", 0.0).describe() == (
        "A: demand +0% in 2027-02 to 2027-07")


def test_changes_are_values():
    change = Change(CAPACITY, ("R1",), SPRING, "add_hours", 8.0)
    assert change == Change(CAPACITY, ("R1",), SPRING, "add_hours", 8.0)
    assert change != Change(CAPACITY, ("R1",), SPRING, "add_hours", 16.0)
    assert len({change, Change(CAPACITY, ("R1",), SPRING, "add_hours", 8.0)}) == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        change.amount = 16.0


def test_a_scenario_defaults_to_no_description_no_changes_and_no_file():
    scenario = Scenario("Quiet")
    assert (scenario.description, scenario.changes, scenario.file) == ("", (), "")
    with pytest.raises(dataclasses.FrozenInstanceError):
        scenario.name = "Loud"


def test_the_baseline_is_named_and_changes_nothing():
    assert BASELINE.name == BASELINE_NAME == "Baseline"
    assert BASELINE.changes == () and BASELINE.description


def test_the_changes_table_has_a_row_per_change_numbered_within_its_scenario():
    first = Scenario("Promo", changes=(Change(DEMAND, ("A",), SPRING, "percent", 20.0),
                                       Change("price", ("A",), SPRING, "percent", -5.0)))
    second = Scenario("Shift", changes=(Change(CAPACITY, ("R1",), SPRING, "add_hours", 80.0),))
    table = changes_table([first, BASELINE, second])
    assert list(table.columns) == ["scenario", "change", "kind", "description"]
    assert table.to_dict("records") == [
        {"scenario": "Promo", "change": 1, "kind": "demand",
         "description": "A: demand +20% in 2027-02 to 2027-07"},
        {"scenario": "Promo", "change": 2, "kind": "price",
         "description": "A: price -5% in 2027-02 to 2027-07"},
        {"scenario": "Shift", "change": 1, "kind": "capacity",
         "description": "R1: +80 regular hours a month in 2027-02 to 2027-07"},
    ]


def test_the_changes_table_reads_scenarios_given_one_by_one():
    scenarios = (Scenario(name, changes=(Change(COST, ("A",), (), "percent", 1.0),
                                         Change(OVERTIME, ("R1",), SPRING, "max_hours", 0.0)))
                 for name in ("One", "Two"))
    table = changes_table(scenarios)  # a generator: read once
    assert table["scenario"].tolist() == ["One", "One", "Two", "Two"]
    assert table["change"].tolist() == [1, 2, 1, 2]


def test_the_changes_table_of_no_change_is_empty_with_its_columns():
    for scenarios in ([], [BASELINE, Scenario("Nothing")]):
        table = changes_table(scenarios)
        assert table.empty
        assert list(table.columns) == ["scenario", "change", "kind", "description"]
