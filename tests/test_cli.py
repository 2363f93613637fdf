"""The `sop` command: exit statuses and what it prints."""
import filecmp
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from sop_lib.cli import main
from sop_lib.data.sample import write_sample
from sop_lib.run.runner import SAMPLE_DIR


def test_validate_the_bundled_sample(capsys):
    assert main(["validate", str(SAMPLE_DIR)]) == 0
    assert "0 error(s), 0 warning(s)" in capsys.readouterr().out


def test_validate_lists_every_problem_and_exits_2(tmp_path, capsys):
    company = tmp_path / "company"
    shutil.copytree(SAMPLE_DIR, company)
    items = (company / "items.csv").read_text().splitlines()
    items[1] = items[1].replace(items[1].split(",")[3], "12,5x", 1)
    (company / "items.csv").write_text("\n".join(items) + "\n")
    (company / "resources.csv").unlink()
    assert main(["validate", str(company)]) == 2
    out = capsys.readouterr().out
    assert "ERROR items.csv, row 2" in out
    assert "resources" in out
    assert "error(s)" in out


def test_sample_writes_the_same_company_as_the_bundled_one(tmp_path):
    assert main(["sample", str(tmp_path / "s")]) == 0
    names = sorted(p.name for p in SAMPLE_DIR.iterdir() if p.is_file())
    match, mismatch, errors = filecmp.cmpfiles(SAMPLE_DIR, tmp_path / "s", names, shallow=False)
    assert (mismatch, errors) == ([], []) and len(match) == len(names)


def test_run_refuses_bad_data_and_publishes_nothing(tmp_path, capsys):
    company = tmp_path / "company"
    shutil.copytree(SAMPLE_DIR, company)
    (company / "families.csv").write_text("family,strategy\nX,MTS\n")
    assert main(["run", "--data", str(company), "--out", str(tmp_path / "reports")]) == 2
    assert "families.csv" in capsys.readouterr().err
    assert not any(Path(tmp_path / "reports").glob("20*"))


def test_run_refuses_a_bad_cycle(tmp_path, capsys):
    assert main(["run", "--cycle", "2026-13", "--out", str(tmp_path)]) == 2
    assert "cycle '2026-13' is not a month" in capsys.readouterr().err


def _long_file(path, rows):
    path.write_text("item,period,qty\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n")
    return path


def test_forecast_writes_every_series_with_its_method_and_quantiles(tmp_path, capsys):
    rows = [(sku, f"{2022 + m // 12}-{m % 12 + 1:02d}", 10 + (m % 12) * (2 if sku == "a" else 0))
            for sku in ("a", "b") for m in range(36)]
    source = _long_file(tmp_path / "in.csv", rows)
    out = tmp_path / "out.csv"
    assert main(["forecast", str(source), "--horizon", "6", "--out", str(out), "--id-col", "item",
                 "--time-col", "period", "--target-col", "qty"]) == 0
    result = pd.read_csv(out)
    assert {"item", "period", "method", "p10", "p50", "p90", "forecast"} <= set(result.columns)
    assert result.groupby("item").size().to_dict() == {"a": 6, "b": 6}
    assert result["period"].iloc[0] == "2025-01"
    flat = result[result["item"] == "b"]["forecast"]
    assert np.allclose(flat, 10)
    out = capsys.readouterr().out
    assert "2 of 2 series (100%)" in out and "methods chosen" in out


def test_forecast_names_the_bad_cells(tmp_path, capsys):
    source = _long_file(tmp_path / "in.csv", [("a", "2024-13", 5), ("a", "2024-02", "many")])
    assert main(["forecast", str(source), "--horizon", "3", "--out", str(tmp_path / "o.csv"),
                 "--id-col", "item", "--time-col", "period", "--target-col", "qty"]) == 2
    err = capsys.readouterr().err
    assert "in.csv, row 2, column period: value '2024-13'" in err
    assert "in.csv, row 3, column qty: value 'many': expected a number" in err


def test_backfill_archives_past_cycles(tmp_path, capsys):
    data = write_sample(tmp_path / "c", seed=2, skus=8, months=24)
    reports = tmp_path / "reports"
    assert main(["backfill", "--from", "2026-08", "--to", "2026-09", "--data", str(data),
                 "--out", str(reports), "--horizon", "3"]) == 0
    assert sorted(p.name for p in reports.iterdir()) == ["2026-08", "2026-09"]
    forecast = pd.read_parquet(reports / "2026-08" / "artifacts" / "forecast.parquet")
    assert forecast["month"].min() == pd.Period("2026-08", "M")
    assert main(["backfill", "--from", "2026-12", "--to", "2027-01", "--data", str(data),
                 "--out", str(reports)]) == 2
    assert "backfill cycles must lie between" in capsys.readouterr().err


def test_a_bad_scenario_file_is_refused_before_anything_runs(tmp_path, capsys):
    company = tmp_path / "company"
    shutil.copytree(SAMPLE_DIR, company)
    (company / "scenarios" / "bad.yaml").write_text(
        "name: Bad\nchanges:\n  - demand: {family: Grils, percent: 10}\n")
    assert main(["validate", str(company)]) == 2
    assert "scenarios/bad.yaml, change 1 (line 3), field family: value 'Grils'" in (
        capsys.readouterr().out)
    assert main(["run", "--data", str(company), "--out", str(tmp_path / "reports")]) == 2
    assert not (tmp_path / "reports").exists()
