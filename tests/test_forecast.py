"""Tests of sop_lib.forecast: method choice per series, Croston, the SKU forecast, backtest."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.holtwinters import ExponentialSmoothing

import sop_lib.forecast as forecast_module
from sop_lib.company import Company, CompanyConfig
from sop_lib.errors import ParameterError
from sop_lib.forecast import backtest, croston, forecast_series, statistical_forecast

LAST_CLOSED = pd.Period("2024-12", "M")
HW_FIT = {"use_brute": False, "method": "least_squares"}


def seasonal_series(months: int, *, level=100.0, slope=0.5, seed=0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(months)
    return level + slope * t + 25 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 4, months)


def make_company(history: dict[str, list[float]], statuses: dict[str, str] | None = None,
                 families: dict[str, str] | None = None,
                 end_of_life: dict[str, str] | None = None) -> Company:
    """A company whose SKUs' histories all end at LAST_CLOSED; one family 'F' unless given."""
    statuses, families, end_of_life = statuses or {}, families or {}, end_of_life or {}
    skus = list(history)
    items = pd.DataFrame({
        "sku": pd.Series(skus, dtype=str),
        "family": pd.Series([families.get(s, "F") for s in skus], dtype=str),
        "description": pd.Series([""] * len(skus), dtype=str),
        "unit_price": 10.0, "standard_cost": 6.0,
        "status": pd.Series([statuses.get(s, "active") for s in skus], dtype=str),
        "end_of_life": pd.Series([pd.Period(end_of_life[s], "M") if s in end_of_life else pd.NaT
                                  for s in skus], dtype="period[M]"),
    })
    rows = [(sku, LAST_CLOSED - (len(values) - 1) + k, float(v))
            for sku, values in history.items() for k, v in enumerate(values)]
    demand = pd.DataFrame(rows, columns=["sku", "month", "bookings"]).astype(
        {"sku": str, "month": "period[M]"})
    demand["shipments"] = demand["bookings"]
    return Company(folder=Path("."), config=CompanyConfig("T", "EUR"),
                   tables={"items": items, "demand_history": demand}, files={})


# --- forecast_series -------------------------------------------------------------------------

def test_holt_winters_matches_statsmodels_fit_of_the_same_model():
    values = seasonal_series(36)
    result, method = forecast_series(values, 12)
    expected = (ExponentialSmoothing(values, trend="add", damped_trend=True, seasonal="add",
                                     seasonal_periods=12).fit(**HW_FIT).forecast(12))
    assert method == forecast_module.HOLT_WINTERS
    np.testing.assert_allclose(result, np.clip(expected, 0, None), rtol=1e-9)
    # the seasonal shape survives: forecast peaks a year after the history's peak season
    assert abs(int(np.argmax(result)) - int(np.argmax(values[-12:]))) <= 1


def test_croston_sba_on_a_hand_computed_intermittent_series():
    values = np.array([0, 4, 0, 0, 2, 0, 6], dtype=float)
    # demands 4, 2, 6 at months 2, 5, 7 -> intervals 2, 3, 2; SES with alpha 0.1 from the first:
    size = 4 + 0.1 * (2 - 4)           # 3.8
    size = size + 0.1 * (6 - size)     # 4.02
    interval = 2 + 0.1 * (3 - 2)       # 2.1
    interval = interval + 0.1 * (2 - interval)  # 2.09
    expected = (1 - 0.1 / 2) * size / interval
    assert expected == pytest.approx(0.95 * 4.02 / 2.09)
    np.testing.assert_allclose(croston(values, 4), [expected] * 4)
    result, method = forecast_series(values, 4)
    assert method == forecast_module.CROSTON
    np.testing.assert_allclose(result, [expected] * 4)


@pytest.mark.parametrize(("values", "method"), [
    (seasonal_series(30), forecast_module.HOLT_WINTERS),
    (seasonal_series(9), forecast_module.SES),
    (np.tile([0.0, 0.0, 5.0], 10), forecast_module.CROSTON),       # ADI 3 > 1.32, long series
    (np.array([0.0, 3.0] * 4), forecast_module.CROSTON),           # ADI 2, short series
    (np.array([7.0, 9.0, 11.0]), forecast_module.NEW_ITEM),
    (np.zeros(30), forecast_module.ZERO_DEMAND),
    (np.array([]), forecast_module.NO_HISTORY),
])
def test_method_follows_the_series_pattern(values, method):
    result, chosen = forecast_series(values, 5)
    assert chosen == method
    assert result.shape == (5,)
    assert np.all(np.isfinite(result)) and np.all(result >= 0)


