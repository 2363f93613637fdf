"""Tests of sop_lib.interactive.common: the demand review's tables read or computed, the plan
months and their picker options, and what `show` puts in an Output widget (errors included)."""
import shutil
from types import SimpleNamespace

import ipywidgets as widgets
import pandas as pd
import pytest

from sop_lib.core.errors import DataError, Problem, SopError
from sop_lib.interactive.common import (
    DEMAND_TABLES,
    demand_review,
    month_options,
    plan_months,
    problems_table,
    show,
)
from sop_lib.pack.display import say
from sop_lib.run.workbook import open_workbook
from tests.interactive.builders import EVIL, everything_of, markdown_of, tables_of


def test_an_unexpected_error_is_shown_then_raised():
    output = widgets.Output()
    with pytest.raises(ZeroDivisionError):
        show(output, lambda: 1 / 0)
    assert "Something went wrong** (ZeroDivisionError): division by zero" in markdown_of(output)


# --- the demand review's tables ------------------------------------------------------------

def test_the_demand_review_is_read_when_its_tables_are_stored(shared_wb):
    paths = [shared_wb.store.path(name) for name in DEMAND_TABLES]
    written = [path.stat().st_mtime_ns for path in paths]
    tables = demand_review(shared_wb)
    assert sorted(tables) == sorted(DEMAND_TABLES)
    stored = shared_wb.read(*DEMAND_TABLES)
    for name in DEMAND_TABLES:
        pd.testing.assert_frame_equal(tables[name], stored[name])
    assert [path.stat().st_mtime_ns for path in paths] == written  # nothing written again


def test_the_demand_review_is_computed_and_written_when_a_table_is_missing(reviewed, shared_wb,
                                                                          tmp_path):
    reports = tmp_path / "reports"
    shutil.copytree(reviewed[1]["reports_dir"], reports)
    wb = open_workbook(data_dir=reviewed[0], reports_dir=reports,
                       archive_dir=reviewed[1]["archive_dir"])
    wb.store.path("accuracy").unlink()
    assert not wb.store.has("accuracy")
    tables = demand_review(wb)
    assert all(wb.store.has(name) for name in DEMAND_TABLES)
    for name in ("forecast", "consensus", "accuracy"):
        pd.testing.assert_frame_equal(tables[name].reset_index(drop=True),
                                      shared_wb.read(name)[name])


# --- plan months --------------------------------------------------------------------------

def test_the_plan_months_are_the_cycle_and_the_horizon_after_it():
    months = plan_months(SimpleNamespace(cycle=pd.Period("2026-11", "M"), horizon=3))
    assert list(months) == [pd.Period(m, "M") for m in ("2026-11", "2026-12", "2027-01")]


def test_the_plan_months_of_a_real_workbook(shared_wb):
    months = plan_months(shared_wb)
    assert len(months) == shared_wb.horizon
    assert months[0] == shared_wb.cycle and months[-1] == shared_wb.cycle + shared_wb.horizon - 1


def test_month_options_label_each_month_as_yyyy_mm():
    months = pd.period_range("2026-12", "2027-02", freq="M")
    assert month_options(months) == [("2026-12", pd.Period("2026-12", "M")),
                                     ("2027-01", pd.Period("2027-01", "M")),
                                     ("2027-02", pd.Period("2027-02", "M"))]
    assert month_options([]) == []


def test_month_options_fill_a_dropdown():
    picker = widgets.Dropdown(options=month_options(pd.period_range("2027-01", periods=2,
                                                                    freq="M")))
    assert picker.label == "2027-01" and picker.value == pd.Period("2027-01", "M")


# --- show ---------------------------------------------------------------------------------

def test_show_puts_what_is_displayed_on_the_output_and_only_that():
    output = widgets.Output()
    show(output, lambda: say("First {n}", n=1))
    show(output, lambda: (say("Second {n}", n=2),
                          problems_table([Problem("items.csv", "a SKU")])))
    assert "First" not in markdown_of(output)
    assert "Second 2" in markdown_of(output)
    assert len(tables_of(output)) == 1
    assert all(o["output_type"] == "display_data" for o in output.outputs)


def test_show_with_nothing_displayed_empties_the_output():
    output = widgets.Output()
    show(output, lambda: say("Something"))
    show(output, lambda: None)
    assert output.outputs == ()


def test_a_planner_error_is_shown_after_what_came_before_and_not_raised():
    output = widgets.Output()

    def render():
        say("Before the error")
        raise SopError("The last month comes before the first month.")

    show(output, render)
    markdown = markdown_of(output)
    assert markdown.index("Before the error") < markdown.index("Not possible:")
    assert "**Not possible:** The last month comes before the first month" in markdown


def test_a_data_error_is_shown_with_its_problems_as_a_table():
    output = widgets.Output()
    problems = [Problem("overrides.csv", "a number", row=3, column="value", value="ten"),
                Problem("items.csv", "a family of families.csv", severity="warning")]

    def render():
        raise DataError(problems)

    show(output, render)
    assert "**Not possible:** 2 problem(s)." in markdown_of(output)
    [page] = tables_of(output)
    headings = [page.index(f">{name}<") for name in ("Severity", "File", "Row", "Column",
                                                      "Value", "Expected")]
    assert headings == sorted(headings)
    first = page.split(">overrides.csv<", 1)[1].split("</tr>", 1)[0]
    assert all(f">{cell}<" in first for cell in ("3", "value", "ten", "a number"))
    assert page.index(">error<") < page.index(">overrides.csv<") < page.index(">warning<")
    assert ">a family of families.csv<" in page


# --- problems_table -------------------------------------------------------------------------

def test_the_problems_table_leaves_unknown_places_empty_and_escapes_values():
    output = widgets.Output()
    show(output, lambda: problems_table([Problem("overrides.csv", "a reason", row=2,
                                                 column="reason", value=EVIL)]))
    page = everything_of(output)
    assert "&lt;script&gt;" in page and "<script" not in page and "<img src=x" not in page
    output = widgets.Output()
    show(output, lambda: problems_table([Problem("company.yaml", "a currency code")]))
    [page] = tables_of(output)
    row = page.split(">company.yaml<", 1)[1].split("</tr>", 1)[0]
    assert row.count("></td>") == 3 and "a currency code" in row  # no row, column nor value
