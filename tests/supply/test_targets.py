"""Targets: run-out cover in days and weeks, the horizon's extension, safety stock, the floor."""

import numpy as np
import pandas as pd
import pytest

from sop_lib.supply.targets import (
    COVER,
    SAFETY_STOCK,
    Z_P90,
    extend,
    forward_demand,
    service_z,
    targets,
)
from tests.supply.builders import bill, demand_frame, item, make_company, mto, mts, resource

SIGMA_WIDTH = 2 * Z_P90  # p90 - p10 of a normal error with sigma 1


def company_of(*families):
    names = [f["family"] for f in families]
    return make_company(families=list(families), items=[item(f"{n}1", n) for n in names],
                        resources=[resource("R", 1e9)],
                        bill_of_resources=[bill(n, "R", 1) for n in names])


def with_band(demand: pd.DataFrame, sigma: dict) -> pd.DataFrame:
    """The demand with a p10-p90 band of the given sigma per family and month."""
    spread = np.concatenate([np.asarray(sigma[f], float) for f in demand["family"].unique()])
    half = spread * Z_P90
    return demand.assign(p10=demand["consensus"] - half, p90=demand["consensus"] + half)


def test_columns_and_one_row_per_family_and_month():
    table = targets(company_of(mts("A", 30.4), mto("B", 2)),
                    demand_frame({"A": [10, 20], "B": [30, 40]}))
    assert list(table.columns) == ["family", "month", "strategy", "target_days_or_weeks",
                                   "forward_daily_demand", "cover", "forecast_sigma",
                                   "safety_stock", "target", "target_basis"]
    assert table["family"].tolist() == ["A", "A", "B", "B"]
    assert table["target_days_or_weeks"].tolist() == [30.4, 30.4, 2, 2]
    assert table["month"].dtype == "period[M]"


def test_days_of_supply_cover_walks_through_the_coming_months():
    # 45.6 days = 1.5 months: all of next month and half of the one after; past the 4-month
    # horizon the last month (400) repeats.
    table = targets(company_of(mts("A", 45.6)), demand_frame({"A": [100, 200, 300, 400]}))
    assert table["cover"].tolist() == pytest.approx([200 + 150, 300 + 200, 400 + 200, 600])
    assert table["target"].tolist() == pytest.approx([350, 500, 600, 600])
    assert table["forward_daily_demand"].tolist() == pytest.approx(
        [350 / 45.6, 500 / 45.6, 600 / 45.6, 600 / 45.6])
    assert table["target_basis"].tolist() == [COVER] * 4


def test_a_target_under_a_month_covers_part_of_next_month():
    table = targets(company_of(mts("A", 15.2)), demand_frame({"A": [100, 200, 300, 400]}))
    assert table["cover"].tolist() == pytest.approx([100, 150, 200, 200])
    # the daily rate is next month's: 15.2 days x rate = the cover
    assert table["forward_daily_demand"].tolist() == pytest.approx(
        [200 / 30.4, 300 / 30.4, 400 / 30.4, 400 / 30.4])


def test_zero_days_is_a_zero_target_with_next_month_daily_demand():
    table = targets(company_of(mts("A", 0)), demand_frame({"A": [100, 200, 300]}))
    assert table["target"].tolist() == [0, 0, 0]
    assert table["forward_daily_demand"].tolist() == pytest.approx([200 / 30.4, 300 / 30.4,
                                                                    300 / 30.4])


def test_a_year_long_horizon_extends_with_last_years_months():
    demand = np.array([[10.0 * (k + 1) for k in range(12)]])
    extended = extend(demand, 14)
    assert extended[0, 12:].tolist() == [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120,
                                         10, 20]
    # one month of cover at the end of December is January's demand a year earlier (10);
    # two months at the end of November: December (120) + January (10).
    cover = forward_demand(demand, np.array([30.4]))
    assert cover[0, -1] == pytest.approx(10)
    assert cover[0, -2] == pytest.approx(120)
    assert forward_demand(demand, np.array([60.8]))[0, -2:].tolist() == pytest.approx(
        [130, 30])


def test_a_short_horizon_extends_with_its_last_month():
    assert extend(np.array([[1.0, 2.0, 5.0]]), 2)[0].tolist() == [1, 2, 5, 5, 5]


def test_mto_backlog_target_covers_the_next_weeks():
    # 2 weeks = 14 days of next month: 14 / 30.4 x 608 = 280, x 0, x 304, x 304.
    table = targets(company_of(mto("B", 2)), demand_frame({"B": [304, 608, 0, 304]}))
    assert table["target"].tolist() == pytest.approx([280, 0, 140, 140])
    assert table["safety_stock"].tolist() == [0, 0, 0, 0]
    assert table["target_basis"].tolist() == ["weeks of backlog"] * 4


def test_safety_stock_is_z_times_the_sigma_of_the_month_protected():
    demand = with_band(demand_frame({"A": [100, 100, 100]}), {"A": [10, 20, 30]})
    table = targets(company_of(mts("A", 0, service_target=0.95)), demand)
    # the stock at the end of month t protects month t+1; the last month its own.
    assert table["forecast_sigma"].tolist() == pytest.approx([20, 30, 30])
    assert table["safety_stock"].tolist() == pytest.approx([1.644854 * s for s in (20, 30, 30)])
    assert table["target"].tolist() == pytest.approx(table["safety_stock"].tolist())
    assert table["target_basis"].tolist() == [SAFETY_STOCK] * 3


def test_the_target_is_the_larger_of_cover_and_safety_stock():
    # cover = half of next month (100 or 20); safety stock = 1.281552 x 50 = 64.08.
    demand = with_band(demand_frame({"A": [200, 200, 40]}), {"A": [50, 50, 50]})
    table = targets(company_of(mts("A", 15.2, service_target=0.9)), demand)
    assert table["cover"].tolist() == pytest.approx([100, 20, 20])
    assert table["safety_stock"].tolist() == pytest.approx([64.0776] * 3, abs=1e-4)
    assert table["target"].tolist() == pytest.approx([100, 64.0776, 64.0776], abs=1e-4)
    assert table["target_basis"].tolist() == [COVER, SAFETY_STOCK, SAFETY_STOCK]


def test_service_z_is_zero_below_half_and_capped_near_one():
    assert service_z(np.array([0.3, 0.5, 0.9, 0.95, 1.0])).tolist() == pytest.approx(
        [0, 0, 1.281552, 1.644854, 3.719016], abs=1e-6)


def test_without_a_band_there_is_no_safety_stock_and_a_note_says_so():
    from sop_lib.supply.plan import supply_plan
    company = company_of(mts("A", 0))
    result = supply_plan(company, demand_frame({"A": [10, 20]}))
    assert result.plan["safety_stock"].tolist() == [0, 0]
    assert "no forecast band" in result.notes[-1]
    demand = with_band(demand_frame({"A": [10, 20]}), {"A": [1, 1]})
    demand.loc[1, ["p10", "p90"]] = np.nan
    table = targets(company, demand)
    assert table["safety_stock"].tolist() == [0, 0]
    assert supply_plan(company, demand).notes[-1] == (
        "Family A has months without a forecast band: its safety stock there is 0.")
