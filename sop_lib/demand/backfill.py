"""`sop backfill`: rebuild the statistical forecasts of past cycles, so accuracy has an archive.

A company that starts using the workbooks has no plan archive, so forecast accuracy at lag 3
would take three months to appear and a 12-month window a year. Backfill replays past cycles:
for cycle C it hides every actual from month C on (`truncate_history`), makes the statistical
forecast of months C .. C+H-1 as that cycle would have, and archives it as
`reports/<C>/artifacts/forecast.parquet` with `reports/<C>/backfill.json` (what was made, when,
and from which demand history: its file and SHA-256). There is no manifest.json, so the reports
index does not list the cycle as a pack; a later real run of the cycle replaces the folder.

Lags as in `sop_lib.store.archive`: cycle C's forecast of month M has lag M - C + 1.
Sales overrides are not replayed (they were never recorded), so a backfilled cycle has no
consensus, and accuracy reports its consensus figures as missing.
"""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from sop_lib.core.errors import ParameterError
from sop_lib.core.frames import is_in
from sop_lib.core.months import MONTH_FORMAT_HELP, month_label, parse_month
from sop_lib.data.company import Company
from sop_lib.data.history_matrix import HistoryMatrix
from sop_lib.demand.forecast import statistical_forecast
from sop_lib.store.archive import (
    ARTIFACTS,
    BACKFILL_FILE,
    archive_rows,
    cycle_folder,
    is_published,
    replace_folder,
)
from sop_lib.store.artifacts import ArtifactStore
from sop_lib.store.manifest import file_sha256, now, package_versions

MIN_HISTORY_MONTHS = 12
HISTORY_TABLES = ("demand_history", "inventory", "production_history")

Forecaster = Callable[..., pd.DataFrame]


def truncate_history(company: Company, cycle: pd.Period | str) -> Company:
    """The company as it stood when cycle `cycle` was planned: no month from `cycle` on.

    Demand, inventory and production history keep only months before the cycle. A SKU that is
    inactive today but booked demand in or after the cycle month was still on sale then, so it
    is made active again (otherwise the replayed forecast would leave it out).
    """
    cycle = pd.Period(cycle, freq="M")
    tables = dict(company.tables)
    for name in HISTORY_TABLES:
        table = tables[name]
        tables[name] = table[table["month"] < cycle].reset_index(drop=True)
    tables["items"] = _items_as_of(company.items, company.demand_history, cycle)
    return dataclasses.replace(company, **tables)


def backfill(company: Company, reports_dir: Path | str, *, first: pd.Period | str,
             last: pd.Period | str, horizon: int | None = None,
             progress: Callable[[str], None] = print,
             forecaster: Forecaster | None = None) -> list[Path]:
    """Archive the statistical forecast of every cycle from `first` to `last`; return the folders.

    Each cycle must have at least 13 months of history before it and at least its first month
    closed: first > first month of history + 12, last <= last closed month. `horizon` defaults
    to the company's horizon_months; `forecaster(company, cycle=..., horizon=...)` to
    `statistical_forecast`. A cycle with a published pack (manifest.json), or a folder that is
    neither a pack nor a backfill, is skipped and reported; an earlier backfill is replaced.
    Each folder is written in a staging folder first and moved into place when complete.
    """
    first, last = _month(first, "--from"), _month(last, "--to")
    _check_cycles(company, first, last)
    horizon = horizon or company.config.horizon_months
    reports_dir = Path(reports_dir)
    record = _record(company, horizon, forecaster or statistical_forecast)
    replay = _replaying(company, forecaster, horizon)
    cycles = pd.period_range(first, last, freq="M")
    written = []
    for number, cycle in enumerate(cycles, start=1):
        label = f"backfill {month_label(cycle)} ({number}/{len(cycles)})"
        folder = cycle_folder(reports_dir, cycle)
        reason = _reason_to_skip(folder)
        if reason:
            progress(f"{label} skipped: {reason}")
            continue
        progress(f"{label} ...")
        started = time.perf_counter()
        written.append(_write_entry(folder, replay(cycle), {
            **record, "cycle": month_label(cycle), "history_through": month_label(cycle - 1),
            "created": now()}))
        progress(f"{label} done in {time.perf_counter() - started:.1f} s")
    progress(f"backfill wrote {len(written)} of {len(cycles)} cycle(s) to {reports_dir}")
    return written


def with_replayed_cycles(company: Company, archive: pd.DataFrame, *, lags=(1, 3),
                         months: int = 12, forecaster: Forecaster | None = None
                         ) -> tuple[pd.DataFrame, list[pd.Period]]:
    """The archive completed, in memory, with the cycles the accuracy window needs but lacks.

    The window is the last `months` closed months; the cycle behind month M at lag L is
    M - L + 1. Each missing cycle that has enough history is replayed as `backfill` would
    (nothing is written, no consensus). Returns the archive rows and the cycles replayed.
    """
    last = company.last_closed_month
    earliest = company.demand_history["month"].min() + MIN_HISTORY_MONTHS + 1
    needed = {last - offset - lag + 1 for offset in range(months) for lag in lags}
    missing = sorted(c for c in needed - set(archive["cycle"].unique()) if earliest <= c <= last)
    replay = _replaying(company, forecaster, max(lags)) if missing else None
    frames = [archive] + [archive_rows(replay(cycle), cycle, lags) for cycle in missing]
    rows = [frame for frame in frames if not frame.empty]
    combined = pd.concat(rows, ignore_index=True) if rows else archive
    return combined.astype(archive.dtypes.to_dict()), missing


