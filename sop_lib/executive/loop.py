"""The loop the executive page opens with: what the last meeting decided, and how the month just
closed went against the plan it left.

Cycle C is planned after the last closed month C-1; the previous pack is cycle C-1, whose plan
starts with C-1. Its plan of record is the plan leadership approved (an approved pack's plan,
consensus and money artifacts are the adopted plan), else the plan it proposed; without a pack
of C-1 there is no plan to measure against, and every figure that needs one is NaN ("n/a").

The lights are the executive KPIs' (`sop_lib.executive.kpis`, the company's status bands):
revenue and units against the plan of record and fiscal-year revenue against the business plan
on the revenue bands, service against the demand-weighted target, inventory value against the
plan's on the position bands, forecast accuracy (SKU level) against `accuracy_target_sku`,
production on the plan-adherence lights of `sop_lib.supply.adherence`.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from sop_lib.core.frames import join_on_key
from sop_lib.core.months import month_label
from sop_lib.core.status import NOT_AVAILABLE
from sop_lib.core.words import span_label
from sop_lib.data.company import Company
from sop_lib.data.decisions import DONE, OPEN, OVERDUE, action_status
from sop_lib.demand.accuracy import SKU_LEVEL, accuracy_headline, sku_actuals
from sop_lib.executive.kpis import (
    accuracy_status,
    position_status,
    revenue_status,
    service_status,
)
from sop_lib.presop.finance import fiscal_year
from sop_lib.store.archive import (
    forecast_cycle,
    load_archive,
    published_artifact,
    published_manifest,
)
from sop_lib.store.manifest import approval
from sop_lib.supply.adherence import adherence_kpi, archived_plan, production_vs_record

DECISION_DTYPES = {"rank": "Int64", "family": str, "topic": str, "outcome": str, "note": str}
ACTION_DTYPES = {"action": str, "item": str, "owner": str, "due": pd.PeriodDtype("M"),
                 "status": str}
PERFORMANCE_DTYPES = {"measure": str, "month": pd.PeriodDtype("M"), "actual": float,
                      "plan": float, "business_plan": float, "unit": str, "status": str,
                      "comment": str}
SHARE, COUNT = "share", "count"
ACCURACY_LAGS = (1, 3)


def since_last_meeting(archive_dir: Path | str,
                       cycle: pd.Period) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    """What the last meeting (cycle C-1's) decided: a sentence, the decisions taken (rank,
    family, topic, outcome, note) and the actions (action, item, owner, due, status), each
    action's item the number of the agenda item it answers ("" for none), its status as of
    `cycle` (`action_status`: open, done, or overdue when open and due before it). Both frames
    are empty unless the pack of C-1 was approved."""
    previous = cycle - 1
    label, taken, actions = month_label(previous), _empty(DECISION_DTYPES), _empty(ACTION_DTYPES)
    manifest = published_manifest(archive_dir, previous)
    if manifest is None:
        return f"No pack of {label} in the archive.", taken, actions
    approved = approval(manifest)
    if approved is None:
        return (f"The {label} pack was published but never approved: no decision was recorded, "
                "and this cycle measures against its proposed plan.", taken, actions)
    taken = _artifact(archive_dir, previous, "decisions_taken", DECISION_DTYPES)
    actions = _artifact(archive_dir, previous, "actions", ACTION_DTYPES)
    actions = actions.assign(item=actions["item"].fillna(""),
                             status=action_status(actions, cycle))
    return (f"The {label} pack was approved by {approved['approved_by']} on "
            f"{approved['approved_on']}, adopting the {approved['scenario']} scenario; this "
            "cycle measures against that approved plan.", taken, actions)


def meeting_record(taken: pd.DataFrame, actions: pd.DataFrame) -> pd.DataFrame:
    """The decisions taken and the actions in one frame (the `last_meeting` artifact): a `kind`
    column ("decision" or "action"), then the columns of both, empty where a kind has none."""
    dtypes = {"kind": str, **DECISION_DTYPES, **ACTION_DTYPES}
    record = pd.concat([taken.assign(kind="decision"), actions.assign(kind="action")],
                       ignore_index=True)
    return record.reindex(columns=list(dtypes)).astype(dtypes)


def last_month_performance(company: Company, archive_dir: Path | str,
                           cycle: pd.Period) -> pd.DataFrame:
    """The month just closed (C-1) against the plan of record of C-1, one row per measure.

    Columns measure, month, actual, plan (the plan of record's figure), business_plan (where it
    applies), unit (the currency, "count" or "share": how the figures read), status
    (green/amber/red, "n/a" when a figure it needs is missing) and comment (how the figure is
    made, what the status judges, and why a figure is missing). Measures: revenue (shipments x
    unit price), fiscal-year revenue to date, units shipped, customer service, production,
    inventory value at the month's end (MTS families at standard cost) and SKU-level forecast
    accuracy at lags 1 and 3.
    """
    month = cycle - 1
    record = _PlanOfRecord.of(archive_dir, month)
    archive = load_archive(archive_dir, lags=ACCURACY_LAGS, before=cycle)
    archive, actuals = archive[archive["month"] == month], sku_actuals(company)
    rows = [
        _revenue_row(company, month, record),
        _fiscal_year_row(company, month),
        _units_row(company, month, record),
        _service_row(company, month),
        _production_row(company, archive_dir, month, record),
        _inventory_row(company, month, record),
        *(_accuracy_row(company, archive[archive["lag"] == lag], actuals, month, lag)
          for lag in ACCURACY_LAGS),
    ]
    return pd.DataFrame(rows, columns=list(PERFORMANCE_DTYPES)).astype(PERFORMANCE_DTYPES)


class _PlanOfRecord:
    """The money view of the previous pack's plan for its first month, and how to name it."""

    def __init__(self, money: pd.DataFrame | None, name: str):
        self.money, self.name = money, name

    @classmethod
    def of(cls, archive_dir, month: pd.Period) -> _PlanOfRecord:
        label = month_label(month)
        manifest = published_manifest(archive_dir, month)
        if manifest is None:
            return cls(None, f"no pack of {label} in the archive")
        money = published_artifact(archive_dir, month, "money",
                                   ["month", "units", "revenue", "inventory_value"])
        name = (f"the approved plan of {label}" if approval(manifest)
                else f"the proposed plan of {label} (never approved)")
        return cls(None if money is None else money[money["month"] == month], name)

    def total(self, column: str) -> float:
        """The plan's `column` summed over its families in the month; NaN without a plan."""
        return math.nan if self.money is None else self.money[column].sum(min_count=1)

    def against(self) -> str:
        """What a figure is compared with, or why there is nothing to compare it with."""
        return (f"against {self.name}" if self.money is not None
                else f"no plan to compare with: {self.name}")


