"""Tests of sop_lib.supply.inputs: the opening position, the demand matrix and the families'
settings checked, and the families x months arrays the supply plan starts from."""
import numpy as np
import pandas as pd
import pytest

from sop_lib.core.errors import SopError
from sop_lib.supply.inputs import (
    demand_matrix,
    family_settings,
    opening_position,
    plan_start,
    read_inputs,
)
from tests.supply.builders import (
    LAST_CLOSED,
    bill,
    demand_frame,
    item,
    make_company,
    mto,
    mts,
    resource,
    single_family,
)

MONTHS = pd.period_range("2024-01", periods=3, freq="M")


def two_families(**families):
    """MTS family A (SKUs A1, A2; R1) and MTO family B (SKU B1; R1 and R2), with stock and
    open orders; R2 comes first in the resources table and R1 has fewer hours in 2024-02."""
    return make_company(
        families=[mts("A", 10, **families.get("A", {})), mto("B", 2, **families.get("B", {}))],
        items=[item("A1", "A"), item("A2", "A"), item("B1", "B")],
        inventory=[{"sku": "A1", "month": LAST_CLOSED, "on_hand": 10},
                   {"sku": "A2", "month": LAST_CLOSED, "on_hand": 5},
                   {"sku": "B1", "month": LAST_CLOSED, "on_hand": 3}],
        open_orders=[{"sku": "A1", "due_month": "2024-01", "quantity": 4},
                     {"sku": "B1", "due_month": "2024-02", "quantity": 7}],
        resources=[resource("R2", 50, 5), resource("R1", 100, 10)],
        bill_of_resources=[bill("A", "R1", 0.5), bill("B", "R1", 2), bill("B", "R2", 1)],
        resource_calendar=[{"resource": "R1", "month": "2024-02", "available_hours": 60,
                            "max_overtime_hours": 0}],
    )


# --- opening position ----------------------------------------------------------------------

def test_opening_position_sums_the_skus_of_each_family():
    company = make_company(
        families=[mts("A", 10), mto("B", 2)],
        items=[item("A1", "A"), item("A2", "A"), item("B1", "B")],
        inventory=[{"sku": "A1", "month": LAST_CLOSED, "on_hand": 10},
                   {"sku": "A1", "month": "2023-11", "on_hand": 999},
                   {"sku": "A2", "month": LAST_CLOSED, "on_hand": 5},
                   {"sku": "B1", "month": LAST_CLOSED, "on_hand": 3}],
        open_orders=[{"sku": "A1", "due_month": "2024-01", "quantity": 4},
                     {"sku": "A2", "due_month": "2024-03", "quantity": 6},
                     {"sku": "B1", "due_month": "2024-02", "quantity": 7}],
    )
    position = opening_position(company)
    assert list(position.columns) == ["family", "strategy", "opening_inventory",
                                      "opening_backlog"]
    assert position.to_dict("records") == [
        {"family": "A", "strategy": "MTS", "opening_inventory": 15.0, "opening_backlog": 10.0},
        {"family": "B", "strategy": "MTO", "opening_inventory": 3.0, "opening_backlog": 7.0},
    ]


def test_a_family_without_stock_or_orders_opens_at_zero():
    company = make_company(families=[mts("A", 10), mto("B", 2)],
                           items=[item("A1", "A"), item("B1", "B")],
                           inventory=[{"sku": "A1", "month": LAST_CLOSED, "on_hand": 8}])
    position = opening_position(company).set_index("family")
    assert position.loc["B", ["opening_inventory", "opening_backlog"]].tolist() == [0.0, 0.0]
    assert position.loc["A", ["opening_inventory", "opening_backlog"]].tolist() == [8.0, 0.0]