def _replaying(company: Company, forecaster: Forecaster | None,
               horizon: int) -> Callable[[pd.Period], pd.DataFrame]:
    """The forecast of a cycle as `backfill` makes it: `forecaster` of `truncate_history`, by
    default `statistical_forecast` of the company as it stood then, with its tables and
    bookings cut from the whole company's (`_truncating`, `HistoryMatrix.through`) instead of
    built again each time."""
    if forecaster is not None:
        return lambda cycle: forecaster(truncate_history(company, cycle), cycle=cycle,
                                        horizon=horizon)
    bookings, truncated = HistoryMatrix.of(company), _truncating(company)

    def forecast(cycle: pd.Period) -> pd.DataFrame:
        past = truncated(cycle)
        return statistical_forecast(past, cycle=cycle, horizon=horizon,
                                    bookings=bookings.through(past.last_closed_month))
    return forecast


def _truncating(company: Company) -> Callable[[pd.Period], Company]:
    """`truncate_history` for many cycles of `company`: its history tables are sorted by month
    once, so a cycle's tables are their first rows, not a copy. They hold the rows
    truncate_history keeps, in month order instead of key order (`statistical_forecast`
    reads no row order)."""
    tables = {name: _by_month(company.tables[name]) for name in HISTORY_TABLES}

    def truncated(cycle: pd.Period) -> Company:
        kept = {name: table.iloc[:_rows_before(table, cycle)] for name, table in tables.items()}
        history = tables["demand_history"]
        later = history.iloc[_rows_before(history, cycle):]
        return dataclasses.replace(company, **kept,
                                   items=_items_as_of(company.items, later, cycle))
    return truncated


def _by_month(table: pd.DataFrame) -> pd.DataFrame:
    order = np.argsort(table["month"].array.asi8, kind="stable")
    return table.take(order).reset_index(drop=True)


def _rows_before(table: pd.DataFrame, cycle: pd.Period) -> int:
    """How many rows of a table sorted by month are of months before `cycle`."""
    return int(np.searchsorted(table["month"].array.asi8, cycle.ordinal))


def _month(value, option: str) -> pd.Period:
    month = parse_month(value)
    if month is None:
        raise ParameterError(f"backfill {option} {value!r} is not {MONTH_FORMAT_HELP}")
    return month


def _check_cycles(company: Company, first: pd.Period, last: pd.Period) -> None:
    """Raise ParameterError unless every cycle from first to last can be replayed."""
    months = company.demand_history["month"]
    if months.empty:
        raise ParameterError("backfill needs demand history, and the company has none")
    earliest, latest = months.min() + MIN_HISTORY_MONTHS + 1, months.max()
    if first > last:
        raise ParameterError(f"backfill --from {month_label(first)} comes after --to "
                             f"{month_label(last)}")
    if first < earliest or last > latest:
        raise ParameterError(
            f"backfill cycles must lie between {month_label(earliest)} and "
            f"{month_label(latest)}, got {month_label(first)} to {month_label(last)}: a cycle "
            f"needs {MIN_HISTORY_MONTHS + 1} months of history before it (history starts "
            f"{month_label(months.min())}) and its first month closed (the last closed month "
            f"is {month_label(latest)})")


def _items_as_of(items: pd.DataFrame, history: pd.DataFrame, cycle: pd.Period) -> pd.DataFrame:
    later = history[(history["month"] >= cycle) & (history["bookings"] > 0)]
    revived = (items["status"] == "inactive") & is_in(items["sku"], later["sku"].unique())
    return items.assign(status=items["status"].where(~revived, "active"))


def _reason_to_skip(folder: Path) -> str:
    """Why `folder` must not be replaced by a backfill; empty when it may."""
    if is_published(folder):
        return f"a published pack is there ({folder})"
    if folder.exists() and not (folder / BACKFILL_FILE).exists():
        return f"{folder} holds files that are not a backfill; move them away to backfill it"
    return ""


def _record(company: Company, horizon: int, forecaster: Forecaster) -> dict:
    """What every backfill.json of this run says about how its forecast was made."""
    source = company.files.get("demand_history")
    return {
        "kind": "backfill",
        "company": company.config.name,
        "horizon": horizon,
        "forecaster": _name_of(forecaster),
        "data_dir": str(Path(company.folder).resolve()),
        "demand_history": {"file": source.name if source else None,
                           "sha256": file_sha256(source) if source else None},
        "packages": package_versions(),
    }


def _name_of(forecaster: Forecaster) -> str:
    name = getattr(forecaster, "__qualname__", type(forecaster).__qualname__)
    return f"{forecaster.__module__}.{name}"


def _write_entry(folder: Path, forecast: pd.DataFrame, record: dict) -> Path:
    """Write forecast.parquet and backfill.json in a staging folder, then move it to `folder`."""
    staging = folder.parent / f".staging-backfill-{folder.name}-{os.getpid()}"
    work = staging / folder.name
    try:
        ArtifactStore(work / ARTIFACTS).write("forecast", forecast)
        (work / BACKFILL_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        return replace_folder(work, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
