"""The explorer's series: a family's or a SKU's bookings and forecast, drawn one to five on one
wide chart (legend outside the data) and compared in one table.

One series is drawn as the pack draws a family (grey bookings, the statistical forecast dashed
over its P10-P90 band, the consensus solid with a dot each month, so that both show where they
agree); several take one colour each, in the same line styles. Families and SKUs share one
units axis: honest, though a SKU beside a family can sit near zero.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from sop_lib.core.months import month_label
from sop_lib.pack.charts import (
    BLACK,
    BLUE,
    CONSENSUS,
    HISTORY,
    ORANGE,
    SKY,
    STATISTICAL,
    STYLE,
    finish_figure,
    month_axis,
    month_x,
    units_axis,
)

FAMILY, SKU = "family", "sku"
LEVELS = {FAMILY: "Family", SKU: "SKU"}
MOST = 5  # series compared at most on one chart
WIDTH, HEIGHT = 11.0, 4.5  # inches: ~1000 px at the pack's 90 dpi, the notebook's width
COLOURS = (BLUE, ORANGE, SKY, "#CC79A7", BLACK)  # Okabe-Ito: blue, orange, sky, purple, black
STYLE_KEY = "#555555"  # the colour of a comparison's key to the line styles
HISTORY_LINE = {"lw": 1.0, "alpha": 0.8}
STATISTICAL_LINE = {"lw": 1.6, "ls": (0, (3, 2))}
CONSENSUS_LINE = {"lw": 2.4, "marker": "o", "markersize": 3.5}


@dataclass(frozen=True)
class Series:
    """A family's or a SKU's bookings (month, bookings) and forecast (month, statistical,
    consensus, p10, p90; empty when it is not planned)."""

    level: str
    code: str
    description: str  # a SKU's; "" for a family
    family: str
    method: str
    history: pd.DataFrame
    future: pd.DataFrame

    @property
    def label(self) -> str:
        """"Family Grills", "SKU GR-004 Kettle Grill (Grills)"."""
        if self.level == FAMILY:
            return f"Family {self.code}"
        return f"SKU {self.code} {self.description} ({self.family})"


def family_series(tables: dict, history: pd.DataFrame, family: str) -> Series:
    """A family: its bookings (`history` as `family_history` gives it) and its demand rows."""
    demand = tables["demand"]
    own = tables["family_forecast"]
    methods = own.loc[own["family"] == family, "method"]
    return Series(FAMILY, family, "", family, methods.iloc[0] if len(methods) else "",
                  history.loc[history["family"] == family, ["month", "bookings"]],
                  demand.loc[demand["family"] == family,
                             ["month", "statistical", "consensus", "p10", "p90"]])


def sku_series(tables: dict, company, sku: str) -> Series:
    """A SKU: its bookings, and its statistical forecast with its band beside its consensus."""
    item = company.items.set_index("sku").loc[sku]
    forecast = tables["forecast"][tables["forecast"]["sku"] == sku]
    consensus = tables["consensus"].loc[tables["consensus"]["sku"] == sku,
                                        ["month", "statistical", "consensus"]]
    history = company.demand_history
    return Series(SKU, sku, item["description"], item["family"],
                  "; then ".join(dict.fromkeys(forecast["method"])),
                  history.loc[history["sku"] == sku, ["month", "bookings"]],
                  consensus.merge(forecast[["month", "p10", "p90"]], on="month", how="left"))


def booked_last_year(series: Series, cycle: pd.Period) -> float:
    """The bookings of the 12 closed months before `cycle`."""
    history = series.history
    return history.loc[(history["month"] >= cycle - 12) & (history["month"] < cycle),
                       "bookings"].sum()


def comparison_table(series: list[Series], cycle: pd.Period,
                     accuracy: pd.DataFrame) -> pd.DataFrame:
    """Per series: what it is, its last 12 months' bookings, its statistical and consensus
    units over the horizon, the change the overrides make, its method, and when families are
    compared, a family's lag-1 WAPE of its statistical forecast (`accuracy` as the demand
    review wrote it; accuracy is measured per family, so a SKU has none)."""
    lag1 = accuracy[accuracy["lag"] == 1].set_index("family")["wape_statistical"]
    rows = []
    for one in series:
        statistical, consensus = one.future["statistical"].sum(), one.future["consensus"].sum()
        rows.append({
            "level": LEVELS[one.level], "code": one.code, "description": one.description,
            "family": one.family, "booked_units_last_12_months": booked_last_year(one, cycle),
            "statistical_units": statistical, "consensus_units": consensus,
            "override_change_pct": consensus / statistical - 1 if statistical else np.nan,
            "method": one.method,
            "wape_statistical": lag1.get(one.code, np.nan) if one.level == FAMILY else np.nan})
    table = pd.DataFrame(rows)
    return table if (table["level"] == LEVELS[FAMILY]).any() else table.drop(
        columns="wape_statistical")


@STYLE
def forecast_chart(series: list[Series], *, cycle: pd.Period, months_back: int = 24):
    """One to five series on one wide chart, from `months_back` months before `cycle`, the
    legend right of the data; one series with its P10-P90 band."""
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT), layout="constrained")
    start = cycle - months_back
    if len(series) == 1:
        _draw(ax, series[0], start, (HISTORY, STATISTICAL, CONSENSUS), labelled=True)
        handles = ax.get_legend_handles_labels()[0]
        title = f"{series[0].label}: bookings history and forecast (units per month)"
    else:
        for one, colour in zip(series, COLOURS):
            _draw(ax, one, start, (colour,) * 3)
        handles = [Line2D([], [], color=colour, lw=3, label=textwrap.fill(one.label, 30))
                   for one, colour in zip(series, COLOURS)]
        handles += [Line2D([], [], color=STYLE_KEY, label=label, **style) for label, style in (
            ("Bookings", HISTORY_LINE), ("Statistical", STATISTICAL_LINE),
            ("Consensus", CONSENSUS_LINE))]
        title = f"{len(series)} series compared: bookings history and forecast (units per month)"
    months = pd.concat([one.history.loc[one.history["month"] >= start, "month"]
                        for one in series] + [one.future["month"] for one in series])
    month_axis(ax, months)
    units_axis(ax, "units")
    ax.set_title(title)
    fig.legend(handles=handles, loc="outside right upper", frameon=False)
    return finish_figure(fig, _alt(series, cycle))


def _draw(ax, one: Series, start: pd.Period, colours, *, labelled: bool = False) -> None:
    """One series: band beneath (when labelled, i.e. alone), bookings, consensus, and the
    dashed statistical on top."""
    history, future = one.history[one.history["month"] >= start], one.future
    history_colour, statistical_colour, consensus_colour = colours
    x = month_x(future["month"])
    if labelled and future[["p10", "p90"]].notna().any().all():
        ax.fill_between(x, future["p10"], future["p90"], color=statistical_colour, alpha=0.18,
                        lw=0, label="P10-P90 of the statistical forecast", zorder=1)
    hidden = "" if labelled else "_"  # matplotlib leaves "_"-labels out of the legend
    ax.plot(month_x(history["month"]), history["bookings"], color=history_colour,
            label=hidden + "Bookings", zorder=2, **HISTORY_LINE)
    ax.plot(x, future["consensus"], color=consensus_colour, label=hidden + "Consensus", zorder=3,
            **CONSENSUS_LINE)
    ax.plot(x, future["statistical"], color=statistical_colour, label=hidden + "Statistical",
            zorder=4, **STATISTICAL_LINE)


def _alt(series: list[Series], cycle: pd.Period) -> str:
    """Each series' horizon consensus and statistical, and the year's bookings before it."""
    said = []
    for one in series:
        if one.future.empty:
            said.append(f"{one.label}: no forecast; {booked_last_year(one, cycle):,.0f} units "
                        "booked in the last 12 months")
            continue
        months = one.future["month"]
        said.append(f"{one.label}: consensus {one.future['consensus'].sum():,.0f} units and "
                    f"statistical {one.future['statistical'].sum():,.0f} units over "
                    f"{month_label(months.min())} to {month_label(months.max())}, after "
                    f"{booked_last_year(one, cycle):,.0f} units booked in the last 12 months")
    return "; ".join(said) + "."
