"""Tests of sop_lib.data.validation: every problem of a company folder, and the typed Company."""
from __future__ import annotations

import pandas as pd
import pytest

from sop_lib.core.errors import DataError, ParameterError
from sop_lib.data.company import CompanyConfig
from sop_lib.data.contract import MONTH, NUMBER, TABLES, TABLES_BY_NAME
from sop_lib.data.validation import check_company, load_company

HISTORY = [str(m) for m in pd.period_range("2023-01", "2024-12", freq="M")]
PLAN = [str(m) for m in pd.period_range("2025-01", "2026-06", freq="M")]
SKUS = {"S1": "F_STOCK", "S2": "F_STOCK", "O1": "F_ORDER", "O2": "F_ORDER"}
CONFIG = "name: Test Co\ncurrency: EUR\n"


def frame(columns: str, rows: list[tuple]) -> pd.DataFrame:
    """A table of text cells, as a planner would type them."""
    return pd.DataFrame([[str(v) for v in row] for row in rows], columns=columns.split(),
                        dtype=str)


def valid_tables() -> dict[str, pd.DataFrame]:
    """A small valid company: 2 families (MTS, MTO), 4 SKUs, 24 months of history up to 2024-12,
    2 resources with a full bill of resources, an 18-month business plan, 2 overrides."""
    return {
        "items": frame("sku family description unit_price standard_cost status end_of_life", [
            ("S1", "F_STOCK", "Stock one", 10, 6, "active", ""),
            ("S2", "F_STOCK", "Stock two", 12.5, 7, "active", ""),
            ("O1", "F_ORDER", "", 100, 70, "active", ""),
            ("O2", "F_ORDER", "Order two", 80, 50, "phase_out", "2025-06")]),
        "families": frame("family description strategy inventory_target_days "
                          "backlog_target_weeks service_target", [
                              ("F_STOCK", "Made to stock", "MTS", 30, "", 0.95),
                              ("F_ORDER", "Made to order", "MTO", "", 4, 0.9)]),
        "demand_history": frame("sku month bookings shipments", [
            (sku, month, 10 + i + k, 9 + i + k)
            for k, sku in enumerate(SKUS) for i, month in enumerate(HISTORY)]),
        "inventory": frame("sku month on_hand", [
            (sku, month, 50 + k) for k, sku in enumerate(SKUS) for month in HISTORY[-2:]]),
        "open_orders": frame("sku due_month quantity", [("O1", "2025-01", 5),
                                                        ("O2", "2025-02", 3)]),
        "production_history": frame("family month quantity", [
            (family, month, 40) for family in ("F_STOCK", "F_ORDER") for month in HISTORY]),
        "resources": frame("resource plant available_hours max_overtime_hours "
                           "regular_cost_per_hour overtime_cost_per_hour", [
                               ("R1", "P1", 160, 40, 30, 45), ("R2", "P1", 320, 0, 25, 40)]),
        "bill_of_resources": frame("family resource hours_per_unit", [
            ("F_STOCK", "R1", 0.5), ("F_STOCK", "R2", 0.25),
            ("F_ORDER", "R1", 2), ("F_ORDER", "R2", 1.5)]),
        "business_plan": frame("family month units revenue", [
            (family, month, 100, 100 * price)
            for family, price in (("F_STOCK", 11), ("F_ORDER", 90)) for month in PLAN]),
        "overrides": frame("level code month kind value owner reason", [
            ("sku", "S1", "2025-06", "percent", 10, "Ann", "promotion"),
            ("family", "F_ORDER", "2025-07", "absolute", 500, "Bob", "tender")]),
    }


def typed(table: str, text: pd.DataFrame) -> pd.DataFrame:
    """The text table with numbers as floats and months as Periods, as a Parquet file holds
    them; a column holding a value that is no number or month stays text."""
    result = text.copy()
    convert = {NUMBER: lambda cells: pd.to_numeric(cells).astype(float),
               MONTH: lambda cells: cells.replace("", None).astype("period[M]")}
    for column in TABLES_BY_NAME[table].columns:
        if column.kind in convert and column.name in result:
            try:
                result[column.name] = convert[column.kind](result[column.name])
            except ValueError:
                pass
    return result


def write_company(folder, tables=None, *, config=CONFIG, form="csv"):
    """Write a company folder: company.yaml and each table as CSV, Parquet or one workbook."""
    folder.mkdir(exist_ok=True)
    tables = valid_tables() if tables is None else tables
    if config is not None:
        (folder / "company.yaml").write_text(config)
    if form == "xlsx":
        with pd.ExcelWriter(folder / "company.xlsx", engine="openpyxl") as writer:
            for name, table in tables.items():
                table = typed(name, table)
                for column in table.select_dtypes("period[M]"):
                    table[column] = table[column].dt.to_timestamp()
                table.to_excel(writer, sheet_name=name, index=False)
    for name, table in tables.items():
        if form == "csv":
            table.to_csv(folder / f"{name}.csv", index=False)
        elif form == "csv-bom-crlf":
            text = "\ufeff" + table.to_csv(index=False, lineterminator="\r\n")
            (folder / f"{name}.csv").write_bytes(text.encode("utf-8"))
        elif form == "parquet":
            typed(name, table).to_parquet(folder / f"{name}.parquet")
    return folder


