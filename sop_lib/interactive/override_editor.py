"""The override editor: review the overrides in force, add one, or change or withdraw one with
who asks and why; see the effect on the consensus and on the family total at once, with the
overrides in force it meets; save it to the company's overrides.csv as rows added at its end
(`sop_lib.interactive.override_file`), the file's history kept."""
from __future__ import annotations

import datetime
from functools import cached_property
from types import SimpleNamespace

import ipywidgets as widgets
import pandas as pd

from sop_lib.core.errors import SopError
from sop_lib.data.override_log import (
    ADD,
    CHANGE,
    KEY,
    WITHDRAW,
    from_month,
    in_force,
    override_log,
)
from sop_lib.demand.consensus import (
    OVERRIDE_COLUMNS,
    OVERRIDES_FILE,
    apply_override_log,
    override_history,
    overrides_in_force,
)
from sop_lib.interactive.common import (
    FULL_LABEL,
    demand_review,
    month_options,
    plan_months,
    show,
)
from sop_lib.interactive.export import exported_table
from sop_lib.interactive.override_file import FILE_COLUMNS, overrides_file, save_overrides
from sop_lib.interactive.override_preview import (
    LEVEL_NAMES,
    NewOverride,
    override_effect,
    overrides_met,
)
from sop_lib.pack.display import say

ALL = ""
WIDE = {"style": FULL_LABEL}
ACTION_LABELS = {ADD: "Add a new override", CHANGE: "Change the override in force",
                 WITHDRAW: "Withdraw the override in force"}


