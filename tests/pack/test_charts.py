"""The pack's charts read in print: nothing clipped, no text under 8 pt, units and currency on
the axes, colour-blind-safe colours, a panel per family, months labelled, and an alt text that
states the finding with its figures. Every figure is rendered as the pack embeds it (90 dpi)."""
import colorsys
import io

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb
from matplotlib.text import Text

from sop_lib.demand import segments as seg
from sop_lib.pack import charts

matplotlib.use("Agg")

MONTHS = pd.period_range("2026-11", periods=18, freq="M")
DPI = 90


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# --- inputs shaped like the pack's artifacts -------------------------------------------------

def money_frame() -> pd.DataFrame:
    """Two families over 18 months; the business plan is 10% above revenue in every month."""
    rows = []
    for family, scale in (("Garden Tools", 400_000.0), ("Custom Sheds", 9_000.0)):
        for i, month in enumerate(MONTHS):
            revenue = scale * (1 + 0.3 * np.sin(i / 2))
            rows.append({"family": family, "month": month, "revenue": revenue,
                         "plan_revenue": revenue * 1.1})
    return pd.DataFrame(rows)


def balance_summary() -> pd.DataFrame:
    """Families two orders of magnitude apart; the small one is short of demand."""
    return pd.DataFrame({
        "family": ["Garden Tools", "Custom Sheds", "Spare Parts"],
        "strategy": ["MTS", "MTO", "MTS"], "months": "2026-11 to 2027-10",
        "demand": [33_654.0, 715.0, 4_637.0], "supply": [33_654.0, 699.0, 4_637.0],
        "late_units": [0.0, 16.0, 0.0], "revenue_at_risk": [0.0, 40_000.0, 0.0],
        "service_level": [1.0, 0.978, 1.0]})


def load_frame() -> pd.DataFrame:
    """Three resources over 18 months; Press Line needs overtime in two months, overloads in one."""
    rows = []
    for resource, base in (("Assembly A", 0.5), ("Press Line", 0.8), ("Paint Shop", 0.6)):
        for i, month in enumerate(MONTHS):
            utilisation = base + 0.01 * i
            rows.append({"resource": resource, "plant": "North", "month": month,
                         "load_hours": 500 * utilisation, "available_hours": 500.0,
                         "max_overtime_hours": 75.0, "utilisation": utilisation})
    frame = pd.DataFrame(rows)
    press = frame["resource"] == "Press Line"
    frame.loc[press & (frame["month"] == MONTHS[3]), "utilisation"] = 1.10
    frame.loc[press & (frame["month"] == MONTHS[4]), "utilisation"] = 1.05
    frame.loc[press & (frame["month"] == MONTHS[9]), "utilisation"] = 1.25
    frame["status"] = np.select([frame["utilisation"] > 1.15, frame["utilisation"] > 1.0],
                                ["overload", "overtime"], "ok")
    frame["overtime_hours"] = (frame["utilisation"] - 1).clip(lower=0) * 500
    return frame


def plan_frame() -> pd.DataFrame:
    """An MTS family that runs out of stock in two months and an MTO family on its target."""
    inventory = np.array([900, 700, 400, 100, 0, 0, 300, 600, 800, 900, 950, 1000,
                          1000, 950, 900, 850, 800, 800], dtype=float)
    mts = pd.DataFrame({"family": "Grills", "strategy": "MTS", "month": MONTHS,
                        "inventory": inventory, "backlog": 0.0,
                        "target": np.full(18, 800.0), "safety_stock": np.full(18, 300.0),
                        "shortfall": np.where(inventory == 0, 55.0, 0.0)})
    mto = pd.DataFrame({"family": "Custom Sheds", "strategy": "MTO", "month": MONTHS,
                        "inventory": np.nan, "backlog": np.full(18, 110.0),
                        "target": np.full(18, 110.0), "safety_stock": 0.0, "shortfall": 0.0})
    return pd.concat([mts, mto], ignore_index=True)


