"""Applying scenarios: each change type on the company and demand frames, month-specific hours."""
import pandas as pd
import pytest

from sop_lib.core.errors import SopError
from sop_lib.presop.scenarios import (
    CALENDAR_TABLE,
    Change,
    Scenario,
    apply_scenario,
    monthly_capacity,
)
from sop_lib.supply.capacity import capacity_load
from tests.scenario_builders import MONTHS, demand_frames, small_company

UNITS = {"A1": 50.0, "A2": 30.0, "B1": 10.0}
SPRING = tuple(pd.period_range("2026-03", "2026-05", freq="M"))


def apply(*changes, company=None):
    demand, consensus = demand_frames(UNITS)
    return apply_scenario(company or small_company(), demand, consensus,
                          Scenario("S", changes=changes))


def by_month(frame, key, column):
    return frame.set_index([key, "month"])[column]


def test_demand_change_scales_units_and_value_of_the_family_in_its_months_only():
    demand, consensus = demand_frames(UNITS)
    result = apply(Change("demand", ("A",), SPRING, "percent", 10.0))
    in_spring = result.consensus["month"].isin(SPRING) & (result.consensus["family"] == "A")
    ratio = result.consensus["consensus"] / consensus["consensus"]
    assert ratio[in_spring].round(12).eq(1.1).all() and ratio[~in_spring].eq(1.0).all()
    assert result.consensus["consensus_value"].to_numpy() == pytest.approx(
        (result.consensus["consensus"] * result.consensus["unit_price"]).to_numpy())
    assert result.consensus["statistical"].equals(consensus["statistical"])
    family = by_month(result.demand, "family", "consensus")
    assert family[("A", pd.Period("2026-04", "M"))] == pytest.approx(88.0)
    assert family[("A", pd.Period("2026-06", "M"))] == 80.0
    assert family.xs("B", level="family").eq(10.0).all()
    assert by_month(result.demand, "family", "consensus_value")[
        ("A", pd.Period("2026-04", "M"))] == pytest.approx(1.1 * (50 * 10 + 30 * 20))


def test_demand_change_scales_the_forecast_band_with_the_units():
    demand, consensus = demand_frames(UNITS)
    demand = demand.assign(p10=demand["consensus"] - 8, p50=demand["consensus"],
                           p90=demand["consensus"] + 8)
    result = apply_scenario(small_company(), demand, consensus, Scenario("S", changes=(
        Change("demand", ("A",), SPRING, "percent", 50.0),)))
    april = result.demand.set_index(["family", "month"]).loc[("A", SPRING[1])]
    assert (april["p10"], april["p50"], april["p90"]) == (108.0, 120.0, 132.0)
    assert april["statistical"] == 80.0
    assert result.demand["p90"].sum() == demand["p90"].sum() + 3 * 0.5 * 88


def test_two_changes_on_a_month_compound_in_file_order():
    result = apply(Change("demand", ("A",), SPRING, "percent", 10.0),
                   Change("demand", ("A", "B"), SPRING[:1], "percent", -50.0))
    family = by_month(result.demand, "family", "consensus")
    assert family[("A", SPRING[0])] == pytest.approx(80 * 1.1 * 0.5)
    assert family[("B", SPRING[0])] == pytest.approx(5.0)
    assert family[("A", SPRING[1])] == pytest.approx(88.0)


def test_price_change_moves_prices_and_values_not_units_nor_items():
    demand, consensus = demand_frames(UNITS)
    result = apply(Change("price", ("A",), SPRING, "percent", -5.0))
    assert result.consensus["consensus"].equals(consensus["consensus"])
    rows = result.consensus.set_index(["sku", "month"])
    assert rows.loc[("A2", SPRING[0]), "unit_price"] == pytest.approx(19.0)
    assert rows.loc[("A2", SPRING[0]), "consensus_value"] == pytest.approx(30 * 19.0)
    assert rows.loc[("A2", MONTHS[0]), "unit_price"] == 20.0
    assert rows.loc[("B1", SPRING[0]), "unit_price"] == 100.0
    assert by_month(result.demand, "family", "consensus_value")[("A", SPRING[0])] == (
        pytest.approx(0.95 * 1100))
    assert result.demand["consensus"].equals(demand["consensus"])
    assert result.company.items["unit_price"].tolist() == [10.0, 20.0, 100.0]


def test_cost_change_moves_the_standard_cost_of_the_family_skus():
    result = apply(Change("cost", ("B",), (), "percent", 10.0))
    assert result.company.items.set_index("sku")["standard_cost"].to_dict() == {
        "A1": 6.0, "A2": 12.0, "B1": pytest.approx(77.0)}


