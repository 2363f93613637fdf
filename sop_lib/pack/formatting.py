"""One formatting rule per kind of column, for every table of every page and of the workbook.

A column's kind decides how its cells read, their Excel number format and its heading. It comes
from, in order:

1. a row rule (`ROW_RULES`), when the table holds the rule's marker column: the marker names
   each row's kind (a KPI's unit, an override's kind, a family sheet's line), and those cells
   carry their unit ("45.2 days", "EUR 1,234", "+8.0%") as no heading can say it;
2. the values: booleans read yes/no, months YYYY-MM, anything not numeric as text;
3. the name in a table that holds another column (`CONTEXT`: an adherence table's target is a
   share), then the exact name (`NAMES`), then the first name pattern that matches
   (`PATTERNS`); `MEASURE` columns (a pivot's months, a bridge's steps) take the table's
   measure, units unless the table says money;
4. otherwise `FALLBACK`, two decimals so that no share reads 0; the tests check that no column
   of a real run falls through, so a new column gets its kind here.

The choices: money whole with thousands separators and the currency in the heading ("Revenue
(EUR)"), prices with cents; units, hours and counts whole (the plan is aggregate: a fraction of
a unit is noise, and the exact value stays in the artifacts and in the workbook's cells; a table
of one SKU's small figures asks for decimals with `precision`); days and weeks with one decimal;
shares as percent with one decimal ("34.5%"); changes signed ("+3.5%", "-1,200"), a change that
rounds to zero unsigned ("0"); forecast scores three decimals.

The currency of money headings is the one passed, else the one set for the process by
`use_currency` (which `sop_lib.run.workbook.open_workbook` calls with the company's currency, so
that every table of a notebook names it).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from sop_lib.engine.methods import METHODS
from sop_lib.supply.family_sheet import LINES

CURRENCY = "{currency}"  # a heading or cell unit that stands for the table's currency


@dataclass(frozen=True)
class Kind:
    """How one kind of column reads: a cell's text, its Excel number format and its unit."""

    name: str
    spec: str = ""  # Python format spec of a number; "" for text
    excel: str = "General"  # Excel number format of a number
    unit: str = ""  # said in the heading, unless the column's name says it already
    cell: str = "{}"  # a number with its unit, where the heading cannot say it

    @property
    def numeric(self) -> bool:
        """Whether the kind holds numbers (right-aligned, written as numbers to Excel)."""
        return bool(self.spec)

    @property
    def css_class(self) -> str:
        """The class of a page's cells of this kind, e.g. "kind-money-change"."""
        return "kind-" + re.sub(r"\W+", "-", self.name)

    def text(self, value, *, currency: str = "", with_unit: bool = False) -> str:
        """`value` as it reads in a table: "" when missing, yes/no, YYYY-MM, or the number."""
        if _missing(value):
            return ""
        if isinstance(value, (bool, np.bool_)):
            return "yes" if value else "no"
        if isinstance(value, pd.Period):
            return value.strftime("%Y-%m")
        if not self.numeric or isinstance(value, str):
            return str(value)
        shown = format(value, self.spec)
        if not any(digit in shown for digit in "123456789"):  # zero at this precision: no sign
            shown = format(0.0, self.spec.replace("+", ""))
        return self.cell.format(shown, currency=currency).strip() if with_unit else shown

    def with_decimals(self, decimals: int | None) -> Kind:
        """This kind with `decimals` decimals if it is a whole-number kind (units, money, hours,
        counts), for a table of small figures such as one SKU's; else this kind."""
        if decimals is None or not self.spec.endswith(".0f"):
            return self
        places = "." + "0" * decimals if decimals else ""
        return replace(self, spec=f"{self.spec[:-3]}.{decimals}f",
                       excel=self.excel.replace("#,##0", f"#,##0{places}"))

    def number_format(self, *, currency: str = "", with_unit: bool = False) -> str:
        """The Excel number format; with the unit quoted around each section if `with_unit`."""
        if not with_unit:
            return self.excel
        before, after = self.cell.format("\0", currency=currency.replace('"', "")).split("\0")
        return ";".join(f"{_quoted(before)}{section}{_quoted(after)}"
                        for section in self.excel.split(";"))


def _quoted(text: str) -> str:
    return f'"{text}"' if text.strip() else ""


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array is a value
        return False


