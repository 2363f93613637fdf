"""Tests of sop_lib.data.loading: reading table files and company.yaml as the planner wrote them."""
from __future__ import annotations

import datetime
import shutil

import pandas as pd
import pytest

from sop_lib.cli import main
from sop_lib.data import loading
from sop_lib.data.company import CompanyConfig, StatusBands
from sop_lib.data.loading import read_config, read_tables
from sop_lib.run.runner import SAMPLE_DIR


def where(problems):
    """(file, row, column, value, severity) of each problem, for exact comparisons."""
    return [(p.file, p.row, p.column, p.value, p.severity) for p in problems]


def write(folder, name, content: bytes | str):
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


# --- CSV ----------------------------------------------------------------------------------

def test_csv_with_bom_and_windows_line_ends_is_read(tmp_path):
    path = write(tmp_path, "resources.csv", b"\xef\xbb\xbfresource,plant\r\nR1,P1\r\nR2,P2\r\n")
    tables, problems = read_tables(tmp_path)
    assert problems == []
    raw = tables["resources"]
    assert (raw.name, raw.file, raw.path) == ("resources", "resources.csv", path)
    assert raw.frame.to_dict("index") == {2: {"resource": "R1", "plant": "P1"},
                                         3: {"resource": "R2", "plant": "P2"}}


def test_csv_values_are_kept_as_written_text(tmp_path):
    write(tmp_path, "items.csv", "sku,unit_price,end_of_life\n007,1.50,2024-01-01\nX,,NaN\n")
    frame = read_tables(tmp_path)[0]["items"].frame
    assert frame.loc[2].tolist() == ["007", "1.50", "2024-01-01"]
    assert frame.loc[3].tolist() == ["X", "", "NaN"]


def test_column_names_are_stripped_and_lower_cased(tmp_path):
    write(tmp_path, "resources.csv", " Resource ,PLANT\nR1,P1\n")
    assert list(read_tables(tmp_path)[0]["resources"].frame.columns) == ["resource", "plant"]


def test_spaces_around_values_are_trimmed_with_one_warning_per_column(tmp_path):
    write(tmp_path, "resources.csv", "resource,plant\nR1 ,P1\n R2,P2\n R3 ,P3\n")
    tables, problems = read_tables(tmp_path)
    assert tables["resources"].frame["resource"].tolist() == ["R1", "R2", "R3"]
    assert where(problems) == [("resources.csv", 2, "resource", "R1 ", "warning")]
    assert "2 more row(s)" in problems[0].expected


def test_blank_rows_are_dropped_and_rows_keep_their_spreadsheet_numbers(tmp_path):
    write(tmp_path, "resources.csv", "\nresource,plant\nR1,P1\n\n,\nR2,P2\n")
    frame = read_tables(tmp_path)[0]["resources"].frame
    assert frame.index.tolist() == [3, 6]
    assert frame["resource"].tolist() == ["R1", "R2"]


def test_csv_that_is_not_utf8_is_a_problem_at_the_first_cell_that_is_not(tmp_path):
    write(tmp_path, "resources.csv", "resource,plant\nLyon,Paris\nDijon,Besançon\nMâcon,X\n"
          .encode("cp1252"))
    tables, problems = read_tables(tmp_path)
    assert tables == {"resources": None}
    assert where(problems) == [("resources.csv", 3, "plant", "Besan\ufffdon", "error")]
    assert problems[0].expected == ("not UTF-8 (the character shown as \ufffd); save it as CSV "
                                    "UTF-8")


def test_csv_saved_as_utf16_is_a_problem_saying_so(tmp_path):
    write(tmp_path, "resources.csv", "resource,plant\nLyon,Paris\n".encode("utf-16"))
    tables, problems = read_tables(tmp_path)
    assert tables == {"resources": None}
    assert where(problems) == [("resources.csv", None, None, None, "error")]
    assert problems[0].expected == "saved as UTF-16 (Unicode text); save it as CSV UTF-8"


def test_empty_file_and_header_only_file(tmp_path):
    write(tmp_path, "overrides.csv", b"")
    write(tmp_path, "resources.csv", "resource,plant\r\n")
    tables, problems = read_tables(tmp_path)
    assert problems == []
    assert tables["overrides"].frame.shape == (0, 0)
    assert tables["resources"].frame.shape == (0, 2)
    assert list(tables["resources"].frame.columns) == ["resource", "plant"]


