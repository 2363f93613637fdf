"""Pre-S&OP: demand/supply balance, service, and the decisions each rule raises and ranks."""
import pandas as pd
import pytest
from test_finance import frame, make_company

from sop_lib.presop import (
    ABOVE_PLAN_DECISION,
    BELOW_PLAN_DECISION,
    EXCESS_BACKLOG_DECISION,
    EXCESS_INVENTORY_DECISION,
    OVERLOAD_DECISION,
    SHORTFALL_DECISION,
    balance,
    balance_summary,
    decisions,
)

START = pd.Period("2026-01", "M")
NAN = float("nan")


def family_plan(family, strategy, **columns) -> list[dict]:
    """Plan rows from START, one per value of the column lists; quiet defaults for the rest."""
    count = len(next(iter(columns.values())))
    defaults = {"demand": 100.0, "shipments": 100.0, "shortfall": 0.0, "backlog": 0.0,
                "inventory": 100.0 if strategy == "MTS" else NAN, "target": 100.0}
    rows = []
    for i in range(count):
        row = {"family": family, "strategy": strategy, "month": START + i, **defaults}
        row.update({name: values[i] for name, values in columns.items()})
        rows.append(row)
    return rows


def money_for(plan: pd.DataFrame, prices: dict) -> pd.DataFrame:
    """A money frame pricing each family at (unit_price, unit_cost)."""
    money = plan[["family", "strategy", "month"]].copy()
    money["unit_price"] = money["family"].map(lambda f: prices[f][0])
    money["unit_cost"] = money["family"].map(lambda f: prices[f][1])
    return money


def load_rows(resource, loads, *, available=100.0, overtime=20.0) -> list[dict]:
    return [{"resource": resource, "plant": "P1", "month": START + i, "load_hours": hours,
             "available_hours": available, "max_overtime_hours": overtime,
             "overtime_hours": min(max(hours - available, 0), overtime),
             "utilisation": hours / available,
             "status": "ok" if hours <= available else
             "overtime" if hours <= available + overtime else "overload"}
            for i, hours in enumerate(loads)]


def outlook_rows(gaps: dict) -> pd.DataFrame:
    """An outlook frame: each family's plan 1000 and forecast 1000 x (1 + gap)."""
    rows = [{"family": family, "fiscal_year": "FY2026", "months": "2026-01 to 2026-12",
             "actual_revenue": 0.0, "outlook_revenue": 1000 * (1 + gap),
             "forecast_revenue": 1000 * (1 + gap), "plan_revenue": 1000.0,
             "gap": 1000 * gap, "gap_pct": gap} for family, gap in gaps.items()]
    return pd.DataFrame(rows)


COMPANY = make_company(resources=[{"resource": "R1", "plant": "P1", "available_hours": 100,
                                   "max_overtime_hours": 20, "regular_cost_per_hour": 30,
                                   "overtime_cost_per_hour": 45}])
PRICES = {"A": (10.0, 6.0), "B": (100.0, 70.0)}


def quiet_plan(months=3) -> list[dict]:
    return (family_plan("A", "MTS", demand=[100.0] * months)
            + family_plan("B", "MTO", demand=[10.0] * months, shipments=[10.0] * months,
                          backlog=[10.0] * months, target=[10.0] * months))


def run(plan_rows, *, loads=(90.0, 90.0, 90.0), gaps=None) -> pd.DataFrame:
    plan = frame(plan_rows)
    return decisions(COMPANY, plan, frame(load_rows("R1", loads)), money_for(plan, PRICES),
                     outlook_rows(gaps or {"A": 0.0, "B": 0.0, "Total": 0.0}))


def balance_case() -> tuple[pd.DataFrame, pd.DataFrame]:
    """MTS A short 20 in month 2 and catching up 10; MTO B shipping 20 of 40 in month 2."""
    plan = frame(
        family_plan("A", "MTS", shipments=[100.0, 80.0, 110.0], backlog=[0.0, 20.0, 10.0],
                    shortfall=[0.0, 20.0, 10.0])
        + family_plan("B", "MTO", demand=[40.0] * 3, shipments=[40.0, 20.0, 50.0],
                      backlog=[40.0, 60.0, 50.0], shortfall=[0.0, 20.0, 10.0],
                      target=[40.0] * 3))
    return plan, money_for(plan, PRICES)


def test_balance_prices_shortfall_and_measures_service_against_what_is_due():
    result = balance(*balance_case())
    a, b = (result[result["family"] == f].reset_index(drop=True) for f in "AB")
    assert a["supply"].tolist() == [100, 80, 110]
    assert a["revenue_at_risk"].tolist() == [0, 200, 100]
    assert a["backlog_in"].tolist() == [0, 0, 20]
    assert a["due"].tolist() == [100, 100, 120]
    assert a["service_level"].tolist() == pytest.approx([1.0, 0.8, 110 / 120])
    # MTO: backlog up to the 40-unit target is the order book, not yet due
    assert b["backlog_in"].tolist() == [40, 40, 60]
    assert b["due"].tolist() == [40, 40, 60]
    assert b["revenue_at_risk"].tolist() == [0, 2000, 1000]
    assert b["service_level"].tolist() == pytest.approx([1.0, 0.5, 50 / 60])


