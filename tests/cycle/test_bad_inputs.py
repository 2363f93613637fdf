"""Bad input corpus: a valid small company broken one way at a time.

Every broken folder is refused by `sop validate` and by `sop run` (exit 2) with a problem that
names the file, the column and the row where there is one; `sop run` refuses it before any
notebook kernel starts and publishes nothing. Folders Excel or planners commonly produce (a
byte-order mark, Windows line ends, spaces around codes, other month forms) are read, not refused.
"""
from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sop_lib.cli import EXIT_BAD_INPUT, EXIT_OK, main
from sop_lib.data.contract import TABLES
from sop_lib.data.sample import write_sample
from sop_lib.data.validation import check_company
from sop_lib.run import runner

REQUIRED = [t.name for t in TABLES if t.required]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A valid small company: 12 SKUs in 4 families, 30 months of history to 2026-10."""
    folder = write_sample(tmp_path_factory.mktemp("template") / "company", seed=11, skus=12,
                          months=30)
    company, problems = check_company(folder)
    assert company is not None and problems == []
    return folder


# --- editing a company folder as a planner would in a spreadsheet -------------------------

def read_rows(folder: Path, table: str) -> list[list[str]]:
    """The rows of `<table>.csv`, header first: rows[n - 1] is spreadsheet row n."""
    with open(folder / f"{table}.csv", newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def write_rows(folder: Path, table: str, rows: list[list[str]]) -> None:
    with open(folder / f"{table}.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def set_cell(table: str, row: int, column: str, value: str) -> Callable[[Path], None]:
    """Write `value` in spreadsheet row `row` (2 = first data row) of `column`."""
    def change(folder: Path) -> None:
        rows = read_rows(folder, table)
        rows[row - 1][rows[0].index(column)] = value
        write_rows(folder, table, rows)
    return change


def drop_column(table: str, column: str) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        rows = read_rows(folder, table)
        index = rows[0].index(column)
        write_rows(folder, table, [r[:index] + r[index + 1:] for r in rows])
    return change


def repeat_row(table: str, row: int) -> Callable[[Path], None]:
    """Insert a copy of spreadsheet row `row` right under it."""
    def change(folder: Path) -> None:
        rows = read_rows(folder, table)
        write_rows(folder, table, rows[:row] + rows[row - 1:])
    return change


def drop_row(table: str, row: int) -> Callable[[Path], None]:
    """Delete spreadsheet row `row` (-1: the last row)."""
    def change(folder: Path) -> None:
        rows = read_rows(folder, table)
        del rows[row - 1 if row > 0 else row]
        write_rows(folder, table, rows)
    return change


def add_value(table: str, row: int, value: str) -> Callable[[Path], None]:
    """Add one unquoted value at the end of a line, as a stray comma does."""
    def change(folder: Path) -> None:
        path = folder / f"{table}.csv"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        lines[row - 1] = lines[row - 1].rstrip("\n") + f",{value}\n"
        path.write_text("".join(lines), encoding="utf-8")
    return change


def keep_header_only(table: str) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        write_rows(folder, table, read_rows(folder, table)[:1])
    return change


def delete(name: str) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        (folder / name).unlink()
    return change


def write_bytes(name: str, data: bytes) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        (folder / name).write_bytes(data)
    return change


def encode_items(encoding: str, *, row: int, description: str) -> Callable[[Path], None]:
    """items.csv saved in another encoding, with a description that needs it."""
    def change(folder: Path) -> None:
        set_cell("items", row, "description", description)(folder)
        path = folder / "items.csv"
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    return change


def set_config(key: str, value) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        path = folder / "company.yaml"
        settings = yaml.safe_load(path.read_text(encoding="utf-8"))
        path.write_text(yaml.safe_dump({**settings, key: value}), encoding="utf-8")
    return change


def to_workbook(folder: Path, *, without: str | None = None) -> None:
    """Move every table into one company.xlsx, a sheet per table (numbers as numbers, as Excel
    holds them), leaving out the sheet `without`."""
    with pd.ExcelWriter(folder / "company.xlsx", engine="openpyxl") as book:
        for path in sorted(folder.glob("*.csv")):
            if path.stem != without:
                pd.read_csv(path).to_excel(book, sheet_name=path.stem, index=False)
            path.unlink()


def then(*changes: Callable[[Path], None]) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        for one in changes:
            one(folder)
    return change


# --- the corpus ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Broken:
    """One defect and where its problem must point: file, row and column (None: not one)."""

    change: Callable[[Path], None]
    file: str
    row: int | None = None
    column: str | None = None
    says: str = ""

    def located(self, line: str) -> bool:
        """Whether an output line is an error at this defect's place saying what it must."""
        head = f"ERROR {self.file}" + (f", row {self.row}" if self.row else "")
        return (line.startswith(head + ("," if self.column else ":"))
                and (self.column is None or f"column {self.column}:" in line)
                and self.says in line)


