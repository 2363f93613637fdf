"""Data contract v1: every table of a company folder, its columns, types, units and rules.

This module is the single source of the tables of the contract (the settings of company.yaml
are defined in `sop_lib.data.settings`, the decision register in `sop_lib.data.decisions`):
loading and validation read it, and `docs/data-contract.md` is generated from all three
(`python -m sop_lib.data.contract`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from sop_lib.data import decisions, sources
from sop_lib.data.override_log import ACTIONS
from sop_lib.data.settings import (
    BAND_SETTINGS,
    COMPANY_SETTINGS,
    STATUS_BANDS,
    STATUS_BANDS_MEANING,
    Setting,
)

TEXT, NUMBER, MONTH, CHOICE = "text", "number", "month", "choice"


@dataclass(frozen=True)
class Column:
    """One column of a table."""

    name: str
    kind: str
    description: str
    unit: str = ""
    required: bool = True
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """One table of a company folder: `<name>.csv`, `<name>.parquet` or a sheet `<name>`."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    required: bool = True
    references: dict[str, str] = field(default_factory=dict)
    log: bool = False  # rows may repeat the key: later rows change earlier ones (overrides)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


STATUSES = ("active", "new", "phase_out", "inactive")
STRATEGIES = ("MTS", "MTO")
PLAN_STRATEGIES = ("optimised", "level", "chase")