KINDS = {kind.name: kind for kind in (
    Kind("money", ",.0f", "#,##0", CURRENCY, "{currency} {}"),
    Kind("money change", "+,.0f", "+#,##0;-#,##0;0", CURRENCY, "{currency} {}"),
    Kind("price", ",.2f", "#,##0.00", CURRENCY, "{currency} {}"),
    Kind("units", ",.0f", "#,##0", cell="{} units"),
    Kind("units change", "+,.0f", "+#,##0;-#,##0;0", cell="{} units"),
    Kind("share", ".1%", "0.0%"),
    Kind("share change", "+.1%", "+0.0%;-0.0%;0.0%"),
    Kind("percent", "+.1f", "+0.0;-0.0;0.0", "%", "{}%"),  # a percent as a number: 8 is +8.0%
    Kind("hours", ",.0f", "#,##0", "hours", "{} hours"),
    Kind("days", ",.1f", "#,##0.0", "days", "{} days"),
    Kind("weeks", ",.1f", "#,##0.0", "weeks", "{} weeks"),
    Kind("count", ",.0f", "#,##0"),
    Kind("count change", "+,.0f", "+#,##0;-#,##0;0"),
    Kind("score", ".3f", "0.000"),  # a forecast error measure (WAPE or MASE)
    Kind("ratio", ".2f", "0.00"),  # demand-pattern statistics: CV, ADI, CV²
    Kind("signal", "+.1f", "+0.0;-0.0;0.0"),  # tracking signal, in mean absolute deviations
    Kind("yes/no"),
    Kind("month"),
    Kind("text"),
)}
FALLBACK = Kind("number", ",.2f", "#,##0.00")  # a numeric column no rule names (yet)

# The table's measure, and its signed change: a pivot's month columns, a bridge's steps.
MEASURE, MEASURE_CHANGE = "measure", "measure change"
MEASURES = {"units": "units change", "money": "money change", "share": "share change"}
MONTH_COLUMN = re.compile(r"\d{4}-\d{2}")

# (column, a column of the same table) -> kind: names that mean something else there.
CONTEXT = {
    ("target", "adherence"): "share",  # the plan-adherence target, against adherence
    ("change", "description"): "count",  # a scenario's changes, numbered
    ("naive", "sku"): "score",  # the naive method's backtest score, among a SKU's scores
}
NAMES = {
    **dict.fromkeys(("score", "best_single", *METHODS), "score"),  # then naive, the forecast
    **dict.fromkeys(("actual", "statistical", "consensus", "naive", "forecast", "abs_error",
                     "demand", "supply", "shortfall", "due", "on_time", "units",
                     "p10", "p50", "p90", "required", "production", "shipments", "inventory",
                     "backlog", "target", "safety_stock", "planned", "before", "now",
                     "lowest_inventory", "opening_inventory", "opening_backlog",
                     "consensus_before", "consensus_after", "family_consensus_before",
                     "family_consensus_after"), "units"),
    **dict.fromkeys(("change", "difference", "units_gap", "family_change"), "units change"),
    **dict.fromkeys(("unit_price", "unit_cost"), "price"),
    **dict.fromkeys(("value", "impact", "objective", "cost", "penalty"), "money"),
    **dict.fromkeys(("lag", "months", "rank", "row", "by", "skus", "active", "new", "phase_out",
                     "inactive", "families_below_target"), "count"),
    **dict.fromkeys(("cv", "adi", "cv2"), "ratio"),
    **dict.fromkeys(("ramp", "family_ramp"), "share"),  # a launch's bookings over forecast
    "tracking_signal": "signal",
    **dict.fromkeys(("previous", "current", "recommended_scenario"), MEASURE),
    **dict.fromkeys(("new_actuals", "statistical_refresh", "overrides", "constraints",
                     "price_and_mix", "check"), MEASURE_CHANGE),
}
PATTERNS = [(re.compile(pattern), kind) for pattern, kind in (
    (r"^(bias|fva)|gap_pct$|change_pct$", "share change"),
    (r"_pct$|_share$|^wape|utilisation|^service_|accuracy|^adherence$", "share"),
    (r"gap$|_change$", "money change"),
    (r"revenue|cogs|margin|_cost$|_value$|penalty$", "money"),
    (r"hours", "hours"),
    (r"days", "days"),
    (r"weeks", "weeks"),
    (r"_diff$", "units change"),
    (r"^units_|_units$|_(forecast|actual|plan)$", "units"),
    (r"months|cycles", "count"),
    (r"^combo\d*$", "score"),
)]
ACRONYMS = {"pct": "%", "cogs": "COGS", "wape": "WAPE", "fva": "FVA", "kpi": "KPI", "sku": "SKU",
            "skus": "SKUs", "abc": "ABC", "xyz": "XYZ", "cv": "CV", "cv2": "CV²", "adi": "ADI",
            "mts": "MTS", "mto": "MTO", "p10": "P10", "p50": "P50", "p90": "P90"}


