"""Checking a company folder against the data contract and building the typed Company.

`check_company` lists every problem (errors and warnings) with its file, row, column and value;
`load_company` returns the Company or raises DataError. The checks run in four passes, each
skipping what an earlier pass already refused, so one mistake is reported once:
per-cell parsing (types, ranges, choices, months), unique keys, references between tables, and
the rules across tables of the contract.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc

from sop_lib.core.errors import DataError, ParameterError, Problem
from sop_lib.core.frames import is_in
from sop_lib.core.months import (
    MID_MONTH,
    MONTH_FORMAT_HELP,
    month_label,
    month_range,
    parse_month,
    parse_months,
)
from sop_lib.data.company import Company, CompanyConfig
from sop_lib.data.contract import CHOICE, CONFIG_FILE, MONTH, NUMBER, TABLES, TEXT, Column, Table
from sop_lib.data.loading import EXCEL_SUFFIX, RawTable, read_config, read_tables
from sop_lib.data.override_log import log_problems

MAX_MAGNITUDE = 1e12
MAX_HISTORY_LAG = 3
RECENT_MONTHS = 12
DORMANT_STATUSES = ("inactive", "phase_out")
MUST_HAVE_ROWS = ("items", "families", "demand_history")
STRAY_SKUS = 10  # at most one SKU in this many may have rows after the last closed month
WITHOUT_ROWS = {  # what a table that may be empty, given with a header and no rows, changes
    "open_orders": "make-to-order families are planned without a backlog (the plan and the "
                   "family sheets' backlog start from zero open orders) and customer service "
                   "counts no order as late; add the open customer orders, if there are any",
    "production_history": "plan adherence cannot be measured (the supply review, the executive "
                          "KPIs and the family sheets show no production actual against the "
                          "plan of record); add the units produced per family and month",
}
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_LISTED_MONTHS = 6
_NOT_A_NUMBER = "expected a number such as 1234.5 (no thousands separators, currency signs or text)"
_IMPLAUSIBLE = f"expected a plausible figure (at most {MAX_MAGNITUDE:g} in size)"


@dataclass(frozen=True)
class _Checked:
    """A table after parsing: `text` as written, `frame` typed (a refused cell is missing).

    Both hold exactly the contract's columns and the spreadsheet row numbers as their index.
    `key_order` is `_key_order` of the frame: the rows' positions in key order and whether a
    key repeats, None when a key cell is missing.
    """

    table: Table
    file: str
    path: Path | None
    text: pd.DataFrame
    frame: pd.DataFrame
    key_order: tuple[np.ndarray, bool] | None


def check_company(folder: Path | str, *, cycle: pd.Period | str | None = None,
                  snapshot: Path | None = None) -> tuple[Company | None, list[Problem]]:
    """Every problem of a company folder, and its typed Company when none is an error.

    `cycle` (a month, e.g. '2025-01') is the month being planned; it defaults to the month after
    the last closed month. Problems come sorted by file, then row. With `snapshot`, the result
    of each database query is written there (see `read_tables`).
    """
    cycle = _parse_cycle(cycle)
    folder = Path(folder)
    if not folder.is_dir():
        state = "is not a folder" if folder.exists() else "does not exist"
        return None, [Problem(str(folder), f"the folder {state}; expected a company folder "
                              "holding company.yaml and the tables")]
    config, problems = read_config(folder)
    raw, read_problems = read_tables(folder, snapshot=snapshot)
    tables, parse_problems = _parse_tables(raw)
    problems += read_problems + parse_problems + _check_keys(tables)
    problems += _check_references(tables) + _check_rules(tables, config, cycle)
    problems.sort(key=lambda p: (str(p.file).lower(), p.row or 0))
    if any(p.is_error for p in problems):
        return None, problems
    return _company(folder, config, tables, problems), problems


def load_company(folder: Path | str, *, cycle: pd.Period | str | None = None,
                 snapshot: Path | None = None) -> Company:
    """The typed Company of a folder; raise DataError listing the errors when there are any.

    Warnings are kept in `company.warnings`; `snapshot` as for check_company.
    """
    company, problems = check_company(folder, cycle=cycle, snapshot=snapshot)
    if company is None:
        raise DataError([p for p in problems if p.is_error])
    return company


def _parse_cycle(cycle) -> pd.Period | None:
    """The month of the `cycle` option; a text that is not a month is a ParameterError."""
    if cycle is None:
        return None
    month = parse_month(cycle)
    if month is None:
        raise ParameterError(f"cycle {cycle!r} is not {MONTH_FORMAT_HELP}")
    return month


def _company(folder: Path, config: CompanyConfig, tables: dict[str, _Checked],
             problems: list[Problem]) -> Company:
    """The Company of a clean check: rows sorted by key, index reset, each row's file row kept
    in `origins`."""
    typed = {name: _sorted_by_key(checked) for name, checked in tables.items()}
    files = {name: checked.path for name, checked in tables.items() if checked.path}
    files[CONFIG_FILE] = folder / CONFIG_FILE
    origins = {name: (tables[name].file, frame.index.to_numpy())
               for name, frame in typed.items() if tables[name].path}
    return Company(folder, config, **{name: frame.reset_index(drop=True)
                                      for name, frame in typed.items()}, files=files,
                   warnings=[p for p in problems if not p.is_error], origins=origins)


def _sorted_by_key(checked: _Checked) -> pd.DataFrame:
    """The typed rows sorted by key (stably), indexed by their spreadsheet row numbers."""
    frame = checked.frame
    if checked.key_order is None:
        return frame.sort_values(list(checked.table.key), kind="stable")
    if (np.diff(checked.key_order[0]) < 0).any():
        return frame.take(checked.key_order[0])
    return frame


# --- pass 1: presence of tables and columns, and every cell parsed to its type -------------

def _parse_tables(raw: dict[str, RawTable | None]) -> tuple[dict[str, _Checked], list[Problem]]:
    """The tables that can be checked further, and the problems that keep the others out.

    An optional table absent from the folder is an empty table; a table found but unreadable
    (its loading problem says why) is left out, as is one missing a required column.
    """
    tables, problems = {}, []
    excel_file = _excel_file_name(raw)
    for table in TABLES:
        if table.name in raw and raw[table.name] is None:
            continue
        source = raw.get(table.name)
        missing = _missing_columns(source, table, excel_file)
        if missing:
            problems += missing
            continue
        file, path = (source.file, source.path) if source else (f"{table.name}.csv", None)
        text = _with_all_columns(source.frame if source else None, table)
        frame, cell_problems = _parse_cells(text, table, file)
        tables[table.name] = _Checked(table, file, path, text, frame,
                                      _key_order(frame, list(table.key)))
        problems += cell_problems
    return tables, problems + _check_not_empty(tables)


def _excel_file_name(raw: dict[str, RawTable | None]) -> str | None:
    """The name of the .xlsx workbook the tables were read from, if any."""
    return next((t.path.name for t in raw.values()
                 if t is not None and t.path.suffix.lower() == EXCEL_SUFFIX), None)


def _missing_columns(source: RawTable | None, table: Table,
                     excel_file: str | None = None) -> list[Problem]:
    """A problem for a missing required table (named in the company's workbook when it keeps
    its tables in one), an empty file, or each missing required column."""
    if source is None and excel_file:
        return [] if not table.required else [Problem(
            excel_file, f"the sheet {table.name} is missing; expected a sheet named {table.name} "
            f"(or {table.name}.csv or {table.name}.parquet next to the workbook)")]
    if source is None:
        return [] if not table.required else [Problem(
            f"{table.name}.csv", f"the table is missing; expected {table.name}.csv, "
            f"{table.name}.parquet or a sheet {table.name} in the .xlsx workbook")]
    if source.frame.shape == (0, 0):
        return [] if not table.required else [Problem(
            source.file, "the file is empty; expected a header row with the columns "
            + ", ".join(table.column_names))]
    return [Problem(source.file, "the column is missing; expected a column named "
                    f"{column.name} ({column.description})", column=column.name)
            for column in table.columns
            if column.required and column.name not in source.frame.columns]


def _with_all_columns(frame: pd.DataFrame | None, table: Table) -> pd.DataFrame:
    """The contract's columns of a text frame, an absent column (or table) as empty cells."""
    if frame is None:
        frame = pd.DataFrame(index=pd.Index([], dtype=int))
    return pd.DataFrame({name: frame[name] if name in frame.columns
                         else pd.Series("", index=frame.index, dtype=str)
                         for name in table.column_names}, index=frame.index)


