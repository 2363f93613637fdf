"""The exception agenda: what needs a decision this cycle, largest money at stake first.

Each row is one issue of one family (or resource) over one run of consecutive months, with the
question to decide and the options, their figures included. The triggers, by area:

- demand, "Tracking signal out of band": the lag-1 tracking signal of the statistical forecast
  is beyond +/- `accuracy.TRACKING_SIGNAL_LIMIT` (the accuracy frame's `tracking_alert`);
- demand, "Cumulative forecast error": the forecast leadership saw (the consensus where every
  month of the window has one, else the statistical forecast; `cumulative_forecast_errors`)
  summed over the window is off the bookings by more than `cumulative_error` x the bookings,
  over at least `cumulative_error_min_months` months;
- supply, "Projected stock-out": a run of MTS months below safety stock or short of stock in
  which some customer demand is not shipped (shortfall > 0); "Below safety stock": such a run
  where every order still ships; "Inventory above target": MTS inventory above
  (1 + `inventory`) x target; "Backlog above target": MTO backlog above (1 + `backlog`) x
  target. A family's supply items come from one production plan, so a family with several is
  one decision (topics joined, options of all, the impact of its largest part);
- capacity, "Capacity overload": resource-months the plan itself (the published plan, after it
  builds ahead and works overtime: `load` is the planned load) loads beyond the regular plus the
  most overtime hours (status "overload");
- finance, "Fiscal year below/above plan" and "Next 12 months below/above plan": a family's
  revenue off its business plan by more than `plan_gap` (a share of the plan), for the fiscal
  year (the outlook: actuals plus outlook) and for the plan's first 12 months, compared over the
  months that have a business plan row. A family off plan on both in the same direction gets one
  item, "Revenue below/above plan", whose impact is the gap over the union of their months, so
  no month's gap is counted twice. A gap partly in the actuals says so: only the plan months
  ahead can make it up;
- finance, "Next 12 months margin below budget" (only when the business plan gives a cost of
  goods budget): a family's margin below its budget margin (revenue - cost of goods of the
  business plan) by more than `plan_gap` of it, over the plan's first 12 months, compared over
  the months that have a budget margin. A family that also has a "below plan" revenue item
  already counts the margin its lost revenue takes with it (the revenue gap of those months at
  the budget margin rate): its margin item counts only the rest, the shortfall of cost and mix,
  and comes only when that rest is itself beyond `plan_gap`.

Impact: the value of the units at stake, in the company currency, always units x the family's
price (or standard cost for stock) from the money view, so kinds rank on one scale:
- units customers may not get on time or that the plan misreads are valued at price: a
  stock-out at its shortfall units in the next 12 months, or in its run when none falls there
  (revenue at risk); a backlog or safety-stock breach at its peak
  units beyond target or below safety stock; an overload at the units its missing hours would
  make (each month's planned production of the families using the resource, cut in the ratio
  of the hours short to the load); a forecast bias at its
  run-rate, the average monthly error over the window times the family's plan months in the next
  12, at the family's average price over those months;
- a business plan gap is the revenue gap itself, a margin below budget the margin gap (less the
  part a revenue item of the family already counts, see above);
- stock held beyond need is valued at standard cost: inventory above target at its peak excess.
Impacts are rounded to cents. Rows touching the decision window (the plan's first 12 months;
demand items always do, as they correct the forecast for it: `acts_on_next_12_months`) rank
before the rest; then by impact (largest first, an unknown impact last), area (demand, supply,
capacity, finance), family, topic and months.

Options name their figures: extra capacity in hours at the overtime rate (the hours the units
take on each resource of the family's bill of resources); building ahead in months between the
time fence (`supply.fence_end`: the months that keep the plan of record, none when there is
no plan of record) and the issue, on the capacity the planned load leaves spare (the latest
months first, holding cost at `holding_cost_rate` of standard cost a year); accepting the
units late at their revenue.
Spare capacity is shared: a family's build-ahead figure assumes no other family takes it.

Tolerances are the module constants below, gathered in `Tolerances`; override any of them with
e.g. `exception_agenda(..., tolerances=Tolerances(plan_gap=0.03))`. Unit comparisons ignore
less than UNIT_TOLERANCE (half a unit: what rounds to nothing on the page).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_lib.core.months import month_label
from sop_lib.core.names import KEY, TOTAL
from sop_lib.core.words import format_money, span_label
from sop_lib.data.company import Company
from sop_lib.demand.accuracy import TRACKING_SIGNAL_LIMIT, plan_accuracy
from sop_lib.presop.balance import UNIT_TOLERANCE, late_text, months_label
from sop_lib.presop.finance import fiscal_year
from sop_lib.supply.plan import fence_end

CUMULATIVE_ERROR_TOLERANCE = 0.10
CUMULATIVE_ERROR_MIN_MONTHS = 3
INVENTORY_TOLERANCE = 0.50
BACKLOG_TOLERANCE = 0.25
PLAN_GAP_TOLERANCE = 0.05
WINDOW_MONTHS = 12

AREAS = ("demand", "supply", "capacity", "finance")
AGENDA_COLUMNS = ["rank", "area", "family", "topic", "months", "acts_on_next_12_months", "issue",
                  "impact", "decision", "options"]
ERROR_COLUMNS = ["family", "first_month", "last_month", "months", "forecast", "actual", "error",
                 "error_pct", "source"]

TRACKING_DECISION = "Is the bias real? Correct the forecast or the overrides?"
CUMULATIVE_DECISION = "Re-base the demand plan, or keep it and record why?"
STOCKOUT_DECISION = "Add capacity, build ahead, or accept late deliveries?"
CAPPED_DECISION = "Raise the production limit, buy in, or accept late deliveries?"
SAFETY_STOCK_DECISION = "Rebuild the buffer, or accept thinner cover?"
INVENTORY_DECISION = "Reduce production, or accept the extra stock?"
SUPPLY_PLAN_DECISION = "Re-shape the production plan of {family}: which of these options?"
BACKLOG_DECISION = "Add capacity, or accept longer customer lead times?"
OVERLOAD_DECISION = "Add a shift or outsource, build ahead, or accept late deliveries?"
BELOW_PLAN_DECISION = "Accept the gap, push demand, or revise the plan?"
ABOVE_PLAN_DECISION = "Raise the plan, or check that supply can deliver the upside?"
CAPPED_GAP_DECISION = "Make more first, or accept the gap and revise the plan?"
MARGIN_DECISION = "Recover the margin (price, mix, cost), or accept it and revise the budget?"


@dataclass(frozen=True)
class Tolerances:
    """How far a figure may stray before it reaches the agenda (defaults: module constants).

    cumulative_error: share of the bookings the summed forecast error may reach;
    cumulative_error_min_months: fewest months that error is judged on; inventory, backlog:
    share above target; plan_gap: share of the business plan revenue may miss or beat (and
    of the budget margin margin may miss).
    """

    cumulative_error: float = CUMULATIVE_ERROR_TOLERANCE
    cumulative_error_min_months: int = CUMULATIVE_ERROR_MIN_MONTHS
    inventory: float = INVENTORY_TOLERANCE
    backlog: float = BACKLOG_TOLERANCE
    plan_gap: float = PLAN_GAP_TOLERANCE


@dataclass(frozen=True)
class _Context:
    """What every trigger reads: the plan priced per family-month, capacity, the time fence."""

    company: Company
    rows: pd.DataFrame      # plan rows with unit_price and unit_cost, by family and month
    load: pd.DataFrame
    window: pd.PeriodIndex  # the plan's first WINDOW_MONTHS months
    fence: pd.Period        # first month outside the time fence

    @property
    def currency(self) -> str:
        return self.company.config.currency

    def money(self, value: float) -> str:
        return f"{self.currency} n/a" if pd.isna(value) else format_money(value, self.currency)


def exception_agenda(company: Company, *, plan: pd.DataFrame, load: pd.DataFrame,
                     money: pd.DataFrame, outlook: pd.DataFrame,
                     accuracy: pd.DataFrame | None,
                     cumulative_errors: pd.DataFrame | None = None,
                     tolerances: Tolerances = Tolerances()) -> pd.DataFrame:
    """The ranked exception agenda (see the module notes for triggers, impact and ranking).

    `plan` is the supply plan, `load` the capacity load of its planned production (the `load`
    artifact), `money` and `outlook` the money view and fiscal-year outlook,
    `accuracy` the demand review's accuracy frame (None when not measured: no demand rows).
    `cumulative_errors` (columns of `cumulative_forecast_errors`) defaults to
    `cumulative_forecast_errors(accuracy)`. Families not in the plan get no demand row.
    Returns `rank, area, family, topic, months, acts_on_next_12_months, issue, impact, decision,
    options`: family holds the resource code for capacity rows, impact is in the company
    currency.
    """
    ctx = _context(company, plan, load, money)
    if cumulative_errors is None and accuracy is not None:
        cumulative_errors = cumulative_forecast_errors(accuracy)
    alerts = _tracking_alerts(ctx, accuracy)
    tracked = set(alerts[["family", "first_month", "last_month"]].itertuples(index=False,
                                                                              name=None))
    supply_items = (_cover_items(ctx) + _excess_items(ctx, "MTS", tolerances.inventory)
                    + _excess_items(ctx, "MTO", tolerances.backlog))
    demand_items = (_tracking_items(ctx, alerts)
                    + _cumulative_items(ctx, cumulative_errors, tracked, tolerances))
    gaps = _plan_gap_items(ctx, outlook, tolerances.plan_gap)
    items = (demand_items + _merged_by_family(ctx, supply_items) + _overload_items(ctx)
             + _linked_to_forecast(ctx, gaps, demand_items)
             + _margin_items(ctx, gaps, tolerances.plan_gap))
    return _ranked(ctx, items)


def _linked_to_forecast(ctx: _Context, gaps: list[dict], demand: list[dict]) -> list[dict]:
    """A family below its business plan whose forecast runs below its bookings: the gap item
    points at the forecast item first, as correcting the forecast may close part of it."""
    raising = {i["family"]: i for i in demand if i.get("raises")}
    linked = []
    for item in gaps:
        fix = raising.get(item["family"])
        if fix is None or "below" not in item["topic"]:
            linked.append(item)
            continue
        linked.append({**item, "options": [
            f"correct the forecast first: it runs below bookings, by {ctx.money(fix['impact'])} "
            f"over the next 12 months (the forecast item of {item['family']})",
            *item["options"]]})
    return linked


def _ranked(ctx: _Context, items: list[dict]) -> pd.DataFrame:
    """The items as the agenda table: those touching the decision window first, then by impact
    (largest first), area, family, topic and months."""
    columns = [c for c in AGENDA_COLUMNS[1:] if c != "acts_on_next_12_months"]
    table = pd.DataFrame(items, columns=[*columns, "first", "last"]).astype({"impact": float})
    table["acts_on_next_12_months"] = (table["area"] == "demand") | (
        (table["first"] <= ctx.window[-1]) & (table["last"] >= ctx.window[0]))
    table["impact"] = table["impact"].round(2)
    table["options"] = table["options"].map(_lettered)
    table["_area"] = table["area"].map(AREAS.index)
    table = table.sort_values(
        ["acts_on_next_12_months", "impact", "_area", "family", "topic", "months"],
        ascending=[False, False, True, True, True, True], na_position="last",
        ignore_index=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    return table[AGENDA_COLUMNS]


def cumulative_forecast_errors(accuracy: pd.DataFrame, *, lag: int = 1) -> pd.DataFrame:
    """Per family at one lag, the summed error of the forecast leadership saw over the window.

    The forecast is the consensus where every month of the window has one, else the statistical
    forecast (as `accuracy.plan_accuracy`). Returns `family, first_month, last_month, months,
    forecast, actual, error, error_pct, source`: error = forecast - actual (units, summed),
    error_pct = error / actual (NaN without bookings). Families with no compared month are left
    out.
    """
    chosen = plan_accuracy(accuracy, lag=lag)
    chosen = chosen[chosen["months"] > 0]
    span = accuracy.loc[accuracy["lag"] == lag, ["family", "first_month", "last_month"]]
    errors = chosen.merge(span, on="family", how="left")
    errors["error"] = errors["forecast"] - errors["actual"]
    errors["error_pct"] = errors["error"] / errors["actual"].where(errors["actual"] > 0)
    return errors[ERROR_COLUMNS].reset_index(drop=True)


def _context(company: Company, plan: pd.DataFrame, load: pd.DataFrame,
             money: pd.DataFrame) -> _Context:
    priced = money[KEY + ["unit_price", "unit_cost", "revenue", "plan_revenue"]
                   + [c for c in ("margin", "plan_margin") if c in money.columns]]
    rows = plan.merge(priced, on=KEY, how="left").sort_values(KEY, ignore_index=True)
    return _Context(company=company, rows=rows, load=load,
                    window=pd.period_range(rows["month"].min(), periods=WINDOW_MONTHS, freq="M"),
                    fence=fence_end(plan))


# --- demand ---------------------------------------------------------------------------------

def _tracking_alerts(ctx: _Context, accuracy: pd.DataFrame | None) -> pd.DataFrame:
    """The lag-1 accuracy rows of planned families whose tracking signal is out of band."""
    if accuracy is None:
        return pd.DataFrame(columns=["family", "first_month", "last_month"])
    return accuracy[(accuracy["lag"] == 1) & (accuracy["family"] != TOTAL)
                    & accuracy["tracking_alert"] & accuracy["family"].isin(ctx.rows["family"])]


def _tracking_items(ctx: _Context, rows: pd.DataFrame) -> list[dict]:
    items = []
    for row in rows.itertuples(index=False):
        error = row.statistical - row.actual
        months = span_label(row.first_month, row.last_month)
        monthly, units, value, ahead = _run_rate(ctx, row.family, error, row.months)
        items.append(_item(
            "demand", row.family, "Tracking signal out of band", [row.first_month, row.last_month],
            f"The statistical forecast of {row.family} ran {_error_text(error, row.actual)} "
            f"bookings over {row.months} months ({months}); tracking signal "
            f"{row.tracking_signal:+.1f}, outside +/-{TRACKING_SIGNAL_LIMIT}.",
            value, TRACKING_DECISION,
            [f"correct the statistical forecast: {_direction(error)} it by {monthly:,.0f} units "
             f"a month ({units:,.0f} units, {ctx.money(value)} over the next {ahead} months)",
             "correct it through overrides, each with owner and reason",
             "keep it: record why the bias will not last"]) | {"raises": error < 0})
    return items


def _cumulative_items(ctx: _Context, errors: pd.DataFrame | None, tracked: set,
                      tolerances: Tolerances) -> list[dict]:
    """Rows for errors beyond tolerance; `tracked` holds the (family, first_month, last_month)
    of the tracking-signal rows, which already put a statistical error on the agenda."""
    if errors is None:
        return []
    flagged = errors[(errors["months"] >= tolerances.cumulative_error_min_months)
                     & (errors["error"].abs() > tolerances.cumulative_error * errors["actual"]
                        + UNIT_TOLERANCE)
                     & errors["family"].isin(ctx.rows["family"])]
    repeats = [row.source == "statistical" and (row.family, row.first_month, row.last_month)
               in tracked for row in flagged.itertuples(index=False)]
    flagged = flagged[~pd.Series(repeats, index=flagged.index, dtype=bool)]
    items = []
    for row in flagged.itertuples(index=False):
        months = span_label(row.first_month, row.last_month)
        monthly, units, value, ahead = _run_rate(ctx, row.family, row.error, row.months)
        review = ("review the overrides that moved it" if row.source == "consensus"
                  else "correct the statistical forecast it rests on")
        items.append(_item(
            "demand", row.family, "Cumulative forecast error", [row.first_month, row.last_month],
            f"The {row.source} forecast of {row.family} ran "
            f"{_error_text(row.error, row.actual)} bookings over {row.months} months "
            f"({months}), beyond the {tolerances.cumulative_error:.0%} tolerance.",
            value, CUMULATIVE_DECISION,
            [f"re-base the consensus: {_direction(row.error)} it by {monthly:,.0f} units a month "
             f"({units:,.0f} units, {ctx.money(value)} over the next {ahead} months)",
             review, "keep it: record why the error will not recur"]) | {"raises": row.error < 0})
    return items


def _run_rate(ctx: _Context, family: str, error: float, months: int
              ) -> tuple[float, float, float, int]:
    """A window's error carried forward: (units a month, units and value over the family's plan
    months in the next 12, that count of months), valued at the family's average price there."""
    rows = ctx.rows[(ctx.rows["family"] == family) & ctx.rows["month"].isin(ctx.window)]
    monthly = abs(error) / months
    units = monthly * len(rows)
    return monthly, units, units * _average_price(rows), len(rows)


