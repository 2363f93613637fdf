"""Rows and frames for supply tests: a company from dict rows, family and resource rows, demand."""
import pandas as pd

from sop_lib.data.company import Company
from tests.builders import company_from_rows

LAST_CLOSED = "2023-12"


BIG = 1e9


def make_company(**rows) -> Company:
    """A Company from dict rows per table; absent tables are empty. History ends LAST_CLOSED."""
    rows.setdefault("demand_history", [
        {"sku": item["sku"], "month": LAST_CLOSED, "bookings": 0, "shipments": 0}
        for item in rows.get("items", [])])
    return company_from_rows(**rows)


def mts(family, days, **extra):
    return {"family": family, "strategy": "MTS", "inventory_target_days": days,
            "service_target": 0.95, **extra}


def mto(family, weeks, **extra):
    return {"family": family, "strategy": "MTO", "backlog_target_weeks": weeks,
            "service_target": 0.95, **extra}


def item(sku, family):
    return {"sku": sku, "family": family, "unit_price": 10, "standard_cost": 6,
            "status": "active"}


def resource(name, available, overtime=0.0, *, regular_cost=30, overtime_cost=45):
    return {"resource": name, "plant": "P1", "available_hours": available,
            "max_overtime_hours": overtime, "regular_cost_per_hour": regular_cost,
            "overtime_cost_per_hour": overtime_cost}


def bill(family, name, hours):
    return {"family": family, "resource": name, "hours_per_unit": hours}


def demand_frame(units: dict, start="2024-01") -> pd.DataFrame:
    """Consensus demand as consensus.family_demand gives it: units per family from `start`."""
    rows = [{"family": family, "month": pd.Period(start, "M") + i, "statistical": value,
             "consensus": value, "consensus_value": 10.0 * value}
            for family, values in units.items() for i, value in enumerate(values)]
    frame = pd.DataFrame(rows)
    frame["month"] = frame["month"].astype("period[M]")
    return frame


def record(rows) -> pd.DataFrame:
    """A plan of record from (family, month, production) tuples."""
    frame = pd.DataFrame(rows, columns=["family", "month", "production"])
    frame["month"] = frame["month"].astype("period[M]")
    return frame


def single_family(family_row, *, on_hand=0.0, open_orders=(), resources=None, bills=None,
                  config=None):
    """A one-family company with SKU X1 and an unconstraining resource unless told otherwise."""
    name = family_row["family"]
    return make_company(
        config=config,
        families=[family_row],
        items=[item("X1", name)],
        inventory=[{"sku": "X1", "month": LAST_CLOSED, "on_hand": on_hand}],
        open_orders=[{"sku": "X1", "due_month": month, "quantity": qty}
                     for month, qty in open_orders],
        resources=resources or [resource("R1", BIG)],
        bill_of_resources=bills or [bill(name, "R1", 1.0)],
    )
