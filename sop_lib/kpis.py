"""Executive S&OP key figures: headline KPIs with a traffic light, and one status line per family.

Statuses are "green", "amber" or "red"; "n/a" when the figure cannot be computed (no backtest,
no MTO family, no business plan), so that no light pretends to know. A value exactly on a
threshold gets the better colour. The thresholds:
- customer service: green at or above the demand-weighted service target, amber up to
  SERVICE_AMBER_POINTS below it, red further below;
- forecast accuracy (1 - WAPE): green from ACCURACY_TARGET (0.8, a common S&OP aim for family
  forecasts one month ahead), amber from ACCURACY_AMBER, red below;
- forecast bias: green within +/- BIAS_GREEN, amber within +/- BIAS_AMBER, red beyond;
- inventory value, days of supply, weeks of backlog against their target: green within
  POSITION_GREEN_BAND of the target (above or below), amber within POSITION_AMBER_BAND, red
  beyond;
- revenue against the business plan: green down to REVENUE_GREEN_GAP below plan (any amount
  above plan is green), amber down to REVENUE_AMBER_GAP below, red further below;
- peak capacity utilisation: green up to UTILISATION_TARGET, amber up to UTILISATION_AMBER,
  red above; overloaded resource-months: green at 0, amber up to OVERLOAD_AMBER_COUNT, red above.
"""
from __future__ import annotations

import math

import pandas as pd

from .finance import KEY, TOTAL, format_money, span_label
from .months import month_label
from .presop import balance, balance_summary, first_months
from .status import AMBER, GREEN, NOT_AVAILABLE, RED

SERVICE_AMBER_POINTS = 0.03
ACCURACY_TARGET = 0.8
ACCURACY_AMBER = 0.7
BIAS_GREEN = 0.05
BIAS_AMBER = 0.10
POSITION_GREEN_BAND = 0.20
POSITION_AMBER_BAND = 0.50
REVENUE_GREEN_GAP = 0.02
REVENUE_AMBER_GAP = 0.05
UTILISATION_TARGET = 1.0
UTILISATION_AMBER = 1.10
OVERLOAD_AMBER_COUNT = 3
POSITION_MONTH = 3

_SEVERITY = {NOT_AVAILABLE: -1, GREEN: 0, AMBER: 1, RED: 2}
_TOLERANCE = 1e-9
_POSITION = {"MTS": ("days_of_supply", "inventory_target_days", "days of supply"),
             "MTO": ("weeks_of_backlog", "backlog_target_weeks", "weeks of backlog")}


def service_status(value: float, target: float) -> str:
    """Green at or above target, amber up to SERVICE_AMBER_POINTS below, red further below."""
    return _higher_is_better(value, target, target - SERVICE_AMBER_POINTS)


def accuracy_status(value: float) -> str:
    """Green from ACCURACY_TARGET, amber from ACCURACY_AMBER, red below."""
    return _higher_is_better(value, ACCURACY_TARGET, ACCURACY_AMBER)


def bias_status(value: float) -> str:
    """Green within +/- BIAS_GREEN, amber within +/- BIAS_AMBER, red beyond."""
    return _lower_is_better(abs(value), BIAS_GREEN, BIAS_AMBER)


def position_status(value: float, target: float) -> str:
    """Green within POSITION_GREEN_BAND of target either way, amber within POSITION_AMBER_BAND."""
    if _missing(value) or _missing(target):
        return NOT_AVAILABLE
    deviation = abs(value / target - 1) if target else (0.0 if value == 0 else math.inf)
    return _lower_is_better(deviation, POSITION_GREEN_BAND, POSITION_AMBER_BAND)


def revenue_status(gap_pct: float) -> str:
    """Green down to REVENUE_GREEN_GAP below plan, amber down to REVENUE_AMBER_GAP, red below."""
    return _higher_is_better(gap_pct, -REVENUE_GREEN_GAP, -REVENUE_AMBER_GAP)


def utilisation_status(value: float) -> str:
    """Green up to UTILISATION_TARGET, amber up to UTILISATION_AMBER, red above."""
    return _lower_is_better(value, UTILISATION_TARGET, UTILISATION_AMBER)


def overload_status(count: float) -> str:
    """Green with no overloaded resource-month, amber up to OVERLOAD_AMBER_COUNT, red above."""
    return _lower_is_better(count, 0, OVERLOAD_AMBER_COUNT)


def worst_status(statuses) -> str:
    """The worst of some statuses ("n/a" only when none is known)."""
    return max(statuses, key=_SEVERITY.__getitem__, default=NOT_AVAILABLE)