def _average_price(rows: pd.DataFrame) -> float:
    """Unit price over some plan rows weighted by their demand (the plain mean without demand)."""
    demand = rows["demand"].sum()
    if demand > 0:
        return float((rows["demand"] * rows["unit_price"]).sum(skipna=False) / demand)
    return float(rows["unit_price"].mean())


def _error_text(error: float, actual: float) -> str:
    share = f" ({abs(error) / actual:.1%})" if actual > 0 else ""
    return f"{abs(error):,.0f} units{share} {'above' if error > 0 else 'below'}"


def _direction(error: float) -> str:
    return "lower" if error > 0 else "raise"


# --- supply ---------------------------------------------------------------------------------

def _cover_items(ctx: _Context) -> list[dict]:
    """MTS runs of months below safety stock or short of stock: one item per run, a stock-out
    when any month of it leaves customer demand unshipped."""
    rows = ctx.rows
    safety = rows["safety_stock"] if "safety_stock" in rows.columns else 0.0
    rows = rows.assign(below=(safety - rows["inventory"]).clip(lower=0.0))
    flagged = rows[(rows["strategy"] == "MTS") & ((rows["shortfall"] > UNIT_TOLERANCE)
                                                  | (rows["below"] > UNIT_TOLERANCE))]
    return [_stockout_item(ctx, family, months, run)
            if (run["shortfall"] > UNIT_TOLERANCE).any()
            else _thin_cover_item(ctx, family, months, run)
            for family, months, run in _runs(flagged, "family")]


