"""Tests of sop_lib.demand.launches: launches and phase-outs with their volume, method, ramp and
risk, checked by hand on a small family."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from sop_lib.data.contract import TABLES_BY_NAME, typed_frame
from sop_lib.demand.launches import COLUMNS, launch_review, launches_at_risk
from sop_lib.demand.lifecycle import apply_end_of_life, new_item_forecast
from sop_lib.demand.segments import segment_items
from tests.demand.builders import LAST_CLOSED, series_company

CYCLE = LAST_CLOSED + 1
HORIZON = 12
MONTHS = pd.period_range(CYCLE, periods=HORIZON, freq="M")

# Family F: M mature at 90 a month; P phases out after 2025-03 at 20 a month, 100 in stock;
# N launched six months ago at 10 a month (a family share); A launches, forecast as analog P.
SERIES = {"M": [90] * 24, "P": [20] * 24, "N": [10] * 6}
ITEMS = ({"sku": "P", "status": "phase_out", "end_of_life": "2025-03", "standard_cost": 4.0},
         {"sku": "N", "status": "new", "unit_price": 5.0},
         {"sku": "A", "status": "new", "unit_price": 2.0})


def statistical(skus: dict[str, float]) -> pd.DataFrame:
    """The same forecast every month, by the simple exponential smoothing."""
    return pd.DataFrame([{"sku": sku, "family": "F", "month": month, "forecast": value,
                          "method": "ses"} for sku, value in skus.items() for month in MONTHS])


def review(series=SERIES, items=ITEMS, *, stock=100.0, analogs=None, mature=90.0,
           consensus_change=None):
    """The launch review of a company, its forecast made as the demand review makes it."""
    company = series_company(series, items)
    inventory = typed_frame(TABLES_BY_NAME["inventory"],
                            [{"sku": "P", "month": LAST_CLOSED, "on_hand": stock}])
    company = dataclasses.replace(company, inventory=inventory)
    segments = segment_items(company, cycle=CYCLE, horizon=HORIZON)
    family = pd.DataFrame({"family": "F", "month": MONTHS, "forecast": 200.0})
    new = new_item_forecast(company, segments, family, cycle=CYCLE, horizon=HORIZON,
                            analogs={"A": "P"} if analogs is None else analogs)
    mature_skus = {sku: level for sku, level in {"M": mature, "P": 20.0}.items() if sku in series}
    forecast = apply_end_of_life(pd.concat([statistical(mature_skus), new],
                                           ignore_index=True), company.items)
    price = company.items.set_index("sku")["unit_price"]
    consensus = forecast.rename(columns={"forecast": "statistical"}).assign(
        consensus=lambda f: f["statistical"] * (consensus_change or 1.0))
    consensus["consensus_value"] = consensus["consensus"] * price.reindex(consensus["sku"]).values
    return launch_review(company, segments, consensus, forecast, cycle=CYCLE).set_index("sku")


def test_launches_and_phase_outs_by_hand():
    table = review()
    assert list(table.reset_index().columns) == list(COLUMNS)
    # the largest risk first; M, mature, is not listed
    assert table.index.tolist() == ["A", "N", "P"]
    assert table["kind"].tolist() == ["launch", "launch", "phase-out"]
    assert table["method"].tolist() == [
        "analog P", "family share 8.3%",
        "phase-out: simple exponential smoothing to 2025-03, then zero"]
    # A has no bookings: its first planned month; N its first month; P its end of life
    assert table["first_or_last_month"].tolist() == [CYCLE, pd.Period("2024-07", "M"),
                                                     pd.Period("2025-03", "M")]
    # A: analog level 20 a month x 12 at 2; N: share 60 / 720 of 200 a month x 12 at 5;
    # P: 20 a month to 2025-03 at 1
    np.testing.assert_allclose(table["units"], [240.0, 200.0, 60.0])
    np.testing.assert_allclose(table["revenue"], [480.0, 1000.0, 60.0])


def test_a_launch_behind_its_family_puts_revenue_at_risk():
    n = review().loc["N"]
    # N books 10 a month against 200 / 12 forecast: 60%. The family books 90 + 20 + 10 = 120
    # against 90 + 20 + 16.67 + 20 (A) = 146.67 forecast: 81.8%. N's pace: 0.6 / 0.818 = 73.3%
    assert n["ramp"] == pytest.approx(0.6)
    assert n["family_ramp"] == pytest.approx(120 / (440 / 3))
    pace = 0.6 / (120 / (440 / 3))
    assert n["risk_value"] == pytest.approx(1000.0 * (1 - pace))
    assert n["risk"] == ("Booked 10 a month in 2024-10 to 2024-12 against 17 a month forecast "
                         "for 2025-01 to 2025-03: behind its family's pace; if it stays there, "
                         "EUR 267 of its EUR 1,000 is at risk.")


def test_a_launch_without_bookings_rests_on_its_forecast():
    a = review().loc["A"]
    assert np.isnan(a["ramp"])
    assert a["risk_value"] == 480.0
    assert a["risk"] == ("No bookings yet: its EUR 480 over the next 12 months rests on the "
                         "analog P forecast alone; confirm the launch month and the first orders.")


def test_a_phase_out_with_stock_beyond_its_demand_risks_obsolescence():
    p = review().loc["P"]
    # 100 in stock, 3 x 20 forecast to 2025-03: 40 left at standard cost 4
    assert np.isnan(p["ramp"]) and np.isnan(p["family_ramp"])
    assert p["risk_value"] == 160.0
    assert p["risk"] == ("100 units in stock, 60 units forecast for 2025-01 to 2025-03: 40 units "
                         "would be left, EUR 160 at standard cost; stop making it and plan a "
                         "sell-off.")


def test_a_phase_out_whose_stock_runs_out_first_carries_no_risk():
    p = review(stock=25.0).loc["P"]
    assert p["risk_value"] == 0.0
    assert p["risk"] == ("25 units in stock, 60 units forecast for 2025-01 to 2025-03: the stock "
                         "runs out first; make no more than the 35 units still needed.")


def test_a_launch_on_its_family_pace_is_on_track():
    # N books 10 of the family's 100 and is forecast 10% of 200; M is forecast 180 of it
    series = {"M": [90] * 24, "N": [10] * 6}
    items = ({"sku": "N", "status": "new", "unit_price": 5.0},)
    n = review(series, items, analogs={}, mature=180.0).loc["N"]
    assert n["ramp"] == pytest.approx(n["family_ramp"])
    assert n["risk_value"] == 0.0
    assert n["risk"].endswith(": on track with its family.")


def test_a_launch_without_history_or_analog_takes_the_family_average():
    a = review(analogs={}).loc["A"]
    assert a["method"] == "family average"


def test_units_and_revenue_follow_the_consensus():
    table = review(consensus_change=1.5)
    np.testing.assert_allclose(table["units"], [360.0, 300.0, 90.0])
    np.testing.assert_allclose(table["revenue"], [720.0, 1500.0, 90.0])


def test_no_launch_or_phase_out_gives_an_empty_table():
    table = review({"M": [90] * 24}, (), analogs={}).reset_index()
    assert table.empty
    assert list(table.columns) == list(COLUMNS)


def test_the_executive_page_lists_only_the_rows_with_money_at_risk():
    review = pd.DataFrame({"sku": ["A", "B", "C"], "family": ["F"] * 3,
                           "kind": ["launch", "launch", "phase-out"],
                           "first_or_last_month": pd.PeriodIndex(["2026-05"] * 3, freq="M"),
                           "method": ["x"] * 3, "units": [1.0] * 3, "revenue": [10.0] * 3,
                           "ramp": [1.0] * 3, "family_ramp": [1.0] * 3,
                           "risk": ["r1", "r2", "r3"], "risk_value": [5.0, 0.0, 2.5]})
    shown = launches_at_risk(review)
    assert shown["sku"].tolist() == ["A", "C"]
    assert list(shown.columns) == ["sku", "family", "kind", "first_or_last_month", "revenue",
                                   "risk", "risk_value"]