CASES = {
    **{f"{table}.csv missing": Broken(delete(f"{table}.csv"), f"{table}.csv",
                                      says="the table is missing") for table in REQUIRED},
    "company.yaml missing": Broken(delete("company.yaml"), "company.yaml",
                                   says="the file is missing"),
    **{f"column {table}.{column} missing": Broken(drop_column(table, column), f"{table}.csv",
                                                  column=column, says="the column is missing")
       for table, column in (("items", "unit_price"), ("families", "strategy"),
                             ("demand_history", "bookings"), ("inventory", "on_hand"),
                             ("open_orders", "due_month"), ("production_history", "quantity"),
                             ("resources", "available_hours"),
                             ("bill_of_resources", "hours_per_unit"),
                             ("business_plan", "revenue"), ("overrides", "owner"))},
    # wrong types
    "text in a number column": Broken(set_cell("demand_history", 5, "bookings", "twelve"),
                                      "demand_history.csv", 5, "bookings", "expected a number"),
    "thousands separator": Broken(set_cell("business_plan", 3, "revenue", "12,928.83"),
                                  "business_plan.csv", 3, "revenue", "no thousands separators"),
    "currency sign": Broken(set_cell("items", 4, "unit_price", "€26.99"), "items.csv", 4,
                            "unit_price", "expected a number"),
    "percent sign": Broken(set_cell("families", 3, "service_target", "90%"), "families.csv", 3,
                           "service_target", "expected a number"),
    "number where a month is expected": Broken(set_cell("inventory", 7, "month", "45412"),
                                               "inventory.csv", 7, "month",
                                               "expected a month such as 2024-01"),
    "unknown choice": Broken(set_cell("families", 2, "strategy", "make to stock"),
                             "families.csv", 2, "strategy", "expected one of MTS, MTO"),
    "empty required cell": Broken(set_cell("items", 6, "family", ""), "items.csv", 6, "family",
                                  "the cell is empty"),
    # values out of range
    "negative price": Broken(set_cell("items", 3, "unit_price", "-18.99"), "items.csv", 3,
                             "unit_price", "expected a number of at least 0"),
    "negative hours per unit": Broken(set_cell("bill_of_resources", 2, "hours_per_unit", "-0.5"),
                                      "bill_of_resources.csv", 2, "hours_per_unit",
                                      "at least 0"),
    "service target above 1": Broken(set_cell("families", 4, "service_target", "1.5"),
                                     "families.csv", 4, "service_target",
                                     "expected a number from 0 to 1"),
    "NaN": Broken(set_cell("demand_history", 9, "shipments", "NaN"), "demand_history.csv", 9,
                  "shipments", "expected a number"),
    "infinity": Broken(set_cell("business_plan", 4, "revenue", "inf"), "business_plan.csv", 4,
                       "revenue", "expected a number"),
    "overflow to infinity": Broken(set_cell("resources", 3, "available_hours", "1e999"),
                                   "resources.csv", 3, "available_hours", "plausible figure"),
    "absurdly large quantity": Broken(set_cell("demand_history", 6, "bookings", "1e15"),
                                      "demand_history.csv", 6, "bookings", "plausible figure"),
    "absurdly large cost": Broken(set_cell("items", 2, "standard_cost", "1000000000000000"),
                                  "items.csv", 2, "standard_cost", "plausible figure"),
    # months
    "month 13": Broken(set_cell("demand_history", 10, "month", "2024-13"), "demand_history.csv",
                       10, "month", "expected a month"),
    "ambiguous date": Broken(set_cell("business_plan", 5, "month", "01/02/2027"),
                             "business_plan.csv", 5, "month", "expected a month"),
    "a day that is not the first": Broken(set_cell("open_orders", 2, "due_month", "2026-11-15"),
                                          "open_orders.csv", 2, "due_month", "expected a month"),
    "override outside the horizon": Broken(set_cell("overrides", 2, "month", "2031-01"),
                                           "overrides.csv", 2, "month", "outside the plan horizon"),
    # keys
    "duplicate SKU": Broken(repeat_row("items", 3), "items.csv", 4, "sku", "repeats row 3"),
    "duplicate family": Broken(repeat_row("families", 2), "families.csv", 3, "family",
                               "repeats row 2"),
    "duplicate history month": Broken(repeat_row("demand_history", 20), "demand_history.csv",
                                      21, "sku, month", "repeats row 20"),
    "duplicate resource pair": Broken(repeat_row("bill_of_resources", 4),
                                      "bill_of_resources.csv", 5, "family, resource",
                                      "repeats row 4"),
    # references
    "unknown SKU": Broken(set_cell("open_orders", 2, "sku", "GT-999"), "open_orders.csv", 2,
                          "sku", "unknown sku"),
    "unknown SKU in overrides": Broken(set_cell("overrides", 2, "code", "GR-009"),
                                       "overrides.csv", 2, "code", "unknown sku"),
    "unknown family": Broken(set_cell("items", 4, "family", "Garden Tool"), "items.csv", 4,
                             "family", "unknown family"),
    "unknown family in production": Broken(set_cell("production_history", 2, "family",
                                                    "Gardening"),
                                           "production_history.csv", 2, "family",
                                           "unknown family"),
    "unknown resource": Broken(set_cell("bill_of_resources", 4, "resource", "Welding Cel"),
                               "bill_of_resources.csv", 4, "resource", "unknown resource"),
    # rules across tables
    "month missing from the history": Broken(drop_row("demand_history", 12),
                                             "demand_history.csv", None, "sku",
                                             "expected one row per month"),
    "no opening inventory": Broken(drop_row("inventory", -1), "inventory.csv", None, "sku",
                                   "no row at the last closed month"),
    "MTS family without a target": Broken(set_cell("families", 2, "inventory_target_days", ""),
                                          "families.csv", 2, "inventory_target_days",
                                          "a target for a MTS family"),
    # files
    "empty file": Broken(write_bytes("items.csv", b""), "items.csv", says="the file is empty"),
    "header only": Broken(keep_header_only("families"), "families.csv",
                          says="the table has no rows"),
    "header only, referenced table": Broken(keep_header_only("resources"),
                                            "bill_of_resources.csv", 2, "resource",
                                            "unknown resource"),
    "cp1252 text": Broken(encode_items("cp1252", row=5, description="Sécateur Classic"),
                          "items.csv", 5, "description", "not UTF-8"),
    "UTF-16 text": Broken(encode_items("utf-16", row=5, description="Sécateur"), "items.csv",
                          says="saved as UTF-16"),
    "semicolons": Broken(write_bytes("resources.csv", b"resource;plant\nPress Line;North\n"),
                         "resources.csv", 1, says="separated by semicolons"),
    "a row with one value too many": Broken(add_value("items", 7, "x"), "items.csv", 7,
                                            says="more values than the header"),
    "table given twice": Broken(write_bytes("items.parquet", b"PAR1"), "items.csv",
                                says="given twice"),
    "damaged Parquet": Broken(then(delete("items.csv"), write_bytes("items.parquet", b"PAR1")),
                              "items.parquet", says="could not be read as Parquet"),
    "damaged workbook": Broken(write_bytes("company.xlsx", b"PK\x03\x04 not really"),
                               "company.xlsx", says="could not be read as an Excel workbook"),
    "workbook without the inventory sheet": Broken(
        lambda folder: to_workbook(folder, without="inventory"), "company.xlsx",
        says="the sheet inventory is missing"),
    "workbook with text in a number cell": Broken(
        then(set_cell("demand_history", 5, "bookings", "twelve"), to_workbook),
        "company.xlsx[demand_history]", 5, "bookings", "expected a number"),
    "horizon out of range": Broken(set_config("horizon_months", 100), "company.yaml",
                                   column="horizon_months", says="from 12 to 36"),
    "company.yaml not YAML": Broken(write_bytes("company.yaml", b"name: Acme\ncurrency: [EUR\n"),
                                    "company.yaml", 2, says="not valid YAML"),
}


