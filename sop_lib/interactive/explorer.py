"""The explorer: pick a family or a SKU and see its history and forecast with the P10-P90 band,
the method chosen and why, its accuracy and bias, and its segment."""
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
from sop_lib.interactive.common import demand_review, show
from sop_lib.pack import charts
from sop_lib.pack.display import figure, say, table
from sop_lib.pack.formatting import KINDS

FAMILY, SKU = "family", "sku"
ACCURACY_COLUMNS = ["lag", "months", "first_month", "last_month", "actual", "wape_naive",
                    "wape_statistical", "wape_consensus", "bias_statistical", "bias_consensus",
                    "tracking_signal", "tracking_alert", "fva_statistical", "fva_consensus",
                    "note"]
SEGMENT_COLUMNS = ["sku", "status", "first_month", "months_of_history", "annual_units",
                   "annual_value", "abc", "xyz", "cv", "adi", "cv2", "pattern", "lifecycle",
                   "method_family"]


class Explorer:
    """Pick a family or a SKU (families first) and see its demand picture.

    `Explorer(wb).widget` is the picker over an Output; `select(code)` picks from code. Nothing
    is read or computed before one of them is used.
    """

    def __init__(self, wb, *, months_back: int = 24):
        self.wb = wb
        self.months_back = months_back

    @cached_property
    def tables(self) -> dict[str, pd.DataFrame]:
        return demand_review(self.wb)

    @cached_property
    def picker(self) -> widgets.Dropdown:
        items = self.wb.company.items.sort_values(["family", "sku"])
        families = sorted(self.wb.company.families["family"])
        options = [(f"Family: {family}", (FAMILY, family)) for family in families]
        options += [(f"SKU: {row.sku} {row.description} ({row.family})", (SKU, row.sku))
                    for row in items.itertuples(index=False)]
        return widgets.Dropdown(options=options, description="Show",
                                layout=widgets.Layout(width="60%"))

    @cached_property
    def output(self) -> widgets.Output:
        return widgets.Output()

    @cached_property
    def widget(self) -> widgets.VBox:
        self.picker.observe(lambda change: self._show(change["new"]), names="value")
        self._show(self.picker.value)
        return widgets.VBox([self.picker, self.output])

    def select(self, code: str, *, level: str | None = None) -> None:
        """Show a family or a SKU by its code; a family wins over a SKU of the same code unless
        `level` ("family" or "sku") says otherwise. Raises SopError for an unknown code."""
        choice = next((value for _, value in self.picker.options
                       if value[1] == code and level in (None, value[0])), None)
        if choice is None:
            raise SopError(f"{code!r} is neither a family nor a SKU of "
                           f"{self.wb.company.config.name}")
        picker = self.widget.children[0]  # the built widget's picker shows what it picks
        if picker.value == choice:
            self._show(choice)
        else:
            picker.value = choice

    def _show(self, choice) -> None:
        level, code = choice
        show(self.output, lambda: (self._family if level == FAMILY else self._sku)(code))

    def _family(self, family: str) -> None:
        tables, company = self.tables, self.wb.company
        demand = tables["demand"][tables["demand"]["family"] == family]
        say("### {family}", family=family)
        if demand.empty:
            say("{family} has no forecast: none of its SKUs is planned.", family=family)
            return
        history = family_history(company)
        figure(charts.family_forecasts(history[history["family"] == family], demand,
                                       months_back=self.months_back))
        self._totals(demand["statistical"], demand["consensus"], demand["month"])
        own = tables["family_forecast"]
        method = own.loc[own["family"] == family, "method"].iloc[0]
        say("**Method.** The family's own bookings series is forecast with {method} "
            "({description}); that series gives the P10-P90 band, centred on the family's "
            "statistical forecast, which is reconciled from its SKUs' forecasts "
            "({reconciliation}). Its SKUs' methods, with the median backtest {measure} of "
            "each and that of the best single candidate:", method=method,
            description=engine.describe(method), reconciliation=company.config.reconciliation,
            measure=company.config.error_measure.upper())
        skus = tables["forecast"][tables["forecast"]["family"] == family]
        table(method_summary(skus, tables["scores"], measure=company.config.error_measure))
        self._accuracy(family)
        segments = tables["segments"]
        table(segments.loc[segments["family"] == family, SEGMENT_COLUMNS],
              caption=f"Segments of the SKUs of {family}")

    def _sku(self, sku: str) -> None:
        tables, company = self.tables, self.wb.company
        item = company.items.set_index("sku").loc[sku]
        say("### {sku} {description} (family {family})", sku=sku,
            description=item["description"], family=item["family"])
        forecast = tables["forecast"][tables["forecast"]["sku"] == sku]
        if forecast.empty:
            say("{sku} has no forecast (status {status}).", sku=sku, status=item["status"])
        else:
            self._sku_chart(sku, forecast)
            self._totals(forecast["forecast"], self._consensus(sku, forecast), forecast["month"])
            self._sku_method(sku, forecast)
        say("**Accuracy and bias** are measured per family, not per SKU; those of {family}:",
            family=item["family"])
        self._accuracy(item["family"])
        segments = tables["segments"]
        table(segments.loc[segments["sku"] == sku, SEGMENT_COLUMNS],
              caption=f"Segment of {sku}")

    def _consensus(self, sku: str, forecast: pd.DataFrame) -> pd.Series:
        """The SKU's consensus units, month by month as `forecast`'s rows."""
        consensus = self.tables["consensus"]
        units = consensus[consensus["sku"] == sku].set_index("month")["consensus"]
        return units.reindex(forecast["month"]).set_axis(forecast.index)

    def _sku_chart(self, sku: str, forecast: pd.DataFrame) -> None:
        """The family chart drawn for one SKU: its bookings, its forecast and band, consensus."""
        history = self.wb.company.demand_history
        past = history.loc[history["sku"] == sku, ["month", "bookings"]].assign(family=sku)
        future = forecast[["month", "p10", "p90"]].assign(
            family=sku, statistical=forecast["forecast"],
            consensus=self._consensus(sku, forecast))
        fig = charts.family_forecasts(past, future, months_back=self.months_back)
        fig.suptitle(f"SKU {sku}: history and forecast (units)", parse_math=False)
        figure(fig, alt=f"{sku}: bookings history, statistical forecast with its P10-P90 band "
                        "and consensus, in units")

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
        table(pd.DataFrame({"candidate": candidates.index,
                            "description": [_candidate(c) for c in candidates.index],
                            "score": candidates.to_numpy()}),
              caption=f"Backtest {measure} per candidate")

    def _totals(self, statistical: pd.Series, consensus: pd.Series, months: pd.Series) -> None:
        change = consensus.sum() / statistical.sum() - 1 if statistical.sum() else float("nan")
        say("Over {first} to {last}: statistical forecast {statistical} units, consensus "
            "{consensus} units ({change} from overrides).", first=month_label(months.min()),
            last=month_label(months.max()), statistical=f"{statistical.sum():,.0f}",
            consensus=f"{consensus.sum():,.0f}",
            change="no change" if pd.isna(change) or abs(change) < 5e-4 else f"{change:+.1%}")

    def _accuracy(self, family: str) -> None:
        accuracy = self.tables["accuracy"]
        rows = accuracy.loc[accuracy["family"] == family, ACCURACY_COLUMNS]
        if rows.empty:
            say("No accuracy for {family} yet: no forecast of an earlier cycle has met its "
                "actuals.", family=family)
        else:
            table(rows, caption=f"Accuracy and bias of {family}")


def _candidate(column: str) -> str:
    """A scores column as a planner reads it: combo2 is the mean of the best two methods."""
    if column.startswith("combo"):
        return f"average of the best {column.removeprefix('combo')} methods"
    return engine.describe(column)
