"""The exception agenda: each trigger on a crafted plan, the impact and options figures, ranking."""
import pandas as pd
import pytest

from sop_lib.data.company import Company, CompanyConfig
from sop_lib.demand.accuracy import accuracy_by_family
from sop_lib.presop.agenda import (
    ABOVE_PLAN_DECISION,
    AGENDA_COLUMNS,
    BACKLOG_DECISION,
    BELOW_PLAN_DECISION,
    CAPPED_DECISION,
    CUMULATIVE_DECISION,
    INVENTORY_DECISION,
    MARGIN_DECISION,
    OVERLOAD_DECISION,
    SAFETY_STOCK_DECISION,
    STOCKOUT_DECISION,
    SUPPLY_PLAN_DECISION,
    TRACKING_DECISION,
    Tolerances,
    cumulative_forecast_errors,
    exception_agenda,
)
from tests.builders import company_from_rows
from tests.scenario_builders import build_ahead_case

START = pd.Period("2026-01", "M")
NAN = float("nan")
PRICES = {"A": (10.0, 6.0), "B": (100.0, 70.0)}   # unit price, unit cost

# R1: 100 regular + 20 overtime hours at 45 an hour; A takes 1 hour a unit, B 2 hours.
# The first month is inside the time fence; holding costs 20% of cost a year (0.10 a month for A).
COMPANY = company_from_rows(
    config=CompanyConfig("T", "EUR", frozen_months=1, holding_cost_rate=0.2),
    families=[{"family": "A", "strategy": "MTS", "inventory_target_days": 30,
               "service_target": 0.95},
              {"family": "B", "strategy": "MTO", "backlog_target_weeks": 2,
               "service_target": 0.9}],
    resources=[{"resource": "R1", "plant": "P1", "available_hours": 100,
                "max_overtime_hours": 20, "regular_cost_per_hour": 30,
                "overtime_cost_per_hour": 45}],
    bill_of_resources=[{"family": "A", "resource": "R1", "hours_per_unit": 1.0},
                       {"family": "B", "resource": "R1", "hours_per_unit": 2.0}],
)


def family_plan(family, strategy, months=3, *, frozen=1, **columns) -> list[dict]:
    """Plan rows from START with quiet defaults, overridden by per-month value lists; the first
    `frozen` months keep the plan of record (the time fence)."""
    mts = strategy == "MTS"
    defaults = {"demand": 100.0 if mts else 10.0, "required": 100.0 if mts else 10.0,
                "production": 100.0 if mts else 10.0, "shipments": 100.0 if mts else 10.0,
                "shortfall": 0.0, "inventory": 100.0 if mts else NAN,
                "backlog": 0.0 if mts else 10.0, "target": 100.0 if mts else 10.0,
                "weeks_of_backlog": NAN if mts else 2.0}
    rows = []
    for i in range(months):
        row = {"family": family, "strategy": strategy, "month": START + i, **defaults,
               "frozen": i < frozen}
        row.update({name: values[i] for name, values in columns.items()})
        rows.append(row)
    return rows


def frame(rows) -> pd.DataFrame:
    table = pd.DataFrame(rows)
    table["month"] = table["month"].astype("period[M]")
    return table


def money_for(plan: pd.DataFrame, plan_revenue: dict | None = None) -> pd.DataFrame:
    """The money view of a plan: revenue at PRICES, the business plan equal to it unless given
    per (family, month index)."""
    money = plan[["family", "strategy", "month", "shipments"]].copy()
    money["unit_price"] = money["family"].map(lambda f: PRICES[f][0])
    money["unit_cost"] = money["family"].map(lambda f: PRICES[f][1])
    money["revenue"] = money["shipments"] * money["unit_price"]
    money["plan_revenue"] = money["revenue"]
    for (family, index), value in (plan_revenue or {}).items():
        money.loc[(money["family"] == family) & (money["month"] == START + index),
                  "plan_revenue"] = value
    return money


def load_for(loads) -> pd.DataFrame:
    """Planned load on R1 month by month from START."""
    rows = [{"resource": "R1", "plant": "P1", "month": START + i, "load_hours": hours,
             "available_hours": 100.0, "max_overtime_hours": 20.0,
             "overtime_hours": min(max(hours - 100, 0), 20), "utilisation": hours / 100,
             "status": "ok" if hours <= 100 else "overtime" if hours <= 120 else "overload"}
            for i, hours in enumerate(loads)]
    return frame(rows)


def outlook_for(gaps: dict) -> pd.DataFrame:
    """An outlook: each family's plan 1000, forecast 1000 x (1 + gap), 200 of it actual."""
    return pd.DataFrame([
        {"family": family, "fiscal_year": "FY2026", "months": "2026-01 to 2026-12",
         "actual_revenue": 200.0, "outlook_revenue": 1000 * (1 + gap) - 200,
         "forecast_revenue": 1000 * (1 + gap), "plan_revenue": 1000.0, "gap": 1000 * gap,
         "gap_pct": gap} for family, gap in gaps.items()])


def fiscal_outlook(**families: tuple[float, float, float]) -> pd.DataFrame:
    """An FY2026 outlook from each family's (actual, outlook, plan) revenue: the forecast is
    actual + outlook, the gap forecast - plan."""
    return pd.DataFrame([
        {"family": family, "fiscal_year": "FY2026", "months": "2025-04 to 2026-03",
         "actual_revenue": actual, "outlook_revenue": outlook,
         "forecast_revenue": actual + outlook, "plan_revenue": plan,
         "gap": actual + outlook - plan, "gap_pct": (actual + outlook - plan) / plan}
        for family, (actual, outlook, plan) in families.items()])


def accuracy_for(errors: dict, *, consensus: bool = True) -> pd.DataFrame:
    """Lag-1 accuracy of families booking 100 a month from 2025-07, forecast 100 + error."""
    archive, actuals = [], []
    for family, family_errors in errors.items():
        for i, error in enumerate(family_errors):
            month = pd.Period("2025-07", "M") + i
            archive.append({"cycle": month, "lag": 1, "sku": f"{family}1", "family": family,
                            "month": month, "statistical": 100.0 + error,
                            "consensus": 100.0 + error if consensus else NAN})
            actuals.append({"sku": f"{family}1", "family": family, "month": month,
                            "bookings": 100.0})
    return accuracy_by_family(frame(archive), frame(actuals), lags=[1])


def quiet_plan(months=3) -> list[dict]:
    return family_plan("A", "MTS", months) + family_plan("B", "MTO", months)


def agenda(plan_rows, *, loads=None, plan_revenue=None, gaps=None, outlook=None, accuracy=None,
           company=COMPANY, **options) -> pd.DataFrame:
    plan = frame(plan_rows)
    months = plan["month"].nunique()
    if outlook is None:
        outlook = outlook_for(gaps or {"A": 0.0, "B": 0.0})
    return exception_agenda(
        company, plan=plan, load=load_for(loads or [90.0] * months),
        money=money_for(plan, plan_revenue), outlook=outlook, accuracy=accuracy, **options)


