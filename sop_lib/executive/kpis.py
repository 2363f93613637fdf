"""Executive S&OP key figures: headline KPIs with a traffic light, and one status line per family.

Every figure judges the plan that is published (the supply plan, its money view and its planned
load). Statuses are "green", "amber" or "red"; "n/a" when the figure cannot be computed (no
plan accuracy, no MTO family, no business plan), so that no light pretends to know. A value
exactly on a threshold gets the better colour. The bands are the company's `status_bands`
(company.yaml; defaults in `company.StatusBands` and the data contract):
- customer service: green at or above the demand-weighted service target, amber up to
  `service_amber_points` below it, red further below;
- forecast accuracy (1 - WAPE, lag 1): the SKU level (errors of SKU-months, what planners are
  judged on) against `accuracy_target_sku`, the family level against `accuracy_target_family`;
  amber down to `accuracy_amber_points` below the target;
- forecast bias: green within +/- `bias_green`, amber within +/- `bias_amber`, red beyond;
- inventory value, days of supply, weeks of backlog against their target at the end of the
  plan's first month: green within `position_green` of the target (above or below), amber within
  `position_amber`, red beyond;
- revenue against the business plan: green down to `revenue_green_gap` below plan (any amount
  above plan is green), amber down to `revenue_amber_gap` below, red further below;
- when the business plan gives a budget (its optional cost_of_goods and inventory_value
  columns; without one these rows are not shown at all): margin against the budget margin with
  the revenue bands, and inventory value at the end of the plan's first month against the
  inventory budget with the position bands;
- capacity is judged on the planned load (the published plan, after it builds ahead and works
  overtime): peak utilisation is green when every resource-month fits its regular hours, amber
  when some need overtime, red when any is loaded beyond regular plus overtime hours;
  overloaded resource-months: green at 0, amber up to OVERLOAD_AMBER_COUNT, red above. The
  required load (what the unconstrained plan would need) is quoted as the pressure behind them.
A family's status is red when the plan ships customer demand late (the `shortfall`: orders not
shipped in their own month) or leaves its stock at zero in the window, whatever else is on track;
its reason names the worst problem first.
"""
from __future__ import annotations

import math

import pandas as pd

from sop_lib.core.months import month_label
from sop_lib.core.names import KEY, TOTAL
from sop_lib.core.status import AMBER, GREEN, NOT_AVAILABLE, RED
from sop_lib.core.words import format_money, span_label
from sop_lib.presop.balance import (
    UNIT_TOLERANCE,
    balance,
    balance_summary,
    first_months,
    late_text,
    months_label,
)
from sop_lib.supply.capacity import OK, OVERLOAD, OVERTIME

UTILISATION_TARGET = 1.0
OVERLOAD_AMBER_COUNT = 3

_SEVERITY = {NOT_AVAILABLE: -1, GREEN: 0, AMBER: 1, RED: 2}
_TOLERANCE = 1e-9
_POSITION = {"MTS": ("days_of_supply", "inventory_target_days", "days of supply"),
             "MTO": ("weeks_of_backlog", "backlog_target_weeks", "weeks of backlog")}
FAMILY_STATUS_COLUMNS = [
    "family", "strategy", "status", "reason", "service_level", "service_target", "late_units",
    "revenue_at_risk", "lowest_inventory", "days_of_supply", "target_days", "weeks_of_backlog",
    "target_weeks", "revenue", "plan_revenue", "revenue_gap_pct", "forecast_accuracy_family"]


def service_status(value: float, target: float, bands) -> str:
    """Green at or above target, amber up to `service_amber_points` below, red further below."""
    return _higher_is_better(value, target, target - bands.service_amber_points)


def accuracy_status(value: float, target: float, bands) -> str:
    """Green from `target`, amber down to `accuracy_amber_points` below it, red below."""
    return _higher_is_better(value, target, target - bands.accuracy_amber_points)


def bias_status(value: float, bands) -> str:
    """Green within +/- `bias_green`, amber within +/- `bias_amber`, red beyond."""
    return _lower_is_better(abs(value), bands.bias_green, bands.bias_amber)


