"""The `sop` command: exit statuses and what it prints."""
import filecmp
import shutil
from pathlib import Path

from sop_lib.cli import main
from sop_lib.runner import SAMPLE_DIR


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
    names = sorted(p.name for p in SAMPLE_DIR.iterdir())
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