def only(result: pd.DataFrame, topic: str) -> pd.Series:
    rows = result[result["topic"] == topic]
    assert len(rows) == 1, result[["family", "topic", "months"]]
    return rows.iloc[0]


def test_a_quiet_plan_puts_nothing_on_the_agenda():
    result = agenda(quiet_plan(), accuracy=accuracy_for({"A": [5, -5] * 3, "B": [0] * 6}))
    assert result.empty
    assert list(result.columns) == AGENDA_COLUMNS


# --- demand -------------------------------------------------------------------------------

def test_tracking_signal_out_of_band_values_the_bias_run_rate():
    # +6 every month for 6 months: tracking signal 36 / 6 = 6 and a 6% bias (beyond the 5%
    # alert); cumulative error 6% (tolerated)
    result = agenda(quiet_plan(), accuracy=accuracy_for({"A": [6] * 6, "B": [0] * 6}))
    row = only(result, "Tracking signal out of band")
    assert (row["area"], row["family"], row["months"]) == ("demand", "A", "2025-07 to 2025-12")
    assert row["decision"] == TRACKING_DECISION
    assert row["impact"] == pytest.approx(180)     # 6 units a month x 3 plan months x EUR 10
    assert "36 units (6.0%) above bookings over 6 months" in row["issue"]
    assert "tracking signal +6.0, outside +/-4" in row["issue"]
    assert row["options"].startswith("a) correct the statistical forecast: lower it by 6 units "
                                     "a month (18 units, EUR 180 over the next 3 months)")
    assert bool(row["acts_on_next_12_months"])           # it corrects the forecast of the window
    assert len(result) == 1


def test_a_steady_small_bias_raises_no_tracking_alert():
    # +5 every month: tracking signal 6, but a 5% bias is not beyond the 5% alert
    assert agenda(quiet_plan(), accuracy=accuracy_for({"A": [5] * 6, "B": [0] * 6})).empty


def test_tracking_signal_within_band_raises_nothing():
    # alternating errors: tracking signal 0, cumulative error 0
    result = agenda(quiet_plan(), accuracy=accuracy_for({"A": [20, -20] * 3}))
    assert result.empty


def test_cumulative_error_beyond_tolerance_fires_without_a_tracking_alert():
    # +40 / -10 three times: sum 90 on 600 booked = 15%; MAD 25, tracking signal 3.6
    result = agenda(quiet_plan(), accuracy=accuracy_for({"A": [40, -10] * 3}))
    row = only(result, "Cumulative forecast error")
    assert row["decision"] == CUMULATIVE_DECISION
    assert "consensus forecast of A ran 90 units (15.0%) above bookings" in row["issue"]
    assert row["impact"] == pytest.approx(90 / 6 * 3 * 10)
    assert "lower it by 15 units a month (45 units, EUR 450 over the next 3 months)" in \
        row["options"]
    assert "b) review the overrides that moved it" in row["options"]
    assert len(result) == 1


@pytest.mark.parametrize("errors, tolerances", [
    ([40, -10] * 3, Tolerances(cumulative_error=0.15)),   # 15% is not beyond 15%
    ([40, -10], Tolerances()),                           # 2 months: too few to judge
    ([40, -10] * 3, Tolerances(cumulative_error_min_months=7)),
])
def test_cumulative_error_within_tolerance_or_too_short_raises_nothing(errors, tolerances):
    result = agenda(quiet_plan(), accuracy=accuracy_for({"A": errors}), tolerances=tolerances)
    assert result.empty


def test_cumulative_error_can_be_judged_on_another_window():
    errors = cumulative_forecast_errors(accuracy_for({"A": [40, -10] * 3}))
    row = only(agenda(quiet_plan(), accuracy=None, cumulative_errors=errors),
               "Cumulative forecast error")
    assert row["family"] == "A"


def test_a_statistical_bias_already_tracked_is_not_repeated():
    # no consensus archived: the cumulative error is the tracked statistical forecast's
    result = agenda(quiet_plan(), accuracy=accuracy_for({"A": [20] * 6}, consensus=False))
    assert result["topic"].tolist() == ["Tracking signal out of band"]
    assert result["impact"].tolist() == [600]      # 20 a month x 3 months x EUR 10, once


def test_cumulative_forecast_errors_take_the_forecast_leadership_saw():
    both = pd.concat([accuracy_for({"A": [40, -10] * 3}),
                      accuracy_for({"B": [-10] * 4}, consensus=False)], ignore_index=True)
    errors = cumulative_forecast_errors(both).set_index("family")
    assert errors.loc["A", ["forecast", "actual", "error"]].tolist() == [690, 600, 90]
    assert errors.loc["A", "error_pct"] == pytest.approx(0.15)
    assert errors.loc["A", "source"] == "consensus"
    assert errors.loc["B", ["months", "error", "source"]].tolist() == [4, -40, "statistical"]
    assert errors.loc["B", "first_month"] == pd.Period("2025-07", "M")
    assert errors.loc["B", "last_month"] == pd.Period("2025-10", "M")
    assert "Total" not in errors.index


def test_no_demand_row_for_a_family_no_longer_planned():
    result = agenda(family_plan("B", "MTO"), accuracy=accuracy_for({"A": [20] * 6}))
    assert result.empty


# --- supply -------------------------------------------------------------------------------

def test_stock_out_priced_at_revenue_with_capacity_build_ahead_and_late_options():
    plan = (family_plan("A", "MTS", 5, shortfall=[0, 0, 0, 0, 30], inventory=[100] * 4 + [0])
            + family_plan("B", "MTO", 5))
    # free regular hours on R1 (100 - planned load): 2026-02 50, 2026-03 0, 2026-04 20, and
    # none in 2026-05, which already works 20 hours of overtime
    row = only(agenda(plan, loads=[90, 50, 100, 80, 120]), "Projected stock-out")
    assert (row["area"], row["family"], row["months"]) == ("supply", "A", "2026-05")
    assert row["decision"] == STOCKOUT_DECISION
    assert row["impact"] == 300                                     # 30 units x EUR 10
    assert row["issue"] == ("A stock runs out in 2026-05: 30 units of customer orders ship "
                            "late (EUR 300 of revenue at risk); the low point is 0 units "
                            "in 2026-05.")
    # a) 2026-05 already works its 100 regular and 20 overtime hours: the 30 hours fit in
    #    neither, so they need a shift or outsourcing and no hour that fits is priced
    # b) latest first: 20 units in 2026-04 held one month, 10 in 2026-02 held three:
    #    50 unit-months at 6 x 0.2 / 12 = 0.10 a unit-month = EUR 5
    assert row["options"] == (
        "a) produce 30 more units in 2026-05: 30 hours on R1 (30 hours beyond regular plus "
        "overtime: a shift or outsourcing; EUR 0 for the hours that fit) "
        "b) build ahead from 2026-02: free regular hours for 30 of the 30 units in 2026-02 to "
        "2026-04 (holding about EUR 5) "
        "c) accept 30 units late (EUR 300 of revenue at risk)")