def _revenue_row(company: Company, month: pd.Period, record: _PlanOfRecord) -> tuple:
    actual = _shipped_revenue(company, [month])
    plan = record.total("revenue")
    business, note = _business_plan(company, [month], "revenue")
    return ("Revenue", month, actual, plan, business, company.config.currency,
            revenue_status(_gap(actual, plan), company.config.status_bands),
            _joined("Shipments x unit price", record.against(), _no_actuals(actual, month),
                    note))


def _fiscal_year_row(company: Company, month: pd.Period) -> tuple:
    label, months = fiscal_year(month, start_month=company.config.fiscal_year_start_month)
    to_date = [m for m in months if m <= month]
    actual = _shipped_revenue(company, to_date)
    business, note = _business_plan(company, to_date, "revenue")
    return (f"Revenue, {label} to date", month, actual, math.nan, business,
            company.config.currency,
            revenue_status(_gap(actual, business), company.config.status_bands),
            _joined(f"Shipments x unit price, {span_label(to_date[0], month)}, against the "
                    "business plan", _no_actuals(actual, month), note))


def _units_row(company: Company, month: pd.Period, record: _PlanOfRecord) -> tuple:
    shipped = _history(company, [month])["shipments"].sum(min_count=1)
    plan = record.total("units")
    business, note = _business_plan(company, [month], "units")
    return ("Units shipped", month, shipped, plan, business, COUNT,
            revenue_status(_gap(shipped, plan), company.config.status_bands),
            _joined("Units shipped", record.against(), _no_actuals(shipped, month), note))


