"""The plan archive: lag arithmetic, which folders are archived cycles, loading them back,
replacing a pack and keeping the replaced one."""
import errno
import hashlib
import math
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from sop_lib.core.errors import SopError
from sop_lib.store.archive import (
    ARCHIVE_COLUMNS,
    archived_cycles,
    cycle_folder,
    forecast_cycle,
    forecast_lag,
    forecast_month,
    is_published,
    keep_replaced,
    load_archive,
    published_manifest,
    replace_folder,
)


def M(text):
    return pd.Period(text, freq="M")


def write_cycle(reports, cycle, *, skus=(("A1", "F"), ("B1", "G")), horizon=4,
                consensus_factor=None, published=False):
    """An archived cycle: forecast = 100 * lag + SKU number; consensus = factor x that.

    A folder name that is no month (such as lab) holds a forecast from 2025-01.
    """
    artifacts = reports / cycle / "artifacts"
    artifacts.mkdir(parents=True)
    start = M(cycle) if cycle[0].isdigit() else M("2025-01")
    rows = [{"sku": sku, "family": family, "month": start + step,
             "forecast": 100.0 * (step + 1) + number, "method": "test"}
            for number, (sku, family) in enumerate(skus) for step in range(horizon)]
    forecast = pd.DataFrame(rows)
    forecast.to_parquet(artifacts / "forecast.parquet", index=False)
    if consensus_factor is not None:
        consensus = forecast.rename(columns={"forecast": "statistical"}).drop(columns="method")
        consensus["consensus"] = consensus["statistical"] * consensus_factor
        consensus.to_parquet(artifacts / "consensus.parquet", index=False)
    if published:
        (reports / cycle / "manifest.json").write_text("{}")


# --- lags ---------------------------------------------------------------------------------

def test_the_first_month_a_cycle_forecasts_is_lag_1():
    assert forecast_lag(M("2025-03"), M("2025-03")) == 1
    assert forecast_lag(M("2025-01"), M("2025-03")) == 3


def test_lags_count_across_a_year_end():
    assert forecast_lag(M("2024-11"), M("2025-01")) == 3
    assert forecast_cycle(M("2025-01"), 3) == M("2024-11")
    assert forecast_month(M("2024-11"), 3) == M("2025-01")


@pytest.mark.parametrize("lag", [1, 2, 3, 12, 18])
def test_cycle_month_and_lag_are_consistent(lag):
    month = M("2025-06")
    cycle = forecast_cycle(month, lag)
    assert forecast_lag(cycle, month) == lag
    assert forecast_month(cycle, lag) == month


# --- which folders are archived cycles ----------------------------------------------------

def test_archived_cycles_are_yyyy_mm_folders_with_a_forecast_sorted(tmp_path):
    write_cycle(tmp_path, "2025-02")
    write_cycle(tmp_path, "2024-12", consensus_factor=1.0, published=True)
    (tmp_path / "2025-03" / "artifacts").mkdir(parents=True)  # no forecast
    write_cycle(tmp_path, "lab")
    write_cycle(tmp_path, "2025-4")
    write_cycle(tmp_path / ".staging-2025-05-1", "2025-05")
    (tmp_path / "2025-06").write_text("a file, not a folder")
    assert archived_cycles(tmp_path) == [M("2024-12"), M("2025-02")]


def test_a_missing_reports_folder_has_no_cycles(tmp_path):
    assert archived_cycles(tmp_path / "nowhere") == []
    assert load_archive(tmp_path / "nowhere").empty


def test_is_published_means_a_manifest(tmp_path):
    write_cycle(tmp_path, "2025-01", published=True)
    write_cycle(tmp_path, "2025-02")
    assert is_published(cycle_folder(tmp_path, M("2025-01")))
    assert not is_published(cycle_folder(tmp_path, M("2025-02")))


# --- loading ------------------------------------------------------------------------------