class OverrideEditor:
    """The overrides in force (filtered by family, code and who asked) over a form to add,
    change or withdraw one, its preview and Save.

    `OverrideEditor(wb).widget` shows it; `controls` holds its widgets (family_filter,
    code_filter, owner_filter, action, pick, level, code, first, last, kind, value, owner,
    reason, save) and `list_output`, `preview_output` and `save_output` what they show. Nothing
    is read or computed before the widget is built.
    """

    def __init__(self, wb):
        self.wb = wb

    @cached_property
    def forecast(self) -> pd.DataFrame:
        return demand_review(self.wb)["forecast"]

    @cached_property
    def log(self) -> pd.DataFrame:
        """The overrides file as a log (`override_log`) from the cycle on: as loaded, then as
        saved since."""
        return from_month(override_log(self.wb.company.overrides,
                                       self.wb.company.origin("overrides")[1]), self.wb.cycle)

    @property
    def current(self) -> pd.DataFrame:
        """The overrides in force, with their file row."""
        return in_force(self.log)

    @cached_property
    def controls(self) -> SimpleNamespace:
        months = month_options(plan_months(self.wb))
        text = {"continuous_update": False, "layout": widgets.Layout(width="46em"), **WIDE}
        families = sorted(self.forecast["family"].unique())
        return SimpleNamespace(
            family_filter=widgets.Dropdown(
                options=[("(all families)", ALL), *((f, f) for f in families)],
                description="Show family", tooltip="Only the overrides on this family or its SKUs",
                **WIDE),
            code_filter=widgets.Text(
                description="Show codes containing", placeholder="e.g. GR-00",
                tooltip="Only the overrides whose code holds this text (any case)", **WIDE),
            owner_filter=widgets.Dropdown(
                description="Show who asked", options=[("(everyone)", ALL)],
                tooltip="Only the overrides this person asked for", **WIDE),
            action=widgets.ToggleButtons(
                options=[(label, action) for action, label in ACTION_LABELS.items()],
                description="Action", style={**FULL_LABEL, "button_width": "auto"}, tooltips=[
                    "A new override where none is in force on its months",
                    "Replace the overrides in force on these months (pick one below)",
                    "End the overrides in force on these months (pick one below)"]),
            pick=widgets.Dropdown(description="Override in force", options=[],
                                  layout=widgets.Layout(width="46em"),
                                  tooltip="Fills the form with an override in force", **WIDE),
            level=widgets.ToggleButtons(options=[("Family", "family"), ("SKU", "sku")],
                                        description="Level", tooltips=[
                                            "A family's monthly total, spread over its SKUs",
                                            "One SKU's month"], **WIDE),
            code=widgets.Combobox(
                options=list(self._codes("family")), value=next(iter(self._codes("family")), ""),
                ensure_option=True, description="Family or SKU",
                placeholder="type part of a code or a name, then pick it",
                tooltip="What the override changes: type to narrow the list", **WIDE),
            first=widgets.Dropdown(options=months, description="From month",
                                   tooltip="The first month it covers", **WIDE),
            last=widgets.Dropdown(options=months, description="To month",
                                  tooltip="The last month it covers (the same for one month)",
                                  **WIDE),
            kind=widgets.ToggleButtons(
                options=[("Percent change", "percent"), ("Units a month", "absolute")],
                value="percent", description="Kind", tooltips=[
                    "The statistical forecast changed by a percent", "The month's units set"],
                **WIDE),
            value=widgets.Text(description="Value (% change, or units a month)",
                               placeholder="percent: 10 or -5; units: 120",
                               tooltip="A number: the percent change, or the units of each "
                               "month", **text),
            owner=widgets.Text(description="Asked by (owner)", placeholder="name (team)",
                               tooltip="Who asks for this: kept in the file with the row",
                               **text),
            reason=widgets.Text(description="Reason", placeholder="promotion, tender, lost "
                                "customer, ...", tooltip="Why: kept in the file with the row",
                                **text),
            save=widgets.Button(description=f"Save to {OVERRIDES_FILE}", button_style="primary",
                                layout=widgets.Layout(width="auto"),
                                tooltip="Adds the rows at the end of the file, after the same "
                                "checks as sop validate; nothing earlier is edited"))

    @cached_property
    def list_output(self) -> widgets.Output:
        return widgets.Output()

    @cached_property
    def preview_output(self) -> widgets.Output:
        return widgets.Output()

    @cached_property
    def save_output(self) -> widgets.Output:
        return widgets.Output()

    @cached_property
    def widget(self) -> widgets.VBox:
        c = self.controls
        for control in (c.family_filter, c.code_filter, c.owner_filter):
            control.observe(lambda _: self.review(), names="value")
        c.level.observe(lambda change: self._offer_codes(change["new"]), names="value")
        c.first.observe(self._follow_first, names="value")
        c.pick.observe(lambda change: self._fill_from(change["new"]), names="value")
        for control in (c.action, c.code, c.first, c.last, c.kind, c.value):
            control.observe(lambda _: self.preview(), names="value")
        c.save.on_click(lambda _: self.save())
        self.review()
        self.preview()
        return widgets.VBox([
            widgets.HTML("<b>Overrides in force</b>: filter by family, code or who asked; the "
                         "change is in units at the override's level (the family total or the "
                         "SKU)."),
            widgets.HBox([c.family_filter, c.code_filter, c.owner_filter]), self.list_output,
            widgets.HTML(f"<b>Add, change or withdraw</b>: the preview shows the effect at "
                         f"once; Save adds the rows to {OVERRIDES_FILE} with who asked, why and "
                         "when (nothing earlier is edited). Run the demand review again for the "
                         "plan to include them."),
            c.action, c.pick, c.level, c.code, widgets.HBox([c.first, c.last]), c.kind,
            c.value, c.owner, c.reason, self.preview_output, c.save, self.save_output])

    def entry(self) -> NewOverride:
        c = self.controls
        return NewOverride(c.level.value, self._code(), c.first.value, c.last.value,
                           c.kind.value, c.value.value, c.owner.value, c.reason.value,
                           c.action.value)

    def review(self) -> None:
        """Show the overrides in force and the changed and withdrawn ones, as filtered, and
        offer those in force in the picker."""
        show(self.list_output, self._review)

    def preview(self) -> None:
        """Show the entry's effect on the consensus and the overrides it meets; nothing is
        written."""
        show(self.preview_output, self._preview)

    def save(self) -> None:
        """Add the entry to overrides.csv when it passes the checks; show what was saved."""
        show(self.save_output, self._save)

    def _codes(self, level: str) -> dict[str, str]:
        """The families or SKUs that have a statistical forecast: the picker's text (a SKU's
        code and description) -> the code."""
        if level == "family":
            return {f: f for f in sorted(self.forecast["family"].unique())}
        items = self.wb.company.items.set_index("sku")["description"]
        skus = self.forecast.drop_duplicates("sku").sort_values(["family", "sku"])["sku"]
        return {f"{sku} {items.get(sku, '')}".strip(): sku for sku in skus}

    def _code(self) -> str:
        """The code picked; SopError when the text typed is none of the level's."""
        level = self.controls.level.value
        codes, typed = self._codes(level), self.controls.code.value.strip()
        code = codes.get(typed) or (typed if typed in codes.values() else None)
        if code is None:
            raise SopError(f"Pick a {LEVEL_NAMES[level]} from the list: {typed!r} is none of the "
                           f"{LEVEL_NAMES[level]}s with a forecast.")
        return code

    def _offer_codes(self, level: str) -> None:
        """The level's families or SKUs in the Code picker, the first one picked."""
        codes = list(self._codes(level))
        self.controls.code.options = codes
        self.controls.code.value = codes[0] if codes else ""

    def _follow_first(self, change) -> None:
        if self.controls.last.value < change["new"]:
            self.controls.last.value = change["new"]

    def _audit(self) -> pd.DataFrame:
        """The log's audit (`apply_override_log`) with each override's family."""
        log = self.log
        _, audit = apply_override_log(self.forecast, log[OVERRIDE_COLUMNS + ["action",
                                                                             "entered"]],
                                      self.wb.company.items,
                                      origin=(OVERRIDES_FILE, log["row"].to_numpy()))
        families = self.wb.company.items.set_index("sku")["family"]
        return audit.assign(family=audit["code"].where(audit["level"] == "family",
                                                       audit["code"].map(families)))

    def _filtered(self, audit: pd.DataFrame) -> pd.DataFrame:
        c = self.controls
        keep = pd.Series(True, index=audit.index)
        if c.family_filter.value:
            keep &= audit["family"] == c.family_filter.value
        if c.code_filter.value.strip():
            keep &= audit["code"].str.casefold().str.contains(
                c.code_filter.value.strip().casefold(), regex=False)
        if c.owner_filter.value:
            keep &= audit["owner"] == c.owner_filter.value
        return audit[keep]

    def _review(self) -> None:
        c = self.controls
        audit = self._audit()
        owners = sorted(audit["owner"].unique())
        if list(c.owner_filter.options) != [("(everyone)", ALL), *((o, o) for o in owners)]:
            c.owner_filter.options = [("(everyone)", ALL), *((o, o) for o in owners)]
        shown = self._filtered(audit)
        current, history = overrides_in_force(shown), override_history(shown)
        c.pick.options = [("(pick one to fill the form)", None), *(
            (_label(row), int(row.row)) for row in current.itertuples(index=False))]
        total = int((audit["status"] == "in force").sum())
        if current.empty:
            say("No override in force{among}.", among=" among the filtered" if total else "")
        else:
            exported_table(current, "Overrides in force", caption=(
                f"{len(current)} of {total} overrides in force"))
        if not history.empty:
            exported_table(history, "Changed and withdrawn overrides",
                           caption="Changed and withdrawn (kept in the file)")

    def _fill_from(self, row) -> None:
        """Fill the form with the override in force at file row `row` (None: leave it)."""
        if row is None:
            return
        override = self.log.set_index("row").loc[row]
        c = self.controls
        if c.action.value == ADD:
            c.action.value = CHANGE
        c.level.value = override["level"]
        c.code.value = next(text for text, code in self._codes(override["level"]).items()
                            if code == override["code"])
        c.first.value = c.last.value = override["month"]
        c.kind.value = override["kind"]
        c.value.value = number_text(override["value"])

    def _new(self, entry: NewOverride) -> pd.DataFrame:
        """The entry's rows typed; a withdrawal's are those in force that it ends."""
        if entry.action != WITHDRAW:
            return entry.frame()
        return self.current.merge(entry.keys(), on=KEY)[OVERRIDE_COLUMNS]

    def _preview(self) -> None:
        entry = self.entry()
        if entry.action != WITHDRAW and not entry.value.strip():
            say("Enter a value to see the override's effect on the consensus.")
            return
        self._check_fits(entry)
        new = self._new(entry)
        effect = override_effect(self.forecast, self.current, new, self.wb.company.items,
                                 action=entry.action)
        say("**Preview, not saved:** {override}. Units of the {level}"
            + (" and of its family" if entry.level == "sku" else "") + ", before and after:",
            override=entry.describe(), level=LEVEL_NAMES[entry.level])
        exported_table(effect, "Override preview", precision=1)
        met = overrides_met(self.current, new, self.wb.company.items, action=entry.action)
        if not met.empty:
            say("**It meets {count} override(s) in force:**", count=len(met))
            exported_table(met, "Overrides met")

    def _check_fits(self, entry: NewOverride) -> None:
        """SopError when the entry does not fit the overrides in force: a change or a
        withdrawal of a month with none in force, an add on a month with one."""
        what = f"{LEVEL_NAMES[entry.level]} {entry.code}"
        taken = self.current.merge(entry.keys(), on=KEY)
        if entry.action != ADD:
            missing = [month for month in entry.months if month not in set(taken["month"])]
            if missing:
                raise SopError(f"Nothing to {entry.action} on "
                               f"{', '.join(f'{m:%Y-%m}' for m in missing)}: no override of "
                               f"{what} is in force there. Pick one in force, or add one.")
        elif not taken.empty:
            raise SopError(f"An override of {what} is in force on " + ", ".join(
                f"{row.month:%Y-%m} (row {row.row})" for row in taken.itertuples())
                + ": choose to change or withdraw it instead of adding one.")

    def _save(self) -> None:
        entry = self.entry()
        self._check_fits(entry)
        stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        rows = _with_values(entry.rows(stamp), self._new(entry)) if entry.action == WITHDRAW \
            else entry.rows(stamp)
        try:
            path = overrides_file(self.wb.company)
        except SopError as error:
            say("**Not saved.** {message}", message=str(error))
            exported_table(pd.DataFrame(rows)[FILE_COLUMNS], "Rows to add")
            return
        self.log = from_month(save_overrides(self.wb.company, rows, cycle=self.wb.cycle,
                                             forecast=self.forecast), self.wb.cycle)
        saved = self.log.tail(len(rows))
        say("**Saved** {count} row(s) to {file} (rows {first} to {last}): {override}. Run the "
            "demand review again (notebook 01) for the consensus and the plan to include them.",
            count=len(rows), file=path.name, first=int(saved["row"].iloc[0]),
            last=int(saved["row"].iloc[-1]), override=entry.describe())
        self.controls.value.value = ""
        self.controls.action.value = ADD
        self.review()
        self.preview()


def _label(row) -> str:
    """An override in force as the picker lists it."""
    unit = "%" if row.kind == "percent" else " units"
    return (f"row {row.row}: {row.level} {row.code}, {row.month:%Y-%m}, {row.kind} "
            f"{number_text(row.value)}{unit} ({row.owner})")


def _with_values(rows: list[dict[str, str]], ended: pd.DataFrame) -> list[dict[str, str]]:
    """A withdrawal's rows carrying the kind and value of the overrides they end."""
    by_month = ended.set_index("month")
    return [{**row, "kind": by_month.at[pd.Period(row["month"], "M"), "kind"],
             "value": number_text(by_month.at[pd.Period(row["month"], "M"), "value"])}
            for row in rows]


def number_text(value: float) -> str:
    """A number as the file holds it, whole: 1234567 (not 1.23457e+06), 12.3456789."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))
