"""Rough-cut capacity: load identity, status thresholds, overtime, overload attribution."""
import numpy as np
import pandas as pd
import pytest

from sop_lib.supply.capacity import capacity_load, load_by_family, overloads
from sop_lib.supply.plan import supply_plan_frame
from tests.supply.builders import bill, demand_frame, item, make_company, mto, mts, resource


def plan_frame(units: dict, *, column="production", start="2024-01") -> pd.DataFrame:
    """A plan with just the columns the capacity functions read: units per family from `start`."""
    rows = [{"family": family, "month": pd.Period(start, "M") + i, column: value}
            for family, values in units.items() for i, value in enumerate(values)]
    frame = pd.DataFrame(rows)
    frame["month"] = frame["month"].astype("period[M]")
    return frame


def one_resource_company(families, hours, available, overtime):
    """Families (name -> hours per unit) on a single resource R."""
    return make_company(
        families=[mts(name, 10) for name in families],
        items=[item(f"{name}-1", name) for name in families],
        resources=[resource("R", available, overtime)],
        bill_of_resources=[bill(name, "R", h) for name, h in zip(families, hours)],
    )


def test_capacity_load_columns_and_one_row_per_resource_and_month():
    company = make_company(
        families=[mts("A", 10)], items=[item("A1", "A")],
        resources=[resource("R1", 100, 10), resource("R2", 50)],
        bill_of_resources=[bill("A", "R1", 1)])
    load = capacity_load(company, plan_frame({"A": [10, 20, 30]}))
    assert list(load.columns) == ["resource", "plant", "month", "load_hours", "available_hours",
                                  "max_overtime_hours", "overtime_hours", "utilisation", "status"]
    assert list(zip(load["resource"], load["month"].astype(str))) == [
        ("R1", "2024-01"), ("R1", "2024-02"), ("R1", "2024-03"),
        ("R2", "2024-01"), ("R2", "2024-02"), ("R2", "2024-03")]
    assert load["load_hours"].tolist() == [10, 20, 30, 0, 0, 0]  # an unused resource shows 0
    assert load["plant"].tolist() == ["P1"] * 6


def test_load_is_plan_times_hours_per_unit_exactly():
    company = make_company(
        families=[mts("A", 10), mto("B", 2)], items=[item("A1", "A"), item("B1", "B")],
        resources=[resource("R1", 1000), resource("R2", 1000)],
        bill_of_resources=[bill("A", "R1", 0.5), bill("A", "R2", 1.25), bill("B", "R1", 1.5)])
    plan = plan_frame({"A": [100, 37, 80], "B": [12, 40, 0]})
    load = capacity_load(company, plan).set_index(["resource", "month"])["load_hours"]
    a = plan[plan["family"] == "A"]["production"].to_numpy()
    b = plan[plan["family"] == "B"]["production"].to_numpy()
    assert load.loc["R1"].tolist() == (a * 0.5 + b * 1.5).tolist()
    assert load.loc["R2"].tolist() == (a * 1.25).tolist()
    by_family = load_by_family(company, plan)
    assert list(by_family.columns) == ["family", "resource", "month", "hours"]
    assert by_family.groupby(["resource", "month"])["hours"].sum().equals(load)
    assert by_family[(by_family["family"] == "A") & (by_family["resource"] == "R2")][
        "hours"].tolist() == [125, 46.25, 100]


def test_status_thresholds_at_the_exact_boundaries():
    # available 100 h, overtime up to 20 h: 100 is ok, 120 is overtime, beyond is overload.
    company = one_resource_company(["A"], [1.0], available=100, overtime=20)
    load = capacity_load(company, plan_frame({"A": [99, 100, 100.5, 120, 120.5, 200]}))
    assert load["status"].tolist() == ["ok", "ok", "overtime", "overtime", "overload",
                                       "overload"]
    assert load["overtime_hours"].tolist() == pytest.approx([0, 0, 0.5, 20, 20, 20])
    assert load["utilisation"].tolist() == pytest.approx([0.99, 1, 1.005, 1.2, 1.205, 2])


