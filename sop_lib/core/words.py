"""How figures read in sentences: a run of months, an amount of money."""
from __future__ import annotations

import pandas as pd

from sop_lib.core.months import month_label


def span_label(first: pd.Period, last: pd.Period) -> str:
    """A run of months as planners read it: "2027-03 to 2027-05", or "2027-03" alone."""
    if first == last:
        return month_label(first)
    return f"{month_label(first)} to {month_label(last)}"


def format_money(value: float, currency: str) -> str:
    """An amount as it reads in a sentence: "EUR 12,345" (never "EUR -0")."""
    amount = f"{value:,.0f}"
    return f"{currency} {'0' if amount == '-0' else amount}"


def units_text(value: float) -> str:
    """A quantity as it reads in a sentence: "1 unit", "1,250 units"."""
    amount = f"{value:,.0f}"
    return f"{amount} unit" if amount == "1" else f"{amount} units"
