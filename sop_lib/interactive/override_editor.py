"""The override editor: enter a sales or marketing override, see its effect on the consensus at
once, and save it to the company's overrides.csv.

Saving appends bytes at the end of overrides.csv and never rewrites what is there: the file's
header order and line endings are kept, a line break is added first when the file does not end
with one, and a missing file is created with its header. The file as it would be is first checked
with the rules of `sop validate` (the company folder is checked with the new file in its place)
and with the consensus' own checks; when anything is wrong nothing is written. Overrides kept in a
.parquet file or an .xlsx workbook are not edited: the editor says so and shows the rows to add.
"""
from __future__ import annotations

import csv
import io
import math
import shutil
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace

import ipywidgets as widgets
import pandas as pd

from sop_lib.core.errors import DataError, SopError
from sop_lib.core.words import span_label
from sop_lib.data.validation import check_company
from sop_lib.demand.consensus import KINDS, OVERRIDE_COLUMNS, OVERRIDES_FILE, apply_overrides
from sop_lib.interactive.common import demand_review, month_options, plan_months, show
from sop_lib.pack.display import say, table

EFFECT_COLUMNS = ["month", "statistical", "consensus_before", "consensus_after", "change"]
LEVELS = ("family", "sku")
LEVEL_NAMES = {"family": "family", "sku": "SKU"}


@dataclass(frozen=True)
class NewOverride:
    """An override as entered: the same level, code, kind, value, owner and reason for every
    month from `first` to `last`. `value` is the text typed (absolute: the units of each month;
    percent: the change of each month)."""

    level: str
    code: str
    first: pd.Period
    last: pd.Period
    kind: str
    value: str
    owner: str
    reason: str

    @property
    def months(self) -> pd.PeriodIndex:
        if self.last < self.first:
            raise SopError(f"The last month {self.last:%Y-%m} comes before the first month "
                           f"{self.first:%Y-%m}.")
        return pd.period_range(self.first, self.last, freq="M")

    def rows(self) -> list[dict[str, str]]:
        """The rows of overrides.csv, one per month, as text."""
        cells = {"level": self.level, "code": self.code, "kind": self.kind,
                 "value": self.value.strip(), "owner": self.owner.strip(),
                 "reason": self.reason.strip()}
        return [{**cells, "month": month.strftime("%Y-%m")} for month in self.months]

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
        months = self.months
        return pd.DataFrame({"level": self.level, "code": self.code, "month": months,
                             "kind": self.kind, "value": value, "owner": self.owner.strip(),
                             "reason": self.reason.strip()}).astype(
            {c: str for c in ("level", "code", "kind", "owner", "reason")})

    def describe(self) -> str:
        unit = "%" if self.kind == "percent" else " units a month"
        return (f"{self.level} {self.code}, {span_label(self.first, self.last)}: {self.kind} "
                f"{self.value.strip()}{unit}")


def override_effect(forecast: pd.DataFrame, overrides: pd.DataFrame, new: pd.DataFrame,
                    items: pd.DataFrame) -> pd.DataFrame:
    """The new overrides' family or SKU in their months: statistical units, consensus with the
    company's overrides (before) and with the new ones added (after), and the change.

    `forecast` is the statistical forecast (statistical_forecast's columns), `overrides` and
    `new` override tables, `new` on one level and code. Columns: EFFECT_COLUMNS. Raises
    DataError when an override cannot be applied (see consensus.apply_overrides).
    """
    before, _ = apply_overrides(forecast, overrides, items)
    after, _ = apply_overrides(forecast, pd.concat([overrides, new], ignore_index=True), items)
    level, code = new["level"].iloc[0], new["code"].iloc[0]
    rows = ((before[level] == code) & before["month"].isin(new["month"])).to_numpy()
    units = before[rows].groupby("month")[["statistical", "consensus"]].sum()
    effect = units.rename(columns={"consensus": "consensus_before"})
    effect["consensus_after"] = after[rows].groupby("month")["consensus"].sum()
    effect["change"] = effect["consensus_after"] - effect["consensus_before"]
    return effect.reset_index()[EFFECT_COLUMNS]


def overrides_file(company) -> Path:
    """The company's overrides.csv (which may not exist yet); raises SopError when the
    overrides are kept in a .parquet file or an .xlsx workbook."""
    path = company.files.get("overrides")
    if path is None:
        return Path(company.folder) / OVERRIDES_FILE
    if Path(path).suffix.lower() != ".csv":
        raise SopError(f"The overrides are kept in {Path(path).name}: the editor only appends "
                       f"to {OVERRIDES_FILE}. Add the rows below to {Path(path).name} yourself.")
    return Path(path)


