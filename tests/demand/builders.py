"""A company made of SKU bookings series, for segment and life-cycle tests."""
import pandas as pd

from tests.builders import company_from_rows

LAST_CLOSED = pd.Period("2024-12", "M")


def series_company(series: dict[str, list[float]], items: tuple[dict, ...] = ()):
    """A company whose SKUs' bookings end at LAST_CLOSED; item fields default to family F,
    price 1 and status active, and `items` rows override them (or add SKUs with no history)."""
    overrides = {row["sku"]: row for row in items}
    skus = list(dict.fromkeys([*series, *overrides]))
    item_rows = [{"sku": sku, "family": "F", "unit_price": 1.0, "standard_cost": 0.5,
                  "status": "active", **overrides.get(sku, {})} for sku in skus]
    families = sorted({row["family"] for row in item_rows})
    history = [{"sku": sku, "month": LAST_CLOSED - len(values) + 1 + k, "bookings": value,
                "shipments": value}
               for sku, values in series.items() for k, value in enumerate(values)]
    return company_from_rows(
        items=item_rows, demand_history=history,
        families=[{"family": f, "strategy": "MTS", "inventory_target_days": 30,
                   "service_target": 0.95} for f in families])
