"""The plan-change bridge: how each family's plan for the next 12 months moved since last cycle.

The quantity bridged is a family's planned shipments (units) summed over the window: the months
of the next `months` (12) from the cycle that last cycle's archived artifacts cover too, so both
plans are summed over the same months and no closed month enters either side.

Why it moves. The backlog identity summed over the window gives, for any plan,
    shipments = opening backlog + demand - closing backlog,
the opening backlog being the one carried into the window's first month and demand the consensus.
The bridge walks from last cycle's plan to this cycle's through five drivers, each the change of
one part of that sum (this cycle's figure minus last cycle's, over the window):
- new actuals: the opening backlog: what the just-closed month actually left (this plan's
  opening) minus what last cycle planned it to leave (its backlog at the end of that month).
  MTS plans open with no backlog, so for MTS families the closed month acts through demand;
- statistical refresh: the statistical forecast (SKU `forecast` summed per family);
- overrides: consensus - statistical forecast, what sales and marketing changed;
- constraints: shipments - consensus - opening backlog, i.e. minus the closing backlog when the
  plan ships the consensus: what capacity cuts and the backlog targets leave unshipped at the
  window's end;
- scenario: the chosen scenario's shipments - the baseline plan's (0 when none is chosen).
The five parts telescope: previous + drivers = current exactly (up to floating-point rounding).
Money is units x this cycle's family price over the window (consensus value / consensus units;
the plain mean of its SKU prices without consensus; last cycle's price for a family no longer
planned), so money parts add up too. A "Total" row adds the families.

When last cycle is not in the archive, or was backfilled (a statistical forecast only), the
drivers that need what is missing are NaN and their note says what is missing; the rest are
still shown. Never an error for a missing cycle; an unreadable archived file is a SopError.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .archive import (ARTIFACTS, BACKFILL_FILE, CONSENSUS_FILE, FORECAST_FILE, cycle_folder,
                      read_artifact)
from .errors import SopError
from .finance import TOTAL, span_label
from .months import month_label

WINDOW_MONTHS = 12
PLAN_FILE = "plan.parquet"
PREVIOUS, CURRENT = "previous plan", "current plan"
DRIVERS = ("new actuals", "statistical refresh", "overrides", "constraints", "scenario")
STEPS = (PREVIOUS, *DRIVERS, CURRENT)
BRIDGE_COLUMNS = ["family", "months", "driver", "units", "value", "note"]

_FILES = {"forecast": (FORECAST_FILE, ["sku", "family", "month", "forecast"]),
          "consensus": (CONSENSUS_FILE, ["sku", "family", "month", "consensus",
                                         "consensus_value", "unit_price"]),
          "plan": (PLAN_FILE, ["family", "month", "demand", "shipments", "backlog"])}
# the last-cycle artifacts each row needs
_NEEDS = {PREVIOUS: ("plan",), "new actuals": ("plan",), "statistical refresh": ("forecast",),
          "overrides": ("forecast", "consensus"), "constraints": ("consensus", "plan"),
          "scenario": (), CURRENT: ()}


def bridge_by_family(cycle: pd.Period | str, *, forecast: pd.DataFrame,
                     consensus: pd.DataFrame, plan: pd.DataFrame, archive_dir: Path | str,
                     scenario: pd.DataFrame | None = None,
                     months: int = WINDOW_MONTHS) -> pd.DataFrame:
    """The bridge per family, long: one row per family and step, a Total row last.

    `forecast`, `consensus` and `plan` are this cycle's artifacts, `scenario` the plan frame of
    the scenario chosen (None: the baseline `plan` is chosen). Last cycle's artifacts are read
    from `<archive_dir>/<cycle - 1>/artifacts/`. Returns `family, months, driver, units, value,
    note`: driver runs "previous plan", the DRIVERS, "current plan"; months is the window.
    """
    cycle = pd.Period(cycle, freq="M")
    previous, missing = _last_cycle(archive_dir, cycle)
    current = {"forecast": forecast, "consensus": consensus, "plan": plan}
    window = _window(cycle, months, plan, previous)
    if window.empty:
        previous = dict.fromkeys(previous)
        missing = (f"cycle {month_label(cycle - 1)} plans none of the months "
                   f"{month_label(cycle)} to {month_label(cycle + months - 1)}")
        window = _window(cycle, months, plan, previous)
    families = _families(current, previous, scenario)
    figures = _figures(current, previous, scenario, window, families)
    price, price_note = _prices(current["consensus"], previous["consensus"], window, families)
    rows = []
    for family in [*families, TOTAL]:
        for step in STEPS:
            if family == TOTAL:
                units = figures[step].sum(skipna=False)
                value = (figures[step] * price).sum(skipna=False)
            else:
                units = figures[step][family]
                value = units * price[family]
            notes = [missing if any(previous[name] is None for name in _NEEDS[step]) else "",
                     _family_note(step, family, current, previous, scenario),
                     price_note.get(family, "") if step == CURRENT else ""]
            rows.append({"family": family, "driver": step, "units": units, "value": value,
                         "note": "; ".join(note for note in notes if note)})
    bridge = pd.DataFrame(rows).astype({"units": float, "value": float, "note": str})
    bridge.insert(1, "months", span_label(window[0], window[-1]))
    return bridge[BRIDGE_COLUMNS]


def bridge_table(bridge: pd.DataFrame, *, measure: str = "units") -> pd.DataFrame:
    """The bridge wide, one row per family: `family, months, previous, new_actuals,
    statistical_refresh, overrides, constraints, scenario, current, check, note`.

    `measure` is "units" or "value". check = previous + the drivers - current, rounded to 6
    decimals: 0 when the parts add up, NaN when a part is unknown. note joins the rows' notes.
    """
    if measure not in ("units", "value"):
        raise SopError(f"measure must be units or value, got {measure!r}")
    order = list(dict.fromkeys(bridge["family"]))
    wide = bridge.pivot(index="family", columns="driver", values=measure).reindex(order)
    columns = {PREVIOUS: "previous", **{d: d.replace(" ", "_") for d in DRIVERS},
               CURRENT: "current"}
    wide = wide[list(columns)].rename(columns=columns)
    drivers = [columns[d] for d in DRIVERS]
    wide["check"] = (wide["previous"] + wide[drivers].sum(axis=1, skipna=False)
                     - wide["current"]).round(6) + 0.0
    groups = bridge.groupby("family", sort=False)
    wide["note"] = groups["note"].agg(lambda notes: "; ".join(dict.fromkeys(n for n in notes
                                                                             if n)))
    wide.insert(0, "months", groups["months"].first())
    return wide.reset_index().rename_axis(columns=None)


def _last_cycle(archive_dir: Path | str, cycle: pd.Period) -> tuple[dict, str]:
    """Last cycle's forecast, consensus and plan (None where not archived) and what is missing."""
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
    if (folder / BACKFILL_FILE).is_file():
        return frames, f"cycle {label} is backfilled: it has no {' or '.join(absent)}"
    return frames, f"cycle {label} is archived without its {' or '.join(absent)}"