def appended_bytes(existing: bytes, rows: list[dict[str, str]]) -> bytes:
    """The bytes that add `rows` at the end of an overrides CSV holding `existing`.

    Cells follow the file's header (matched ignoring case and spaces; columns the file lacks are
    left out, others it has stay empty); the file's line ending is used (a line break first when
    it does not end with one); a file without a header gets OVERRIDE_COLUMNS first.
    """
    try:
        text = existing.decode("utf-8-sig")
        records = list(csv.reader(io.StringIO(text, newline="")))
    except (UnicodeDecodeError, csv.Error) as error:
        raise SopError(f"{OVERRIDES_FILE} cannot be read as CSV UTF-8 ({error}); fix it "
                       "before adding overrides.") from None
    header = next((r for r in records if any(cell.strip() for cell in r)), None)
    ending = _line_ending(existing)
    buffer = io.StringIO(newline="")
    if text and not text.endswith(("\n", "\r")):
        buffer.write(ending)
    writer = csv.writer(buffer, lineterminator=ending)
    if header is None:
        header = OVERRIDE_COLUMNS
        writer.writerow(header)
    columns = [name.strip().lower() for name in header]
    writer.writerows([row.get(column, "") for column in columns] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _line_ending(data: bytes) -> str:
    """The line ending of a file: that of its first line; \\n when it has none."""
    at = data.find(b"\n")
    if at > 0 and data[at - 1:at] == b"\r":
        return "\r\n"
    if at < 0 and b"\r" in data:
        return "\r"
    return "\n"


def checked_overrides(company, name: str, content: bytes, *, cycle: pd.Period,
                      forecast: pd.DataFrame) -> pd.DataFrame:
    """The overrides (typed, as a run reads them) of the company folder with its file `name`
    holding `content`; raises DataError when `sop validate` would report an error in the folder
    or an override cannot be applied to `forecast`. The company folder is not touched: the
    check runs on a temporary folder holding links to (or copies of) its other files."""
    with tempfile.TemporaryDirectory(prefix="sop-overrides-") as temporary:
        folder = Path(temporary)
        for path in Path(company.folder).iterdir():
            if path.is_file() and path.name != name:
                _link(path, folder / path.name)
        (folder / name).write_bytes(content)
        candidate, problems = check_company(folder, cycle=cycle)
    if candidate is None:
        raise DataError([p for p in problems if p.is_error])
    apply_overrides(forecast, candidate.overrides, candidate.items,
                    origin=candidate.origin("overrides"))
    return candidate.overrides


def _link(source: Path, target: Path) -> None:
    try:
        target.symlink_to(source.resolve())
    except OSError:
        shutil.copy2(source, target)


def save_overrides(company, rows: list[dict[str, str]], *, cycle: pd.Period,
                   forecast: pd.DataFrame) -> pd.DataFrame:
    """Append `rows` to the company's overrides.csv when the file with them passes the checks
    of `checked_overrides`, and return the overrides as saved (typed). Raises DataError (or
    SopError, see `overrides_file`) and writes nothing otherwise."""
    path = overrides_file(company)
    existing = path.read_bytes() if path.exists() else b""
    added = appended_bytes(existing, rows)
    saved = checked_overrides(company, path.name, existing + added, cycle=cycle,
                              forecast=forecast)
    with path.open("ab") as file:
        file.write(added)
    return saved


class OverrideEditor:
    """Enter an override, see its effect on the consensus, save it to overrides.csv.

    `OverrideEditor(wb).widget` shows the form; `controls` holds its widgets (level, code,
    first, last, kind, value, owner, reason, save) and `preview_output` / `save_output` what
    they show. Nothing is read or computed before the widget is built.
    """

    def __init__(self, wb):
        self.wb = wb

    @cached_property
    def forecast(self) -> pd.DataFrame:
        return demand_review(self.wb)["forecast"]

    @cached_property
    def overrides(self) -> pd.DataFrame:
        """The company's overrides, as loaded and as saved since."""
        return self.wb.company.overrides

    @cached_property
    def controls(self) -> SimpleNamespace:
        months = month_options(plan_months(self.wb))
        text = {"continuous_update": False, "layout": widgets.Layout(width="50%")}
        controls = SimpleNamespace(
            level=widgets.ToggleButtons(options=LEVELS, description="Level"),
            code=widgets.Dropdown(options=self._codes("family"), description="Code"),
            first=widgets.Dropdown(options=months, description="From"),
            last=widgets.Dropdown(options=months, description="To"),
            kind=widgets.ToggleButtons(options=KINDS, value="percent", description="Kind"),
            value=widgets.Text(description="Value", placeholder="percent: 10 or -5; "
                               "absolute: units a month", **text),
            owner=widgets.Text(description="Owner", placeholder="who asks", **text),
            reason=widgets.Text(description="Reason", placeholder="why", **text),
            save=widgets.Button(description=f"Save to {OVERRIDES_FILE}", button_style="primary"))
        return controls

    @cached_property
    def preview_output(self) -> widgets.Output:
        return widgets.Output()

    @cached_property
    def save_output(self) -> widgets.Output:
        return widgets.Output()

    @cached_property
    def widget(self) -> widgets.VBox:
        c = self.controls
        c.level.observe(lambda change: self._offer_codes(change["new"]), names="value")
        c.first.observe(self._follow_first, names="value")
        for control in (c.code, c.first, c.last, c.kind, c.value):
            control.observe(lambda _: self.preview(), names="value")
        c.save.on_click(lambda _: self.save())
        self.preview()
        return widgets.VBox([c.level, c.code, widgets.HBox([c.first, c.last]), c.kind, c.value,
                             c.owner, c.reason, self.preview_output, c.save, self.save_output])

    def entry(self) -> NewOverride:
        c = self.controls
        return NewOverride(c.level.value, c.code.value, c.first.value, c.last.value,
                           c.kind.value, c.value.value, c.owner.value, c.reason.value)

    def preview(self) -> None:
        """Show the entry's effect on the consensus; nothing is written."""
        show(self.preview_output, self._preview)

    def save(self) -> None:
        """Append the entry to overrides.csv when it passes the checks; show the audit."""
        show(self.save_output, self._save)

    def _codes(self, level: str) -> list[tuple[str, str]]:
        """The families or SKUs that have a statistical forecast, as Dropdown options."""
        if level == "family":
            return [(f, f) for f in sorted(self.forecast["family"].unique())]
        items = self.wb.company.items.set_index("sku")["description"]
        skus = self.forecast.drop_duplicates("sku").sort_values(["family", "sku"])["sku"]
        return [(f"{sku} {items.get(sku, '')}", sku) for sku in skus]

    def _offer_codes(self, level: str) -> None:
        """The level's families or SKUs in the Code picker, the first one picked."""
        codes = self._codes(level)
        self.controls.code.options = codes
        self.controls.code.value = codes[0][1] if codes else None

    def _follow_first(self, change) -> None:
        if self.controls.last.value < change["new"]:
            self.controls.last.value = change["new"]

    def _preview(self) -> None:
        entry = self.entry()
        if not entry.value.strip():
            say("Enter a value to see the override's effect on the consensus.")
            return
        effect = override_effect(self.forecast, self.overrides, entry.frame(),
                                 self.wb.company.items)
        say("**Preview, not saved:** {override}. Units of the {level} before and after:",
            override=entry.describe(), level=LEVEL_NAMES[entry.level])
        table(effect, precision=1)

    def _save(self) -> None:
        entry = self.entry()
        rows = entry.rows()
        try:
            path = overrides_file(self.wb.company)
        except SopError as error:
            say("**Not saved.** {message}", message=str(error))
            table(pd.DataFrame(rows)[OVERRIDE_COLUMNS])
            return
        saved = save_overrides(self.wb.company, rows, cycle=self.wb.cycle,
                               forecast=self.forecast)
        self.overrides = saved
        _, audit = apply_overrides(self.forecast, saved, self.wb.company.items)
        new = pd.MultiIndex.from_frame(entry.frame()[["level", "code", "month"]])
        keys = pd.MultiIndex.from_frame(audit[["level", "code", "month"]])
        audit.insert(0, "new", ["new" if key in new else "" for key in keys])
        say("**Saved** {count} row(s) to {file}: {override}. Run the demand review again "
            "(notebook 01) for the consensus and the plan to include them. The override audit "
            "as it will read:", count=len(rows), file=path.name, override=entry.describe())
        table(audit, formats={"value": "{:,.1f}"}, precision=1)