def forecast_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Bookings for 36 months and an 18-month forecast of two families."""
    past = pd.period_range(MONTHS[0] - 36, periods=36, freq="M")
    history = pd.concat([pd.DataFrame({"family": family, "month": past,
                                       "bookings": scale * (1 + 0.2 * np.sin(np.arange(36)))})
                         for family, scale in (("Grills", 600.0), ("Custom Sheds", 50.0))])
    demand = pd.concat([pd.DataFrame({"family": family, "month": MONTHS,
                                      "statistical": np.full(18, scale),
                                      "consensus": np.full(18, scale * 1.1),
                                      "p10": np.full(18, scale * 0.5),
                                      "p90": np.full(18, scale * 1.5)})
                        for family, scale in (("Grills", 600.0), ("Custom Sheds", 50.0))])
    return history, demand


def segment_frame() -> pd.DataFrame:
    """Twelve SKUs across the ABC-XYZ cells and the four demand patterns (one with no demand)."""
    rng = np.random.default_rng(0)
    abc = list("AAABBBCCCCCC")
    xyz = ["X", "Y", "X", "X", "Z", "Y", "X", "Z", "Z", "Z", "Y", "none"]
    adi = [1.0, 1.0, 1.1, 1.0, 2.5, 3.0, 1.2, 4.0, 6.0, 1.0, 2.0, np.nan]
    cv2 = [0.1, 0.8, 0.2, 0.3, 0.2, 0.9, 0.05, 1.5, 0.3, 0.7, 0.6, np.nan]
    return pd.DataFrame({"sku": [f"S{i}" for i in range(12)], "family": "F", "abc": abc,
                         "xyz": xyz, "adi": adi, "cv2": cv2,
                         "pattern": "smooth", "annual_value": rng.uniform(1e3, 1e5, 12)})


def every_chart():
    history, demand = forecast_frames()
    segments = segment_frame()
    return {
        "family_forecasts": lambda: charts.family_forecasts(history, demand),
        "family_forecasts_one": lambda: charts.family_forecasts(
            history[history["family"] == "Grills"], demand[demand["family"] == "Grills"]),
        "abc_xyz_heatmap": lambda: charts.abc_xyz_heatmap(seg.segment_summary(segments)),
        "demand_patterns": lambda: charts.demand_patterns(
            segments, adi_cutoff=seg.ADI_CUTOFF, cv2_cutoff=seg.CV2_CUTOFF),
        "utilisation_heatmap": lambda: charts.utilisation_heatmap(
            load_frame(), title="Required load / available hours"),
        "position_vs_target": lambda: charts.position_vs_target(plan_frame()),
        "demand_vs_supply": lambda: charts.demand_vs_supply(balance_summary()),
        "revenue_vs_plan": lambda: charts.revenue_vs_plan(money_frame(), currency="EUR",
                                                          months=12),
    }


# --- what a rendered figure shows ------------------------------------------------------------

def render(fig):
    """Save `fig` as the pack does (PNG at 90 dpi) and return the renderer that laid it out."""
    fig.set_dpi(DPI)
    fig.savefig(io.BytesIO(), format="png", dpi=DPI)
    return fig.canvas.get_renderer()


def drawn_tick_labels(axis) -> list[Text]:
    """The tick labels the axis draws: those of ticks inside its view, with text."""
    low, high = sorted(axis.get_view_interval())
    labels = []
    for locs, ticks in ((axis.get_majorticklocs(), axis.get_major_ticks),
                        (axis.get_minorticklocs(), axis.get_minor_ticks)):
        for loc, tick in zip(locs, ticks(len(locs))):
            if low - 1e-9 <= loc <= high + 1e-9:
                labels += [label for label in (tick.label1, tick.label2)
                           if label.get_visible() and label.get_text().strip()]
    return labels


def drawn_texts(fig) -> list[Text]:
    """Every text the figure shows: titles, labels, legends, annotations and drawn tick labels."""
    axes = [ax for ax in fig.axes if ax.get_visible()]
    axes_of = {id(axis): axis for ax in axes for axis in (ax.xaxis, ax.yaxis)}
    tick_texts = {id(text) for axis in axes_of.values()
                  for tick in axis.majorTicks + axis.minorTicks
                  for text in (tick.label1, tick.label2)}
    texts = [text for text in fig.findobj(Text)
             if id(text) not in tick_texts and text.get_visible() and text.get_text().strip()]
    return texts + [label for axis in axes_of.values() for label in drawn_tick_labels(axis)]


def month_tick_labels(ax) -> list[str]:
    return [label.get_text() for label in drawn_tick_labels(ax.xaxis)]


def overlapping(extents) -> bool:
    ordered = sorted(extents, key=lambda box: box.x0)
    return any(left.x1 > right.x0 for left, right in zip(ordered, ordered[1:]))


def hue(colour) -> tuple[float, float]:
    h, s, _ = colorsys.rgb_to_hsv(*to_rgb(colour))
    return h * 360, s


def is_red(colour) -> bool:
    h, s = hue(colour)
    return s > 0.4 and (h < 20 or h > 340)


def is_green(colour) -> bool:
    h, s = hue(colour)
    return s > 0.4 and 75 < h < 165


# --- every chart -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(every_chart()))
def test_every_text_is_inside_the_figure_and_at_least_8_pt(name):
    fig = every_chart()[name]()
    renderer = render(fig)
    width, height = fig.bbox.width, fig.bbox.height
    texts = drawn_texts(fig)
    assert len(texts) > 5
    for text in texts:
        box = text.get_window_extent(renderer)
        assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= width + 1 and box.y1 <= height + 1, (
            f"{name}: {text.get_text()!r} is clipped: {box} outside {width}x{height}")
        assert text.get_fontsize() >= 8, f"{name}: {text.get_text()!r} is {text.get_fontsize()} pt"
    assert fig.get_figwidth() <= 11


@pytest.mark.parametrize("name", list(every_chart()))
def test_every_chart_states_its_finding_in_its_alt_text(name):
    fig = every_chart()[name]()
    assert isinstance(fig.alt_text, str) and fig.alt_text.endswith(".")
    assert any(character.isdigit() for character in fig.alt_text)


# --- revenue ---------------------------------------------------------------------------------

def test_revenue_shows_the_kpi_window_in_the_currency_with_every_month_labelled():
    money = money_frame()
    fig = charts.revenue_vs_plan(money, currency="EUR", months=12)
    render(fig)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Revenue (EUR)"
    assert fig.get_suptitle() == "Revenue 2026-11 to 2027-10 against the business plan (EUR)"
    assert len(ax.patches) == 12  # one bar a month, the first 12 of 18
    labels = month_tick_labels(ax)
    assert len(labels) >= 6 and labels[0] == "2026-11" and labels[-1] == "2027-10"
    assert not overlapping([label.get_window_extent() for label in drawn_tick_labels(ax.xaxis)])
    assert ax.get_ylim()[0] == 0


def test_revenue_alt_text_quotes_the_window_totals_and_the_gap():
    money = money_frame()
    window = money[money["month"] <= MONTHS[11]]
    revenue, plan = window["revenue"].sum(), window["plan_revenue"].sum()
    fig = charts.revenue_vs_plan(money, currency="EUR", months=12)
    assert fig.alt_text == (f"Revenue over 2026-11 to 2027-10 is EUR {revenue:,.0f}, "
                            f"{1 - revenue / plan:.1%} below the business plan of "
                            f"EUR {plan:,.0f}.")


def test_revenue_without_a_business_plan_says_so():
    money = money_frame().assign(plan_revenue=np.nan)
    fig = charts.revenue_vs_plan(money, currency="USD")
    assert "USD" in fig.axes[0].get_ylabel()
    assert fig.alt_text.endswith("with no business plan to compare against.")
    assert "2026-11 to 2028-04" in fig.alt_text


# --- demand and supply -----------------------------------------------------------------------

def test_demand_and_supply_get_a_panel_each_family_in_neutral_colours():
    summary = balance_summary()
    fig = charts.demand_vs_supply(summary)
    render(fig)
    assert len(fig.axes) == len(summary)
    for ax, row in zip(fig.axes, summary.itertuples()):
        demand, supply = ax.patches
        assert (demand.get_height(), supply.get_height()) == (row.demand, row.supply)
        colours = demand.get_facecolor(), supply.get_facecolor()
        assert to_rgb(colours[0]) != to_rgb(colours[1])
        assert not any(is_red(colour) or is_green(colour) for colour in colours)
        assert ax.get_ylabel() == "units"
        # on its own scale the smallest family's bars fill most of the panel
        assert demand.get_height() / ax.get_ylim()[1] > 0.6
    assert fig.axes[1].get_title().startswith("Custom Sheds (MTO)")


def test_demand_and_supply_alt_text_names_the_family_below_demand():
    fig = charts.demand_vs_supply(balance_summary())
    assert fig.alt_text == (
        "Over 2026-11 to 2027-10, supply is below demand for 1 of 3 families: Custom Sheds 699 "
        "of 715 units (97.8%). Shipped late: 16 units in 1 family; lowest service level "
        "Custom Sheds 97.8%.")
    assert fig.axes[1].get_title() == ("Custom Sheds (MTO)\nservice 97.8%, 16 units shipped late")


def test_demand_and_supply_in_balance_says_so():
    summary = balance_summary().assign(supply=lambda frame: frame["demand"], late_units=0.0)
    fig = charts.demand_vs_supply(summary)
    assert fig.alt_text == ("Over 2026-11 to 2027-10, supply covers demand for every family "
                            "(3 families). No family ships late.")


# --- capacity --------------------------------------------------------------------------------

def test_utilisation_cells_are_labelled_readably_with_a_colour_bar_and_outlines():
    fig = charts.utilisation_heatmap(load_frame(), title="Planned load / available hours")
    render(fig)
    ax, bar = fig.axes
    assert bar.get_ylabel() == "load / regular available hours"
    cells = [text for text in ax.texts]
    assert len(cells) == 3 * 18 and all(text.get_fontsize() >= 8 for text in cells)
    assert "110%" in [text.get_text() for text in cells]
    assert [label.get_text() for label in ax.get_xticklabels()] == [
        month.strftime("%Y-%m") for month in MONTHS]
    frames = sorted(patch.get_linestyle() for patch in ax.patches)
    assert len(frames) == 3  # two months of overtime, one overload
    for text in cells:  # each label stays inside its cell
        box, cell = text.get_window_extent(), ax.get_window_extent()
        assert box.width < cell.width / 18 and box.height < cell.height / 3


def test_utilisation_can_show_the_first_months_only():
    fig = charts.utilisation_heatmap(load_frame(), title="Capacity", months=6)
    ax = fig.axes[0]
    assert len(ax.get_xticks()) == 6
    assert fig.alt_text == ("Capacity. Press Line is the busiest resource: 110% of its regular "
                            "hours in "
                            "2027-02. Resource-months needing overtime: 2; beyond the overtime "
                            "available: 0.")


def test_utilisation_alt_text_names_the_busiest_resource_month():
    fig = charts.utilisation_heatmap(load_frame(), title="Capacity")
    assert fig.alt_text == ("Capacity. Press Line is the busiest resource: 125% of its regular "
                            "hours in "
                            "2027-08. Resource-months needing overtime: 2; beyond the overtime "
                            "available: 1.")


# --- position against target -----------------------------------------------------------------

def test_position_and_target_stay_apart_from_zero_with_units_and_shortfalls_marked():
    fig = charts.position_vs_target(plan_frame())
    render(fig)
    sheds, grills = fig.axes  # families in name order
    assert (sheds.get_ylabel(), grills.get_ylabel()) == ("units of backlog", "units in stock")
    for ax in fig.axes:
        target, *_, position = ax.get_lines()
        assert target.get_label() == "Target" and position.get_label().startswith("Projected")
        assert target.get_zorder() < position.get_zorder()
        assert to_rgb(target.get_color()) != to_rgb(position.get_color())
        assert target.get_linestyle() == "--" and position.get_marker() in ("o", "s")
        assert ax.get_ylim()[0] == 0
        labels = month_tick_labels(ax)
        gaps = np.diff([pd.Period(label, freq="M").ordinal for label in labels])
        assert len(labels) >= 6 and gaps.max() <= 3
    spans = [patch for patch in grills.patches]
    assert len(spans) == 2 and not sheds.patches  # the two months at zero stock
    legend = [text.get_text() for text in fig.legends[0].get_texts()]
    assert "Shortfall over 0.5 units" in legend and "Safety stock" in legend


def test_position_alt_text_states_shortfall_and_gap():
    fig = charts.position_vs_target(plan_frame())
    assert fig.alt_text == (
        "Shortfall: Grills in 2 months of 2027-03 to 2027-04 (110 units). Furthest from target: "
        "Grills in 2027-03, 0 units in stock against a target of 800.")


def test_position_without_shortfall_or_safety_stock_columns():
    plan = plan_frame()
    plan = plan[plan["family"] == "Custom Sheds"].drop(columns=["shortfall", "safety_stock"])
    fig = charts.position_vs_target(plan)
    render(fig)
    assert fig.get_suptitle() == "Projected backlog against target (units)"
    assert fig.alt_text == "No month has a shortfall. Custom Sheds is on target in every month."


# --- forecasts -------------------------------------------------------------------------------

def test_forecast_lines_both_show_and_the_legend_is_off_the_data():
    history, demand = forecast_frames()
    fig = charts.family_forecasts(history, demand)
    renderer = render(fig)
    assert [ax.get_title() for ax in fig.axes] == ["Custom Sheds", "Grills"]
    for ax in fig.axes:
        lines = {line.get_label(): line for line in ax.get_lines()}
        statistical, consensus = lines["Statistical"], lines["Consensus"]
        assert statistical.get_zorder() > consensus.get_zorder()
        assert statistical.get_linestyle() != consensus.get_linestyle()
        assert to_rgb(statistical.get_color()) != to_rgb(consensus.get_color())
        assert not is_red(consensus.get_color()) and not is_green(consensus.get_color())
        assert ax.get_ylabel() == "units" and ax.get_legend() is None
        assert not overlapping([label.get_window_extent()
                                for label in drawn_tick_labels(ax.xaxis)])
    legend = fig.legends[0].get_window_extent(renderer)
    assert not any(legend.overlaps(ax.get_window_extent(renderer)) for ax in fig.axes)


def test_forecast_alt_text_compares_consensus_with_statistical_and_bookings():
    history, demand = forecast_frames()
    grills = history[history["family"] == "Grills"]
    booked = grills.loc[grills["month"] >= MONTHS[0] - 12, "bookings"].sum()
    fig = charts.family_forecasts(grills, demand[demand["family"] == "Grills"])
    change = 12 * 660 / booked - 1
    assert fig.alt_text == (
        f"Grills: consensus demand for 2026-11 to 2027-10 is 7,920 units, 10.0% above the "
        f"statistical forecast (7,200) and {abs(change):.1%} {'above' if change > 0 else 'below'}"
        f" the 12 months' bookings before it ({booked:,.0f}).")


# --- demand review ---------------------------------------------------------------------------

def test_abc_xyz_alt_text_names_the_cells_by_value_and_by_count():
    segments = segment_frame()
    summary = seg.segment_summary(segments)
    fig = charts.abc_xyz_heatmap(summary)
    cells = summary[summary["grouping"] == "ABC-XYZ"]
    top = cells.loc[cells["value_share"].idxmax()]
    assert fig.alt_text.startswith(f"{top['segment']} holds {top['value_share']:.0%} of annual "
                                   f"value with {top['skus']} of 12 SKUs")
    assert "1 SKU\n" in [text.get_text()[:6] for text in fig.axes[0].texts]


def test_demand_patterns_count_the_quadrants_drawn():
    fig = charts.demand_patterns(segment_frame(), adi_cutoff=seg.ADI_CUTOFF,
                                 cv2_cutoff=seg.CV2_CUTOFF)
    assert fig.alt_text == ("Of 11 SKUs with demand, 4 are smooth, 2 erratic, 2 intermittent "
                            "and 3 lumpy; 1 SKU without demand not shown.")
    render(fig)
    assert len(month_tick_labels(fig.axes[0])) >= 2  # log axes keep labelled ticks