def position_status(value: float, target: float, bands) -> str:
    """Green within `position_green` of target either way, amber within `position_amber`."""
    if _missing(value) or _missing(target):
        return NOT_AVAILABLE
    deviation = abs(value / target - 1) if target else (0.0 if value == 0 else math.inf)
    return _lower_is_better(deviation, bands.position_green, bands.position_amber)


def revenue_status(gap_pct: float, bands) -> str:
    """Green down to `revenue_green_gap` below plan, amber down to `revenue_amber_gap`, red
    below."""
    return _higher_is_better(gap_pct, -bands.revenue_green_gap, -bands.revenue_amber_gap)


def overload_status(count: float) -> str:
    """Green with no overloaded resource-month, amber up to OVERLOAD_AMBER_COUNT, red above."""
    return _lower_is_better(count, 0, OVERLOAD_AMBER_COUNT)


def worst_status(statuses) -> str:
    """The worst of some statuses ("n/a" only when none is known)."""
    return max(statuses, key=_SEVERITY.__getitem__, default=NOT_AVAILABLE)


def headline_kpis(company, plan: pd.DataFrame, load: pd.DataFrame, money: pd.DataFrame,
                  outlook: pd.DataFrame, accuracy: pd.DataFrame, *,
                  required_load: pd.DataFrame | None = None, months: int = 12) -> pd.DataFrame:
    """The executive KPIs: `kpi, value, target, unit, status, comment`, one row each.

    Service, revenue and capacity cover the first `months` months of the plan; inventory value,
    days of supply and weeks of backlog are the positions at the end of the plan's first month
    (days and weeks are averages over families weighted by that month's demand at cost);
    accuracy and bias come from the demand review's `accuracy_headline` (lag 1, SKU and family
    level); the fiscal year is the outlook's Total row. When the business plan gives a budget
    (`money` has plan_margin or plan_inventory_value), "Margin <window> vs budget" follows the
    revenue and "Inventory value, end of <month>, vs budget" the inventory value: the same
    figures against the budget. `load` is the planned load,
    `required_load` (optional) the unconstrained one, quoted as the pressure behind it.
    """
    currency, bands = company.config.currency, company.config.status_bands
    window = first_months(money, months)
    span = span_label(window["month"].min(), window["month"].max())
    rows = [
        _service_kpi(company, balance(plan, money), months, span),
        *_forecast_kpis(accuracy, bands),
        _inventory_value_kpi(plan, money, currency, bands),
        *_inventory_budget_kpi(plan, money, currency, bands),
        _position_kpi(company, plan, money, "MTS"),
        _position_kpi(company, plan, money, "MTO"),
        _revenue_kpi(f"Revenue {span}", window["revenue"].sum(),
                     window["plan_revenue"].sum(min_count=1), currency, bands,
                     _no_plan_note(window)),
        *_margin_kpi(window, span, currency, bands),
        _fiscal_year_kpi(outlook, currency, bands),
        *_capacity_kpis(first_months(load, months), span,
                        None if required_load is None else first_months(required_load, months)),
    ]
    return pd.DataFrame(rows, columns=["kpi", "value", "target", "unit", "status", "comment"])


def position_month(plan: pd.DataFrame) -> pd.Period:
    """The month whose closing inventory and backlog the KPIs and family statuses show."""
    return plan["month"].min()


