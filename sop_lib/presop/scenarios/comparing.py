"""Running scenarios through the supply plan and the money view, and comparing them side by side.

The comparison covers the first `months` months of the plan (the window, 12 by default) plus the
fiscal year containing the cycle:
- units, revenue, margin: planned shipments and the money view's revenue and margin;
- overtime_hours / overtime_cost: the planned production's hours beyond the regular hours, at
  the resources' overtime rate; added_hours / added_hours_cost: regular hours the scenario adds
  over the baseline's (a shift is paid whether used or not; removed hours save nothing), at the
  regular rate; holding_cost: the plan's cost of holding inventory (`holding_cost_rate` of
  standard cost a year); net_margin = margin - overtime_cost - added_hours_cost - holding_cost;
- average_inventory_value: average month-end inventory at standard cost over the window;
- service_level: share of what is due that ships on time (as the executive KPI); service_target
  the families' targets weighted by demand; families_below_target counts families whose own
  service falls short of their target;
- peak_utilisation, peak_at and overloaded_resource_months: from the planned load (the plan
  itself, after it builds ahead and works overtime) against regular hours and regular plus
  overtime hours; required_overloaded_resource_months counts the months the unconstrained
  (required) load would exceed regular plus overtime hours: the pressure the plan resolves;
- plan_gap: revenue minus the business plan over the window; fiscal_year_gap: the fiscal year's
  forecast (actuals plus outlook) minus its business plan.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from sop_lib.core.errors import SopError
from sop_lib.core.months import month_label
from sop_lib.core.names import TOTAL
from sop_lib.core.words import format_money, span_label
from sop_lib.data.company import Company
from sop_lib.presop import finance
from sop_lib.presop.balance import balance, first_months
from sop_lib.presop.scenarios.applying import apply_scenario
from sop_lib.presop.scenarios.model import BASELINE, Scenario
from sop_lib.supply import capacity
from sop_lib.supply.capacity import OVERLOAD
from sop_lib.supply.plan import supply_plan_frame

WINDOW_MONTHS = 12
TIE_SHARE = 0.001
_TOLERANCE = 1e-9

RECOMMENDATION_RULE = (
    "The recommended scenario has the highest net margin over the next 12 months (margin less "
    "overtime, added-hours and holding costs) among the scenarios whose planned customer "
    "service meets its target and whose plan loads no resource beyond its regular plus overtime "
    "hours. A scenario that another one matches or beats on revenue, service, overloads and net "
    "margin (a dominated scenario) is never recommended. Net margins within 0.1% of the best "
    "count as a tie, which goes to the Baseline (no change), then to fewer overtime hours, then "
    "to the scenario listed first. When no scenario qualifies, the one with the fewest "
    "overloaded resource-months is recommended, then the one with the highest service, then "
    "the highest net margin."
)

COMPARISON_COLUMNS = [
    "scenario", "description", "months", "units", "revenue", "margin", "overtime_hours",
    "overtime_cost", "added_hours", "added_hours_cost", "holding_cost", "net_margin",
    "net_margin_change", "average_inventory_value", "service_level", "service_target",
    "families_below_target", "peak_utilisation", "peak_at", "overloaded_resource_months",
    "required_overloaded_resource_months", "plan_gap", "plan_gap_pct", "fiscal_year",
    "fiscal_year_revenue", "fiscal_year_gap", "fiscal_year_gap_pct", "qualifies", "dominated_by",
    "notes",
]


@dataclass(frozen=True)
class ScenarioResult:
    """A scenario's plan and its money and capacity views.

    `company`, `demand` and `consensus` are the scenario's inputs; `plan` is supply_plan_frame's
    frame, `money` money_view's, `outlook` fiscal_year_outlook's; `load` and `required_load` are
    capacity_load's frames of the planned and of the unconstrained production, against each
    month's hours. `notes` say where a figure is not what the scenario asks (see module notes).
    """

    scenario: Scenario
    company: Company
    demand: pd.DataFrame
    consensus: pd.DataFrame
    plan: pd.DataFrame
    money: pd.DataFrame
    outlook: pd.DataFrame
    load: pd.DataFrame
    required_load: pd.DataFrame
    notes: tuple[str, ...] = ()


class Recommendation(NamedTuple):
    """The scenario the rule picks, why, in words, and why not the others."""

    scenario: str
    reason: str
    others: str = ""


def run_scenario(company: Company, demand: pd.DataFrame, consensus: pd.DataFrame,
                 scenario: Scenario = BASELINE, *, plan_options: dict | None = None
                 ) -> ScenarioResult:
    """Plan supply, money and capacity load for a scenario (by default the baseline).

    `demand` and `consensus` are the demand review's frames; `plan_options` are passed to
    `supply_plan_frame` as keyword options.
    """
    inputs = apply_scenario(company, demand, consensus, scenario)
    changed = inputs.company
    plan = supply_plan_frame(changed, inputs.demand, **(plan_options or {}))
    money = finance.money_view(changed, plan, inputs.consensus)
    return ScenarioResult(
        scenario=scenario, company=changed, demand=inputs.demand, consensus=inputs.consensus,
        plan=plan, money=money, outlook=finance.fiscal_year_outlook(changed, money),
        load=capacity.capacity_load(changed, plan),
        required_load=capacity.capacity_load(changed, plan, column="required"))


def compare_scenarios(baseline: ScenarioResult, results, *,
                      months: int = WINDOW_MONTHS) -> pd.DataFrame:
    """One row per scenario, the baseline first, with the figures of the module notes.

    Columns: COMPARISON_COLUMNS. months reads like "2026-11 to 2027-10"; net_margin_change is
    against the baseline; qualifies says whether the scenario meets the service target with no
    overloaded resource-month; dominated_by names a scenario at least as good on revenue,
    service, overloads and net margin and better on one (empty when none); notes joins the
    result's notes. Raises SopError when two results share a name.
    """
    everything = [baseline, *results]
    names = [r.scenario.name for r in everything]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise SopError(f"Scenario names must differ; {', '.join(repeated)} appears twice.")
    rows = [_figures(result, baseline, months) for result in everything]
    table = pd.DataFrame(rows)
    table["net_margin_change"] = table["net_margin"] - table["net_margin"].iloc[0]
    table["qualifies"] = _qualifies(table)
    table["dominated_by"] = _dominated_by(table)
    return table[COMPARISON_COLUMNS]


def recommend(comparison: pd.DataFrame, *, currency: str) -> Recommendation:
    """The scenario RECOMMENDATION_RULE picks from compare_scenarios' table, and the reason."""
    if comparison.empty:
        raise SopError("There is no scenario to recommend from.")
    undominated = comparison[comparison["dominated_by"] == ""]
    eligible = undominated[undominated["qualifies"]]
    if eligible.empty:
        return _closest(undominated)._replace(others=_dominated_text(comparison).strip())
    best = eligible["net_margin"].max()
    tied = eligible[eligible["net_margin"] >= best - TIE_SHARE * abs(best)]
    order = tied.assign(change=tied["scenario"] != BASELINE.name).sort_values(
        ["change", "overtime_hours"], kind="stable")
    chosen = order.iloc[0]
    reason = _eligible_reason(chosen, comparison[comparison["qualifies"]], tied, currency)
    return Recommendation(chosen["scenario"], reason,
                          (_excluded_text(comparison) + _dominated_text(comparison)).strip())


