"""The executive summary: KPI trends over the last cycles and a narrative from the figures."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from sop_lib.core.status import AMBER, GREEN, NOT_AVAILABLE, RED
from sop_lib.core.words import format_money
from sop_lib.presop.balance import UNIT_TOLERANCE
from sop_lib.store.archive import cycle_folder, is_published

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
              currency: str, recommendation: str | None = None,
              demand_change: pd.DataFrame | None = None,
              since_last: str | None = None) -> list[str]:
    """The meeting in a few sentences, each quoting the figures of the KPI, family and decision
    tables (same values, same rounding): `since_last` (`loop.loop_sentence`) first, then
    stock-outs and service misses."""
    by_key = {kpi_key(row.kpi): row for row in kpis.itertuples(index=False)}
    sentences = [*([since_last] if since_last else []), *_shortage_sentences(family_status),
                 _demand_sentence(demand_change)]
    for key, sentence in _KPI_SENTENCES.items():
        row = by_key.get(key)
        if row is not None:
            sentences.append(sentence(row, by_key) if row.status != NOT_AVAILABLE
                             else f"{row.kpi}: not enough data yet. {row.comment}")
    sentences.append(_families_sentence(family_status))
    sentences.append(_decisions_sentence(decisions, currency, recommendation))
    return sentences


def _shortage_sentences(family_status: pd.DataFrame) -> list[str]:
    """One sentence per family whose plan ships customer demand late or leaves an MTS family
    without stock (its first, worst reason)."""
    short = ((family_status["late_units"] > UNIT_TOLERANCE)
             | (family_status["lowest_inventory"] < UNIT_TOLERANCE))
    return [f"{row.family}: {_first_reason(row.reason)}."
            for row in family_status[short].itertuples()]


def _first_reason(reason: str) -> str:
    return reason.split("; ")[0].rsplit(" (", 1)[0]


def _service(row, _) -> str:
    return (f"Customer service: the plan ships {row.value:.1%} of what is due on time "
            f"(target {row.target:.1%}, {row.status}).")


def _accuracy(row, by_key) -> str:
    family = by_key.get("Forecast accuracy, family level (1 - WAPE)")
    bias = by_key.get("Forecast bias")
    text = (f"Forecast accuracy is {row.value:.1%} at SKU level (target {row.target:.1%}, "
            f"{row.status})")
    if family is not None and not pd.isna(family.value):
        text += f" and {family.value:.1%} at family level"
    if bias is not None and not pd.isna(bias.value):
        text += f"; bias {bias.value:+.1%} ({bias.status})"
    replayed = " (measured on replayed forecasts)" if "replayed" in row.comment else ""
    return text + replayed + "."


def _inventory(row, _) -> str:
    return (f"{row.kpi}: {row.unit} {row.value:,.0f} against {row.unit} {row.target:,.0f} at "
            f"target ({row.status}).")


def _against(reference: str):
    """The sentence of a money KPI against its target, named `reference`."""
    def sentence(row, _) -> str:
        gap = row.value / row.target - 1 if row.target else float("nan")
        versus = ("against" if pd.isna(gap)
                  else f"{abs(gap):.1%} {'below' if gap < 0 else 'above'}")
        return (f"{_kpi_name(row.kpi)}: {row.unit} {row.value:,.0f}, {versus} {reference} of "
                f"{row.unit} {row.target:,.0f} ({row.status}).")
    return sentence


def _kpi_name(kpi: str) -> str:
    """A KPI's name as a sentence starts with it: without a trailing "vs budget"."""
    return kpi.removesuffix(" vs budget")


def _capacity(row, by_key) -> str:
    overloads = by_key.get("Overloaded resource-months (planned)")
    count = "" if overloads is None else (
        f"; {overloads.value:,.0f} resource-months beyond regular plus overtime hours")
    pressure = "" if overloads is None else overloads.comment.partition("Required load")
    return (f"Capacity: the plan's peak load is {row.value:.1%} of regular hours "
            f"({row.status}){count}."
            + (f" {pressure[1]}{pressure[2]}" if pressure and pressure[1] else ""))


_KPI_SENTENCES = {
    "Customer service (projected)": _service,
    "Forecast accuracy, SKU level (1 - WAPE)": _accuracy,
    "Revenue": _against("the business plan"),
    "Fiscal year revenue": _against("the business plan"),
    "Margin vs budget": _against("the budget"),
    "Inventory value, end of": _inventory,
    "Peak capacity utilisation (planned)": _capacity,
}


def _families_sentence(family_status: pd.DataFrame) -> str:
    off = family_status[~family_status["status"].isin([GREEN, NOT_AVAILABLE])]
    if off.empty:
        return "Every family is on track."
    off = off.assign(order=off["status"].map({RED: 0, AMBER: 1})).sort_values(
        ["order", "family"])
    counts = off["status"].value_counts()
    head = ", ".join(f"{counts[s]} {s}" for s in (RED, AMBER) if s in counts)
    named = "; ".join(f"{s}: " + ", ".join(off.loc[off["status"] == s, "family"])
                      for s in (RED, AMBER) if s in counts)
    return f"Families needing attention ({head}): {named}. Their reasons: the families table."


def _decisions_sentence(decisions: pd.DataFrame, currency: str,
                        recommendation: str | None) -> str:
    advice = f" Recommended scenario: {recommendation}." if recommendation else ""
    if decisions.empty:
        return "No decision is needed this month." + advice
    top = decisions.iloc[0]
    count = len(decisions)
    return (f"{count} decision{'s are' if count != 1 else ' is'} asked of this meeting; first: "
            f"{top['topic']} of {top['family']} ({format_money(top['impact'], currency)} at "
            "stake)." + advice)


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