def family_status(company, plan: pd.DataFrame, money: pd.DataFrame,
                  plan_accuracy: pd.DataFrame, *, months: int = 12) -> pd.DataFrame:
    """One status line per family over the first `months` months of the plan.

    Returns FAMILY_STATUS_COLUMNS. late_units and revenue_at_risk are the customer demand the
    plan ships late in the window (each late order once, in its own month: the shortfall);
    lowest_inventory the lowest month-end stock of an MTS
    family in the window; days_of_supply (MTS) or weeks_of_backlog (MTO) are at the end of
    `position_month` with the family's target in the same unit; forecast_accuracy_family is
    1 - WAPE of the family's plan at lag 1 (`plan_accuracy`). status is the worst of its
    checks, in this order: customer demand shipped late (red), stock at zero (red), service vs
    target, stock below safety stock (amber), position vs target, revenue vs the business plan;
    reason names each check that is not green, worst first, with its figures, or says
    "on track".
    """
    bands = company.config.status_bands
    summary = balance_summary(balance(plan, money), months=months).set_index("family")
    window = first_months(plan.merge(money[KEY + ["unit_price"]], on=KEY, how="left"), months)
    revenue = first_months(money, months).groupby("family")[["revenue", "plan_revenue"]].sum(
        min_count=1)
    families = company.families.set_index("family")
    opening = plan[plan["month"] == position_month(plan)].set_index("family")
    accuracy = _accuracy_by_family(plan_accuracy)
    rows = []
    for family, line in summary.iterrows():
        rows_of = window[window["family"] == family]
        column, target_column, words = _POSITION[line["strategy"]]
        position, target = opening.loc[family, column], families.loc[family, target_column]
        plan_revenue = revenue.loc[family, "plan_revenue"]
        gap_pct = _gap_pct(revenue.loc[family, "revenue"], plan_revenue)
        service_target = families.loc[family, "service_target"]
        checks = [
            *_supply_checks(rows_of, company.config.currency),
            (service_status(line["service_level"], service_target, bands),
             f"service {_pct(line['service_level'])} vs {_pct(service_target)} target"),
            *_safety_checks(rows_of),
            (position_status(position, target, bands),
             f"{position:,.1f} {words} at the end of {month_label(position_month(plan))} vs "
             f"{target:g} target"),
            (revenue_status(gap_pct, bands), _gap_text(gap_pct, plan_revenue)),
        ]
        mts = line["strategy"] == "MTS"
        rows.append({
            "family": family, "strategy": line["strategy"],
            "status": worst_status(s for s, _ in checks), "reason": _reason(checks),
            "service_level": line["service_level"], "service_target": service_target,
            "late_units": line["late_units"], "revenue_at_risk": line["revenue_at_risk"],
            "lowest_inventory": rows_of["inventory"].min() if mts else math.nan,
            "days_of_supply": position if mts else math.nan,
            "target_days": target if mts else math.nan,
            "weeks_of_backlog": math.nan if mts else position,
            "target_weeks": math.nan if mts else target,
            "revenue": revenue.loc[family, "revenue"], "plan_revenue": plan_revenue,
            "revenue_gap_pct": gap_pct,
            "forecast_accuracy_family": accuracy.get(family, math.nan)})
    return pd.DataFrame(rows, columns=FAMILY_STATUS_COLUMNS)


def _supply_checks(rows: pd.DataFrame, currency: str) -> list[tuple[str, str]]:
    """Red checks for customer demand shipped late and for months with no stock at all."""
    checks = []
    short = rows[rows["shortfall"] > UNIT_TOLERANCE]
    if len(short):
        checks.append((RED, late_text(rows, currency)))
    empty = rows[(rows["strategy"] == "MTS") & (rows["inventory"] < UNIT_TOLERANCE)
                 & ~(rows["shortfall"] > UNIT_TOLERANCE)]
    if len(empty):
        checks.append((RED, f"no stock left at the end of {months_label(empty)}"))
    return checks


def _safety_checks(rows: pd.DataFrame) -> list[tuple[str, str]]:
    """Amber when MTS stock falls below safety stock (with every order still shipped)."""
    if "safety_stock" not in rows.columns:
        return []
    below = rows[(rows["strategy"] == "MTS")
                 & (rows["inventory"] < rows["safety_stock"] - UNIT_TOLERANCE)]
    if below.empty:
        return []
    low = below.loc[below["inventory"].idxmin()]
    return [(AMBER, f"below safety stock in {months_label(below)} (low point "
                    f"{low['inventory']:,.0f} units against {low['safety_stock']:,.0f} in "
                    f"{month_label(low['month'])})")]