def test_two_stock_out_runs_of_one_family_are_one_decision():
    plan = (family_plan("A", "MTS", 4, shortfall=[10, 5, 0, 20]) + family_plan("B", "MTO", 4))
    result = agenda(plan, loads=[90, 100, 90, 90])
    row = only(result, "Projected stock-out")
    assert (row["family"], row["months"]) == ("A", "2026-01 to 2026-04")
    # the larger of the two runs: max(15, 20) units x EUR 10, not their sum of 350
    assert row["impact"] == 200
    assert row["decision"] == SUPPLY_PLAN_DECISION.format(family="A")
    assert row["issue"].startswith("A stock runs out in 2026-01 to 2026-02: 15 units")
    assert "A stock runs out in 2026-04: 20 units" in row["issue"]
    assert "One cause" not in row["issue"]                          # A is not a level family
    # free regular hours (100 - load): 10 in 2026-01, none in 2026-02, 10 in 2026-03 and 2026-04
    # a) 15 hours: the 10 free in 2026-01 to 2026-02 at EUR 30, 5 of overtime at EUR 45:
    #    300 + 225 = 525
    # b) the first month keeps the plan of record
    # d) 20 hours: 10 free in 2026-04 at EUR 30, 10 of overtime at EUR 45: 300 + 450 = 750
    # e) 2026-02 is full, 2026-03 has 10 free hours: 10 units held one month at 0.10 = EUR 1
    assert row["options"] == (
        "a) produce 15 more units in 2026-01 to 2026-02: 15 hours on R1 (10 in free regular "
        "hours; 5 overtime; EUR 525) "
        "b) build ahead: no plan month before 2026-01 outside the time fence (the plan of "
        "record holds until 2026-01) "
        "c) accept 15 units late (EUR 150 of revenue at risk) "
        "d) produce 20 more units in 2026-04: 20 hours on R1 (10 in free regular hours; 10 "
        "overtime; EUR 750) "
        "e) build ahead from 2026-03: free regular hours for 10 of the 20 units in 2026-03 "
        "(holding about EUR 1) "
        "f) accept 20 units late (EUR 200 of revenue at risk)")
    assert len(result) == 1


def test_the_time_fence_is_the_plans_frozen_months_not_the_company_setting():
    # COMPANY says frozen_months 1, but nothing in this plan is frozen (no plan of record):
    # 2026-01 is free to build in (30 free regular hours; 2026-02 is full)
    free = family_plan("A", "MTS", 3, frozen=0, shortfall=[0, 0, 20]) + family_plan(
        "B", "MTO", 3, frozen=0)
    row = only(agenda(free, loads=[70, 100, 110]), "Projected stock-out")
    # 20 units held two months at 0.10 a unit-month
    assert "b) build ahead from 2026-01: free regular hours for 20 of the 20 units in 2026-01 " \
           "(holding about EUR 4)" in row["options"]
    first = family_plan("A", "MTS", 3, frozen=0, shortfall=[20, 0, 0]) + family_plan(
        "B", "MTO", 3, frozen=0)
    row = only(agenda(first, loads=[90, 90, 90]), "Projected stock-out")
    assert "b) build ahead: not possible, 2026-01 is the plan's first month" in row["options"]
    fenced = family_plan("A", "MTS", 3, frozen=2, shortfall=[0, 20, 0]) + family_plan(
        "B", "MTO", 3, frozen=2)
    row = only(agenda(fenced, loads=[90, 90, 90]), "Projected stock-out")
    assert "b) build ahead: no plan month before 2026-02 outside the time fence (the plan of " \
           "record holds until 2026-02)" in row["options"]


def test_build_ahead_says_when_no_capacity_is_spare():
    plan = family_plan("A", "MTS", 3, shortfall=[0, 0, 10]) + family_plan("B", "MTO", 3)
    # 2026-02 works 110 hours: 10 of overtime are still allowed, but no regular hour is free
    row = only(agenda(plan, loads=[90, 110, 120]), "Projected stock-out")
    assert "b) build ahead: no free regular hours on R1 from 2026-02 to 2026-02" in \
        row["options"]


def test_a_stock_out_running_past_the_window_states_its_part_in_the_next_12_months():
    # 14 plan months: A ships 10, 20 and 30 late in 2026-12, 2027-01 and 2027-02; only 2026-12
    # lies in the first 12 months, where 10 are late and 10 still unshipped at its end; the
    # impact is that part: 10 units x EUR 10 (the whole run, 60 units, is EUR 600)
    plan = (family_plan("A", "MTS", 14, shipments=[100.0] * 11 + [90.0, 80.0, 70.0],
                        shortfall=[0.0] * 11 + [10.0, 20.0, 30.0],
                        backlog=[0.0] * 11 + [10.0, 30.0, 60.0],
                        inventory=[100.0] * 11 + [0.0] * 3)
            + family_plan("B", "MTO", 14))
    row = only(agenda(plan), "Projected stock-out")
    assert (row["months"], row["impact"]) == ("2026-12 to 2027-02", 100)   # 10 x EUR 10
    assert row["issue"] == (
        "A stock runs out in 2026-12 to 2027-02: 60 units of customer orders ship late (EUR 600 "
        "of revenue at risk); the low point is 0 units in 2026-12. In the next 12 months: "
        "stock-out in 2026-12: 10 units of customer orders ship late (EUR 100 of revenue at "
        "risk), 10 still unshipped at the end of 2026-12.")


def company_capping(family: str, max_production: float) -> Company:
    """COMPANY with a maximum production for one family (families table)."""
    families = [{**row, "max_production": max_production} if row["family"] == family else row
                for row in COMPANY.families.to_dict("records")]
    return company_from_rows(config=COMPANY.config, families=families,
                             **{name: COMPANY.tables[name].to_dict("records") for name in
                                ("resources", "bill_of_resources")})