def where(problems):
    """(file, row, column, value) of each problem, for exact comparisons."""
    return [(p.file, p.row, p.column, p.value) for p in problems]


def errors(problems):
    return [p for p in problems if p.is_error]


def warnings(problems):
    return [p for p in problems if not p.is_error]


# --- a valid folder -----------------------------------------------------------------------

@pytest.fixture
def valid_company(tmp_path):
    company, problems = check_company(write_company(tmp_path / "acme"))
    assert problems == []
    return company


def test_valid_folder_has_no_problem_and_gives_the_typed_company(valid_company, tmp_path):
    assert valid_company.folder == tmp_path / "acme"
    assert valid_company.config == CompanyConfig("Test Co", "EUR", 18, 1)
    assert valid_company.warnings == []
    assert valid_company.last_closed_month == pd.Period("2024-12", freq="M")
    for table in TABLES:
        result = valid_company.tables[table.name]
        assert list(result.columns) == table.column_names
        for column in table.columns:
            expected = {"number": "float64", "month": "period[M]"}.get(column.kind, "str")
            assert result[column.name].dtype == expected, (table.name, column.name)


def test_typed_company_rows_are_sorted_by_key_with_a_fresh_index(valid_company):
    items = valid_company.items
    assert items["sku"].tolist() == ["O1", "O2", "S1", "S2"]
    assert items.index.tolist() == [0, 1, 2, 3]
    assert items.loc[1, "end_of_life"] == pd.Period("2025-06", freq="M")
    assert pd.isna(items.loc[0, "end_of_life"])
    assert items.loc[3, "unit_price"] == 12.5
    history = valid_company.demand_history
    assert history[["sku", "month"]].iloc[0].tolist() == ["O1", pd.Period("2023-01", freq="M")]
    assert history[["sku", "month"]].iloc[24].tolist() == ["O2", pd.Period("2023-01", freq="M")]
    assert history.loc[0, "bookings"] == 12.0  # O1 is the third SKU written: 10 + 0 + 2
    families = valid_company.families
    assert families["family"].tolist() == ["F_ORDER", "F_STOCK"]
    assert pd.isna(families.loc[1, "backlog_target_weeks"])


def test_files_are_recorded_for_the_manifest(valid_company, tmp_path):
    folder = tmp_path / "acme"
    assert valid_company.files == {**{t.name: folder / f"{t.name}.csv" for t in TABLES},
                                   "company.yaml": folder / "company.yaml"}


@pytest.mark.parametrize("form", ["csv-bom-crlf", "parquet", "xlsx"])
def test_other_file_forms_give_the_same_company_as_csv(valid_company, tmp_path, form):
    company, problems = check_company(write_company(tmp_path / form, form=form))
    assert problems == []
    assert company.config == valid_company.config
    for table in TABLES:
        pd.testing.assert_frame_equal(company.tables[table.name],
                                      valid_company.tables[table.name])


def test_xlsx_tables_are_named_as_sheets(tmp_path):
    company = load_company(write_company(tmp_path / "book", form="xlsx"))
    assert company.files["items"] == tmp_path / "book" / "company.xlsx"
    tables = valid_tables()
    tables["items"].loc[0, "unit_price"] = "ten"
    _, problems = check_company(write_company(tmp_path / "broken", tables, form="xlsx"))
    assert where(problems) == [("company.xlsx[items]", 2, "unit_price", "ten")]


def test_sheet_missing_from_the_workbook_is_named_in_the_workbook(tmp_path):
    tables = valid_tables()
    del tables["resources"]
    _, problems = check_company(write_company(tmp_path / "book", tables, form="xlsx"))
    assert where(errors(problems)) == [("company.xlsx", None, None, None)]
    assert errors(problems)[0].expected == (
        "the sheet resources is missing; expected a sheet named resources (or resources.csv "
        "or resources.parquet next to the workbook)")


def test_months_written_in_other_forms_are_read(valid_company, tmp_path):
    tables = valid_tables()
    history = tables["demand_history"]
    history["month"] = [m + "-01" if i % 2 else m.replace("-", "/")
                        for i, m in enumerate(history["month"])]
    tables["overrides"]["month"] = ["202506", "2025-7"]
    company, problems = check_company(write_company(tmp_path / "forms", tables))
    assert problems == []
    pd.testing.assert_frame_equal(company.demand_history, valid_company.demand_history)
    pd.testing.assert_frame_equal(company.overrides, valid_company.overrides)


MONTH_NAMES = ("January February March April May June July August September October "
               "November December").split()


def written(month: str, form: int) -> str:
    """A month as ERPs and planners write it: its last day, or its English name in some case."""
    period = pd.Period(month, "M")
    full, year = MONTH_NAMES[period.month - 1], period.year
    return (period.end_time.strftime("%Y-%m-%d"), f"{full[:3]}-{year}".upper(),
            f"{full} {year}".lower(), f"{year}-{full[:3]}", f"{full} {year}")[form % 5]


