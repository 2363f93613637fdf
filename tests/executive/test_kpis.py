"""Executive KPIs: traffic lights at the company's bands, headline figures of the published plan,
family status worst-of with the worst reason first."""
import math

import pandas as pd
import pytest

from sop_lib.data.company import CompanyConfig, StatusBands
from sop_lib.executive.kpis import (
    FAMILY_STATUS_COLUMNS,
    accuracy_status,
    bias_status,
    family_status,
    headline_kpis,
    load_status,
    overload_status,
    position_month,
    position_status,
    revenue_status,
    service_status,
    worst_status,
)
from tests.builders import company_from_rows
from tests.executive.builders import (
    COMPANY,
    FAMILIES,
    NAN,
    PLAN_ACCURACY,
    accuracy_rows,
    case_money,
    case_plan,
    headline,
)
from tests.presop.builders import (
    family_plan,
    frame,
    load_rows,
    make_company,
    outlook_rows,
)
from tests.scenario_builders import build_ahead_case

BANDS = StatusBands()
KPI_NAMES = [
    "Customer service (projected)", "Forecast accuracy, SKU level (1 - WAPE)",
    "Forecast accuracy, family level (1 - WAPE)", "Forecast bias",
    "Inventory value, end of 2026-01", "Days of supply, end of 2026-01 (MTS)",
    "Weeks of backlog, end of 2026-01 (MTO)", "Revenue 2026-01 to 2026-02",
    "Fiscal year FY2026 revenue", "Peak capacity utilisation (planned)",
    "Overloaded resource-months (planned)"]


# --- the bands ----------------------------------------------------------------------------

@pytest.mark.parametrize("check, value, expected", [
    (lambda v: service_status(v, 0.95, BANDS), 0.95, "green"),
    (lambda v: service_status(v, 0.95, BANDS), 0.93, "amber"),
    (lambda v: service_status(v, 0.95, BANDS), 0.9299, "red"),
    (lambda v: accuracy_status(v, BANDS.accuracy_target_sku, BANDS), 0.65, "green"),
    (lambda v: accuracy_status(v, BANDS.accuracy_target_sku, BANDS), 0.55, "amber"),
    (lambda v: accuracy_status(v, BANDS.accuracy_target_sku, BANDS), 0.5499, "red"),
    (lambda v: accuracy_status(v, BANDS.accuracy_target_family, BANDS), 0.65, "red"),
    (lambda v: accuracy_status(v, BANDS.accuracy_target_family, BANDS), 0.70, "amber"),
    (lambda v: accuracy_status(v, BANDS.accuracy_target_family, BANDS), 0.80, "green"),
    (lambda v: bias_status(v, BANDS), -0.05, "green"),
    (lambda v: bias_status(v, BANDS), 0.1, "amber"),
    (lambda v: bias_status(v, BANDS), -0.1001, "red"),
    (lambda v: position_status(v, 100, BANDS), 90, "green"),
    (lambda v: position_status(v, 100, BANDS), 110, "green"),
    (lambda v: position_status(v, 100, BANDS), 111, "amber"),
    (lambda v: position_status(v, 30, BANDS), 35, "amber"),        # 16.7% over target
    (lambda v: position_status(v, 100, BANDS), 125, "amber"),
    (lambda v: position_status(v, 100, BANDS), 74.9, "red"),
    (lambda v: position_status(v, 0, BANDS), 0, "green"),
    (lambda v: position_status(v, 0, BANDS), 1, "red"),
    (lambda v: position_status(v, 100, BANDS), NAN, "n/a"),
    (lambda v: revenue_status(v, BANDS), 0.5, "green"),
    (lambda v: revenue_status(v, BANDS), -0.02, "green"),
    (lambda v: revenue_status(v, BANDS), -0.05, "amber"),
    (lambda v: revenue_status(v, BANDS), -0.0501, "red"),
    (lambda v: revenue_status(v, BANDS), NAN, "n/a"),
    (overload_status, 0, "green"),
    (overload_status, 3, "amber"),
    (overload_status, 4, "red"),
])
def test_status_thresholds_at_the_default_bands(check, value, expected):
    assert check(value) == expected


def test_the_bands_are_the_companys():
    wide = StatusBands(service_amber_points=0.10, accuracy_amber_points=0.30, bias_green=0.2,
                       position_green=0.2, revenue_green_gap=0.1)
    assert service_status(0.86, 0.95, wide) == "amber"
    assert accuracy_status(0.36, 0.65, wide) == "amber"
    assert bias_status(0.15, wide) == "green"
    assert position_status(35, 30, wide) == "green"                # 16.7% is within 20%
    assert revenue_status(-0.08, wide) == "green"


