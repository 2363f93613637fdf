"""demand_history as a matrix of items x months, the shape segmenting and forecasting read.

Built straight from the long table by the positions of its SKUs (`frames`), never by pivoting
or merging on the SKU text: a 100,000-SKU company has about five million rows of history.
Segmenting, the SKU and family forecasts and new-item shares share one `HistoryMatrix`, and a
demand review that replays fourteen past cycles cuts theirs from it (`through`) instead of
building fourteen more.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_lib.core.frames import monthly_matrix, positions
from sop_lib.data.company import Company


@dataclass(frozen=True)
class HistoryMatrix:
    """One column of demand_history by item and month: `values` has a row per SKU of items (in
    items' order) and a column per month from the first month of history to the last closed
    month, NaN where the SKU has no row for the month. `families` are the items' families,
    sorted, and `family_of` the position of each row's family among them."""

    skus: pd.Series
    families: pd.Index
    family_of: np.ndarray
    months: pd.PeriodIndex
    values: np.ndarray

    @classmethod
    def of(cls, company: Company, column: str = "bookings") -> HistoryMatrix:
        """A company's `column` (bookings or shipments) by item and month; rows of SKUs missing
        from items are left out."""
        history, items = company.demand_history, company.items
        months = pd.period_range(history["month"].min(), company.last_closed_month, freq="M")
        values = monthly_matrix(positions(history["sku"], items["sku"]), history["month"],
                                history[column], row_count=len(items), columns=months)
        family_of, families = pd.factorize(items["family"], sort=True)
        return cls(items["sku"].reset_index(drop=True), pd.Index(families, dtype=str),
                   family_of, months, values)

    def through(self, last: pd.Period) -> HistoryMatrix:
        """The matrix as it stood when `last` was the last closed month (itself when that
        cuts no month, so what it computed once is kept)."""
        kept = int((self.months <= last).sum())
        if kept == len(self.months):
            return self
        return HistoryMatrix(self.skus, self.families, self.family_of, self.months[:kept],
                             self.values[:, :kept])

    def series(self, skus) -> np.ndarray:
        """The rows of `skus` (in that order; NaN for a SKU without history), each from its
        first month on, gaps 0 (`started_series`)."""
        rows = positions(skus, self.skus)
        return started_series(np.where((rows >= 0)[:, None], self.values[rows], np.nan))

    def family_totals(self) -> tuple[pd.Index, np.ndarray]:
        """The families with history, and each one's monthly total (the sum of its SKUs'); NaN
        where none of its SKUs has a row. Computed once per matrix: a forecast reads them for
        the family series and again for new items' shares."""
        return self._family_totals

    @functools.cached_property
    def _family_totals(self) -> tuple[pd.Index, np.ndarray]:
        width = len(self.months)
        shape = (len(self.families), width)
        cells = (self.family_of[:, None] * width + np.arange(width)).ravel()

        def by_family(matrix: np.ndarray) -> np.ndarray:
            return np.bincount(cells, weights=matrix.ravel(),
                               minlength=shape[0] * width).reshape(shape)

        totals, rows = by_family(np.nan_to_num(self.values)), by_family(~np.isnan(self.values))
        present = (rows > 0).any(axis=1)
        return self.families[present], np.where(rows > 0, totals, np.nan)[present]


def started_series(matrix: np.ndarray) -> np.ndarray:
    """Each row from its first value on, with 0 for the months without one; NaN before it."""
    started = np.cumsum(~np.isnan(matrix), axis=1) > 0
    return np.where(started, np.nan_to_num(matrix), np.nan)
