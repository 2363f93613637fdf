"""Tests of sop_lib.data.series_io: reading long-format series files for `sop forecast` (every
bad cell located by file row and column) and writing CSV or Parquet results."""
from __future__ import annotations

import pandas as pd
import pytest

from sop_lib.core.errors import DataError
from sop_lib.data.series_io import read_series, write_table

COLUMNS = {"id_col": "sku", "time_col": "month", "target_col": "qty"}


def write(path, text: str, encoding: str = "utf-8"):
    path.write_text(text, encoding=encoding)
    return path


def problems(path, **columns):
    with pytest.raises(DataError) as caught:
        read_series(path, **(columns or COLUMNS))
    return caught.value.problems


def test_a_csv_reads_as_unique_id_month_and_quantity(tmp_path):
    path = write(tmp_path / "sales.csv", "sku,month,qty\nA,2024-01,3\nA,2024-02,4.5\nB,2024-01,0\n")
    frame = read_series(path, **COLUMNS)
    assert list(frame.columns) == ["unique_id", "ds", "y"]
    assert list(frame["unique_id"]) == ["A", "A", "B"]
    assert frame["ds"].dtype == pd.PeriodDtype("M")
    assert list(frame["ds"].astype(str)) == ["2024-01", "2024-02", "2024-01"]
    assert list(frame["y"]) == [3.0, 4.5, 0.0]


def test_what_spreadsheets_add_is_tolerated(tmp_path):
    """A byte-order mark, spaces around names, ids and numbers, other month forms, a
    negative quantity (a return) and an upper-case suffix."""
    text = "\ufeff sku , month ,qty\n A ,2024/03, 12 \nB,202404,-2\nB,2024-05-01,1e3\n"
    frame = read_series(write(tmp_path / "SALES.CSV", text), **COLUMNS)
    assert list(frame["unique_id"]) == ["A", "B", "B"]
    assert list(frame["ds"].astype(str)) == ["2024-03", "2024-04", "2024-05"]
    assert list(frame["y"]) == [12.0, -2.0, 1000.0]


def test_every_bad_cell_is_reported_at_once_by_file_row_and_column(tmp_path):
    text = ("sku,month,qty\n"
            "A,2024-01,1\n"      # row 2: fine
            "A,Q1 2024,2\n"     # row 3: not a month
            "A,2024-13,3\n"      # row 4: no 13th month
            "B,2024-01,lots\n"   # row 5: not a number
            "B,2024-02,\n"       # row 6: empty
            "B,2024-03,inf\n"    # row 7: not finite
            " A ,2024-01,9\n")   # row 8: A again in 2024-01
    found = problems(write(tmp_path / "s.csv", text))
    places = [(p.row, p.column, p.value, p.expected) for p in found]
    assert places[:2] == [(3, "month", "Q1 2024", places[0][3]),
                          (4, "month", "2024-13", places[1][3])]
    assert "2024-01" in places[0][3]  # the expected form is named
    assert places[2:] == [(5, "qty", "lots", "expected a number"),
                          (6, "qty", "", "expected a number"),
                          (7, "qty", "inf", "expected a number"),
                          (8, "month", "2024-01", "duplicate series and month")]
    assert all(p.file == "s.csv" and p.is_error for p in found)


def test_the_planner_sees_the_count_and_each_place(tmp_path):
    path = write(tmp_path / "s.csv", "sku,month,qty\nA,2024-01,x\nA,2024-02,y\n")
    with pytest.raises(DataError, match=r"2 problem\(s\)") as caught:
        read_series(path, **COLUMNS)
    assert "ERROR s.csv, row 2, column qty: value 'x': expected a number" in str(caught.value)


def test_a_bad_month_is_not_also_reported_as_a_duplicate(tmp_path):
    found = problems(write(tmp_path / "s.csv", "sku,month,qty\nA,soon,1\nA,later,2\n"))
    assert [p.row for p in found] == [2, 3]
    assert all(p.expected != "duplicate series and month" for p in found)


def test_missing_columns_are_each_named_with_the_columns_the_file_has(tmp_path):
    found = problems(write(tmp_path / "s.csv", "item,month,quantity\nA,2024-01,1\n"))
    assert [p.column for p in found] == ["sku", "qty"]
    assert all("the file has: item, month, quantity" in p.expected for p in found)


def test_other_column_names_are_read(tmp_path):
    path = write(tmp_path / "s.csv", "product,period,units\nX,2025-12,5\n")
    frame = read_series(path, id_col="product", time_col="period", target_col="units")
    assert frame.iloc[0].tolist() == ["X", pd.Period("2025-12", "M"), 5.0]


