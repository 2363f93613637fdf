"""What a scenario is once read and checked: a name and changes resolved against the company."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sop_lib.core.words import span_label

DEMAND, CAPACITY, OVERTIME, PRICE, COST = "demand", "capacity", "overtime", "price", "cost"
INVENTORY_TARGET, BACKLOG_TARGET = "inventory_target", "backlog_target"
BASELINE_NAME = "Baseline"


@dataclass(frozen=True)
class Change:
    """One change of a scenario.

    `kind` is one of the change types (demand, capacity, overtime, price, cost, inventory_target,
    backlog_target); `names` the families or resources it applies to; `months` the consecutive
    plan months it covers (empty for the kinds that hold for the whole horizon: cost and the
    targets);
    `field` the amount's field in the file (percent, add_hours, available_hours, max_hours,
    days, weeks) and `amount` its value. `allowed: false` reads as max_hours 0.
    """

    kind: str
    names: tuple[str, ...]
    months: tuple[pd.Period, ...]
    field: str
    amount: float

    def describe(self) -> str:
        """The change as a planner reads it: "Grills demand +10% in 2027-02 to 2027-07"."""
        who = ", ".join(self.names)
        amounts = {
            "percent": f"{self.kind} {self.amount:+g}%",
            "add_hours": f"{self.amount:+g} regular hours a month",
            "available_hours": f"regular hours set to {self.amount:g} a month",
            "max_hours": ("no overtime" if self.amount == 0
                          else f"overtime up to {self.amount:g} hours a month"),
            "days": f"inventory target {self.amount:g} days",
            "weeks": f"backlog target {self.amount:g} weeks",
        }
        when = f" in {span_label(self.months[0], self.months[-1])}" if self.months else ""
        return f"{who}: {amounts[self.field]}{when}"


@dataclass(frozen=True)
class Scenario:
    """A named set of changes to the plan's inputs; `file` is where it was read from."""

    name: str
    description: str = ""
    changes: tuple[Change, ...] = ()
    file: str = ""


BASELINE = Scenario(BASELINE_NAME, "The plan as reviewed, without changes.")


def changes_table(scenarios) -> pd.DataFrame:
    """Every change of some scenarios, one row each: `scenario, change, kind, description`.

    `change` is the change's position in its file (1 = first).
    """
    rows = [(s.name, position, c.kind, c.describe())
            for s in scenarios for position, c in enumerate(s.changes, start=1)]
    return pd.DataFrame(rows, columns=["scenario", "change", "kind", "description"])
