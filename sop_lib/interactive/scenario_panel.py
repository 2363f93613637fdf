"""The scenario panel: try a demand, capacity, overtime and price change, re-plan supply and money
against the baseline, and save the scenario as a YAML file the next run reads.

A saved file names calendar months (YYYY-MM) as picked; a change that runs to the end of the
horizon leaves out `to`, one over the whole horizon leaves out its months, so that it reads the
same way for the cycle and horizon it was made for. Before it is written the file is checked with
`check_scenarios` against the company, the horizon and the other scenario files (names must
differ), so the pre-S&OP run can load it.
"""
from __future__ import annotations

import html
import tempfile
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace

import ipywidgets as widgets
import pandas as pd
import yaml

from sop_lib.core.errors import DataError, SopError
from sop_lib.core.months import month_range
from sop_lib.data.contract import SCENARIO_FOLDER
from sop_lib.interactive.common import (
    demand_review,
    labelled,
    month_options,
    plan_months,
    show,
)
from sop_lib.interactive.export import exported_table, file_stem
from sop_lib.interactive.scenario_view import DIFFERENCE, key_figures, plan_summary, plans_chart
from sop_lib.pack import charts
from sop_lib.pack.display import figure, say
from sop_lib.presop.scenarios import (
    BASELINE,
    Change,
    Scenario,
    changes_table,
    check_scenarios,
    compare_scenarios,
    recommend,
    run_scenario,
    scenario_files,
)
from sop_lib.presop.scenarios.model import CAPACITY, DEMAND, OVERTIME, PRICE
from sop_lib.store.archive import published_artifact

NO_CHANGE = "(no change)"
RESOURCE_KINDS = (CAPACITY, OVERTIME)


def scenario_yaml(scenario: Scenario, *, months: pd.PeriodIndex, note: str = "") -> str:
    """A scenario as the text of a scenario file (docs/scenarios.md), for the plan `months`.

    Months are written as YYYY-MM: `month` for one month, otherwise `from` (left out when it is
    the first plan month) and `to` (left out when it is the last). `note` becomes a comment
    line on top.
    """
    document = {"name": scenario.name}
    if scenario.description:
        document["description"] = scenario.description
    document["changes"] = [{change.kind: _change_fields(change, months)}
                           for change in scenario.changes]
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    return (f"# {note}\n" if note else "") + text


def _change_fields(change: Change, months: pd.PeriodIndex) -> dict:
    target = "resource" if change.kind in RESOURCE_KINDS else "family"
    names = change.names
    fields = {target: names[0] if len(names) == 1 else list(names)}
    if change.months:
        first, last = change.months[0], change.months[-1]
        if first == last:
            fields["month"] = first.strftime("%Y-%m")
        else:
            if first != months[0]:
                fields["from"] = first.strftime("%Y-%m")
            if last != months[-1]:
                fields["to"] = last.strftime("%Y-%m")
    if change.field == "max_hours" and change.amount == 0:
        fields["allowed"] = False
    else:
        fields[change.field] = change.amount
    return fields


def scenario_path(company, name: str) -> Path:
    """Where a scenario of that name is saved: `<company folder>/scenarios/<slug>.yaml`."""
    slug = file_stem(name)
    if not slug:
        raise SopError("Give the scenario a name with letters or digits: it names its file.")
    return Path(company.folder) / SCENARIO_FOLDER / f"{slug}.yaml"


def save_scenario(company, scenario: Scenario, *, cycle: pd.Period, horizon: int,
                  overwrite: bool = False) -> Path:
    """Write the scenario to `scenario_path` and return the path.

    Refuses (SopError) to replace an existing file unless `overwrite`; refuses (DataError, with
    the problems located in the file to be written) a scenario that `check_scenarios` would not
    load along with the company's other scenario files. Nothing is written when it refuses.
    """
    path = scenario_path(company, scenario.name)
    label = f"{SCENARIO_FOLDER}/{path.name}"
    if path.exists() and not overwrite:
        raise SopError(f"{label} already exists; tick the box to replace it, or choose another "
                       "name.")
    text = scenario_yaml(scenario, months=month_range(cycle, horizon), note=(
        f"Saved from the scenario panel for the cycle {cycle:%Y-%m} ({horizon} months)."))
    others = [p for p in scenario_files(company.folder) if p.name != path.name]
    with tempfile.TemporaryDirectory(prefix="sop-scenario-") as temporary:
        candidate = Path(temporary) / path.name
        candidate.write_text(text, encoding="utf-8")
        _, problems = check_scenarios(company, [*others, candidate], cycle=cycle,
                                      horizon=horizon)
        mine = [p for p in problems if p.file == str(candidate)]
    if mine:
        for problem in mine:
            problem.file = label
        raise DataError(mine)
    path.parent.mkdir(exist_ok=True)
    with path.open("w" if overwrite else "x", encoding="utf-8", newline="\n") as file:
        file.write(text)
    return path


