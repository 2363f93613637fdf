"""Tests of sop_lib.core.words: runs of months and amounts of money as they read in sentences."""
from __future__ import annotations

import pandas as pd
import pytest

from sop_lib.core.words import format_money, span_label, units_text


def month(text: str) -> pd.Period:
    return pd.Period(text, freq="M")


def test_one_month_reads_alone():
    assert span_label(month("2027-03"), month("2027-03")) == "2027-03"


def test_a_run_of_months_reads_first_to_last():
    assert span_label(month("2027-03"), month("2027-05")) == "2027-03 to 2027-05"
    assert span_label(month("2026-11"), month("2027-02")) == "2026-11 to 2027-02"


def test_months_are_zero_padded():
    assert span_label(month("2027-01"), month("2027-09")) == "2027-01 to 2027-09"


@pytest.mark.parametrize("value, text", [
    (12345.0, "EUR 12,345"),
    (0.0, "EUR 0"),
    (999.6, "EUR 1,000"),
    (1234567.89, "EUR 1,234,568"),
    (-5000.2, "EUR -5,000"),
    (7, "EUR 7"),
])
def test_money_reads_in_whole_units_with_thousands_separators(value, text):
    assert format_money(value, "EUR") == text


def test_the_currency_is_written_as_given():
    assert format_money(1500, "USD") == "USD 1,500"


def test_an_amount_that_rounds_to_nothing_reads_as_zero_whatever_its_sign():
    assert format_money(-0.4, "EUR") == "EUR 0"
    assert format_money(0.4, "EUR") == "EUR 0"
    assert format_money(-0.6, "EUR") == "EUR -1"


def test_a_quantity_reads_singular_only_when_it_rounds_to_one():
    assert units_text(1) == "1 unit" and units_text(1.2) == "1 unit"
    assert units_text(0) == "0 units" and units_text(1250.4) == "1,250 units"