def test_targets_change_the_families_table():
    result = apply(Change("inventory_target", ("A",), (), "days", 30.0),
                   Change("backlog_target", ("B",), (), "weeks", 6.0))
    families = result.company.families.set_index("family")
    assert families.loc["A", "inventory_target_days"] == 30.0
    assert families.loc["B", "backlog_target_weeks"] == 6.0
    assert pd.isna(families.loc["B", "inventory_target_days"])


def test_capacity_in_some_months_becomes_calendar_rows():
    company = small_company(r1=(100.0, 20.0))
    result = apply(Change("capacity", ("R1",), SPRING, "add_hours", 60.0),
                   Change("capacity", ("R1",), SPRING[1:2], "available_hours", 0.0),
                   company=company)
    assert result.company.resources.equals(company.resources)
    calendar = result.company.tables[CALENDAR_TABLE]
    assert list(calendar.columns) == ["resource", "month", "available_hours",
                                      "max_overtime_hours"]
    assert list(zip(calendar["resource"], calendar["month"], calendar["available_hours"],
                    calendar["max_overtime_hours"])) == [
        ("R1", SPRING[0], 160.0, 20.0), ("R1", SPRING[1], 0.0, 20.0),
        ("R1", SPRING[2], 160.0, 20.0)]
    hours = monthly_capacity(result.company, MONTHS)
    r1 = hours[hours["resource"] == "R1"]["available_hours"].tolist()
    assert r1 == [100, 100, 160, 0, 160] + [100] * 7
    assert hours[hours["resource"] == "R2"]["available_hours"].eq(1000.0).all()


def test_a_change_over_the_whole_horizon_changes_the_resources_table():
    company = small_company(r1=(100.0, 20.0), r2=(50.0, 10.0))
    result = apply(Change("overtime", ("R1", "R2"), tuple(MONTHS), "max_hours", 0.0),
                   Change("capacity", ("R2",), tuple(MONTHS), "add_hours", -80.0),
                   company=company)
    resources = result.company.resources.set_index("resource")
    assert resources["max_overtime_hours"].tolist() == [0.0, 0.0]
    assert resources["available_hours"].tolist() == [100.0, 0.0]  # never below 0
    assert result.company.tables[CALENDAR_TABLE].empty
    assert list(result.company.resources.columns) == list(company.resources.columns)


def test_the_inputs_are_left_as_they_were():
    company = small_company()
    demand, consensus = demand_frames(UNITS)
    before = (company.resources.copy(), company.items.copy(), demand.copy(), consensus.copy())
    apply_scenario(company, demand, consensus, Scenario("S", changes=(
        Change("capacity", ("R1",), SPRING, "add_hours", 5.0),
        Change("cost", ("A",), (), "percent", 5.0),
        Change("demand", ("A",), SPRING, "percent", 5.0),
        Change("price", ("A",), SPRING, "percent", 5.0))))
    for original, kept in zip(before, (company.resources, company.items, demand, consensus)):
        assert original.equals(kept)
    assert company.resource_calendar.empty


def test_a_change_outside_the_plan_months_is_refused():
    change = Change("demand", ("A",), (pd.Period("2027-01", "M"),), "percent", 5.0)
    with pytest.raises(SopError, match="change 1 .*2027-01 is outside the plan months "
                                       "2026-01 to 2026-12"):
        apply(change)


def test_capacity_load_uses_each_months_hours():
    company = small_company(r1=(100.0, 20.0))
    result = apply(Change("capacity", ("R1",), SPRING[:1], "available_hours", 50.0),
                   company=company)
    plan = pd.DataFrame({"family": "A", "month": MONTHS, "production": 110.0})
    load = capacity_load(result.company, plan)
    usual = capacity_load(company, plan)
    assert list(load.columns) == list(usual.columns)
    assert list(zip(load["resource"], load["month"])) == list(zip(usual["resource"],
                                                                  usual["month"]))
    march = load[(load["resource"] == "R1") & (load["month"] == SPRING[0])].iloc[0]
    assert (march["available_hours"], march["overtime_hours"], march["status"]) == (
        50.0, 20.0, "overload")
    assert march["utilisation"] == pytest.approx(2.2)
    others = (load["month"] != SPRING[0]) | (load["resource"] != "R1")
    assert load[others].reset_index(drop=True).equals(usual[others].reset_index(drop=True))
