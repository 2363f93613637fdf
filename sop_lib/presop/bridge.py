"""The plan-change bridge: how each family's plan for the next 12 months moved since last cycle.

What is bridged: a family's planned shipments (units) and their revenue over the window, the
first `months` (12) months of this cycle's plan that last cycle's archived artifacts cover too
(the plan's first 12 months whenever last cycle planned that far), so both plans are summed over
the same months and no closed month enters either side. Each plan is read from its own cycle's
money view (the `money` artifact): "current plan" is the published plan's units and revenue over
the window, exactly the money view's; "previous plan" is last cycle's money view over the same
months, i.e. last cycle's plan at last cycle's family prices.

Why units move. The backlog identity summed over the window gives, for any plan,
    shipments = opening backlog + demand - closing backlog,
the opening backlog being the one carried into the window's first month and demand the consensus.
Month by month, the bridge splits the change of planned shipments (this cycle's minus last
cycle's) into drivers, each the change of one part of that sum:
- new actuals: the opening backlog (in the window's first month): what the just-closed month
  actually left (this plan's opening) minus what last cycle planned it to leave (its backlog at
  the end of that month). MTS plans open with no backlog, so for MTS families the closed month
  acts through demand;
- statistical refresh: the statistical forecast (SKU `forecast` summed per family);
- overrides: consensus - statistical forecast, what sales and marketing changed;
- constraints: shipments - consensus - opening backlog, i.e. minus the closing backlog when the
  plan ships the consensus: what capacity cuts and the backlog targets leave unshipped;
- price and mix: no units (prices move money only, see below).
In every month previous + drivers = current, so the units add up over the window too.

Money. A family's price in a month is the money view's (`finance.family_prices`: its SKUs'
prices weighted by the consensus mix), each cycle its own. Every unit driver is valued month by
month at this cycle's price (last cycle's in a family-month this cycle does not plan), and
price and mix = last cycle's units x (this cycle's price - last cycle's price), month by month:
last cycle's plan revalued at this cycle's prices, plus the cents by which each money view
rounds its revenue (units x price) to the cent. Then previous value + driver values = the
current units x this cycle's prices = the money view's revenue, exactly up to floating-point
rounding (far below a cent). Valued month by month, a driver can move money with no net units
when it moves units between months priced differently (constraints shifting shipments to a
later month, say). Zero units are worth 0 whatever the price; a driver whose units have no
price in either cycle is NaN and its family's note says so. A "Total" row adds the families.

The recommended scenario is not part of the current plan: the published plan is the baseline.
Its units and revenue (its own money view, same window) are a separate last row, "recommended
scenario", outside the parts that add up; without a recommended scenario it repeats the current
plan. bridge_table shows it after the check column.

When last cycle is not in the archive, or was backfilled (a statistical forecast only), the
drivers that need what is missing are NaN and their note says what is missing; the rest are
still shown. Never an error for a missing cycle; an unreadable archived file is a SopError.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from sop_lib.core.errors import SopError
from sop_lib.core.months import month_label
from sop_lib.core.names import TOTAL
from sop_lib.core.words import span_label
from sop_lib.store.archive import (
    ARTIFACTS,
    BACKFILL_FILE,
    CONSENSUS_FILE,
    FORECAST_FILE,
    cycle_folder,
    read_artifact,
)

WINDOW_MONTHS = 12
PLAN_FILE, MONEY_FILE = "plan.parquet", "money.parquet"
PREVIOUS, CURRENT, SCENARIO = "previous plan", "current plan", "recommended scenario"
PRICE_AND_MIX = "price and mix"
DRIVERS = ("new actuals", "statistical refresh", "overrides", "constraints", PRICE_AND_MIX)
STEPS = (PREVIOUS, *DRIVERS, CURRENT, SCENARIO)
BRIDGE_COLUMNS = ["family", "months", "driver", "units", "value", "note"]

_FILES = {"forecast": (FORECAST_FILE, ["sku", "family", "month", "forecast"]),
          "consensus": (CONSENSUS_FILE, ["sku", "family", "month", "consensus"]),
          "plan": (PLAN_FILE, ["family", "month", "demand", "shipments", "backlog"]),
          "money": (MONEY_FILE, ["family", "month", "units", "unit_price", "revenue"])}
# the last-cycle artifacts each row needs
_NEEDS = {PREVIOUS: ("money",), "new actuals": ("plan",), "statistical refresh": ("forecast",),
          "overrides": ("forecast", "consensus"), "constraints": ("consensus", "plan", "money"),
          PRICE_AND_MIX: ("money",), CURRENT: (), SCENARIO: ()}


def bridge_by_family(cycle: pd.Period | str, *, forecast: pd.DataFrame,
                     consensus: pd.DataFrame, plan: pd.DataFrame, money: pd.DataFrame,
                     archive_dir: Path | str, scenario_money: pd.DataFrame | None = None,
                     months: int = WINDOW_MONTHS) -> pd.DataFrame:
    """The bridge per family, long: one row per family and step, a Total row last.

    `forecast`, `consensus`, `plan` and `money` are this cycle's artifacts (`money` the money
    view of the published plan, `finance.money_view`); `scenario_money` is the money view of the
    recommended scenario's plan (None when the baseline is recommended). Last cycle's artifacts
    are read from `<archive_dir>/<cycle - 1>/artifacts/`. Returns `family, months, driver, units,
    value, note`: driver runs "previous plan", the DRIVERS, "current plan" (these add up), then
    "recommended scenario" apart; months is the window.
    """
    cycle = pd.Period(cycle, freq="M")
    previous, missing = _last_cycle(archive_dir, cycle)
    current = {"forecast": forecast, "consensus": consensus, "plan": plan, "money": money}
    window = _window(cycle, months, money, previous)
    if window.empty:
        previous = dict.fromkeys(previous)
        missing = (f"cycle {month_label(cycle - 1)} plans none of the months "
                   f"{month_label(cycle)} to {month_label(cycle + months - 1)}")
        window = _window(cycle, months, money, previous)
    units, values, price_notes = _figures(current, previous, scenario_money, window)
    rows = []
    for family in units.index:
        for step in STEPS:
            notes = [missing if any(previous[name] is None for name in _NEEDS[step]) else "",
                     _family_note(step, family, current, previous, scenario_money),
                     price_notes.get(family, "") if step == PRICE_AND_MIX else ""]
            rows.append({"family": family, "driver": step, "units": units.at[family, step],
                         "value": values.at[family, step],
                         "note": "; ".join(note for note in notes if note)})
    bridge = pd.DataFrame(rows).astype({"units": float, "value": float, "note": str})
    bridge.insert(1, "months", span_label(window[0], window[-1]))
    return bridge[BRIDGE_COLUMNS]


def bridge_table(bridge: pd.DataFrame, *, measure: str = "units") -> pd.DataFrame:
    """The bridge wide, one row per family: `family, months, previous, new_actuals,
    statistical_refresh, overrides, constraints, price_and_mix, current, check,
    recommended_scenario, note`.

    `measure` is "units" or "value". check = previous + the drivers - current, rounded to 6
    decimals (units) or to the cent (value): 0 when the parts add up, NaN when a part is
    unknown. recommended_scenario is not one of the parts. note joins the rows' notes.
    """
    if measure not in ("units", "value"):
        raise SopError(f"measure must be units or value, got {measure!r}")
    order = list(dict.fromkeys(bridge["family"]))
    wide = bridge.pivot(index="family", columns="driver", values=measure).reindex(order)
    columns = {step: step.replace(" ", "_") for step in STEPS}
    columns.update({PREVIOUS: "previous", CURRENT: "current"})
    wide = wide[list(columns)].rename(columns=columns)
    drivers = [columns[d] for d in DRIVERS]
    check = wide["previous"] + wide[drivers].sum(axis=1, skipna=False) - wide["current"]
    wide.insert(wide.columns.get_loc("current") + 1, "check",
                check.round(6 if measure == "units" else 2) + 0.0)
    groups = bridge.groupby("family", sort=False)
    wide["note"] = groups["note"].agg(lambda notes: "; ".join(dict.fromkeys(n for n in notes
                                                                             if n)))
    wide.insert(0, "months", groups["months"].first())
    return wide.reset_index().rename_axis(columns=None)


def _last_cycle(archive_dir: Path | str, cycle: pd.Period) -> tuple[dict, str]:
    """Last cycle's forecast, consensus, plan and money (None where not archived) and what is
    missing."""
    label = month_label(cycle - 1)
    folder = cycle_folder(archive_dir, cycle - 1)
    frames = {name: read_artifact(folder / ARTIFACTS / file, columns)
              if (folder / ARTIFACTS / file).is_file() else None
              for name, (file, columns) in _FILES.items()}
    absent = [name for name, frame in frames.items() if frame is None]
    if len(absent) == len(frames):
        return frames, f"cycle {label} is not in the archive"
    if not absent:
        return frames, ""
    listed = ", ".join(absent[:-1]) + " or " + absent[-1] if len(absent) > 1 else absent[0]
    if (folder / BACKFILL_FILE).is_file():
        return frames, f"cycle {label} is backfilled: it has no {listed}"
    return frames, f"cycle {label} is archived without its {listed}"


def _window(cycle: pd.Period, months: int, money: pd.DataFrame,
            previous: dict) -> pd.PeriodIndex:
    """The next `months` months from the cycle that this plan and every archived frame cover."""
    covered = set(pd.period_range(cycle, periods=months, freq="M")) & set(money["month"].unique())
    for frame in previous.values():
        if frame is not None:
            covered &= set(frame["month"].unique())
    return pd.PeriodIndex(sorted(covered), freq="M")


def _families(current: dict, previous: dict, scenario: pd.DataFrame | None) -> list[str]:
    frames = [*current.values(), *previous.values(), scenario]
    return sorted(set().union(*(set(f["family"].unique()) for f in frames if f is not None)))


def _monthly(frame: pd.DataFrame | None, column: str, families: list[str],
             window: pd.PeriodIndex, *, absent: float = 0.0) -> pd.DataFrame:
    """`column` summed per family (rows) and window month (columns), `absent` where the frame
    has no row; all NaN when the frame itself is missing."""
    if frame is None:
        return pd.DataFrame(float("nan"), index=families, columns=window)
    rows = frame[frame["month"].isin(window)]
    sums = rows.groupby(["family", "month"])[column].sum(min_count=1).unstack("month")
    grid = sums.reindex(index=families, columns=window)
    return grid.where(grid.notna(), absent)


def _opening(plan: pd.DataFrame | None, families: list[str],
             window: pd.PeriodIndex) -> pd.DataFrame:
    """The backlog carried into the window's first month (the backlog identity run backward),
    in that month's column; 0 in the others."""
    if plan is None:
        return pd.DataFrame(float("nan"), index=families, columns=window)
    first = plan[plan["month"] == window[0]]
    carried = (first["backlog"] - first["demand"] + first["shipments"]).groupby(
        first["family"]).sum()
    grid = pd.DataFrame(0.0, index=families, columns=window)
    grid[window[0]] = carried.reindex(families, fill_value=0.0)
    return grid


