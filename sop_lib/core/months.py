"""Monthly buckets: parsing planners' month texts and stepping through months."""
from __future__ import annotations

import re

import pandas as pd

_MONTH_FORMS = (
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "YYYY-MM"),
    (re.compile(r"^(\d{4})/(\d{1,2})$"), "YYYY/MM"),
    (re.compile(r"^(\d{4})-(\d{1,2})-01$"), "YYYY-MM-01"),
    (re.compile(r"^(\d{4})(\d{2})$"), "YYYYMM"),
)

MONTH_FORMAT_HELP = "a month such as 2024-01 (also 2024/01, 2024-01-01 or 202401)"


def parse_month(text) -> pd.Period | None:
    """Return the month a text names, or None when it is not an unambiguous month."""
    if isinstance(text, pd.Period):
        return text.asfreq("M")
    if isinstance(text, pd.Timestamp):
        return text.to_period("M") if text.day == 1 else None
    value = str(text).strip()
    value = value.removesuffix(" 00:00:00")
    for pattern, _ in _MONTH_FORMS:
        match = pattern.match(value)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            if 1 <= month <= 12 and 1900 <= year <= 2200:
                return pd.Period(year=year, month=month, freq="M")
            return None
    return None


def to_month(text) -> pd.Period:
    """Like parse_month, but raise ValueError naming the expected form."""
    month = parse_month(text)
    if month is None:
        raise ValueError(f"{text!r} is not {MONTH_FORMAT_HELP}")
    return month


def month_range(start: pd.Period, count: int) -> pd.PeriodIndex:
    """`count` consecutive months starting at `start`."""
    return pd.period_range(start=start, periods=count, freq="M")


def month_label(month: pd.Period) -> str:
    """A month as planners write it: 2024-01."""
    return month.strftime("%Y-%m")