def _stockout_item(ctx: _Context, family: str, months: str, run: pd.DataFrame) -> dict:
    """Customer demand the plan cannot ship: valued at price (revenue at risk)."""
    short = run[run["shortfall"] > UNIT_TOLERANCE]
    units = short["shortfall"].sum()
    at_risk = (short["shortfall"] * short["unit_price"]).sum(skipna=False)
    low = run.loc[run["inventory"].idxmin()]
    out = span_label(short["month"].min(), short["month"].max())
    soon = run[run["month"].isin(ctx.window)]
    late_soon = soon[soon["shortfall"] > UNIT_TOLERANCE]
    within = (f" In the next {WINDOW_MONTHS} months: {late_text(soon, ctx.currency)}."
              if short["month"].max() > ctx.window[-1] and len(late_soon) else "")
    impact = ((late_soon["shortfall"] * late_soon["unit_price"]).sum(skipna=False)
              if len(late_soon) else at_risk)
    capped = _capped_text(ctx, family, short["month"])
    return _item(
        "supply", family, "Projected stock-out", run["month"],
        f"{family} stock runs out in {out}: {units:,.0f} units of customer orders ship late "
        f"({ctx.money(at_risk)} of revenue at risk); the low point is {low['inventory']:,.0f} "
        f"units in {month_label(low['month'])}"
        + (f", below safety stock from {month_label(run['month'].min())}."
           if run["month"].min() < short["month"].min() else ".") + within + capped,
        impact, CAPPED_DECISION if capped else STOCKOUT_DECISION,
        [*_more_supply_options(ctx, family, units, months, short, capped),
         f"accept {units:,.0f} units late ({ctx.money(at_risk)} of revenue at risk)"])


