"""A small company, its demand frames and scenario files, for the scenario tests.

Families A (MTS, SKUs A1 and A2, on resource R1) and B (MTO, SKU B1, on resource R2); history
ends 2025-12, so the cycle is 2026-01 and the 12-month horizon runs to 2026-12.
"""
import dataclasses
from pathlib import Path

import pandas as pd

from sop_lib.data.company import Company, CompanyConfig
from tests.builders import company_from_rows

CYCLE = pd.Period("2026-01", "M")
MONTHS = pd.period_range(CYCLE, periods=12, freq="M")
PRICES = {"A1": 10.0, "A2": 20.0, "B1": 100.0}
COSTS = {"A1": 6.0, "A2": 12.0, "B1": 70.0}
FAMILY_OF = {"A1": "A", "A2": "A", "B1": "B"}


def resource(name, available, overtime, regular_rate=10.0, overtime_rate=15.0):
    return {"resource": name, "plant": "P1", "available_hours": available,
            "max_overtime_hours": overtime, "regular_cost_per_hour": regular_rate,
            "overtime_cost_per_hour": overtime_rate}


def small_company(*, r1=(1000.0, 0.0), r2=(1000.0, 0.0), a_days=0.0, folder: Path = Path(".")
                  ) -> Company:
    """The company of the module notes; r1/r2 are (available, max overtime) hours a month."""
    families = [
        {"family": "A", "strategy": "MTS", "inventory_target_days": a_days,
         "service_target": 0.95, "plan_strategy": "optimised"},
        {"family": "B", "strategy": "MTO", "backlog_target_weeks": 0.0, "service_target": 0.9,
         "plan_strategy": "optimised"},
    ]
    items = [{"sku": sku, "family": FAMILY_OF[sku], "unit_price": PRICES[sku],
              "standard_cost": COSTS[sku], "status": "active"} for sku in PRICES]
    company = company_from_rows(
        config=CompanyConfig("T", "EUR", horizon_months=12),
        families=families, items=items,
        demand_history=[{"sku": sku, "month": "2025-12", "bookings": 0, "shipments": 0}
                        for sku in PRICES],
        inventory=[{"sku": sku, "month": "2025-12", "on_hand": 0} for sku in PRICES],
        resources=[resource("R1", *r1), resource("R2", *r2)],
        bill_of_resources=[{"family": "A", "resource": "R1", "hours_per_unit": 1.0},
                           {"family": "B", "resource": "R2", "hours_per_unit": 2.0}],
        business_plan=[{"family": f, "month": str(m), "units": 0, "revenue": 1000.0}
                       for f in ("A", "B") for m in MONTHS],
    )
    return dataclasses.replace(company, folder=folder)


def demand_frames(units: dict[str, float]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(family demand, SKU consensus) with the same units per SKU in every plan month."""
    rows = [{"sku": sku, "family": FAMILY_OF[sku], "month": month, "statistical": value,
             "consensus": value, "unit_price": PRICES[sku],
             "consensus_value": value * PRICES[sku]}
            for sku, value in units.items() for month in MONTHS]
    consensus = pd.DataFrame(rows)
    consensus["month"] = consensus["month"].astype("period[M]")
    demand = consensus.groupby(["family", "month"], as_index=False)[
        ["statistical", "consensus", "consensus_value"]].sum()
    return demand, consensus


def write_scenario(folder: Path, name: str, text: str) -> Path:
    """Write a scenario file into `folder`/scenarios and return its path."""
    path = folder / "scenarios" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def monthly_demand_frames(units: dict[str, list[float]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(family demand, SKU consensus) like `demand_frames`, with each SKU's units month by
    month over MONTHS (one value per month)."""
    rows = [{"sku": sku, "family": FAMILY_OF[sku], "month": month, "statistical": value,
             "consensus": value, "unit_price": PRICES[sku],
             "consensus_value": value * PRICES[sku]}
            for sku, values in units.items() for month, value in zip(MONTHS, values, strict=True)]
    consensus = pd.DataFrame(rows)
    consensus["month"] = consensus["month"].astype("period[M]")
    demand = consensus.groupby(["family", "month"], as_index=False)[
        ["statistical", "consensus", "consensus_value"]].sum()
    return demand, consensus


def build_ahead_case():
    """A plan that builds ahead: R1 works 150 regular + 20 overtime hours; A (1 hour a unit)
    needs 140 units a month but 180 in 2026-07, beyond the 170 R1 can work, so the required
    load overloads R1 there while the plan makes 150 from 2026-04 and ships everything.
    Returns run_scenario's baseline result."""
    from sop_lib.presop.scenarios import run_scenario

    company = small_company(r1=(150.0, 20.0))
    demand, consensus = monthly_demand_frames({"A1": [100.0] * 6 + [140.0] + [100.0] * 5,
                                               "A2": [40.0] * 12, "B1": [10.0] * 12})
    return run_scenario(company, demand, consensus)