def test_load_archive_keeps_the_rows_at_the_asked_lags(tmp_path):
    write_cycle(tmp_path, "2025-01")
    archive = load_archive(tmp_path, lags=(1, 3))
    assert list(archive.columns) == ARCHIVE_COLUMNS
    assert archive[["lag", "sku", "month", "statistical"]].to_dict("records") == [
        {"lag": 1, "sku": "A1", "month": M("2025-01"), "statistical": 100.0},
        {"lag": 1, "sku": "B1", "month": M("2025-01"), "statistical": 101.0},
        {"lag": 3, "sku": "A1", "month": M("2025-03"), "statistical": 300.0},
        {"lag": 3, "sku": "B1", "month": M("2025-03"), "statistical": 301.0},
    ]
    assert (archive["cycle"] == M("2025-01")).all()
    assert archive["family"].tolist() == ["F", "G", "F", "G"]


def test_load_archive_types(tmp_path):
    write_cycle(tmp_path, "2025-01", consensus_factor=1.5)
    dtypes = load_archive(tmp_path).dtypes
    assert dtypes["cycle"] == "period[M]" and dtypes["month"] == "period[M]"
    assert dtypes["lag"] == "int64"
    assert dtypes["statistical"] == "float64" and dtypes["consensus"] == "float64"


def test_consensus_comes_from_the_pack_and_is_missing_for_a_backfill(tmp_path):
    write_cycle(tmp_path, "2025-01", consensus_factor=1.5, published=True)
    write_cycle(tmp_path, "2025-02")
    archive = load_archive(tmp_path, lags=(2,))
    pack = archive[archive["cycle"] == M("2025-01")]
    backfilled = archive[archive["cycle"] == M("2025-02")]
    assert pack["month"].tolist() == [M("2025-02")] * 2
    assert pack["consensus"].tolist() == [300.0, 301.5]
    assert backfilled["month"].tolist() == [M("2025-03")] * 2
    assert backfilled["consensus"].isna().all()
    assert backfilled["statistical"].tolist() == [200.0, 201.0]


def test_before_leaves_out_the_current_cycle_and_later(tmp_path):
    for cycle in ("2025-01", "2025-02", "2025-03", "2025-04"):
        write_cycle(tmp_path, cycle)
    archive = load_archive(tmp_path, lags=(1,), before="2025-03")
    assert sorted(set(archive["cycle"])) == [M("2025-01"), M("2025-02")]
    assert load_archive(tmp_path, lags=(1,), before=M("2025-01")).empty


def test_lags_beyond_a_cycles_horizon_give_no_rows(tmp_path):
    write_cycle(tmp_path, "2025-01", horizon=2)
    archive = load_archive(tmp_path, lags=(1, 3))
    assert archive["lag"].tolist() == [1, 1]


def test_an_empty_archive_has_the_columns_and_types(tmp_path):
    archive = load_archive(tmp_path)
    assert list(archive.columns) == ARCHIVE_COLUMNS
    assert archive["cycle"].dtype == "period[M]" and archive["lag"].dtype == "int64"


def test_rows_are_sorted_by_cycle_lag_sku_month(tmp_path):
    write_cycle(tmp_path, "2025-02", skus=(("Z9", "G"), ("A1", "F")))
    write_cycle(tmp_path, "2025-01")
    archive = load_archive(tmp_path, lags=(3, 1))
    keys = list(archive[["cycle", "lag", "sku"]].itertuples(index=False, name=None))
    assert keys == sorted(keys)
    assert not math.isnan(archive["statistical"].sum())


# --- replacing a folder -------------------------------------------------------------------

def test_replace_folder_swaps_the_new_folder_in(tmp_path):
    old, new = tmp_path / "2025-01", tmp_path / "work"
    old.mkdir()
    (old / "stale.txt").write_text("old")
    new.mkdir()
    (new / "fresh.txt").write_text("new")
    assert replace_folder(new, old) == old
    assert [p.name for p in old.iterdir()] == ["fresh.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2025-01"]


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _pack_with_history(reports: Path) -> Path:
    """A published 2025-01 pack that had already replaced two packs (with their forecasts)."""
    write_cycle(reports, "2025-01", consensus_factor=1.1, published=True)
    pack = reports / "2025-01"
    for stamp in ("20250105T060000Z", "20250110T060000Z"):
        shutil.copytree(pack / "artifacts", pack / ".replaced" / stamp / "artifacts")
        (pack / ".replaced" / stamp / "manifest.json").write_text(f'{{"run": "{stamp}"}}')
    return pack