def _capped_text(ctx: _Context, family: str, months) -> str:
    """Why the plan cannot make more: the family's maximum production, where the plan is at it
    while orders ship late (`_capped_rows`)."""
    capped = _capped_rows(ctx, family, months)
    if capped.empty:
        return ""
    return (f" The plan already makes the family's maximum production of "
            f"{_production_cap(ctx, family):,.0f} units a month in {months_label(capped)} "
            "(families table): there, capacity on the resources is not what limits it.")


def _production_cap(ctx: _Context, family: str) -> float:
    families = ctx.company.families.set_index("family")
    if "max_production" not in families.columns:
        return float("nan")
    return float(families["max_production"].get(family, float("nan")))


def _more_supply_options(ctx: _Context, family: str, units: float, months: str,
                         short: pd.DataFrame, capped: str) -> list[str]:
    """How to make `units` more: more capacity and building ahead, or, when the family's
    maximum production is what binds, raising it or buying in."""
    if not capped:
        return [_extra_capacity(ctx, family, units, short["month"]),
                _build_ahead(ctx, family, units, short["month"].min())]
    start = short["month"].min()
    rows = ctx.rows[(ctx.rows["family"] == family) & (ctx.rows["month"] >= start)]
    waiting = rows.set_index("month")["backlog"]
    # a constant raise from `start` ships every order in time when it has made, by each
    # month, the orders waiting then: the largest of backlog_t / months since `start`
    needed = (waiting / np.arange(1, len(waiting) + 1)).max()
    peak = waiting.idxmax()
    return [f"raise the maximum production of {family} by {needed:,.0f} units a month from "
            f"{month_label(start)} (families table), capacity allowing",
            f"buy in or second-source as the late orders build: {waiting.iloc[0]:,.0f} units by "
            f"{month_label(start)}, {waiting[peak]:,.0f} by {month_label(peak)}",
            "allocate the available units to customers by priority"]


def _thin_cover_item(ctx: _Context, family: str, months: str, run: pd.DataFrame) -> dict:
    """Stock below safety stock with every order still shipped: the cover missing at price."""
    low = run.loc[run["below"].idxmax()]
    exposed = low["below"] * low["unit_price"]
    return _item(
        "supply", family, "Below safety stock", run["month"],
        f"{family} stock falls below its safety stock over {_months_text(run)}; every order "
        f"still ships. Low point {low['inventory']:,.0f} units against "
        f"{low['safety_stock']:,.0f} in {month_label(low['month'])}: {low['below']:,.0f} units "
        f"of cover missing ({ctx.money(exposed)} of demand exposed).",
        exposed, SAFETY_STOCK_DECISION,
        [_extra_capacity(ctx, family, low["below"], run["month"]),
         _build_ahead(ctx, family, low["below"], run["month"].min()),
         f"accept thinner cover: {low['below']:,.0f} units below safety stock at the low "
         f"point ({ctx.money(exposed)} of demand exposed)"])


def _merged_by_family(ctx: _Context, items: list[dict]) -> list[dict]:
    """One decision per family for its supply items: a stock-out in one season and excess stock
    in another come from one production plan, so they are one decision with all the options;
    its impact is the largest of its parts acting on the next 12 months (or of all of them when
    none does): they are money of different kinds (revenue at risk, stock at cost), each part
    named in the issue."""
    merged = []
    for family in dict.fromkeys(item["family"] for item in items):
        parts = sorted((i for i in items if i["family"] == family), key=lambda i: i["first"])
        if len(parts) == 1:
            merged.extend(parts)
            continue
        first, last = parts[0]["first"], max(i["last"] for i in parts)
        cause = _plan_cause(ctx, family)
        merged.append({
            "area": "supply", "family": family,
            "topic": "; ".join(dict.fromkeys(i["topic"] for i in parts)),
            "months": span_label(first, last),
            "issue": " ".join(i["issue"] for i in parts) + (f" One cause: {cause}." if cause
                                                             else ""),
            "impact": max(i["impact"] for i in (
                [i for i in parts if _acts_on_window(ctx, i)] or parts)),
            "decision": SUPPLY_PLAN_DECISION.format(family=family),
            "options": list(dict.fromkeys(o for i in parts for o in i["options"])),
            "first": first, "last": last})
    return merged


def _acts_on_window(ctx: _Context, item: dict) -> bool:
    return item["first"] <= ctx.window[-1] and item["last"] >= ctx.window[0]


def _plan_cause(ctx: _Context, family: str) -> str:
    """What shapes a family's plan when a rule does: the level rate (empty otherwise)."""
    rows = ctx.rows[ctx.rows["family"] == family]
    if "plan_strategy" not in rows or rows["plan_strategy"].iloc[0] != "level":
        return ""
    rates = rows.loc[~rows["frozen"].astype(bool), "production"].round().unique()
    if not len(rates):
        return ""
    return ("the level production rate of "
            + " then ".join(f"{rate:,.0f}" for rate in rates[:3]) + " units a month")