def test_row_with_too_many_fields_is_a_problem(tmp_path):
    write(tmp_path, "resources.csv", "resource,plant\nR1,P1\nR2,Lyon, France\n")
    tables, problems = read_tables(tmp_path)
    assert tables == {"resources": None}
    assert where(problems) == [("resources.csv", 3, None, None, "error")]
    assert problems[0].expected == ("more values than the header has columns; check that "
                                    "values holding commas are quoted")


def test_quoted_values_may_hold_commas_and_line_breaks(tmp_path):
    write(tmp_path, "resources.csv", 'resource,plant\r\nR1,"Lyon, ""Nord""\r\nsite"\r\nR2,P2\r\n')
    frame = read_tables(tmp_path)[0]["resources"].frame
    assert frame.to_dict("index") == {2: {"resource": "R1", "plant": 'Lyon, "Nord"\r\nsite'},
                                      3: {"resource": "R2", "plant": "P2"}}


SEMICOLONS = ("the columns are separated by semicolons; expected commas (save it as CSV UTF-8 "
              "(comma delimited))")


@pytest.mark.parametrize(("text", "row"), [
    ("resource;plant\nR1;P1\n", 1),
    ("sku;due_month;quantity\nA;2022-11;1,5\nB;2022-12;2\n", 1),  # decimal commas
    ("\n\ufeffsku;due_month;quantity;\r\nA;2022-11;1,5;\r\n", 2),
    ("sku;description, long;quantity\nA;x;1,5\n", 1),  # a comma in the header too
    ('sku;due_month;quantity\n"A";2022-11;"1,5"\n', 1),  # quotes
    ("Open orders export\nsku;due_month;quantity\nA;2022-11;1,5\n", 2),  # a title row
])
def test_semicolon_separated_csv_is_a_problem_whatever_its_decimals(tmp_path, text, row):
    write(tmp_path, "open_orders.csv", text)
    tables, problems = read_tables(tmp_path)
    assert tables == {"open_orders": None}
    assert where(problems) == [("open_orders.csv", row, None, None, "error")]
    assert problems[0].expected == SEMICOLONS


def test_a_semicolon_in_a_column_name_of_a_comma_separated_csv_is_no_problem(tmp_path):
    write(tmp_path, "resources.csv", "resource,plant,note; internal\nR1,P1,x\n")
    tables, problems = read_tables(tmp_path)
    assert problems == []
    assert list(tables["resources"].frame.columns) == ["resource", "plant", "note; internal"]


def test_column_given_twice_is_a_problem(tmp_path):
    write(tmp_path, "resources.csv", "resource,plant,Resource \nR1,P1,R9\n")
    tables, problems = read_tables(tmp_path)
    assert tables == {"resources": None}
    assert where(problems) == [("resources.csv", 1, "resource", None, "error")]


def test_files_that_are_not_tables_are_ignored(tmp_path):
    write(tmp_path, "notes.csv", "a,b\n1,2\n")
    write(tmp_path, "resources.txt", "resource,plant\n")
    assert read_tables(tmp_path) == ({}, [])


# --- Parquet and xlsx ---------------------------------------------------------------------

def test_parquet_values_become_the_text_a_planner_would_type(tmp_path):
    frame = pd.DataFrame({
        "SKU": ["A1", "A2"], "month": pd.period_range("2024-01", periods=2, freq="M"),
        "bookings": [12.0, float("nan")], "shipments": [1.5, float("inf")],
        "due": [pd.Timestamp("2024-03-01"), pd.Timestamp("2024-03-15 10:30")]})
    frame.to_parquet(tmp_path / "demand_history.parquet")
    tables, problems = read_tables(tmp_path)
    raw = tables["demand_history"]
    assert problems == []
    assert (raw.file, raw.path) == ("demand_history.parquet", tmp_path / "demand_history.parquet")
    assert raw.frame.to_dict("index") == {
        2: {"sku": "A1", "month": "2024-01", "bookings": "12", "shipments": "1.5",
            "due": "2024-03-01"},
        3: {"sku": "A2", "month": "2024-02", "bookings": "", "shipments": "inf",
            "due": "2024-03-15 10:30:00"}}