def test_month_ends_and_month_names_are_read(valid_company, tmp_path):
    tables = valid_tables()
    history = tables["demand_history"]
    history["month"] = [written(m, i) for i, m in enumerate(history["month"])]
    assert history["month"].iloc[:5].tolist() == ["2023-01-31", "FEB-2023", "march 2023",
                                                  "2023-Apr", "May 2023"]
    assert "2024-02-29" in set(history["month"])
    tables["open_orders"]["due_month"] = ["2025-01-31 00:00:00", "Feb 2025"]
    company, problems = check_company(write_company(tmp_path / "forms", tables))
    assert problems == []
    pd.testing.assert_frame_equal(company.demand_history, valid_company.demand_history)
    pd.testing.assert_frame_equal(company.open_orders, valid_company.open_orders)


def test_month_end_timestamps_of_parquet_are_read(valid_company, tmp_path):
    folder = write_company(tmp_path / "acme")
    history = typed("demand_history", valid_tables()["demand_history"])
    history["month"] = history["month"].dt.to_timestamp(how="end").dt.normalize()
    assert history["month"].iloc[1] == pd.Timestamp("2023-02-28")
    history.to_parquet(folder / "demand_history.parquet")
    (folder / "demand_history.csv").unlink()
    company, problems = check_company(folder)
    assert problems == []
    pd.testing.assert_frame_equal(company.demand_history, valid_company.demand_history)


def test_a_sheet_with_title_rows_is_read_from_its_header_with_a_warning(valid_company,
                                                                         tmp_path):
    from openpyxl import load_workbook

    path = write_company(tmp_path / "book", form="xlsx") / "company.xlsx"
    book = load_workbook(path)
    book["items"].insert_rows(1, 2)
    book["items"]["A1"] = "Items of Test Co, November 2024"
    book.save(path)
    company, problems = check_company(path.parent)
    assert where(problems) == [("company.xlsx[items]", 1, None, "Items of Test Co, November 2024")]
    assert problems[0].expected == "skipped as a title above the header in row 3"
    assert warnings(problems) == problems
    pd.testing.assert_frame_equal(company.items, valid_company.items)
    assert company.origin("items")[1].tolist() == [6, 7, 4, 5]  # O1 O2 S1 S2, under row 3


def test_choices_are_matched_ignoring_case(valid_company, tmp_path):
    tables = valid_tables()
    tables["families"]["strategy"] = ["mts", "Mto"]
    tables["items"]["status"] = ["ACTIVE", "active", "Active", "phase_out"]
    company = load_company(write_company(tmp_path / "case", tables))
    pd.testing.assert_frame_equal(company.families, valid_company.families)
    pd.testing.assert_frame_equal(company.items, valid_company.items)


@pytest.mark.parametrize("overrides", ["absent", "empty file", "header only"])
def test_optional_table_may_be_absent_or_empty(tmp_path, overrides):
    folder = write_company(tmp_path / "acme")
    path = folder / "overrides.csv"
    if overrides == "absent":
        path.unlink()
    else:
        path.write_text("" if overrides == "empty file" else "level,code,month,kind,value,owner,"
                        "reason\n")
    company = load_company(folder)
    assert company.overrides.empty
    assert list(company.overrides.columns) == TABLES_BY_NAME["overrides"].column_names
    assert company.overrides["month"].dtype == "period[M]"
    assert company.overrides["value"].dtype == "float64"
    assert ("overrides" in company.files) == (overrides != "absent")


def test_extra_columns_and_absent_optional_columns(tmp_path):
    tables = valid_tables()
    tables["items"] = tables["items"].drop(columns=["description", "end_of_life"])
    tables["items"]["comment"] = "anything"
    company = load_company(write_company(tmp_path / "acme", tables))
    assert list(company.items.columns) == TABLES_BY_NAME["items"].column_names
    assert company.items["description"].tolist() == ["", "", "", ""]
    assert company.items["end_of_life"].isna().all()


