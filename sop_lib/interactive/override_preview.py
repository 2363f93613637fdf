"""What an override being entered would do, before it is saved: its rows, its effect on the
consensus of its SKU or family and on the family total, and the overrides in force it meets."""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from sop_lib.core.errors import SopError
from sop_lib.core.words import span_label
from sop_lib.data.override_log import ADD, CHANGE, KEY, WITHDRAW
from sop_lib.demand.consensus import OVERRIDE_COLUMNS, apply_overrides

EFFECT_COLUMNS = ["month", "statistical", "consensus_before", "consensus_after", "change"]
FAMILY_EFFECT_COLUMNS = ["family_consensus_before", "family_consensus_after", "family_change"]
MEETS_COLUMNS = ["row", "how", "level", "code", "month", "kind", "value", "owner", "reason"]
LEVEL_NAMES = {"family": "family", "sku": "SKU"}


@dataclass(frozen=True)
class NewOverride:
    """An override as entered: the same level, code, kind, value, owner and reason for every
    month from `first` to `last`. `value` is the text typed (absolute: the units of each month;
    percent: the change of each month); `action` adds it, changes the overrides in force on
    those months or withdraws them."""

    level: str
    code: str
    first: pd.Period
    last: pd.Period
    kind: str
    value: str
    owner: str
    reason: str
    action: str = ADD

    @property
    def months(self) -> pd.PeriodIndex:
        if self.last < self.first:
            raise SopError(f"The last month {self.last:%Y-%m} comes before the first month "
                           f"{self.first:%Y-%m}.")
        return pd.period_range(self.first, self.last, freq="M")

    def rows(self, entered: str = "") -> list[dict[str, str]]:
        """The rows of overrides.csv, one per month, as text; `entered` says when."""
        cells = {"level": self.level, "code": self.code, "kind": self.kind,
                 "value": self.value.strip(), "owner": self.owner.strip(),
                 "reason": self.reason.strip(), "action": self.action, "entered": entered}
        return [{**cells, "month": month.strftime("%Y-%m")} for month in self.months]

    def keys(self) -> pd.DataFrame:
        """The level, code and month of each of its rows."""
        return pd.DataFrame({"level": self.level, "code": self.code, "month": self.months})

    def frame(self) -> pd.DataFrame:
        """The rows typed as the overrides table (for the preview); raises SopError when the
        value is not a number."""
        try:
            value = float(self.value)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise SopError(f"The value {self.value.strip()!r} is not a number: enter units "
                           "(absolute) or a percent change such as 10 or -5 (percent).")
        return self.keys().assign(kind=self.kind, value=value, owner=self.owner.strip(),
                                  reason=self.reason.strip()).astype(
            {c: str for c in ("level", "code", "kind", "owner", "reason")})

    def describe(self) -> str:
        unit = "%" if self.kind == "percent" else " units a month"
        what = f"{self.level} {self.code}, {span_label(self.first, self.last)}"
        if self.action == WITHDRAW:
            return f"withdraw the override on {what}"
        verb = "change to" if self.action == CHANGE else "override"
        return f"{what}: {verb} {self.kind} {self.value.strip()}{unit}"


def overrides_after(current: pd.DataFrame, new: pd.DataFrame, action: str) -> pd.DataFrame:
    """The overrides in force once `new` is saved with `action`: those of `current` on its
    months replaced by `new` (add, change) or left out (withdraw)."""
    keys = pd.MultiIndex.from_frame(current[KEY])
    kept = current[~keys.isin(pd.MultiIndex.from_frame(new[KEY]))]
    if action == WITHDRAW:
        return kept[OVERRIDE_COLUMNS].reset_index(drop=True)
    return pd.concat([kept[OVERRIDE_COLUMNS], new[OVERRIDE_COLUMNS]], ignore_index=True)


def override_effect(forecast: pd.DataFrame, current: pd.DataFrame, new: pd.DataFrame,
                    items: pd.DataFrame, *, action: str = ADD) -> pd.DataFrame:
    """The new override's family or SKU in its months: statistical units, consensus with the
    overrides in force (before) and once it is saved with `action` (after), and the change; for
    a SKU, its family's consensus total before and after too.

    `forecast` is the statistical forecast (statistical_forecast's columns), `current` the
    overrides in force, `new` an override table on one level and code. Columns: EFFECT_COLUMNS
    (and FAMILY_EFFECT_COLUMNS for a SKU). Raises DataError when an override cannot be applied
    (see consensus.apply_overrides).
    """
    before, _ = apply_overrides(forecast, current[OVERRIDE_COLUMNS], items)
    after, _ = apply_overrides(forecast, overrides_after(current, new, action), items)
    level, code = new["level"].iloc[0], new["code"].iloc[0]
    months = before["month"].isin(new["month"]).to_numpy()
    rows = (before[level] == code).to_numpy() & months
    units = before[rows].groupby("month")[["statistical", "consensus"]].sum()
    effect = units.rename(columns={"consensus": "consensus_before"})
    effect["consensus_after"] = after[rows].groupby("month")["consensus"].sum()
    effect["change"] = effect["consensus_after"] - effect["consensus_before"]
    if level == "sku":
        family = (before["family"] == before.loc[rows, "family"].iloc[0]).to_numpy() & months
        effect["family_consensus_before"] = before[family].groupby("month")["consensus"].sum()
        effect["family_consensus_after"] = after[family].groupby("month")["consensus"].sum()
        effect["family_change"] = (effect["family_consensus_after"]
                                   - effect["family_consensus_before"])
        return effect.reset_index()[EFFECT_COLUMNS + FAMILY_EFFECT_COLUMNS]
    return effect.reset_index()[EFFECT_COLUMNS]


def overrides_met(current: pd.DataFrame, new: pd.DataFrame, items: pd.DataFrame, *,
                  action: str = ADD) -> pd.DataFrame:
    """The overrides in force (`current`, with its `row` column) that the new override meets in
    its months, each with how (MEETS_COLUMNS): one on the same level, code and month (which the
    new one replaces or withdraws; an add there is refused), the family override spread over a
    new SKU override's SKU, and the SKU overrides inside a new family override, which keep
    their units so that the family total is not the family override's alone."""
    level, code = new["level"].iloc[0], new["code"].iloc[0]
    in_months = current[current["month"].isin(new["month"])]
    family = code if level == "family" else items.set_index("sku")["family"].get(code)
    sku_family = in_months["code"].map(items.set_index("sku")["family"])
    same = (in_months["level"] == level) & (in_months["code"] == code)
    spread = (level == "sku") & (in_months["level"] == "family") & (in_months["code"] == family)
    inside = (level == "family") & (in_months["level"] == "sku") & (sku_family == family)
    how = pd.Series("", index=in_months.index, dtype=str)
    how[same] = {ADD: "already in force on this month: save as a change to replace it",
                 CHANGE: "in force now: this change replaces it",
                 WITHDRAW: "in force now: this withdraws it"}[action]
    withdrawn = action == WITHDRAW
    how[spread] = (f"the family override spread over {code}: " + (
        f"withdrawn, {code} goes back to its share of it" if withdrawn else
        f"a SKU override sets {code}'s month instead of its share, so the family total moves "
        "with it"))
    how[inside] = (f"a SKU override inside {family}: " + (
        "it stays in force" if withdrawn else
        f"it keeps its units, so {family}'s total differs from what the family override alone "
        "gives"))
    met = in_months.assign(how=how)[same | spread | inside]
    return met[MEETS_COLUMNS].sort_values(["month", "row"]).reset_index(drop=True)

