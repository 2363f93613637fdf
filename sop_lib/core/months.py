"""Monthly buckets: parsing planners' month texts and stepping through months."""
from __future__ import annotations

import calendar
import re

import numpy as np
import pandas as pd

_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
_MONTH_NUMBERS = {name: number for number, full in enumerate(_MONTH_NAMES, start=1)
                  for name in (full, full[:3])} | {"sept": 9}
_MONTH_FORMS = tuple(re.compile(form) for form in (
    r"(?P<year>\d{4})[-/](?P<month>\d{1,2})",                  # 2024-01, 2024/01, 2024-1
    r"(?P<year>\d{4})(?P<month>\d{2})",                        # 202401
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{2})",      # 2024-01-01, 2024-01-31
    r"(?P<name>[a-z]+)[ ./-]*(?P<year>\d{4})",                 # jan 2024, january-2024
    r"(?P<year>\d{4})[ ./-]*(?P<name>[a-z]+)",                 # 2024-jan
))

MONTH_FORMAT_HELP = ("a month such as 2024-01 (also 2024/01, 202401, Jan 2024, January 2024, "
                     "or its first or last day: 2024-01-01, 2024-01-31)")
MID_MONTH = "not the first or last day of a month"


def parse_month(text) -> pd.Period | None:
    """Return the month a text names, or None when it is not an unambiguous month.

    Read: YYYY-MM, YYYY/MM, YYYYMM, an English month name (full or its first three letters,
    any case) with a four-digit year on either side, and the first or last day of a month as
    YYYY-MM-DD (a timestamp: its date).
    """
    if isinstance(text, pd.Period):
        return text.asfreq("M")
    parts = _date_parts(text)
    if parts is None or parts[2] not in (None, 1, _days_in(parts)):
        return None
    return pd.Period(year=parts[0], month=parts[1], freq="M")


def is_mid_month(text) -> bool:
    """Whether a text is a date inside a month, neither its first nor its last day."""
    parts = _date_parts(text)
    return parts is not None and parts[2] is not None and 1 < parts[2] < _days_in(parts)


def to_month(text) -> pd.Period:
    """Like parse_month, but raise ValueError naming the expected form."""
    month = parse_month(text)
    if month is None:
        reason = f"is {MID_MONTH}; expected" if is_mid_month(text) else "is not"
        raise ValueError(f"{text!r} {reason} {MONTH_FORMAT_HELP}")
    return month


def parse_months(texts: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """parse_month of every text (missing when refused) and where a text is a date inside a
    month (is_mid_month). Each distinct text is read once: a month column of millions of cells
    holds a few hundred."""
    codes, forms = pd.factorize(texts, use_na_sentinel=False)
    months = pd.PeriodIndex([parse_month(form) for form in forms], dtype="period[M]")
    inside = np.array([is_mid_month(form) for form in forms], dtype=bool)
    return pd.Series(months.take(codes), index=texts.index), inside[codes]


def _date_parts(text) -> tuple[int, int, int | None] | None:
    """Year, month and day (None when no day is written) of a text in one of the forms
    parse_month reads, the day unchecked; None when the text is in none or names no month."""
    if isinstance(text, pd.Timestamp):
        return text.year, text.month, text.day
    value = str(text).strip().lower().removesuffix(" 00:00:00")
    for pattern in _MONTH_FORMS:
        match = pattern.fullmatch(value)
        if match:
            parts = match.groupdict()
            year = int(parts["year"])
            month = _MONTH_NUMBERS.get(parts["name"]) if "name" in parts else int(parts["month"])
            if month is None or not (1 <= month <= 12 and 1900 <= year <= 2200):
                return None
            return year, month, int(parts["day"]) if "day" in parts else None
    return None


def _days_in(parts: tuple[int, int, int | None]) -> int:
    """The number of days of the month of (year, month, day)."""
    return calendar.monthrange(parts[0], parts[1])[1]


def month_range(start: pd.Period, count: int) -> pd.PeriodIndex:
    """`count` consecutive months starting at `start`."""
    return pd.period_range(start=start, periods=count, freq="M")


def month_label(month: pd.Period) -> str:
    """A month as planners write it: 2024-01."""
    return month.strftime("%Y-%m")