def _figures(current: dict, previous: dict, scenario_money: pd.DataFrame | None,
             window: pd.PeriodIndex) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """Units and values per family (and Total) by step, and the families' price notes."""
    families = _families(current, previous, scenario_money)
    grids = _unit_grids(current, previous, families, window)
    prices = [_monthly(frames["money"], "unit_price", families, window, absent=float("nan"))
              for frames in (current, previous)]
    units = _per_family({step: grid.sum(axis=1, skipna=False) for step, grid in grids.items()})
    values = _per_family(_values(grids, *prices, current["money"], previous["money"]))
    units[SCENARIO], values[SCENARIO] = _scenario(scenario_money, units[CURRENT],
                                                  values[CURRENT], window)
    return units, values, _price_notes(*prices, units, values)


def _unit_grids(current: dict, previous: dict, families: list[str],
                window: pd.PeriodIndex) -> dict[str, pd.DataFrame]:
    """Units per family and month of every step but the scenario (NaN where last cycle's input
    is missing)."""
    def both(name, column):
        return tuple(_monthly(frames[name], column, families, window)
                     for frames in (current, previous))

    shipped, shipped_before = both("money", "units")
    statistical, statistical_before = both("forecast", "forecast")
    agreed, agreed_before = both("consensus", "consensus")
    carried, carried_before = (_opening(frames["plan"], families, window)
                               for frames in (current, previous))
    return {
        PREVIOUS: shipped_before,
        "new actuals": carried - carried_before,
        "statistical refresh": statistical - statistical_before,
        "overrides": (agreed - statistical) - (agreed_before - statistical_before),
        "constraints": ((shipped - agreed - carried)
                        - (shipped_before - agreed_before - carried_before)),
        PRICE_AND_MIX: shipped_before * 0.0,
        CURRENT: shipped,
    }


