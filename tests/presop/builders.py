"""Rows and frames for pre-S&OP tests: a company, plan and load rows, money and outlook frames."""
import pandas as pd

from sop_lib.data.company import Company, CompanyConfig
from tests.builders import company_from_rows

START = pd.Period("2026-01", "M")


NAN = float("nan")


def make_company(*, fiscal_start=1, **rows) -> Company:
    """A Company from dict rows per table (absent tables empty), currency EUR."""
    return company_from_rows(config=CompanyConfig("T", "EUR", fiscal_year_start_month=fiscal_start),
                             **rows)


def frame(rows) -> pd.DataFrame:
    """Dict rows as a frame whose month column is Period[M]."""
    table = pd.DataFrame(rows)
    table["month"] = table["month"].astype("period[M]")
    return table


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