def _excess_items(ctx: _Context, strategy: str, tolerance: float) -> list[dict]:
    """Inventory (MTS, valued at cost) or backlog (MTO, at price) above target beyond tolerance."""
    mts = strategy == "MTS"
    rows = ctx.rows[ctx.rows["strategy"] == strategy]
    position = rows["inventory"] if mts else rows["backlog"]
    rows = rows.assign(position=position, excess=position - rows["target"])
    flagged = rows[(rows["position"] > (1 + tolerance) * rows["target"])
                   & (rows["excess"] > UNIT_TOLERANCE)]
    items = []
    for family, months, run in _runs(flagged, "family"):
        peak = run.loc[run["excess"].idxmax()]
        what, valued = ("Inventory", "at cost") if mts else ("Backlog", "of revenue waiting")
        value = peak["excess"] * (peak["unit_cost"] if mts else peak["unit_price"])
        issue = (f"{what} of {family} is furthest above target in {month_label(peak['month'])}: "
                 f"{peak['position']:,.0f} units against a target of {peak['target']:,.0f}, "
                 f"{peak['excess']:,.0f} units above ({ctx.money(value)} {valued}).")
        if mts:
            items.append(_item("supply", family, "Inventory above target", run["month"], issue,
                               value,
                               INVENTORY_DECISION, _inventory_options(ctx, peak, value)))
        else:
            items.append(_item("supply", family, "Backlog above target", run["month"], issue,
                               value,
                               BACKLOG_DECISION, _backlog_options(ctx, peak, months)))
    return items


def _inventory_options(ctx: _Context, peak: pd.Series, value: float) -> list[str]:
    holding = value * ctx.company.config.holding_cost_rate / 12
    return [f"cut production by {peak['excess']:,.0f} units by {month_label(peak['month'])}",
            f"accept the extra stock ({ctx.money(value)} tied up, about {ctx.money(holding)} a "
            "month to hold)",
            f"sell it down: {peak['excess']:,.0f} units ("
            f"{ctx.money(peak['excess'] * peak['unit_price'])} at price)"]


def _backlog_options(ctx: _Context, peak: pd.Series, months: str) -> list[str]:
    weeks = ctx.company.families.set_index("family")["backlog_target_weeks"].get(peak["family"])
    return [_extra_capacity(ctx, peak["family"], peak["excess"], [peak["month"]]),
            f"accept longer lead times: {peak['weeks_of_backlog']:,.1f} weeks of backlog at the "
            f"peak against a target of {weeks:g}",
            "quote later delivery dates on new orders"]


# --- capacity -------------------------------------------------------------------------------

def _overload_items(ctx: _Context) -> list[dict]:
    load = ctx.load
    over = load[load["status"] == "overload"].assign(
        short=lambda f: (f["load_hours"] - f["available_hours"]
                         - f["max_overtime_hours"]).clip(lower=0))
    rate = ctx.company.resources.set_index("resource")["overtime_cost_per_hour"]
    items = []
    for resource, months, run in _runs(over, "resource"):
        short = run["short"].sum()
        units, late = _units_short(ctx, resource, run)
        capacity = (run["available_hours"] + run["max_overtime_hours"]).sum()
        items.append(_item(
            "capacity", resource, "Capacity overload", run["month"],
            f"The plan loads resource {resource} ({run['plant'].iloc[0]}) with "
            f"{run['load_hours'].sum():,.0f} hours against {capacity:,.0f} with overtime over "
            f"{_months_text(run)}: {short:,.0f} hours beyond what it can work, peak "
            f"utilisation {run['utilisation'].max():.0%}; {units:,.0f} planned units cannot be "
            f"made as planned ({ctx.money(late)} of revenue).",
            late, OVERLOAD_DECISION,
            [f"add a shift or outsource in {months}: {short:,.0f} hours ("
             f"{ctx.money(short * rate.get(resource, float('nan')))} at the overtime rate)",
             _build_ahead_hours(ctx, resource, short, run["month"].min()),
             f"accept {units:,.0f} units late ({ctx.money(late)} of revenue delayed)"]))
    return items


def _units_short(ctx: _Context, resource: str, run: pd.DataFrame) -> tuple[float, float]:
    """Units (and their revenue) the missing hours would make: each month, the planned
    production of the resource's families cut by hours short / load."""
    bill = ctx.company.bill_of_resources
    users = bill.loc[(bill["resource"] == resource) & (bill["hours_per_unit"] > 0), "family"]
    cut = run.set_index("month")["short"] / run.set_index("month")["load_hours"]
    rows = ctx.rows[ctx.rows["family"].isin(users) & ctx.rows["month"].isin(cut.index)]
    units = rows["production"] * rows["month"].map(cut)
    return float(units.sum()), float((units * rows["unit_price"]).sum(skipna=False))


def _family_hours(ctx: _Context, family: str) -> pd.Series:
    """Hours per unit of the family on each resource it uses, by resource."""
    bill = ctx.company.bill_of_resources
    rows = bill[(bill["family"] == family) & (bill["hours_per_unit"] > 0)]
    return rows.groupby("resource")["hours_per_unit"].sum()


def _extra_capacity(ctx: _Context, family: str, units: float, when) -> str:
    """Make `units` more in the months `when`: the hours they take on each resource, in the
    regular hours the plan leaves free there first (at the regular rate), then in overtime."""
    months = span_label(min(when), max(when))
    hours = _family_hours(ctx, family) * units
    if hours.empty:
        return f"produce {units:,.0f} more units in {months}"
    in_months = ctx.load[ctx.load["month"].isin(pd.PeriodIndex(sorted(set(when)), freq="M"))]
    room = in_months.assign(
        free=(in_months["available_hours"] - in_months["load_hours"]).clip(lower=0),
        extra=(in_months["max_overtime_hours"] - in_months["overtime_hours"]).clip(lower=0),
    ).groupby("resource")[["free", "extra"]].sum().reindex(hours.index).fillna(0.0)
    regular = hours.clip(upper=room["free"])
    overtime = (hours - regular).clip(upper=room["extra"])
    beyond = hours - regular - overtime
    rates = ctx.company.resources.set_index("resource")
    cost = ((regular * rates["regular_cost_per_hour"].reindex(hours.index)).sum()
            + (overtime * rates["overtime_cost_per_hour"].reindex(hours.index)).sum())
    where = ", ".join(f"{h:,.0f} hours on {r}" for r, h in hours.items())
    split = _hours_split(regular.sum(), overtime.sum(), beyond.sum(), ctx.money(cost))
    return f"produce {units:,.0f} more units in {months}: {where} ({split})"


