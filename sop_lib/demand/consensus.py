"""Consensus demand: the statistical forecast changed by sales and marketing overrides.

Family-level overrides change a family's monthly total and spread it over the family's SKUs in
proportion to their statistical forecast; SKU-level overrides then set single SKU-months, so a
SKU override wins over its family's spread. Both kinds work from the statistical forecast.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sop_lib.core.errors import DataError, Problem
from sop_lib.core.frames import join_on_key
from sop_lib.core.months import month_label
from sop_lib.data.override_log import (
    IN_FORCE,
    WITHDRAWAL,
    from_month,
    in_force,
    override_log,
)

OVERRIDES_FILE = "overrides.csv"
OVERRIDE_COLUMNS = ["level", "code", "month", "kind", "value", "owner", "reason"]
CONSENSUS_COLUMNS = ["sku", "family", "month", "statistical", "consensus", "unit_price",
                     "consensus_value"]
AUDIT_COLUMNS = OVERRIDE_COLUMNS + ["statistical", "consensus", "change", "note"]
FAMILY_COLUMNS = ["family", "month", "statistical", "consensus", "consensus_value"]
LOG_AUDIT_COLUMNS = ["row", "status", "by", "action", "entered", *AUDIT_COLUMNS]
IN_FORCE_COLUMNS = ["row", "level", "code", "month", "kind", "value", "owner", "reason",
                    "entered", "statistical", "consensus", "change", "note"]
HISTORY_COLUMNS = ["row", "what", "level", "code", "month", "kind", "value", "owner", "reason",
                   "entered"]
LEVEL_ORDER = ("family", "sku")
KINDS = ("absolute", "percent")
_NAMES = {"sku": "SKU", "family": "family"}


def apply_overrides(forecast: pd.DataFrame, overrides: pd.DataFrame, items: pd.DataFrame, *,
                    origin: tuple[str, np.ndarray] | None = None
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply overrides to a statistical forecast; return (consensus, audit).

    `forecast` has statistical_forecast's columns, `overrides` the overrides table's, `items`
    the items table's. absolute sets the units; percent multiplies them by (1 + value/100).
    Negative results are clipped to 0. Raises DataError listing every override that names an
    unknown SKU or family, a month outside the forecast, or repeats a level, code and month,
    by the file and spreadsheet row of `origin` (`Company.origin("overrides")`; without it,
    overrides.csv and rows 2, 3, ... in the overrides' order).

    consensus: one row per forecast row, same order, columns sku, family, month, statistical,
    consensus (units), unit_price and consensus_value (consensus x unit_price).
    audit: one row per override, in the overrides' order, with the override's columns plus
    statistical and consensus (units at the override's level: the family total or the SKU, after
    all overrides), change (consensus - statistical) and note (clipping, equal split, SKU
    overrides inside a family override).
    """
    _check(forecast, overrides, items, origin or (OVERRIDES_FILE, np.arange(len(overrides)) + 2))
    keys = forecast[["sku", "family", "month"]]
    statistical = forecast["forecast"].to_numpy(dtype=float)
    consensus = statistical.copy()
    masks = [((keys[level] == code) & (keys["month"] == month)).to_numpy()
             for level, code, month
             in overrides[["level", "code", "month"]].itertuples(index=False)]
    notes = [""] * len(masks)
    for level in LEVEL_ORDER:
        for position, override in enumerate(overrides.itertuples(index=False)):
            if override.level == level:
                mask = masks[position]
                consensus[mask], notes[position] = _overridden(statistical[mask], override.kind,
                                                               override.value)
    result = keys.assign(statistical=statistical, consensus=consensus)
    result["unit_price"] = join_on_key(result[["sku"]], items, "sku", ["unit_price"],
                                       how="left")["unit_price"].to_numpy(dtype=float)
    result["consensus_value"] = result["consensus"] * result["unit_price"]
    return result[CONSENSUS_COLUMNS], _audit(overrides, masks, notes, statistical,
                                             consensus)


