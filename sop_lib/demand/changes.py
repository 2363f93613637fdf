"""What changed since last month: this cycle's demand plan against the previous cycle's."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

PLAN_FILES = (("consensus.parquet", "consensus"), ("forecast.parquet", "forecast"))


def previous_plan(archive_dir, cycle: pd.Period) -> tuple[pd.DataFrame | None, str]:
    """The SKU plan of the cycle before `cycle` from the archive, and what it is.

    A published cycle gives its consensus; a backfilled one only its statistical forecast.
    Returns (None, reason) when the archive has neither.
    """
    folder = Path(archive_dir) / (cycle - 1).strftime("%Y-%m") / "artifacts"
    for file, column in PLAN_FILES:
        if (folder / file).exists():
            plan = pd.read_parquet(folder / file)
            return (plan[["sku", "family", "month", column]].rename(columns={column: "before"}),
                    f"{column} of cycle {(cycle - 1).strftime('%Y-%m')}")
    return None, f"no plan of cycle {(cycle - 1).strftime('%Y-%m')} in the archive"


def plan_changes(current: pd.DataFrame, before: pd.DataFrame, *, by: str = "family",
                 top: int = 10) -> pd.DataFrame:
    """Units planned over the months both plans cover, before and now, largest changes first.

    `current` has sku, family, month, consensus; `before` has sku, family, month, before.
    """
    months = sorted(set(current["month"].unique()) & set(before["month"].unique()))
    now = current[current["month"].isin(months)].groupby(by)["consensus"].sum()
    then = before[before["month"].isin(months)].groupby(by)["before"].sum()
    table = pd.concat([then, now], axis=1).fillna(0.0).rename(columns={"consensus": "now"})
    table["change"] = table["now"] - table["before"]
    table["change_pct"] = table["change"] / table["before"].where(table["before"] != 0)
    table = table.reset_index().rename(columns={"index": by})
    if months:
        table.insert(1, "months", f"{months[0].strftime('%Y-%m')} to "
                                  f"{months[-1].strftime('%Y-%m')}")
    order = table["change"].abs().sort_values(ascending=False, kind="stable").index
    return table.loc[order].head(top).reset_index(drop=True)
