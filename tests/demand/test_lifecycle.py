"""Tests of sop_lib.demand.lifecycle: new-item forecasts (share, ramp, analog, average), end of
life."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sop_lib.core.errors import ParameterError
from sop_lib.demand.lifecycle import apply_end_of_life, new_item_forecast
from sop_lib.demand.segments import segment_items
from tests.demand.builders import series_company

CYCLE = pd.Period("2025-01", "M")
MONTHS = pd.period_range(CYCLE, periods=2, freq="M")


def family_plan(**per_family) -> pd.DataFrame:
    """A family forecast for the two months of the horizon."""
    return pd.DataFrame([{"family": family, "month": month, "forecast": value}
                         for family, values in per_family.items()
                         for month, value in zip(MONTHS, values, strict=True)])


def new_items(series, items=(), plan=None, analogs=None) -> pd.DataFrame:
    company = series_company(series, items)
    segments = segment_items(company, cycle=CYCLE, horizon=2)
    return new_item_forecast(company, segments, plan if plan is not None else family_plan(F=[0, 0]),
                             cycle=CYCLE, horizon=2, analogs=analogs)


def by_sku(forecast: pd.DataFrame) -> dict[str, list[float]]:
    return {sku: rows["forecast"].tolist() for sku, rows in forecast.groupby("sku", sort=True)}


def methods(forecast: pd.DataFrame) -> dict[str, str]:
    return forecast.groupby("sku")["method"].first().to_dict()


# --- new items: family share ---------------------------------------------------------------------

def test_family_share_times_family_forecast():
    # N's 6 months: family books 90 (M) + 20 (P, phase-out, still counted) + 10 (N) = 120
    result = new_items({"M": [90] * 24, "P": [20] * 24, "N": [10] * 6},
                       ({"sku": "P", "status": "phase_out"},), family_plan(F=[240, 360]))
    assert list(result.columns) == ["sku", "family", "month", "forecast", "method"]
    assert result["sku"].unique().tolist() == ["N"]
    assert result["month"].tolist() == list(MONTHS)
    np.testing.assert_allclose(result["forecast"], [20.0, 30.0])
    assert methods(result) == {"N": "new item: family share 8.3%"}


def test_ramping_launch_uses_its_latest_three_months_share():
    # family 90..100; share since launch 30/570, latest 3 months 24/294 = 4/49
    result = new_items({"M": [90] * 24, "N": [0, 2, 4, 6, 8, 10]}, plan=family_plan(F=[490, 98]))
    np.testing.assert_allclose(result["forecast"], [40.0, 8.0])
    assert methods(result) == {"N": "new item: family share 8.2% (latest 3 months)"}


def test_falling_share_uses_the_share_since_launch():
    # family 100 x4 then 95 x2: since launch 50/590, latest 3 months 20/290 (lower)
    result = new_items({"M": [90] * 24, "N": [10, 10, 10, 10, 5, 5]},
                       plan=family_plan(F=[590, 1180]))
    np.testing.assert_allclose(result["forecast"], [50.0, 100.0])
    assert methods(result) == {"N": "new item: family share 8.5%"}


def test_launch_of_three_months_uses_all_of_them():
    # family 10, 11, 12: share 6/33 over the three months there are
    result = new_items({"M": [9] * 24, "N": [1, 2, 3]}, plan=family_plan(F=[330, 0]))
    np.testing.assert_allclose(result["forecast"], [60.0, 0.0])
    assert methods(result) == {"N": "new item: family share 18.2%"}


def test_share_is_of_the_sku_own_family():
    result = new_items({"M": [30] * 24, "G1": [50] * 24, "N": [10] * 6},
                       ({"sku": "G1", "family": "G"},), family_plan(F=[100, 200], G=[7, 7]))
    np.testing.assert_allclose(result["forecast"], [25.0, 50.0])
    assert result["family"].unique().tolist() == ["F"]


# --- new items without sales: analog and family average ------------------------------------------

def test_analog_average_of_its_first_twelve_months():
    # A's first 12 months average 6.5; its later 100s do not count. S sold nothing yet.
    series = {"A": list(range(1, 13)) + [100] * 3, "S": [0, 0], "B": [2, 4, 6, 8]}
    result = new_items(series, ({"sku": "N", "status": "new"},), family_plan(F=[999, 999]),
                       analogs={"N": "A", "S": "A", "B": "A"})
    # B has sold: its share since launch is 20 / (14 + 104 + 106 + 108), A included
    assert by_sku(result) == {"B": pytest.approx([20 / 332 * 999] * 2), "N": [6.5, 6.5],
                              "S": [6.5, 6.5]}
    assert methods(result)["N"] == "new item: analog A"
    assert methods(result)["B"].startswith("new item: family share")


def test_analog_with_fewer_months_uses_what_it_has():
    result = new_items({"M": [50] * 24, "A": [2, 4, 6, 8]}, ({"sku": "N", "status": "new"},),
                       family_plan(F=[10, 10]), analogs={"N": "A"})
    assert by_sku(result)["N"] == [5.0, 5.0]


def test_family_average_without_sales_or_analog():
    # M1 and M2 booked in the last 12 months, Z did not: the family average is plan / 2
    series = {"M1": [10] * 24, "M2": [10] * 24, "Z": [5] * 12 + [0] * 12, "N0": [0, 0]}
    result = new_items(series, ({"sku": "N", "status": "new"}, {"sku": "L", "status": "new"}),
                       family_plan(F=[100, 50]), analogs={"N": "L"})
    assert by_sku(result) == {"L": [50.0, 25.0], "N": [50.0, 25.0], "N0": [50.0, 25.0]}
    assert set(methods(result).values()) == {"new item: family average"}


def test_unknown_analog_is_refused():
    with pytest.raises(ParameterError, match="GHOST"):
        new_items({"M": [5] * 24}, ({"sku": "N", "status": "new"},), analogs={"N": "GHOST"})


def test_family_forecast_missing_a_month_is_refused():
    plan = family_plan(F=[1, 1]).iloc[:1]
    with pytest.raises(ParameterError, match=r"F \(2025-02\)"):
        new_items({"M": [5] * 24, "N": [1]}, plan=plan)


def test_no_new_items_gives_an_empty_frame():
    result = new_items({"M": [5] * 24})
    assert result.empty
    assert list(result.columns) == ["sku", "family", "month", "forecast", "method"]
    assert result["month"].dtype == "period[M]"


# --- end of life ---------------------------------------------------------------------------------

def test_end_of_life_zeroes_later_months_and_inactive_skus():
    items = series_company({}, ({"sku": "P", "end_of_life": "2025-02"},
                                {"sku": "I", "status": "inactive"}, {"sku": "A"},
                                {"sku": "X", "status": "phase_out"})).items
    months = pd.period_range("2025-01", periods=4, freq="M")
    forecast = pd.DataFrame({"sku": np.repeat(["P", "I", "A", "X", "unknown"], 4),
                             "month": np.tile(months, 5), "forecast": 7.0, "method": "ses",
                             "note": "kept"})
    original = forecast.copy()
    result = apply_end_of_life(forecast, items)
    pd.testing.assert_frame_equal(forecast, original)
    assert result.columns.tolist() == forecast.columns.tolist()
    assert len(result) == 20
    assert result["forecast"].tolist() == [7, 7, 0, 0] + [0] * 4 + [7] * 12
    assert result["method"].tolist() == (
        ["ses", "ses"] + ["phase-out: zero after 2025-02"] * 2 + ["inactive: zero"] * 4
        + ["ses"] * 12)
    assert result["note"].eq("kept").all()
