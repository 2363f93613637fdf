import pandas as pd
import pytest

from sop_lib.core.months import is_mid_month, month_range, parse_month, parse_months, to_month


@pytest.mark.parametrize("text", ["2024-01", "2024/01", "2024-01-01", "202401", " 2024-1 ",
                                  "2024-01-01 00:00:00"])
def test_unambiguous_forms_are_read(text):
    assert parse_month(text) == pd.Period("2024-01", "M")


@pytest.mark.parametrize(("text", "month"), [
    ("2022-11-30", "2022-11"), ("2022-11-30 00:00:00", "2022-11"), ("2024-02-29", "2024-02"),
    ("2023-02-28", "2023-02"), ("2022-12-31", "2022-12"), ("2022-04-30", "2022-04")])
def test_the_last_day_of_a_month_is_its_month(text, month):
    assert parse_month(text) == pd.Period(month, "M")


@pytest.mark.parametrize("text", ["Nov-2022", "nov 2022", "November 2022", "NOVEMBER-2022",
                                  "2022-Nov", "Nov. 2022", "nov/2022", " november  2022 "])
def test_english_month_names_are_read_in_any_case(text):
    assert parse_month(text) == pd.Period("2022-11", "M")


MONTH_NAMES = ("January February March April May June July August September October "
               "November December").split()


def test_every_month_name_and_its_abbreviation():
    for month, full in zip(pd.period_range("2024-01", periods=12, freq="M"), MONTH_NAMES):
        assert parse_month(f"{full} 2024") == parse_month(f"{full[:3]}-2024") == month, full
    assert parse_month("Sept 2024") == pd.Period("2024-09", "M")


@pytest.mark.parametrize("text", ["2024-13", "01/02/2024", "2024-00", "11/2022", "11-2022",
                                  "Nov-22", "Nov 24 2024", "Q1 2024", "Novem 2024", "2023-02-29",
                                  "2024-04-31", "45412", "", "nan", "2024-01-31 10:30:00"])
def test_invalid_or_ambiguous_months_are_refused(text):
    assert parse_month(text) is None
    assert not is_mid_month(text)
    with pytest.raises(ValueError, match="is not a month such as 2024-01 .also 2024/01, 202401, "
                                         "Jan 2024, January 2024, or its first or last day"):
        to_month(text)


@pytest.mark.parametrize("text", ["2022-11-15", "2022-11-02", "2022-11-29", "2024-02-28"])
def test_a_day_inside_a_month_is_refused_saying_so(text):
    assert parse_month(text) is None
    assert is_mid_month(text)
    with pytest.raises(ValueError, match=f"'{text}' is not the first or last day of a month; "
                                         "expected a month such as 2024-01"):
        to_month(text)


def test_timestamps_and_periods():
    assert parse_month(pd.Timestamp("2025-03-01")) == pd.Period("2025-03", "M")
    assert parse_month(pd.Timestamp("2025-03-31")) == pd.Period("2025-03", "M")
    assert parse_month(pd.Timestamp("2025-03-15")) is None
    assert is_mid_month(pd.Timestamp("2025-03-15"))
    assert list(month_range(pd.Period("2025-11", "M"), 3).strftime("%Y-%m")) == [
        "2025-11", "2025-12", "2026-01"]


def test_parse_months_reads_a_column_at_once():
    texts = pd.Series(["2024-01", "Jan 2024", "2024-01-31", "2024-01-15", "", "2024-01"] * 3,
                      index=range(2, 20), dtype=str)
    months, inside = parse_months(texts)
    assert months.index.equals(texts.index)
    assert months.dtype == "period[M]"
    assert months.iloc[:3].tolist() == [pd.Period("2024-01", "M")] * 3
    assert months.isna().tolist() == [False, False, False, True, True, False] * 3
    assert inside.tolist() == [False, False, False, True, False, False] * 3