def sop(capsys, *argv: str) -> tuple[int, str]:
    """Exit status and everything `sop` printed."""
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out + captured.err


@pytest.fixture
def no_kernel(monkeypatch):
    """Fail the test if `sop run` starts a notebook."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"a notebook kernel was started for bad data: {args[0]}")
    monkeypatch.setattr(runner.papermill, "execute_notebook", refuse)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_folder_is_refused_naming_file_row_and_column(case, template, tmp_path, capsys,
                                                          no_kernel):
    folder = tmp_path / "company"
    shutil.copytree(template, folder)
    case.change(folder)

    status, output = sop(capsys, "validate", str(folder))
    assert status == EXIT_BAD_INPUT, output
    assert any(case.located(line) for line in output.splitlines()), output

    reports = tmp_path / "reports"
    status, output = sop(capsys, "run", "--data", str(folder), "--out", str(reports))
    assert status == EXIT_BAD_INPUT, output
    assert any(case.located(line) for line in output.splitlines()), output
    left = sorted(p.name for p in reports.iterdir()) if reports.exists() else []
    assert left == [], "sop run left a pack, staging folder or lock for bad data"


def test_the_corpus_is_broad():
    assert len(CASES) >= 25
    assert {c.file for c in CASES.values()} >= {f"{t.name}.csv" for t in TABLES} | {
        "company.yaml", "company.xlsx"}


# --- read, not refused --------------------------------------------------------------------

def windows_excel_csv(folder: Path) -> None:
    """Every CSV as Excel's "CSV UTF-8" writes it: a byte-order mark and CRLF line ends."""
    for path in folder.glob("*.csv"):
        text = path.read_text(encoding="utf-8").replace("\n", "\r\n")
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))