def test_a_binding_maximum_production_is_named_with_options_that_can_be_carried_out():
    # A makes its maximum of 100 a month in both short months (2026-04 and 2026-05): more hours
    # on R1 would not make more; the late orders build up to 30 in 2026-05
    plan = (family_plan("A", "MTS", 5, shipments=[100, 100, 100, 90, 80],
                        shortfall=[0, 0, 0, 10, 20], backlog=[0, 0, 0, 10, 30],
                        inventory=[100, 80, 0, 0, 0], production=[100, 80, 100, 100, 100])
            + family_plan("B", "MTO", 5))
    row = only(agenda(plan, company=company_capping("A", 100.0)), "Projected stock-out")
    assert row["decision"] == CAPPED_DECISION
    assert row["impact"] == 300                                     # 30 units x EUR 10
    assert row["issue"] == (
        "A stock runs out in 2026-04 to 2026-05: 30 units of customer orders ship late (EUR 300 "
        "of revenue at risk); the low point is 0 units in 2026-04. The plan already makes the "
        "family's maximum production of 100 units a month in 2026-04 to 2026-05 (families "
        "table): there, capacity on the resources is not what limits it.")
    # orders waiting: 10 in 2026-04 (1 month from 2026-04), 30 in 2026-05 (2 months): a raise
    # of max(10 / 1, 30 / 2) = 15 a month ships them in time
    assert row["options"] == (
        "a) raise the maximum production of A by 15 units a month from 2026-04 (families "
        "table), capacity allowing "
        "b) buy in or second-source as the late orders build: 10 units by 2026-04, 30 by 2026-05 "
        "c) allocate the available units to customers by priority "
        "d) accept 30 units late (EUR 300 of revenue at risk)")
    # orders piling up early: 20 waiting in 2026-04, 30 in 2026-05; 15 a month would ship only
    # 15 of the 20 in 2026-04, so the raise is max(20 / 1, 30 / 2) = 20
    early = [{**r, **({"shipments": 80.0, "shortfall": 20.0, "backlog": 20.0}
                      if r["month"] == START + 3 else
                      {"shipments": 90.0, "shortfall": 10.0, "backlog": 30.0}
                      if r["month"] == START + 4 else {})}
             if r["family"] == "A" else r for r in plan]
    row = only(agenda(early, company=company_capping("A", 100.0)), "Projected stock-out")
    assert row["options"].startswith(
        "a) raise the maximum production of A by 20 units a month from 2026-04 (families "
        "table), capacity allowing "
        "b) buy in or second-source as the late orders build: 20 units by 2026-04, 30 by "
        "2026-05 ")
    # at its maximum in one short month only: that month is named, the limit's options stand
    once = [{**r, "production": 90.0} if r["family"] == "A" and r["month"] == START + 3 else r
            for r in plan]
    row = only(agenda(once, company=company_capping("A", 100.0)), "Projected stock-out")
    assert "maximum production of 100 units a month in 2026-05 (families" in row["issue"]
    assert row["decision"] == CAPPED_DECISION
    # below its maximum in every short month, A could make more: capacity and build-ahead again
    below = [{**r, "production": 90.0} if r["family"] == "A" and r["month"] in (
        START + 3, START + 4) else r for r in plan]
    row = only(agenda(below, company=company_capping("A", 100.0)), "Projected stock-out")
    assert "maximum production" not in row["issue"]
    assert row["decision"] == STOCKOUT_DECISION
    # 30 hours: 10 free regular hours in each of 2026-04 and 2026-05 (100 - 90) at EUR 30, the
    # other 10 overtime at EUR 45: 600 + 450 = 1,050
    assert row["options"].startswith("a) produce 30 more units in 2026-04 to 2026-05: 30 hours "
                                     "on R1 (20 in free regular hours; 10 overtime; EUR 1,050) ")


def test_build_ahead_stays_within_the_maximum_production():
    # R1 has 30 regular hours free a month (100 - 70), but A (making 100) may make only 10 more
    # a month: the 30 units ahead of 2026-05 take 10 in each of 2026-04, 2026-03 and 2026-02,
    # held 1 + 2 + 3 months: 60 unit-months x 0.10 = EUR 6 (without the maximum: 30 in
    # 2026-04, EUR 3)
    plan = (family_plan("A", "MTS", 5, shortfall=[0, 0, 0, 0, 30], inventory=[100] * 4 + [0])
            + family_plan("B", "MTO", 5))
    row = only(agenda(plan, loads=[70] * 5, company=company_capping("A", 110.0)),
               "Projected stock-out")
    assert "b) build ahead from 2026-02: free regular hours for 30 of the 30 units in 2026-02 " \
           "to 2026-04 (holding about EUR 6)" in row["options"]
    unlimited = only(agenda(plan, loads=[70] * 5), "Projected stock-out")
    assert "b) build ahead from 2026-04: free regular hours for 30 of the 30 units in 2026-04 " \
           "(holding about EUR 3)" in unlimited["options"]


def test_below_safety_stock_needs_the_plan_to_carry_one():
    rows = family_plan("A", "MTS", 3, inventory=[100, 60, 90]) + family_plan("B", "MTO", 3)
    assert agenda(rows).empty                                       # no safety_stock column
    for row in rows:
        row["safety_stock"] = 80.0 if row["family"] == "A" else NAN
    result = agenda(rows)
    row = only(result, "Below safety stock")
    assert (row["family"], row["months"], row["decision"]) == ("A", "2026-02",
                                                                SAFETY_STOCK_DECISION)
    assert row["impact"] == 200                                     # 20 units x EUR 10
    assert row["issue"] == ("A stock falls below its safety stock over 1 month; every order "
                            "still ships. Low point 60 units against 80 in 2026-02: 20 units of "
                            "cover missing (EUR 200 of demand exposed).")
    # 20 hours: the 10 regular hours free in 2026-02 (100 - 90) at EUR 30, 10 of overtime at
    # EUR 45: 300 + 450 = 750
    assert ("a) produce 20 more units in 2026-02: 20 hours on R1 (10 in free regular hours; 10 "
            "overtime; EUR 750)") in row["options"]
    assert len(result) == 1


def test_a_run_below_safety_stock_with_a_stock_out_in_it_is_one_stock_out_item():
    # below the safety stock of 50 from 2026-02 to 2026-05, out of stock in 2026-03 and 2026-04
    rows = family_plan("A", "MTS", 6, inventory=[100, 40, 0, 0, 30, 80],
                       shortfall=[0, 0, 10, 25, 0, 0]) + family_plan("B", "MTO", 6)
    for row in rows:
        row["safety_stock"] = 50.0 if row["family"] == "A" else NAN
    result = agenda(rows)
    row = only(result, "Projected stock-out")
    assert (row["family"], row["months"], row["decision"]) == ("A", "2026-02 to 2026-05",
                                                                STOCKOUT_DECISION)
    assert row["impact"] == 350                                     # 35 units x EUR 10
    assert row["issue"] == ("A stock runs out in 2026-03 to 2026-04: 35 units of customer "
                            "orders ship late (EUR 350 of revenue at risk); the low point is "
                            "0 units in 2026-03, below safety stock from 2026-02.")
    assert len(result) == 1


def level_family_plan(strategy="level") -> list[dict]:
    """A makes 100 a month (80 in the frozen first month) against a seasonal demand: out of
    stock in 2026-07 and 2026-08, then above its target of 100 in 2026-11 and 2026-12."""
    rows = family_plan("A", "MTS", 12, production=[80.0] + [100.0] * 11,
                       inventory=[100.0] * 6 + [0, 0, 100, 140, 180, 200],
                       shortfall=[0] * 6 + [30, 20] + [0] * 4)
    for row in rows:
        row["plan_strategy"] = strategy
    return rows + family_plan("B", "MTO", 12)