def _parse_cells(text: pd.DataFrame, table: Table, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """The typed frame of a text frame, and a problem for each refused cell (left missing)."""
    typed, problems = {}, []
    for column in table.columns:
        cells = text[column.name]
        values, rules = _PARSERS[column.kind](cells, column)
        refused = _first_refusal(rules)
        refused_at = np.flatnonzero(refused)
        typed[column.name] = values.where(refused == 0) if refused_at.size else values
        problems += [Problem(file, rules[refused[i] - 1][1], row=int(text.index[i]),
                             column=column.name, value=cells.iloc[i] or None)
                     for i in refused_at]
    return pd.DataFrame(typed, index=text.index), problems


def _first_refusal(rules: list[tuple[np.ndarray, str]]) -> np.ndarray:
    """For each cell, the number (from 1) of the first rule whose mask holds; 0 when none does."""
    refused = np.zeros(len(rules[0][0]), dtype=np.int8)
    for number, (mask, _) in reversed(list(enumerate(rules, start=1))):
        refused[mask] = number
    return refused


def _empty_rule(text: pd.Series, column: Column, what: str) -> tuple[np.ndarray, str]:
    """Refuse empty cells of a required column."""
    return _is_empty(text) & column.required, f"the cell is empty; expected {what}"


def _is_empty(text: pd.Series) -> np.ndarray:
    return text.eq("").to_numpy(dtype=bool)


def _parse_text(text: pd.Series, column: Column) -> tuple[pd.Series, list]:
    """Text is kept as written (trimmed)."""
    return text.astype(str), [_empty_rule(text, column, "a value")]


def _parse_choice(text: pd.Series, column: Column) -> tuple[pd.Series, list]:
    """Choices are matched ignoring case and written as the contract spells them."""
    allowed = "one of " + ", ".join(column.choices)
    values = text.str.lower().map({c.lower(): c for c in column.choices}).astype(str)
    unknown = values.isna().to_numpy() & ~_is_empty(text)
    return values, [_empty_rule(text, column, allowed), (unknown, f"expected {allowed}")]


def _parse_month(text: pd.Series, column: Column) -> tuple[pd.Series, list]:
    """Months in the forms parse_month reads; ambiguous dates such as 01/02/2024 and days
    inside a month are refused."""
    values, inside = parse_months(text)
    return values, [_empty_rule(text, column, "a month such as 2024-01"),
                    (inside, f"{MID_MONTH}; expected {MONTH_FORMAT_HELP}"),
                    (values.isna().to_numpy() & ~_is_empty(text), f"expected {MONTH_FORMAT_HELP}")]


def _parse_number(text: pd.Series, column: Column) -> tuple[pd.Series, list]:
    """Plain decimal numbers only: no thousands separators, currency signs, NaN or infinity."""
    cells = pyarrow.array(text.array)
    plain = pc.if_else(pc.match_substring_regex(cells, f"^{_NUMBER}$"), cells, None)
    numbers = pc.cast(plain, pyarrow.float64()).to_numpy(zero_copy_only=False)
    low = -np.inf if column.minimum is None else column.minimum
    high = np.inf if column.maximum is None else column.maximum
    return pd.Series(numbers, index=text.index), [
        _empty_rule(text, column, "a number"),
        (np.isnan(numbers) & ~_is_empty(text), _NOT_A_NUMBER),
        (np.abs(numbers) > MAX_MAGNITUDE, _IMPLAUSIBLE),
        ((numbers < low) | (numbers > high), f"expected {_range_text(column)}")]


def _range_text(column: Column) -> str:
    if column.minimum is not None and column.maximum is not None:
        return f"a number from {column.minimum:g} to {column.maximum:g}"
    if column.minimum is not None:
        return f"a number of at least {column.minimum:g}"
    return f"a number of at most {column.maximum:g}"


_PARSERS = {TEXT: _parse_text, CHOICE: _parse_choice, MONTH: _parse_month, NUMBER: _parse_number}


def _check_not_empty(tables: dict[str, _Checked]) -> list[Problem]:
    """There is nothing to plan without SKUs, families and demand history; a warning when a
    table of WITHOUT_ROWS has none."""
    empty = [name for name, checked in tables.items() if checked.frame.empty]
    return [Problem(tables[name].file, "the table has no rows; expected at least one")
            for name in MUST_HAVE_ROWS if name in empty] + [
        Problem(tables[name].file, f"the table has no rows, so {change}", severity="warning")
        for name, change in WITHOUT_ROWS.items() if name in empty]


# --- pass 2: unique keys ------------------------------------------------------------------

def _check_keys(tables: dict[str, _Checked]) -> list[Problem]:
    """A problem for each row repeating the key of an earlier row (which it names)."""
    problems = []
    for checked in tables.values():
        key = list(checked.table.key)
        if checked.table.log or (checked.key_order is not None and not checked.key_order[1]):
            continue  # a log's repeats are checked by its own rules; else each key given once
        rows = checked.frame.dropna(subset=key)
        rows = rows[rows.duplicated(key, keep=False)]
        first_rows: dict[tuple, int] = {}
        for row, values in zip(rows.index, rows[key].itertuples(index=False, name=None)):
            first = first_rows.setdefault(values, row)
            if first != row:
                problems.append(Problem(
                    checked.file, f"repeats row {first}; expected each "
                    f"{' and '.join(key)} only once", row=int(row), column=", ".join(key),
                    value=", ".join(checked.text.loc[row, key])))
    return problems


def _key_order(frame: pd.DataFrame, key: list[str]) -> tuple[np.ndarray, bool] | None:
    """The positions of the rows in key order (a stable sort) and whether a key repeats; None
    when a key cell is missing. Sorts whole numbers standing for the keys (each column's codes
    in sorted order, combined), not the texts: five million rows take a fraction of a second."""
    combined = np.zeros(len(frame), dtype=np.int64)
    room = np.iinfo(np.int64).max
    for name in key:
        codes, uniques = pd.factorize(frame[name], sort=True)
        room //= max(len(uniques), 1)
        if (codes < 0).any() or room == 0:
            return None
        combined = combined * len(uniques) + codes
    order = np.argsort(combined, kind="stable")
    return order, bool((np.diff(combined[order]) == 0).any())


# --- pass 3: references between tables ----------------------------------------------------

def _check_references(tables: dict[str, _Checked]) -> list[Problem]:
    """Every SKU, family and resource a row names is defined in its own table."""
    problems = []
    for checked in tables.values():
        for column, target in checked.table.references.items():
            if target in tables:
                problems += _unknown_codes(checked, column, tables[target])
    overrides = tables.get("overrides")
    for level, target in (("sku", "items"), ("family", "families")):
        if overrides and target in tables:
            problems += _unknown_codes(overrides, "code", tables[target],
                                       among=overrides.frame["level"].eq(level))
    return problems


def _unknown_codes(checked: _Checked, column: str, target: _Checked, *,
                   among: pd.Series | bool = True) -> list[Problem]:
    """A problem for each code that rows (`among` those selected) name in `column` but
    `target`'s key lacks, at the first such row. Nothing when `target` has no rows at all:
    that is its own problem, and every row naming it would only repeat it."""
    if target.table.name in MUST_HAVE_ROWS and target.frame.empty:
        return []
    code = target.table.key[0]
    values = checked.frame[column]
    unknown = values[values.notna() & ~is_in(values, target.frame[code].dropna().unique())
                     & among]
    problems = []
    for rows in unknown.groupby(unknown, sort=False).groups.values():
        more = len(rows) - 1
        problems.append(Problem(
            checked.file, f"unknown {code}; expected a {code} defined in {target.file}"
            + (f" (the same in {more} more row(s))" if more else ""), row=int(rows[0]),
            column=column, value=checked.text.at[rows[0], column]))
    return problems


def _row_problems(checked: _Checked, mask: pd.Series, column: str, expected: str, *,
                  severity: str = "error") -> list[Problem]:
    """A problem at each row where `mask` holds, showing the cell of `column` as written."""
    return [Problem(checked.file, expected, row=int(row), column=column,
                    value=checked.text.at[row, column] or None, severity=severity)
            for row in checked.frame.index[mask.to_numpy(dtype=bool)]]


# --- pass 4: rules across tables ----------------------------------------------------------

def _check_rules(tables: dict[str, _Checked], config: CompanyConfig | None,
                 cycle: pd.Period | None) -> list[Problem]:
    """The contract's rules across tables, each run only when the tables it reads are usable."""
    problems = _check_family_members(tables) + _check_family_targets(tables)
    problems += _check_override_values(tables) + _check_override_log(tables)
    problems += _warn_zero_prices(tables)
    last = _last_closed_month(tables)
    if last is None:
        return problems
    problems += _check_rows_after_close(tables, last) + _check_history_gaps(tables, last)
    problems += _check_opening_inventory(tables, last)
    problems += _warn_dormant_skus(tables, last)
    if cycle is not None:
        problems += _check_history_recency(tables, last, cycle)
    if config is not None:
        horizon = month_range(cycle or last + 1, config.horizon_months)
        problems += _check_override_months(tables, horizon)
        problems += _warn_missing_business_plan(tables, horizon)
    return problems


def _last_closed_month(tables: dict[str, _Checked]) -> pd.Period | None:
    """The latest month of demand history that more than one SKU in STRAY_SKUS reach (the rows
    of the few SKUs that run on are refused by `_check_rows_after_close`, rather than the months
    all the others lack); None when no month of it could be read."""
    if "demand_history" not in tables:
        return None
    rows = tables["demand_history"].frame[["sku", "month"]].dropna()
    ends = np.sort(rows.groupby("sku", sort=False)["month"].max().array.asi8)
    if not ends.size:
        return None
    return pd.Period(ordinal=int(ends[ends.size - 1 - ends.size // STRAY_SKUS]), freq="M")


def _check_family_members(tables: dict[str, _Checked]) -> list[Problem]:
    """Every family has at least one SKU and at least one row in bill_of_resources."""
    problems = []
    if "families" not in tables:
        return problems
    families = tables["families"]
    for name, what in (("items", "SKU in"), ("bill_of_resources", "row in")):
        if name in tables:
            members = tables[name].frame["family"].dropna().unique()
            lonely = families.frame["family"].notna() & ~families.frame["family"].isin(members)
            problems += _row_problems(families, lonely, "family", f"no {what} "
                                      f"{tables[name].file}; expected at least one for every "
                                      "family")
    return problems


def _check_family_targets(tables: dict[str, _Checked]) -> list[Problem]:
    """MTS families give inventory_target_days, MTO families backlog_target_weeks."""
    if "families" not in tables:
        return []
    families = tables["families"]
    problems = []
    for strategy, column in (("MTS", "inventory_target_days"), ("MTO", "backlog_target_weeks")):
        lacking = families.frame["strategy"].eq(strategy) & families.text[column].eq("")
        problems += _row_problems(families, lacking, column, "the cell is empty; expected a "
                                  f"target for a {strategy} family")
    return problems


def _check_override_values(tables: dict[str, _Checked]) -> list[Problem]:
    """An absolute override is a forecast in units, so it cannot be negative."""
    if "overrides" not in tables:
        return []
    overrides = tables["overrides"]
    negative = overrides.frame["kind"].eq("absolute") & overrides.frame["value"].lt(0)
    return _row_problems(overrides, negative, "value", "expected a number of at least 0 for an "
                         "absolute override (the forecast in units)")


def _check_override_log(tables: dict[str, _Checked]) -> list[Problem]:
    """Each override row adds where none is in force, or changes or withdraws one that is."""
    if "overrides" not in tables:
        return []
    overrides = tables["overrides"]
    read = overrides.text["action"].eq("") | overrides.frame["action"].notna()
    frame = overrides.frame[read]  # an action refused as a cell is reported as such, only
    return log_problems(frame, frame.index.to_numpy(), overrides.file)


def _check_rows_after_close(tables: dict[str, _Checked], last: pd.Period) -> list[Problem]:
    """The rows after the last closed month (of the few SKUs whose history runs on), one
    problem per SKU naming them."""
    history = tables["demand_history"]
    after = history.frame[history.frame["month"] > last]
    problems = []
    for _, rows in after.groupby("sku", sort=True):
        first = int(rows.index[0])
        listed = _listed([f"{month_label(m)} (row {r})" for r, m in rows["month"].items()],
                         "row(s)")
        month, verb, them = (("month", "is", "the row") if len(rows) == 1
                             else ("months", "are", "these rows"))
        problems.append(Problem(
            history.file, f"{month} {listed} {verb} after the last closed month "
            f"{month_label(last)}, where the history of the other SKUs ends; remove {them}, or "
            f"add the {month} for every SKU", row=first, column="sku",
            value=history.text.at[first, "sku"]))
    return problems


def _check_history_gaps(tables: dict[str, _Checked], last: pd.Period) -> list[Problem]:
    """No month is missing between a SKU's first month and the last closed month."""
    history = tables["demand_history"]
    unreadable = history.frame.loc[history.frame["month"].isna(), "sku"].unique()
    rows = history.frame.dropna(subset=["sku", "month"])
    rows = rows[rows["month"] <= last]
    months = rows[~rows["sku"].isin(unreadable)].groupby("sku", sort=True)["month"]
    first, count = months.min(), months.nunique()
    span = (last.year * 12 + last.month) - (first.dt.year * 12 + first.dt.month) + 1
    problems = []
    for sku in count.index[count < span]:
        expected = month_range(first[sku], span[sku])
        missing = expected.difference(pd.PeriodIndex(months.get_group(sku).unique()))
        problems.append(Problem(
            history.file, f"no row for {_month_list(missing)}; expected one row per month "
            f"from the SKU's first month {month_label(first[sku])} to the last closed month "
            f"{month_label(last)} (zeros included)", column="sku", value=sku))
    return problems


def _span(months: pd.PeriodIndex) -> str:
    return f"{month_label(months[0])} to {month_label(months[-1])}"


def _month_list(months: pd.PeriodIndex) -> str:
    """The first few months of a list, and how many more there are."""
    return _listed([month_label(m) for m in months], "month(s)")


def _listed(labels: list[str], unit: str) -> str:
    """The first few labels of a list, and how many more `unit` there are."""
    more = len(labels) - _LISTED_MONTHS
    return ", ".join(labels[:_LISTED_MONTHS]) + (f" and {more} more {unit}" if more > 0 else "")


def _check_opening_inventory(tables: dict[str, _Checked], last: pd.Period) -> list[Problem]:
    """Every SKU with demand history has an inventory row at the last closed month."""
    if "inventory" not in tables:
        return []
    inventory = tables["inventory"].frame
    counted = inventory.loc[inventory["month"].eq(last) | inventory["month"].isna(), "sku"]
    skus = pd.Index(tables["demand_history"].frame["sku"].dropna().unique()).difference(
        counted.unique())
    return [Problem(tables["inventory"].file, f"no row at the last closed month "
                    f"{month_label(last)}; expected the month-end on-hand of every SKU with "
                    "demand history", column="sku", value=sku) for sku in skus]


def _check_history_recency(tables: dict[str, _Checked], last: pd.Period,
                           cycle: pd.Period) -> list[Problem]:
    """The history ends before the cycle, and at most MAX_HISTORY_LAG months before it."""
    lag = (cycle - last).n
    if 1 <= lag <= MAX_HISTORY_LAG:
        return []
    expected = (f"the history to end at most {MAX_HISTORY_LAG} months before the cycle "
                f"{month_label(cycle)} (add the closed months up to {month_label(cycle - 1)})"
                if lag > 0 else
                f"the history to end before the cycle {month_label(cycle)} being planned")
    return [Problem(tables["demand_history"].file, f"the last closed month; expected {expected}",
                    column="month", value=month_label(last))]


def _check_override_months(tables: dict[str, _Checked], horizon: pd.PeriodIndex) -> list[Problem]:
    """Overrides name months inside the plan horizon; rows of months before it are the log's
    history of earlier cycles: a warning says they are not applied."""
    if "overrides" not in tables:
        return []
    overrides = tables["overrides"]
    months = overrides.frame["month"]
    after = months.notna() & (months > horizon[-1])
    before = months.notna() & (months < horizon[0])
    problems = _row_problems(overrides, after, "month", "outside the plan horizon; expected a "
                             f"month from {_span(horizon)}")
    if before.any():
        first = int(overrides.frame.index[before.to_numpy()][0])
        problems.append(Problem(
            overrides.file, f"{int(before.sum())} row(s) name months before the cycle "
            f"{month_label(horizon[0])}: kept as the history of earlier cycles, not applied "
            "(remove them when they are no longer needed)", row=first, column="month",
            value=overrides.text.at[first, "month"] or None, severity="warning"))
    return problems


def _warn_zero_prices(tables: dict[str, _Checked]) -> list[Problem]:
    """Warning: an active SKU with a zero price is worth nothing in the money view."""
    if "items" not in tables:
        return []
    items = tables["items"]
    free = items.frame["status"].eq("active") & items.frame["unit_price"].eq(0)
    return _row_problems(items, free, "unit_price", "an active SKU with a zero price: its demand "
                         "will be worth nothing in the money view", severity="warning")


def _warn_dormant_skus(tables: dict[str, _Checked], last: pd.Period) -> list[Problem]:
    """Warning: a SKU still sold (not inactive or phase_out) without bookings for a year."""
    if "items" not in tables:
        return []
    items, history = tables["items"], tables["demand_history"].frame
    recent = month_range(last - (RECENT_MONTHS - 1), RECENT_MONTHS)
    booked = history.loc[history["month"].isin(recent) & history["bookings"].gt(0), "sku"].unique()
    dormant = (items.frame["sku"].notna() & ~is_in(items.frame["sku"], booked)
               & items.frame["status"].notna() & ~items.frame["status"].isin(DORMANT_STATUSES))
    return _row_problems(items, dormant, "sku", f"no bookings in the last {RECENT_MONTHS} "
                         f"months ({_span(recent)}), so its forecast will be zero; set its "
                         "status to inactive or phase_out if it is no longer sold",
                         severity="warning")


def _warn_missing_business_plan(tables: dict[str, _Checked],
                                horizon: pd.PeriodIndex) -> list[Problem]:
    """Warning: a family with no business plan row in the horizon has no plan to compare with."""
    if "families" not in tables or "business_plan" not in tables:
        return []
    families, plan = tables["families"], tables["business_plan"]
    planned = plan.frame.loc[plan.frame["month"].isin(horizon), "family"].unique()
    unplanned = families.frame["family"].notna() & ~families.frame["family"].isin(planned)
    return _row_problems(families, unplanned, "family", f"no rows in {plan.file} for the "
                         f"horizon {_span(horizon)}; the money view will have no business plan "
                         "to compare with", severity="warning")