def headline_kpis(company, plan: pd.DataFrame, load: pd.DataFrame, money: pd.DataFrame,
                  outlook: pd.DataFrame, backtest: pd.DataFrame, *, months: int = 12
                  ) -> pd.DataFrame:
    """The executive KPIs: `kpi, value, target, unit, status, comment`, one row each.

    Service, revenue and capacity cover the first `months` months of the plan; inventory, days
    of supply and weeks of backlog are the positions at the end of the first plan month (days and
    weeks are averages over families weighted by the month's demand at cost); accuracy and bias
    pool every family of the backtest; the fiscal year is the outlook's Total row.
    """
    currency = company.config.currency
    window = first_months(money, months)
    span = span_label(window["month"].min(), window["month"].max())
    rows = [
        _service_kpi(company, balance(plan, money), months, span),
        *_forecast_kpis(backtest),
        _inventory_value_kpi(plan, money, currency),
        _position_kpi(company, plan, money, "MTS"),
        _position_kpi(company, plan, money, "MTO"),
        _revenue_kpi(f"Revenue {span}", window["revenue"].sum(),
                     window["plan_revenue"].sum(min_count=1), currency, _no_plan_note(window)),
        _fiscal_year_kpi(outlook, currency),
        *_capacity_kpis(first_months(load, months), span),
    ]
    return pd.DataFrame(rows, columns=["kpi", "value", "target", "unit", "status", "comment"])


def family_status(company, plan: pd.DataFrame, money: pd.DataFrame, backtest: pd.DataFrame, *,
                  months: int = 12) -> pd.DataFrame:
    """One status line per family over the first `months` months of the plan.

    Returns `family, strategy, demand_units, supply_units, service_level, service_target,
    inventory_or_backlog, target, revenue, plan_revenue, revenue_gap_pct, forecast_accuracy,
    status, reason`. inventory_or_backlog is days of supply (MTS) or weeks of backlog (MTO) at
    the end of plan month POSITION_MONTH (the last month when the plan is shorter), target the
    family's target in the same unit. status is the worst of service vs target, revenue vs the
    business plan and position vs target; reason names each check that is not green, with its
    figures, or says "on track".
    """
    summary = balance_summary(balance(plan, money), months=months).set_index("family")
    revenue = first_months(money, months).groupby("family")[["revenue", "plan_revenue"]].sum(
        min_count=1)
    families = company.families.set_index("family")
    positions = plan.sort_values(KEY).groupby("family").head(POSITION_MONTH).groupby(
        "family").tail(1).set_index("family")
    accuracy = _accuracy_by_family(backtest)
    rows = []
    for family, line in summary.iterrows():
        column, target_column, words = _POSITION[line["strategy"]]
        position, target = positions.loc[family, column], families.loc[family, target_column]
        plan_revenue = revenue.loc[family, "plan_revenue"]
        gap_pct = _gap_pct(revenue.loc[family, "revenue"], plan_revenue)
        service_target = families.loc[family, "service_target"]
        checks = [
            (service_status(line["service_level"], service_target),
             f"service {_pct(line['service_level'])} vs {_pct(service_target)} target"),
            (revenue_status(gap_pct), _gap_text(gap_pct, plan_revenue)),
            (position_status(position, target), f"{position:,.1f} {words} vs {target:g} target"),
        ]
        rows.append({
            "family": family, "strategy": line["strategy"], "demand_units": line["demand"],
            "supply_units": line["supply"], "service_level": line["service_level"],
            "service_target": service_target, "inventory_or_backlog": position, "target": target,
            "revenue": revenue.loc[family, "revenue"], "plan_revenue": plan_revenue,
            "revenue_gap_pct": gap_pct, "forecast_accuracy": accuracy.get(family, math.nan),
            "status": worst_status(s for s, _ in checks), "reason": _reason(checks)})
    return pd.DataFrame(rows, columns=[
        "family", "strategy", "demand_units", "supply_units", "service_level", "service_target",
        "inventory_or_backlog", "target", "revenue", "plan_revenue", "revenue_gap_pct",
        "forecast_accuracy", "status", "reason"])


def _service_kpi(company, rows: pd.DataFrame, months: int, span: str) -> tuple:
    window = first_months(rows, months)
    due = window["due"].sum()
    value = window["on_time"].sum() / due if due > 0 else math.nan
    targets = window["family"].map(company.families.set_index("family")["service_target"])
    target = _weighted(targets, window["demand"])
    return ("Customer service (projected)", value, target, "share",
            service_status(value, target),
            (f"Share of what is due that the plan ships on time, {span}; target weighted by "
             "demand."))