@pytest.mark.parametrize("statuses, expected", [
    (["ok", "ok"], "green"),
    (["ok", "overtime"], "amber"),
    (["overtime", "overload", "ok"], "red"),
    ([], "n/a"),
])
def test_planned_load_status(statuses, expected):
    assert load_status(pd.Series(statuses, dtype=object)) == expected


def test_worst_status_ignores_unknowns():
    assert worst_status(["green", "n/a", "amber"]) == "amber"
    assert worst_status(["amber", "red", "green"]) == "red"
    assert worst_status(["n/a"]) == "n/a"


# --- headline KPIs ------------------------------------------------------------------------

def test_headline_kpis_on_a_two_family_case():
    kpis = headline()
    assert list(kpis.index) == KPI_NAMES
    assert list(kpis.reset_index().columns) == ["kpi", "value", "target", "unit", "status",
                                                "comment"]
    service = kpis.loc["Customer service (projected)"]
    # shipped on time 100 + 90 + 20 + 20 of 240 due; target (200 x 0.95 + 40 x 0.90) / 240
    assert service["value"] == pytest.approx(230 / 240)
    assert service["target"] == pytest.approx(226 / 240)
    assert service["status"] == "green"
    assert service["comment"] == ("Share of what is due in 2026-01 to 2026-02 shipped on time; "
                                  "target weighted by demand. 10 units ship late (A).")
    sku = kpis.loc["Forecast accuracy, SKU level (1 - WAPE)"]
    assert [sku["value"], sku["target"], sku["status"]] == [0.60, 0.65, "amber"]
    assert sku["comment"] == ("Lag 1, 2025-01 to 2025-12, consensus forecast, each SKU-month's "
                              "error counted.")
    family = kpis.loc["Forecast accuracy, family level (1 - WAPE)"]
    assert [family["value"], family["target"], family["status"]] == [0.85, 0.80, "green"]
    bias = kpis.loc["Forecast bias"]
    assert [bias["value"], bias["status"]] == [0.07, "amber"]
    assert bias["comment"] == ("The consensus forecast ran 7.0% over bookings, lag 1, 2025-01 "
                               "to 2025-12.")
    inventory = kpis.loc["Inventory value, end of 2026-01"]
    assert [inventory["value"], inventory["target"]] == [300, 600]   # 50 x 6 vs 100 x 6
    assert inventory["status"] == "red"                              # 50% below target
    days = kpis.loc["Days of supply, end of 2026-01 (MTS)"]
    assert [days["value"], days["target"], days["status"]] == [15, 30, "red"]
    weeks = kpis.loc["Weeks of backlog, end of 2026-01 (MTO)"]
    assert [weeks["value"], weeks["target"], weeks["status"]] == [4, 4, "green"]
    revenue = kpis.loc["Revenue 2026-01 to 2026-02"]
    assert [revenue["value"], revenue["target"]] == [3900, 4000]
    assert revenue["status"] == "amber"                              # 2.5% below plan
    year = kpis.loc["Fiscal year FY2026 revenue"]
    assert [year["value"], year["target"], year["status"]] == [900, 1000, "red"]
    peak = kpis.loc["Peak capacity utilisation (planned)"]           # month 3 is outside
    assert [peak["value"], peak["status"]] == [pytest.approx(1.3), "red"]
    assert peak["comment"] == ("R1 in 2026-02, the highest of 2026-01 to 2026-02: beyond "
                               "regular plus overtime hours.")
    overloads = kpis.loc["Overloaded resource-months (planned)"]
    assert [overloads["value"], overloads["status"]] == [1, "amber"]
    assert "Required load" not in overloads["comment"]               # none given


def budget_money(margin_budget=400.0, inventory_budget=(280.0, 0.0)) -> pd.DataFrame:
    """The case's money with a budget: plan_margin per family-month (each of the window's four
    rows `margin_budget`, the month after it 999), and an inventory budget at the end of the
    first month of A and B (NaN later). Margin in the window: A (100 + 90) x 4, B 2 x 20 x 20."""
    plan = case_plan()
    money = case_money(plan)
    money["margin"] = money["units"] * (money["unit_price"] - money["unit_cost"])
    first = money["month"] == money["month"].min()
    later = money["month"] > money["month"].min() + 1
    money["plan_margin"] = [999.0 if out else margin_budget for out in later]
    money["plan_inventory_value"] = NAN
    money.loc[first, "plan_inventory_value"] = list(inventory_budget)
    return money


