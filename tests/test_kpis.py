"""Executive KPIs: traffic lights at their thresholds, headline figures, family status worst-of."""
import math

import pandas as pd
import pytest
from test_finance import frame, make_company
from test_presop import family_plan, load_rows, money_for, outlook_rows

from sop_lib.kpis import (
    accuracy_status,
    bias_status,
    family_status,
    headline_kpis,
    overload_status,
    position_status,
    revenue_status,
    service_status,
    utilisation_status,
    worst_status,
)

NAN = float("nan")
FAMILIES = [
    {"family": "A", "strategy": "MTS", "inventory_target_days": 30, "service_target": 0.95},
    {"family": "B", "strategy": "MTO", "backlog_target_weeks": 4, "service_target": 0.90},
]
COMPANY = make_company(families=FAMILIES)
PRICES = {"A": (10.0, 6.0), "B": (50.0, 30.0), "C": (10.0, 12.0)}


def case_plan() -> pd.DataFrame:
    """A (MTS) ships 100, 90, 110 of 100 a month; B (MTO) ships 20, 20, 10 of 20 a month."""
    return frame(
        family_plan("A", "MTS", shipments=[100.0, 90.0, 110.0], backlog=[0.0, 10.0, 0.0],
                    shortfall=[0.0, 10.0, 0.0], inventory=[50.0, 40.0, 30.0],
                    days_of_supply=[15.0, 12.0, 9.0], weeks_of_backlog=[NAN] * 3)
        + family_plan("B", "MTO", demand=[20.0] * 3, shipments=[20.0, 20.0, 10.0],
                      backlog=[20.0, 20.0, 30.0], shortfall=[0.0, 0.0, 10.0],
                      target=[20.0] * 3, days_of_supply=[NAN] * 3,
                      weeks_of_backlog=[4.0, 4.0, 6.0]))


def case_money(plan: pd.DataFrame, plan_revenue=1000.0) -> pd.DataFrame:
    money = money_for(plan, PRICES)
    money["units"] = plan["shipments"]
    money["revenue"] = money["units"] * money["unit_price"]
    money["inventory_value"] = plan["inventory"].fillna(0.0) * money["unit_cost"]
    money["plan_revenue"] = plan_revenue
    return money


BACKTEST = pd.DataFrame({"family": ["A", "B"], "months": [12, 12], "actual": [1000.0, 1000.0],
                         "forecast": [1100.0, 950.0], "abs_error": [150.0, 100.0],
                         "wape": [0.15, 0.10], "bias": [0.10, -0.05]})


def headline(**changes) -> pd.DataFrame:
    plan = case_plan()
    inputs = {"load": frame(load_rows("R1", [90.0, 130.0, 140.0], available=100, overtime=20)),
              "outlook": outlook_rows({"A": -0.1, "B": -0.1, "Total": -0.1}),
              "backtest": BACKTEST, "money": case_money(plan), **changes}
    return headline_kpis(COMPANY, plan, inputs["load"], inputs["money"], inputs["outlook"],
                         inputs["backtest"], months=2).set_index("kpi")


@pytest.mark.parametrize("check, value, expected", [
    (lambda v: service_status(v, 0.95), 0.95, "green"),
    (lambda v: service_status(v, 0.95), 0.92, "amber"),
    (lambda v: service_status(v, 0.95), 0.9199, "red"),
    (accuracy_status, 0.8, "green"),
    (accuracy_status, 0.7, "amber"),
    (accuracy_status, 0.6999, "red"),
    (bias_status, -0.05, "green"),
    (bias_status, 0.1, "amber"),
    (bias_status, -0.1001, "red"),
    (lambda v: position_status(v, 100), 80, "green"),
    (lambda v: position_status(v, 100), 120, "green"),
    (lambda v: position_status(v, 100), 150, "amber"),
    (lambda v: position_status(v, 100), 49, "red"),
    (lambda v: position_status(v, 0), 0, "green"),
    (lambda v: position_status(v, 0), 1, "red"),
    (lambda v: position_status(v, 100), NAN, "n/a"),
    (revenue_status, 0.5, "green"),
    (revenue_status, -0.02, "green"),
    (revenue_status, -0.05, "amber"),
    (revenue_status, -0.0501, "red"),
    (revenue_status, NAN, "n/a"),
    (utilisation_status, 1.0, "green"),
    (utilisation_status, 1.1, "amber"),
    (utilisation_status, 1.1001, "red"),
    (overload_status, 0, "green"),
    (overload_status, 3, "amber"),
    (overload_status, 4, "red"),
])
def test_status_thresholds(check, value, expected):
    assert check(value) == expected


def test_worst_status_ignores_unknowns():
    assert worst_status(["green", "n/a", "amber"]) == "amber"
    assert worst_status(["amber", "red", "green"]) == "red"
    assert worst_status(["n/a"]) == "n/a"