def _service_row(company: Company, month: pd.Period) -> tuple:
    """Shipped on time against what was due: shipments / (shipments + open orders due by the
    month's end and still open), against the families' targets weighted by what was due."""
    history, label = _history(company, [month]), month_label(month)
    shipped = history.groupby("family")["shipments"].sum()
    orders = company.open_orders[company.open_orders["due_month"] <= month]
    late = join_on_key(orders, company.items, "sku", ["family"]).groupby("family")["quantity"]
    due = shipped.add(late.sum(), fill_value=0.0)
    measure = ("Customer service", month)
    if history.empty or due.sum() <= 0:
        reason = _no_history(month) if history.empty else f"nothing was due in {label}"
        return (*measure, math.nan, math.nan, math.nan, SHARE, NOT_AVAILABLE, _joined(reason))
    value = shipped.sum() / due.sum()
    targets = company.families.set_index("family")["service_target"].reindex(due.index)
    target = (targets * due).sum() / due.sum()
    return (*measure, value, math.nan, math.nan, SHARE,
            service_status(value, target, company.config.status_bands),
            f"Shipped in {label} / (shipped + open orders due by then); target {target:.1%}, "
            "the families' targets weighted by what was due.")


def _production_row(company: Company, archive_dir, month: pd.Period,
                    record: _PlanOfRecord) -> tuple:
    """Production against the plan of record's, with the plan adherence of
    `sop_lib.supply.adherence` over the families that have both."""
    planned = archived_plan(archive_dir, company.families["family"], [month])
    compared = production_vs_record(company, planned[planned["cycle_used"] == month])
    both = compared.dropna(subset=["planned", "actual"])
    _, adherence, target, _, status, _ = adherence_kpi(both)
    measure = ("Production (units)", month)
    if math.isnan(adherence):
        reason = (record.against() if record.money is None
                  else f"no production_history row for {month_label(month)}" if both.empty
                  else "nothing was planned")
        return (*measure, math.nan, math.nan, math.nan, COUNT, NOT_AVAILABLE, _joined(reason))
    partial = (f"{len(both)} of {len(compared)} families compared (no production_history row "
               "for the others)" if len(both) < len(compared) else "")
    return (*measure, both["actual"].sum(), both["planned"].sum(), math.nan, COUNT, status,
            _joined(f"Plan adherence {adherence:.1%} (1 - |actual - plan| / plan per family; "
                    f"target {target:.0%}) {record.against()}", partial))


def _inventory_row(company: Company, month: pd.Period, record: _PlanOfRecord) -> tuple:
    """Finished goods of the MTS families at standard cost at the month's end (MTO families
    hold no finished stock in the plan)."""
    counted = company.inventory[company.inventory["month"] == month]
    rows = join_on_key(counted, company.items, "sku", ["family", "standard_cost"])
    mts = company.families.loc[company.families["strategy"] == "MTS", "family"]
    rows = rows[rows["family"].isin(list(mts))]
    actual = (rows["on_hand"] * rows["standard_cost"]).sum(min_count=1)
    plan = record.total("inventory_value")
    no_count = (f"no inventory count of an MTS family at the end of {month_label(month)}"
                if rows.empty else "")
    return (f"Inventory value, end of {month_label(month)}", month, actual, plan, math.nan,
            company.config.currency,
            position_status(actual, plan, company.config.status_bands),
            _joined("MTS finished goods at standard cost", record.against(), no_count))


def _accuracy_row(company: Company, archive: pd.DataFrame, actuals: pd.DataFrame,
                  month: pd.Period, lag: int) -> tuple:
    """1 - |forecast - bookings| / bookings over every SKU of the month, from the forecast the
    archive holds of it at `lag` (a published pack's consensus: the approved one when it was
    approved)."""
    made_in = month_label(forecast_cycle(month, lag))
    measure = (f"Forecast accuracy, lag {lag} (SKU level)", month)
    target = company.config.status_bands.accuracy_target_sku
    if archive.empty:
        return (*measure, math.nan, math.nan, math.nan, SHARE, NOT_AVAILABLE,
                f"The archive holds no forecast of {month_label(month)} made in {made_in}.")
    row = accuracy_headline(archive, actuals, lag=lag, months=1).set_index("level").loc[
        SKU_LEVEL]
    missing = f"no bookings in {month_label(month)} to measure it on" if math.isnan(
        row["accuracy"]) else ""
    return (*measure, row["accuracy"], math.nan, math.nan, SHARE,
            accuracy_status(row["accuracy"], target, company.config.status_bands),
            _joined(f"1 - |forecast - bookings| / bookings over every SKU, the {row['source']} "
                    f"forecast made in {made_in}; target {target:.0%}", missing))


