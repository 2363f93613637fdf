"""The plan archive: the forecasts earlier cycles made, read back from the reports folder.

Lags. Cycle C is planned with history through month C-1 and forecasts months C .. C+H-1. The
forecast for month M made in cycle C has lag L = M - C + 1: the first month a cycle forecasts
is lag 1 (one step ahead of the last actual). "Lag 1 accuracy of month M" compares the
bookings of M with the forecast made in cycle M; "lag 3" with the one made in cycle M-2.

Layout. Every folder `reports/<YYYY-MM>/` holding `artifacts/forecast.parquet` is an archived
cycle. A published pack (written by `sop run`) also has `manifest.json` and
`artifacts/consensus.parquet`; a backfilled cycle (written by `sop backfill`) has only the
statistical forecast plus `backfill.json` saying how it was made, and no manifest, so the
reports index does not list it as a pack. A later real run of that cycle replaces the folder.
A published pack that a run replaces is kept inside the new pack, under
`reports/<YYYY-MM>/.replaced/<UTC time stamp>/`, with the packs it had replaced itself.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from sop_lib.core.errors import SopError
from sop_lib.core.months import month_label, parse_month
from sop_lib.store.manifest import read_manifest

ARTIFACTS = "artifacts"
FORECAST_FILE = "forecast.parquet"
CONSENSUS_FILE = "consensus.parquet"
MANIFEST_FILE = "manifest.json"
BACKFILL_FILE = "backfill.json"
REPLACED = ".replaced"

ARCHIVE_DTYPES = {"cycle": pd.PeriodDtype("M"), "lag": "int64", "sku": str, "family": str,
                  "month": pd.PeriodDtype("M"), "statistical": float, "consensus": float}
ARCHIVE_COLUMNS = list(ARCHIVE_DTYPES)


def forecast_lag(cycle: pd.Period, month: pd.Period) -> int:
    """The lag of month `month` in the forecast made in cycle `cycle`: month - cycle + 1."""
    return (month - cycle).n + 1


def forecast_cycle(month: pd.Period, lag: int) -> pd.Period:
    """The cycle whose forecast of `month` has lag `lag`: month - lag + 1."""
    return month - (lag - 1)


def forecast_month(cycle: pd.Period, lag: int) -> pd.Period:
    """The month that the forecast made in cycle `cycle` holds at lag `lag`: cycle + lag - 1."""
    return cycle + (lag - 1)


def cycle_folder(reports_dir: Path | str, cycle: pd.Period) -> Path:
    """`reports_dir/<YYYY-MM>`: where cycle `cycle` is archived."""
    return Path(reports_dir) / month_label(cycle)


def is_published(folder: Path) -> bool:
    """True when the folder holds a pack published by `sop run` (it has a manifest)."""
    return (folder / MANIFEST_FILE).exists()


def replace_folder(work: Path, target: Path) -> Path:
    """Move a finished folder to `target`; a folder already there is removed only after."""
    previous = target.with_name(f".previous-{target.name}-{os.getpid()}")
    if target.exists():
        target.rename(previous)
    try:
        work.rename(target)
    except BaseException:
        if previous.exists() and not target.exists():
            previous.rename(target)
        raise
    shutil.rmtree(previous, ignore_errors=True)
    return target


def keep_replaced(pack: Path, work: Path) -> Path:
    """Before `work` replaces the published `pack`: keep the pack under
    work/.replaced/<YYYYMMDDTHHMMSSZ>/ (returned) and carry its own .replaced folders over.

    The pack is left untouched. Files are hard-linked where the file system allows (the swap
    then removes the pack's own links), else copied. A `.replaced` already in `work` (a resumed
    run's) is rebuilt."""
    history = work / REPLACED
    shutil.rmtree(history, ignore_errors=True)
    if (pack / REPLACED).is_dir():
        shutil.copytree(pack / REPLACED, history, copy_function=_link_or_copy)
    kept = history / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    shutil.copytree(pack, kept, ignore=shutil.ignore_patterns(REPLACED),
                    copy_function=_link_or_copy)
    return kept


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def published_manifest(reports_dir: Path | str, cycle: pd.Period) -> dict | None:
    """The manifest of a cycle's published pack, or None when that pack is absent."""
    folder = cycle_folder(reports_dir, cycle)
    return read_manifest(folder / MANIFEST_FILE) if is_published(folder) else None


def published_artifact(reports_dir: Path | str, cycle: pd.Period, name: str,
                       columns: list[str]) -> pd.DataFrame | None:
    """Columns of a published cycle's artifact, or None when that pack or artifact is absent."""
    folder = cycle_folder(reports_dir, cycle)
    path = folder / ARTIFACTS / f"{name}.parquet"
    if not (is_published(folder) and path.is_file()):
        return None
    return read_artifact(path, columns)


def archived_cycles(reports_dir: Path | str) -> list[pd.Period]:
    """Every cycle of the reports folder that holds a statistical forecast, oldest first."""
    reports_dir = Path(reports_dir)
    if not reports_dir.is_dir():
        return []
    cycles = [_cycle_of(folder.name) for folder in reports_dir.iterdir()
              if (folder / ARTIFACTS / FORECAST_FILE).is_file()]
    return sorted(cycle for cycle in cycles if cycle is not None)


def load_archive(reports_dir: Path | str, *, lags: Iterable[int] = (1, 3),
                 before: pd.Period | str | None = None) -> pd.DataFrame:
    """The archived forecasts at the given lags, one row per cycle, SKU and month.

    Only cycles before `before` are read (pass the cycle being run, so a run never reads its
    own output). Returns columns cycle, lag, sku, family, month (cycle and month Period[M]),
    statistical (the cycle's statistical forecast, units) and consensus (the cycle's consensus
    demand in units; NaN for a backfilled cycle, which has no consensus), sorted by cycle, lag,
    sku and month.
    """
    lags = sorted(set(lags))
    cycles = archived_cycles(reports_dir)
    if before is not None:
        before = pd.Period(before, freq="M")
        cycles = [cycle for cycle in cycles if cycle < before]
    frames = [_cycle_rows(cycle_folder(reports_dir, cycle), cycle, lags) for cycle in cycles]
    frames = [frame for frame in frames if not frame.empty]
    if not frames:
        return _empty(ARCHIVE_DTYPES)
    archive = pd.concat(frames, ignore_index=True)
    return (archive.sort_values(["cycle", "lag", "sku", "month"], ignore_index=True)
            .astype(ARCHIVE_DTYPES)[ARCHIVE_COLUMNS])


def _cycle_rows(folder: Path, cycle: pd.Period, lags: list[int]) -> pd.DataFrame:
    """One archived cycle's forecast rows at the wanted lags, with its consensus when it has one."""
    forecast = read_artifact(folder / ARTIFACTS / FORECAST_FILE,
                             ["sku", "family", "month", "forecast"])
    consensus_path = folder / ARTIFACTS / CONSENSUS_FILE
    consensus = (read_artifact(consensus_path, ["sku", "month", "consensus"])
                 if consensus_path.is_file() else None)
    return archive_rows(forecast, cycle, lags, consensus=consensus)


def archive_rows(forecast: pd.DataFrame, cycle: pd.Period, lags: Iterable[int], *,
                 consensus: pd.DataFrame | None = None) -> pd.DataFrame:
    """A cycle's forecast (sku, family, month, forecast) as archive rows at the given lags."""
    lag_of_month = {forecast_month(cycle, lag): lag for lag in lags}
    rows = (forecast.loc[forecast["month"].isin(list(lag_of_month)),
                         ["sku", "family", "month", "forecast"]]
            .rename(columns={"forecast": "statistical"}))
    rows.insert(0, "lag", rows["month"].map(lag_of_month).astype("int64"))
    rows.insert(0, "cycle", cycle)
    if consensus is not None:
        return rows.merge(consensus, on=["sku", "month"], how="left")
    return rows.assign(consensus=float("nan"))


def read_artifact(path: Path, columns: list[str]) -> pd.DataFrame:
    """Columns of an archived artifact; a SopError naming the file when it cannot be read."""
    try:
        return pd.read_parquet(path, columns=columns)
    except (OSError, ValueError, KeyError) as error:
        reason = str(error).splitlines()[0]
        raise SopError(f"the archived artifact {path} cannot be read ({reason}); expected a "
                       f"Parquet table with columns {', '.join(columns)}. Run that cycle "
                       "again, or backfill it, or remove its folder") from error


def _empty(dtypes: dict) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=dtype) for column, dtype in dtypes.items()})


def _cycle_of(name: str) -> pd.Period | None:
    """The cycle a folder name spells exactly as YYYY-MM, else None."""
    month = parse_month(name)
    return month if month is not None and month_label(month) == name else None