def test_a_file_of_another_kind_or_that_does_not_exist_is_refused(tmp_path):
    excel = tmp_path / "sales.xlsx"
    excel.write_bytes(b"not read")
    assert [(p.file, p.expected) for p in problems(excel)] == [
        ("sales.xlsx", "expected a .csv or .parquet file")]
    assert [(p.file, p.expected) for p in problems(tmp_path / "gone.csv")] == [
        ("gone.csv", "file not found")]
    (tmp_path / "folder.csv").mkdir()
    assert problems(tmp_path / "folder.csv")[0].expected == "file not found"


def test_a_file_with_only_its_header_gives_no_series(tmp_path):
    frame = read_series(write(tmp_path / "s.csv", "sku,month,qty\n"), **COLUMNS)
    assert frame.empty and list(frame.columns) == ["unique_id", "ds", "y"]
    assert isinstance(frame["ds"].dtype, pd.PeriodDtype)


def test_a_parquet_file_reads_like_the_csv(tmp_path):
    source = pd.DataFrame({"sku": ["A", "A", "B"],
                           "month": pd.PeriodIndex(["2024-01", "2024-02", "2024-01"], freq="M"),
                           "qty": [3.0, 4.5, 0.0]})
    source.to_parquet(tmp_path / "s.parquet", index=False)
    write(tmp_path / "s.csv", "sku,month,qty\nA,2024-01,3\nA,2024-02,4.5\nB,2024-01,0\n")
    from_parquet = read_series(tmp_path / "s.parquet", **COLUMNS)
    pd.testing.assert_frame_equal(from_parquet, read_series(tmp_path / "s.csv", **COLUMNS))


def test_a_parquet_file_with_bad_cells_is_reported_by_row(tmp_path):
    pd.DataFrame({"sku": ["A", "A"], "month": ["2024-01", "2024-99"],
                  "qty": [1.0, 2.0]}).to_parquet(tmp_path / "s.parquet", index=False)
    found = problems(tmp_path / "s.parquet")
    assert [(p.row, p.column, p.value) for p in found] == [(3, "month", "2024-99")]


def result_frame() -> pd.DataFrame:
    return pd.DataFrame({"unique_id": ["A", "A", "B"],
                         "ds": pd.PeriodIndex(["2024-11", "2024-12", "2024-11"], freq="M"),
                         "method": ["theta", "theta", "naive"],
                         "forecast": [1 / 3, 2.0, 10.123456]})


def test_csv_output_writes_months_as_yyyy_mm_and_four_decimals(tmp_path):
    path = write_table(result_frame(), tmp_path / "out.csv")
    assert path == tmp_path / "out.csv"
    assert path.read_text().splitlines() == ["unique_id,ds,method,forecast",
                                             "A,2024-11,theta,0.3333",
                                             "A,2024-12,theta,2.0000",
                                             "B,2024-11,naive,10.1235"]


def test_output_does_not_change_the_frame_written(tmp_path):
    frame = result_frame()
    write_table(frame, tmp_path / "out.csv")
    pd.testing.assert_frame_equal(frame, result_frame())


def test_parquet_output_keeps_months_and_values(tmp_path):
    path = write_table(result_frame(), tmp_path / "out.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(path), result_frame())


def test_written_series_read_back(tmp_path):
    series = pd.DataFrame({"unique_id": ["A", "B"],
                           "ds": pd.PeriodIndex(["2024-01", "2024-02"], freq="M"),
                           "y": [1.5, 2.25]})
    for name in ("back.csv", "back.parquet"):
        path = write_table(series, tmp_path / name)
        again = read_series(path, id_col="unique_id", time_col="ds", target_col="y")
        pd.testing.assert_frame_equal(again, series, check_dtype=False)
        assert isinstance(again["ds"].dtype, pd.PeriodDtype)


def test_output_to_another_kind_of_file_is_refused_and_nothing_written(tmp_path):
    with pytest.raises(DataError, match="out.xlsx.*expected an output file ending .csv or "
                                        r"\.parquet"):
        write_table(result_frame(), tmp_path / "out.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_a_row_without_a_series_id_is_named_in_a_csv_and_in_a_parquet_file(tmp_path):
    text = tmp_path / "s.csv"
    text.write_text("id,month,qty\nA,2024-01,3\n ,2024-02,4\n")
    with pytest.raises(DataError) as caught:
        read_series(text, id_col="id", time_col="month", target_col="qty")
    assert [(p.row, p.column, p.expected) for p in caught.value.problems] == [
        (3, "id", "expected a series id")]
    table = tmp_path / "s.parquet"
    pd.DataFrame({"id": ["A", None], "month": ["2024-01", "2024-02"],
                  "qty": [3.0, 4.0]}).to_parquet(table)
    with pytest.raises(DataError) as caught:
        read_series(table, id_col="id", time_col="month", target_col="qty")
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "id")]
