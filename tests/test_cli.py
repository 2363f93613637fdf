"""The `sop` command: exit statuses and what it prints."""
import filecmp
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sop_lib.cli import main
from sop_lib.data.sample import write_sample
from sop_lib.run.runner import SAMPLE_DIR
from tests import REPO

EXAMPLE_REGISTER = REPO / "docs" / "examples" / "decisions-2026-11.yaml"


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


def test_the_reports_folder_is_the_current_folders_by_default(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["approve", "--cycle", "2026-11"]) == 1
    assert f"no published pack of 2026-11 in {tmp_path.resolve() / 'reports'}:" in (
        capsys.readouterr().err)


def test_init_makes_a_workspace_and_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    assert main(["init", str(tmp_path / "ws")]) == 0
    assert str(tmp_path / "ws" / "README.txt") in capsys.readouterr().out
    assert main(["init", str(tmp_path / "ws")]) == 2
    assert "is not an empty folder" in capsys.readouterr().err


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


@pytest.fixture(scope="module")
def sample_pack(tmp_path_factory):
    """A copy of the sample company and the reports folder `sop run` published its cycle in."""
    root = tmp_path_factory.mktemp("sample_pack")
    company, reports = root / "company", root / "reports"
    shutil.copytree(SAMPLE_DIR, company)
    assert main(["run", "--data", str(company), "--out", str(reports)]) == 0
    return company, reports


def _with_register(company: Path, tmp_path: Path, text: str) -> Path:
    """A copy of the company whose decisions/2026-11.yaml is `text`."""
    copy = tmp_path / "company"
    shutil.copytree(company, copy)
    (copy / "decisions").mkdir()
    (copy / "decisions" / "2026-11.yaml").write_text(text, encoding="utf-8")
    return copy


def test_validate_names_file_line_and_field_of_a_bad_decision_register(tmp_path, capsys):
    text = EXAMPLE_REGISTER.read_text().replace("outcome: accepted", "outcome: approved")
    company = _with_register(SAMPLE_DIR, tmp_path, text.replace("due: 2026-12", "due: soon"))
    assert main(["validate", str(company), "--out", str(tmp_path / "no-reports")]) == 2
    out = capsys.readouterr().out
    assert ("ERROR decisions/2026-11.yaml, row 9, column decisions[1].outcome: value 'approved': "
            "expected one of accepted, rejected, deferred, action") in out
    assert "ERROR decisions/2026-11.yaml, row 28, column actions[1].due: value 'soon'" in out
    assert "2 error(s)" in out


def test_validate_holds_the_example_register_to_the_published_pack(sample_pack, tmp_path,
                                                                    capsys):
    company, reports = sample_pack
    text = EXAMPLE_REGISTER.read_text()
    good = _with_register(company, tmp_path / "good", text)
    assert main(["validate", str(good), "--out", str(reports)]) == 0
    assert "0 error(s), 0 warning(s)" in capsys.readouterr().out
    bad = _with_register(company, tmp_path / "bad", text.replace("  - item: 2\n", "  - item: 9\n")
                         .replace("scenario: No overtime", "scenario: Night shift"))
    assert main(["validate", str(bad), "--out", str(reports)]) == 2
    out = capsys.readouterr().out
    assert ("decisions/2026-11.yaml, row 6, column scenario: value 'Night shift': expected a "
            "scenario of the 2026-11 pack: Baseline, Grills promotion, No overtime, "
            "Press Line spring shift") in out
    assert ("decisions/2026-11.yaml, row 14, column decisions[2].item: value 9: expected an "
            "agenda item of the 2026-11 pack: its agenda has items 1 to 6") in out