def _kind_name(column, columns=()) -> str | None:
    """The kind name a numeric `column` has in a table with `columns` (rule 3), or None."""
    name = str(column)
    for other in columns:
        if (name, str(other)) in CONTEXT:
            return CONTEXT[name, str(other)]
    if name in NAMES:
        return NAMES[name]
    if MONTH_COLUMN.fullmatch(name):
        return MEASURE
    return next((kind for pattern, kind in PATTERNS if pattern.search(name)), None)


def kind_of(column, values: pd.Series | None = None, *, columns=(),
            measure: str = "units") -> Kind:
    """The kind of `column` (rules 2 to 4): by its `values` when given, then by its name in a
    table with `columns`; `measure` is the kind of `MEASURE` columns ("units", "money" or
    "share")."""
    by_values = _kind_of_values(values) if values is not None else None
    if by_values:
        return KINDS[by_values]
    name = _kind_name(column, columns)
    if name in (MEASURE, MEASURE_CHANGE):
        if measure not in MEASURES:
            raise ValueError(f"measure must be one of {', '.join(MEASURES)}, got {measure!r}")
        name = measure if name == MEASURE else MEASURES[measure]
    return KINDS[name] if name else FALLBACK


def _kind_of_values(values: pd.Series) -> str | None:
    inferred = pd.api.types.infer_dtype(values, skipna=True)
    if inferred == "boolean":
        return "yes/no"
    if inferred == "period":
        return "month"
    if inferred in ("floating", "integer", "mixed-integer-float", "decimal"):
        return None
    if inferred == "empty" and pd.api.types.is_numeric_dtype(values):
        return None
    return "text"


def label(column, currency: str | None = None, *, kind: Kind | None = None) -> str:
    """A column name as a heading with its unit: `revenue` -> "Revenue (EUR)", `margin_pct`
    -> "Margin %", `overtime_hours` -> "Overtime hours", `skus` -> "SKUs".

    `kind` defaults to the kind of the name; the unit is left out when the name says it already
    or no currency is known.
    """
    words = " ".join(ACRONYMS.get(word, word) for word in str(column).split("_"))
    heading = words[:1].upper() + words[1:]
    unit = (kind or kind_of(column)).unit.format(currency=currency or "")
    if unit and unit.lower() not in heading.lower():
        heading = f"{heading} ({unit})"
    return heading


@dataclass(frozen=True)
class RowRule:
    """Cells whose kind another column of the same row (the marker) names."""

    marker: str
    kinds: Mapping[str, str]  # marker value -> kind name
    columns: tuple[str, ...] = ()  # the columns it rules (all present); () for every numeric one
    other: str | None = None  # the kind of any other marker value, which is then its currency
    with_unit: bool = True  # the cells say their unit, as the heading cannot
    shown: bool = True  # whether the marker column itself is shown

    def applies(self, frame: pd.DataFrame) -> bool:
        """Whether `frame` holds the marker and every column the rule needs."""
        return self.marker in frame.columns and set(self.columns) <= set(frame.columns)

    def governs(self, column, values: pd.Series) -> bool:
        """Whether the rule decides the cells of `column`."""
        if self.columns:
            return column in self.columns
        return column != self.marker and _kind_of_values(values) is None

    def cell_format(self, marker, currency: str, precision: int | None) -> CellFormat | None:
        """The format of a cell in a row whose marker is `marker` (None: not this rule's)."""
        name = None if _missing(marker) else self.kinds.get(marker, self.other)
        if name is None:
            return None
        if marker not in self.kinds:  # the marker is a currency code
            currency = str(marker)
        return CellFormat(KINDS[name].with_decimals(precision), currency, self.with_unit)


