"""Tests of sop_lib.data.actuals: actuals rolled up from SKUs to families."""
from __future__ import annotations

import pandas as pd

from sop_lib.data.actuals import family_history
from tests.builders import company_from_rows


def test_family_history_sums_the_skus_of_each_family_per_month():
    rows = [("a", "2024-01", 5, 4), ("b", "2024-01", 2, 2), ("a", "2024-02", 1, 3),
            ("c", "2024-02", 7, 6), ("z", "2024-01", 100, 100)]  # z is not in items
    made = company_from_rows(
        items=[{"sku": sku, "family": family, "unit_price": 1.0, "status": "active"}
               for sku, family in (("a", "F"), ("b", "F"), ("c", "E"))],
        families=[{"family": f, "strategy": "MTS"} for f in ("E", "F")],
        demand_history=[{"sku": s, "month": m, "bookings": b, "shipments": p}
                        for s, m, b, p in rows])
    history = family_history(made)
    assert history.to_dict("list") == {
        "family": ["E", "F", "F"],
        "month": list(pd.PeriodIndex(["2024-02", "2024-01", "2024-02"], freq="M")),
        "bookings": [7.0, 7.0, 1.0], "shipments": [6.0, 6.0, 3.0]}
