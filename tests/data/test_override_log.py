"""Tests of sop_lib.data.override_log: the overrides file read as a log of adds, changes and
withdrawals, and the rules a log must follow (checked by `sop validate`)."""
import shutil

import numpy as np
import pandas as pd

from sop_lib.data.override_log import in_force, log_problems, override_log
from sop_lib.data.validation import check_company

COLUMNS = ["level", "code", "month", "kind", "value", "owner", "reason", "action", "entered"]


def _log(*rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS).astype(
        {c: str for c in COLUMNS if c not in ("month", "value")})
    return frame.assign(month=pd.PeriodIndex(frame["month"], freq="M"),
                        value=frame["value"].astype(float))


LOG = _log(
    ("family", "Grills", "2027-01", "percent", 8, "S. Patel", "Fair", "", ""),
    ("sku", "GT-015", "2027-03", "percent", 25, "A. Romero", "Promo", "", ""),
    ("family", "Grills", "2027-01", "percent", 12, "S. Patel", "Bigger fair", "change", "t1"),
    ("sku", "GT-015", "2027-03", "percent", 25, "A. Romero", "Cancelled", "withdraw", "t2"),
    ("sku", "GT-015", "2027-03", "absolute", 40, "A. Romero", "Back on", "add", "t3"),
)


def test_each_row_gets_its_status_and_the_row_that_ended_it():
    log = override_log(LOG, np.arange(5) + 2)
    assert log["status"].tolist() == ["changed", "withdrawn", "in force", "withdrawal",
                                      "in force"]
    assert log["by"].tolist() == [4, 5, pd.NA, 3, pd.NA]
    assert (log["fault"] == "").all()
    current = in_force(log)
    assert current["reason"].tolist() == ["Bigger fair", "Back on"]
    assert current["row"].tolist() == [4, 6]


def test_rows_are_read_in_file_order_whatever_order_the_table_is_in():
    """The company's tables are sorted by key: the rows' spreadsheet numbers give the order."""
    shuffled = LOG.iloc[[4, 2, 0, 3, 1]]
    log = override_log(shuffled, np.array([6, 4, 2, 5, 3]))
    assert in_force(log)["reason"].tolist() == ["Bigger fair", "Back on"]


def test_a_repeated_add_and_a_change_of_nothing_are_problems():
    bad = _log(
        ("sku", "A", "2027-01", "percent", 5, "o", "r", "", ""),
        ("sku", "A", "2027-01", "percent", 9, "o", "r", "", ""),
        ("sku", "B", "2027-01", "percent", 5, "o", "r", "change", ""),
        ("sku", "C", "2027-01", "percent", 5, "o", "r", "withdraw", ""),
    )
    problems = log_problems(bad, np.arange(4) + 2, "overrides.csv")
    assert [(p.row, p.column) for p in problems] == [
        (3, "level, code, month"), (4, "action"), (5, "action")]
    assert "in force since row 2; expected action change" in problems[0].expected
    assert "no override for this level, code and month is in force to change" in (
        problems[1].expected)


def test_validate_accepts_changes_and_refuses_a_plain_repeat(tmp_path):
    folder = shutil.copytree("data/sample", tmp_path / "company")
    path = folder / "overrides.csv"
    first = path.read_text().splitlines()[1].split(",")
    change = ",".join([*first[:4], "35", "A. Analyst", "Bigger launch", "change",
                       "2026-12-07 10:00"])
    path.write_text(path.read_text() + change + "\n")
    company, problems = check_company(folder)
    assert company is not None, problems
    assert company.overrides["action"].tolist().count("change") == 1
    path.write_text(path.read_text() + ",".join([*first[:7], "", ""]) + "\n")
    company, problems = check_company(folder)
    assert company is None
    [problem] = [p for p in problems if p.is_error]
    assert (problem.row, problem.column) == (10, "level, code, month")
    assert "in force since row 9" in problem.expected


def test_a_misspelt_action_is_reported_once_as_the_cell_it_is(tmp_path):
    folder = shutil.copytree("data/sample", tmp_path / "company")
    path = folder / "overrides.csv"
    first = path.read_text().splitlines()[1].split(",")
    path.write_text(path.read_text() + ",".join([*first[:7], "withdrawn", ""]) + "\n")
    _, problems = check_company(folder)
    [problem] = [p for p in problems if p.is_error]
    assert (problem.row, problem.column, problem.value) == (9, "action", "withdrawn")
    assert "expected one of add, change, withdraw" in problem.expected