def _history(company: Company, months: list[pd.Period]) -> pd.DataFrame:
    """demand_history rows of `months` with each SKU's family and unit price."""
    history = company.demand_history
    rows = history[history["month"].isin(months)]
    return join_on_key(rows, company.items, "sku", ["family", "unit_price"])


def _shipped_revenue(company: Company, months: list[pd.Period]) -> float:
    """Shipments x the SKU's unit price over `months`; NaN when the last of them has no
    history (a total to date must reach the month it names)."""
    rows = _history(company, months)
    if not (rows["month"] == months[-1]).any():
        return math.nan
    return (rows["shipments"] * rows["unit_price"]).sum()


def _business_plan(company: Company, months: list[pd.Period], column: str) -> tuple[float, str]:
    """The business plan's `column` over `months`, and a note naming the families without a
    plan row there (NaN and "no business plan" when it has none)."""
    plan = company.business_plan[company.business_plan["month"].isin(months)]
    missing = sorted(set(company.families["family"]) - set(plan["family"]))
    if plan.empty:
        return math.nan, f"no business plan for {span_label(months[0], months[-1])}"
    return plan[column].sum(), (f"no business plan for {', '.join(missing)}" if missing else "")


def _gap(actual: float, plan: float) -> float:
    """(actual - plan) / plan; NaN when either is missing or the plan is 0."""
    return (actual - plan) / plan if plan and not math.isnan(plan) else math.nan


def _no_actuals(value: float, month: pd.Period) -> str:
    """Why an actual figure is missing ("" when it is not)."""
    return _no_history(month) if math.isnan(value) else ""


def _no_history(month: pd.Period) -> str:
    return f"no demand history for {month_label(month)}"


def _joined(*parts: str) -> str:
    """The non-empty parts as one sentence."""
    text = "; ".join(part for part in parts if part)
    return text[:1].upper() + text[1:] + "."


def _artifact(archive_dir, month: pd.Period, name: str, dtypes: dict) -> pd.DataFrame:
    """A published artifact's columns, typed; empty when the pack does not hold it."""
    frame = published_artifact(archive_dir, month, name, list(dtypes))
    return _empty(dtypes) if frame is None else frame.astype(dtypes)


def _empty(dtypes: dict) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=dtype) for column, dtype in dtypes.items()})


def loop_sentence(last_meeting: pd.DataFrame, last_month: pd.DataFrame,
                  archive_dir: Path | str, cycle: pd.Period) -> str | None:
    """The loop in one sentence for the top of the executive page: what became of the last
    meeting's actions and last month's revenue against the plan it left; None without a pack
    of the month just closed (nothing to close the loop on)."""
    previous = cycle - 1
    manifest = published_manifest(archive_dir, previous)
    if manifest is None:
        return None
    label = month_label(previous)
    revenue = last_month.set_index("measure").loc["Revenue"]
    money = ("no revenue figures to compare" if pd.isna(revenue["actual"])
             or pd.isna(revenue["plan"]) else
             f"{label} revenue {revenue['unit']} {revenue['actual']:,.0f} against "
             f"{revenue['unit']} {revenue['plan']:,.0f} planned ({revenue['status']})")
    approved = approval(manifest)
    if approved is None:
        return f"The {label} pack was never approved; {money} in its proposed plan."
    statuses = last_meeting.loc[last_meeting["kind"] == "action", "status"]
    counts = ", ".join(f"{(statuses == status).sum()} {status}"
                       for status in (OPEN, OVERDUE, DONE))
    return (f"Since the {label} meeting ({approved['scenario']} adopted): actions {counts}; "
            f"{money}.")