def _service_kpi(company, rows: pd.DataFrame, months: int, span: str) -> tuple:
    window = first_months(rows, months)
    due = window["due"].sum()
    value = window["on_time"].sum() / due if due > 0 else math.nan
    targets = window["family"].map(company.families.set_index("family")["service_target"])
    target = _weighted(targets, window["demand"])
    late = window[window["shortfall"] > UNIT_TOLERANCE]
    detail = (f" {late['shortfall'].sum():,.0f} units ship late "
              f"({', '.join(sorted(late['family'].unique()))})." if len(late) else "")
    return ("Customer service (projected)", value, target, "share",
            service_status(value, target, company.config.status_bands),
            f"Share of what is due in {span} shipped on time; target weighted by demand.{detail}")


def _forecast_kpis(accuracy: pd.DataFrame, bands) -> list[tuple]:
    """Accuracy at SKU and family level and the bias, from the `accuracy_headline` frame."""
    rows = accuracy.set_index("level")
    names = {"SKU": ("Forecast accuracy, SKU level (1 - WAPE)", bands.accuracy_target_sku),
             "family": ("Forecast accuracy, family level (1 - WAPE)",
                        bands.accuracy_target_family)}
    kpis = []
    for level, (name, target) in names.items():
        row = rows.loc[level] if level in rows.index else None
        if row is None or _missing(row["accuracy"]):
            kpis.append((name, math.nan, target, "share", NOT_AVAILABLE,
                         "No archived or replayed forecast to measure yet."))
            continue
        kpis.append((name, row["accuracy"], target, "share",
                     accuracy_status(row["accuracy"], target, bands),
                     _accuracy_comment(row, level)))
    row = rows.loc["family"] if "family" in rows.index else None
    if row is None or _missing(row["bias"]):
        kpis.append(("Forecast bias", math.nan, 0.0, "share change", NOT_AVAILABLE,
                     "No archived or replayed forecast to measure yet."))
    else:
        direction = "over" if row["bias"] > 0 else "under"
        kpis.append(("Forecast bias", row["bias"], 0.0, "share change",
                     bias_status(row["bias"], bands),
                     f"The {row['source']} forecast ran {abs(row['bias']):.1%} {direction} "
                     f"bookings, lag 1, {span_label(row['first_month'], row['last_month'])}."))
    return kpis


def _accuracy_comment(row: pd.Series, level: str) -> str:
    """The window, the forecast measured and how; the note (replayed forecasts) once, on the
    SKU row."""
    what = ("each SKU-month's error counted" if level == "SKU"
            else "errors netted within each family-month")
    text = (f"Lag 1, {span_label(row['first_month'], row['last_month'])}, "
            f"{row['source']} forecast, {what}.")
    return f"{text} {row['note']}" if level == "SKU" and row.get("note") else text


def _inventory_value_kpi(plan: pd.DataFrame, money: pd.DataFrame, currency: str, bands) -> tuple:
    month = position_month(plan)
    opening = money[money["month"] == month].merge(
        plan[KEY + ["target"]], on=KEY, how="left")
    value = opening["inventory_value"].sum()
    mts = opening["strategy"] == "MTS"
    target = (opening.loc[mts, "target"] * opening.loc[mts, "unit_cost"]).sum()
    return (f"Inventory value, end of {month_label(month)}", value, target, currency,
            position_status(value, target, bands),
            (f"Finished goods at standard cost ({format_money(value, currency)} vs "
             f"{format_money(target, currency)} at target)."))


def _inventory_budget_kpi(plan: pd.DataFrame, money: pd.DataFrame, currency: str,
                          bands) -> list[tuple]:
    """The inventory value at the end of the plan's first month against the business plan's
    inventory budget (none without a budget)."""
    if "plan_inventory_value" not in money.columns:
        return []
    month = position_month(plan)
    rows = money[money["month"] == month]
    value, budget = rows["inventory_value"].sum(), rows["plan_inventory_value"].sum(min_count=1)
    versus = ("no budget for the month" if _missing(budget)
              else f"{format_money(value, currency)} vs {format_money(budget, currency)} "
                   "budgeted")
    return [(f"Inventory value, end of {month_label(month)}, vs budget", value, budget,
             currency, position_status(value, budget, bands),
             f"Finished goods at standard cost against the business plan's inventory budget "
             f"({versus}). {_no_budget_note(rows, 'plan_inventory_value')}".strip())]