def test_keep_replaced_keeps_the_pack_and_carries_its_history_over(tmp_path):
    pack = _pack_with_history(tmp_path)
    before = _digest(pack)
    work = tmp_path / "work"
    (work / "artifacts").mkdir(parents=True)
    kept = keep_replaced(pack, work)
    assert kept.parent == work / ".replaced"
    assert re.fullmatch(r"\d{8}T\d{6}Z", kept.name)
    assert sorted(p.name for p in kept.parent.iterdir()) == [
        "20250105T060000Z", "20250110T060000Z", kept.name]
    assert _digest(pack) == before, "the replaced pack is untouched until the swap"
    assert _digest(kept) == {k: v for k, v in before.items() if not k.startswith(".replaced")}
    carried = {k: v for k, v in _digest(work / ".replaced").items()
               if not k.startswith(kept.name)}
    assert carried == {k.removeprefix(".replaced/"): v for k, v in before.items()
                       if k.startswith(".replaced")}


def test_the_kept_pack_outlives_the_swap(tmp_path):
    pack = _pack_with_history(tmp_path)
    before = _digest(pack)
    work = tmp_path / "work"
    work.mkdir()
    (work / "manifest.json").write_text("{}")
    kept = keep_replaced(pack, work)
    replace_folder(work, pack)
    assert _digest(pack / ".replaced" / kept.name) == {
        k: v for k, v in before.items() if not k.startswith(".replaced")}
    assert len(list((pack / ".replaced").iterdir())) == 3


def test_without_hard_links_the_pack_is_copied(tmp_path, monkeypatch):
    pack = _pack_with_history(tmp_path)

    def no_links(source, target):
        raise OSError(errno.EPERM, "hard links not supported", source)

    monkeypatch.setattr(os, "link", no_links)
    kept = keep_replaced(pack, tmp_path / "work")
    forecast = Path("artifacts") / "forecast.parquet"
    assert (kept / forecast).read_bytes() == (pack / forecast).read_bytes()
    assert (kept / forecast).stat().st_ino != (pack / forecast).stat().st_ino


def test_a_resumed_runs_replaced_folder_is_rebuilt(tmp_path):
    write_cycle(tmp_path, "2025-01", published=True)
    work = tmp_path / "work"
    (work / ".replaced" / "19990101T000000Z").mkdir(parents=True)
    kept = keep_replaced(tmp_path / "2025-01", work)
    assert [p.name for p in (work / ".replaced").iterdir()] == [kept.name]


def test_replaced_packs_are_no_cycles_of_the_archive(tmp_path):
    _pack_with_history(tmp_path)
    assert archived_cycles(tmp_path) == [M("2025-01")]
    assert load_archive(tmp_path, lags=[1])["cycle"].unique().tolist() == [M("2025-01")]


def test_an_unreadable_archived_forecast_names_the_file(tmp_path):
    write_cycle(tmp_path, "2025-01")
    broken = tmp_path / "2025-01" / "artifacts" / "forecast.parquet"
    pd.DataFrame({"sku": ["A1"]}).to_parquet(broken)
    with pytest.raises(SopError, match=r"2025-01.*forecast\.parquet.*columns sku, family, month"):
        load_archive(tmp_path)


def test_published_manifest_reads_a_published_pack_and_nothing_else(tmp_path):
    cycle = pd.Period("2026-11", "M")
    assert published_manifest(tmp_path, cycle) is None
    (tmp_path / "2026-11").mkdir()
    assert published_manifest(tmp_path, cycle) is None  # staged, never published
    (tmp_path / "2026-11" / "manifest.json").write_text('{"status": "approved"}')
    assert published_manifest(tmp_path, cycle) == {"status": "approved"}
