"""Tests of sop_lib.core.frames: the fast forms of isin, merge and pivot on text keys."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sop_lib.core.frames import is_in, join_on_key, monthly_matrix, positions, repeated

TEXT = pd.Series(["b", None, "a", "c", "a"], dtype=str)


@pytest.mark.parametrize("values", [["a", "c"], np.array(["a", "c"], dtype=object),
                                    pd.Series(["c", "a", "a"], dtype=str), pd.Index(["a", "c"])])
def test_is_in_finds_the_texts_whatever_holds_them(values):
    np.testing.assert_array_equal(is_in(TEXT, values), [False, False, True, True, True])


def test_is_in_never_matches_a_missing_value_and_nothing_is_in_no_values():
    np.testing.assert_array_equal(is_in(TEXT, pd.Series(["b", None], dtype=str)),
                                  [True, False, False, False, False])
    assert not is_in(TEXT, []).any()


def test_positions_of_texts_in_keys_first_occurrence_and_minus_one_when_absent():
    np.testing.assert_array_equal(positions(TEXT, ["a", "x", "b", "a"]), [2, -1, 0, -1, 0])


def test_monthly_matrix_sums_records_per_cell_and_leaves_empty_cells_missing():
    months = pd.PeriodIndex(["2024-01", "2024-03", "2024-02", "2024-02", "2023-12", "2024-01"],
                            freq="M")
    matrix = monthly_matrix(np.array([0, 0, 1, 1, 0, -1]), months, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
                            row_count=3, columns=pd.period_range("2024-01", "2024-03", freq="M"))
    # 2023-12 lies before the columns and row -1 is left out; row 2 has no record at all
    np.testing.assert_array_equal(matrix, [[1.0, np.nan, 2.0], [np.nan, 7.0, np.nan],
                                           [np.nan, np.nan, np.nan]])


def test_a_record_of_zero_is_a_value_not_a_missing_cell():
    matrix = monthly_matrix(np.array([0]), pd.PeriodIndex(["2024-02"], freq="M"), [0.0],
                            row_count=1, columns=pd.period_range("2024-01", "2024-02", freq="M"))
    np.testing.assert_array_equal(matrix, [[np.nan, 0.0]])


@pytest.mark.parametrize("how", ["inner", "left"])
def test_join_on_key_gives_what_merge_gives(how):
    frame = pd.DataFrame({"sku": ["b", "x", "a", "b"], "units": [1.0, 2.0, 3.0, 4.0]},
                         index=[5, 6, 7, 8])
    table = pd.DataFrame({"sku": ["a", "b"], "family": ["F", "G"], "price": [1.5, 2.5],
                          "end": pd.PeriodIndex(["2024-01", None], freq="M")})
    joined = join_on_key(frame, table, "sku", ["family", "price", "end"], how=how)
    pd.testing.assert_frame_equal(joined, frame.merge(table, on="sku", how=how))
    expected_families = ["G", "F", "G"] if how == "inner" else ["G", np.nan, "F", "G"]
    assert joined["family"].tolist() == expected_families


def test_join_on_key_refuses_other_joins():
    with pytest.raises(ValueError, match="inner or left"):
        join_on_key(pd.DataFrame({"sku": ["a"]}), pd.DataFrame({"sku": ["a"]}), "sku", [],
                    how="outer")


def test_repeated_repeats_each_text_in_a_row():
    assert list(repeated(np.array(["x", "y"]), 3)) == ["x", "x", "x", "y", "y", "y"]
    assert repeated(pd.Series(["x"], dtype=str), 2).dtype == pd.StringDtype(na_value=np.nan)