def _window(cycle: pd.Period, months: int, plan: pd.DataFrame, previous: dict) -> pd.PeriodIndex:
    """The next `months` months from the cycle that this plan and every archived frame cover."""
    covered = set(pd.period_range(cycle, periods=months, freq="M")) & set(plan["month"].unique())
    for frame in previous.values():
        if frame is not None:
            covered &= set(frame["month"].unique())
    return pd.PeriodIndex(sorted(covered), freq="M")


def _families(current: dict, previous: dict, scenario: pd.DataFrame | None) -> list[str]:
    frames = [*current.values(), *previous.values(), scenario]
    return sorted(set().union(*(set(f["family"].unique()) for f in frames if f is not None)))


def _figures(current: dict, previous: dict, scenario: pd.DataFrame | None,
             window: pd.PeriodIndex, families: list[str]) -> dict[str, pd.Series]:
    """Units per family of every step of the bridge (NaN where last cycle's input is missing)."""
    def summed(frame, column):
        if frame is None:
            return pd.Series(float("nan"), index=families)
        rows = frame[frame["month"].isin(window)]
        return rows.groupby("family")[column].sum().reindex(families, fill_value=0.0)

    def opening(frame):
        """Backlog carried into the window's first month: the backlog identity run backward."""
        if frame is None:
            return pd.Series(float("nan"), index=families)
        first = frame[frame["month"] == window[0]].set_index("family")
        carried = first["backlog"] - first["demand"] + first["shipments"]
        return carried.groupby(level=0).sum().reindex(families, fill_value=0.0)

    baseline = summed(current["plan"], "shipments")
    chosen = baseline if scenario is None else summed(scenario, "shipments").where(
        pd.Series(families, index=families).isin(scenario["family"]), baseline)
    before = summed(previous["plan"], "shipments")
    statistical = summed(current["forecast"], "forecast")
    statistical_before = summed(previous["forecast"], "forecast")
    agreed = summed(current["consensus"], "consensus")
    agreed_before = summed(previous["consensus"], "consensus")
    carried, carried_before = opening(current["plan"]), opening(previous["plan"])
    return {
        PREVIOUS: before,
        "new actuals": carried - carried_before,
        "statistical refresh": statistical - statistical_before,
        "overrides": (agreed - statistical) - (agreed_before - statistical_before),
        "constraints": ((baseline - agreed - carried)
                        - (before - agreed_before - carried_before)),
        "scenario": chosen - baseline,
        CURRENT: chosen,
    }


def _prices(consensus: pd.DataFrame, consensus_before: pd.DataFrame | None,
            window: pd.PeriodIndex, families: list[str]) -> tuple[pd.Series, dict[str, str]]:
    """This cycle's unit price per family over the window, last cycle's where it has none."""
    price = _price(consensus, window).reindex(families)
    notes = {}
    if consensus_before is not None:
        fallback = _price(consensus_before, window).reindex(families)
        borrowed = price.isna() & fallback.notna()
        price = price.fillna(fallback)
        notes = {family: "valued at last cycle's price" for family in price.index[borrowed]}
    notes.update({family: "no price: value unknown" for family in price.index[price.isna()]})
    return price, notes


def _price(consensus: pd.DataFrame, window: pd.PeriodIndex) -> pd.Series:
    """Consensus value / consensus units per family; the mean SKU price without consensus."""
    rows = consensus[consensus["month"].isin(window)]
    sums = rows.groupby("family")[["consensus_value", "consensus"]].sum()
    weighted = sums["consensus_value"] / sums["consensus"].where(sums["consensus"] > 0)
    return weighted.fillna(rows.groupby("family")["unit_price"].mean())


def _family_note(step: str, family: str, current: dict, previous: dict,
                 scenario: pd.DataFrame | None) -> str:
    """What a family's first or last step rests on when a plan does not hold it."""
    if family == TOTAL:
        return ""
    if step == PREVIOUS and previous["plan"] is not None and \
            family not in set(previous["plan"]["family"]):
        return "not in last cycle's plan"
    if step == CURRENT and family not in set(current["plan"]["family"]):
        return "not in this cycle's plan"
    if step == "scenario" and scenario is None:
        return "no scenario chosen: the baseline plan"
    if step == "scenario" and family not in set(scenario["family"]):
        return "not in the scenario: the baseline plan"
    return ""