BUDGET_KPIS = ["Inventory value, end of 2026-01, vs budget", "Margin 2026-01 to 2026-02 vs budget"]


def test_budget_kpis_sit_beside_inventory_value_and_revenue_and_leave_the_rest_unchanged():
    kpis = headline(money=budget_money())
    names = list(kpis.index)
    assert names == [*KPI_NAMES[:5], BUDGET_KPIS[0], *KPI_NAMES[5:8], BUDGET_KPIS[1],
                     *KPI_NAMES[8:]]
    pd.testing.assert_frame_equal(kpis.drop(BUDGET_KPIS), headline())
    margin = kpis.loc[BUDGET_KPIS[1]]
    assert [margin["value"], margin["target"], margin["unit"]] == [1560, 1600, "EUR"]
    assert margin["status"] == "amber"                               # 2.5% below budget
    assert margin["comment"].endswith("Margin 2.5% below budget.")
    inventory = kpis.loc[BUDGET_KPIS[0]]
    assert [inventory["value"], inventory["target"]] == [300, 280]   # A 50 x 6, budget 280 + 0
    assert inventory["value"] == kpis.loc["Inventory value, end of 2026-01", "value"]
    assert inventory["status"] == "green"                            # 7.1% over budget
    assert "EUR 300 vs EUR 280 budgeted" in inventory["comment"]


@pytest.mark.parametrize("budget, status", [
    (1560 / 1.0, "green"), (1560 / 0.98, "green"), (1560 / 0.95, "amber"), (1560 / 0.9499, "red"),
    (1400.0, "green")])                                              # above budget
def test_margin_against_budget_takes_the_revenue_bands(budget, status):
    kpis = headline(money=budget_money(margin_budget=budget / 4))
    assert kpis.loc[BUDGET_KPIS[1], "target"] == pytest.approx(budget)
    assert kpis.loc[BUDGET_KPIS[1], "status"] == status


@pytest.mark.parametrize("budget, status", [
    (300 / 1.10, "green"), (300 / 0.90, "green"), (240.0, "amber"), (239.0, "red"),
    (400.0, "amber"), (401.0, "red")])                               # 25% under budget, more
def test_inventory_value_against_budget_takes_the_position_bands(budget, status):
    kpis = headline(money=budget_money(inventory_budget=(budget, 0.0)))
    assert kpis.loc[BUDGET_KPIS[0], "status"] == status


def test_a_family_without_a_budget_adds_to_the_value_and_is_named():
    money = budget_money(inventory_budget=(280.0, NAN))
    money.loc[money["family"] == "B", "plan_margin"] = NAN
    kpis = headline(money=money)
    margin = kpis.loc[BUDGET_KPIS[1]]
    assert [margin["value"], margin["target"]] == [1560, 800]        # B's 800 has no budget
    assert "No budget for B." in margin["comment"] and margin["status"] == "green"
    assert kpis.loc[BUDGET_KPIS[0], "comment"].endswith("No budget for B.")


def test_positions_are_at_the_end_of_the_plans_first_month():
    plan = case_plan()
    assert position_month(plan) == pd.Period("2026-01", "M")
    later = plan.assign(days_of_supply=plan["days_of_supply"].where(
        plan["month"] == pd.Period("2026-01", "M"), 1000.0))
    kpis = headline_kpis(COMPANY, later, frame(load_rows("R1", [90.0] * 3)), case_money(later),
                         outlook_rows({"Total": 0.0}), accuracy_rows()).set_index("kpi")
    assert kpis.loc["Days of supply, end of 2026-01 (MTS)", "value"] == 15


@pytest.mark.parametrize("loads, peak, status", [
    ([90.0, 100.0], 1.0, "green"),        # within regular hours
    ([90.0, 115.0], 1.15, "amber"),       # some overtime
    ([121.0, 90.0], 1.21, "red"),         # beyond regular plus overtime
])
def test_peak_utilisation_is_judged_on_the_planned_load(loads, peak, status):
    kpis = headline(load=frame(load_rows("R1", loads, available=100, overtime=20)))
    row = kpis.loc["Peak capacity utilisation (planned)"]
    assert [row["value"], row["status"]] == [pytest.approx(peak), status]