def test_a_level_familys_summer_stock_out_and_winter_excess_are_one_decision():
    result = agenda(level_family_plan())
    assert len(result) == 1
    row = result.iloc[0]
    assert (row["area"], row["family"], row["months"]) == ("supply", "A", "2026-07 to 2026-12")
    assert row["topic"] == "Projected stock-out; Inventory above target"
    assert row["decision"] == "Re-shape the production plan of A: which of these options?"
    # the larger part: 50 units short at EUR 10 = 500 vs 100 units above target at cost 6 = 600
    assert row["impact"] == max(50 * 10, 100 * 6) == 600
    assert row["issue"] == (
        "A stock runs out in 2026-07 to 2026-08: 50 units of customer orders ship late "
        "(EUR 500 of revenue at risk); the low point is 0 units in 2026-07. "
        "Inventory of A is furthest above target in 2026-12: 200 units against a target of 100, "
        "100 units above (EUR 600 at cost). "
        "One cause: the level production rate of 100 units a month.")   # not the frozen 80
    # the stock-out's three options, then the excess's three; 10 regular hours free a month
    # (100 - 90):
    # a) 50 hours: the 20 free in 2026-07 to 2026-08 at EUR 30, 30 of overtime at EUR 45:
    #    600 + 1,350 = 1,950
    # b) 10 units in each of 2026-06 back to 2026-02, held 1 + 2 + 3 + 4 + 5 months: 150
    #    unit-months x 0.10 = EUR 15
    assert row["options"] == (
        "a) produce 50 more units in 2026-07 to 2026-08: 50 hours on R1 (20 in free regular "
        "hours; 30 overtime; EUR 1,950) "
        "b) build ahead from 2026-02: free regular hours for 50 of the 50 units in 2026-02 to "
        "2026-06 (holding about EUR 15) "
        "c) accept 50 units late (EUR 500 of revenue at risk) "
        "d) cut production by 100 units by 2026-12 "
        "e) accept the extra stock (EUR 600 tied up, about EUR 10 a month to hold) "
        "f) sell it down: 100 units (EUR 1,000 at price)")


def test_an_optimised_family_is_merged_too_but_no_rate_is_named_as_the_cause():
    row = only(agenda(level_family_plan("optimised")),
               "Projected stock-out; Inventory above target")
    assert row["impact"] == 600                                     # max(EUR 500, EUR 600)
    assert "One cause" not in row["issue"]


def test_a_stock_out_month_is_not_also_a_safety_stock_breach():
    rows = family_plan("A", "MTS", 2, inventory=[100, 0], shortfall=[0, 10])
    for row in rows:
        row["safety_stock"] = 50.0
    assert agenda(rows)["topic"].tolist() == ["Projected stock-out"]


@pytest.mark.parametrize("peak, fires", [(150.0, False), (160.0, True)])
def test_inventory_above_target_beyond_tolerance_is_valued_at_cost(peak, fires):
    plan = family_plan("A", "MTS", 3, inventory=[120, peak, 100]) + family_plan("B", "MTO", 3)
    result = agenda(plan)
    assert (not result.empty) == fires
    if fires:
        row = only(result, "Inventory above target")
        assert row["decision"] == INVENTORY_DECISION
        assert row["impact"] == 360                                 # 60 units x cost 6
        assert row["options"] == (
            "a) cut production by 60 units by 2026-02 b) accept the extra stock (EUR 360 tied "
            "up, about EUR 6 a month to hold) c) sell it down: 60 units (EUR 600 at price)")


@pytest.mark.parametrize("backlog, fires", [(12.5, False), (13.0, True)])
def test_backlog_above_target_beyond_tolerance_is_valued_at_price(backlog, fires):
    plan = family_plan("A", "MTS", 2) + family_plan("B", "MTO", 2, backlog=[10, backlog],
                                                    weeks_of_backlog=[2.0, 2.6])
    result = agenda(plan)
    assert (not result.empty) == fires
    if fires:
        row = only(result, "Backlog above target")
        assert (row["months"], row["decision"]) == ("2026-02", BACKLOG_DECISION)
        assert row["impact"] == 300                                 # 3 units x EUR 100
        # 3 units x 2 hours = 6 hours, within the 10 regular hours free in 2026-02 (100 - 90):
        # 6 x EUR 30 = 180
        assert "a) produce 3 more units in 2026-02: 6 hours on R1 (all in regular hours the " \
               "plan leaves free; EUR 180)" in row["options"]
        assert "b) accept longer lead times: 2.6 weeks of backlog at the peak against a " \
               "target of 2" in row["options"]


def test_tolerances_are_keyword_overridable():
    plan = family_plan("A", "MTS", 3, inventory=[120, 160, 100]) + family_plan("B", "MTO", 3)
    assert agenda(plan, tolerances=Tolerances(inventory=0.7)).empty
    assert len(agenda(plan, tolerances=Tolerances(inventory=0.1))) == 1


# --- capacity -----------------------------------------------------------------------------

def test_overload_values_the_units_its_missing_hours_would_make():
    # the plan makes A 110 then 105 and B 10 a month: 130 hours (10 beyond the 120 R1 can work),
    # then 125 (5 beyond); chasing demand would need more, which does not count
    plan = (family_plan("A", "MTS", 4, production=[110, 105, 100, 100],
                        required=[150, 150, 100, 100]) + family_plan("B", "MTO", 4))
    result = agenda(plan, loads=[130, 125, 100, 90])
    row = only(result, "Capacity overload")
    assert (row["area"], row["family"], row["months"]) == ("capacity", "R1",
                                                            "2026-01 to 2026-02")
    assert row["decision"] == OVERLOAD_DECISION
    # each month's planned units cut by hours beyond / load, at their prices
    revenue = 110 * 10 / 130 * 10 + 10 * 10 / 130 * 100 + 105 * 5 / 125 * 10 + 10 * 5 / 125 * 100
    assert row["impact"] == pytest.approx(revenue, abs=0.005)      # rounded to cents
    assert row["issue"] == (
        "The plan loads resource R1 (P1) with 255 hours against 240 with overtime over 2 "
        "months: 15 hours beyond what it can work, peak utilisation 130%; 14 planned units "
        f"cannot be made as planned (EUR {revenue:,.0f} of revenue).")
    assert row["options"].startswith("a) add a shift or outsource in 2026-01 to 2026-02: 15 "
                                     "hours (EUR 675 at the overtime rate)")
    assert f"c) accept 14 units late (EUR {revenue:,.0f} of revenue delayed)" in row["options"]