def with_budget(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The business plan with the optional budget columns: cost of goods 60% of revenue, an
    inventory budget of 500, both left empty in the last row."""
    plan = tables["business_plan"].copy()
    plan["cost_of_goods"] = [f"{0.6 * float(v):g}" for v in plan["revenue"]]
    plan["inventory_value"] = "500"
    plan.iloc[-1, plan.columns.get_indexer(["cost_of_goods", "inventory_value"])] = ""
    return {**tables, "business_plan": plan}


def test_the_business_plan_budget_columns_are_optional_and_read_as_numbers(tmp_path):
    without = load_company(write_company(tmp_path / "bare"))
    assert without.business_plan[["cost_of_goods", "inventory_value"]].isna().all().all()
    company, problems = check_company(write_company(tmp_path / "acme",
                                                    with_budget(valid_tables())))
    assert problems == []
    plan = company.business_plan.set_index(["family", "month"])
    empty = ("F_ORDER", pd.Period(PLAN[-1], "M"))                    # the last row written
    given = plan.drop(empty)
    assert given["cost_of_goods"].to_numpy() == pytest.approx(0.6 * given["revenue"].to_numpy())
    assert given["inventory_value"].eq(500).all()
    assert plan.loc[empty, ["cost_of_goods", "inventory_value"]].isna().all()  # no budget


@pytest.mark.parametrize("column", ["cost_of_goods", "inventory_value"])
def test_a_negative_budget_is_refused_with_file_row_and_column(tmp_path, column):
    tables = with_budget(valid_tables())
    tables["business_plan"].loc[4, column] = "-1"
    company, problems = check_company(write_company(tmp_path / "acme", tables))
    assert company is None
    assert where(errors(problems)) == [("business_plan.csv", 6, column, "-1")]
    assert errors(problems)[0].expected == "expected a number of at least 0"


def test_spaces_are_trimmed_with_a_warning(valid_company, tmp_path):
    tables = valid_tables()
    tables["items"].loc[1, "sku"] = " S2 "
    tables["items"].loc[2, "unit_price"] = "100 "
    company, problems = check_company(write_company(tmp_path / "spaces", tables))
    assert where(problems) == [("items.csv", 3, "sku", " S2 "), ("items.csv", 4, "unit_price",
                                                                 "100 ")]
    assert warnings(problems) == problems
    assert company.warnings == problems
    pd.testing.assert_frame_equal(company.items, valid_company.items)


def test_a_key_repeated_in_a_file_already_in_key_order_is_found(tmp_path):
    tables = valid_tables()
    tables["items"] = tables["items"].sort_values("sku", ignore_index=True)  # O1 O2 S1 S2
    tables["items"].loc[4] = ["S1", "F_STOCK", "again", "10", "6", "active", ""]
    tables["items"] = tables["items"].sort_values("sku", kind="stable", ignore_index=True)
    _, problems = check_company(write_company(tmp_path, tables))
    assert where(problems) == [("items.csv", 5, "sku", "S1")]
    assert problems[0].expected == "repeats row 4; expected each sku only once"


# --- broken folders: one mistake each, reported once with its place -----------------------

def set_cell(table, row, column, value):
    """A change to one cell; `row` as a spreadsheet shows it (first data row = 2)."""
    def change(tables):
        tables[table].loc[row - 2, column] = value
    return change


def add_row(table, *values):
    def change(tables):
        tables[table].loc[len(tables[table])] = [str(v) for v in values]
    return change


def drop_rows(table, **equal):
    def change(tables):
        rows = tables[table]
        keep = ~pd.concat([rows[c].eq(v) for c, v in equal.items()], axis=1).all(axis=1)
        tables[table] = rows[keep].reset_index(drop=True)
    return change


def move_skus_to(family):
    def change(tables):
        tables["items"]["family"] = family
    return change


def drop_table(table):
    def change(tables):
        del tables[table]
    return change


BROKEN = {
    "required table missing": (drop_table("resources"), ("resources.csv", None, None, None),
                               "the table is missing; expected resources.csv, "
                               "resources.parquet or a sheet resources in the .xlsx workbook"),
    "text with thousands separator": (set_cell("items", 3, "unit_price", "1,250"),
                                      ("items.csv", 3, "unit_price", "1,250"),
                                      "expected a number such as 1234.5"),
    "currency sign": (set_cell("items", 2, "standard_cost", "€6"),
                      ("items.csv", 2, "standard_cost", "€6"), "expected a number"),
    "NaN quantity": (set_cell("demand_history", 5, "bookings", "NaN"),
                     ("demand_history.csv", 5, "bookings", "NaN"), "expected a number"),
    "infinite quantity": (set_cell("demand_history", 6, "shipments", "inf"),
                          ("demand_history.csv", 6, "shipments", "inf"), "expected a number"),
    "empty quantity": (set_cell("inventory", 3, "on_hand", ""),
                       ("inventory.csv", 3, "on_hand", None),
                       "the cell is empty; expected a number"),
    "negative quantity": (set_cell("demand_history", 7, "shipments", "-3"),
                          ("demand_history.csv", 7, "shipments", "-3"),
                          "expected a number of at least 0"),
    "share above 1": (set_cell("families", 2, "service_target", "95"),
                      ("families.csv", 2, "service_target", "95"),
                      "expected a number from 0 to 1"),
    "target beyond maximum": (set_cell("families", 3, "backlog_target_weeks", "200"),
                              ("families.csv", 3, "backlog_target_weeks", "200"),
                              "expected a number from 0 to 104"),
    "percent below -100": (set_cell("overrides", 2, "value", "-150"),
                           ("overrides.csv", 2, "value", "-150"),
                           "expected a number of at least -100"),
    "absurdly large": (set_cell("business_plan", 4, "revenue", "5e12"),
                       ("business_plan.csv", 4, "revenue", "5e12"),
                       "expected a plausible figure (at most 1e+12 in size)"),
    "unknown choice": (set_cell("families", 2, "strategy", "MTX"),
                       ("families.csv", 2, "strategy", "MTX"), "expected one of MTS, MTO"),
    "empty choice": (set_cell("items", 5, "status", ""), ("items.csv", 5, "status", None),
                     "the cell is empty; expected one of active, new, phase_out, inactive"),
    "empty code": (set_cell("bill_of_resources", 3, "resource", ""),
                   ("bill_of_resources.csv", 3, "resource", None),
                   "the cell is empty; expected a value"),
    "month 13": (set_cell("demand_history", 9, "month", "2024-13"),
                 ("demand_history.csv", 9, "month", "2024-13"),
                 "expected a month such as 2024-01 (also 2024/01, 202401, Jan 2024, January "
                 "2024, or its first or last day: 2024-01-01, 2024-01-31)"),
    "ambiguous date": (set_cell("open_orders", 2, "due_month", "01/02/2025"),
                       ("open_orders.csv", 2, "due_month", "01/02/2025"),
                       "expected a month such as 2024-01"),
    "mid-month date": (set_cell("items", 5, "end_of_life", "2025-06-15"),
                       ("items.csv", 5, "end_of_life", "2025-06-15"),
                       "not the first or last day of a month; expected a month such as 2024-01 "
                       "(also 2024/01, 202401, Jan 2024"),
    "month and year only": (set_cell("open_orders", 3, "due_month", "02/2025"),
                            ("open_orders.csv", 3, "due_month", "02/2025"),
                            "expected a month such as 2024-01"),
    "duplicate SKU": (add_row("items", "S2", "F_STOCK", "", 1, 1, "active", ""),
                      ("items.csv", 6, "sku", "S2"), "repeats row 3; expected each sku only once"),
    "duplicate month": (add_row("demand_history", "S1", "2024/03", 0, 0),
                        ("demand_history.csv", 98, "sku, month", "S1, 2024/03"),
                        "repeats row 16; expected each sku and month only once"),
    "unknown SKU": (add_row("inventory", "S9", "2024-12", 1),
                    ("inventory.csv", 10, "sku", "S9"),
                    "unknown sku; expected a sku defined in items.csv"),
    "unknown family": (set_cell("items", 3, "family", "F_OTHER"),
                       ("items.csv", 3, "family", "F_OTHER"),
                       "unknown family; expected a family defined in families.csv"),
    "unknown resource": (add_row("bill_of_resources", "F_STOCK", "R9", 1),
                         ("bill_of_resources.csv", 6, "resource", "R9"),
                         "unknown resource; expected a resource defined in resources.csv"),
    "override of unknown SKU": (set_cell("overrides", 2, "code", "F_STOCK"),
                                ("overrides.csv", 2, "code", "F_STOCK"),
                                "unknown sku; expected a sku defined in items.csv"),
    "override of unknown family": (set_cell("overrides", 3, "code", "S1"),
                                   ("overrides.csv", 3, "code", "S1"),
                                   "unknown family; expected a family defined in families.csv"),
    "family without SKUs": (move_skus_to("F_ORDER"), ("families.csv", 2, "family", "F_STOCK"),
                            "no SKU in items.csv; expected at least one for every family"),
    "family without bill of resources": (drop_rows("bill_of_resources", family="F_ORDER"),
                                         ("families.csv", 3, "family", "F_ORDER"),
                                         "no row in bill_of_resources.csv; expected at least "
                                         "one for every family"),
    "MTS without inventory target": (set_cell("families", 2, "inventory_target_days", ""),
                                     ("families.csv", 2, "inventory_target_days", None),
                                     "the cell is empty; expected a target for a MTS family"),
    "MTO without backlog target": (set_cell("families", 3, "backlog_target_weeks", ""),
                                   ("families.csv", 3, "backlog_target_weeks", None),
                                   "the cell is empty; expected a target for a MTO family"),
    "months missing in history": (drop_rows("demand_history", sku="S2", month="2023-06"),
                                  ("demand_history.csv", None, "sku", "S2"),
                                  "no row for 2023-06; expected one row per month from the "
                                  "SKU's first month 2023-01 to the last closed month 2024-12 "
                                  "(zeros included)"),
    "history of one SKU ends early": (drop_rows("demand_history", sku="O1", month="2024-12"),
                                      ("demand_history.csv", None, "sku", "O1"),
                                      "no row for 2024-12; expected one row per month"),
    "no opening inventory": (drop_rows("inventory", sku="S1", month="2024-12"),
                             ("inventory.csv", None, "sku", "S1"),
                             "no row at the last closed month 2024-12; expected the month-end "
                             "on-hand of every SKU with demand history"),
    "override after the horizon": (set_cell("overrides", 2, "month", "2026-07"),
                                   ("overrides.csv", 2, "month", "2026-07"),
                                   "outside the plan horizon; expected a month from 2025-01 to "
                                   "2026-06"),
    "negative absolute override": (set_cell("overrides", 3, "value", "-5"),
                                   ("overrides.csv", 3, "value", "-5"),
                                   "expected a number of at least 0 for an absolute override"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_one_mistake_gives_exactly_its_problem(tmp_path, case):
    change, place, expected = BROKEN[case]
    tables = valid_tables()
    change(tables)
    company, problems = check_company(write_company(tmp_path / "acme", tables))
    assert company is None
    assert where(errors(problems)) == [place]
    assert errors(problems)[0].expected.startswith(expected)


def test_table_without_rows(tmp_path):
    tables = valid_tables()
    tables["items"] = tables["items"].iloc[:0]
    _, problems = check_company(write_company(tmp_path / "acme", tables))
    empty = [p for p in problems if p.file == "items.csv" and p.row is None]
    assert [p.expected for p in empty] == ["the table has no rows; expected at least one"]


def test_rows_naming_a_table_without_rows_do_not_repeat_its_problem(tmp_path):
    tables = valid_tables()
    tables["families"] = tables["families"].iloc[:0]
    _, problems = check_company(write_company(tmp_path / "acme", tables))
    assert where(problems) == [("families.csv", None, None, None)]
    assert problems[0].expected == "the table has no rows; expected at least one"


def test_an_unknown_code_is_reported_once_at_its_first_row(tmp_path):
    tables = valid_tables()
    plan = tables["business_plan"]
    plan.loc[plan["family"].eq("F_ORDER") & plan["month"].isin(PLAN[2:5]), "family"] = "F_ORDR"
    plan.loc[1, "family"] = "F_STOK"
    _, problems = check_company(write_company(tmp_path / "acme", tables))
    assert where(problems) == [("business_plan.csv", 3, "family", "F_STOK"),
                               ("business_plan.csv", 22, "family", "F_ORDR")]
    assert problems[0].expected == ("unknown family; expected a family defined in "
                                    "families.csv")
    assert problems[1].expected == ("unknown family; expected a family defined in "
                                    "families.csv (the same in 2 more row(s))")


@pytest.mark.parametrize("cycle", ["2025-01", "2025-03", pd.Period("2025-02", freq="M")])
def test_cycle_up_to_three_months_after_the_history_is_fine(tmp_path, cycle):
    company, problems = check_company(write_company(tmp_path / "acme"), cycle=cycle)
    assert problems == []
    assert company is not None


@pytest.mark.parametrize(("cycle", "expected"), [
    ("2025-04", "the last closed month; expected the history to end at most 3 months before "
                "the cycle 2025-04 (add the closed months up to 2025-03)"),
    ("2024-12", "the last closed month; expected the history to end before the cycle 2024-12 "
                "being planned"),
])
def test_history_must_end_shortly_before_the_cycle(tmp_path, cycle, expected):
    tables = valid_tables()
    tables["overrides"]["month"] = ["2025-06", "2025-06"]
    _, problems = check_company(write_company(tmp_path / "acme", tables), cycle=cycle)
    assert where(errors(problems)) == [("demand_history.csv", None, "month", "2024-12")]
    assert errors(problems)[0].expected == expected


def test_override_months_follow_the_cycle_and_horizon(tmp_path):
    """A month after the horizon is an error; one before the cycle is an earlier cycle's row of
    the overrides log, kept and not applied, which a warning says."""
    tables = valid_tables()
    tables["overrides"]["month"] = ["2025-02", "2026-03"]
    folder = write_company(tmp_path / "acme", tables, config=CONFIG + "horizon_months: 12\n")
    company, problems = check_company(folder, cycle="2025-03")
    assert where(errors(problems)) == [("overrides.csv", 3, "month", "2026-03")]
    assert errors(problems)[0].expected == ("outside the plan horizon; expected a month from "
                                            "2025-03 to 2026-02")
    tables["overrides"]["month"] = ["2025-02", "2025-04"]
    folder = write_company(tmp_path / "acme2", tables, config=CONFIG + "horizon_months: 12\n")
    company, problems = check_company(folder, cycle="2025-03")
    [warning] = [p for p in problems if p.file == "overrides.csv"]
    assert (warning.severity, warning.row, warning.value) == ("warning", 2, "2025-02")
    assert "1 row(s) name months before the cycle 2025-03: kept as the history" in (
        warning.expected)
    assert company is not None and len(company.overrides) == 2


def test_cycle_that_is_not_a_month_is_a_parameter_error(tmp_path):
    with pytest.raises(ParameterError, match="cycle '2025-13' is not a month such as 2024-01"):
        check_company(write_company(tmp_path / "acme"), cycle="2025-13")


def test_missing_columns_give_one_problem_each(tmp_path):
    tables = valid_tables()
    tables["items"] = tables["items"].drop(columns=["unit_price", "status"])
    _, problems = check_company(write_company(tmp_path / "acme", tables))
    assert where(errors(problems)) == [("items.csv", None, "unit_price", None),
                                       ("items.csv", None, "status", None)]
    assert errors(problems)[0].expected == ("the column is missing; expected a column named "
                                            "unit_price (Average selling price.)")


def test_empty_required_file_is_one_problem(tmp_path):
    folder = write_company(tmp_path / "acme")
    (folder / "resources.csv").write_bytes(b"")
    _, problems = check_company(folder)
    assert where(errors(problems)) == [("resources.csv", None, None, None)]
    assert errors(problems)[0].expected == (
        "the file is empty; expected a header row with the columns resource, plant, "
        "available_hours, max_overtime_hours, regular_cost_per_hour, overtime_cost_per_hour")


def test_missing_folder(tmp_path):
    company, problems = check_company(tmp_path / "nowhere")
    assert company is None
    assert where(problems) == [(str(tmp_path / "nowhere"), None, None, None)]
    assert problems[0].expected.startswith("the folder does not exist")


def test_missing_config_is_reported_with_the_table_problems(tmp_path):
    tables = valid_tables()
    tables["items"].loc[0, "unit_price"] = "x"
    _, problems = check_company(write_company(tmp_path / "acme", tables, config=None))
    assert where(problems) == [("company.yaml", None, None, None),
                               ("items.csv", 2, "unit_price", "x")]


def test_table_given_twice_is_not_also_called_missing(tmp_path):
    folder = write_company(tmp_path / "acme")
    typed("resources", valid_tables()["resources"]).to_parquet(folder / "resources.parquet")
    _, problems = check_company(folder)
    assert where(problems) == [("resources.csv", None, None, None)]
    assert "resources.csv and resources.parquet" in problems[0].expected


def test_all_problems_are_reported_in_file_then_row_order(tmp_path):
    tables = valid_tables()
    tables["overrides"].loc[1, "month"] = "2030-01"
    tables["items"].loc[3, "unit_price"] = "free"
    tables["items"].loc[0, "standard_cost"] = "-1"
    tables["families"].loc[0, "strategy"] = "BOTH"
    company, problems = check_company(write_company(tmp_path / "acme", tables))
    assert company is None
    assert where(problems) == [("families.csv", 2, "strategy", "BOTH"),
                               ("items.csv", 2, "standard_cost", "-1"),
                               ("items.csv", 5, "unit_price", "free"),
                               ("overrides.csv", 3, "month", "2030-01")]


def test_three_independent_errors_give_three_problems(tmp_path):
    tables = valid_tables()
    drop_rows("inventory", sku="O2", month="2024-12")(tables)
    tables["resources"].loc[1, "available_hours"] = "lots"
    add_row("open_orders", "O1", "2025-01", 2)(tables)
    _, problems = check_company(write_company(tmp_path / "acme", tables))
    assert where(problems) == [("inventory.csv", None, "sku", "O2"),
                               ("open_orders.csv", 4, "sku, due_month", "O1, 2025-01"),
                               ("resources.csv", 3, "available_hours", "lots")]


def test_many_missing_months_are_listed_briefly(tmp_path):
    tables = valid_tables()
    history = tables["demand_history"]
    tables["demand_history"] = history[~(history["sku"].eq("S1")
                                         & history["month"].between("2023-03", "2023-10"))]
    _, problems = check_company(write_company(tmp_path / "acme", tables))
    assert where(problems) == [("demand_history.csv", None, "sku", "S1")]
    assert problems[0].expected.startswith("no row for 2023-03, 2023-04, 2023-05, 2023-06, "
                                           "2023-07, 2023-08 and 2 more month(s); expected")


def with_more_skus(tables: dict[str, pd.DataFrame], count: int) -> dict[str, pd.DataFrame]:
    """The tables with `count` more F_STOCK SKUs (X00, X01, ...), each with its full history
    and its inventory at the last closed month, appended after the rows there are."""
    extra = [f"X{i:02d}" for i in range(count)]
    added = {
        "items": [(sku, "F_STOCK", "", 5, 3, "active", "") for sku in extra],
        "demand_history": [(sku, month, 5, 5) for sku in extra for month in HISTORY],
        "inventory": [(sku, HISTORY[-1], 1) for sku in extra]}
    return {**tables, **{name: pd.concat([tables[name], frame(" ".join(tables[name].columns),
                                                              rows)], ignore_index=True)
                         for name, rows in added.items()}}


def test_rows_after_the_month_every_other_sku_ends_are_named(tmp_path):
    tables = with_more_skus(valid_tables(), 20)  # 24 SKUs whose history ends at 2024-12
    add_row("demand_history", "S2", "2025-01", 1, 1)(tables)
    add_row("demand_history", "S2", "Feb 2025", 1, 1)(tables)
    add_row("demand_history", "X03", "2025-03-31", 1, 1)(tables)
    company, problems = check_company(write_company(tmp_path / "acme", tables))
    assert company is None
    assert where(problems) == [("demand_history.csv", 578, "sku", "S2"),
                               ("demand_history.csv", 580, "sku", "X03")]
    assert [p.expected for p in problems] == [
        "months 2025-01 (row 578), 2025-02 (row 579) are after the last closed month 2024-12, "
        "where the history of the other SKUs ends; remove these rows, or add the months for "
        "every SKU",
        "month 2025-03 (row 580) is after the last closed month 2024-12, where the history of "
        "the other SKUs ends; remove the row, or add the month for every SKU"]


def test_a_month_that_more_than_one_sku_in_ten_has_is_the_last_closed_month(tmp_path):
    tables = with_more_skus(valid_tables(), 10)  # 14 SKUs: 2 running on are more than 1 in 10
    for sku in ("S2", "X03"):
        add_row("demand_history", sku, "2025-01", 1, 1)(tables)
    add_row("inventory", "S2", "2025-01", 1)(tables)
    tables["overrides"]["month"] = ["2025-06", "2025-06"]
    _, problems = check_company(write_company(tmp_path / "acme", tables))
    gaps = [p for p in problems if p.file == "demand_history.csv"]
    assert sorted(p.value for p in gaps) == sorted(
        ["S1", "O1", "O2"] + [f"X{i:02d}" for i in range(10) if i != 3])
    assert gaps[0].expected.startswith("no row for 2025-01; expected one row per month")
    assert len([p for p in problems if p.file == "inventory.csv"]) == 13


def test_unreadable_month_does_not_also_report_a_gap(tmp_path):
    tables = valid_tables()
    tables["demand_history"].loc[3, "month"] = "April"
    _, problems = check_company(write_company(tmp_path / "acme", tables))
    assert where(problems) == [("demand_history.csv", 5, "month", "April")]


def test_problem_reads_well(tmp_path):
    tables = valid_tables()
    tables["items"].loc[1, "unit_price"] = "1,250"
    tables["demand_history"].loc[0, "bookings"] = ""
    _, problems = check_company(write_company(tmp_path / "acme", tables))
    assert [str(p) for p in problems] == [
        "ERROR demand_history.csv, row 2, column bookings: the cell is empty; expected a number",
        "ERROR items.csv, row 3, column unit_price: value '1,250': expected a number such as "
        "1234.5 (no thousands separators, currency signs or text)"]


# --- warnings -----------------------------------------------------------------------------

def no_bookings_for_a_year(sku):
    def change(tables):
        history = tables["demand_history"]
        history.loc[history["sku"].eq(sku) & history["month"].ge("2024-01"), "bookings"] = "0"
    return change


def plan_before_horizon(family):
    """Move a family's business plan to the 18 months before the horizon."""
    def change(tables):
        plan = tables["business_plan"]
        plan.loc[plan["family"].eq(family), "month"] = [
            str(m) for m in pd.period_range("2023-07", "2024-12", freq="M")]
    return change


WARNINGS = {
    "no bookings for a year": (no_bookings_for_a_year("S2"), ("items.csv", 3, "sku", "S2"),
                               "no bookings in the last 12 months (2024-01 to 2024-12), so its "
                               "forecast will be zero"),
    "family without business plan": (drop_rows("business_plan", family="F_ORDER"),
                                     ("families.csv", 3, "family", "F_ORDER"),
                                     "no rows in business_plan.csv for the horizon 2025-01 to "
                                     "2026-06"),
    "business plan only before the horizon": (
        plan_before_horizon("F_STOCK"),
        ("families.csv", 2, "family", "F_STOCK"), "no rows in business_plan.csv"),
    "active SKU with zero price": (set_cell("items", 2, "unit_price", "0"),
                                   ("items.csv", 2, "unit_price", "0"),
                                   "an active SKU with a zero price"),
}


@pytest.mark.parametrize("case", list(WARNINGS))
def test_warnings_do_not_fail(tmp_path, case):
    change, place, expected = WARNINGS[case]
    tables = valid_tables()
    change(tables)
    company, problems = check_company(write_company(tmp_path / "acme", tables))
    assert where(problems) == [place]
    assert problems[0].severity == "warning"
    assert problems[0].expected.startswith(expected)
    assert company.warnings == problems


@pytest.mark.parametrize(("table", "header", "effect"), [
    ("open_orders", "sku,due_month,quantity", "the table has no rows, so make-to-order families "
     "are planned without a backlog (the plan and the family sheets' backlog start from zero "
     "open orders) and customer service counts no order as late; add the open customer orders, "
     "if there are any"),
    ("production_history", "family,month,quantity", "the table has no rows, so plan adherence "
     "cannot be measured (the supply review, the executive KPIs and the family sheets show no "
     "production actual against the plan of record); add the units produced per family and "
     "month"),
])
def test_a_table_given_without_rows_is_a_warning_saying_what_it_changes(tmp_path, table, header,
                                                                        effect):
    folder = write_company(tmp_path / "acme")
    (folder / f"{table}.csv").write_text(header + "\n")
    (folder / "overrides.csv").write_text("level,code,month,kind,value,owner,reason\n")
    company, problems = check_company(folder)
    assert where(problems) == [(f"{table}.csv", None, None, None)]
    assert (problems[0].severity, problems[0].expected) == ("warning", effect)
    assert company.tables[table].empty and company.warnings == problems


@pytest.mark.parametrize("status", ["inactive", "phase_out"])
def test_no_bookings_is_expected_of_inactive_and_phase_out_skus(tmp_path, status):
    tables = valid_tables()
    no_bookings_for_a_year("S2")(tables)
    tables["items"].loc[1, "status"] = status
    assert check_company(write_company(tmp_path / "acme", tables))[1] == []


# --- load_company -------------------------------------------------------------------------

def test_load_company_raises_data_error_listing_the_errors(tmp_path):
    tables = valid_tables()
    tables["items"].loc[0, "unit_price"] = "0"
    tables["items"].loc[1, "standard_cost"] = "n/a"
    with pytest.raises(DataError) as raised:
        load_company(write_company(tmp_path / "acme", tables))
    assert where(raised.value.problems) == [("items.csv", 3, "standard_cost", "n/a")]
    assert "items.csv, row 3, column standard_cost: value 'n/a'" in str(raised.value)


def test_load_company_keeps_warnings(tmp_path):
    tables = valid_tables()
    tables["items"].loc[0, "unit_price"] = "0"
    company = load_company(write_company(tmp_path / "acme", tables), cycle="2025-02")
    assert where(company.warnings) == [("items.csv", 2, "unit_price", "0")]
    assert company.items.loc[company.items["sku"].eq("S1"), "unit_price"].tolist() == [0.0]
