"""Reading and writing long-format series files (id, month, quantity) for `sop forecast`."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sop_lib.core.errors import DataError, Problem
from sop_lib.core.months import MONTH_FORMAT_HELP, parse_months

SUFFIXES = (".csv", ".parquet")


def read_series(path, *, id_col: str, time_col: str, target_col: str) -> pd.DataFrame:
    """A long-format file as `unique_id, ds (Period[M]), y`; DataError lists every bad cell."""
    path = Path(path)
    name = path.name
    if path.suffix.lower() not in SUFFIXES:
        raise DataError([Problem(name, "expected a .csv or .parquet file")])
    if not path.is_file():
        raise DataError([Problem(name, "file not found")])
    raw = (pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
           if path.suffix.lower() == ".csv"
           else pd.read_parquet(path).astype("string").fillna("").astype(str))
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c for c in (id_col, time_col, target_col) if c not in raw.columns]
    if missing:
        raise DataError([Problem(name, f"column missing; the file has: {', '.join(raw.columns)}",
                                 column=c) for c in missing])
    rows = np.arange(len(raw)) + 2
    ids = raw[id_col].str.strip()
    months = parse_months(raw[time_col])[0]
    quantity = pd.to_numeric(raw[target_col].str.strip(), errors="coerce")
    problems = [Problem(name, "expected a series id", row=int(r), column=id_col, value="")
                for r in rows[(ids == "").to_numpy()]]
    undated = months.isna()
    problems += [Problem(name, f"expected {MONTH_FORMAT_HELP}", row=int(r), column=time_col,
                         value=v) for r, v in zip(rows[undated], raw[time_col][undated])]
    bad = quantity.isna() | ~np.isfinite(quantity)
    problems += [Problem(name, "expected a number", row=int(r), column=target_col, value=v)
                 for r, v in zip(rows[bad], raw[target_col][bad])]
    frame = pd.DataFrame({"unique_id": ids, "ds": months, "y": quantity})
    duplicated = frame.duplicated(["unique_id", "ds"]) & ~months.isna()
    problems += [Problem(name, "duplicate series and month", row=int(r), column=time_col,
                         value=v) for r, v in zip(rows[duplicated], raw[time_col][duplicated])]
    if problems:
        raise DataError(problems)
    frame["ds"] = frame["ds"].astype("period[M]")
    return frame


def write_table(frame: pd.DataFrame, path, *, decimals: int = 4) -> Path:
    """Write CSV (months as YYYY-MM, numbers with `decimals` decimals) or Parquet, by the
    file's suffix."""
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        frame.to_parquet(path, index=False)
    elif path.suffix.lower() == ".csv":
        shown = frame.copy()
        for column in shown.columns:
            if isinstance(shown[column].dtype, pd.PeriodDtype):
                shown[column] = shown[column].dt.strftime("%Y-%m")
        shown.to_csv(path, index=False, float_format=f"%.{decimals}f")
    else:
        raise DataError([Problem(path.name, "expected an output file ending .csv or .parquet")])
    return path