TABLES: tuple[Table, ...] = (
    Table(
        "items",
        "One row per SKU: the family it belongs to, its price and cost, and its life-cycle status.",
        (
            Column("sku", TEXT, "SKU code, unique."),
            Column("family", TEXT, "Product family the SKU rolls up to (defined in families)."),
            Column("description", TEXT, "Free text.", required=False),
            Column("unit_price", NUMBER, "Average selling price.", "currency per unit", minimum=0),
            Column("standard_cost", NUMBER, "Standard cost of goods.", "currency per unit",
                   minimum=0),
            Column("status", CHOICE, "Life-cycle status; phase_out and inactive SKUs get no "
                   "forecast after their end of life.", choices=STATUSES),
            Column("end_of_life", MONTH, "Last month the SKU is sold (phase_out SKUs).",
                   required=False),
        ),
        key=("sku",),
        references={"family": "families"},
    ),
    Table(
        "families",
        "One row per product family: how it is planned and its targets.",
        (
            Column("family", TEXT, "Family code, unique."),
            Column("description", TEXT, "Free text.", required=False),
            Column("strategy", CHOICE, "MTS (make-to-stock, plans toward an inventory target) or "
                   "MTO (make-to-order, plans toward a backlog target).", choices=STRATEGIES),
            Column("inventory_target_days", NUMBER, "Target inventory in days of supply of "
                   "future demand; required for MTS.", "days", required=False, minimum=0,
                   maximum=730),
            Column("backlog_target_weeks", NUMBER, "Target backlog in weeks of demand; required "
                   "for MTO.", "weeks", required=False, minimum=0, maximum=104),
            Column("service_target", NUMBER, "Share of demand to ship on time.", "fraction 0-1",
                   minimum=0, maximum=1),
            Column("plan_strategy", CHOICE, "How the operations plan is made: `optimised` "
                   "(default: least cost within capacity), `level` (a constant rate) or `chase` "
                   "(produce what demand and the target change need).", required=False,
                   choices=PLAN_STRATEGIES),
            Column("min_production", NUMBER, "Lowest production rate the plan may use.",
                   "units per month", required=False, minimum=0),
            Column("max_production", NUMBER, "Highest production rate the plan may use.",
                   "units per month", required=False, minimum=0),
        ),
        key=("family",),
    ),
    Table(
        "demand_history",
        "Monthly demand per SKU: customer orders booked and units shipped. Every SKU has one row "
        "per month from its first month to the last closed month (zeros included).",
        (
            Column("sku", TEXT, "SKU code (defined in items)."),
            Column("month", MONTH, "Calendar month."),
            Column("bookings", NUMBER, "Units ordered by customers in the month.", "units",
                   minimum=0),
            Column("shipments", NUMBER, "Units shipped to customers in the month.", "units",
                   minimum=0),
        ),
        key=("sku", "month"),
        references={"sku": "items"},
    ),
    Table(
        "inventory",
        "Month-end inventory on hand per SKU; the last closed month opens the plan.",
        (
            Column("sku", TEXT, "SKU code (defined in items)."),
            Column("month", MONTH, "Month whose end the quantity is counted at."),
            Column("on_hand", NUMBER, "Units on hand at month end.", "units", minimum=0),
        ),
        key=("sku", "month"),
        references={"sku": "items"},
    ),
    Table(
        "open_orders",
        "Open customer orders (backlog) per SKU by the month they are due.",
        (
            Column("sku", TEXT, "SKU code (defined in items)."),
            Column("due_month", MONTH, "Month the customer expects delivery."),
            Column("quantity", NUMBER, "Units still to ship.", "units", minimum=0),
        ),
        key=("sku", "due_month"),
        references={"sku": "items"},
    ),
    Table(
        "production_history",
        "Units produced per family and month.",
        (
            Column("family", TEXT, "Family code (defined in families)."),
            Column("month", MONTH, "Calendar month."),
            Column("quantity", NUMBER, "Units produced.", "units", minimum=0),
        ),
        key=("family", "month"),
        references={"family": "families"},
    ),
    Table(
        "resources",
        "Key resources for rough-cut capacity: hours available per month and their cost.",
        (
            Column("resource", TEXT, "Resource code, unique (a line, a cell, a crew)."),
            Column("plant", TEXT, "Plant the resource belongs to."),
            Column("available_hours", NUMBER, "Regular hours available per month.", "hours",
                   minimum=0),
            Column("max_overtime_hours", NUMBER, "Extra hours per month that overtime can add.",
                   "hours", minimum=0),
            Column("regular_cost_per_hour", NUMBER, "Cost of a regular hour.",
                   "currency per hour", minimum=0),
            Column("overtime_cost_per_hour", NUMBER, "Cost of an overtime hour.",
                   "currency per hour", minimum=0),
        ),
        key=("resource",),
    ),
    Table(
        "bill_of_resources",
        "Hours of each key resource that one unit of a family takes.",
        (
            Column("family", TEXT, "Family code (defined in families)."),
            Column("resource", TEXT, "Resource code (defined in resources)."),
            Column("hours_per_unit", NUMBER, "Hours per unit produced.", "hours per unit",
                   minimum=0),
        ),
        key=("family", "resource"),
        references={"family": "families", "resource": "resources"},
    ),
    Table(
        "business_plan",
        "The annual business plan per family and month, in units and revenue, and optionally "
        "the budget of cost of goods and of inventory: where given, the pack shows margin and "
        "inventory value against it beside revenue (an absent column or an empty cell is no "
        "budget for that figure and month).",
        (
            Column("family", TEXT, "Family code (defined in families)."),
            Column("month", MONTH, "Calendar month."),
            Column("units", NUMBER, "Planned units sold.", "units", minimum=0),
            Column("revenue", NUMBER, "Planned revenue.", "currency", minimum=0),
            Column("cost_of_goods", NUMBER, "Budgeted cost of goods sold of the month's planned "
                   "sales; the budget margin is revenue - cost_of_goods.", "currency",
                   required=False, minimum=0),
            Column("inventory_value", NUMBER, "Budgeted month-end inventory value at standard "
                   "cost.", "currency", required=False, minimum=0),
        ),
        key=("family", "month"),
        references={"family": "families"},
    ),
    Table(
        "overrides",
        "Sales and marketing changes to the statistical forecast, each with owner and reason.",
        (
            Column("level", CHOICE, "Whether code names a SKU or a family.",
                   choices=("sku", "family")),
            Column("code", TEXT, "The SKU or family code."),
            Column("month", MONTH, "Forecast month the override applies to."),
            Column("kind", CHOICE, "absolute: the forecast becomes value units; percent: the "
                   "forecast changes by value percent (-100 or more).",
                   choices=("absolute", "percent")),
            Column("value", NUMBER, "Units (absolute) or percent change (percent).",
                   minimum=-100),
            Column("owner", TEXT, "Who asked for the change."),
            Column("reason", TEXT, "Why (promotion, tender, lost customer, ...)."),
            Column("action", CHOICE, "add (or empty): a new override where none is in force; "
                   "change: replaces the override in force for the same level, code and month; "
                   "withdraw: ends it (kind and value repeat what is withdrawn). Rows are only "
                   "added, so the file keeps the history.", required=False, choices=ACTIONS),
            Column("entered", TEXT, "When the row was entered, e.g. 2026-12-07 14:05 (the "
                   "override editor writes it). Rows are read in file order; a database query "
                   "orders them by level, code, month and entered.", required=False),
        ),
        key=("level", "code", "month"),
        required=False,
        log=True,
    ),
)