def test_the_overload_kpi_quotes_the_required_load_behind_a_plan_that_resolves_it():
    # the plan works 115 of R1's 100 + 20 hours; chasing demand would need 130 and 150
    kpis = headline(load=frame(load_rows("R1", [90.0, 115.0], available=100, overtime=20)),
                    required_load=frame(load_rows("R1", [130.0, 150.0], available=100,
                                                  overtime=20)))
    overloads = kpis.loc["Overloaded resource-months (planned)"]
    assert [overloads["value"], overloads["status"]] == [0, "green"]
    assert overloads["comment"] == (   # the window and the limit are the KPIs' own: one line
        "Required load, before building ahead and overtime, peaks at 150% (R1, 2026-02); 2 "
        "resource-months of it beyond regular plus overtime hours.")
    assert kpis.loc["Peak capacity utilisation (planned)", "status"] == "amber"


def test_a_real_plan_that_builds_ahead_shows_green_capacity_and_its_pressure():
    result = build_ahead_case()
    kpis = headline_kpis(result.company, result.plan, result.load, result.money, result.outlook,
                         accuracy_rows(), required_load=result.required_load).set_index("kpi")
    peak = kpis.loc["Peak capacity utilisation (planned)"]
    assert peak["value"] == pytest.approx(1.0)
    assert peak["status"] == "green"
    assert peak["comment"].endswith("the highest of 2026-01 to 2026-12: within regular hours.")
    overloads = kpis.loc["Overloaded resource-months (planned)"]
    assert [overloads["value"], overloads["status"]] == [0, "green"]
    assert overloads["comment"].endswith(
        "Required load, before building ahead and overtime, peaks at 120% (R1, 2026-07); 1 "
        "resource-month of it beyond regular plus overtime hours.")
    assert kpis.loc["Customer service (projected)", "value"] == pytest.approx(1.0)


def test_headline_says_when_there_is_no_forecast_to_measure():
    kpis = headline(accuracy=accuracy_rows(sku=NAN, family=NAN, bias=NAN))
    for name in ("Forecast accuracy, SKU level (1 - WAPE)",
                 "Forecast accuracy, family level (1 - WAPE)", "Forecast bias"):
        assert kpis.loc[name, "status"] == "n/a"
        assert math.isnan(kpis.loc[name, "value"])
        assert kpis.loc[name, "comment"] == "No archived or replayed forecast to measure yet."
    empty = headline(accuracy=accuracy_rows().iloc[0:0])
    assert empty.loc["Forecast bias", "status"] == "n/a"


def test_the_accuracy_note_is_quoted_once_on_the_sku_row():
    kpis = headline(accuracy=accuracy_rows(note="Only 6 of 12 months compared."))
    assert kpis.loc["Forecast accuracy, SKU level (1 - WAPE)", "comment"] == (
        "Lag 1, 2025-01 to 2025-12, consensus forecast, each SKU-month's error counted. Only 6 "
        "of 12 months compared.")
    assert kpis.loc["Forecast accuracy, family level (1 - WAPE)", "comment"] == (
        "Lag 1, 2025-01 to 2025-12, consensus forecast, errors netted within each family-month.")


def test_headline_statuses_follow_the_companys_bands():
    company = company_from_rows(
        config=CompanyConfig("T", "EUR", status_bands=StatusBands(
            accuracy_target_sku=0.55, position_amber=0.60, bias_amber=0.05)),
        families=FAMILIES)
    kpis = headline(company)
    assert kpis.loc["Forecast accuracy, SKU level (1 - WAPE)", ["target", "status"]].tolist() \
        == [0.55, "green"]
    assert kpis.loc["Inventory value, end of 2026-01", "status"] == "amber"
    assert kpis.loc["Forecast bias", "status"] == "red"


def test_days_of_supply_are_weighted_by_demand_at_cost():
    company = make_company(families=[
        FAMILIES[0], {**FAMILIES[0], "family": "C", "inventory_target_days": 60}])
    plan = frame(family_plan("A", "MTS", days_of_supply=[10.0], weeks_of_backlog=[NAN])
                 + family_plan("C", "MTS", demand=[50.0], days_of_supply=[40.0],
                               weeks_of_backlog=[NAN]))
    kpis = headline_kpis(company, plan, frame(load_rows("R1", [90.0])), case_money(plan),
                         outlook_rows({"Total": 0.0}), accuracy_rows()).set_index("kpi")
    days = kpis.loc["Days of supply, end of 2026-01 (MTS)"]         # weights 100 x 6, 50 x 12
    assert [days["value"], days["target"]] == [25, 45]
    assert kpis.loc["Weeks of backlog, end of 2026-01 (MTO)", "status"] == "n/a"


