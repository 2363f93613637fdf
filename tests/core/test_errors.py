"""Tests of sop_lib.core.errors: the error classes and how a Problem reads to a planner."""
from __future__ import annotations

import pytest
import yaml

from sop_lib.core.errors import (
    DataError,
    ParameterError,
    Problem,
    RunError,
    SopError,
    yaml_error_line,
)


@pytest.mark.parametrize("error", [DataError, ParameterError, RunError])
def test_every_error_is_a_sop_error(error):
    assert issubclass(error, SopError) and issubclass(SopError, Exception)


def test_a_problem_reads_file_row_column_value_and_what_was_expected():
    problem = Problem("items.csv", "expected a number", row=7, column="unit_cost", value="12,5")
    text = "ERROR items.csv, row 7, column unit_cost: value '12,5': expected a number"
    assert str(problem) == text
    assert problem.is_error
    assert repr(problem) == f"Problem({text})"


def test_a_problem_without_a_place_names_only_the_file():
    assert str(Problem("company.yaml", "file not found")) == "ERROR company.yaml: file not found"
    assert str(Problem("demand.csv", "column missing", column="sku")) == (
        "ERROR demand.csv, column sku: column missing")


@pytest.mark.parametrize("value, shown", [(0, "value 0: "), ("", "value '': "),
                                          (False, "value False: ")])
def test_falsy_values_are_still_shown(value, shown):
    """Only a missing value (None) is left out: 0 or an empty cell is what the planner must find."""
    text = str(Problem("f.csv", "expected a month", row=2, value=value))
    assert text == f"ERROR f.csv, row 2: {shown}expected a month"


def test_row_zero_is_a_place():
    assert str(Problem("f.csv", "x", row=0)) == "ERROR f.csv, row 0: x"


def test_warnings_are_not_errors():
    warning = Problem("bom.csv", "unused component", row=3, severity="warning")
    assert not warning.is_error
    assert str(warning) == "WARNING bom.csv, row 3: unused component"


def test_a_data_error_counts_and_lists_every_problem():
    problems = [Problem("a.csv", "first", row=2), Problem("b.csv", "second")]
    error = DataError(iter(problems))  # any iterable, kept as a list
    assert error.problems == problems
    assert str(error) == ("2 problem(s) in the company data:\n"
                          "ERROR a.csv, row 2: first\n"
                          "ERROR b.csv: second")


def test_a_data_error_accepts_plain_messages():
    error = DataError(["items.csv is empty"])
    assert str(error) == "1 problem(s) in the company data:\nitems.csv is empty"


def test_errors_carry_their_message():
    with pytest.raises(SopError, match="horizon must be at least 1"):
        raise ParameterError("horizon must be at least 1")


def test_a_yaml_mistake_is_located_where_reading_stopped_or_where_the_bracket_opened():
    with pytest.raises(yaml.YAMLError) as stopped:
        yaml.safe_load("a: 1\nb: [1, 2\nc: 3\n")
    with pytest.raises(yaml.YAMLError) as unclosed:
        yaml.safe_load("a: 1\nb: {x: 1\n")
    assert yaml_error_line(stopped.value) == 3
    assert yaml_error_line(unclosed.value) == 2
    assert yaml_error_line(ValueError("no mark")) is None
