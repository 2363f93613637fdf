"""Forecasts for SKUs the statistical engine cannot forecast alone: new items and end of life.

A new SKU (life cycle "new" in `segments.segment_items`) gets, in this order of preference:
1. its share of its family's bookings times the family forecast, when it has booked anything.
   The share is its bookings over the family's bookings (every SKU of the family, itself
   included, whatever their status) in the months since its first month. While the share is
   still rising - the share over its latest RAMP_MONTHS months is above its share since launch -
   the latest months' share is used, so a ramping launch is not held back by its first months;
2. the analog's level, for a SKU that has booked nothing yet and has an analog with history:
   the analog's average monthly bookings over its first ANALOG_MONTHS months (or all it has),
   the same every month;
3. the family average: the family forecast divided by the number of family SKUs that booked
   anything in the segments' value window (at least one).
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sop_lib.core.errors import ParameterError
from sop_lib.core.frames import positions
from sop_lib.core.months import month_label, month_range
from sop_lib.data.company import Company
from sop_lib.data.history_matrix import HistoryMatrix
from sop_lib.demand.segments import NEW

RAMP_MONTHS = 3
ANALOG_MONTHS = 12
INACTIVE_ZERO = "inactive: zero"

FORECAST_DTYPES = {"sku": str, "family": str, "month": pd.PeriodDtype("M"), "forecast": float,
                   "method": str}


def new_item_forecast(company: Company, segments: pd.DataFrame, family_forecast: pd.DataFrame,
                      *, cycle, horizon: int, analogs: Mapping[str, str] | None = None,
                      bookings: HistoryMatrix | None = None) -> pd.DataFrame:
    """Forecast every new SKU of `segments` for months cycle .. cycle+horizon-1 (see module).

    `family_forecast` has columns family, month (Period[M]) and forecast, covering the horizon
    for every family with a new SKU; `analogs` maps a new SKU to an existing SKU. Returns
    columns sku, family, month, forecast and method ("new item: family share 4.2%",
    "new item: family share 9.0% (latest 3 months)", "new item: analog GT-003",
    "new item: family average"). `bookings` are `HistoryMatrix.of(company)` when the caller has them
    already.
    """
    if horizon < 1:
        raise ParameterError(f"horizon must be at least 1 month, got {horizon}")
    analogs = dict(analogs or {})
    _check_analogs(analogs, company.items)
    months = month_range(pd.Period(cycle, freq="M"), horizon)
    new = segments.loc[segments["lifecycle"] == NEW, ["sku", "family"]]
    if new.empty:
        return _empty()
    plan = _family_plan(family_forecast, new["family"].unique(), months)
    selling = segments.loc[segments["annual_units"] > 0, "family"].value_counts()
    bookings = HistoryMatrix.of(company) if bookings is None else bookings
    series, families = _monthly_bookings(bookings, [*new["sku"], *analogs.values()])
    frames = []
    for sku, family in new.itertuples(index=False):
        own = series[sku]
        analog = series.get(analogs.get(sku), np.empty(0))
        if own.sum() > 0:
            share, method = _family_share(own, families[family][-own.size:])
            values = share * plan[family]
        elif analog.size:
            values = np.full(horizon, analog[:ANALOG_MONTHS].mean())
            method = f"new item: analog {analogs[sku]}"
        else:
            values = plan[family] / max(selling.get(family, 0), 1)
            method = "new item: family average"
        frames.append(pd.DataFrame({"sku": sku, "family": family, "month": months,
                                    "forecast": values, "method": method}))
    return pd.concat(frames, ignore_index=True).astype(FORECAST_DTYPES)


def apply_end_of_life(forecast: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Zero the forecast after each SKU's end_of_life, and all of it for inactive SKUs.

    `forecast` has at least columns sku, month (Period[M]), forecast and method; every row is
    kept and only zeroed rows change: method becomes "phase-out: zero after 2027-01" or
    "inactive: zero". SKUs missing from `items` and phase_out SKUs without an end_of_life are
    left as they are.
    """
    item = positions(forecast["sku"], items["sku"])
    known = item >= 0
    inactive = known & (items["status"].to_numpy(dtype=object)[item] == "inactive")
    end = pd.PeriodIndex(items["end_of_life"], freq="M")[item].where(known)
    months = pd.PeriodIndex(forecast["month"], freq="M")
    after = ~end.isna() & (months.asi8 > end.asi8) & ~inactive
    result = forecast.copy()
    result.loc[inactive | after, "forecast"] = 0.0
    result.loc[inactive, "method"] = INACTIVE_ZERO
    result.loc[after, "method"] = "phase-out: zero after " + end[after].strftime("%Y-%m")
    return result


def _check_analogs(analogs: dict[str, str], items: pd.DataFrame) -> None:
    named = list({sku for pair in analogs.items() for sku in pair})
    unknown = sorted(np.array(named, dtype=object)[positions(named, items["sku"]) < 0])
    if unknown:
        raise ParameterError(f"analogs name SKUs that are not in items: {', '.join(unknown)}")


def _family_plan(family_forecast: pd.DataFrame, families, months: pd.PeriodIndex
                 ) -> dict[str, np.ndarray]:
    """Each family's forecast over `months`; an error names every family and month missing."""
    forecast = family_forecast.assign(month=family_forecast["month"].astype("period[M]"))
    wide = (forecast.set_index(["family", "month"])["forecast"].unstack("month")
            .reindex(index=list(families), columns=months))
    gaps = [f"{family} ({', '.join(month_label(m) for m in row.index[row.isna()])})"
            for family, row in wide.iterrows() if row.isna().any()]
    if gaps:
        raise ParameterError("family_forecast has no forecast for the new SKUs' families in "
                             "these months: " + "; ".join(gaps))
    return {family: row.to_numpy(dtype=float) for family, row in wide.iterrows()}


def _monthly_bookings(bookings: HistoryMatrix, skus: list[str]
                      ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Bookings by month up to the last closed month of `skus` and of every family.

    A SKU's series runs from its first month (empty without any history), gaps 0; a family's
    covers every month from the first month of history, 0 where none of its SKUs booked.
    """
    skus = list(dict.fromkeys(skus))
    families, totals = bookings.family_totals()
    own = bookings.series(skus)
    return ({sku: row[~np.isnan(row)] for sku, row in zip(skus, own)},
            dict(zip(families, np.nan_to_num(totals))))


def _family_share(own: np.ndarray, family: np.ndarray) -> tuple[float, str]:
    """The SKU's share of the family's bookings in the same months, and its method label."""
    share = own.sum() / family.sum()
    recent_family = family[-RAMP_MONTHS:].sum()
    recent = own[-RAMP_MONTHS:].sum() / recent_family if recent_family > 0 else 0.0
    if own.size > RAMP_MONTHS and recent > share:
        return recent, f"new item: family share {recent:.1%} (latest {RAMP_MONTHS} months)"
    return share, f"new item: family share {share:.1%}"


def _empty() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=dtype)
                         for column, dtype in FORECAST_DTYPES.items()})