# --- family status ------------------------------------------------------------------------

def test_family_status_takes_the_worst_check_and_names_it_first():
    plan = case_plan()
    status = family_status(COMPANY, plan, case_money(plan), PLAN_ACCURACY, months=2)
    assert list(status.columns) == FAMILY_STATUS_COLUMNS
    a, b = status.set_index("family").loc["A"], status.set_index("family").loc["B"]
    assert [a["late_units"], a["revenue_at_risk"], a["lowest_inventory"]] == [10, 100, 40]
    assert a["service_level"] == pytest.approx(0.95)
    assert [a["days_of_supply"], a["target_days"]] == [15, 30]      # end of 2026-01
    assert math.isnan(a["weeks_of_backlog"]) and math.isnan(a["target_weeks"])
    assert [a["revenue"], a["plan_revenue"], a["revenue_gap_pct"]] == [1900, 2000, -0.05]
    assert a["forecast_accuracy_family"] == pytest.approx(0.85)
    assert a["status"] == "red"
    # 10 units late in 2026-02 at EUR 10; the backlog at the end of the window (2026-02) is 10
    assert a["reason"] == (
        "stock-out in 2026-02: 10 units of customer orders ship late (EUR 100 of revenue at "
        "risk), 10 still unshipped at the end of 2026-02 (red); 15.0 days of supply at the end "
        "of 2026-01 vs 30 target (red); revenue 5.0% below plan (amber)")
    assert [b["weeks_of_backlog"], b["target_weeks"], b["service_level"]] == [4, 4, 1.0]
    assert math.isnan(b["days_of_supply"]) and math.isnan(b["lowest_inventory"])
    assert (b["status"], b["reason"]) == ("green", "on track")
    assert b["forecast_accuracy_family"] == pytest.approx(0.9)


def test_late_mto_orders_make_a_family_red():
    plan = case_plan()
    b = family_status(COMPANY, plan, case_money(plan), PLAN_ACCURACY, months=3).set_index(
        "family").loc["B"]
    assert [b["late_units"], b["revenue_at_risk"]] == [10, 500]
    assert b["status"] == "red"
    # an MTO backlog is the order book, not unshipped stock-out demand: no "still unshipped"
    assert b["reason"].startswith("orders late in 2026-03: 10 units of customer orders ship late "
                                  "(EUR 500 of revenue at risk) (red); ")
    assert "still unshipped" not in b["reason"]


def test_a_stock_out_is_named_first_even_with_inventory_above_target():
    # 35 days against 30 (16.7% over: amber at the default bands), then out of stock
    plan = frame(family_plan("A", "MTS", shipments=[100.0, 80.0], shortfall=[0.0, 20.0],
                             backlog=[0.0, 20.0], inventory=[120.0, 0.0],
                             days_of_supply=[35.0, 0.0], weeks_of_backlog=[NAN] * 2))
    a = family_status(COMPANY, plan, case_money(plan, plan_revenue=[1000.0, 800.0]),
                      PLAN_ACCURACY).iloc[0]
    assert a["status"] == "red"
    assert a["reason"].startswith("stock-out in 2026-02: 20 units of customer orders ship late "
                                  "(EUR 200 of revenue at risk), 20 still unshipped at the end "
                                  "of 2026-02 (red)")
    assert "35.0 days of supply at the end of 2026-01 vs 30 target (amber)" in a["reason"]
    assert a["lowest_inventory"] == 0


def test_inventory_16_7_percent_over_target_is_amber():
    plan = frame(family_plan("A", "MTS", days_of_supply=[35.0, 30.0],
                             weeks_of_backlog=[NAN] * 2))
    a = family_status(COMPANY, plan, case_money(plan), PLAN_ACCURACY).iloc[0]
    assert (a["status"], a["reason"]) == (
        "amber", "35.0 days of supply at the end of 2026-01 vs 30 target (amber)")


