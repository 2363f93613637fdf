"""The pack's charts: matplotlib figures built from artifacts, one function per chart.

Every chart is drawn to be read on paper. The pack embeds figures at 90 dpi and shows them at
most ~1000 px wide, so figures are at most FIGURE_WIDTH inches wide and a point stays a point;
no text is smaller than 8 pt. Axes say their unit or currency; months are the x axis as month
ordinals, labelled YYYY-MM as often as the labels fit (every 1-3 months over a plan horizon).
Colours come from the Okabe-Ito palette (colour-blind safe) and neutral quantities are never
red or green; where families differ by orders of magnitude each has its own panel and y axis.
Every figure carries `alt_text`: one or two sentences stating what it shows, with its figures.
"""
from __future__ import annotations

import math

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import (
    FuncFormatter,
    Locator,
    LogLocator,
    MultipleLocator,
    NullFormatter,
    PercentFormatter,
)

from sop_lib.core.months import month_label
from sop_lib.core.words import format_money, span_label
from sop_lib.pack.drawing import keyed
from sop_lib.presop.balance import first_months

# Okabe-Ito: told apart with any colour vision, and in grey print by lightness.
BLACK, ORANGE, SKY, BLUE, VERMILLION, GREY = (
    "#000000", "#E69F00", "#56B4E9", "#0072B2", "#D55E00", "#7F7F7F")
HISTORY, STATISTICAL, CONSENSUS = GREY, ORANGE, BLUE
DEMAND, SUPPLY = BLUE, ORANGE
POSITION, TARGET, SAFETY_STOCK, SHORTFALL = BLUE, ORANGE, GREY, VERMILLION
REVENUE, BUSINESS_PLAN = SKY, BLACK
VALUE_CLASSES = {"A": (BLUE, "o"), "B": (ORANGE, "s"), "C": (GREY, "^")}
LOAD_COLOURS, LOAD_MAX = "YlOrBr", 1.5  # sequential: busier is darker, no good/bad hues

FIGURE_WIDTH, SINGLE_WIDTH = 10.5, 7.5  # inches; 10.5 in is 945 px at the pack's 90 dpi
TICK_SIZE = 8  # points, the smallest text of any chart
MONTH_LABEL_INCHES = 0.62  # room one YYYY-MM label needs at TICK_SIZE, with a gap
STOCK_OUT = 0.5  # units: a month short by more than this is marked as a shortfall
STYLE = matplotlib.rc_context({
    "text.parse_math": False,  # names from data are drawn as written: "$" is not mathtext
    "font.size": 9, "axes.titlesize": 10, "figure.titlesize": 11, "axes.labelsize": 9,
    "legend.fontsize": 9, "xtick.labelsize": TICK_SIZE, "ytick.labelsize": TICK_SIZE,
})
NUMBER = FuncFormatter(lambda value, _: f"{value:,.0f}" if value == round(value)
                       else f"{value:,.2g}")


class MonthTicks(Locator):
    """Major ticks on a month-ordinal axis every 1, 2, 3, 6 or 12 months (on calendar
    quarters and half years): as often as YYYY-MM labels fit the axes' drawn width."""

    def __call__(self):
        return self.tick_values(*self.axis.get_view_interval())

    def tick_values(self, vmin, vmax):
        low, high = sorted((vmin, vmax))
        months = np.arange(math.ceil(low), math.floor(high) + 1)
        inches = self.axis.axes.get_window_extent().width / self.axis.axes.figure.dpi
        fits = max(2, int(inches / MONTH_LABEL_INCHES))
        for step in (1, 2, 3, 6, 12):
            ticks = months[months % step == 0]
            if len(ticks) <= fits:
                break
        return ticks


def month_x(months) -> np.ndarray:
    """Months (a Series or index of periods) as x positions: month ordinals."""
    return pd.PeriodIndex(months).asi8


def month_axis(ax, months) -> None:
    """x spans `months`, labelled YYYY-MM as often as fits, with a minor tick every month."""
    x = month_x(months)
    ax.set_xlim(x.min() - 0.6, x.max() + 0.6)
    ax.xaxis.set_major_locator(MonthTicks())
    ax.xaxis.set_major_formatter(FuncFormatter(
        lambda value, _: month_label(pd.Period(ordinal=round(value), freq="M"))))
    ax.xaxis.set_minor_locator(MultipleLocator(1))


