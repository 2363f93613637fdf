"""The pack's charts: matplotlib figures built from artifacts, one function per chart."""
from __future__ import annotations

import math

import matplotlib
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

HISTORY, STATISTICAL, CONSENSUS, PLAN = "#7f7f7f", "#1f77b4", "#d62728", "#2ca02c"
# Names from data are drawn as written: "$" in a family name is not mathtext.
PLAIN_TEXT = matplotlib.rc_context({"text.parse_math": False})
THOUSANDS = FuncFormatter(lambda value, _: f"{value:,.0f}")


def _grid(count: int, *, width: float = 4.2, height: float = 2.6):
    cols = min(3, max(1, count))
    rows = math.ceil(count / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows), squeeze=False,
                             constrained_layout=True)
    for ax in axes.flat[count:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:count])


def _months(series: pd.Series):
    return series.dt.to_timestamp()


def _month_axis(ax) -> None:
    """Ticks every half year on a monthly axis, labelled YYYY-MM."""
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.yaxis.set_major_formatter(THOUSANDS)
    ax.tick_params(labelsize=7)



@PLAIN_TEXT
def family_forecasts(history: pd.DataFrame, demand: pd.DataFrame, *, months_back: int = 24):
    """Per family: bookings history, then the statistical forecast with its P10-P90 band and
    the consensus (`demand` has family, month, statistical, consensus and optionally p10, p90)."""
    families = sorted(demand["family"].unique())
    fig, axes = _grid(len(families))
    start = demand["month"].min() - months_back
    for ax, family in zip(axes, families):
        past = history[(history["family"] == family) & (history["month"] >= start)]
        future = demand[demand["family"] == family]
        months = _months(future["month"])
        if {"p10", "p90"} <= set(future.columns):
            ax.fill_between(months, future["p10"], future["p90"], color=STATISTICAL, alpha=0.15,
                            lw=0, label="P10-P90")
        ax.plot(_months(past["month"]), past["bookings"], color=HISTORY, label="Bookings")
        ax.plot(months, future["statistical"], color=STATISTICAL, ls="--", label="Statistical")
        ax.plot(months, future["consensus"], color=CONSENSUS, label="Consensus")
        ax.set_title(family, fontsize=10)
        _month_axis(ax)
    axes[0].legend(fontsize=7)
    fig.suptitle("Demand by family: history and forecast (units)")
    return fig


@PLAIN_TEXT
def abc_xyz_heatmap(summary: pd.DataFrame):
    """ABC (value) x XYZ (variability): SKU count and value share per cell."""
    cells = summary[summary["grouping"] == "ABC-XYZ"].copy()
    cells[["abc", "xyz"]] = cells["segment"].str.split("-", n=1, expand=True)
    share = cells.pivot(index="abc", columns="xyz", values="value_share").fillna(0.0)
    skus = cells.pivot(index="abc", columns="xyz", values="skus").fillna(0)
    fig, ax = plt.subplots(figsize=(2.2 + 1.9 * share.shape[1], 3.2), constrained_layout=True)
    ax.imshow(share.to_numpy(), cmap="Blues", vmin=0, vmax=max(0.01, share.to_numpy().max()),
              aspect="auto")
    ax.set_xticks(range(share.shape[1]), share.columns)
    ax.set_yticks(range(len(share)), share.index)
    for (row, col), value in np.ndenumerate(share.to_numpy()):
        ax.text(col, row, f"{int(skus.iat[row, col])} SKUs\n{value:.0%} of value", ha="center",
                va="center", fontsize=8, color="black" if value < 0.5 else "white")
    ax.set_xlabel("variability (X steady ... Z erratic)")
    ax.set_ylabel("value (A top 80%)")
    ax.set_title("SKUs by value and variability")
    return fig