def _figures(result: ScenarioResult, baseline: ScenarioResult, months: int) -> dict:
    money = first_months(result.money, months)
    load = first_months(result.load, months)
    required = first_months(result.required_load, months)
    plan = first_months(result.plan, months)
    rates = result.company.resources.set_index("resource")
    overtime_cost = (load["overtime_hours"] * load["resource"].map(
        rates["overtime_cost_per_hour"])).sum()
    added = _added_hours(load, first_months(baseline.load, months))
    added_cost = (added * added.index.get_level_values("resource").map(
        rates["regular_cost_per_hour"])).sum()
    margin = money["margin"].sum()
    holding = plan["holding_cost"].sum() if "holding_cost" in plan else 0.0
    service = _service(result, months)
    peak = load.loc[load["utilisation"].idxmax()] if load["utilisation"].notna(
    ).any() else None
    plan_revenue = money["plan_revenue"].sum(min_count=1)
    fiscal = result.outlook[result.outlook["family"] == TOTAL].iloc[0]
    return {
        "scenario": result.scenario.name, "description": result.scenario.description,
        "months": span_label(money["month"].min(), money["month"].max()),
        "units": money["units"].sum(), "revenue": money["revenue"].sum(), "margin": margin,
        "overtime_hours": load["overtime_hours"].sum(), "overtime_cost": overtime_cost,
        "added_hours": added.sum(), "added_hours_cost": added_cost, "holding_cost": holding,
        "net_margin": margin - overtime_cost - added_cost - holding,
        "average_inventory_value": money.groupby("month")["inventory_value"].sum().mean(),
        **service,
        "peak_utilisation": math.nan if peak is None else peak["utilisation"],
        "peak_at": "" if peak is None else f"{peak['resource']} {month_label(peak['month'])}",
        "overloaded_resource_months": int((load["status"] == OVERLOAD).sum()),
        "required_overloaded_resource_months": int((required["status"] == OVERLOAD).sum()),
        "plan_gap": money["revenue"].sum() - plan_revenue,
        "plan_gap_pct": _share(money["revenue"].sum() - plan_revenue, plan_revenue),
        "fiscal_year": fiscal["fiscal_year"], "fiscal_year_revenue": fiscal["forecast_revenue"],
        "fiscal_year_gap": fiscal["gap"], "fiscal_year_gap_pct": fiscal["gap_pct"],
        "notes": " ".join(result.notes),
    }


def _added_hours(load: pd.DataFrame, baseline_load: pd.DataFrame) -> pd.Series:
    """Regular hours per resource and month above the baseline's (0 where fewer or equal)."""
    key = ["resource", "month"]
    hours = load.set_index(key)["available_hours"]
    usual = baseline_load.set_index(key)["available_hours"].reindex(hours.index)
    return (hours - usual).clip(lower=0.0).fillna(0.0)