TABLES_BY_NAME = {t.name: t for t in TABLES}

CONFIG_FILE = "company.yaml"
SCENARIO_FOLDER = "scenarios"  # the scenario files of the pre-S&OP meeting, docs/scenarios.md


def markdown() -> str:
    """The data contract as a Markdown document."""
    lines = [
        "# Data contract v1",
        "",
        "<!-- Generated by `python -m sop_lib.data.contract > docs/data-contract.md`; edit "
        "sop_lib/data/contract.py (tables), sop_lib/data/settings.py (company.yaml) or "
        "sop_lib/data/decisions.py (the decision register) instead. -->",
        "",
        "A company is a folder. It holds `company.yaml` and one table per section below, each as "
        "`<table>.csv` (UTF-8, a byte-order mark and Windows line ends are fine), "
        "`<table>.parquet`, or as a sheet named `<table>` of a single `.xlsx` workbook in the "
        "folder. Columns are separated by commas (a file separated by semicolons is refused: "
        "save it as CSV UTF-8 (comma delimited)). Column names are lower case as written here; "
        "extra columns are ignored. Title rows above the header (the first row naming two "
        "columns of the contract) are skipped with a warning. "
        "Months are written `YYYY-MM`; also read are `YYYY/MM`, `YYYYMM`, an English month name "
        "in full or its first three letters, in any case, with the year (`Jan 2024`, "
        "`JANUARY-2024`, `2024-jan`), and the first or last day of the month (`YYYY-MM-01`, or "
        "`2024-01-31` as ERPs write a monthly bucket). Refused as ambiguous: `01/2024`, "
        "`01/02/2024`, and a day inside the month such as `2024-01-15`. "
        "Quantities are units, money is in the company currency. "
        "Check a folder with `sop validate DIR`: every problem is listed with its file, row, "
        "column, value and what was expected.",
        "",
        f"## {CONFIG_FILE}",
        "",
        "One `key: value` line per setting, e.g. `horizon_months: 24`; a setting left out takes "
        "its default, a required one has none. A value outside its rule is refused.",
        "",
        "| key | type | default | rule | meaning |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [_setting_row(s) for s in COMPANY_SETTINGS]
    lines.append(f"| `{STATUS_BANDS}` | mapping |  |  | {STATUS_BANDS_MEANING} |")
    lines += [_setting_row(s, f"{STATUS_BANDS}.") for s in BAND_SETTINGS]
    for table in TABLES:
        need = "required" if table.required else "optional (may be absent or empty)"
        lines += ["", f"## {table.name}", "", f"{table.description} File: {need}. "
                  f"Key (unique): {', '.join(table.key)}.", "",
                  "| column | type | unit | required | rule | meaning |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for c in table.columns:
            lines.append(f"| `{c.name}` | {c.kind} | {c.unit} | {'yes' if c.required else 'no'}"
                         f" | {_rule(c, table)} | {c.description} |")
    lines += ["", "## Rules across tables", ""] + [f"- {rule}" for rule in CROSS_TABLE_RULES]
    lines += _sources_section() + _decision_register_section()
    lines += ["", "## Outputs: the plan of record", "", PLAN_OF_RECORD_TEXT, ""]
    for name, (rows, columns) in PLAN_OF_RECORD.items():
        lines += [f"### {name}", "", rows, "", "| column | type | unit | meaning |",
                  "| --- | --- | --- | --- |"]
        lines += [f"| `{column}` | {kind} | {unit} | {meaning} |"
                  for column, kind, unit, meaning in columns] + [""]
    return "\n".join(lines).rstrip("\n") + "\n"


CROSS_TABLE_RULES = (
    "Every SKU, family and resource a row names is defined in its own table.",
    "Every family has at least one SKU and at least one row in bill_of_resources.",
    "MTS families give inventory_target_days, MTO families give backlog_target_weeks.",
    "demand_history has no missing month between a SKU's first month and the last closed month; "
    "inventory has a row for every SKU at that month.",
    "The last closed month is the latest month of demand_history that more than one SKU in ten "
    "reach; the rows of the few SKUs that run on after it are refused (remove them, or add the "
    "month for every SKU).",
    "The history ends at most 3 months before the cycle being planned.",
    "Overrides name months up to the end of the plan horizon (rows of months before the cycle "
    "are earlier cycles' history: a warning says they are not applied); an absolute override is "
    "0 or more; each row adds an override where none is in force for its level, code and "
    "month, or changes or withdraws the one that is.",
    "A cycle given to `sop run` or `sop validate` comes after the last closed month.",
    "Choices are matched ignoring case (`mts` is read as `MTS`).",
    "Warning only: a SKU with no demand in the last 12 months, a family with no business plan "
    "for the horizon, an active SKU with a zero price, open_orders or production_history given "
    "with a header and no rows (make-to-order families are then planned without a backlog; plan "
    "adherence cannot be measured).",
)


DECISION_REGISTER_TEXT = (
    "The outcome of the executive S&OP meeting: optional, one file per cycle in the subfolder "
    f"`{decisions.DECISIONS_FOLDER}/`, named after the cycle it decides (YYYY-MM, e.g. "
    f"`{decisions.DECISIONS_FOLDER}/2026-11.yaml`). A field `decisions[].x` is field `x` of "
    "each entry of the `decisions` list. `sop validate` checks every register; when the "
    "reports folder (`--out`) holds the published pack of its cycle, its items must be that "
    "pack's agenda items and its scenario one the pack compared. A problem is reported with "
    "the file, its line (as the row) and the field.")
PLAN_OF_RECORD_TEXT = (
    "Each published pack writes `reports/<cycle>/plan_of_record/` with two tables, each as "
    "`.csv` and `.parquet` holding the same values: the approved plan passed downward to master "
    "scheduling, purchasing and distribution, and upward to the financial plan. The CSV is what "
    "an ERP import takes: UTF-8, comma-separated, a header row of the column names below and no "
    "index column, months as YYYY-MM, numbers with a dot as decimal separator and no thousands "
    "separator (whole units as integers, shares with 6 decimals, demand with 4, money with 2). "
    "Production and shipments are whole units: the family plan is made in whole units (each "
    "month's rounding carried into the next, so the total to date stays within one unit of the "
    "optimiser's) and split over the SKUs by largest remainders, so the SKU rows add up exactly "
    "to the family figures of the pack. Demand is the consensus forecast and keeps its "
    "decimals. The financial rows are the pack's money view, to the cent.")
PLAN_OF_RECORD = {
    "sku_plan": (
        "One row per SKU and plan month (key: sku, month), sorted by family, sku and month.",
        (("sku", "text", "", "SKU code."), ("family", "text", "", "Its family."),
         ("month", "month", "YYYY-MM", "Plan month."),
         ("share", "number", "fraction", "The SKU's share of its family that month: its "
          "consensus mix (the mix over the horizon when the family has no consensus that "
          "month, else equal); 6 decimals."),
         ("demand", "number", "units", "Consensus demand: the family's x share, 4 decimals."),
         ("production", "integer", "units", "Planned production, whole units; the SKUs of a "
          "family add up to its planned production that month."),
         ("shipments", "integer", "units", "Planned shipments, whole units; the SKUs of a "
          "family add up to its planned shipments that month.")),
    ),
    "financial_plan": (
        "One row per family and plan month, then one `Total` row per month (key: family, "
        "month).",
        (("family", "text", "", "Family code, or `Total` for all families."),
         ("month", "month", "YYYY-MM", "Plan month."),
         ("units", "integer", "units", "Units shipped (whole)."),
         ("revenue", "number", "currency", "Revenue: units x the family's price, to the cent."),
         ("cogs", "number", "currency", "Cost of goods sold at standard cost, to the cent."),
         ("margin", "number", "currency", "Revenue - cogs."),
         ("inventory_value", "number", "currency",
          "Month-end inventory at standard cost (MTS; 0 for MTO)."),
         ("plan_revenue", "number", "currency",
          "The annual business plan's revenue for the month (empty where it has none).")),
    ),
}


def typed_frame(table: Table, rows) -> pd.DataFrame:
    """A table from rows (dicts or a frame), typed as a Company holds it: text as str (missing
    as ""), numbers as float64, months as Period[M]; absent columns empty."""
    frame = pd.DataFrame(rows).reindex(columns=table.column_names)
    for column in table.columns:
        values = frame[column.name]
        if column.kind == NUMBER:
            frame[column.name] = values.astype("float64")
        elif column.kind == MONTH:
            frame[column.name] = values.astype("period[M]")
        else:
            frame[column.name] = values.astype(object).where(values.notna(), "").astype(str)
    return frame


SOURCES_TEXT = (
    "Optional. A company folder may read any of its tables from a database instead of a file: "
    f"`{sources.SOURCES_FILE}` names the connection and, per table, the SQL query whose result "
    "columns are named as that table's columns above (rename an ERP's columns with `AS`). "
    "Tables it does not name stay files; a table must not be both. A query's values are read as "
    "the text an export would hold and checked like a file's: a problem names the table and "
    "where its query is written, e.g. `items (query in sources.yaml), row 5, column "
    "unit_price` (row 1 is the column names, as in a CSV export of the result). The query goes "
    "to the database as written (`%` and `:name` are plain SQL). `sop validate` runs the "
    "queries. Order each query by the table's key (`ORDER BY`), so that two reads of the same "
    "data give the same rows in the same order. A run reads every table once, in one "
    "connection (read-only on PostgreSQL, in one consistent snapshot, and on SQLite; for "
    "another database, connect as a user who can only read), and keeps what it read in the "
    "pack: `reports/<cycle>/inputs/` holds "
    "`<table>.parquet` for each query (the text read), with company.yaml, the tables kept as "
    "files and the scenarios, every file hashed in the manifest (and `queried.yaml`, so that "
    "a problem found there still names its query: `items (query in sources.yaml), kept as "
    "items.parquet`). `sop run --data reports/<cycle>/inputs --out another-folder` runs that "
    "cycle again as it was, and `sop approve` approves what it read, whatever the database "
    "holds since. SQLite needs nothing more; PostgreSQL needs `pip install "
    "'sop-workbooks[postgres]'` (the psycopg driver); another database works with its "
    "SQLAlchemy driver installed. The connect timeout is passed to the drivers psycopg, "
    "psycopg2, pg8000, asyncpg, pymysql, mysqldb, mariadbconnector, pyodbc, pymssql and "
    "oracledb; with another driver, put its own timeout option in the URL. "
    "`data/sample-database/` is the sample company read from SQLite.")


def _sources_section() -> list[str]:
    """The section of sources.yaml: what it is, an example, a row per field."""
    lines = ["", f"## {sources.SOURCES_FILE}: tables from a database", "", SOURCES_TEXT, "",
             "```yaml", *sources.EXAMPLE.splitlines(), "```", "",
             "| field | type | required | meaning |", "| --- | --- | --- | --- |"]
    return lines + [f"| `{key}` | {kind} | {required} | {meaning} |"
                    for key, kind, required, meaning in sources.FIELDS]


def _decision_register_section() -> list[str]:
    """The section of `decisions/<cycle>.yaml`: what it is, an example, a row per field."""
    lines = ["", f"## {decisions.DECISIONS_FOLDER}/<cycle>.yaml", "", DECISION_REGISTER_TEXT, "",
             "```yaml", *decisions.EXAMPLE.splitlines(), "```", "",
             "| field | type | required | meaning |", "| --- | --- | --- | --- |"]
    return lines + [f"| `{f.key}` | {f.kind} | {'yes' if f.required else 'no'} | {f.meaning} |"
                    for f in decisions.FIELDS]


def _setting_row(setting: Setting, prefix: str = "") -> str:
    """The row of a company.yaml setting: key, type, default, rule and meaning."""
    rule = [_one_of(setting.choice_names) if setting.choices else setting.rule]
    if setting.contains:
        rule.append(f"at least `{prefix}{setting.contains}`")
    default = f"`{setting.default_text}`" if setting.choices else setting.default_text
    meaning = " ".join([setting.meaning, *(f"`{c}`: {m}." for c, m in setting.choices)])
    return (f"| `{prefix}{setting.name}` | {setting.kind} | {default or 'required'} | "
            f"{', '.join(filter(None, rule))} | {meaning} |")


def _one_of(choices: tuple[str, ...]) -> str:
    return "one of " + ", ".join(f"`{c}`" for c in choices)


def _rule(column: Column, table: Table) -> str:
    parts = []
    if column.choices:
        parts.append(_one_of(column.choices))
    if column.minimum is not None:
        parts.append(f">= {column.minimum:g}")
    if column.maximum is not None:
        parts.append(f"<= {column.maximum:g}")
    if column.name in table.references:
        parts.append(f"defined in {table.references[column.name]}")
    return ", ".join(parts)


if __name__ == "__main__":
    print(markdown(), end="")
