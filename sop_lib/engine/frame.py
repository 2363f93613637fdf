"""`forecast_frame`: the engine on long-format data (one row per series and month)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from sop_lib.core.errors import ParameterError
from sop_lib.engine.core import forecast_matrix


def quantile_column(level: float) -> str:
    """Column name of a quantile level: 0.1 -> "p10", 0.975 -> "p97.5"."""
    return f"p{round(level * 100, 6):g}"


def forecast_frame(df: pd.DataFrame, horizon: int, *, id_col: str = "unique_id",
                   time_col: str = "ds", target_col: str = "y", **options) -> pd.DataFrame:
    """Forecast every series of a long frame `horizon` months after the last month in it.

    `df` has one row per series (`id_col`) and month (`time_col`: Period[M], timestamps or
    "YYYY-MM" text) with the value `target_col`. A series starts at its first month; months
    missing after that (inside the series or after its last row) count as zero. `options` are
    those of `forecast_matrix`. Returns columns id_col, time_col (Period[M]), method, forecast
    (the point forecast) and one column per quantile level (p10, p50, p90 by default), sorted by
    series then month.
    """
    missing = [col for col in (id_col, time_col, target_col) if col not in df.columns]
    if missing:
        raise ParameterError(f"the frame has no column(s) {missing}; it has {list(df.columns)}")
    months = _months(df[time_col], time_col)
    target = pd.to_numeric(df[target_col], errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(target))
    if bad.size:
        raise ParameterError(f"column {target_col!r}, row {df.index[bad[0]]!r}: value "
                             f"{df[target_col].iloc[bad[0]]!r} is not a number")
    codes, ids = pd.factorize(df[id_col], sort=True)
    if (codes < 0).any():
        raise ParameterError(f"column {id_col!r} has a missing series id "
                             f"(row {df.index[np.flatnonzero(codes < 0)[0]]!r})")
    ordinals = months.asi8
    first = ordinals.min() if ordinals.size else 0
    column = ordinals - first
    duplicated = pd.DataFrame({"series": codes, "month": column}).duplicated().to_numpy()
    if duplicated.any():
        row = np.flatnonzero(duplicated)[0]
        raise ParameterError(f"series {ids[codes[row]]!r} has more than one row for month "
                             f"{months[row]} (row {df.index[row]!r})")
    width = int(column.max()) + 1 if column.size else 0
    wide = np.zeros((ids.size, width))
    wide[codes, column] = target
    starts = np.full(ids.size, width)
    np.minimum.at(starts, codes, column)
    wide[np.arange(width)[None, :] < starts[:, None]] = np.nan
    result = forecast_matrix(wide, horizon, **options)
    future = pd.period_range(pd.Period(ordinal=first + width, freq="M"), periods=horizon,
                             freq="M")
    out = pd.DataFrame({id_col: np.repeat(np.asarray(ids), horizon),
                        time_col: np.tile(future, ids.size),
                        "method": np.repeat(result.method, horizon).astype(str),
                        "forecast": result.point.ravel()})
    for level, values in result.quantiles.items():
        out[quantile_column(level)] = values.ravel()
    return out


def _months(column: pd.Series, name: str) -> pd.PeriodIndex:
    """A month column as a PeriodIndex; ParameterError naming the first unreadable value."""
    if isinstance(column.dtype, pd.PeriodDtype):
        months = pd.PeriodIndex(column).asfreq("M")
    elif pd.api.types.is_datetime64_any_dtype(column):
        months = pd.PeriodIndex(column.dt.to_period("M"))
    else:
        text = column.astype(str)
        parsed = pd.to_datetime(text, format="%Y-%m", errors="coerce")
        bad = np.flatnonzero(parsed.isna().to_numpy())
        if bad.size:
            raise ParameterError(f"column {name!r}, row {column.index[bad[0]]!r}: value "
                                 f"{column.iloc[bad[0]]!r} is not a month (expected YYYY-MM)")
        months = pd.PeriodIndex(parsed.dt.to_period("M"))
    if months.isna().any():
        row = np.flatnonzero(months.isna())[0]
        raise ParameterError(f"column {name!r}, row {column.index[row]!r}: missing month")
    return months