def pad(table: str, column: str, *rows: int) -> Callable[[Path], None]:
    """Spaces and a tab around the value of `column` in the spreadsheet rows `rows`."""
    def change(folder: Path) -> None:
        records = read_rows(folder, table)
        index = records[0].index(column)
        for row in rows:
            records[row - 1][index] = f"  {records[row - 1][index]}\t "
        write_rows(folder, table, records)
    return change


def write_months(table: str, form: str) -> Callable[[Path], None]:
    """Every month of `table` written in `form`, e.g. '{year}/{month}' for 2024/01."""
    def change(folder: Path) -> None:
        records = read_rows(folder, table)
        index = records[0].index("month")
        for record in records[1:]:
            year, month = record[index].split("-")
            record[index] = form.format(year=year, month=month)
        write_rows(folder, table, records)
    return change


READABLE = {
    "byte-order mark and Windows line ends": (windows_excel_csv, []),
    "spaces around keys": (then(pad("items", "sku", 2, 5), pad("demand_history", "sku", 2, 30),
                                pad("families", "family", 3), pad("resources", "resource", 2)),
                           [("items.csv", "sku"),
                                                ("demand_history.csv", "sku"),
                                                ("families.csv", "family"),
                                                ("resources.csv", "resource")]),
    "months as 2024-01-01 and 2024/01": (then(write_months("demand_history",
                                                           "{year}-{month}-01"),
                                              write_months("inventory", "{year}/{month}")), []),
    "a workbook with every table": (to_workbook, []),
}


@pytest.mark.parametrize("change, warned", READABLE.values(), ids=READABLE.keys())
def test_folder_as_excel_or_planners_write_it_is_read_the_same(change, warned, template,
                                                                tmp_path, capsys):
    folder = tmp_path / "company"
    shutil.copytree(template, folder)
    change(folder)

    status, output = sop(capsys, "validate", str(folder))
    assert status == EXIT_OK, output
    assert output.rstrip().endswith(f": 0 error(s), {len(warned)} warning(s)")
    for file, column in warned:
        assert any(line.startswith(f"WARNING {file}, row ") and f"column {column}:" in line
                   and "spaces around the value were removed" in line
                   for line in output.splitlines()), output

    expected, read = check_company(template)[0], check_company(folder)[0]
    for table in TABLES:
        pd.testing.assert_frame_equal(read.tables[table.name], expected.tables[table.name])