def test_a_plan_starts_mts_without_backlog_and_mto_without_inventory():
    position = pd.DataFrame({"family": ["A", "B"], "strategy": ["MTS", "MTO"],
                             "opening_inventory": [15.0, 3.0], "opening_backlog": [10.0, 7.0]})
    start = plan_start(position)
    assert start.to_dict("records") == [
        {"family": "A", "strategy": "MTS", "opening_inventory": 15.0, "opening_backlog": 0.0},
        {"family": "B", "strategy": "MTO", "opening_inventory": 0.0, "opening_backlog": 7.0},
    ]
    assert position["opening_backlog"].tolist() == [10.0, 7.0]  # the position is not changed


# --- demand_matrix -------------------------------------------------------------------------

def test_the_demand_matrix_has_families_sorted_and_every_month():
    units, months = demand_matrix(demand_frame({"B": [1, 2, 3], "A": [10, 20, 30]}))
    assert list(months) == list(MONTHS)
    assert list(units.index) == ["A", "B"] and list(units.columns) == list(MONTHS)
    assert units.to_numpy().tolist() == [[10.0, 20.0, 30.0], [1.0, 2.0, 3.0]]
    assert units.dtypes.eq(float).all()


def test_the_demand_matrix_follows_the_months_not_the_row_order():
    demand = demand_frame({"A": [10, 20, 30]}).iloc[[2, 0, 1]]
    units, _ = demand_matrix(demand)
    assert units.loc["A"].tolist() == [10.0, 20.0, 30.0]


@pytest.mark.parametrize(("value", "shown"), [(-1.0, "-1"), (-0.5, "-0.5"), (np.nan, "empty")])
def test_a_bad_demand_value_is_shown_as_a_number(value, shown):
    demand = demand_frame({"A": [1.0, 2.0]})
    demand.loc[1, "consensus"] = value
    with pytest.raises(SopError, match=f"family A in 2024-02 is {shown};"):
        demand_matrix(demand)


def test_a_demand_of_zero_is_planned():
    units, _ = demand_matrix(demand_frame({"A": [0, 0]}))
    assert units.to_numpy().tolist() == [[0.0, 0.0]]


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.drop(columns=["consensus"]), r"lacks column\(s\) consensus; expected family, "
                                              "month, consensus"),
    (lambda d: d.drop(columns=["family", "month"]), r"lacks column\(s\) family, month"),
    (lambda d: d.iloc[0:0], "is empty: no family to plan"),
    (lambda d: pd.concat([d, d.iloc[[4]]]), "family B in 2024-02 more than once"),
    (lambda d: d.assign(consensus=d["consensus"].where(d.index != 1, -1.0)),
     "family A in 2024-02 is .*-1.*; expected a number of units, 0 or more"),
    (lambda d: d.assign(consensus=d["consensus"].where(d.index != 5, np.nan)),
     "family B in 2024-03 is empty"),
    (lambda d: d.drop(index=4), "no row for family B in 2024-02; every family needs every "
                                "month 2024-01 to 2024-03"),
    (lambda d: d.drop(index=3), "no row for family B in 2024-01"),
])
def test_a_broken_demand_is_refused_naming_what_is_wrong(change, message):
    demand = change(demand_frame({"A": [1, 2, 3], "B": [4, 5, 6]}))
    with pytest.raises(SopError, match=message):
        demand_matrix(demand)


# --- family_settings -----------------------------------------------------------------------

def test_settings_follow_the_names_and_read_an_empty_strategy_as_optimised():
    company = two_families(A={"plan_strategy": " Level "}, B={"plan_strategy": ""})
    settings = family_settings(company, pd.Index(["B", "A"]))
    assert list(settings.index) == ["B", "A"]
    assert settings["plan_strategy"].tolist() == ["optimised", "level"]
    assert settings["strategy"].tolist() == ["MTO", "MTS"]


def test_a_missing_plan_strategy_is_optimised():
    settings = family_settings(single_family(mts("A", 10)), pd.Index(["A"]))
    assert settings["plan_strategy"].tolist() == ["optimised"]


