"""Tests of sop_lib.data.contract: the committed document, and the contract's own consistency."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from sop_lib.core.months import parse_month
from sop_lib.data import contract
from sop_lib.data.contract import CHOICE, MONTH, TABLES, TABLES_BY_NAME
from tests import REPO

DOC = REPO / "docs" / "data-contract.md"
KINDS = {contract.TEXT, contract.NUMBER, contract.MONTH, contract.CHOICE}


def test_committed_document_is_the_generated_one():
    assert DOC.read_text(encoding="utf-8") == contract.markdown(), (
        "docs/data-contract.md is stale: run `python -m sop_lib.data.contract > "
        "docs/data-contract.md`")


def test_document_has_a_section_per_table_and_a_row_per_column():
    text = contract.markdown()
    for table in TABLES:
        assert f"\n## {table.name}\n" in text
        for column in table.columns:
            assert f"| `{column.name}` | {column.kind} |" in text


def test_table_names_are_unique_and_indexed():
    assert len({t.name for t in TABLES}) == len(TABLES)
    assert TABLES_BY_NAME == {t.name: t for t in TABLES}


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_columns_are_well_formed(table):
    names = table.column_names
    assert len(set(names)) == len(names)
    for column in table.columns:
        assert re.fullmatch(r"[a-z][a-z_]*", column.name)
        assert column.kind in KINDS
        assert bool(column.choices) == (column.kind == CHOICE)
        if column.minimum is not None and column.maximum is not None:
            assert column.minimum < column.maximum


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_keys_are_required_columns(table):
    assert table.key
    for name in table.key:
        assert table.column(name).required


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_references_name_a_column_and_the_single_key_of_another_table(table):
    for column, target in table.references.items():
        assert table.column(column).required
        assert TABLES_BY_NAME[target].key == (column,)


def test_month_columns_are_the_ones_the_company_convention_names():
    months = {c.name for t in TABLES for c in t.columns if c.kind == MONTH}
    assert months == {"month", "due_month", "end_of_life"}


@pytest.mark.parametrize(("form", "text"), [("YYYY-MM", "2024-03"), ("YYYY/MM", "2024/03"),
                                            ("YYYY-MM-01", "2024-03-01"), ("YYYYMM", "202403")])
def test_documented_month_forms_are_read(form, text):
    assert f"`{form}`" in contract.markdown()
    assert parse_month(text) == pd.Period("2024-03", freq="M")


def test_the_business_plan_budget_columns_are_optional_money_of_at_least_zero():
    plan = TABLES_BY_NAME["business_plan"]
    for name in ("cost_of_goods", "inventory_value"):
        column = plan.column(name)
        assert (column.kind, column.unit, column.required, column.minimum) == (
            contract.NUMBER, "currency", False, 0)
        assert f"| `{name}` | number | currency | no | >= 0 |" in contract.markdown()
    assert "no budget" in plan.description