def apply_override_log(forecast: pd.DataFrame, overrides: pd.DataFrame, items: pd.DataFrame,
                       *, origin: tuple[str, np.ndarray] | None = None
                       ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`apply_overrides` with the overrides in force of the overrides log
    (`sop_lib.data.override_log`); return (consensus, audit).

    Rows of months before the forecast's (earlier cycles') are left out.

    audit: every row of the log in key order (level, code, month, then the log's order) as the
    company's table is, LOG_AUDIT_COLUMNS: its spreadsheet `row` (for a table read from a
    database, its row in the query's result), its `status` (in force, changed, withdrawn,
    withdrawal) and `by` (the row that changed or withdrew it, or the row a withdrawal
    withdrew), then for the rows in force their effect as `apply_overrides` audits it (NaN and
    no note for the others).
    """
    file, rows = origin or (OVERRIDES_FILE, np.arange(len(overrides)) + 2)
    log = override_log(overrides, rows)
    if len(forecast):
        log = from_month(log, forecast["month"].min())
    current = in_force(log)
    consensus, effect = apply_overrides(forecast, current[OVERRIDE_COLUMNS], items,
                                        origin=(file, current["row"].to_numpy()))
    measured = ["statistical", "consensus", "change", "note"]
    audit = log.merge(effect[measured].assign(row=current["row"].to_numpy()), on="row",
                      how="left").sort_values(["level", "code", "month"], kind="stable")
    audit["note"] = audit["note"].fillna("").astype(str)
    audit["entered"] = audit["entered"].fillna("").astype(str)
    return consensus, audit[LOG_AUDIT_COLUMNS].reset_index(drop=True)


def overrides_in_force(audit: pd.DataFrame) -> pd.DataFrame:
    """The overrides in force of a log audit, with their effect (IN_FORCE_COLUMNS)."""
    return audit.loc[audit["status"] == IN_FORCE, IN_FORCE_COLUMNS].reset_index(drop=True)


def override_history(audit: pd.DataFrame) -> pd.DataFrame:
    """The rows of a log audit no longer in force and the withdrawals, with what became of
    each ("changed by row 9", "withdrawn by row 10", "withdraws row 8"): HISTORY_COLUMNS."""
    past = audit[audit["status"] != IN_FORCE]
    what = [f"withdraws row {by}" if status == WITHDRAWAL else f"{status} by row {by}"
            for status, by in zip(past["status"], past["by"])]
    return past.assign(what=what)[HISTORY_COLUMNS].reset_index(drop=True)


def family_demand(consensus: pd.DataFrame) -> pd.DataFrame:
    """Sum consensus SKU rows per family and month.

    Returns columns family, month, statistical, consensus, consensus_value, sorted by family and
    month; a SKU without a price makes its family-month's value NaN rather than too low.
    """
    columns = ["statistical", "consensus", "consensus_value"]
    grouped = consensus.groupby(["family", "month"], sort=True)[columns]
    return grouped.sum(skipna=False).reset_index()[FAMILY_COLUMNS]


def horizon_totals(demand: pd.DataFrame) -> pd.DataFrame:
    """Per family, `family_demand` summed over the horizon, and how far the consensus moved the
    statistical forecast (change_pct, NaN where the statistical forecast is zero).

    A family-month without a value keeps its family's total value NaN rather than too low.
    """
    columns = ["statistical", "consensus", "consensus_value"]
    totals = demand.groupby("family", sort=True)[columns].sum(skipna=False).reset_index()
    totals["change_pct"] = (totals["consensus"]
                            / totals["statistical"].where(totals["statistical"] != 0) - 1)
    return totals


def _overridden(statistical: np.ndarray, kind: str, value: float) -> tuple[np.ndarray, str]:
    """New units for the rows an override covers, spread over them by statistical share."""
    total = statistical.sum()
    target = value if kind == "absolute" else total * (1 + value / 100)
    notes = []
    if target < 0:
        target = 0.0
        notes.append("negative result clipped to 0")
    if total > 0:
        shares = statistical / total
    else:
        shares = np.full(statistical.size, 1 / statistical.size)
        if statistical.size > 1:
            notes.append(f"no statistical forecast: split equally over {statistical.size} SKUs")
    return target * shares, "; ".join(notes)


def _audit(overrides: pd.DataFrame, masks: list[np.ndarray], notes: list[str],
           statistical: np.ndarray, consensus: np.ndarray) -> pd.DataFrame:
    audit = overrides[OVERRIDE_COLUMNS].reset_index(drop=True)
    audit["statistical"] = [statistical[mask].sum() for mask in masks]
    audit["consensus"] = [consensus[mask].sum() for mask in masks]
    audit["change"] = audit["consensus"] - audit["statistical"]
    levels, codes = audit["level"].tolist(), audit["code"].tolist()
    for family in (p for p, level in enumerate(levels) if level == "family"):
        inside = [codes[s] for s, level in enumerate(levels)
                  if level == "sku" and (masks[s] & masks[family]).any()]
        if inside:
            notes[family] = "; ".join(filter(None, [
                notes[family], f"includes SKU override(s) on {', '.join(inside)}"]))
    audit["note"] = pd.Series(notes, dtype=str)
    return audit[AUDIT_COLUMNS]


def _check(forecast: pd.DataFrame, overrides: pd.DataFrame, items: pd.DataFrame,
           origin: tuple[str, np.ndarray]) -> None:
    """Raise DataError listing every override that cannot be applied to this forecast."""
    months = set(forecast["month"].unique())
    span = (f"{month_label(min(months))} to {month_label(max(months))}" if months
            else "none: the forecast is empty")
    codes = {level: (set(items[level].unique()), set(forecast[level].unique()))
             for level in ("sku", "family")}
    repeated = overrides.duplicated(subset=["level", "code", "month"]).to_numpy()
    file, rows = origin
    problems = []
    for position, (_, override) in enumerate(overrides.iterrows()):
        faults = _faults(override, codes, months, span, repeated=repeated[position])
        problems += [Problem(file, expected, row=int(rows[position]), column=column,
                             value=_shown(override[column]))
                     for column, expected in faults]
    if problems:
        raise DataError(problems)


def _faults(override: pd.Series, codes: dict, months: set, span: str, *,
            repeated: bool) -> list[tuple[str, str]]:
    """(column, what was expected) for everything wrong with one override."""
    faults = []
    level, code = override["level"], override["code"]
    if level not in codes:
        faults.append(("level", "sku or family"))
    elif code not in codes[level][0]:
        faults.append(("code", f"a {_NAMES[level]} defined in items"))
    elif code not in codes[level][1]:
        faults.append(("code", (f"a {_NAMES[level]} with a statistical forecast (inactive "
                                "SKUs have none)")))
    if override["kind"] not in KINDS:
        faults.append(("kind", "absolute or percent"))
    if pd.isna(override["value"]):
        faults.append(("value", "a number: units (absolute) or a percent change (percent)"))
    if pd.isna(override["month"]) or override["month"] not in months:
        faults.append(("month", f"a month of the forecast ({span})"))
    if repeated:
        faults.append(("code", ("one override per level, code and month (an earlier row "
                                "has the same)")))
    return faults


def _shown(value):
    return month_label(value) if isinstance(value, pd.Period) else value