def test_a_red_check_is_listed_before_an_earlier_amber_one():
    # revenue 10% below plan (red) is checked after the position (amber) but named first
    plan = frame(family_plan("A", "MTS", days_of_supply=[35.0, 30.0],
                             weeks_of_backlog=[NAN] * 2))
    a = family_status(COMPANY, plan, case_money(plan, plan_revenue=1000 / 0.9),
                      PLAN_ACCURACY).iloc[0]
    assert a["status"] == "red"
    assert a["reason"] == ("revenue 10.0% below plan (red); 35.0 days of supply at the end of "
                           "2026-01 vs 30 target (amber)")


def test_stock_at_zero_without_a_shortfall_is_red():
    plan = frame(family_plan("A", "MTS", inventory=[30.0, 0.0], days_of_supply=[30.0, 0.0],
                             weeks_of_backlog=[NAN] * 2))
    a = family_status(COMPANY, plan, case_money(plan), PLAN_ACCURACY).iloc[0]
    assert (a["status"], a["reason"]) == ("red", "no stock left at the end of 2026-02 (red)")


def test_below_safety_stock_is_amber_with_its_low_point():
    rows = family_plan("A", "MTS", inventory=[100.0, 40.0, 80.0], days_of_supply=[30.0] * 3,
                       weeks_of_backlog=[NAN] * 3)
    for row in rows:
        row["safety_stock"] = 70.0
    plan = frame(rows)
    a = family_status(COMPANY, plan, case_money(plan), PLAN_ACCURACY).iloc[0]
    assert (a["status"], a["reason"]) == (
        "amber", "below safety stock in 2026-02 (low point 40 units against 70 in 2026-02) "
                 "(amber)")


def test_months_apart_are_listed_one_by_one():
    plan = frame(family_plan("A", "MTS", shipments=[90.0, 100.0, 90.0],
                             shortfall=[10.0, 0.0, 10.0], backlog=[10.0, 0.0, 10.0],
                             inventory=[0.0, 10.0, 0.0], days_of_supply=[30.0] * 3,
                             weeks_of_backlog=[NAN] * 3))
    a = family_status(COMPANY, plan, case_money(plan), PLAN_ACCURACY).iloc[0]
    # 10 + 10 units late, each order once; the 2026-01 ones shipped in 2026-02, so only the
    # 10 of 2026-03 are still unshipped at the end of the window
    assert a["reason"].startswith("stock-out in 2026-01, 2026-03: 20 units of customer orders "
                                  "ship late (EUR 200 of revenue at risk), 10 still unshipped "
                                  "at the end of 2026-03 (red)")


def test_months_at_zero_stock_count_below_safety_stock_with_the_true_low_point():
    rows = family_plan("A", "MTS", inventory=[100.0, 40.0, 0.0, 60.0], days_of_supply=[30.0] * 4,
                       weeks_of_backlog=[NAN] * 4)
    for row in rows:
        row["safety_stock"] = 70.0
    plan = frame(rows)
    a = family_status(COMPANY, plan, case_money(plan), PLAN_ACCURACY).iloc[0]
    # 40, 0 and 60 are all below 70: one run 2026-02 to 2026-04, lowest 0 in 2026-03
    assert (a["status"], a["reason"]) == (
        "red", "no stock left at the end of 2026-03 (red); below safety stock in 2026-02 to "
               "2026-04 (low point 0 units against 70 in 2026-03) (amber)")


def test_consecutive_months_read_as_one_span():
    rows = family_plan("A", "MTS", inventory=[100.0, 40.0, 60.0], days_of_supply=[30.0] * 3,
                       weeks_of_backlog=[NAN] * 3)
    for row in rows:
        row["safety_stock"] = 70.0
    plan = frame(rows)
    a = family_status(COMPANY, plan, case_money(plan), PLAN_ACCURACY).iloc[0]
    assert a["reason"] == ("below safety stock in 2026-02 to 2026-03 (low point 40 units "
                           "against 70 in 2026-02) (amber)")


def test_family_status_without_a_business_plan():
    plan = frame(family_plan("A", "MTS", days_of_supply=[30.0, 31.0], weeks_of_backlog=[NAN] * 2))
    on_track = family_status(COMPANY, plan, case_money(plan), PLAN_ACCURACY)
    assert on_track[["status", "reason"]].iloc[0].tolist() == ["green", "on track"]
    assert on_track["days_of_supply"].iloc[0] == 30                 # the plan's first month
    unplanned = family_status(COMPANY, plan, case_money(plan, plan_revenue=NAN), PLAN_ACCURACY)
    assert unplanned[["status", "reason"]].iloc[0].tolist() == \
        ["green", "no business plan (n/a)"]