def _margin_kpi(window: pd.DataFrame, span: str, currency: str, bands) -> list[tuple]:
    """Margin over the window against the business plan's budget margin (none without a cost
    of goods budget)."""
    if "plan_margin" not in window.columns:
        return []
    value, budget = window["margin"].sum(), window["plan_margin"].sum(min_count=1)
    gap_pct = _gap_pct(value, budget) if _missing(budget) or budget > 0 else math.nan
    if _missing(budget):
        said = "no budget"
    elif _missing(gap_pct):
        said = "the budget margin is not positive"
    else:
        said = f"margin {abs(gap_pct):.1%} {'below' if gap_pct < 0 else 'above'} budget"
    return [(f"Margin {span} vs budget", value, budget, currency,
             revenue_status(gap_pct, bands),
             "Revenue - cost of goods at standard cost, against the business plan's revenue - "
             "its cost of goods. " + _no_budget_note(window, "plan_margin")
             + said.capitalize() + ".")]


def _no_budget_note(rows: pd.DataFrame, column: str) -> str:
    """Which families have no budget in `column` in `rows` (they add to the value only)."""
    missing = sorted(set(rows.loc[rows[column].isna(), "family"]))
    return f"No budget for {', '.join(missing)}. " if missing else ""


def _position_kpi(company, plan: pd.DataFrame, money: pd.DataFrame, strategy: str) -> tuple:
    column, target_column, words = _POSITION[strategy]
    month = position_month(plan)
    kpi = f"{words.capitalize()}, end of {month_label(month)} ({strategy})"
    unit = words.split()[0]
    rows = plan[(plan["month"] == month) & (plan["strategy"] == strategy)].merge(
        money[KEY + ["unit_cost"]], on=KEY, how="left")
    if rows.empty:
        return (kpi, math.nan, math.nan, unit, NOT_AVAILABLE, f"No {strategy} family.")
    weights = rows["demand"] * rows["unit_cost"]
    targets = rows["family"].map(company.families.set_index("family")[target_column])
    value, target = _weighted(rows[column], weights), _weighted(targets, weights)
    return (kpi, value, target, unit,
            position_status(value, target, company.config.status_bands),
            f"Average of {_families_text(len(rows), strategy)} weighted by demand at cost.")


def _revenue_kpi(kpi: str, value: float, target: float, currency: str, bands,
                 detail: str) -> tuple:
    gap_pct = _gap_pct(value, target)
    return (kpi, value, target, currency, revenue_status(gap_pct, bands),
            detail + _gap_text(gap_pct, target).capitalize() + ".")


def _no_plan_note(rows: pd.DataFrame) -> str:
    """Which families have revenue but no business plan in `rows` (they add to revenue only)."""
    missing = sorted(set(rows.loc[rows["plan_revenue"].isna(), "family"]))
    return f"No business plan for {', '.join(missing)}. " if missing else ""


def _fiscal_year_kpi(outlook: pd.DataFrame, currency: str, bands) -> tuple:
    total = outlook[outlook["family"] == TOTAL].iloc[0]
    return _revenue_kpi(
        f"Fiscal year {total['fiscal_year']} revenue", total["forecast_revenue"],
        total["plan_revenue"], currency, bands,
        f"{format_money(total['actual_revenue'], currency)} actual + "
        f"{format_money(total['outlook_revenue'], currency)} outlook. "
        + _no_plan_note(outlook[outlook["family"] != TOTAL]))