class ScenarioPanel:
    """Controls for a what-if, re-planned against the baseline on Recompute and saved as a
    scenario file on Save; the baseline's key figures and chart show as soon as it is built.

    `ScenarioPanel(wb).widget` shows the panel; `controls` holds its widgets (name,
    description, demand_family, demand_from, demand_to, demand_percent, capacity_resource,
    capacity_from, capacity_to, capacity_hours, overtime, price_family, price_percent,
    recompute, save, overwrite) and `result_output` / `save_output` what they show. Nothing is
    read or computed before the widget is built.
    """

    def __init__(self, wb):
        self.wb = wb

    @cached_property
    def tables(self) -> dict[str, pd.DataFrame]:
        return demand_review(self.wb)

    @cached_property
    def plan_options(self) -> dict:
        """As the pre-S&OP step plans: from the last published plan of record."""
        record = published_artifact(self.wb.archive_dir, self.wb.cycle - 1, "plan",
                                    ["family", "month", "production"])
        return {"plan_of_record": record}

    @cached_property
    def baseline(self):
        return self._run(BASELINE)

    @cached_property
    def controls(self) -> SimpleNamespace:
        company = self.wb.company
        currency = company.config.currency
        months = month_options(plan_months(self.wb))
        families = [(NO_CHANGE, "")] + [(f, f) for f in sorted(company.families["family"])]
        resources = [(NO_CHANGE, "")] + [(r, r) for r in sorted(company.resources["resource"])]
        most = max(160, int(company.resources["available_hours"].max()))
        return SimpleNamespace(
            name=labelled(widgets.Text, "Scenario name", "Names the scenario in the comparison "
                          "and its file, scenarios/<name>.yaml", value="What-if"),
            description=labelled(widgets.Text, "Description (optional)", "One sentence on "
                                 "what the scenario tries, saved with it",
                                 layout=widgets.Layout(width="60%")),
            demand_family=labelled(widgets.Dropdown, "Demand of family", "The family whose "
                                   "consensus demand changes", options=families),
            demand_from=labelled(widgets.Dropdown, "From month", "First month the demand "
                                 "change applies to", options=months),
            demand_to=labelled(widgets.Dropdown, "To month", "Last month the demand change "
                               "applies to (included)", options=months, value=months[-1][1]),
            demand_percent=labelled(
                widgets.BoundedFloatText, "Demand change (%)", "Consensus demand of the family, "
                "in units and value, up (positive) or down (negative) by this percent",
                value=0, min=-100, max=500, step=1),
            capacity_resource=labelled(widgets.Dropdown, "Capacity of resource", "The "
                                       "resource whose regular hours change",
                                       options=resources),
            capacity_from=labelled(widgets.Dropdown, "From month", "First month the capacity "
                                   "change applies to", options=months),
            capacity_to=labelled(widgets.Dropdown, "To month", "Last month the capacity "
                                 "change applies to (included)", options=months,
                                 value=months[-1][1]),
            capacity_hours=labelled(
                widgets.BoundedIntText, "Extra capacity (hours per month)", "Regular hours "
                "added to the resource's available hours each month (negative: removed), "
                f"paid at its regular rate in {currency}", value=0, min=-most, max=most, step=8),
            overtime=labelled(widgets.Checkbox, "Overtime allowed", "Untick to plan without "
                              "overtime on every resource in every month", value=True),
            price_family=labelled(widgets.Dropdown, "Price of family", "The family whose "
                                  "unit prices change", options=families),
            price_percent=labelled(
                widgets.BoundedFloatText, "Price change (%)", f"Unit prices of the family (in "
                f"{currency}) up or down by this percent over the whole horizon; units stay "
                "as planned", value=0, min=-100, max=100, step=1),
            recompute=widgets.Button(description="Recompute", button_style="primary",
                                     tooltip="Re-plan supply and money with these changes and "
                                     "compare them with the baseline"),
            save=widgets.Button(description="Save as YAML", tooltip="Write the scenario to "
                                "scenarios/<name>.yaml for the next pre-S&OP run"),
            overwrite=labelled(widgets.Checkbox, "Replace the file if it exists", "Tick to "
                               "overwrite a saved scenario of the same name", value=False))

    @cached_property
    def result_output(self) -> widgets.Output:
        return widgets.Output()

    @cached_property
    def save_output(self) -> widgets.Output:
        return widgets.Output()

    @cached_property
    def widget(self) -> widgets.VBox:
        c = self.controls
        c.recompute.on_click(lambda _: self.recompute())
        c.save.on_click(lambda _: self.save())
        folder = Path(self.wb.company.folder) / SCENARIO_FOLDER
        currency = self.wb.company.config.currency
        instruction = widgets.HTML(
            "Pick the changes to try. <b>Recompute</b> re-plans supply and money with them and "
            "shows the scenario beside the baseline (money in "
            f"{html.escape(currency)}); <b>Save as YAML</b> writes it to "
            f"<code>{html.escape(str(folder))}/&lt;name&gt;.yaml</code>, which the next "
            "pre-S&amp;OP run compares with the other scenarios.")
        show(self.result_output, self._show_baseline)
        return widgets.VBox([
            instruction,
            widgets.HBox([c.name, c.description]),
            _heading("Demand"),
            widgets.HBox([c.demand_family, c.demand_from, c.demand_to, c.demand_percent]),
            _heading("Capacity"),
            widgets.HBox([c.capacity_resource, c.capacity_from, c.capacity_to, c.capacity_hours]),
            c.overtime,
            _heading("Price"),
            widgets.HBox([c.price_family, c.price_percent]),
            widgets.HBox([c.recompute, c.save, c.overwrite]),
            self.save_output, self.result_output])

    def scenario(self) -> Scenario:
        """The scenario the controls describe (changes left at no change are left out)."""
        c, months = self.controls, plan_months(self.wb)
        changes = []
        if c.demand_family.value and c.demand_percent.value:
            changes.append(Change(DEMAND, (c.demand_family.value,),
                                  _between(months, c.demand_from.value, c.demand_to.value,
                                           "demand"),
                                  "percent", float(c.demand_percent.value)))
        if c.capacity_resource.value and c.capacity_hours.value:
            changes.append(Change(CAPACITY, (c.capacity_resource.value,),
                                  _between(months, c.capacity_from.value, c.capacity_to.value,
                                           "capacity"),
                                  "add_hours", float(c.capacity_hours.value)))
        if not c.overtime.value:
            changes.append(Change(OVERTIME, tuple(self.wb.company.resources["resource"]),
                                  tuple(months), "max_hours", 0.0))
        if c.price_family.value and c.price_percent.value:
            changes.append(Change(PRICE, (c.price_family.value,), tuple(months), "percent",
                                  float(c.price_percent.value)))
        return Scenario(c.name.value.strip(), c.description.value.strip(), tuple(changes))

    def recompute(self) -> None:
        """Re-plan supply and money with the scenario and compare it with the baseline."""
        show(self.result_output, self._recompute)

    def save(self) -> None:
        """Save the scenario as `<company folder>/scenarios/<name>.yaml`."""
        show(self.save_output, self._save)

    def _run(self, scenario: Scenario):
        tables = self.tables
        return run_scenario(self.wb.company, tables["demand"], tables["consensus"], scenario,
                            plan_options=self.plan_options)

    def _show_baseline(self) -> None:
        comparison = compare_scenarios(self.baseline, [])
        figures = key_figures(comparison, self.wb.company.config.currency)
        say("**Baseline**, the plan as reviewed, over {months}. Pick a change and recompute to "
            "see a scenario beside it.", months=comparison["months"].iloc[0])
        self._key_figures(figures, comparison, f"Key figures of the {BASELINE.name}")
        figure(plans_chart({BASELINE.name: plan_summary(self.baseline)}))

    def _recompute(self) -> None:
        scenario = self.scenario()
        if not scenario.changes:
            say("No change chosen: the scenario is the baseline. Pick a change and recompute.")
            self._show_baseline()
            return
        named = Scenario(scenario.name or "What-if", scenario.description, scenario.changes)
        result = self._run(named)
        comparison = compare_scenarios(self.baseline, [result])
        currency = self.wb.company.config.currency
        figures = key_figures(comparison, currency)
        exported_table(changes_table([named])[["change", "description"]],
                       f"Changes of {named.name}", caption=f"What {named.name} changes")
        figure(plans_chart({BASELINE.name: plan_summary(self.baseline),
                            named.name: plan_summary(result)}))
        self._key_figures(figures, comparison, f"Key figures of {BASELINE.name} and {named.name}",
                          f"{DIFFERENCE} = {named.name} minus {BASELINE.name}")
        if comparison["notes"].iloc[-1]:
            say("**Note:** {notes}", notes=comparison["notes"].iloc[-1])
        choice = recommend(comparison, currency=currency)
        say("**By the recommendation rule: {scenario}.** {reason}", scenario=choice.scenario,
            reason=choice.reason)
        figure(charts.utilisation_heatmap(
            result.load, title=f"Planned load against regular hours with {named.name}"))

    def _key_figures(self, figures: pd.DataFrame, comparison: pd.DataFrame, name: str,
                     note: str = "") -> None:
        """`key_figures` of the comparison, with their window and export bar."""
        caption = f"{name}, {comparison['months'].iloc[0]}" + (f" ({note})" if note else "")
        exported_table(figures, name, caption=caption,
                       currency=self.wb.company.config.currency)

    def _save(self) -> None:
        scenario = self.scenario()
        path = save_scenario(self.wb.company, scenario, cycle=self.wb.cycle,
                             horizon=self.wb.horizon, overwrite=self.controls.overwrite.value)
        self.controls.overwrite.value = False
        say("**Saved** {name} to {file}: the next pre-S&OP run compares it with the others.",
            name=scenario.name, file=f"{SCENARIO_FOLDER}/{path.name}")


def _heading(text: str) -> widgets.HTML:
    return widgets.HTML(f"<b>{html.escape(text)}</b>")


def _between(months: pd.PeriodIndex, first: pd.Period, last: pd.Period, what: str) -> tuple:
    """The plan months from `first` to `last`; SopError when `last` comes first."""
    if last < first:
        raise SopError(f"The {what} change ends ({last:%Y-%m}) before it starts "
                       f"({first:%Y-%m}).")
    return tuple(m for m in months if first <= m <= last)
