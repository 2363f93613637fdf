"""A two-family case (A MTS, B MTO) with its plan, money, accuracy and headline KPIs."""
import pandas as pd

from sop_lib.executive.kpis import headline_kpis
from tests.presop.builders import (
    family_plan,
    frame,
    load_rows,
    make_company,
    money_for,
    outlook_rows,
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


def accuracy_rows(*, sku=0.60, family=0.85, bias=0.07, note="") -> pd.DataFrame:
    """An `accuracy_headline` frame: lag 1 over 2025-01 to 2025-12, consensus forecast."""
    common = {"lag": 1, "months": 12, "first_month": pd.Period("2025-01", "M"),
              "last_month": pd.Period("2025-12", "M"), "actual": 1000.0, "bias": bias,
              "source": "consensus", "replayed_cycles": 0, "note": note}
    return pd.DataFrame([
        {"level": "SKU", **common, "abs_error": 1000 * (1 - sku), "accuracy": sku},
        {"level": "family", **common, "abs_error": 1000 * (1 - family), "accuracy": family}])


PLAN_ACCURACY = pd.DataFrame({"family": ["A", "B"], "months": [12, 12], "actual": [1000.0, 1000.0],
                         "forecast": [1100.0, 950.0], "abs_error": [150.0, 100.0],
                         "wape": [0.15, 0.10], "bias": [0.10, -0.05]})


def headline(company=COMPANY, **changes) -> pd.DataFrame:
    plan = case_plan()
    inputs = {"load": frame(load_rows("R1", [90.0, 130.0, 140.0], available=100, overtime=20)),
              "outlook": outlook_rows({"A": -0.1, "B": -0.1, "Total": -0.1}),
              "accuracy": accuracy_rows(), "money": case_money(plan), "required_load": None,
              **changes}
    return headline_kpis(company, plan, inputs["load"], inputs["money"], inputs["outlook"],
                         inputs["accuracy"], required_load=inputs["required_load"],
                         months=2).set_index("kpi")
