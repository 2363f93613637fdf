"""`sop init`'s workspace: the company folder to fill, what to do next, the schedule."""
import filecmp
import shlex
import subprocess

import pytest

from sop_lib.core.errors import ParameterError
from sop_lib.data.validation import check_company
from sop_lib.run.resources import DATA_CONTRACT, SAMPLE_DIR
from sop_lib.run.workspace import make_workspace, sop_command

SOP = ["/opt/sop env/bin/sop"]


def test_the_company_folder_is_the_sample_with_the_data_contract_beside_it(tmp_path):
    company = make_workspace(tmp_path / "ws", sop=SOP) / "company"
    names = [str(p.relative_to(SAMPLE_DIR)) for p in SAMPLE_DIR.rglob("*") if p.is_file()]
    match, mismatch, errors = filecmp.cmpfiles(SAMPLE_DIR, company, names, shallow=False)
    assert (mismatch, errors) == ([], []) and any(n.startswith("scenarios/") for n in match)
    assert (company / "data-contract.md").read_bytes() == DATA_CONTRACT.read_bytes()
    assert (company / "decisions").is_dir() and (company / "scenarios").is_dir()
    assert check_company(company)[1] == []


def test_the_readme_and_the_schedule_hold_the_absolute_paths(tmp_path):
    root = make_workspace(tmp_path / "my ws", sop=SOP)
    run = shlex.join([*SOP, "run", "--cycle", "auto", "--data", str(root / "company"),
                      "--out", str(root / "reports")])
    readme = (root / "README.txt").read_text()
    assert "'/opt/sop env/bin/sop' run --data company" in readme
    assert str(root / "reports" / "index.html") in readme
    assert "systemctl enable --now sop-my-ws.timer" in readme
    assert f"cd '{root}' && {run} >> '{root / 'sop-run.log'}' 2>&1" in (
        root / "schedule" / "crontab").read_text()
    service = (root / "schedule" / "sop-my-ws.service").read_text()
    assert f"WorkingDirectory={root}\n" in service
    assert f'ExecStart="{SOP[0]}" "run" "--cycle" "auto" "--data" "{root / "company"}"' in service
    assert "OnCalendar=" in (root / "schedule" / "sop-my-ws.timer").read_text()


def test_an_empty_folder_becomes_the_workspace(tmp_path):
    assert make_workspace(tmp_path, sop=SOP) == tmp_path.resolve()


def test_a_folder_that_is_not_empty_is_refused_and_left_as_it_was(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ParameterError, match="is not an empty folder"):
        make_workspace(tmp_path, sop=SOP)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_the_schedule_runs_this_installation_of_sop():
    shown = subprocess.run([*sop_command(), "--help"], check=True, capture_output=True,
                           text=True).stdout
    assert "init" in shown and "run" in shown
