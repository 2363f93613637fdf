"""The explorer: find families and SKUs by typing, and see one's history and forecast with the
P10-P90 band, the method chosen and why, its accuracy and bias, and its segment; or compare two
to five on one chart and in one table. Every table comes with its export bar."""
from __future__ import annotations

from functools import cached_property

import ipywidgets as widgets
import pandas as pd

from sop_lib import engine
from sop_lib.core.errors import SopError
from sop_lib.core.months import month_label
from sop_lib.data.actuals import family_history
from sop_lib.demand.forecast import method_summary
from sop_lib.engine.selection import MEAN
from sop_lib.interactive.common import FULL_LABEL, demand_review, show
from sop_lib.interactive.comparison import (
    FAMILY,
    MOST,
    SKU,
    Series,
    comparison_table,
    family_series,
    forecast_chart,
    sku_series,
)
from sop_lib.interactive.export import exported_table
from sop_lib.pack.display import figure, say
from sop_lib.pack.formatting import KINDS

ACCURACY_COLUMNS = ["lag", "months", "first_month", "last_month", "actual", "wape_naive",
                    "wape_statistical", "wape_consensus", "bias_statistical", "bias_consensus",
                    "tracking_signal", "tracking_alert", "fva_statistical", "fva_consensus",
                    "note"]
SEGMENT_COLUMNS = ["sku", "status", "first_month", "months_of_history", "annual_units",
                   "annual_value", "abc", "xyz", "cv", "adi", "cv2", "pattern", "lifecycle",
                   "method_family"]
INSTRUCTION = ("Type to filter; pick one to see its picture, or up to five (Ctrl/Shift-click) "
               "to compare. Picked entries stay listed.")
LABELS = {"style": FULL_LABEL, "layout": {"width": "95%"}}