def test_overload_build_ahead_uses_the_latest_spare_hours():
    # A makes 70, 60, 70, 125 and B 10 a month (20 hours): loads 90, 80, 90, 145
    plan = (family_plan("A", "MTS", 4, production=[70, 60, 70, 125])
            + family_plan("B", "MTO", 4))
    row = only(agenda(plan, loads=[90, 80, 90, 145]), "Capacity overload")
    # 25 hours beyond the 120 R1 can work in 2026-04; free regular hours (100 - load): 10 in
    # 2026-03, then 15 of the 20 in 2026-02 (2026-01 is frozen)
    assert "b) build ahead from 2026-02: 25 of the 25 hours fit in free regular hours 2026-02 " \
           "to 2026-03" in row["options"]
    # overtime headroom is not free: the same overload after months working 100 to 110 hours
    row = only(agenda(plan, loads=[90, 100, 110, 145]), "Capacity overload")
    assert "b) build ahead: no free regular hours on R1 from 2026-02 to 2026-03" in \
        row["options"]


def test_a_plan_that_builds_ahead_of_an_overload_puts_no_capacity_item_on_the_agenda():
    # chasing demand would load R1 beyond regular plus overtime hours in 2026-07; the plan
    # builds ahead instead, and ships everything
    result = build_ahead_case()
    required = result.required_load.set_index(["resource", "month"])["status"]
    assert required[("R1", pd.Period("2026-07", "M"))] == "overload"
    assert (result.load["status"] != "overload").all()
    assert result.plan["shortfall"].max() < 0.5
    agenda_rows = exception_agenda(result.company, plan=result.plan, load=result.load,
                                   money=result.money, outlook=result.outlook, accuracy=None)
    assert "capacity" not in set(agenda_rows["area"])
    assert "Projected stock-out" not in set(agenda_rows["topic"])


def test_overtime_within_limits_is_no_overload():
    assert agenda(quiet_plan(), loads=[110, 120, 100]).empty


# --- finance ------------------------------------------------------------------------------

def test_fiscal_year_gap_beyond_tolerance_in_either_direction():
    # FY2026 runs 2025-04 to 2026-03: nine months of actuals, then the plan's three months
    # (A 1,000 and B 1,000 of revenue a month). A is 600 below plan in the actuals and 100 below
    # in the plan months (business plan 1,100 in 2026-01): 11,400 against 12,100, 5.8% below.
    # B is 500 above in the actuals and 120 above in the plan months (880 in 2026-01): 12,500
    # against 11,880, 5.2% above. C sits on the 5% tolerance; the total is no family. Each plan
    # month gap stays within tolerance (100 of 3,100; 120 of 2,880): no next-12-months item.
    plan = frame(quiet_plan())
    money = money_for(plan, {("A", 0): 1100.0, ("B", 0): 880.0})
    outlook = fiscal_outlook(A=(8400.0, 3000.0, 12100.0), B=(9500.0, 3000.0, 11880.0),
                             C=(0.0, 1050.0, 1000.0), Total=(0.0, 700.0, 1000.0))
    result = exception_agenda(company_with(fiscal_year_start_month=4), plan=plan,
                              load=load_for([90] * 3), money=money, outlook=outlook,
                              accuracy=None)
    # the whole gap: what the plan months must make up (A 12,100 - 11,400 = 700; B 620)
    assert result["family"].tolist() == ["A", "B"]
    assert result["impact"].tolist() == pytest.approx([700, 620])
    assert result["topic"].tolist() == ["Fiscal year below plan", "Fiscal year above plan"]
    assert result["months"].tolist() == ["2025-04 to 2026-03"] * 2
    a = result.iloc[0]
    assert a["decision"] == BELOW_PLAN_DECISION
    # 700 / 12,100 = 5.8%; 700 - 100 = 600 of it already in the actuals
    assert a["issue"] == ("FY2026 revenue of A is forecast at EUR 11,400 (EUR 8,400 actual + "
                          "EUR 3,000 outlook), 5.8% below the business plan of EUR 12,100. "
                          "EUR 600 below plan is already in the actuals; to meet the plan, "
                          "2026-01 to 2026-03 would have to make up the whole EUR 700.")
    # 700 / EUR 10 a unit = 70 units; every order ships in its month, so no late orders
    assert a["options"] == ("a) push demand: 70 more units in 2026-01 to 2026-03 to close "
                            "EUR 700 b) accept the gap and revise the business plan to EUR 11,400")


# FY2026 is 2025-04 to 2026-03: A's actuals 8,400 against 9,000, then the plan's three months
# (2,960 of revenue in both cases below) against a business plan of 3,000: 11,360 against
# 12,000, 5.3% below; 600 of it in the actuals, 40 in the plan months (1.3%: no next-12 item)
GAP_OUTLOOK = fiscal_outlook(A=(8400.0, 2960.0, 12000.0), B=(9000.0, 3000.0, 12000.0))


def test_a_plan_gap_with_a_supply_shortfall_offers_to_recover_it():
    # A ships 96 of its 100 in 2026-03 against a business plan of the full 1,000: the plan
    # months are 40 below plan, and the 4 late units (EUR 40) ship beyond the plan's months
    plan = (family_plan("A", "MTS", 3, shipments=[100, 100, 96], shortfall=[0, 0, 4],
                        backlog=[0, 0, 4], inventory=[100, 100, 0])
            + family_plan("B", "MTO", 3))
    result = agenda(plan, plan_revenue={("A", 2): 1000.0}, outlook=GAP_OUTLOOK,
                    company=company_with(fiscal_year_start_month=4))
    row = only(result, "Fiscal year below plan")
    assert row["impact"] == 640                                     # 11,360 - 12,000
    assert row["options"] == (
        "a) push demand: 64 more units in 2026-01 to 2026-03 to close EUR 640 "
        "b) ship the late orders within 2026-01 to 2026-03 (EUR 40 of revenue the plan pushes "
        "beyond them) "
        "c) accept the gap and revise the business plan to EUR 11,360")


def test_a_plan_gap_without_late_orders_offers_no_recovery():
    # the same gap with every order shipped in its month (demand 96 in 2026-03)
    plan = family_plan("A", "MTS", 3, shipments=[100, 100, 96], demand=[100, 100, 96])
    result = agenda(plan + family_plan("B", "MTO", 3), plan_revenue={("A", 2): 1000.0},
                    outlook=GAP_OUTLOOK, company=company_with(fiscal_year_start_month=4))
    row = only(result, "Fiscal year below plan")
    assert row["impact"] == 640
    assert row["options"] == (
        "a) push demand: 64 more units in 2026-01 to 2026-03 to close EUR 640 "
        "b) accept the gap and revise the business plan to EUR 11,360")


def test_next_months_gap_compares_the_months_that_have_a_business_plan():
    plan = frame(quiet_plan(3))
    money = money_for(plan, {("A", 0): 1100.0, ("A", 1): 1100.0, ("A", 2): NAN})
    result = exception_agenda(COMPANY, plan=plan, load=load_for([90] * 3), money=money,
                              outlook=outlook_for({"A": 0.0}), accuracy=None)
    row = only(result, "Next 12 months below plan")
    assert (row["family"], row["months"]) == ("A", "2026-01 to 2026-02")
    assert row["impact"] == 200                                     # 2000 vs 2200
    assert "(2 of the next 12 months have a plan), 9.1% below the business plan of EUR 2,200" \
        in row["issue"]


