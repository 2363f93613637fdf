"""The executive summary: KPI trends over the last cycles and a narrative from the figures."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .archive import cycle_folder, is_published
from .status import GREEN, NOT_AVAILABLE

_DATES = re.compile(r"\b(FY)?\d{4}(-\d{2})?( to \d{4}-\d{2})?\b")


def kpi_key(name: str) -> str:
    """A KPI's name without its dates, so that cycles can be compared: 'Revenue'."""
    return " ".join(_DATES.sub("", name).split())


def kpi_trend(archive_dir, cycle: pd.Period, kpis: pd.DataFrame, *,
              cycles: int = 6) -> pd.DataFrame:
    """The KPIs' values in the last `cycles` published cycles and now.

    One row per current KPI: kpi, unit, one column per earlier cycle (YYYY-MM; NaN where that
    pack had no such KPI), and `now`. Only published packs (with a manifest) count.
    """
    table = kpis[["kpi", "unit"]].copy()
    keys = kpis["kpi"].map(kpi_key)
    for earlier in pd.period_range(cycle - cycles, cycle - 1, freq="M"):
        folder = cycle_folder(Path(archive_dir), earlier)
        path = folder / "artifacts" / "kpis.parquet"
        if is_published(folder) and path.exists():
            old = pd.read_parquet(path, columns=["kpi", "value"])
            values = dict(zip(old["kpi"].map(kpi_key), old["value"]))
            table[earlier.strftime("%Y-%m")] = keys.map(values).astype(float)
    table["now"] = kpis["value"].to_numpy()
    return table


def narrative(kpis: pd.DataFrame, family_status: pd.DataFrame, decisions: pd.DataFrame, *,
              demand_change: pd.DataFrame | None = None) -> list[str]:
    """Plain sentences on what the figures say, and where they are too thin to say anything."""
    by_key = {kpi_key(row.kpi): row for row in kpis.itertuples(index=False)}
    sentences = [_demand_sentence(demand_change)]
    for key in ("Customer service (projected)", "Forecast accuracy (1 - WAPE)",
                "Peak capacity utilisation", "Revenue", "Fiscal year revenue"):
        row = by_key.get(key)
        if row is None:
            continue
        if row.status == NOT_AVAILABLE:
            sentences.append(f"{row.kpi}: not enough data yet. {row.comment}")
        else:
            verdict = "on target" if row.status == GREEN else f"{row.status}"
            sentences.append(f"{row.kpi} is {verdict}: {row.comment}")
    off = family_status[family_status["status"] != GREEN]
    if len(off):
        sentences.append("Families needing attention: " + "; ".join(
            f"{r.family} ({r.reason})" for r in off.itertuples(index=False)) + ".")
    else:
        sentences.append("Every family is on track.")
    sentences.append(f"{len(decisions)} decision(s) are asked of this meeting."
                     if len(decisions) else "No decision is needed this month.")
    return sentences


OPPORTUNITY_WORDS = ("above plan",)


def risks_and_opportunities(decisions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The agenda split in two: what may cost money, and upside the plan could take (e.g.
    revenue above the business plan)."""
    upside = decisions["topic"].str.contains("|".join(OPPORTUNITY_WORDS), case=False, regex=True)
    return decisions[~upside].reset_index(drop=True), decisions[upside].reset_index(drop=True)


def _demand_sentence(change: pd.DataFrame | None) -> str:
    if change is None or change.empty:
        return ("There is no earlier plan in the archive to compare this month's demand with; "
                "the change since last cycle will show from next month.")
    before, now = change["before"].sum(), change["now"].sum()
    if before <= 0:
        return "Last cycle planned no demand over the same months, so no change can be given."
    return (f"Consensus demand over {change['months'].iloc[0]} is {now:,.0f} units, "
            f"{now / before - 1:+.1%} against last cycle's plan for the same months.")