def _hours_split(regular: float, overtime: float, beyond: float, cost: str) -> str:
    """Where extra hours go, in words: free regular hours, overtime, beyond both."""
    if overtime < 0.5 and beyond < 0.5:
        return f"all in regular hours the plan leaves free; {cost}"
    if regular < 0.5 and beyond < 0.5:
        return f"overtime; {cost}"
    parts = [f"{hours:,.0f} {what}" for hours, what in (
        (regular, "in free regular hours"), (overtime, "overtime"),
        (beyond, "hours beyond regular plus overtime: a shift or outsourcing")) if hours >= 0.5]
    return "; ".join(parts) + f"; {cost}" + (" for the hours that fit" if beyond >= 0.5 else "")


def _spare_hours(ctx: _Context) -> pd.DataFrame:
    """Regular hours the plan leaves free per resource and month: available minus planned
    load (work moved there costs no overtime)."""
    load = ctx.load
    spare = (load["available_hours"] - load["load_hours"]).clip(lower=0)
    return load.assign(spare=spare).pivot(index="month", columns="resource", values="spare")


def _build_months(ctx: _Context, start: pd.Period) -> pd.PeriodIndex | None:
    """Months a build-ahead for an issue starting in `start` can use, latest first."""
    if start <= ctx.fence:
        return None
    return pd.period_range(ctx.fence, start - 1, freq="M")[::-1]


def _no_build_text(ctx: _Context, start: pd.Period) -> str:
    if ctx.fence == ctx.window[0]:
        return f"build ahead: not possible, {month_label(start)} is the plan's first month"
    return (f"build ahead: no plan month before {month_label(start)} outside the time fence "
            f"(the plan of record holds until {month_label(ctx.fence - 1)})")


def _build_ahead(ctx: _Context, family: str, units: float, start: pd.Period) -> str:
    """Build `units` of the family ahead of `start` on spare capacity, the latest months first."""
    months = _build_months(ctx, start)
    if months is None:
        return _no_build_text(ctx, start)
    hours = _family_hours(ctx, family)
    if hours.empty:
        return f"build ahead from {month_label(ctx.fence)}"
    spare = _spare_hours(ctx).reindex(index=months, columns=hours.index).fillna(0.0)
    room = spare.div(hours, axis=1).min(axis=1)
    cap = _production_cap(ctx, family)
    if not pd.isna(cap):
        made = ctx.rows[ctx.rows["family"] == family].set_index("month")["production"]
        room = room.clip(upper=(cap - made.reindex(room.index)).clip(lower=0.0))
    taken = _latest_first(room, units)
    if taken.empty:
        return (f"build ahead: no free regular hours on {', '.join(hours.index)} from "
                f"{month_label(months[-1])} to {month_label(months[0])}")
    cost = ctx.rows.loc[(ctx.rows["family"] == family) & (ctx.rows["month"] == start),
                        "unit_cost"].iloc[0]
    held = sum(units_then * (start - month).n for month, units_then in taken.items())
    holding = held * cost * ctx.company.config.holding_cost_rate / 12
    return (f"build ahead from {month_label(taken.index.min())}: free regular hours for "
            f"{taken.sum():,.0f} of the {units:,.0f} units in "
            f"{span_label(taken.index.min(), taken.index.max())} (holding about "
            f"{ctx.money(holding)})")


def _build_ahead_hours(ctx: _Context, resource: str, hours: float, start: pd.Period) -> str:
    """Move `hours` of a resource's work before `start` onto its spare hours, latest first."""
    months = _build_months(ctx, start)
    if months is None:
        return _no_build_text(ctx, start)
    spare = _spare_hours(ctx).reindex(index=months, columns=[resource]).fillna(0.0)
    taken = _latest_first(spare[resource], hours)
    if taken.empty:
        return (f"build ahead: no free regular hours on {resource} from "
                f"{month_label(months[-1])} to {month_label(months[0])}")
    return (f"build ahead from {month_label(taken.index.min())}: {taken.sum():,.0f} of the "
            f"{hours:,.0f} hours fit in free regular hours "
            f"{span_label(taken.index.min(), taken.index.max())}")


def _latest_first(available: pd.Series, amount: float) -> pd.Series:
    """What each month of `available` (ordered latest first) gives toward `amount`, each
    taking what the later months left; months that give nothing are left out."""
    given = available.clip(lower=0.0)
    still_needed = (amount - (given.cumsum() - given)).clip(lower=0.0)
    taken = given.where(given < still_needed, still_needed)
    return taken[taken > 0]


# --- finance --------------------------------------------------------------------------------

def _plan_gap_items(ctx: _Context, outlook: pd.DataFrame, tolerance: float) -> list[dict]:
    """Revenue off the business plan, for the fiscal year and the next 12 months; a family off
    plan on both in the same direction gets one item whose impact counts each month once."""
    items = _fiscal_year_items(ctx, outlook, tolerance) + _next_months_items(ctx, tolerance)
    merged = []
    for key in dict.fromkeys((i["family"], i["topic"].split()[-2]) for i in items):
        parts = [i for i in items if (i["family"], i["topic"].split()[-2]) == key]
        merged.append(parts[0] if len(parts) == 1 else _both_gaps(ctx, *parts))
    return merged


def _fiscal_year_items(ctx: _Context, outlook: pd.DataFrame, tolerance: float) -> list[dict]:
    _, in_year = fiscal_year(ctx.window[0],
                             start_month=ctx.company.config.fiscal_year_start_month)
    rows = outlook[(outlook["family"] != TOTAL) & (outlook["gap_pct"].abs() > tolerance)]
    return [_gap_item(ctx, row.family, "Fiscal year", in_year,
                      revenue=row.forecast_revenue, plan=row.plan_revenue,
                      what=(f"{row.fiscal_year} revenue of {row.family} is forecast at "
                            f"{ctx.money(row.forecast_revenue)} ({ctx.money(row.actual_revenue)} "
                            f"actual + {ctx.money(row.outlook_revenue)} outlook)"))
            for row in rows.itertuples(index=False)]