def company_with(**config) -> Company:
    """COMPANY with other settings in company.yaml."""
    settings = {"frozen_months": 1, "holding_cost_rate": 0.2, **config}
    return company_from_rows(config=CompanyConfig("T", "EUR", **settings),
                             **{name: COMPANY.tables[name].to_dict("records") for name in
                                ("families", "resources", "bill_of_resources")})


def test_a_fiscal_year_and_next_months_gap_the_same_way_are_one_item_counting_months_once():
    # The fiscal year runs April to March: FY2026 is 2025-04 to 2026-03. Its nine months of
    # actuals are 300 below plan (8,700 of 9,000); its three plan months (2026-01 to 2026-03)
    # plan 1,000 a month of A against a business plan of 1,200, 600 below: 11,700 against
    # 12,600, 900 below. The next 12 months (2026-01 to 2026-12) are 12 x 200 = 2,400 below.
    # Their union, 2025-04 to 2026-12, counts each month once: 300 + 2,400 = 2,700 below
    # (adding both would say 3,300), all of it for the plan months 2026-01 to 2026-12 to make
    # up: the fiscal year's 900 and the 1,800 of 2026-04 to 2026-12.
    plan = frame(quiet_plan(12))
    money = money_for(plan, {("A", i): 1200.0 for i in range(12)})
    result = exception_agenda(company_with(fiscal_year_start_month=4), plan=plan,
                              load=load_for([90] * 12), money=money,
                              outlook=fiscal_outlook(A=(8700.0, 3000.0, 12600.0),
                                                     B=(9000.0, 3000.0, 12000.0)),
                              accuracy=None)
    row = only(result, "Revenue below plan")
    assert len(result) == 1
    assert (row["area"], row["family"], row["months"]) == ("finance", "A", "2025-04 to 2026-12")
    assert row["impact"] == 300 + 12 * 200
    assert row["decision"] == BELOW_PLAN_DECISION
    assert row["issue"] == (
        "FY2026 revenue of A is forecast at EUR 11,700 (EUR 8,700 actual + EUR 3,000 outlook), "
        "7.1% below the business plan of EUR 12,600. EUR 300 below plan is already in the "
        "actuals; to meet the plan, 2026-01 to 2026-03 would have to make up the whole EUR 900. "
        "Revenue of A over 2026-01 to 2026-12 is planned at EUR 12,000, 16.7% below the business "
        "plan of EUR 14,400. Counting each month once, 2025-04 to 2026-12 is EUR 2,700 below "
        "plan: the plan months 2026-01 to 2026-12 would have to make up the fiscal year's EUR 900 "
        "and the EUR 1,800 of 2026-04 to 2026-12.")
    # 2,700 / EUR 10 a unit = 270 units; of them, FY2026's 900 / EUR 10 = 90 in its plan months
    # 2026-01 to 2026-03, which plan 3 x 100 = 300 shipments: (300 + 90) / 300 = 1.3 times
    assert row["options"] == (
        "a) push demand: 270 more units in 2026-01 to 2026-12 to close EUR 2,700 (90 of them in "
        "2026-01 to 2026-03 to meet FY2026: 1.3 times the 300 planned) "
        "b) accept the gap and revise the business plan to the forecast: EUR 11,700 for "
        "2025-04 to 2026-03 and EUR 12,000 for 2026-01 to 2026-12")
    assert bool(row["acts_on_next_12_months"])


def test_fiscal_year_and_next_months_gaps_of_opposite_directions_stay_apart():
    # FY2026 (2025-04 to 2026-03) is 700 above plan: 1,300 above in the actuals (10,300 of
    # 9,000), 600 below in its plan months (3 x 1,000 against 3 x 1,200); the next 12 months
    # are 2,400 below. Each item weighs its whole gap.
    plan = frame(quiet_plan(12))
    money = money_for(plan, {("A", i): 1200.0 for i in range(12)})
    result = exception_agenda(company_with(fiscal_year_start_month=4), plan=plan,
                              load=load_for([90] * 12), money=money,
                              outlook=fiscal_outlook(A=(10300.0, 3000.0, 12600.0),
                                                     B=(9000.0, 3000.0, 12000.0)),
                              accuracy=None)
    assert result["topic"].tolist() == ["Next 12 months below plan", "Fiscal year above plan"]
    assert result["impact"].tolist() == [2400, 700]
    fiscal = result.iloc[1]
    assert fiscal["decision"] == ABOVE_PLAN_DECISION
    assert fiscal["issue"].endswith(
        "5.6% above the business plan of EUR 12,600. EUR 1,300 above plan is already in the "
        "actuals.")


# --- ranking ------------------------------------------------------------------------------

def test_rank_by_impact_then_area_then_family():
    plan = (family_plan("A", "MTS", 3, shortfall=[0, 0, 60]) + family_plan("B", "MTO", 3))
    # A's stock-out is worth 60 x EUR 10 = 600, the same as A's bias (20 a month x 3 plan months
    # x EUR 10) and A's and B's next-12-months gaps (A 3,000 against 3,600; B 3,000 against
    # 2,400); B's bias is worth 20 x 3 x EUR 100 = 6,000
    result = agenda(plan, plan_revenue={("A", 0): 1600.0, ("B", 0): 400.0},
                    accuracy=accuracy_for({"A": [20] * 6, "B": [20] * 6}, consensus=False))
    assert result["rank"].tolist() == list(range(1, 6))
    assert result["impact"].tolist() == pytest.approx([6000, 600, 600, 600, 600])
    assert list(zip(result["area"], result["family"])) == [
        ("demand", "B"), ("demand", "A"), ("supply", "A"), ("finance", "A"), ("finance", "B")]
    assert result["topic"].tolist()[3:] == ["Next 12 months below plan",
                                            "Next 12 months above plan"]


def test_items_outside_the_first_12_months_rank_after_those_inside():
    # 14 plan months: A's stock 300 above target in 2027-01 and 2027-02 (EUR 1,800 at cost) lies
    # outside the window; B's backlog 3 above target in 2026-02 (EUR 300) and A's forecast bias
    # (its months lie before the plan, but it corrects the window's forecast) lie inside
    plan = (family_plan("A", "MTS", 14, inventory=[100.0] * 12 + [400.0, 400.0])
            + family_plan("B", "MTO", 14, backlog=[10.0, 13.0] + [10.0] * 12,
                          weeks_of_backlog=[2.0, 2.6] + [2.0] * 12))
    result = agenda(plan, accuracy=accuracy_for({"A": [6] * 6, "B": [0] * 6}))
    assert list(result.columns) == AGENDA_COLUMNS
    assert list(zip(result["family"], result["topic"], result["months"])) == [
        ("A", "Tracking signal out of band", "2025-07 to 2025-12"),
        ("B", "Backlog above target", "2026-02"),
        ("A", "Inventory above target", "2027-01 to 2027-02")]
    # 6 a month x 12 plan months in the window x EUR 10; 3 x EUR 100; 300 x EUR 6
    assert result["impact"].tolist() == [720, 300, 1800]
    assert result["acts_on_next_12_months"].tolist() == [True, True, False]
    assert result["rank"].tolist() == [1, 2, 3]