def test_balance_service_is_undefined_when_nothing_is_due():
    plan = frame(family_plan("A", "MTS", demand=[0.0], shipments=[0.0]))
    assert pd.isna(balance(plan, money_for(plan, PRICES))["service_level"].iloc[0])


def test_balance_summary_over_the_first_months():
    summary = balance_summary(balance(*balance_case()), months=2).set_index("family")
    assert summary.loc["A", "months"] == "2026-01 to 2026-02"
    assert summary.loc["A", ["demand", "supply", "shortfall", "revenue_at_risk"]].tolist() == \
        [200, 180, 20, 200]
    assert summary.loc["A", "service_level"] == pytest.approx(180 / 200)
    assert summary.loc["B", "service_level"] == pytest.approx(60 / 80)
    whole = balance_summary(balance(*balance_case()), months=12).set_index("family")
    assert whole.loc["A", "months"] == "2026-01 to 2026-03"
    assert whole.loc["A", "service_level"] == pytest.approx(290 / 320)


def test_a_balanced_plan_needs_no_decision():
    result = run(quiet_plan())
    assert result.empty
    assert list(result.columns) == ["rank", "family", "topic", "months", "issue", "impact",
                                    "decision"]


def test_shortfall_months_are_grouped_into_runs_priced_at_revenue_at_risk():
    plan = family_plan("A", "MTS", shortfall=[0.0, 5.0, 15.0, 0.0, 30.0],
                       shipments=[100.0, 95.0, 85.0, 100.0, 70.0])
    result = run(plan, loads=[90.0] * 5)
    assert result["months"].tolist() == ["2026-05", "2026-02 to 2026-03"]
    assert result["impact"].tolist() == [300, 200]                  # 30 x 10, (5 + 15) x 10
    assert set(result["topic"]) == {"Projected shortfall"}
    assert set(result["decision"]) == {SHORTFALL_DECISION}
    assert "20 units short" in result["issue"].iloc[1] and "EUR 200" in result["issue"].iloc[1]
    assert result["rank"].tolist() == [1, 2]


def test_overload_months_cost_the_hours_beyond_overtime():
    result = run(quiet_plan(4), loads=[130.0, 125.0, 115.0, 140.0])   # capacity 100 + 20
    assert result["family"].tolist() == ["R1", "R1"]
    assert result["months"].tolist() == ["2026-04", "2026-01 to 2026-02"]
    assert result["impact"].tolist() == [20 * 45, (10 + 5) * 45]
    assert set(result["decision"]) == {OVERLOAD_DECISION}
    assert "15 hours short" in result["issue"].iloc[1]


def test_fiscal_year_gap_beyond_tolerance_in_either_direction():
    result = run(quiet_plan(), gaps={"A": -0.06, "B": 0.05, "C": 0.08, "Total": -0.3})
    assert result["family"].tolist() == ["C", "A"]                   # B sits on the tolerance
    assert result["impact"].tolist() == pytest.approx([80, 60])
    assert result["decision"].tolist() == [ABOVE_PLAN_DECISION, BELOW_PLAN_DECISION]
    assert result["topic"].tolist() == ["Fiscal year above plan", "Fiscal year below plan"]
    assert result["months"].tolist() == ["2026-01 to 2026-12"] * 2
    assert "6.0% below" in result["issue"].iloc[1]


def test_inventory_and_backlog_far_above_target():
    plan = (family_plan("A", "MTS", inventory=[150.0, 151.0, 170.0])
            + family_plan("B", "MTO", demand=[10.0] * 3, shipments=[10.0] * 3,
                          backlog=[10.0, 16.0, 10.0], target=[10.0] * 3))
    result = run(plan)
    a = result[result["family"] == "A"].iloc[0]
    assert (a["topic"], a["months"], a["decision"]) == \
        ("Excess inventory", "2026-02 to 2026-03", EXCESS_INVENTORY_DECISION)
    assert a["impact"] == pytest.approx((170 - 100) * 6)              # peak excess at cost
    b = result[result["family"] == "B"].iloc[0]
    assert (b["topic"], b["months"], b["decision"]) == \
        ("Backlog above target", "2026-02", EXCESS_BACKLOG_DECISION)
    assert b["impact"] == pytest.approx((16 - 10) * 100)               # at price
    assert len(result) == 2


def test_decisions_rank_by_impact_then_family():
    plan = (family_plan("A", "MTS", shortfall=[0.0, 0.0, 60.0], shipments=[100.0, 100.0, 40.0])
            + family_plan("B", "MTO", demand=[10.0] * 3, shipments=[10.0] * 3,
                          backlog=[10.0] * 3, target=[10.0] * 3))
    result = run(plan, loads=[90.0, 90.0, 140.0], gaps={"A": -0.6, "B": 0.6, "Total": 0.0})
    assert result["rank"].tolist() == [1, 2, 3, 4]
    assert result["impact"].tolist() == [900, 600, 600, 600]
    assert result["family"].tolist() == ["R1", "A", "A", "B"]
    assert result["topic"].tolist()[1:3] == ["Fiscal year below plan", "Projected shortfall"]