def test_new_item_gets_its_average_and_no_demand_gets_zero():
    np.testing.assert_allclose(forecast_series(np.array([7.0, 9.0, 11.0, 0.0, 8.0]), 3)[0],
                               [7.0, 7.0, 7.0])
    np.testing.assert_array_equal(forecast_series(np.zeros(40), 3)[0], [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(forecast_series(np.array([]), 2)[0], [0.0, 0.0])


def test_medium_history_with_a_clear_trend_gets_holt_damped_trend():
    rng = np.random.default_rng(3)
    values = 50 + 8 * np.arange(18) + rng.normal(0, 1, 18)
    result, method = forecast_series(values, 3)
    assert method == forecast_module.HOLT
    expected = (ExponentialSmoothing(values, trend="add", damped_trend=True)
                .fit(**HW_FIT).forecast(3))
    np.testing.assert_allclose(result, expected, rtol=1e-9)
    assert result[0] > values[-1]


def test_medium_history_without_trend_gets_simple_smoothing_when_its_aicc_is_lower():
    values = np.array([100.0, 104, 97, 101, 99, 103, 98, 102, 100, 101, 99, 100, 102, 98])
    holt = ExponentialSmoothing(values, trend="add", damped_trend=True).fit(**HW_FIT)
    ses = ExponentialSmoothing(values).fit(**HW_FIT)
    result, method = forecast_series(values, 2)
    assert method == (forecast_module.HOLT if holt.aicc < ses.aicc else forecast_module.SES)
    assert method == forecast_module.SES
    np.testing.assert_allclose(result, ses.forecast(2), rtol=1e-9)


def test_failed_holt_winters_fit_falls_back_to_simple_smoothing(monkeypatch):
    def seasonal_fails(values, **model):
        if "seasonal" in model:
            raise ValueError("cannot fit")
        return ExponentialSmoothing(values, **model)

    monkeypatch.setattr(forecast_module, "ExponentialSmoothing", seasonal_fails)
    values = seasonal_series(30)
    result, method = forecast_series(values, 4)
    assert method == "simple exponential smoothing (Holt-Winters: damped trend + seasonality " \
                     "fit failed)"
    np.testing.assert_allclose(result, ExponentialSmoothing(values).fit(**HW_FIT).forecast(4))


def test_falling_demand_is_clipped_at_zero():
    t = np.arange(30)
    values = np.maximum(0, 300 - 10 * t + 5 * np.sin(2 * np.pi * t / 12))
    values[-1] = 1.0  # still selling, so not an all-zero series
    result, _ = forecast_series(values, 12)
    assert np.all(result >= 0)
    assert np.any(result == 0)


# --- statistical_forecast --------------------------------------------------------------------

def test_statistical_forecast_covers_every_live_sku_and_month():
    company = make_company(
        {"A": seasonal_series(30), "B": seasonal_series(30, seed=1),
         "C": seasonal_series(30, seed=2), "D": [4.0, 6.0, 8.0]},
        statuses={"B": "inactive", "C": "phase_out", "D": "new"},
        families={"D": "G"}, end_of_life={"C": "2025-02"})
    result = statistical_forecast(company, cycle=pd.Period("2025-01", "M"), horizon=4)

    assert list(result.columns) == ["sku", "family", "month", "forecast", "method"]
    assert result["month"].dtype == pd.PeriodDtype("M")
    months = list(pd.period_range("2025-01", periods=4, freq="M"))
    for sku in ("A", "C", "D"):
        assert list(result.loc[result["sku"] == sku, "month"]) == months
    assert "B" not in set(result["sku"])
    assert len(result) == 12
    assert dict(zip(result["sku"], result["family"])) == {"A": "F", "C": "F", "D": "G"}
    assert (result["forecast"] >= 0).all()

    c = result[result["sku"] == "C"].set_index("month")
    assert (c.loc[:"2025-02", "forecast"] > 0).all()
    assert (c.loc["2025-03":, "forecast"] == 0).all()
    assert (c.loc["2025-03":, "method"] == forecast_module.AFTER_END_OF_LIFE).all()
    assert (c.loc[:"2025-02", "method"] == forecast_module.HOLT_WINTERS).all()

    d = result[result["sku"] == "D"]
    assert (d["forecast"] == 6.0).all() and (d["method"] == forecast_module.NEW_ITEM).all()


def test_statistical_forecast_for_a_later_cycle_forecasts_the_gap_and_keeps_the_cycle():
    values = seasonal_series(30)
    company = make_company({"A": values})
    result = statistical_forecast(company, cycle=pd.Period("2025-03", "M"), horizon=4)
    assert list(result["month"]) == list(pd.period_range("2025-03", periods=4, freq="M"))
    expected, _ = forecast_series(values, 6)
    np.testing.assert_allclose(result["forecast"], expected[2:])


def test_statistical_forecast_rejects_a_cycle_that_is_already_closed():
    company = make_company({"A": [5.0] * 8})
    with pytest.raises(ParameterError, match="2024-12"):
        statistical_forecast(company, cycle=LAST_CLOSED, horizon=3)


# --- backtest --------------------------------------------------------------------------------

def test_backtest_compares_the_refitted_forecast_with_holdout_bookings():
    company = make_company(
        {"A": [10, 10, 10, 10, 10, 12, 6],   # 5 months before the cut-off: average 10
         "B": [4, 4, 4, 4, 4, 0, 0],         # average 4, then nothing booked
         "C": [0, 0, 0, 0, 2, 0, 0],         # family G: average 0.4 but no bookings after
         "D": [9, 9],                        # launched after the cut-off: left out
         "E": [50] * 7},                     # inactive: left out
        statuses={"E": "inactive"}, families={"C": "G"})
    result = backtest(company, holdout=2)

    assert list(result.columns) == ["family", "months", "actual", "forecast", "abs_error",
                                    "wape", "bias"]
    f = result.set_index("family").loc["F"]
    # A: forecast 10+10 vs 12+6, |errors| 2+4; B: forecast 4+4 vs 0+0, |errors| 4+4
    assert f["months"] == 2
    assert f["actual"] == pytest.approx(18)
    assert f["forecast"] == pytest.approx(28)
    assert f["abs_error"] == pytest.approx(14)
    assert f["wape"] == pytest.approx(14 / 18)
    assert f["bias"] == pytest.approx(10 / 18)
    g = result.set_index("family").loc["G"]
    assert g["actual"] == 0 and g["forecast"] == pytest.approx(0.8)
    assert g["abs_error"] == pytest.approx(0.8)
    assert np.isnan(g["wape"]) and np.isnan(g["bias"])


def test_backtest_needs_history_before_the_holdout():
    company = make_company({"A": [5.0, 6.0]})
    assert backtest(company, holdout=3).empty
    with pytest.raises(ParameterError):
        backtest(company, holdout=0)