def _forecast_kpis(backtest: pd.DataFrame) -> list[tuple]:
    actual = backtest["actual"].sum()
    if actual <= 0:
        comment = "No archived forecast to measure yet (run `sop backfill`)."
        return [("Forecast accuracy (1 - WAPE)", math.nan, ACCURACY_TARGET, "share",
                 NOT_AVAILABLE, comment),
                ("Forecast bias", math.nan, 0.0, "share", NOT_AVAILABLE, comment)]
    accuracy = 1 - backtest["abs_error"].sum() / actual
    bias = (backtest["forecast"].sum() - actual) / actual
    direction = "over" if bias > 0 else "under"
    return [
        ("Forecast accuracy (1 - WAPE)", accuracy, ACCURACY_TARGET, "share",
         accuracy_status(accuracy),
         f"1 - total absolute error / total actual over {len(backtest)} families."),
        ("Forecast bias", bias, 0.0, "share", bias_status(bias),
         (f"The forecast ran {abs(bias):.1%} {direction} actual demand (green within "
          f"+/-{BIAS_GREEN:.0%}).")),
    ]


def _inventory_value_kpi(plan: pd.DataFrame, money: pd.DataFrame, currency: str) -> tuple:
    month = money["month"].min()
    opening = money[money["month"] == month].merge(
        plan[KEY + ["target"]], on=KEY, how="left")
    value = opening["inventory_value"].sum()
    mts = opening["strategy"] == "MTS"
    target = (opening.loc[mts, "target"] * opening.loc[mts, "unit_cost"]).sum()
    return ("Inventory value", value, target, currency, position_status(value, target),
            (f"Finished goods at standard cost at the end of {month_label(month)} "
             f"({format_money(value, currency)} vs {format_money(target, currency)} at target)."))


def _position_kpi(company, plan: pd.DataFrame, money: pd.DataFrame, strategy: str) -> tuple:
    column, target_column, words = _POSITION[strategy]
    kpi, unit = f"{words.capitalize()} ({strategy})", words.split()[0]
    month = plan["month"].min()
    rows = plan[(plan["month"] == month) & (plan["strategy"] == strategy)].merge(
        money[KEY + ["unit_cost"]], on=KEY, how="left")
    if rows.empty:
        return (kpi, math.nan, math.nan, unit, NOT_AVAILABLE, f"No {strategy} family.")
    weights = rows["demand"] * rows["unit_cost"]
    targets = rows["family"].map(company.families.set_index("family")[target_column])
    value, target = _weighted(rows[column], weights), _weighted(targets, weights)
    return (kpi, value, target, unit, position_status(value, target),
            (f"End of {month_label(month)}: average of {_families_text(len(rows), strategy)} "
             "weighted by demand at cost."))


def _revenue_kpi(kpi: str, value: float, target: float, currency: str, detail: str) -> tuple:
    gap_pct = _gap_pct(value, target)
    return (kpi, value, target, currency, revenue_status(gap_pct),
            detail + _gap_text(gap_pct, target).capitalize() + ".")


def _no_plan_note(rows: pd.DataFrame) -> str:
    """Which families have revenue but no business plan in `rows` (they add to revenue only)."""
    missing = sorted(set(rows.loc[rows["plan_revenue"].isna(), "family"]))
    return f"No business plan for {', '.join(missing)}. " if missing else ""


def _fiscal_year_kpi(outlook: pd.DataFrame, currency: str) -> tuple:
    total = outlook[outlook["family"] == TOTAL].iloc[0]
    return _revenue_kpi(
        f"Fiscal year {total['fiscal_year']} revenue", total["forecast_revenue"],
        total["plan_revenue"], currency,
        f"{format_money(total['actual_revenue'], currency)} actual + "
        f"{format_money(total['outlook_revenue'], currency)} outlook. "
        + _no_plan_note(outlook[outlook["family"] != TOTAL]))


def _capacity_kpis(load: pd.DataFrame, span: str) -> list[tuple]:
    overloads = int((load["status"] == "overload").sum())
    if load.empty:
        peak, where = math.nan, "No capacity load."
    else:
        top = load.loc[load["utilisation"].idxmax()]
        peak = top["utilisation"]
        where = f"Highest: {top['resource']} in {month_label(top['month'])} ({span})."
    return [
        ("Peak capacity utilisation", peak, UTILISATION_TARGET, "share",
         utilisation_status(peak), where),
        ("Overloaded resource-months", overloads, 0, "count", overload_status(overloads),
         f"Resource-months whose load exceeds regular plus overtime hours, {span}."),
    ]


def _accuracy_by_family(backtest: pd.DataFrame) -> pd.Series:
    rows = backtest.set_index("family")
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
    issues = [f"{text} ({status})" for status, text in checks if status != GREEN]
    return "; ".join(issues) if issues else "on track"


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