def test_headline_kpis_on_a_two_family_case():
    kpis = headline()
    service = kpis.loc["Customer service (projected)"]
    # shipped on time 100 + 90 + 20 + 20 of 240 due; target (200 x 0.95 + 40 x 0.90) / 240
    assert service["value"] == pytest.approx(230 / 240)
    assert service["target"] == pytest.approx(226 / 240)
    assert service["status"] == "green"
    accuracy, bias = kpis.loc["Forecast accuracy (1 - WAPE)"], kpis.loc["Forecast bias"]
    assert (accuracy["value"], accuracy["status"]) == (pytest.approx(1 - 250 / 2000), "green")
    assert (bias["value"], bias["status"]) == (pytest.approx(50 / 2000), "green")
    inventory = kpis.loc["Inventory value"]
    assert [inventory["value"], inventory["target"]] == [300, 600]   # 50 x 6 vs 100 x 6
    assert inventory["status"] == "amber"
    days = kpis.loc["Days of supply (MTS)"]
    assert [days["value"], days["target"], days["status"]] == [15, 30, "amber"]
    weeks = kpis.loc["Weeks of backlog (MTO)"]
    assert [weeks["value"], weeks["target"], weeks["status"]] == [4, 4, "green"]
    revenue = kpis.loc["Revenue 2026-01 to 2026-02"]
    assert [revenue["value"], revenue["target"]] == [3900, 4000]
    assert revenue["status"] == "amber"                               # 2.5% below plan
    year = kpis.loc["Fiscal year FY2026 revenue"]
    assert [year["value"], year["target"], year["status"]] == [900, 1000, "red"]
    peak = kpis.loc["Peak capacity utilisation"]                      # month 3 is outside
    assert [peak["value"], peak["status"]] == [pytest.approx(1.3), "red"]
    assert "R1 in 2026-02" in peak["comment"]
    overloads = kpis.loc["Overloaded resource-months"]
    assert [overloads["value"], overloads["status"]] == [1, "amber"]
    assert set(kpis["status"]) <= {"green", "amber", "red"}
    assert list(kpis.reset_index().columns) == ["kpi", "value", "target", "unit", "status",
                                                "comment"]


def test_headline_says_when_there_is_no_backtest():
    kpis = headline(backtest=BACKTEST.iloc[0:0])
    assert kpis.loc["Forecast accuracy (1 - WAPE)", "status"] == "n/a"
    assert math.isnan(kpis.loc["Forecast bias", "value"])
    assert "No archived forecast" in kpis.loc["Forecast bias", "comment"]


def test_days_of_supply_are_weighted_by_demand_at_cost():
    company = make_company(families=[
        FAMILIES[0], {**FAMILIES[0], "family": "C", "inventory_target_days": 60}])
    plan = frame(family_plan("A", "MTS", days_of_supply=[10.0], weeks_of_backlog=[NAN])
                 + family_plan("C", "MTS", demand=[50.0], days_of_supply=[40.0],
                               weeks_of_backlog=[NAN]))
    kpis = headline_kpis(company, plan, frame(load_rows("R1", [90.0])), case_money(plan),
                         outlook_rows({"Total": 0.0}), BACKTEST).set_index("kpi")
    days = kpis.loc["Days of supply (MTS)"]                          # weights 100 x 6, 50 x 12
    assert [days["value"], days["target"]] == [25, 45]
    assert kpis.loc["Weeks of backlog (MTO)", "status"] == "n/a"


def test_family_status_takes_the_worst_check_and_says_why():
    plan = case_plan()
    status = family_status(COMPANY, plan, case_money(plan), BACKTEST, months=2).set_index(
        "family")
    a, b = status.loc["A"], status.loc["B"]
    assert [a["demand_units"], a["supply_units"], a["service_level"]] == [200, 190, 0.95]
    assert [a["inventory_or_backlog"], a["target"]] == [9, 30]       # month 3 days of supply
    assert [a["revenue"], a["plan_revenue"], a["revenue_gap_pct"]] == [1900, 2000, -0.05]
    assert a["forecast_accuracy"] == pytest.approx(0.85)
    assert a["status"] == "red"
    assert a["reason"] == "revenue 5.0% below plan (amber); 9.0 days of supply vs 30 target (red)"
    assert [b["inventory_or_backlog"], b["target"], b["service_level"]] == [6, 4, 1.0]
    assert (b["status"], b["reason"]) == ("amber", "6.0 weeks of backlog vs 4 target (amber)")
    assert b["forecast_accuracy"] == pytest.approx(0.9)


def test_family_status_on_track_and_without_a_business_plan():
    plan = frame(family_plan("A", "MTS", days_of_supply=[30.0, 31.0], weeks_of_backlog=[NAN] * 2))
    on_track = family_status(COMPANY, plan, case_money(plan), BACKTEST)
    assert on_track[["status", "reason"]].iloc[0].tolist() == ["green", "on track"]
    assert on_track["inventory_or_backlog"].iloc[0] == 31            # last month of a short plan
    unplanned = family_status(COMPANY, plan, case_money(plan, plan_revenue=NAN), BACKTEST)
    assert unplanned[["status", "reason"]].iloc[0].tolist() == \
        ["green", "no business plan (n/a)"]
