"""What the interactive tools share: the demand review's tables, the plan months, and showing
what a function displays in an Output widget."""
from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd
from IPython.utils.capture import capture_output

from sop_lib.core.errors import DataError, Problem, SopError
from sop_lib.core.months import month_range
from sop_lib.pack.display import say, table

DEMAND_TABLES = ("segments", "forecast", "family_forecast", "scores", "consensus", "demand",
                 "accuracy")
PROBLEM_COLUMNS = ["severity", "file", "row", "column", "value", "expected"]
FULL_LABEL = {"description_width": "initial"}  # a control's label shown whole


def demand_review(wb) -> dict[str, pd.DataFrame]:
    """The demand review's tables of the workbook's cycle: read when the step has written them
    (notebook 01 ran), computed (and written) otherwise."""
    if all(wb.store.has(name) for name in DEMAND_TABLES):
        return wb.read(*DEMAND_TABLES)
    return wb.run("demand")


def plan_months(wb) -> pd.PeriodIndex:
    """The months the workbook plans: its cycle and the horizon after it."""
    return month_range(wb.cycle, wb.horizon)


def month_options(months: Iterable[pd.Period]) -> list[tuple[str, pd.Period]]:
    """(YYYY-MM, month) pairs for a Dropdown."""
    return [(month.strftime("%Y-%m"), month) for month in months]


def labelled(kind, label: str, tooltip: str, **options):
    """A control of `kind` (an ipywidgets class) with its full label, never cut off, and a
    tooltip."""
    return kind(description=label, tooltip=tooltip, style=FULL_LABEL, **options)


def show(output, render: Callable[[], None]) -> None:
    """Make `output` (an ipywidgets Output) show what `render()` displays, and only that.

    The displays are captured as output bundles and set on the widget, so they reach it from a
    button's callback and can be read back without a browser; this needs an IPython shell (a
    notebook kernel). A SopError is shown as its message (a DataError with its problems as a
    table) after what was displayed before it; any other error is shown too, then raised.
    """
    unexpected = None
    with capture_output(stdout=False, stderr=False) as captured:
        try:
            render()
        except DataError as error:
            say("**Not possible:** {count} problem(s).", count=len(error.problems))
            problems_table(error.problems)
        except SopError as error:
            say("**Not possible:** {message}", message=str(error))
        except Exception as error:  # shown where the analyst looks, then raised as usual
            say("**Something went wrong** ({kind}): {message}", kind=type(error).__name__,
                message=str(error))
            unexpected = error
    output.outputs = tuple({"output_type": "display_data", "data": shown.data,
                            "metadata": shown.metadata} for shown in captured.outputs)
    if unexpected is not None:
        raise unexpected


def problems_table(problems: Iterable[Problem]) -> None:
    """Problems as a table: where each is (file, row, column), the value and what was expected."""
    rows = [(p.severity, str(p.file), "" if p.row is None else str(p.row), p.column or "",
             "" if p.value is None else str(p.value), p.expected) for p in problems]
    table(pd.DataFrame(rows, columns=PROBLEM_COLUMNS, dtype=str))