class Explorer:
    """Find families and SKUs (families listed first) and see one's demand picture, or compare
    up to five.

    `Explorer(wb).widget` is a Find box over the list, over an Output; `select(code)` and
    `compare(codes)` pick from code. Nothing is read or computed before one of them is used.
    """

    def __init__(self, wb, *, months_back: int = 24):
        self.wb = wb
        self.months_back = months_back
        self._listing = False  # the list is being refilled: its value changes are not picks

    @cached_property
    def tables(self) -> dict[str, pd.DataFrame]:
        return demand_review(self.wb)

    @cached_property
    def history(self) -> pd.DataFrame:
        return family_history(self.wb.company)

    @cached_property
    def choices(self) -> list[tuple[str, tuple[str, str]]]:
        """Every family, then every SKU (by family), as (label, (level, code))."""
        items = self.wb.company.items.sort_values(["family", "sku"])
        families = sorted(self.wb.company.families["family"])
        return [(f"Family: {family}", (FAMILY, family)) for family in families] + [
            (f"SKU: {row.sku} {row.description} ({row.family})", (SKU, row.sku))
            for row in items.itertuples(index=False)]

    @cached_property
    def find(self) -> widgets.Text:
        return widgets.Text(description="Find a family or SKU",
                            placeholder="part of a SKU code, a description or a family name",
                            tooltip="Filters the list as you type (upper or lower case alike)",
                            **LABELS)

    @cached_property
    def picker(self) -> widgets.SelectMultiple:
        return widgets.SelectMultiple(
            options=self.choices, rows=14, description="Families and SKUs",
            tooltip="Click one to see its picture; Ctrl-click or Shift-click to pick two to "
                    "five to compare them", **LABELS)

    @cached_property
    def output(self) -> widgets.Output:
        return widgets.Output()

    @cached_property
    def widget(self) -> widgets.VBox:
        self.find.observe(lambda _: self._list(self.picker.value), names="value")
        self.picker.observe(self._picked, names="value")
        self.compare([self.choices[0][1]])
        return widgets.VBox([self.find, self.picker, widgets.HTML(INSTRUCTION), self.output])

    def select(self, code: str, *, level: str | None = None) -> None:
        """Show a family or a SKU by its code; a family wins over a SKU of the same code unless
        `level` ("family" or "sku") says otherwise. Raises SopError for an unknown code."""
        self.compare([(level, code)])

    def compare(self, codes) -> None:
        """Pick these (codes, or (level, code) pairs as in `select`) and show them: one's
        picture, two to five compared, more refused. Raises SopError for an unknown code."""
        picks = tuple(dict.fromkeys(self._choice(code) for code in codes))
        self._list(picks)
        self._show(picks)

    def _choice(self, code) -> tuple[str, str]:
        level, code = code if isinstance(code, tuple) else (None, code)
        choice = next((value for _, value in self.choices
                       if value[1] == code and level in (None, value[0])), None)
        if choice is None:
            raise SopError(f"{code!r} is neither a family nor a SKU of "
                           f"{self.wb.company.config.name}")
        return choice

    def _list(self, picks: tuple) -> None:
        """List the choices the Find text matches, and those picked; pick `picks`."""
        text = self.find.value.strip().casefold()
        self._listing = True
        try:
            self.picker.options = [(label, value) for label, value in self.choices
                                   if text in label.casefold() or value in picks]
            self.picker.value = picks
        finally:
            self._listing = False

    def _picked(self, change) -> None:
        if not self._listing:
            self._show(change["new"])

    def _show(self, picks: tuple) -> None:
        show(self.output, lambda: self._render(picks))

    def _render(self, picks: tuple) -> None:
        if not picks:
            say("Pick a family or a SKU in the list.")
        elif len(picks) > MOST:
            say("**Pick at most five** to compare: {count} are picked.", count=len(picks))
        elif len(picks) == 1:
            level, code = picks[0]
            (self._family if level == FAMILY else self._sku)(code)
        else:
            self._compare([self._series(level, code) for level, code in picks])

    def _series(self, level: str, code: str) -> Series:
        if level == FAMILY:
            return family_series(self.tables, self.history, code)
        return sku_series(self.tables, self.wb.company, code)

    def _chart(self, series: list[Series]) -> None:
        figure(forecast_chart(series, cycle=self.wb.cycle, months_back=self.months_back))

    def _compare(self, series: list[Series]) -> None:
        say("### Comparing {names}", names="; ".join(one.label for one in series))
        self._chart(series)
        if len({one.level for one in series}) > 1:
            say("Families and SKUs share one units axis, without rescaling: a small series can "
                "lie flat beside a large one; the table gives each one's totals.")
        months = self.tables["demand"]["month"]
        compared = comparison_table(series, self.wb.cycle, self.tables["accuracy"])
        wape = ("; a family's WAPE is its statistical forecast's at lag 1"
                if "wape_statistical" in compared else "")
        exported_table(compared, "Comparison of " + ", ".join(one.code for one in series),
                       caption=f"Bookings of the 12 months before {month_label(months.min())};"
                               f" statistical and consensus over {month_label(months.min())} "
                               f"to {month_label(months.max())}{wape}")

    def _family(self, family: str) -> None:
        tables, company = self.tables, self.wb.company
        series = self._series(FAMILY, family)
        say("### {family}", family=family)
        if series.future.empty:
            say("{family} has no forecast: none of its SKUs is planned.", family=family)
            return
        self._chart([series])
        self._totals(series.future)
        say("**Method.** The family's own bookings series is forecast with {method} "
            "({description}); that series gives the P10-P90 band, centred on the family's "
            "statistical forecast, which is reconciled from its SKUs' forecasts "
            "({reconciliation}). Its SKUs' methods, with the median backtest {measure} of "
            "each and that of the best single candidate:", method=series.method,
            description=engine.describe(series.method),
            reconciliation=company.config.reconciliation,
            measure=company.config.error_measure.upper())
        skus = tables["forecast"][tables["forecast"]["family"] == family]
        exported_table(method_summary(skus, tables["scores"],
                                      measure=company.config.error_measure),
                       f"Methods of {family}")
        self._accuracy(family)
        segments = tables["segments"]
        exported_table(segments.loc[segments["family"] == family, SEGMENT_COLUMNS],
                       f"Segments of {family}", caption=f"Segments of the SKUs of {family}")

    def _sku(self, sku: str) -> None:
        series = self._series(SKU, sku)
        say("### {sku} {description} (family {family})", sku=sku,
            description=series.description, family=series.family)
        if series.future.empty:
            say("{sku} has no forecast (status {status}).", sku=sku,
                status=self.wb.company.items.set_index("sku").at[sku, "status"])
        else:
            self._chart([series])
            self._totals(series.future)
            self._sku_method(sku, self.tables["forecast"].query("sku == @sku"))
        say("**Accuracy and bias** are measured per family, not per SKU; those of {family}:",
            family=series.family)
        self._accuracy(series.family)
        segments = self.tables["segments"]
        exported_table(segments.loc[segments["sku"] == sku, SEGMENT_COLUMNS],
                       f"Segment of {sku}", caption=f"Segment of {sku}")

    def _sku_method(self, sku: str, forecast: pd.DataFrame) -> None:
        """The method (or methods, when a phase-out zeroes later months) and its backtest."""
        labels = list(dict.fromkeys(forecast["method"]))
        said = "; then ".join(f"{m} ({engine.describe(m)})" if engine.describe(m) != m else m
                             for m in labels)
        scores = self.tables["scores"]
        scores = scores[scores["sku"] == sku]
        segment = forecast["segment"].iloc[0]
        if scores.empty:
            say("**Method.** {methods}. Not chosen by backtest: {segment} SKUs get this forecast "
                "by rule.", methods=said, segment=segment)
            return
        candidates = scores.drop(columns="sku").iloc[0].dropna().sort_values()
        summary = method_summary(forecast, scores).iloc[0]
        measure = self.wb.company.config.error_measure.upper()
        if pd.isna(summary["score"]):
            say("**Method.** {methods}. The backtest {measure} of the {segment} candidates:",
                methods=said, measure=measure, segment=segment)
        else:
            by_mean = MEAN in scores and scores[MEAN].notna().any()
            how = ("the mean of the {segment} candidates that could be backtested on it"
                   if by_mean else "chosen by backtest among the {segment} candidates")
            say("**Method.** {methods}, " + how + ": its {measure} is {score}, ranked {rank} of "
                "{count}; the best single method scored {best}.", methods=said,
                segment=segment, measure=measure,
                score=KINDS["score"].text(summary["score"]),
                rank=int((candidates < summary["score"]).sum()) + 1, count=len(candidates),
                best=KINDS["score"].text(summary["best_single"]))
        exported_table(pd.DataFrame({"candidate": candidates.index,
                                     "description": [_candidate(c) for c in candidates.index],
                                     "score": candidates.to_numpy()}),
                       f"Backtest of {sku}", caption=f"Backtest {measure} per candidate")

    def _totals(self, future: pd.DataFrame) -> None:
        """The horizon's statistical and consensus units, and the overrides' change."""
        statistical, consensus = future["statistical"].sum(), future["consensus"].sum()
        change = consensus / statistical - 1 if statistical else float("nan")
        say("Over {first} to {last}: statistical forecast {statistical} units, consensus "
            "{consensus} units ({change} from overrides).",
            first=month_label(future["month"].min()), last=month_label(future["month"].max()),
            statistical=f"{statistical:,.0f}", consensus=f"{consensus:,.0f}",
            change="no change" if pd.isna(change) or abs(change) < 5e-4 else f"{change:+.1%}")

    def _accuracy(self, family: str) -> None:
        accuracy = self.tables["accuracy"]
        rows = accuracy.loc[accuracy["family"] == family, ACCURACY_COLUMNS]
        if rows.empty:
            say("No accuracy for {family} yet: no forecast of an earlier cycle has met its "
                "actuals.", family=family)
        else:
            exported_table(rows, f"Accuracy of {family}",
                           caption=f"Accuracy and bias of {family}")


def _candidate(column: str) -> str:
    """A scores column as a planner reads it: combo2 is the mean of the best two methods."""
    if column.startswith("combo"):
        return f"average of the best {column.removeprefix('combo')} methods"
    return engine.describe(column)