def _next_months_items(ctx: _Context, tolerance: float) -> list[dict]:
    rows = ctx.rows[ctx.rows["month"].isin(ctx.window) & ctx.rows["plan_revenue"].notna()]
    items = []
    for family, compared in rows.groupby("family", sort=True):
        revenue, plan = compared["revenue"].sum(skipna=False), compared["plan_revenue"].sum()
        if plan > 0 and abs(revenue - plan) > tolerance * plan:
            first, last = compared["month"].min(), compared["month"].max()
            covered = (f"{len(compared)} of the next {WINDOW_MONTHS} months have a plan"
                       if len(compared) < WINDOW_MONTHS else "")
            items.append(_gap_item(
                ctx, family, f"Next {WINDOW_MONTHS} months", compared["month"],
                revenue=revenue, plan=plan,
                what=(f"Revenue of {family} over {span_label(first, last)} is planned at "
                      f"{ctx.money(revenue)}" + (f" ({covered})" if covered else ""))))
    return items


def _gap_item(ctx: _Context, family: str, label: str, covered, *, revenue: float,
              plan: float, what: str) -> dict:
    """A business plan gap over the `covered` months, with the options to close it. Its impact
    is the whole gap: what the plan months among `covered` must make up to meet the plan (the
    part already in the actuals is said, as it can only be made up in the months ahead)."""
    gap = revenue - plan
    word = "below" if gap < 0 else "above"
    item = _item("finance", family, f"{label} {word} plan", covered,
                 f"{what}, {abs(gap) / plan:.1%} {word} the business plan of "
                 f"{ctx.money(plan)}." + _past_text(ctx, family, covered, gap),
                 abs(gap), _gap_decision(ctx, family, covered, gap),
                 _gap_options(ctx, family, covered, gap, f"to {ctx.money(revenue)}"))
    return {**item, "gap": gap, "revenue": revenue, "covered": pd.PeriodIndex(covered, freq="M")}


def _both_gaps(ctx: _Context, fiscal: dict, next_months: dict) -> dict:
    """The fiscal-year and next-12-months gaps of one family as one item: the gap over the
    union of their months (the fiscal year's, plus the window's months after it), which the
    plan months must make up to meet both plans."""
    family = fiscal["family"]
    later = next_months["covered"].difference(fiscal["covered"])
    rows = ctx.rows[(ctx.rows["family"] == family) & ctx.rows["month"].isin(later)]
    beyond = (rows["revenue"] - rows["plan_revenue"]).sum()
    gap = fiscal["gap"] + beyond
    covered = fiscal["covered"].union(next_months["covered"])
    word = "below" if gap < 0 else "above"
    revised = (f"to the forecast: {ctx.money(fiscal['revenue'])} for {fiscal['months']} and "
               f"{ctx.money(next_months['revenue'])} for {next_months['months']}")
    ahead = _plan_months(ctx, family, covered)
    options = _gap_options(ctx, family, covered, gap, revised)
    if options[0].startswith("push demand") and fiscal["gap"] < 0:
        options[0] += _fiscal_share(ctx, family, fiscal)
    parts = [f"the fiscal year's {ctx.money(abs(fiscal['gap']))}"] + (
        [f"the {ctx.money(abs(beyond))} of {span_label(later.min(), later.max())}"]
        if len(later) else [])
    return _item(
        "finance", family, f"Revenue {word} plan", covered,
        f"{fiscal['issue']} {next_months['issue']} Counting each month once, "
        f"{span_label(covered[0], covered[-1])} is {ctx.money(abs(gap))} {word} plan: the plan "
        f"months {span_label(ahead.min(), ahead.max())} would have to make up "
        + " and ".join(parts) + ".",
        abs(gap), _gap_decision(ctx, family, covered, gap), options)


def _margin_items(ctx: _Context, revenue_items: list[dict], tolerance: float) -> list[dict]:
    """Margin below the budget margin over the next 12 months (only with a cost of goods
    budget); the part of it a family's "below plan" revenue item already counts is left out."""
    if "plan_margin" not in ctx.rows.columns:
        return []
    rows = ctx.rows[ctx.rows["month"].isin(ctx.window) & ctx.rows["plan_margin"].notna()]
    below = {i["family"]: i for i in revenue_items if "below" in i["topic"]}
    items = []
    for family, compared in rows.groupby("family", sort=True):
        margin, budget = compared["margin"].sum(skipna=False), compared["plan_margin"].sum()
        gap = margin - budget
        revenue_item = below.get(family)
        counted = 0.0
        if revenue_item is not None:
            shared = compared[(compared["month"] >= revenue_item["first"])
                              & (compared["month"] <= revenue_item["last"])]
            revenue_gap = float((shared["revenue"] - shared["plan_revenue"]).sum())
            rate = budget / compared["plan_revenue"].sum() if compared["plan_revenue"].sum() else 0
            counted = min(revenue_gap, 0.0) * rate
        shortfall = counted - gap
        if not (budget > 0 and shortfall > tolerance * budget):
            continue
        items.append(_margin_item(ctx, family, compared, margin=margin, budget=budget,
                                  counted=counted, shortfall=shortfall,
                                  revenue_topic=None if revenue_item is None
                                  else revenue_item["topic"]))
    return items


def _margin_item(ctx: _Context, family: str, compared: pd.DataFrame, *, margin: float,
                 budget: float, counted: float, shortfall: float,
                 revenue_topic: str | None) -> dict:
    """A margin below budget over the `compared` plan months, its impact the `shortfall` (the
    margin gap less the part, `counted`, a revenue item already counts)."""
    first, last = compared["month"].min(), compared["month"].max()
    gap = margin - budget
    revenue, plan_revenue = compared["revenue"].sum(), compared["plan_revenue"].sum()
    rate = margin / revenue if revenue else float("nan")
    plan_rate = budget / plan_revenue if plan_revenue else float("nan")
    covered = (f" ({len(compared)} of the next {WINDOW_MONTHS} months have a budget)"
               if len(compared) < WINDOW_MONTHS else "")
    issue = (f"Margin of {family} over {span_label(first, last)} is planned at "
             f"{ctx.money(margin)}{covered}, {abs(gap) / budget:.1%} below the budget margin of "
             f"{ctx.money(budget)} (margin rate {_share(rate)} against {_share(plan_rate)}).")
    if counted < 0:
        issue += (f" {ctx.money(-counted)} of the gap follows from revenue below plan, counted "
                  f"by the item {revenue_topic} of {family}; the rest, "
                  f"{ctx.money(shortfall)}, is cost and mix.")
    options = [f"recover the margin through price, mix or cost: {ctx.money(shortfall)} over "
               f"{span_label(first, last)}, a margin rate of {_share(plan_rate)} instead of "
               f"{_share(rate)}",
               f"accept the gap and revise the budget margin to {ctx.money(margin)}"]
    return _item("finance", family, f"Next {WINDOW_MONTHS} months margin below budget",
                 compared["month"], issue, shortfall, MARGIN_DECISION, options)


