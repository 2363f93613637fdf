"""The overrides file as a log: rows are only ever added, and a later row may change or withdraw
the override an earlier row put in force for the same level, code and month.

A row's `action` says which: add (or empty) puts an override in force where none is; change
replaces the one in force; withdraw ends it (its kind and value repeat what is withdrawn). Its
`owner` says who asked, `reason` why and `entered` when; nothing earlier is edited, so the file
keeps the whole history of the cycle's overrides.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sop_lib.core.errors import Problem

ADD, CHANGE, WITHDRAW = "add", "change", "withdraw"
ACTIONS = (ADD, CHANGE, WITHDRAW)
IN_FORCE, CHANGED, WITHDRAWN = "in force", "changed", "withdrawn"  # a row's status
WITHDRAWAL = "withdrawal"  # the status of a withdraw row itself
KEY = ["level", "code", "month"]


def override_log(overrides: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """Every row of the log in file order, with `row` (its spreadsheet row, from `rows`, one per
    override), `action`, `status` (in force, changed, withdrawn, withdrawal), `by` (the row
    that changed or withdrew it; for a withdrawal, the row it withdrew; else NA) and `fault`
    (why the row breaks the log's rules, see `log_problems`; else empty).

    A row that breaks the rules is taken as meant: an add over one in force replaces it, a
    change of nothing adds, a withdrawal of nothing does nothing.
    """
    log = overrides.assign(row=np.asarray(rows, dtype=int), action=actions_of(overrides))
    if "entered" not in log:
        log["entered"] = ""
    log = log.sort_values("row", kind="stable").reset_index(drop=True)
    status = [IN_FORCE] * len(log)
    by: list = [pd.NA] * len(log)
    fault = [""] * len(log)
    in_force_at: dict[tuple, int] = {}
    keys = log[KEY].itertuples(index=False, name=None)
    for position, (key, action, row) in enumerate(zip(keys, log["action"], log["row"])):
        earlier = in_force_at.pop(key, None)
        if earlier is None and action != ADD:
            fault[position] = (f"no override for this level, code and month is in force to "
                               f"{action}; expected action add (or an empty action)")
        elif earlier is not None:
            if action == ADD:
                fault[position] = (f"an override for this level, code and month is in force "
                                   f"since row {log.at[earlier, 'row']}; expected action change "
                                   "(to replace it) or withdraw")
            status[earlier] = WITHDRAWN if action == WITHDRAW else CHANGED
            by[earlier] = row
        if action == WITHDRAW:
            status[position] = WITHDRAWAL
            by[position] = pd.NA if earlier is None else log.at[earlier, "row"]
        else:
            in_force_at[key] = position
    return log.assign(status=status, by=pd.array(by, dtype="Int64"), fault=fault)


def in_force(log: pd.DataFrame) -> pd.DataFrame:
    """The rows of an `override_log` in force, in file order."""
    return log[log["status"] == IN_FORCE].reset_index(drop=True)


def from_month(log: pd.DataFrame, first: pd.Period) -> pd.DataFrame:
    """The rows of an `override_log` from month `first` on: earlier months' rows are the
    history of earlier cycles, not applied."""
    return log[log["month"] >= first].reset_index(drop=True)


def actions_of(overrides: pd.DataFrame) -> pd.Series:
    """Each row's action: its `action` cell, add when empty or absent."""
    if "action" not in overrides:
        return pd.Series(ADD, index=overrides.index, dtype=str)
    return overrides["action"].fillna(ADD).replace("", ADD).astype(str)


def log_problems(overrides: pd.DataFrame, rows: np.ndarray, file: str) -> list[Problem]:
    """A problem for each row that adds where an override is in force, or changes or withdraws
    where none is (rows named by their spreadsheet `rows`; rows missing a key cell are left
    to the checks of their cells)."""
    complete = overrides[KEY].notna().all(axis=1).to_numpy()
    log = override_log(overrides[complete], np.asarray(rows)[complete])
    return [Problem(file, row.fault, row=int(row.row),
                    column="action" if row.action != ADD else "level, code, month",
                    value=row.action if row.action != ADD
                    else f"{row.level}, {row.code}, {row.month:%Y-%m}")
            for row in log[log["fault"] != ""].itertuples(index=False)]
