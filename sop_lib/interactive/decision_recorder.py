"""The decision recorder: in the executive meeting, set each agenda item's outcome, the plan
adopted and the actions with owner and due month, and save them as the cycle's decision register
(`decisions/<cycle>.yaml`, the format of `sop_lib.data.decisions`) for `sop approve`.

The file is written only when it validates against the cycle's agenda and scenarios, in one
rename; a register already there is kept beside it as `<cycle>.yaml.previous` and is what the
recorder starts from.
"""
from __future__ import annotations

import datetime
import os
import shutil
import tempfile
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace

import ipywidgets as widgets
import pandas as pd
import yaml

from sop_lib.core.errors import DataError
from sop_lib.core.months import month_range
from sop_lib.data.decisions import (
    BASELINE,
    DECISIONS_FOLDER,
    OUTCOMES,
    STATUSES,
    check_decisions,
    decisions_path,
)
from sop_lib.interactive.common import labelled, month_options, show
from sop_lib.interactive.export import exported_table
from sop_lib.pack.display import say

NOT_DECIDED = "(not decided)"
PREVIOUS_SUFFIX = ".previous"
ACTION_COLUMNS = ["action", "item", "owner", "due", "status"]


def register_yaml(*, approved_by: str, approved_on: datetime.date, scenario: str,
                  outcomes: dict[int, tuple[str, str]], actions: list[dict], notes: str) -> str:
    """The text of a decision register. `outcomes` maps an agenda item to (outcome, note);
    each action has action, item (None for none), owner, due (a month) and status."""
    document = {"approved_by": approved_by, "approved_on": approved_on, "scenario": scenario}
    document["decisions"] = [{"item": item, "outcome": outcome, **({"note": note} if note else {})}
                             for item, (outcome, note) in sorted(outcomes.items())]
    document["actions"] = [{"action": a["action"],
                            **({"item": a["item"]} if a.get("item") is not None else {}),
                            "owner": a["owner"], "due": a["due"].strftime("%Y-%m"),
                            "status": a["status"]} for a in actions]
    if notes.strip():
        document["notes"] = notes
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def save_register(folder, cycle: pd.Period, text: str, *, agenda_items: set[int],
                  scenarios: set[str]) -> Path:
    """Write `text` as `folder/decisions/<cycle>.yaml` when it validates against the cycle's
    agenda and scenarios (DataError with the problems otherwise, nothing written). A register
    already there is kept as `<cycle>.yaml.previous`."""
    target = decisions_path(folder, cycle)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=".recorder-", suffix=".yaml")
    candidate = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        _, problems = check_decisions(candidate, cycle=cycle, agenda_items=agenda_items,
                                      scenarios=scenarios)
        errors = [p for p in problems if p.is_error]
        if errors:
            for problem in errors:
                problem.file = f"{DECISIONS_FOLDER}/{target.name}"
            raise DataError(errors)
        if target.exists():
            shutil.copy2(target, target.with_name(target.name + PREVIOUS_SUFFIX))
        os.replace(candidate, target)
    finally:
        candidate.unlink(missing_ok=True)
    return target