def _share(value: float) -> str:
    return "n/a" if pd.isna(value) else f"{value:.1%}"


def _capped_rows(ctx: _Context, family: str, covered) -> pd.DataFrame:
    """Plan months among `covered` where the family's maximum production binds and orders
    ship late."""
    rows = ctx.rows[(ctx.rows["family"] == family) & ctx.rows["month"].isin(covered)]
    cap = _production_cap(ctx, family)
    if pd.isna(cap):
        return rows[:0]
    return rows[(rows["shortfall"] > UNIT_TOLERANCE)
                & (rows["production"] >= cap - UNIT_TOLERANCE)]


def _gap_decision(ctx: _Context, family: str, covered, gap: float) -> str:
    if gap >= 0:
        return ABOVE_PLAN_DECISION
    return CAPPED_GAP_DECISION if len(_capped_rows(ctx, family, covered)) else BELOW_PLAN_DECISION


def _fiscal_share(ctx: _Context, family: str, fiscal: dict) -> str:
    """How much of a push must fall in the fiscal year's plan months to meet its plan."""
    rows = ctx.rows[(ctx.rows["family"] == family) & ctx.rows["month"].isin(fiscal["covered"])]
    if rows.empty:
        return ""
    units = abs(fiscal["gap"]) / _average_price(rows)
    planned = rows["shipments"].sum()
    times = f": {(planned + units) / planned:.1f} times the {planned:,.0f} planned" if (
        planned > 0) else ""
    return (f" ({units:,.0f} of them in {span_label(rows['month'].min(), rows['month'].max())} "
            f"to meet {fiscal['issue'].split()[0]}{times})")


def _plan_months(ctx: _Context, family: str, covered) -> pd.Series:
    """The plan months among `covered` (those of the family's plan rows)."""
    rows = ctx.rows[(ctx.rows["family"] == family) & ctx.rows["month"].isin(covered)]
    return rows["month"]


def _past_text(ctx: _Context, family: str, covered, gap: float) -> str:
    """What of a gap is already in the actuals, and so must be made up in the plan months."""
    rows = ctx.rows[(ctx.rows["family"] == family) & ctx.rows["month"].isin(covered)
                    & ctx.rows["plan_revenue"].notna()]
    past = gap - float((rows["revenue"] - rows["plan_revenue"]).sum())
    if abs(past) < 0.5 or rows.empty:
        return ""
    text = (f" {ctx.money(abs(past))} {'below' if past < 0 else 'above'} plan is already in "
            "the actuals")
    if gap >= 0:
        return text + "."
    return (f"{text}; to meet the plan, {span_label(rows['month'].min(), rows['month'].max())} "
            f"would have to make up the whole {ctx.money(abs(gap))}.")


def _gap_options(ctx: _Context, family: str, covered, gap: float, revised: str) -> list[str]:
    """Options to close `gap` (revenue minus plan) in the plan months among `covered`."""
    rows = ctx.rows[(ctx.rows["family"] == family) & ctx.rows["month"].isin(covered)]
    units = abs(gap) / _average_price(rows) if not rows.empty else float("nan")
    capped = _capped_rows(ctx, family, covered)
    if gap < 0 and len(capped):
        return [f"make more first: the plan already makes the maximum production of "
                f"{_production_cap(ctx, family):,.0f} units a month in {months_label(capped)} "
                "and ships orders late (the stock-out decision); more demand would only wait "
                "longer",
                f"accept the gap and revise the business plan {revised}"]
    if gap >= 0:
        return [f"raise the business plan {revised}",
                f"check that supply can deliver the extra {_count(units)} units",
                "keep the plan and hold the upside as a buffer"]
    months = span_label(rows["month"].min(), rows["month"].max()) if len(rows) else "n/a"
    options = [f"push demand: {_count(units)} more units in {months} to close "
               f"{ctx.money(-gap)}",
               f"accept the gap and revise the business plan {revised}"]
    stocked = rows[rows["strategy"] == "MTS"]  # an MTO order book is held by design
    pushed_out = (stocked["demand"].sum() - stocked["shipments"].sum()) * _average_price(rows)
    if pushed_out > 0.5:
        options.insert(1, f"ship the late orders within {months} ({ctx.money(pushed_out)} of "
                          "revenue the plan pushes beyond them)")
    return options


# --- shared ---------------------------------------------------------------------------------

def _item(area: str, family: str, topic: str, months, issue: str, impact: float,
          decision: str, options: list[str]) -> dict:
    """An agenda item over some `months` (Periods; the item spans their first to last)."""
    first, last = min(months), max(months)
    return {"area": area, "family": family, "topic": topic, "months": span_label(first, last),
            "issue": issue, "impact": impact, "decision": decision, "options": options,
            "first": first, "last": last}


def _lettered(options: list[str]) -> str:
    """Options as one line: "a) ... b) ..." (up to eight)."""
    return " ".join(f"{letter}) {text}" for letter, text in zip("abcdefgh", options))


def _runs(flagged: pd.DataFrame, by: str):
    """Split flagged rows into runs of consecutive months of one `by` value:
    (value, months label, rows)."""
    flagged = flagged.sort_values([by, "month"])
    ordinal = flagged["month"].dt.year * 12 + flagged["month"].dt.month
    starts = (flagged[by] != flagged[by].shift()) | (ordinal.diff() != 1)
    for _, run in flagged.groupby(starts.cumsum(), sort=True):
        yield run[by].iloc[0], span_label(run["month"].min(), run["month"].max()), run


def _count(units: float) -> str:
    return "n/a" if pd.isna(units) else f"{units:,.0f}"


def _months_text(run: pd.DataFrame) -> str:
    return "1 month" if len(run) == 1 else f"{len(run)} months"