def _service(result: ScenarioResult, months: int) -> dict:
    """Projected service over the window, its demand-weighted target, families below target."""
    rows = first_months(balance(result.plan, result.money), months)
    targets = result.company.families.set_index("family")["service_target"]
    weights = rows["demand"]
    target = _share((rows["family"].map(targets) * weights).sum(), weights.sum())
    by_family = rows.groupby("family")[["on_time", "due"]].sum()
    family_service = by_family["on_time"] / by_family["due"].where(by_family["due"] > 0)
    below = family_service < by_family.index.map(targets) - _TOLERANCE
    return {"service_level": _share(rows["on_time"].sum(), rows["due"].sum()),
            "service_target": target, "families_below_target": int(below.sum())}


def _qualifies(table: pd.DataFrame) -> pd.Series:
    """Service at or above target (or nothing due) and no overloaded resource-month."""
    serves = (table["service_level"] >= table["service_target"] - _TOLERANCE) | table[
        "service_level"].isna() | table["service_target"].isna()
    return serves & (table["overloaded_resource_months"] == 0)


def _dominated_by(table: pd.DataFrame) -> list[str]:
    """For each scenario, the first other scenario at least as good on revenue, service,
    overloaded resource-months and net margin, and better on one of them ("" when none)."""
    service = table["service_level"].fillna(1.0)
    figures = pd.DataFrame({"revenue": table["revenue"], "service": service,
                            "fewer_overloads": -table["overloaded_resource_months"],
                            "net_margin": table["net_margin"]})
    names = []
    for i in range(len(table)):
        better = [j for j in range(len(table)) if j != i and _dominates(figures.iloc[j],
                                                                       figures.iloc[i])]
        names.append(table["scenario"].iloc[better[0]] if better else "")
    return names


def _dominates(one: pd.Series, other: pd.Series) -> bool:
    """Whether `one` is at least as good as `other` on every figure and better on one."""
    slack = _TOLERANCE * (1 + other.abs())
    return bool((one >= other - slack).all() and (one > other + slack).any())


def _dominated_text(comparison: pd.DataFrame) -> str:
    dominated = comparison[comparison["dominated_by"] != ""]
    if dominated.empty:
        return ""
    return " Dominated, never recommended: " + "; ".join(
        f"{row['scenario']} (no better than {row['dominated_by']} on revenue, service, "
        "overloads and net margin)" for _, row in dominated.iterrows()) + "."


def _excluded_text(comparison: pd.DataFrame) -> str:
    excluded = comparison[~comparison["qualifies"]]
    if excluded.empty:
        return ""
    return "Not eligible: " + "; ".join(
        f"{row['scenario']} ({_shortcomings(row)})" for _, row in excluded.iterrows()) + "."


def _eligible_reason(chosen: pd.Series, eligible: pd.DataFrame, tied: pd.DataFrame,
                     currency: str) -> str:
    margin = format_money(chosen["net_margin"], currency)
    condition = "meet the service target with no overloaded resource-month"
    if len(eligible) == 1:
        text = (f"{chosen['scenario']} is the only scenario that can {condition}; its net margin "
                f"is {margin}.")
    else:
        text = (f"{chosen['scenario']} has the highest net margin ({margin}) of the "
                f"{len(eligible)} scenarios that {condition}.")
    others = tied[tied["scenario"] != chosen["scenario"]]
    if not others.empty:
        fewest = others["overtime_hours"].min()
        if chosen["scenario"] == BASELINE.name:
            why = "changes nothing, which a tie prefers"
        elif chosen["overtime_hours"] < fewest - _TOLERANCE:
            why = (f"needs fewer overtime hours ({chosen['overtime_hours']:,.0f} against "
                   f"{fewest:,.0f})")
        else:
            why = "needs as few overtime hours and is listed first"
        text += (f" It ties on net margin (within {TIE_SHARE:.1%}) with "
                 f"{', '.join(others['scenario'])} and {why}.")
    return text


def _closest(comparison: pd.DataFrame) -> Recommendation:
    ranked = comparison.assign(order=range(len(comparison)), service=comparison[
        "service_level"].fillna(1.0)).sort_values(
        ["overloaded_resource_months", "service", "net_margin", "order"],
        ascending=[True, False, False, True])
    chosen = ranked.iloc[0]
    return Recommendation(chosen["scenario"], (
        f"No scenario meets the service target with no overloaded resource-month. "
        f"{chosen['scenario']} comes closest: {_shortcomings(chosen)}."))


def _shortcomings(row: pd.Series) -> str:
    """Why a scenario does not qualify, in words."""
    parts = []
    if row["service_level"] < row["service_target"] - _TOLERANCE:
        parts.append(f"service {row['service_level']:.1%} below its "
                     f"{row['service_target']:.1%} target")
    count = row["overloaded_resource_months"]
    if count:
        parts.append(f"{count} overloaded resource-month{'s' if count != 1 else ''}")
    return "; ".join(parts) or "meets the service target with no overloaded resource-month"


def _share(part: float, whole: float) -> float:
    return part / whole if not pd.isna(whole) and whole != 0 else math.nan