def units_axis(ax, label: str) -> None:
    """y labelled with its unit, numbers with thousands separators, from 0 (never truncated)."""
    ax.set_ylabel(label)
    ax.yaxis.set_major_formatter(NUMBER)
    ax.set_ylim(bottom=min(0.0, ax.dataLim.y0))


def family_panels(count: int, *, cols: int = 2, height: float = 2.6):
    """A figure of `count` panels (one per family), `cols` across, and its list of axes."""
    cols = min(cols, max(1, count))
    rows = math.ceil(count / cols)
    width = SINGLE_WIDTH if cols == 1 else FIGURE_WIDTH
    fig, axes = plt.subplots(rows, cols, figsize=(width, 1.0 + height * rows), squeeze=False,
                             layout="constrained")
    for ax in axes.flat[count:]:
        fig.delaxes(ax)
    return fig, list(axes.flat[:count])


def legend_below(fig, axes) -> None:
    """One legend for all panels, below them, off the data (constrained layout would set a
    legend above the panels over the figure's title)."""
    handles = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(label, handle)
    fig.legend(handles.values(), handles.keys(), loc="outside lower center",
               ncols=min(5, len(handles)), frameon=False)


def finish_figure(fig, alt_text: str):
    """Tick labels at the print size (ticks made at draw time skip the style), and the alt text."""
    for ax in fig.axes:
        ax.tick_params(which="both", labelsize=TICK_SIZE)
    fig.alt_text = alt_text
    return fig


def _change(value: float, reference: float) -> str:
    """How `value` compares with `reference`: "6.4% below", "2.0% above" or "in line with"."""
    if pd.isna(reference) or reference == 0:
        return "compared with"
    change = value / reference - 1
    if abs(change) < 0.0005:
        return "in line with"
    return f"{abs(change):.1%} {'above' if change > 0 else 'below'}"