def _capacity_kpis(load: pd.DataFrame, span: str,
                   required: pd.DataFrame | None = None) -> list[tuple]:
    """Peak utilisation and overloaded resource-months of the planned load (the plan that is
    published, after building ahead and overtime); the required load, when given, is the
    overload row's comment, the pressure behind them (in one line: the window is the peak row's,
    so that the KPIs fit the first printed page)."""
    overloads = int((load["status"] == OVERLOAD).sum())
    pressure = _pressure_text(required)
    if load.empty:
        return [("Peak capacity utilisation (planned)", math.nan, UTILISATION_TARGET, "share",
                 NOT_AVAILABLE, "No capacity load."),
                ("Overloaded resource-months (planned)", 0, 0, "count", GREEN, pressure)]
    top = load.loc[load["utilisation"].idxmax()]
    where = (f"{top['resource']} in {month_label(top['month'])}, the highest of {span}: "
             f"{_capacity_words(top['status'])}.")
    return [
        ("Peak capacity utilisation (planned)", top["utilisation"], UTILISATION_TARGET,
         "share", load_status(load["status"]), where),
        ("Overloaded resource-months (planned)", overloads, 0, "count",
         overload_status(overloads),
         pressure or f"Months the plan loads a resource beyond its regular plus overtime "
                     f"hours, {span}."),
    ]


def load_status(statuses: pd.Series) -> str:
    """Green when every resource-month fits its regular hours, amber when some need overtime,
    red when any is loaded beyond regular plus overtime hours."""
    if statuses.empty:
        return NOT_AVAILABLE
    if (statuses == OVERLOAD).any():
        return RED
    return AMBER if (statuses == OVERTIME).any() else GREEN


def _capacity_words(status: str) -> str:
    return {OK: "within regular hours", OVERTIME: "within regular plus overtime hours",
            OVERLOAD: "beyond regular plus overtime hours"}[status]


def _pressure_text(required: pd.DataFrame | None) -> str:
    """The required load (before building ahead and overtime) in one sentence."""
    if required is None or required.empty or required["utilisation"].isna().all():
        return ""
    top = required.loc[required["utilisation"].idxmax()]
    count = int((required["status"] == OVERLOAD).sum())
    over = (f"; {count} resource-month{'s' if count != 1 else ''} of it beyond regular plus "
            "overtime hours" if count else "")
    return (f"Required load, before building ahead and overtime, peaks at "
            f"{top['utilisation']:.0%} ({top['resource']}, {month_label(top['month'])}){over}.")


def _accuracy_by_family(plan_accuracy: pd.DataFrame) -> pd.Series:
    rows = plan_accuracy.set_index("family")
    return 1 - rows["abs_error"] / rows["actual"].where(rows["actual"] > 0)


def _families_text(count: int, strategy: str) -> str:
    return f"{count} {strategy} {'family' if count == 1 else 'families'}"


def _weighted(values: pd.Series, weights: pd.Series) -> float:
    total = weights.sum()
    return float((values * weights).sum() / total) if total > 0 else math.nan


def _gap_pct(value: float, plan: float) -> float:
    return (value - plan) / plan if not _missing(plan) and plan != 0 else math.nan


def _gap_text(gap_pct: float, plan: float) -> str:
    if _missing(plan):
        return "no business plan"
    if _missing(gap_pct):
        return "business plan is 0"
    return f"revenue {abs(gap_pct):.1%} {'below' if gap_pct < 0 else 'above'} plan"


def _reason(checks: list[tuple[str, str]]) -> str:
    """The checks that are not green, worst first (checks of one colour keep their order)."""
    issues = sorted((c for c in checks if c[0] != GREEN), key=lambda c: -_SEVERITY[c[0]])
    return "; ".join(f"{text} ({status})" for status, text in issues) if issues else "on track"


def _pct(value: float) -> str:
    return "n/a" if _missing(value) else f"{value:.1%}"


def _missing(value) -> bool:
    return value is None or pd.isna(value)


def _higher_is_better(value: float, green: float, amber: float) -> str:
    if _missing(value) or _missing(green):
        return NOT_AVAILABLE
    if value >= green - _TOLERANCE:
        return GREEN
    return AMBER if value >= amber - _TOLERANCE else RED


def _lower_is_better(value: float, green: float, amber: float) -> str:
    if _missing(value) or _missing(green):
        return NOT_AVAILABLE
    if value <= green + _TOLERANCE:
        return GREEN
    return AMBER if value <= amber + _TOLERANCE else RED