def test_utilisation_is_nan_without_available_hours():
    company = one_resource_company(["A"], [1.0], available=0, overtime=10)
    load = capacity_load(company, plan_frame({"A": [0, 5, 11]}))
    assert np.isnan(load["utilisation"]).all()
    assert load["status"].tolist() == ["ok", "overtime", "overload"]


def test_overloads_name_the_families_causing_them_worst_first():
    company = make_company(
        families=[mts("Grills", 10), mts("Garden Tools", 10), mts("Heaters", 10)],
        items=[item("G1", "Grills"), item("T1", "Garden Tools"), item("H1", "Heaters")],
        resources=[resource("Paint", 900, 100), resource("Weld", 400, 0)],
        bill_of_resources=[bill("Grills", "Paint", 2), bill("Garden Tools", "Paint", 1),
                           bill("Heaters", "Weld", 1)])
    plan = plan_frame({"Grills": [410, 100], "Garden Tools": [310, 100], "Heaters": [650, 10]},
                      column="required")
    load = capacity_load(company, plan, column="required")
    result = overloads(load, load_by_family(company, plan, column="required"))
    assert list(result.columns) == ["resource", "plant", "month", "load_hours",
                                    "capacity_hours", "excess_hours", "families"]
    assert result.to_dict("records") == [
        {"resource": "Weld", "plant": "P1", "month": pd.Period("2024-01", "M"),
         "load_hours": 650.0, "capacity_hours": 400.0, "excess_hours": 250.0,
         "families": "Heaters 650 h"},
        {"resource": "Paint", "plant": "P1", "month": pd.Period("2024-01", "M"),
         "load_hours": 1130.0, "capacity_hours": 1000.0, "excess_hours": 130.0,
         "families": "Grills 820 h, Garden Tools 310 h"},
    ]


def test_overload_text_names_the_five_largest_families_and_sums_the_rest():
    names = [f"F{i}" for i in range(7)]
    company = one_resource_company(names, [1.0] * 7, available=100, overtime=0)
    plan = plan_frame({name: [10 * (i + 1)] for i, name in enumerate(names)})
    result = overloads(capacity_load(company, plan), load_by_family(company, plan))
    assert result["families"].tolist() == [
        "F6 70 h, F5 60 h, F4 50 h, F3 40 h, F2 30 h, 2 more families 30 h"]


def test_no_overloads_gives_an_empty_frame_with_the_columns():
    company = one_resource_company(["A"], [1.0], available=100, overtime=0)
    plan = plan_frame({"A": [10, 20]})
    result = overloads(capacity_load(company, plan), load_by_family(company, plan))
    assert result.empty
    assert "families" in result.columns


def test_required_load_shows_the_overload_the_constrained_plan_removes():
    # A and B share R1 (100 h with overtime): required 70 x 1 + 30 x 2 = 130 h, cut to 100 h.
    company = make_company(
        families=[mts("A", 0), mto("B", 0)], items=[item("A1", "A"), item("B1", "B")],
        inventory=[{"sku": "A1", "month": "2023-12", "on_hand": 0}],
        resources=[resource("R1", 80, 20)],
        bill_of_resources=[bill("A", "R1", 1), bill("B", "R1", 2)])
    plan = supply_plan_frame(company, demand_frame({"A": [70], "B": [30]}))
    constrained = capacity_load(company, plan)
    assert constrained["load_hours"].tolist() == pytest.approx([100])
    assert constrained["status"].tolist() == ["overtime"]
    assert constrained["overtime_hours"].tolist() == pytest.approx([20])
    required = capacity_load(company, plan, column="required")
    assert required["status"].tolist() == ["overload"]
    result = overloads(required, load_by_family(company, plan, column="required"))
    assert result["excess_hours"].tolist() == pytest.approx([30])
    assert result["families"].tolist() == ["A 70 h, B 60 h"]