@PLAIN_TEXT
def demand_patterns(segments: pd.DataFrame, *, adi_cutoff: float, cv2_cutoff: float):
    """ADI against CV squared per SKU, with the cut-offs that name the four demand patterns."""
    shown = segments.dropna(subset=["adi", "cv2"])
    fig, ax = plt.subplots(figsize=(6.5, 4), constrained_layout=True)
    colours = {"A": "#1d3557", "B": "#457b9d", "C": "#a8dadc"}
    for abc, rows in shown.groupby("abc"):
        ax.scatter(rows["adi"], rows["cv2"].clip(lower=0.01), s=12 + 60 * rows["annual_value"]
                   / max(1.0, shown["annual_value"].max()), color=colours.get(abc, "grey"),
                   label=f"class {abc}", alpha=0.8)
    ax.axvline(adi_cutoff, color="black", ls="--", lw=0.8)
    ax.axhline(cv2_cutoff, color="black", ls="--", lw=0.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        axis.set_minor_formatter(FuncFormatter(lambda value, _: ""))
    for x, y, text in ((0.02, 0.02, "smooth"), (0.02, 0.95, "erratic"),
                       (0.98, 0.02, "intermittent"), (0.98, 0.95, "lumpy")):
        ax.text(x, y, text, transform=ax.transAxes, ha="left" if x < 0.5 else "right",
                va="bottom" if y < 0.5 else "top", fontsize=9, color="grey")
    ax.set_xlabel("average demand interval (months)")
    ax.set_ylabel("CV squared of demand sizes")
    ax.legend(fontsize=7)
    ax.set_title("Demand patterns")
    return fig


@PLAIN_TEXT
def utilisation_heatmap(load: pd.DataFrame, *, title: str):
    """Resources x months, coloured by load / available hours."""
    grid = load.pivot_table(index="resource", columns="month", values="utilisation")
    fig, ax = plt.subplots(figsize=(min(16, 1.2 + 0.55 * grid.shape[1]), 0.9 + 0.45 * len(grid)),
                           constrained_layout=True)
    image = ax.imshow(grid.to_numpy(), cmap="RdYlGn_r", vmin=0.4, vmax=1.4, aspect="auto")
    ax.set_yticks(range(len(grid)), grid.index)
    ax.set_xticks(range(grid.shape[1]), [m.strftime("%Y-%m") for m in grid.columns],
                  rotation=90, fontsize=7)
    for (row, col), value in np.ndenumerate(grid.to_numpy()):
        ax.text(col, row, f"{value:.0%}", ha="center", va="center", fontsize=6)
    fig.colorbar(image, ax=ax, label="load / available hours")
    ax.set_title(title)
    return fig


@PLAIN_TEXT
def position_vs_target(plan: pd.DataFrame):
    """Per family: projected inventory (MTS) or backlog (MTO) against its target."""
    families = sorted(plan["family"].unique())
    fig, axes = _grid(len(families))
    for ax, family in zip(axes, families):
        rows = plan[plan["family"] == family]
        mts = rows["strategy"].iloc[0] == "MTS"
        position = rows["inventory"] if mts else rows["backlog"]
        ax.plot(_months(rows["month"]), position, color=PLAN,
                label="Inventory" if mts else "Backlog")
        ax.plot(_months(rows["month"]), rows["target"], color="black", ls=":", label="Target")
        ax.set_title(f"{family} ({'MTS' if mts else 'MTO'})", fontsize=10)
        _month_axis(ax)
        ax.legend(fontsize=7)
    fig.suptitle("Projected inventory or backlog against target (units)")
    return fig


@PLAIN_TEXT
def demand_vs_supply(summary: pd.DataFrame):
    """Per family over the next months: demand, supply and the shortfall."""
    fig, ax = plt.subplots(figsize=(9, 3.6), constrained_layout=True)
    x = np.arange(len(summary))
    ax.bar(x - 0.2, summary["demand"], 0.4, label="Demand", color=CONSENSUS)
    ax.bar(x + 0.2, summary["supply"], 0.4, label="Supply", color=PLAN)
    ax.set_xticks(x, summary["family"], rotation=20, fontsize=8)
    ax.set_ylabel("units")
    ax.yaxis.set_major_formatter(THOUSANDS)
    ax.legend()
    ax.set_title("Demand and supply, next 12 months")
    return fig


@PLAIN_TEXT
def revenue_vs_plan(money: pd.DataFrame):
    """All families: projected revenue by month against the business plan."""
    total = money.groupby("month", sort=True)[["revenue", "plan_revenue"]].sum().reset_index()
    fig, ax = plt.subplots(figsize=(9, 3.4), constrained_layout=True)
    months = _months(total["month"])
    ax.bar(months, total["revenue"], width=20, color=PLAN, label="Projected revenue")
    ax.plot(months, total["plan_revenue"], color="black", marker="o", ms=3,
            label="Business plan")
    ax.set_ylabel("revenue")
    _month_axis(ax)
    ax.legend()
    ax.set_title("Revenue against the business plan")
    return fig