@dataclass(frozen=True)
class CellFormat:
    """A kind bound to a table: its currency, and whether cells say their unit."""

    kind: Kind
    currency: str = ""
    with_unit: bool = False

    def text(self, value) -> str:
        """The cell's text."""
        return self.kind.text(value, currency=self.currency, with_unit=self.with_unit)

    @property
    def excel(self) -> str:
        """The cell's Excel number format."""
        return self.kind.number_format(currency=self.currency, with_unit=self.with_unit)


ROW_RULES = (
    # a key-figures table's Difference column (one row per measure): signed, in the row's unit
    RowRule("difference_unit", {"share": "share change", "share change": "share change",
                                "count": "count change"}, columns=("Difference",),
            other="money change", shown=False),
    # a KPI's (or a KPI trend's) unit: share, signed share, days, weeks, count or a currency
    RowRule("unit", {unit: unit for unit in ("share", "share change", "days", "weeks", "count")},
            other="money", shown=False),
    # an override's kind: absolute units or a percent change
    RowRule("kind", {"absolute": "units", "percent": "percent"}, columns=("value",)),
    # a family sheet's line (its label says the unit)
    RowRule("line", {label_: _kind_name(column) for lines in LINES.values()
                     for column, label_ in lines}, with_unit=False),
)


@dataclass(frozen=True)
class ColumnFormat:
    """How one column of a table is shown: its heading and the format of each of its cells."""

    name: object  # the column's label in the frame
    heading: str
    values: pd.Series
    cells: tuple[CellFormat, ...]
    kind: Kind  # the column's own kind; its cells' kinds differ where a row rule decides

    @property
    def numeric(self) -> bool:
        """Whether the cells are numbers (right-aligned)."""
        return any(cell.kind.numeric for cell in self.cells) or self.kind.numeric

    def texts(self) -> list[str]:
        """The cells' texts, in order."""
        return [cell.text(value) for cell, value in zip(self.cells, self.values)]


def formats_of(frame: pd.DataFrame, *, currency: str | None = None, measure: str = "units",
               precision: int | None = None) -> list[ColumnFormat]:
    """How each shown column of `frame` reads, in order (a marker a rule hides left out).

    `currency` defaults to the one set by `use_currency`; `measure` ("units", "money" or
    "share") is the kind of the table's `MEASURE` columns, e.g. a pivot's months; `precision`
    gives the whole-number kinds that many decimals (`Kind.with_decimals`).
    """
    currency = default_currency() if currency is None else currency
    rules = [rule for rule in ROW_RULES if rule.applies(frame)]
    hidden = {rule.marker for rule in rules if not rule.shown}
    return [_column_format(frame, column, rules, currency or "", measure, precision)
            for column in frame.columns if column not in hidden]


def _column_format(frame: pd.DataFrame, column, rules: list[RowRule], currency: str,
                   measure: str, precision: int | None) -> ColumnFormat:
    values = frame[column]
    kind = kind_of(column, values, columns=frame.columns, measure=measure)
    own = CellFormat(kind.with_decimals(precision), currency)
    rule = next((rule for rule in rules if rule.governs(column, values)), None)
    if rule is None:
        cells, heading = (own,) * len(frame), label(column, currency, kind=kind)
    else:
        cells = tuple(rule.cell_format(marker, currency, precision) or own
                      for marker in frame[rule.marker])
        # where the cells say their unit, the heading names none
        heading = label(column, currency, kind=KINDS["text"] if rule.with_unit else kind)
    return ColumnFormat(column, heading, values, cells, kind)


def as_text(frame: pd.DataFrame, *, currency: str | None = None,
            measure: str = "units") -> pd.DataFrame:
    """`frame`'s shown columns as the text every page shows (same column names and index)."""
    columns = formats_of(frame, currency=currency, measure=measure)
    return pd.DataFrame({column.name: column.texts() for column in columns}, index=frame.index,
                        columns=[column.name for column in columns])


_settings = {"currency": None}


def across_months(frame: pd.DataFrame, column: str, *, rows: str = "family") -> pd.DataFrame:
    """`column` of a frame with one row per `rows` and month, shown with one row per `rows` and
    one column per month (YYYY-MM), as a plan reads."""
    wide = frame.pivot(index=rows, columns="month", values=column)
    wide.columns = [month.strftime("%Y-%m") for month in wide.columns]
    return wide.reset_index()


def use_currency(currency: str | None) -> None:
    """Set the currency that money headings name in this process (None: none)."""
    _settings["currency"] = currency or None


def default_currency() -> str | None:
    """The currency set by `use_currency`, if any."""
    return _settings["currency"]