def _values(grids: dict, price: pd.DataFrame, price_before: pd.DataFrame,
            money: pd.DataFrame, money_before: pd.DataFrame | None) -> dict[str, pd.Series]:
    """Value per family of every step but the scenario: each plan its money view's revenue,
    the unit drivers at this cycle's prices (last cycle's where this cycle has none), price and
    mix the revaluation of last cycle's plan at those prices."""
    families, window = grids[CURRENT].index, grids[CURRENT].columns
    today = price.fillna(price_before)
    values = {step: _valued(grids[step], today) for step in DRIVERS}
    for step, frame in ((PREVIOUS, money_before), (CURRENT, money)):
        values[step] = _monthly(frame, "revenue", families, window).sum(axis=1, skipna=False)
    cents = ((values[CURRENT] - _valued(grids[CURRENT], price))
             - (values[PREVIOUS] - _valued(grids[PREVIOUS], price_before)))
    values[PRICE_AND_MIX] = _valued(grids[PREVIOUS], today - price_before) + cents
    return values


def _valued(units: pd.DataFrame, price: pd.DataFrame) -> pd.Series:
    """Units x price summed per family; zero units are worth 0 even without a price."""
    return (units * price).where(units != 0, 0.0).sum(axis=1, skipna=False)


def _per_family(figures: dict[str, pd.Series]) -> pd.DataFrame:
    """Figures per step as a frame of families (rows) by step, with a Total row."""
    table = pd.DataFrame(figures)
    table.loc[TOTAL] = table.sum(skipna=False)
    return table