class DecisionRecorder:
    """The recorder of the workbook's cycle: reads the agenda, the scenario comparison and the
    recommendation its pre-S&OP step wrote (computing them when missing)."""

    def __init__(self, wb):
        self.wb = wb
        self.actions: list[dict] = []

    @cached_property
    def tables(self) -> dict[str, pd.DataFrame]:
        names = ("decisions", "scenario_comparison", "recommendation")
        if not all(self.wb.store.has(name) for name in names):
            self.wb.run("presop")
        return self.wb.read(*names)

    @cached_property
    def controls(self) -> SimpleNamespace:
        agenda, comparison = self.tables["decisions"], self.tables["scenario_comparison"]
        recommended = self.tables["recommendation"]["scenario"].iloc[0]
        items = {int(row.rank): (
            labelled(widgets.Dropdown, f"Item {row.rank} outcome",
                     f"What the meeting decided on {row.family}: {row.topic}",
                     options=[NOT_DECIDED, *OUTCOMES], value=NOT_DECIDED,
                     layout=widgets.Layout(width="18em")),
            labelled(widgets.Text, "Note", f"Why, or on what condition (item {row.rank})",
                     placeholder=f"{row.family}: {row.topic}",
                     layout=widgets.Layout(width="40em")))
            for row in agenda.itertuples()}
        months = month_range(self.wb.cycle, self.wb.horizon)
        return SimpleNamespace(
            approved_by=labelled(widgets.Text, "Approved by (name)", "Who approved the plan "
                                 "in the meeting"),
            approved_on=labelled(widgets.DatePicker, "Approved on (date)", "The day of the "
                                 "executive meeting", value=datetime.date.today()),
            scenario=labelled(widgets.Dropdown, "Plan adopted (scenario)", "The scenario "
                              "adopted as the plan of record; the recommended one is preset",
                              options=list(dict.fromkeys([BASELINE, *comparison["scenario"]])),
                              value=recommended),
            items=items,
            action=labelled(widgets.Text, "Action", "What is to be done, in one sentence",
                            layout=widgets.Layout(width="40em")),
            item=labelled(widgets.Dropdown, "For agenda item", "The agenda item the action "
                          "follows from (none: a general action)",
                          options=[("none", None), *((str(rank), rank) for rank in items)]),
            owner=labelled(widgets.Text, "Owner", "Who is accountable for the action"),
            due=labelled(widgets.Dropdown, "Due month", "The month by which it is done",
                         options=month_options(months)),
            status=labelled(widgets.Dropdown, "Status", "Where the action stands",
                            options=list(STATUSES)),
            add=widgets.Button(description="Add action", tooltip="Add the action to the list "
                               "saved with the decisions"),
            notes=labelled(widgets.Textarea, "Meeting notes", "Anything else the register "
                           "should keep", layout=widgets.Layout(width="52em")),
            save=widgets.Button(description="Save decisions", button_style="primary",
                                tooltip=f"Write {DECISIONS_FOLDER}/<cycle>.yaml in the company "
                                "folder for sop approve"),
            output=widgets.Output(),
        )

    @cached_property
    def widget(self) -> widgets.Widget:
        c = self.controls
        self._start_from_saved()
        c.add.on_click(lambda _: show(c.output, self.add_action))
        c.save.on_click(lambda _: show(c.output, self.save))
        rows = [widgets.HBox([outcome, note]) for outcome, note in c.items.values()]
        return widgets.VBox([
            widgets.HBox([c.approved_by, c.approved_on, c.scenario]),
            widgets.HTML("<b>Agenda items</b> (by rank): outcome and note"), *rows,
            widgets.HTML("<b>Actions</b>"), widgets.HBox([c.action, c.item]),
            widgets.HBox([c.owner, c.due, c.status, c.add]), c.notes, c.save, c.output])

    def _start_from_saved(self) -> None:
        """Fill the controls from the cycle's register when one is saved and reads cleanly."""
        path = decisions_path(self.wb.company.folder, self.wb.cycle)
        saved = check_decisions(path, cycle=self.wb.cycle)[0] if path.exists() else None
        if saved is None:
            return
        c = self.controls
        c.approved_by.value, c.approved_on.value = saved.approved_by, saved.approved_on
        if saved.scenario in c.scenario.options:
            c.scenario.value = saved.scenario
        for row in saved.decisions.itertuples():
            if row.item in c.items:
                c.items[row.item][0].value, c.items[row.item][1].value = row.outcome, row.note
        self.actions = [{"action": a.action, "item": None if pd.isna(a.item) else int(a.item),
                         "owner": a.owner, "due": a.due, "status": a.status}
                        for a in saved.actions.itertuples()]
        c.notes.value = saved.notes

    def add_action(self) -> None:
        """Add the action in the form to the list and show the list."""
        c = self.controls
        self.actions.append({"action": c.action.value.strip(), "item": c.item.value,
                             "owner": c.owner.value.strip(), "due": c.due.value,
                             "status": c.status.value})
        c.action.value = c.owner.value = ""
        exported_table(pd.DataFrame(self.actions, columns=ACTION_COLUMNS).astype(
            {"item": "string"}), "Actions to save", caption="Actions to save")

    def save(self) -> Path:
        """Write the register when it validates, and say where."""
        c = self.controls
        outcomes = {item: (outcome.value, note.value.strip())
                    for item, (outcome, note) in c.items.items() if outcome.value != NOT_DECIDED}
        text = register_yaml(approved_by=c.approved_by.value.strip(),
                             approved_on=c.approved_on.value, scenario=c.scenario.value,
                             outcomes=outcomes, actions=self.actions, notes=c.notes.value)
        path = save_register(self.wb.company.folder, self.wb.cycle, text,
                             agenda_items=set(c.items), scenarios=set(c.scenario.options))
        say("Saved **{file}**: {count} decision(s), {actions} action(s). Approve the pack with "
            "`sop approve --cycle {cycle}`.", file=f"{DECISIONS_FOLDER}/{path.name}",
            count=len(outcomes), actions=len(self.actions),
            cycle=self.wb.cycle.strftime("%Y-%m"))
        return path
