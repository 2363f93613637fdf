"""Fast forms of the pandas operations the planning code runs on frames of many SKUs.

A company of 100,000 SKUs has about five million rows of history. pandas 3.1 handles its text
(`str`) columns slowly in a few operations the planning code needs often: `isin` turns every
value looked for into an Arrow scalar one by one, in Python (half a second for 100,000 SKU
codes), and merging, pivoting or mapping on a text key sorts or hashes millions of strings each
time. Here Arrow finds the positions of the keys once, and numpy does the rest on integers.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc


def is_in(column: pd.Series, values) -> np.ndarray:
    """Where the text `column` holds one of the texts `values` (a missing value never does)."""
    found = pc.is_in(_arrow(column), value_set=_arrow(values), skip_nulls=True)
    return found.to_numpy(zero_copy_only=False)


def positions(column, keys) -> np.ndarray:
    """For each text of `column`, its position in the texts `keys` (the first one if `keys`
    repeats it), or -1 when `keys` lacks it."""
    found = pc.index_in(_arrow(column), value_set=_arrow(keys), skip_nulls=True)
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def join_on_key(frame: pd.DataFrame, table: pd.DataFrame, key: str, columns: list[str], *,
                how: str = "inner") -> pd.DataFrame:
    """`frame.merge(table[[key, *columns]], on=key, how=how)` for a `table` whose text `key` is
    unique, without merging on text: `frame`'s rows in their order (with "inner" only those
    whose key `table` has; with "left" all, missing values where it has not), index reset,
    `table`'s columns appended."""
    at = positions(frame[key], table[key])
    if how == "inner":
        frame, at = frame[at >= 0], at[at >= 0]
    elif how != "left":
        raise ValueError(f"how must be inner or left, got {how!r}")
    joined = frame.reset_index(drop=True)
    for column in columns:
        joined[column] = table[column].array.take(at, allow_fill=True)
    return joined


def repeated(values, times: int) -> pd.api.extensions.ExtensionArray:
    """Each of the texts `values` `times` times in a row, as a text array."""
    texts = pd.array(values, dtype="str")
    return texts.take(np.repeat(np.arange(len(texts)), times))


def monthly_matrix(rows: np.ndarray, months, values, *, row_count: int,
                   columns: pd.PeriodIndex) -> np.ndarray:
    """Records summed into a row_count x len(columns) matrix; NaN where a cell has no record
    (missing values count as 0, as pandas sums them).

    Record i goes to row `rows[i]` (records with a negative row are left out) and to the column
    of its month `months[i]` (Period[M]; records of months outside `columns` are left out).
    `columns` are consecutive months.
    """
    width = len(columns)
    column = pd.PeriodIndex(months, freq="M").asi8 - (columns[0].ordinal if width else 0)
    inside = (np.asarray(rows) >= 0) & (column >= 0) & (column < width)
    cells = np.asarray(rows)[inside] * width + column[inside]
    size = row_count * width
    weights = np.nan_to_num(np.asarray(values, dtype=float)[inside])
    totals = np.bincount(cells, weights=weights, minlength=size)
    counts = np.bincount(cells, minlength=size)
    return np.where(counts > 0, totals, np.nan).reshape(row_count, width)


def _arrow(values) -> pyarrow.Array:
    """Texts (a Series, Index, array or list) as an Arrow array."""
    return pyarrow.array(pd.array(values, dtype="str"))