@pytest.mark.parametrize(("families", "message"), [
    ([mts("A", np.nan)], "Family A is MTS but has no inventory_target_days in families"),
    ([mto("A", np.nan)], "Family A is MTO but has no backlog_target_weeks in families"),
    ([mts("A", 10, min_production=80.5, max_production=50)],
     "Family A has min_production 80.5 above max_production 50 in families; expected "
     "min_production <= max_production"),
])
def test_settings_the_plan_cannot_work_with_are_refused(families, message):
    company = make_company(families=families, items=[item("A1", "A")])
    with pytest.raises(SopError, match=message):
        family_settings(company, pd.Index(["A"]))


def test_equal_min_and_max_production_are_accepted():
    company = single_family(mts("A", 10, min_production=50, max_production=50))
    assert family_settings(company, pd.Index(["A"]))["min_production"].tolist() == [50]


def test_a_family_not_in_families_is_refused():
    with pytest.raises(SopError, match="names family Z, which is not in families"):
        family_settings(single_family(mts("A", 10)), pd.Index(["A", "Z"]))


# --- read_inputs ---------------------------------------------------------------------------

def test_the_inputs_are_families_by_months_arrays():
    company = two_families(A={"min_production": 5, "plan_strategy": "chase"},
                           B={"max_production": 80})
    inputs = read_inputs(company, demand_frame({"B": [1, 2, 3], "A": [10, 20, 30]}))
    assert list(inputs.families) == ["A", "B"] and list(inputs.months) == list(MONTHS)
    assert inputs.demand.tolist() == [[10, 20, 30], [1, 2, 3]]
    assert inputs.band is None
    assert inputs.mts.tolist() == [True, False] and inputs.strategy.tolist() == ["MTS", "MTO"]
    assert inputs.cover_days.tolist() == [10.0, 14.0]  # MTO: 2 weeks of 7 days
    assert inputs.service_target.tolist() == [0.95, 0.95]
    assert inputs.plan_strategy.tolist() == ["chase", "optimised"]
    assert inputs.min_production.tolist() == [5.0, 0.0]
    assert inputs.max_production.tolist() == [np.inf, 80.0]
    assert inputs.opening_inventory.tolist() == [15.0, 0.0]  # MTO holds no finished stock
    assert inputs.opening_backlog.tolist() == [0.0, 7.0]  # MTS orders are in the forecast


def test_the_inputs_hold_hours_and_capacity_in_the_resources_order():
    inputs = read_inputs(two_families(), demand_frame({"A": [10, 20, 30], "B": [1, 2, 3]}))
    assert inputs.resources["resource"].tolist() == ["R2", "R1"]
    assert inputs.hours.tolist() == [[0.0, 0.5], [1.0, 2.0]]  # A skips R2
    assert inputs.available.tolist() == [[50, 50, 50], [100, 60, 100]]  # calendar in 2024-02
    assert inputs.max_overtime.tolist() == [[5, 5, 5], [10, 0, 10]]


def test_the_forecast_band_comes_with_the_demand_when_it_has_one():
    demand = demand_frame({"B": [1, 2, 3], "A": [10, 20, 30]})
    demand = demand.assign(p10=demand["consensus"] - 1, p90=demand["consensus"] + 1)
    demand.loc[(demand["family"] == "B") & (demand["month"] == MONTHS[2]), "p90"] = np.nan
    low, high = read_inputs(two_families(), demand).band
    assert low.tolist() == [[9, 19, 29], [0, 1, 2]]
    assert high[0].tolist() == [11, 21, 31]
    assert high[1, :2].tolist() == [2, 3] and np.isnan(high[1, 2])


def test_half_a_band_is_no_band():
    demand = demand_frame({"A": [10, 20]}).assign(p10=5.0)
    assert read_inputs(single_family(mts("A", 10)), demand).band is None


def test_read_inputs_refuses_a_broken_demand_and_an_unknown_family():
    company = single_family(mts("A", 10))
    with pytest.raises(SopError, match="is empty"):
        read_inputs(company, pd.DataFrame(columns=["family", "month", "consensus"]))
    with pytest.raises(SopError, match="family Z, which is not in families"):
        read_inputs(company, demand_frame({"A": [1], "Z": [1]}))
