"""Tests of sop_lib.engine.forecast_frame: long-format input and output."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sop_lib.core.errors import ParameterError
from sop_lib.engine import forecast_frame, forecast_matrix

MONTHS = pd.period_range("2022-01", periods=40, freq="M")


def matrix(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(40)
    y = 100 + 30 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 5, (3, 40))
    y[1, :10] = np.nan  # starts in 2022-11
    return np.round(y)


def long(y: np.ndarray, ids=("b-sku", "a-sku", "c-sku")) -> pd.DataFrame:
    rows = [{"unique_id": ids[i], "ds": MONTHS[j], "y": y[i, j]}
            for i in range(y.shape[0]) for j in range(y.shape[1]) if not np.isnan(y[i, j])]
    return pd.DataFrame(rows).sample(frac=1.0, random_state=1)  # any row order


def test_round_trip_matches_the_matrix_forecast():
    y = matrix()
    out = forecast_frame(long(y), 6)
    assert list(out.columns) == ["unique_id", "ds", "method", "forecast", "p10", "p50", "p90"]
    assert isinstance(out["ds"].dtype, pd.PeriodDtype)
    assert list(out["unique_id"].unique()) == ["a-sku", "b-sku", "c-sku"]  # sorted
    assert list(out["ds"].iloc[:6].astype(str)) == [f"2025-{m:02d}" for m in range(5, 11)]
    expected = forecast_matrix(y[[1, 0, 2]], 6)  # rows in id order
    np.testing.assert_array_equal(out["forecast"].to_numpy(), expected.point.ravel())
    np.testing.assert_array_equal(out["p90"].to_numpy(), expected.quantiles[0.9].ravel())
    np.testing.assert_array_equal(out["method"].to_numpy()[::6], expected.method.astype(str))


def test_month_formats_give_the_same_forecast():
    frame = long(matrix())
    as_text = frame.assign(ds=frame["ds"].astype(str))
    as_timestamps = frame.assign(ds=frame["ds"].dt.to_timestamp())
    reference = forecast_frame(frame, 4)
    for other in (as_text, as_timestamps):
        pd.testing.assert_frame_equal(forecast_frame(other, 4), reference)


def test_missing_months_count_as_zero_and_columns_can_be_renamed():
    y = matrix(1)
    frame = long(y).rename(columns={"unique_id": "sku", "ds": "month", "y": "bookings"})
    dropped = frame[~((frame["sku"] == "c-sku") & (frame["month"].isin(MONTHS[[5, 39]])))]
    zeros = frame.copy()
    zeros.loc[(zeros["sku"] == "c-sku") & (zeros["month"].isin(MONTHS[[5, 39]])),
              "bookings"] = 0.0
    options = {"id_col": "sku", "time_col": "month", "target_col": "bookings"}
    pd.testing.assert_frame_equal(forecast_frame(dropped, 3, **options),
                                  forecast_frame(zeros, 3, **options))


def test_options_reach_the_engine_and_name_the_quantile_columns():
    out = forecast_frame(long(matrix()), 3, quantiles=(0.05, 0.5, 0.975),
                         methods=["ses", "theta"], combine=False)
    assert list(out.columns[-3:]) == ["p5", "p50", "p97.5"]
    assert set(out["method"]) <= {"ses", "theta"}


@pytest.mark.parametrize("change, message", [
    (lambda f: f.drop(columns="y"), "no column"),
    (lambda f: pd.concat([f, f.iloc[:1]]), "more than one row"),
    (lambda f: f.assign(ds=f["ds"].astype(str).where(f.index != f.index[0], "Jan 2022")),
     "not a month"),
    (lambda f: f.assign(y=f["y"].where(f.index != f.index[0], np.nan)), "not a number"),
])
def test_bad_frames_are_refused_with_the_place(change, message):
    with pytest.raises(ParameterError, match=message):
        forecast_frame(change(long(matrix())), 3)
