"""Plan versus actual over the last closed months: production adherence and sales against plan.

Plan of record. The plan of record of month M is what cycle M planned for it: cycle M is run
with history through M-1 and plans months M .. M+H-1, so M is its first month (lag 1, as in
`sop_lib.store.archive`). Production, shipments, inventory and backlog come from
`<archive_dir>/<M>/artifacts/plan.parquet`; sales from `consensus.parquet` (per SKU, summed per
family). When cycle M holds nothing for a family (not archived, or archived without that family),
the most recent earlier cycle that planned the family for M stands in: `lag` says which
(2 = cycle M-1) and `note` says so. When no archived cycle planned it, the planned figure is NaN
and the note says why; a new adopter with no archive at all gets rows, never an error.

Comparison of a family and month: difference = actual - planned (positive: more than planned);
adherence = 1 - |difference| / planned, floored at 0 (a month off by more than its whole plan
scores 0) and NaN when nothing was planned. Actual production is production_history; a month
without a row is NaN, not zero, because the contract does not require every month there. Actual
sales are bookings, the demand the consensus forecasts (as in `sop_lib.demand.accuracy`), summed
over the family's SKUs; demand_history holds every month of every SKU, so a missing row is zero.

Summary of a family over the window: adherence = 1 - sum |difference| / sum planned over the
months that have both figures. Status: "green" from PLAN_ADHERENCE_TARGET (0.95: within 5 % of
plan, a common S&OP aim), "amber" from PLAN_ADHERENCE_AMBER (0.90), "red" below, "n/a" when no
month can be compared (the lights of `sop_lib.executive.kpis`). A value exactly on a threshold gets
the better colour.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from sop_lib.core.errors import ParameterError
from sop_lib.core.months import month_label, month_range, parse_month
from sop_lib.core.names import KEY
from sop_lib.core.status import AMBER, GREEN, NOT_AVAILABLE, RED
from sop_lib.data.actuals import family_history
from sop_lib.data.company import Company
from sop_lib.store.archive import ARTIFACTS, CONSENSUS_FILE, cycle_folder, read_artifact

PLAN_FILE = "plan.parquet"
NO_PRODUCTION_NOTE = "no production_history row for this month"
PLAN_ADHERENCE_TARGET = 0.95
PLAN_ADHERENCE_AMBER = 0.90
_TOLERANCE = 1e-9

RECORD_COLUMNS = [*KEY, "cycle_used", "lag", "note"]
COMPARISON_DTYPES = {
    "family": str, "month": pd.PeriodDtype("M"), "planned": float, "actual": float,
    "difference": float, "adherence": float, "cycle_used": pd.PeriodDtype("M"), "lag": "Int64",
    "note": str,
}
SUMMARY_COLUMNS = ["family", "months", "planned", "actual", "difference", "adherence", "target",
                   "status", "note"]


def closed_months(company: Company, *, months: int) -> pd.PeriodIndex:
    """The last `months` closed months, oldest first, ending at the last closed month."""
    if not isinstance(months, int) or months < 1:
        raise ParameterError("the number of closed months to look back must be a whole number "
                             f"of 1 or more, got {months!r}")
    return month_range(company.last_closed_month - (months - 1), months)


def archived_plan(archive_dir: Path | str | None, families: Iterable[str],
                  months: Iterable[pd.Period], *,
                  columns: Iterable[str] = ("production",)) -> pd.DataFrame:
    """The archived plan of record of every family and month, from the cycles' plan.parquet.

    Returns columns family, month, cycle_used (the cycle whose plan was used, NaT when none),
    lag (month - cycle_used + 1), note (empty for a lag 1 plan) and the requested plan columns,
    sorted by family and month.
    """
    return _latest_archived(archive_dir, families, months, file=PLAN_FILE,
                            columns=list(columns), what="plan")


def archived_consensus(archive_dir: Path | str | None, families: Iterable[str],
                       months: Iterable[pd.Period]) -> pd.DataFrame:
    """The archived consensus demand of every family and month (its SKUs' consensus summed).

    Columns as `archived_plan`, with the value column consensus (units).
    """
    return _latest_archived(archive_dir, families, months, file=CONSENSUS_FILE,
                            columns=["consensus"], what="consensus")


def production_adherence(company: Company, archive_dir: Path | str | None, *,
                         months: int = 3) -> pd.DataFrame:
    """Production against the plan of record per family over the last `months` closed months.

    Returns columns family, month, planned, actual, difference, adherence, cycle_used, lag and
    note, one row per family of the company and month, sorted by family and month.
    """
    record = archived_plan(archive_dir, company.families["family"],
                           closed_months(company, months=months))
    return production_vs_record(company, record)


def sales_vs_plan(company: Company, archive_dir: Path | str | None, *,
                  months: int = 3) -> pd.DataFrame:
    """Bookings against the archived consensus per family over the last `months` closed months.

    Same columns as `production_adherence`: planned is the consensus of record, actual the
    family's bookings.
    """
    record = archived_consensus(archive_dir, company.families["family"],
                                closed_months(company, months=months))
    return sales_vs_record(company, record)


def production_vs_record(company: Company, record: pd.DataFrame) -> pd.DataFrame:
    """Compare production_history with the `production` of an `archived_plan` frame."""
    produced = company.production_history.groupby(KEY)["quantity"].sum()
    actual = _aligned(produced, record)
    missing = np.where(np.isnan(actual), NO_PRODUCTION_NOTE, "")
    return _compared(record, "production", actual, missing)


def sales_vs_record(company: Company, record: pd.DataFrame) -> pd.DataFrame:
    """Compare bookings with the `consensus` of an `archived_consensus` frame."""
    booked = family_history(company).set_index(KEY)["bookings"]
    actual = np.nan_to_num(_aligned(booked, record), nan=0.0)
    return _compared(record, "consensus", actual, np.full(len(record), ""))


def adherence_summary(comparison: pd.DataFrame) -> pd.DataFrame:
    """One row per family of a comparison (`production_adherence` or `sales_vs_plan`).

    Returns columns family, months (months with both figures), planned, actual, difference
    (sums over those months; NaN when there is none), adherence (1 - sum |difference| / sum
    planned), target (PLAN_ADHERENCE_TARGET), status and note, sorted by family.
    """
    both = comparison["planned"].notna() & comparison["actual"].notna()
    compared = comparison[both].assign(error=lambda rows: rows["difference"].abs())
    sums = compared.groupby("family")[["planned", "actual", "difference", "error"]].sum()
    sums["months"] = compared.groupby("family").size()
    summary = (pd.DataFrame({"family": sorted(set(comparison["family"]))})
               .merge(sums.reset_index(), on="family", how="left"))
    summary["months"] = summary["months"].fillna(0).astype("int64")
    planned = summary["planned"].where(summary["planned"] > 0)
    summary["adherence"] = (1 - summary["error"] / planned).clip(lower=0.0)
    summary["target"] = PLAN_ADHERENCE_TARGET
    summary["status"] = summary["adherence"].map(adherence_status)
    window = comparison.groupby("family")["month"].nunique()
    reasons = comparison[comparison["note"] != ""].groupby("family")["note"].first()
    fallbacks = compared[compared["lag"] > 1].groupby("family").size()
    summary["note"] = [
        _summary_note(row.months, window[row.family], reasons.get(row.family, ""),
                      fallbacks.get(row.family, 0))
        for row in summary.itertuples(index=False)]
    return summary[SUMMARY_COLUMNS]


def adherence_status(value: float) -> str:
    """Green from PLAN_ADHERENCE_TARGET, amber from PLAN_ADHERENCE_AMBER, red below."""
    if value is None or np.isnan(value):
        return NOT_AVAILABLE
    if value >= PLAN_ADHERENCE_TARGET - _TOLERANCE:
        return GREEN
    return AMBER if value >= PLAN_ADHERENCE_AMBER - _TOLERANCE else RED


def _summary_note(months: int, window: int, reason: str, fallback_months: int) -> str:
    """Why a family's summary is missing or partial; empty when every month was compared."""
    if months == 0:
        return reason or "no month with both a plan and an actual"
    notes = []
    if months < window:
        notes.append(f"{months} of {window} months compared")
    if fallback_months:
        notes.append(f"{fallback_months} month(s) compared with an earlier cycle's plan "
                     "(lag 2 or more)")
    return "; ".join(notes)


def _compared(record: pd.DataFrame, planned_column: str, actual: np.ndarray,
              actual_notes: np.ndarray) -> pd.DataFrame:
    """planned, actual, difference and adherence per record row, with the notes combined."""
    planned = record[planned_column].to_numpy(dtype=float)
    difference = actual - planned
    with np.errstate(divide="ignore", invalid="ignore"):
        adherence = np.where(planned > 0, np.clip(1 - np.abs(difference) / planned, 0.0, None),
                             np.nan)
    nothing_planned = np.where(planned == 0, "nothing planned: adherence undefined", "")
    notes = [_joined(*parts) for parts in zip(record["note"], actual_notes, nothing_planned)]
    result = pd.DataFrame({
        "family": record["family"].to_numpy(), "month": record["month"].to_numpy(),
        "planned": planned, "actual": actual, "difference": difference, "adherence": adherence,
        "cycle_used": record["cycle_used"].to_numpy(), "lag": record["lag"].to_numpy(),
        "note": notes,
    })
    return result.astype(COMPARISON_DTYPES)


def _aligned(values: pd.Series, record: pd.DataFrame) -> np.ndarray:
    """The values of a (family, month) series for each record row; NaN where it has none."""
    index = pd.MultiIndex.from_frame(record[KEY])
    return values.reindex(index).to_numpy(dtype=float)


def _joined(*notes: str) -> str:
    return "; ".join(note for note in notes if note)


def _latest_archived(archive_dir, families, months, *, file: str, columns: list[str],
                     what: str) -> pd.DataFrame:
    """For each family and month, the values of the latest archived cycle at or before it."""
    months = pd.PeriodIndex(list(months), freq="M").sort_values()
    grid = pd.MultiIndex.from_product([sorted(set(families)), months],
                                      names=KEY).to_frame(index=False)
    archived = _archived(archive_dir, file, columns, months)
    if archived.empty:
        found = grid.assign(cycle=pd.NaT)
    else:
        candidates = archived[archived["cycle"] <= archived["month"]].sort_values("cycle")
        found = grid.merge(candidates.groupby(KEY, sort=False).tail(1), on=KEY, how="left")
    found = found.reindex(columns=[*KEY, "cycle", *columns]).astype(
        {"cycle": pd.PeriodDtype("M"), **{column: float for column in columns}})
    lag = pd.array([(month - cycle).n + 1 if not pd.isna(cycle) else pd.NA
                    for month, cycle in zip(found["month"], found["cycle"])], dtype="Int64")
    notes = (f"no archived {what} yet: no cycle of the plan archive holds {file} (a new "
             "adopter; plan versus actual starts once cycles are published)"
             if archived.empty else
             [_record_note(what, file, month, cycle, step)
              for month, cycle, step in zip(found["month"], found["cycle"], lag)])
    found = found.rename(columns={"cycle": "cycle_used"}).assign(lag=lag, note=notes)
    return found.astype({"note": str})[[*RECORD_COLUMNS, *columns]]


def _record_note(what: str, file: str, month: pd.Period, cycle, lag) -> str:
    if pd.isna(cycle):
        return f"no archived cycle planned this family for {month_label(month)} (no {file})"
    if lag == 1:
        return ""
    return (f"cycle {month_label(month)} has no {what} of this family: {what} of cycle "
            f"{month_label(cycle)} used (lag {lag})")


def _archived(archive_dir, file: str, columns: list[str],
              months: pd.PeriodIndex) -> pd.DataFrame:
    """Rows cycle, family, month, *columns of every archived cycle's `file`, summed per family.

    Only cycles up to the last of `months` are read, and only the rows of `months`.
    """
    frames = []
    for cycle in _cycles_holding(archive_dir, file):
        if cycle <= months.max():
            rows = read_artifact(cycle_folder(archive_dir, cycle) / ARTIFACTS / file,
                                 [*KEY, *columns])
            rows = rows[rows["month"].isin(months)]
            sums = rows.groupby(KEY, sort=False)[columns].sum(min_count=1).reset_index()
            frames.append(sums.assign(cycle=cycle))
    if not frames:
        return pd.DataFrame(columns=["cycle", *KEY, *columns])
    return pd.concat(frames, ignore_index=True)


def _cycles_holding(archive_dir, file: str) -> list[pd.Period]:
    """The cycles of the archive whose folder holds artifacts/`file`, oldest first."""
    if archive_dir is None or not Path(archive_dir).is_dir():
        return []
    cycles = {parse_month(folder.name) for folder in Path(archive_dir).iterdir()}
    return sorted(cycle for cycle in cycles - {None}
                  if (cycle_folder(archive_dir, cycle) / ARTIFACTS / file).is_file())


def adherence_kpi(comparison: pd.DataFrame) -> tuple:
    """The headline KPI row (kpi, value, target, unit, status, comment) of production
    adherence over all families and the compared months."""
    both = comparison[comparison["planned"].notna() & comparison["actual"].notna()]
    planned = both["planned"].sum()
    name = "Plan adherence (production)"
    if planned <= 0:
        return (name, np.nan, PLAN_ADHERENCE_TARGET, "share", NOT_AVAILABLE,
                "No archived plan of record for the last closed months yet.")
    value = max(0.0, 1 - both["difference"].abs().sum() / planned)
    months = both["month"].nunique()
    return (name, value, PLAN_ADHERENCE_TARGET, "share", adherence_status(value),
            f"1 - |actual - plan| / plan over {months} closed month(s), all families.")
