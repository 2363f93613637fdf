"""Tests of sop_lib.data.history_matrix: demand_history as a matrix of items x months."""
from __future__ import annotations

import numpy as np
import pandas as pd

from sop_lib.data.history_matrix import HistoryMatrix, started_series
from tests.builders import company_from_rows

NAN = np.nan


def company(skip=()):
    """Family F has SKUs b and a (a from 2024-01, b from 2024-03 with a gap in 2024-04); family
    G has c, which booked nothing yet; SKU z (2023-12) is not in items. `skip`: months left out."""
    rows = [("a", "2024-01", 5), ("a", "2024-02", 0), ("a", "2024-03", 7), ("a", "2024-04", 1),
            ("b", "2024-03", 2), ("b", "2024-05", 3), ("a", "2024-05", 4), ("z", "2023-12", 9)]
    return company_from_rows(
        items=[{"sku": sku, "family": family, "unit_price": 1.0, "status": "active"}
               for sku, family in (("b", "F"), ("a", "F"), ("c", "G"))],
        families=[{"family": f, "strategy": "MTS"} for f in ("F", "G")],
        demand_history=[{"sku": sku, "month": month, "bookings": units, "shipments": 2 * units}
                        for sku, month, units in rows if month not in skip])


def test_rows_are_the_items_and_columns_every_month_of_history():
    matrix = HistoryMatrix.of(company())
    assert list(matrix.skus) == ["b", "a", "c"]
    assert list(matrix.months.strftime("%Y-%m")) == ["2023-12", "2024-01", "2024-02", "2024-03",
                                                     "2024-04", "2024-05"]
    np.testing.assert_array_equal(matrix.values, [[NAN, NAN, NAN, 2, NAN, 3],
                                                  [NAN, 5, 0, 7, 1, 4],
                                                  [NAN] * 6])
    np.testing.assert_array_equal(HistoryMatrix.of(company(), "shipments").values[1],
                                  [NAN, 10, 0, 14, 2, 8])


def test_series_start_at_their_first_month_with_gaps_as_zero_in_the_order_asked():
    series = HistoryMatrix.of(company()).series(pd.Series(["c", "b", "a", "unknown"]))
    np.testing.assert_array_equal(series, [[NAN] * 6, [NAN, NAN, NAN, 2, 0, 3],
                                           [NAN, 5, 0, 7, 1, 4], [NAN] * 6])


def test_through_keeps_the_months_up_to_the_last_closed_one():
    matrix = HistoryMatrix.of(company()).through(pd.Period("2024-03", "M"))
    assert matrix.months[-1] == pd.Period("2024-03", "M")
    np.testing.assert_array_equal(matrix.values[0], [NAN, NAN, NAN, 2])


def test_through_a_month_that_cuts_nothing_is_the_matrix_itself_with_its_totals():
    matrix = HistoryMatrix.of(company())
    assert matrix.through(matrix.months[-1]) is matrix
    assert matrix.through(matrix.months[-1] + 2) is matrix
    assert matrix.through(matrix.months[-1]).family_totals() is matrix.family_totals()
    _, earlier = matrix.through(pd.Period("2024-03", "M")).family_totals()
    np.testing.assert_array_equal(earlier, [[NAN, 5, 0, 9]])


def test_family_totals_sum_the_family_skus_and_leave_out_families_without_history():
    families, totals = HistoryMatrix.of(company()).family_totals()
    assert list(families) == ["F"]  # G has no history; z is not in items
    np.testing.assert_array_equal(totals, [[NAN, 5, 0, 9, 1, 7]])


def test_a_family_month_without_any_row_is_missing_not_zero():
    _, totals = HistoryMatrix.of(company(skip=("2024-02",))).family_totals()
    np.testing.assert_array_equal(totals, [[NAN, 5, NAN, 9, 1, 7]])


def test_started_series_run_from_their_first_value_with_gaps_as_zero():
    matrix = np.array([[NAN, 1.0, NAN, 2.0], [NAN] * 4, [0.0, NAN, NAN, 3.0]])
    np.testing.assert_array_equal(started_series(matrix), [[NAN, 1, 0, 2], [NAN] * 4,
                                                           [0, 0, 0, 3]])