def _scenario(scenario_money: pd.DataFrame | None, units: pd.Series, values: pd.Series,
              window: pd.PeriodIndex) -> tuple[pd.Series, pd.Series]:
    """Units and revenue per family (and Total) of the recommended scenario over the window:
    the current plan's where there is no scenario or it does not plan the family."""
    if scenario_money is None:
        return units, values
    families = units.index.drop(TOTAL)
    planned = pd.Series(families, index=families).isin(scenario_money["family"])
    figures = []
    for column, plan_figure in (("units", units), ("revenue", values)):
        own = _monthly(scenario_money, column, list(families), window).sum(axis=1)
        figure = own.where(planned, plan_figure.drop(TOTAL))
        figures.append(pd.concat([figure, pd.Series({TOTAL: figure.sum(skipna=False)})]))
    return tuple(figures)


def _price_notes(price: pd.DataFrame, price_before: pd.DataFrame, units: pd.DataFrame,
                 values: pd.DataFrame) -> dict[str, str]:
    """Per family, how its drivers are priced when this cycle's money view does not price it."""
    borrowed = (price.isna() & price_before.notna()).any(axis=1)
    unknown = (units.notna() & values.isna()).drop(index=TOTAL).any(axis=1)
    notes = {family: "valued at last cycle's price" for family in borrowed.index[borrowed]}
    notes.update({family: "no price: value unknown" for family in unknown.index[unknown]})
    return notes


def _family_note(step: str, family: str, current: dict, previous: dict,
                 scenario: pd.DataFrame | None) -> str:
    """What a family's first or last steps rest on when a plan does not hold it."""
    if family == TOTAL:
        return ""
    if step == PREVIOUS and previous["money"] is not None and \
            family not in set(previous["money"]["family"]):
        return "not in last cycle's plan"
    if step == CURRENT and family not in set(current["money"]["family"]):
        return "not in this cycle's plan"
    if step == SCENARIO and scenario is None:
        return "no scenario recommended: the current plan"
    if step == SCENARIO and family not in set(scenario["family"]):
        return "not in the scenario: the current plan"
    return ""