def _count(number: int, noun: str, plural: str | None = None) -> str:
    """"1 SKU", "3 SKUs" ("family"/"families" with `plural`)."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def _listed(items: list[str], most: int = 3) -> str:
    """Up to `most` items joined by "; ", then how many more."""
    more = f"; and {len(items) - most} more" if len(items) > most else ""
    return "; ".join(items[:most]) + more


@keyed
@STYLE
def family_forecasts(history: pd.DataFrame, demand: pd.DataFrame, *, months_back: int = 24):
    """Per family, each on its own scale: bookings history, then the statistical forecast with
    its P10-P90 band and the consensus (`demand` has family, month, statistical, consensus and
    optionally p10, p90). The statistical line is dashed and drawn over the consensus, so it
    shows where the two agree."""
    families = sorted(demand["family"].unique())
    start = demand["month"].min() - months_back
    fig, axes = family_panels(len(families))
    for ax, family in zip(axes, families):
        past = history[(history["family"] == family) & (history["month"] >= start)]
        _forecast_panel(ax, past, demand[demand["family"] == family])
        ax.set_title(family)
    fig.suptitle("Demand by family: bookings history and forecast (units per month)")
    legend_below(fig, axes)
    return finish_figure(fig, _forecast_alt(history, demand, families))


def _forecast_panel(ax, past: pd.DataFrame, future: pd.DataFrame) -> None:
    """One family: band beneath, bookings, consensus, and the dashed statistical on top."""
    x = month_x(future["month"])
    if {"p10", "p90"} <= set(future.columns):
        ax.fill_between(x, future["p10"], future["p90"], color=STATISTICAL, alpha=0.18, lw=0,
                        label="P10-P90 of the statistical forecast", zorder=1)
    ax.plot(month_x(past["month"]), past["bookings"], color=HISTORY, lw=1.4, label="Bookings",
            zorder=2)
    ax.plot(x, future["consensus"], color=CONSENSUS, lw=2.8, label="Consensus", zorder=3)
    ax.plot(x, future["statistical"], color=STATISTICAL, lw=1.6, ls=(0, (3, 2)),
            label="Statistical", zorder=4)
    month_axis(ax, pd.concat([past["month"], future["month"]]))
    units_axis(ax, "units")


def _forecast_alt(history: pd.DataFrame, demand: pd.DataFrame, families: list) -> str:
    """Consensus of the first 12 forecast months against statistical and the prior bookings."""
    window = first_months(demand, 12)
    first, last = window["month"].min(), window["month"].max()
    count = len(pd.period_range(first, last, freq="M"))
    booked = history.loc[history["family"].isin(families) & (history["month"] >= first - count)
                         & (history["month"] < first), "bookings"].sum()
    consensus, statistical = window["consensus"].sum(), window["statistical"].sum()
    who = families[0] if len(families) == 1 else f"All {len(families)} families"
    return (f"{who}: consensus demand for {span_label(first, last)} is {consensus:,.0f} units, "
            f"{_change(consensus, statistical)} the statistical forecast ({statistical:,.0f}) "
            f"and {_change(consensus, booked)} the {count} months' bookings before it "
            f"({booked:,.0f}).")


@keyed
@STYLE
def abc_xyz_heatmap(summary: pd.DataFrame):
    """ABC (value) x XYZ (variability): SKU count and value share per cell."""
    cells = summary[summary["grouping"] == "ABC-XYZ"].copy()
    cells["value_share"] = cells["value_share"].fillna(0.0)
    cells[["abc", "xyz"]] = cells["segment"].str.split("-", n=1, expand=True)
    share = cells.pivot(index="abc", columns="xyz", values="value_share").fillna(0.0)
    skus = cells.pivot(index="abc", columns="xyz", values="skus").fillna(0).astype(int)
    fig, ax = plt.subplots(figsize=(min(FIGURE_WIDTH, 2.6 + 1.9 * share.shape[1]), 3.6),
                           layout="constrained")
    image = ax.imshow(share.to_numpy(), cmap="Blues", vmin=0,
                      vmax=max(0.01, share.to_numpy().max()), aspect="auto")
    _label_cells(ax, image, skus.map(lambda count: _count(count, "SKU")).to_numpy() + "\n"
                 + share.map(lambda value: f"{value:.0%} of value").to_numpy())
    ax.set_xticks(range(share.shape[1]), share.columns)
    ax.set_yticks(range(len(share)), share.index)
    ax.set_xlabel("variability (X steady ... Z erratic)")
    ax.set_ylabel("value class (A: top 80% of value)")
    fig.suptitle("SKUs by value and variability")
    return finish_figure(fig, _abc_xyz_alt(cells))


def _label_cells(ax, image, labels: np.ndarray) -> None:
    """Write each cell's label in black or white, whichever reads on the cell's colour."""
    colours = image.cmap(image.norm(np.ma.filled(image.get_array(), np.nan)))
    luminance = colours[..., :3] @ np.array([0.2126, 0.7152, 0.0722])
    for (row, col), text in np.ndenumerate(labels):
        ax.text(col, row, text, ha="center", va="center", fontsize=9,
                color="white" if luminance[row, col] < 0.45 else "black")


def _abc_xyz_alt(cells: pd.DataFrame) -> str:
    """The cell with the most value and the one with the most SKUs, with their figures."""
    by_value = cells.loc[cells["value_share"].idxmax()]
    by_count = cells.loc[cells["skus"].idxmax()]
    said = (f"{by_value['segment']} holds {by_value['value_share']:.0%} of annual value with "
            f"{by_value['skus']:,} of {_count(cells['skus'].sum(), 'SKU')}")
    if by_count.name == by_value.name:
        return said + ", the most of any cell."
    return (f"{said}; {by_count['segment']} has the most SKUs ({by_count['skus']:,}) with "
            f"{by_count['value_share']:.0%} of value.")


@keyed
@STYLE
def demand_patterns(segments: pd.DataFrame, *, adi_cutoff: float, cv2_cutoff: float):
    """ADI against CV squared per SKU, with the cut-offs that name the four demand patterns."""
    shown = segments.dropna(subset=["adi", "cv2"])
    fig, ax = plt.subplots(figsize=(8, 4.8), layout="constrained")
    biggest = max(1.0, shown["annual_value"].max())
    for abc, rows in shown.groupby("abc"):
        colour, marker = VALUE_CLASSES.get(abc, (BLACK, "D"))
        ax.scatter(rows["adi"], rows["cv2"].clip(lower=0.01), marker=marker, color=colour,
                   s=14 + 70 * rows["annual_value"] / biggest, alpha=0.7, lw=0,
                   label=f"class {abc}")
    ax.axvline(adi_cutoff, color=BLACK, ls="--", lw=0.9)
    ax.axhline(cv2_cutoff, color=BLACK, ls="--", lw=0.9)
    ax.set_xscale("log")
    ax.set_yscale("log")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        axis.set_minor_formatter(NullFormatter())
    for x, y, text in ((0.01, 0.01, "smooth"), (0.01, 0.99, "erratic"),
                       (0.99, 0.01, "intermittent"), (0.99, 0.99, "lumpy")):
        ax.text(x, y, text, transform=ax.transAxes, ha="left" if x < 0.5 else "right",
                va="bottom" if y < 0.5 else "top", color=BLACK, zorder=5,
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1.5})
    ax.set_xlabel(f"average demand interval, months (cut-off {adi_cutoff:g})")
    ax.set_ylabel(f"CV² of demand sizes (cut-off {cv2_cutoff:g})")
    fig.legend(loc="outside right upper", title="value class\n(size: value)")
    fig.suptitle("Demand patterns of the SKUs")
    return finish_figure(fig, _patterns_alt(shown, len(segments) - len(shown), adi_cutoff,
                                      cv2_cutoff))


def _patterns_alt(shown: pd.DataFrame, hidden: int, adi_cutoff: float, cv2_cutoff: float) -> str:
    """SKUs per quadrant as drawn, and how many SKUs are left out."""
    frequent, steady = shown["adi"] < adi_cutoff, shown["cv2"] < cv2_cutoff
    return (f"Of {_count(len(shown), 'SKU')} with demand, {(frequent & steady).sum():,} are "
            f"smooth, {(frequent & ~steady).sum():,} erratic, {(~frequent & steady).sum():,} "
            f"intermittent and {(~frequent & ~steady).sum():,} lumpy"
            + (f"; {_count(hidden, 'SKU')} without demand not shown." if hidden else "."))


@keyed
@STYLE
def utilisation_heatmap(load: pd.DataFrame, *, title: str, months: int | None = None):
    """Resources x months, coloured by load / regular available hours, each cell labelled;
    cells needing overtime or beyond it are outlined. `months`: only the first so many."""
    shown = load if months is None else first_months(load, months)
    grid = shown.pivot_table(index="resource", columns="month", values="utilisation")
    status = shown.pivot_table(index="resource", columns="month", values="status",
                               aggfunc="first").reindex_like(grid)
    values = grid.to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(min(FIGURE_WIDTH, 2.8 + 0.48 * grid.shape[1]),
                                    1.9 + 0.4 * len(grid)), layout="constrained")
    image = ax.imshow(values, cmap=LOAD_COLOURS, vmin=0, vmax=LOAD_MAX, aspect="auto")
    _label_cells(ax, image, np.where(np.isnan(values), "", np.char.mod("%.0f%%", values * 100)))
    _outline(ax, status.to_numpy())
    ax.set_yticks(range(len(grid)), grid.index)
    ax.set_xticks(range(grid.shape[1]), [month_label(m) for m in grid.columns], rotation=45,
                  ha="right", rotation_mode="anchor")
    ax.tick_params(length=0)
    bar = fig.colorbar(image, ax=ax, format=PercentFormatter(1.0),
                       extend="max" if np.nanmax(values) > LOAD_MAX else "neither")
    bar.set_label("load / regular available hours")
    fig.legend(handles=[Patch(fill=False, edgecolor=BLACK, ls="--", lw=1.2,
                              label="needs overtime"),
                        Patch(fill=False, edgecolor=BLACK, lw=2.4,
                              label="overload: beyond the overtime available")],
               loc="outside lower center", ncols=2, frameon=False)
    fig.suptitle(title)
    return finish_figure(fig, f"{title}. {_load_alt(shown)}")


def _outline(ax, status: np.ndarray) -> None:
    """A dashed frame around cells in overtime, a heavy one around overloaded cells."""
    frames = {"overtime": {"ls": "--", "lw": 1.2}, "overload": {"ls": "-", "lw": 2.4}}
    for (row, col), value in np.ndenumerate(status):
        if value in frames:
            ax.add_patch(Rectangle((col - 0.44, row - 0.42), 0.88, 0.84, fill=False,
                                   edgecolor=BLACK, **frames[value]))


def _load_alt(load: pd.DataFrame) -> str:
    """The busiest resource-month, and how many need overtime or go beyond it."""
    busiest = load.loc[load["utilisation"].idxmax()]
    overtime, overload = ((load["status"] == name).sum() for name in ("overtime", "overload"))
    return (f"{busiest['resource']} is the busiest resource: {busiest['utilisation']:.0%} of "
            f"its regular hours in {month_label(busiest['month'])}. Resource-months needing "
            f"overtime: {overtime}; beyond the overtime available: {overload}.")


@keyed
@STYLE
def position_vs_target(plan: pd.DataFrame):
    """Per family: projected inventory (MTS) or backlog (MTO) against its target, from 0, with
    the safety stock when given and the months short of demand (shortfall) shaded."""
    families = sorted(plan["family"].unique())
    fig, axes = family_panels(len(families))
    for ax, family in zip(axes, families):
        _position_panel(ax, plan[plan["family"] == family])
    strategies = set(plan["strategy"])
    what = ("inventory (MTS) or backlog (MTO)" if len(strategies) > 1
            else "inventory" if strategies == {"MTS"} else "backlog")
    fig.suptitle(f"Projected {what} against target (units)")
    legend_below(fig, axes)
    return finish_figure(fig, _position_alt(plan))


def _position_panel(ax, rows: pd.DataFrame) -> None:
    """The target as a thick dashed step beneath, the position as a line with markers on top."""
    mts = rows["strategy"].iloc[0] == "MTS"
    x = month_x(rows["month"])
    ax.step(x, rows["target"], where="mid", color=TARGET, lw=3, ls="--", label="Target",
            zorder=2)
    if mts and rows.get("safety_stock", pd.Series(0.0)).gt(0).any():
        ax.step(x, rows["safety_stock"], where="mid", color=SAFETY_STOCK, lw=1.4, ls=":",
                label="Safety stock", zorder=2)
    ax.plot(x, rows["inventory"] if mts else rows["backlog"], color=POSITION, lw=1.6,
            marker="o" if mts else "s", ms=3.5,
            label="Projected inventory" if mts else "Projected backlog",
            zorder=4, clip_on=False)  # markers at 0 show over the axis line
    for count, month in enumerate(x[_short(rows)]):
        ax.axvspan(month - 0.5, month + 0.5, color=SHORTFALL, alpha=0.22, lw=0, zorder=1,
                   label="_" if count else f"Shortfall over {STOCK_OUT:g} units")
    ax.set_title(f"{rows['family'].iloc[0]} ({'MTS' if mts else 'MTO'})")
    month_axis(ax, rows["month"])
    units_axis(ax, "units in stock" if mts else "units of backlog")


def _short(rows: pd.DataFrame) -> np.ndarray:
    """Which rows are months with a shortfall (none when the plan has no shortfall column)."""
    return rows.get("shortfall", pd.Series(0.0, index=rows.index)).gt(STOCK_OUT).to_numpy()


def _position_alt(plan: pd.DataFrame) -> str:
    """Months with a shortfall per family, then the month furthest from its target."""
    short = plan[_short(plan)]
    said = [f"{family} in {_count(len(rows), 'month')} of "
            f"{span_label(rows['month'].min(), rows['month'].max())} "
            f"({rows['shortfall'].sum():,.0f} units)" for family, rows in short.groupby("family")]
    first = f"Shortfall: {_listed(said)}." if said else "No month has a shortfall."
    position = plan["inventory"].where(plan["strategy"] == "MTS", plan["backlog"])
    gap = (position - plan["target"]).abs()
    if not gap.gt(STOCK_OUT).any():
        families = plan["family"].unique()
        who = families[0] if len(families) == 1 else "Every family"
        return f"{first} {who} is on target in every month."
    row = plan.loc[(gap / plan["target"].abs().clip(lower=1)).idxmax()]
    unit = "in stock" if row["strategy"] == "MTS" else "of backlog"
    return (f"{first} Furthest from target: {row['family']} in {month_label(row['month'])}, "
            f"{position[row.name]:,.0f} units {unit} against a target of {row['target']:,.0f}.")


@keyed
@STYLE
def demand_vs_supply(summary: pd.DataFrame):
    """Per family, each on its own scale: demand and supply in units over the summary's months,
    with the units shipped late and the service level."""
    fig, axes = family_panels(len(summary), cols=3, height=2.3)
    for ax, row in zip(axes, summary.itertuples(index=False)):
        bars = ax.bar(["Demand", "Supply"], [row.demand, row.supply], color=[DEMAND, SUPPLY],
                      width=0.6)
        ax.bar_label(bars, labels=[f"{row.demand:,.0f}", f"{row.supply:,.0f}"], padding=2,
                     fontsize=TICK_SIZE)
        ax.set_ylim(0, 1.25 * max(row.demand, row.supply, 1.0))
        units_axis(ax, "units")
        ax.set_title(f"{row.family} ({row.strategy})\nservice {row.service_level:.1%}, "
                     f"{row.late_units:,.0f} units shipped late")
    fig.suptitle(f"Demand and supply per family, {_window(summary)} (units, own scale each)")
    return finish_figure(fig, _balance_alt(summary))


def _window(summary: pd.DataFrame) -> str:
    """The months the balance summary covers, as its `months` column writes them."""
    return summary["months"].iloc[0] if "months" in summary else "the next 12 months"


def _balance_alt(summary: pd.DataFrame) -> str:
    """Families with supply below demand, then the shortfall and the lowest service level."""
    below = summary[summary["supply"] < summary["demand"] - STOCK_OUT]
    said = [f"{row.family} {row.supply:,.0f} of {row.demand:,.0f} units "
            f"({row.supply / row.demand:.1%})" for row in below.itertuples()]
    first = (f"Over {_window(summary)}, supply is below demand for {len(below)} of "
             f"{_count(len(summary), 'family', 'families')}: {_listed(said)}." if said else
             f"Over {_window(summary)}, supply covers demand for every family "
             f"({_count(len(summary), 'family', 'families')}).")
    short = summary[summary["late_units"] > STOCK_OUT]
    if short.empty:
        return first + " No family ships late."
    lowest = summary.loc[summary["service_level"].idxmin()]
    return (f"{first} Shipped late: {short['late_units'].sum():,.0f} units in "
            f"{_count(len(short), 'family', 'families')}; lowest service level "
            f"{lowest['family']} {lowest['service_level']:.1%}.")


@keyed
@STYLE
def revenue_vs_plan(money: pd.DataFrame, *, currency: str, months: int | None = None):
    """All families: projected revenue by month against the business plan, in `currency`.
    `months`: only the first so many months (the executive KPI's window)."""
    window = money if months is None else first_months(money, months)
    total = window.groupby("month", sort=True)[["revenue", "plan_revenue"]].sum(min_count=1)
    span = span_label(total.index.min(), total.index.max())
    fig, ax = plt.subplots(figsize=(9.5, 4.0), layout="constrained")
    x = month_x(total.index)
    ax.bar(x, total["revenue"], width=0.7, color=REVENUE, label="Projected revenue", zorder=2)
    ax.plot(x, total["plan_revenue"], color=BUSINESS_PLAN, lw=1.5, marker="o", ms=4,
            label="Business plan", zorder=3)
    month_axis(ax, total.index)
    units_axis(ax, f"Revenue ({currency})")
    fig.suptitle(f"Revenue {span} against the business plan ({currency})")
    legend_below(fig, [ax])
    return finish_figure(fig, _revenue_alt(window, total, span, currency))


def _revenue_alt(window: pd.DataFrame, total: pd.DataFrame, span: str, currency: str) -> str:
    """Revenue over the window against the business plan, in money as the KPIs write it."""
    revenue, plan = total["revenue"].sum(), total["plan_revenue"].sum(min_count=1)
    said = f"Revenue over {span} is {format_money(revenue, currency)}"
    if pd.isna(plan):
        return said + ", with no business plan to compare against."
    missing = sorted(set(window.loc[window["plan_revenue"].isna(), "family"]))
    note = f" No business plan for {', '.join(missing)}." if missing else ""
    return (f"{said}, {_change(revenue, plan)} the business plan of "
            f"{format_money(plan, currency)}.{note}")