def make_workbook(path, sheets: dict[str, list[list]]):
    """A workbook whose sheets hold the given rows from cell A1."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for title, rows in sheets.items():
            pd.DataFrame(rows).to_excel(writer, sheet_name=title, header=False, index=False)


def test_xlsx_true_and_false_are_never_read_as_1_and_0(tmp_path):
    make_workbook(tmp_path / "company.xlsx", {"inventory": [
        ["sku", "month", "on_hand"], ["A1", "2024-01", 1], ["A2", "2024-01", True],
        ["A3", "2024-01", 0], ["A4", "2024-01", False], ["A5", "2024-01", 0.0]]})
    raw = read_tables(tmp_path)[0]["inventory"]
    assert raw.frame["on_hand"].tolist() == ["1", "True", "0", "False", "0"]


def test_xlsx_sheets_are_tables_named_as_the_planner_sees_them(tmp_path):
    make_workbook(tmp_path / "company.xlsx", {
        "Inventory ": [["sku", "month", "on_hand"], ["A1", datetime.datetime(2024, 1, 1), 12],
                       ["A2", "2024-02", 2.5]],
        "Read me": [["anything"]]})
    write(tmp_path, "~$company.xlsx", b"lock file of an open workbook")
    tables, problems = read_tables(tmp_path)
    raw = tables["inventory"]
    assert problems == []
    assert list(tables) == ["inventory"]
    assert (raw.file, raw.path) == ("company.xlsx[Inventory ]", tmp_path / "company.xlsx")
    assert raw.frame.to_dict("index") == {
        2: {"sku": "A1", "month": "2024-01-01", "on_hand": "12"},
        3: {"sku": "A2", "month": "2024-02", "on_hand": "2.5"}}


def test_xlsx_rows_keep_the_numbers_excel_shows(tmp_path):
    make_workbook(tmp_path / "company.xlsx", {"resources": [
        [None, None], [None, None], ["resource", "plant"], ["R1", "P1"], [None, None],
        ["R2", "P2"]]})
    frame = read_tables(tmp_path)[0]["resources"].frame
    assert frame.to_dict("index") == {4: {"resource": "R1", "plant": "P1"},
                                      6: {"resource": "R2", "plant": "P2"}}


def test_xlsx_month_end_dates_are_the_text_of_the_date(tmp_path):
    make_workbook(tmp_path / "company.xlsx", {"inventory": [
        ["sku", "month", "on_hand"], ["A1", datetime.datetime(2022, 11, 30), 1],
        ["A2", datetime.datetime(2024, 2, 29), 2]]})
    frame = read_tables(tmp_path)[0]["inventory"].frame
    assert frame["month"].tolist() == ["2022-11-30", "2024-02-29"]


@pytest.mark.parametrize("titles", [
    [["Demand history of ACME", None, None, None]],
    [["Demand history", None, None, None], [None, None, None, None],
     ["exported on", datetime.datetime(2026, 11, 3), "by", "sku report"]],
])
def test_xlsx_title_rows_above_the_header_are_skipped_with_a_warning(tmp_path, titles):
    header = len(titles) + 1
    make_workbook(tmp_path / "company.xlsx", {"demand_history": [
        *titles, ["SKU", "Month", "bookings", "shipments"], ["A1", "2026-10", 5, 4]]})
    tables, problems = read_tables(tmp_path)
    frame = tables["demand_history"].frame
    assert frame.to_dict("index") == {header + 1: {"sku": "A1", "month": "2026-10",
                                                   "bookings": "5", "shipments": "4"}}
    shown = [(1, titles[0][0])] + ([(3, "exported on 2026-11-03 by sku report")] if header > 2
                                   else [])
    assert where(problems) == [("company.xlsx[demand_history]", row, None, value, "warning")
                               for row, value in shown]
    assert {p.expected for p in problems} == {
        f"skipped as a title above the header in row {header}"}


def test_csv_title_rows_are_skipped_by_both_readers(tmp_path):
    for text in ("Demand history,,,\nsku,month,bookings,shipments\nA1,2026-10,5,4\n",
                 "Demand history\r\nsku,month,bookings,shipments\r\nA1,2026-10,5,4\r\n"):
        write(tmp_path, "demand_history.csv", text)
        tables, problems = read_tables(tmp_path)
        assert tables["demand_history"].frame.to_dict("index") == {3: {
            "sku": "A1", "month": "2026-10", "bookings": "5", "shipments": "4"}}
        assert where(problems) == [("demand_history.csv", 1, None, "Demand history", "warning")]


def test_without_a_header_naming_two_columns_the_first_filled_row_is_the_header(tmp_path):
    make_workbook(tmp_path / "company.xlsx", {"resources": [
        ["Resources", None], ["Resource code", "Site"], ["R1", "P1"]]})
    tables, problems = read_tables(tmp_path)
    assert problems == []
    assert list(tables["resources"].frame.columns) == ["resources"]
    assert tables["resources"].frame.index.tolist() == [2, 3]


def test_table_given_in_two_forms_is_a_problem_naming_both_files(tmp_path):
    write(tmp_path, "resources.csv", "resource,plant\nR1,P1\n")
    make_workbook(tmp_path / "company.xlsx", {"resources": [["resource", "plant"], ["R1", "P1"]]})
    tables, problems = read_tables(tmp_path)
    assert tables == {"resources": None}
    assert where(problems) == [("company.xlsx[resources]", None, None, None, "error")]
    assert "company.xlsx[resources] and resources.csv" in problems[0].expected


def test_tables_in_two_workbooks_is_a_problem(tmp_path):
    make_workbook(tmp_path / "a.xlsx", {"resources": [["resource", "plant"], ["R1", "P1"]]})
    make_workbook(tmp_path / "b.xlsx", {"items": [["sku"], ["A1"]]})
    make_workbook(tmp_path / "c.xlsx", {"notes": [["not a table"]]})
    tables, problems = read_tables(tmp_path)
    assert set(tables) == {"resources", "items"}
    assert where(problems) == [("a.xlsx", None, None, None, "error")]
    assert "(a.xlsx, b.xlsx)" in problems[0].expected


def test_damaged_workbook_is_a_problem_and_its_tables_are_not_called_missing(tmp_path):
    write(tmp_path, "company.xlsx", b"not a zip file")
    write(tmp_path, "resources.csv", "resource,plant\nR1,P1\n")
    tables, problems = read_tables(tmp_path)
    assert where(problems) == [("company.xlsx", None, None, None, "error")]
    assert tables["resources"].frame["resource"].tolist() == ["R1"]
    assert tables["items"] is None


# --- company.yaml -------------------------------------------------------------------------

def test_config_defaults(tmp_path):
    write(tmp_path, "company.yaml", "name: Acme\ncurrency: EUR\n")
    assert read_config(tmp_path) == (CompanyConfig("Acme", "EUR", 18, 1), [])


def test_config_with_every_key(tmp_path):
    write(tmp_path, "company.yaml", "\ufeffname: Acme\r\ncurrency: USD\r\nhorizon_months: 24\r\n"
          "fiscal_year_start_month: 7\r\n")
    assert read_config(tmp_path) == (CompanyConfig("Acme", "USD", 24, 7), [])


def test_unknown_config_key_is_a_warning(tmp_path):
    write(tmp_path, "company.yaml", "name: Acme\ncurrency: EUR\nhorizon: 24\n")
    config, problems = read_config(tmp_path)
    assert config == CompanyConfig("Acme", "EUR", 18, 1)
    assert where(problems) == [("company.yaml", None, "horizon", None, "warning")]


@pytest.mark.parametrize(("text", "row", "column", "value", "expected"), [
    (None, None, None, None, "the file is missing"),
    ("name: [Acme\ncurrency: EUR\n", 2, None, None, "not valid YAML"),
    ("name: Acme\ncurrency: [EUR\n", 2, None, None, "not valid YAML"),
    ('name: "Acme\ncurrency: EUR\nhorizon_months: 18\n', 1, None, None, "not valid YAML"),
    ("name: Acme\n- EUR\n", 2, None, None, "not valid YAML"),
    ("- name\n- currency\n", None, None, None, "expected `key: value` lines"),
    ("", None, None, None, "expected `key: value` lines"),
    ("currency: EUR\n", None, "name", None, "expected the company name"),
    ("name: Acme\ncurrency: ''\n", None, "currency", "", "expected the company currency"),
    ("name: Acme\ncurrency: EUR\nhorizon_months: 40\n", None, "horizon_months", "40",
     "expected a whole number from 12 to 36 (default 18)"),
    ("name: Acme\ncurrency: EUR\nhorizon_months: '18'\n", None, "horizon_months", "18",
     "expected a whole number from 12 to 36"),
    ("name: Acme\ncurrency: EUR\nhorizon_months: 18.5\n", None, "horizon_months", "18.5",
     "expected a whole number from 12 to 36"),
    ("name: Acme\ncurrency: EUR\nfiscal_year_start_month: 13\n", None,
     "fiscal_year_start_month", "13", "expected a whole number from 1 to 12 (default 1)"),
    ("name: Acme\ncurrency: EUR\nfiscal_year_start_month: 0\n", None,
     "fiscal_year_start_month", "0", "expected a whole number from 1 to 12"),
])
def test_config_problems(tmp_path, text, row, column, value, expected):
    if text is not None:
        write(tmp_path, "company.yaml", text)
    config, problems = read_config(tmp_path)
    assert config is None
    assert where(problems) == [("company.yaml", row, column, value, "error")]
    assert expected in problems[0].expected


def test_config_that_is_not_utf8_is_a_problem(tmp_path):
    write(tmp_path, "company.yaml", "name: Société\ncurrency: EUR\n".encode("cp1252"))
    config, problems = read_config(tmp_path)
    assert config is None
    assert [p.expected for p in problems] == ["not UTF-8; save it as UTF-8 text"]


def test_config_choices_are_read_and_checked(tmp_path):
    from sop_lib.data.loading import read_config

    (tmp_path / "company.yaml").write_text("name: A\ncurrency: EUR\nreconciliation: WLS_struct\n")
    config, problems = read_config(tmp_path)
    assert (config.reconciliation, config.error_measure, problems) == ("wls_struct", "wape", [])
    (tmp_path / "company.yaml").write_text("name: A\ncurrency: EUR\nerror_measure: rmse\n")
    config, problems = read_config(tmp_path)
    assert config is None
    assert [(p.column, p.value) for p in problems] == [("error_measure", "rmse")]
    assert "expected one of wape, mase" in str(problems[0])


def test_status_bands_default_when_absent_or_empty(tmp_path):
    for text in ("", "status_bands:\n", "status_bands: {}\n"):
        write(tmp_path, "company.yaml", "name: Acme\ncurrency: EUR\n" + text)
        config, problems = read_config(tmp_path)
        assert (config.status_bands, problems) == (StatusBands(), [])
    assert StatusBands().bias_alert == 0.05 and StatusBands().accuracy_target_sku == 0.65


def test_status_bands_are_read_and_the_others_keep_their_defaults(tmp_path):
    write(tmp_path, "company.yaml", "name: Acme\ncurrency: EUR\nstatus_bands:\n"
          "  bias_alert: 0.08\n  position_green: 0.15\n  position_amber: 1\n  colour: red\n")
    config, problems = read_config(tmp_path)
    assert config.status_bands == StatusBands(bias_alert=0.08, position_green=0.15,
                                              position_amber=1.0)
    assert where(problems) == [("company.yaml", None, "status_bands.colour", None, "warning")]
    assert "unknown status band" in problems[0].expected
    assert "bias_alert" in problems[0].expected


@pytest.mark.parametrize(("bands", "column", "value", "expected"), [
    ("  bias_alert: 5\n", "status_bands.bias_alert", "5",
     "expected a number from 0 to 1, a share (default 0.05)"),
    ("  bias_alert: 5%\n", "status_bands.bias_alert", "5%", "expected a number from 0 to 1"),
    ("  service_amber_points: -0.01\n", "status_bands.service_amber_points", "-0.01",
     "expected a number from 0 to 1, a share (default 0.02)"),
    ("  accuracy_target_sku: yes\n", "status_bands.accuracy_target_sku", "True",
     "expected a number from 0 to 1, a share (default 0.65)"),
    ("  position_amber: 3\n", "status_bands.position_amber", "3",
     "expected a number from 0 to 2, a share (default 0.25)"),
    ("  bias_green: 0.2\n", "status_bands.bias_amber", "0.1",
     "expected at least bias_green (0.2): the amber band contains the green one"),
    ("  revenue_amber_gap: 0.01\n", "status_bands.revenue_amber_gap", "0.01",
     "expected at least revenue_green_gap (0.02)"),
])
def test_status_band_problems(tmp_path, bands, column, value, expected):
    write(tmp_path, "company.yaml", "name: Acme\ncurrency: EUR\nstatus_bands:\n" + bands)
    config, problems = read_config(tmp_path)
    assert config is None
    assert where(problems) == [("company.yaml", None, column, value, "error")]
    assert expected in problems[0].expected


def test_status_bands_that_are_not_a_mapping(tmp_path):
    write(tmp_path, "company.yaml", "name: Acme\ncurrency: EUR\nstatus_bands: 0.05\n")
    config, problems = read_config(tmp_path)
    assert config is None
    assert where(problems) == [("company.yaml", None, "status_bands", "0.05", "error")]
    assert "expected a mapping of band: number lines indented under status_bands:" in str(
        problems[0])


def test_sop_validate_exits_2_on_a_bad_status_band(tmp_path, capsys):
    company = tmp_path / "company"
    shutil.copytree(SAMPLE_DIR, company)
    with open(company / "company.yaml", "a", encoding="utf-8") as config:
        config.write("status_bands:\n  position_green: 0.4\n")
    assert main(["validate", str(company)]) == 2
    assert ("ERROR company.yaml, column status_bands.position_amber: value '0.25': expected at "
            "least position_green (0.4)") in capsys.readouterr().out


# --- the plain-CSV reader (Arrow) reads what the careful one (csv module) reads -----------

PLAIN_CSV = [
    b"resource,plant\nR1,P1\nR2,P2\n",
    b"\xef\xbb\xbfresource,plant\r\nR1 , P1\r\n\r\n,\r\n  R2,P2",  # BOM, CRLF, blank rows
    b"resource,plant\rR1,P1\r\rR2,\xc3\xa9t\xc3\xa9 \r",  # old Mac line ends, UTF-8 text
    b"resource,plant,\nR1,P1,\nR2,P2,x\n",  # a column without a name is left out
    b"resource\n\nR1\n \n",
    b"Resource , PLANT\n\t\xc2\xa0R1\xe2\x80\x83,P1\x1f\n",  # Unicode spaces and controls
    b"Resources of ACME,\n,\nresource,plant\nR1,P1\n",  # a title row above the header
]


@pytest.mark.parametrize("data", PLAIN_CSV)
def test_plain_csv_is_read_alike_by_both_readers(data):
    plain = loading._plain_csv_columns(data)
    careful = loading._columns(loading._read_csv_records(data))
    assert plain is not None
    fast_frame, fast_problems = loading._tidy(plain, "t.csv")
    slow_frame, slow_problems = loading._tidy(careful, "t.csv")
    pd.testing.assert_frame_equal(fast_frame, slow_frame)
    assert where(fast_problems) == where(slow_problems)


@pytest.mark.parametrize("data", [
    b'resource,plant\nR1,"P,1"\n',  # quotes
    b"resource,plant\nR1,P\x001\n",  # a NUL byte
    b"resource,plant\nR1,P1,X\n",  # a row wider than the header
    b"resource,plant\nR1\n",  # a row narrower than the header
    b"\nresource,plant\nR1,P1\n",  # a blank line before the header
    b"\xef\xbb\xbf\xef\xbb\xbfresource,plant\nR1,P1\n",  # a second byte-order mark
    "resource,plant\nLyon,Besançon\n".encode("cp1252"),  # not UTF-8
    b"",
])
def test_csv_that_is_not_plain_is_left_to_the_careful_reader(data):
    assert loading._plain_csv_columns(data) is None


def test_plain_csv_rows_keep_their_numbers_and_trim_warnings(tmp_path):
    write(tmp_path, "resources.csv", "resource,plant\nR1,P1\n\n R2,P2\n,\nR3 ,P3\n")
    tables, problems = read_tables(tmp_path)
    assert tables["resources"].frame.to_dict("index") == {
        2: {"resource": "R1", "plant": "P1"}, 4: {"resource": "R2", "plant": "P2"},
        6: {"resource": "R3", "plant": "P3"}}
    assert where(problems) == [("resources.csv", 4, "resource", " R2", "warning")]
    assert "1 more row(s)" in problems[0].expected
