import pandas as pd
import pytest

from sop_lib.core.months import month_range, parse_month, to_month


@pytest.mark.parametrize("text", ["2024-01", "2024/01", "2024-01-01", "202401", " 2024-1 ",
                                  "2024-01-01 00:00:00"])
def test_unambiguous_forms_are_read(text):
    assert parse_month(text) == pd.Period("2024-01", "M")


@pytest.mark.parametrize("text", ["2024-13", "01/02/2024", "2024-00", "Jan 2024", "", "2024-01-15",
                                  "nan"])
def test_invalid_or_ambiguous_months_are_refused(text):
    assert parse_month(text) is None
    with pytest.raises(ValueError, match="is not a month such as 2024-01"):
        to_month(text)


def test_timestamps_and_periods():
    assert parse_month(pd.Timestamp("2025-03-01")) == pd.Period("2025-03", "M")
    assert parse_month(pd.Timestamp("2025-03-15")) is None
    assert list(month_range(pd.Period("2025-11", "M"), 3).strftime("%Y-%m")) == [
        "2025-11", "2025-12", "2026-01"]
