"""Tests of sop_lib.data.company: the Company's declared, typed tables and what it derives."""
from __future__ import annotations

import dataclasses
import typing

import pandas as pd
import pytest

from sop_lib.data.company import COMPANY_TABLES, RESOURCE_CALENDAR, Company
from sop_lib.data.contract import MONTH, NUMBER, TABLES, TABLES_BY_NAME
from sop_lib.data.validation import load_company
from tests.builders import company_from_rows
from tests.data.test_validation import valid_tables, write_company

TABLE_NAMES = [t.name for t in TABLES] + ["resource_calendar"]
DTYPES = {NUMBER: "float64", MONTH: "period[M]"}  # text and choices: "str"


def assert_typed(frame: pd.DataFrame, table) -> None:
    """The frame has exactly the table's columns, each of its kind's dtype."""
    assert list(frame.columns) == table.column_names
    for column in table.columns:
        expected = DTYPES.get(column.kind, "str")
        assert frame[column.name].dtype == expected, (table.name, column.name)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    return load_company(write_company(tmp_path_factory.mktemp("acme")))


def test_every_table_is_a_declared_data_frame_field():
    hints = typing.get_type_hints(Company)
    fields = [f.name for f in dataclasses.fields(Company)]
    assert [t.name for t in COMPANY_TABLES] == TABLE_NAMES
    assert [name for name in fields if name in TABLE_NAMES] == TABLE_NAMES
    assert all(hints[name] is pd.DataFrame for name in TABLE_NAMES)
    assert "__getattr__" not in vars(Company)
    with pytest.raises(AttributeError):
        _ = company_from_rows().forecast


def test_a_loaded_company_holds_every_table_typed(loaded):
    for table in COMPANY_TABLES:
        assert_typed(getattr(loaded, table.name), table)
    assert len(loaded.items) == 4 and len(loaded.overrides) == 2


def test_an_absent_optional_table_is_empty_with_its_columns(tmp_path):
    tables = valid_tables()
    del tables["overrides"]
    company = load_company(write_company(tmp_path / "acme", tables))
    assert company.overrides.empty
    assert_typed(company.overrides, TABLES_BY_NAME["overrides"])
    assert "overrides" not in company.files


def test_the_resource_calendar_is_empty_unless_given(loaded):
    for company in (loaded, company_from_rows()):
        assert company.resource_calendar.empty
        assert_typed(company.resource_calendar, RESOURCE_CALENDAR)
    assert RESOURCE_CALENDAR.column_names == ["resource", "month", "available_hours",
                                              "max_overtime_hours"]


def test_the_calendar_is_a_field_replaced_like_any_table(loaded):
    calendar = company_from_rows(resource_calendar=[
        {"resource": "R1", "month": "2025-03", "available_hours": 0.0,
         "max_overtime_hours": 10.0}]).resource_calendar
    assert_typed(calendar, RESOURCE_CALENDAR)
    changed = dataclasses.replace(loaded, resource_calendar=calendar)
    assert changed.tables["resource_calendar"] is calendar
    assert changed.resources is loaded.resources and loaded.resource_calendar.empty


def test_tables_name_every_table_and_cannot_be_changed(loaded):
    assert list(loaded.tables) == TABLE_NAMES
    assert all(loaded.tables[name] is getattr(loaded, name) for name in TABLE_NAMES)
    with pytest.raises(TypeError):
        loaded.tables["items"] = loaded.items.iloc[:0]


def test_origin_gives_the_file_rows_in_key_order(loaded):
    file, rows = loaded.origin("families")
    assert file == "families.csv"
    assert rows.tolist() == [3, 2]  # F_ORDER (row 3) sorts before F_STOCK (row 2)
    assert loaded.families["family"].tolist() == ["F_ORDER", "F_STOCK"]


def test_origin_of_a_table_not_read_or_truncated_counts_from_row_2(loaded):
    truncated = dataclasses.replace(loaded, families=loaded.families.iloc[:1])
    assert truncated.origin("families")[0] == "families.csv"
    assert truncated.origin("families")[1].tolist() == [2]
    file, rows = company_from_rows(items=[{"sku": "A"}, {"sku": "B"}]).origin("items")
    assert (file, rows.tolist()) == ("items.csv", [2, 3])
    file, rows = loaded.origin("resource_calendar")
    assert (file, rows.tolist()) == ("resource_calendar.csv", [])


def test_last_closed_month_and_default_cycle(loaded):
    assert loaded.last_closed_month == pd.Period("2024-12", freq="M")
    assert loaded.default_cycle == pd.Period("2025-01", freq="M")
    company = company_from_rows(demand_history=[
        {"sku": "A", "month": month, "bookings": 1, "shipments": 1}
        for month in ("2025-02", "2025-04", "2025-03")])
    assert (company.last_closed_month, company.default_cycle) == (
        pd.Period("2025-04", freq="M"), pd.Period("2025-05", freq="M"))
