"""Pre-S&OP: demand/supply balance and service; the decisions are the exception agenda's."""
import pandas as pd
import pytest

from sop_lib.presop.balance import balance, balance_summary
from tests.presop.builders import family_plan, frame, make_company, money_for

COMPANY = make_company(resources=[{"resource": "R1", "plant": "P1", "available_hours": 100,
                                   "max_overtime_hours": 20, "regular_cost_per_hour": 30,
                                   "overtime_cost_per_hour": 45}])
PRICES = {"A": (10.0, 6.0), "B": (100.0, 70.0)}


def quiet_plan(months=3) -> list[dict]:
    return (family_plan("A", "MTS", demand=[100.0] * months)
            + family_plan("B", "MTO", demand=[10.0] * months, shipments=[10.0] * months,
                          backlog=[10.0] * months, target=[10.0] * months))


def balance_case() -> tuple[pd.DataFrame, pd.DataFrame]:
    """MTS A short 20 in month 2 and catching up 10; MTO B shipping 20 of 40 in month 2."""
    plan = frame(
        family_plan("A", "MTS", shipments=[100.0, 80.0, 110.0], backlog=[0.0, 20.0, 10.0],
                    shortfall=[0.0, 20.0, 10.0])
        + family_plan("B", "MTO", demand=[40.0] * 3, shipments=[40.0, 20.0, 50.0],
                      backlog=[40.0, 60.0, 50.0], shortfall=[0.0, 20.0, 10.0],
                      target=[40.0] * 3))
    return plan, money_for(plan, PRICES)


def test_balance_prices_shortfall_and_counts_each_order_once_in_its_month():
    result = balance(*balance_case())
    a, b = (result[result["family"] == f].reset_index(drop=True) for f in "AB")
    assert a["supply"].tolist() == [100, 80, 110]
    assert a["revenue_at_risk"].tolist() == [0, 200, 100]
    # month 3 ships 110 of which 20 are month 2's late orders: 10 of its own 100 are late
    assert a["due"].tolist() == [100, 100, 100]
    assert a["on_time"].tolist() == [100, 80, 90]
    assert a["service_level"].tolist() == pytest.approx([1.0, 0.8, 0.9])
    # MTO: an order is on time within the backlog target's lead time (shortfall beyond it)
    assert b["due"].tolist() == [40, 40, 40]
    assert b["revenue_at_risk"].tolist() == [0, 2000, 1000]
    assert b["service_level"].tolist() == pytest.approx([1.0, 0.5, 0.75])


def test_balance_service_is_undefined_when_nothing_is_due():
    plan = frame(family_plan("A", "MTS", demand=[0.0], shipments=[0.0]))
    assert pd.isna(balance(plan, money_for(plan, PRICES))["service_level"].iloc[0])


def test_balance_summary_over_the_first_months():
    summary = balance_summary(balance(*balance_case()), months=2).set_index("family")
    assert summary.loc["A", "months"] == "2026-01 to 2026-02"
    assert summary.loc["A", ["demand", "supply", "late_units", "revenue_at_risk"]].tolist() == \
        [200, 180, 20, 200]
    assert summary.loc["A", "service_level"] == pytest.approx(180 / 200)
    assert summary.loc["B", "service_level"] == pytest.approx(60 / 80)
    whole = balance_summary(balance(*balance_case()), months=12).set_index("family")
    assert whole.loc["A", "months"] == "2026-01 to 2026-03"
    assert whole.loc["A", "service_level"] == pytest.approx(270 / 300)  # 100 + 80 + 90 of 300