def test_an_item_reaching_into_the_window_counts_as_inside():
    plan = (family_plan("A", "MTS", 14, inventory=[100.0] * 11 + [400.0] * 3)
            + family_plan("B", "MTO", 14))
    row = only(agenda(plan), "Inventory above target")
    assert (row["months"], bool(row["acts_on_next_12_months"])) == ("2026-12 to 2027-02", True)


def test_an_unknown_impact_ranks_last():
    plan = family_plan("A", "MTS", 3, shortfall=[0, 0, 1]) + family_plan("B", "MTO", 3)
    frame_plan = frame(plan)
    money = money_for(frame_plan)
    money.loc[money["family"] == "A", "unit_price"] = NAN
    result = exception_agenda(COMPANY, plan=frame_plan, load=load_for([90] * 3), money=money,
                              outlook=outlook_for({"A": 0.0, "B": 0.5}), accuracy=None)
    assert result["family"].tolist() == ["B", "A"]
    assert pd.isna(result["impact"].iloc[1])
    assert "EUR n/a of revenue at risk" in result["issue"].iloc[1]


def test_a_gap_below_plan_points_first_at_a_forecast_that_runs_below_bookings():
    # A's forecast runs 20 a month below its bookings of 100: 20 x 3 plan months x EUR 10 = 600
    # of demand the plan misses; A's next 12 months are 3,000 against 3,600, 600 below plan.
    # B's forecast runs above its bookings (lower it), so B's gap above plan keeps its options.
    plan = family_plan("A", "MTS", 3) + family_plan("B", "MTO", 3)
    result = agenda(plan, plan_revenue={("A", 0): 1600.0, ("B", 0): 400.0},
                    accuracy=accuracy_for({"A": [-20] * 6, "B": [20] * 6}, consensus=False))
    gap = only(result, "Next 12 months below plan")
    assert gap["options"].startswith(
        "a) correct the forecast first: it runs below bookings, by EUR 600 over the next 12 "
        "months (the forecast item of A) b) push demand: ")
    above = only(result, "Next 12 months above plan")
    assert above["options"].startswith("a) raise the business plan")


# --- margin against the budget ------------------------------------------------------------

def margin_agenda(margin_budget: dict, *, plan_revenue=None, gaps=None) -> pd.DataFrame:
    """The agenda of the quiet 3-month plan (A earns 1,000 revenue and 400 margin a month, B
    1,000 and 300) with a budget margin per family and month."""
    plan = frame(quiet_plan(3))
    money = money_for(plan, plan_revenue)
    money["margin"] = money["shipments"] * (money["unit_price"] - money["unit_cost"])
    money["plan_margin"] = money["margin"]
    for family, budgets in margin_budget.items():
        money.loc[money["family"] == family, "plan_margin"] = budgets
    return exception_agenda(COMPANY, plan=plan, load=load_for([90.0] * 3), money=money,
                            outlook=outlook_for(gaps or {"A": 0.0, "B": 0.0}), accuracy=None)


def test_margin_below_budget_beyond_tolerance_is_an_item_worth_the_margin_gap():
    result = margin_agenda({"A": [450.0] * 3})                       # 1,200 against 1,350
    row = only(result, "Next 12 months margin below budget")
    assert (row["area"], row["family"], row["months"]) == ("finance", "A", "2026-01 to 2026-03")
    assert row["impact"] == 150
    assert row["decision"] == MARGIN_DECISION
    assert row["issue"] == ("Margin of A over 2026-01 to 2026-03 is planned at EUR 1,200 (3 of "
                            "the next 12 months have a budget), 11.1% below the budget margin "
                            "of EUR 1,350 (margin rate 40.0% against 45.0%).")
    assert row["options"].startswith("a) recover the margin through price, mix or cost: EUR 150")
    assert len(result) == 1                                          # revenue is on plan


def test_margin_within_tolerance_or_above_budget_raises_nothing():
    assert margin_agenda({"A": [420.0] * 3}).empty                   # 1,200 vs 1,260: 4.8%
    assert margin_agenda({"A": [300.0] * 3}).empty                   # above budget
    assert margin_agenda({"A": [450.0] * 3}, ).shape[0] == 1


def test_margin_is_compared_over_the_months_that_have_a_budget():
    row = only(margin_agenda({"A": [NAN, NAN, 450.0]}), "Next 12 months margin below budget")
    assert (row["months"], row["impact"]) == ("2026-03", 50)         # 400 against 450


def test_a_margin_gap_the_revenue_gap_explains_is_not_counted_twice():
    # A's revenue is 3,000 against a plan of 3,600 (an item worth 600); its budget margin is
    # 40% of that plan, 1,440: the margin gap of 240 is the lost revenue's margin, 600 x 40%.
    result = margin_agenda({"A": [480.0] * 3}, plan_revenue={("A", i): 1200.0 for i in range(3)})
    assert result["topic"].tolist() == ["Next 12 months below plan"]
    assert result["impact"].tolist() == [600]


def test_a_margin_gap_beyond_the_revenue_gap_counts_only_the_rest():
    # Budget margin 45% of the 3,600 plan: 1,620, a gap of 420; the revenue item counts
    # 600 x 45% = 270 of it, the rest, 150, is the margin rate: 3,000 x (40% - 45%).
    result = margin_agenda({"A": [540.0] * 3}, plan_revenue={("A", i): 1200.0 for i in range(3)})
    assert only(result, "Next 12 months below plan")["impact"] == 600
    row = only(result, "Next 12 months margin below budget")
    assert row["impact"] == 150
    assert row["issue"].endswith(
        "EUR 270 of the gap follows from revenue below plan, counted by the item Next 12 months "
        "below plan of A; the rest, EUR 150, is cost and mix.")
    assert result["impact"].sum() == 750                             # 600 + 150, not 600 + 420


def test_a_margin_gap_beside_revenue_above_plan_counts_whole():
    result = margin_agenda({"A": [600.0] * 3}, plan_revenue={("A", i): 900.0 for i in range(3)})
    assert only(result, "Next 12 months above plan")["impact"] == 300
    assert only(result, "Next 12 months margin below budget")["impact"] == 600   # 1,200 vs 1,800


def test_no_margin_item_without_a_cost_budget():
    plan = frame(quiet_plan(3))
    money = money_for(plan).assign(margin=1.0)                       # no plan_margin column
    assert exception_agenda(COMPANY, plan=plan, load=load_for([90.0] * 3), money=money,
                            outlook=outlook_for({"A": 0.0}), accuracy=None).empty
