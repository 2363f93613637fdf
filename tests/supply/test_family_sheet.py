"""The classic family sheet: history against the archived plans of record, then the plan."""
import pandas as pd
import pytest

from sop_lib.core.errors import ParameterError, SopError
from sop_lib.supply.family_sheet import LINES, family_sheets, sheet_table
from sop_lib.supply.plan import DAYS_PER_MONTH, WEEKS_PER_MONTH, supply_plan_frame
from tests.builders import company_from_rows

HISTORY = ["2024-04", "2024-05", "2024-06"]
AHEAD = ["2024-07", "2024-08", "2024-09", "2024-10", "2024-11", "2024-12"]
MTS_LINES = ["sales_forecast", "sales_actual", "sales_diff", "sales_cum_diff", "operations_plan",
             "operations_actual", "operations_diff", "operations_cum_diff", "inventory_plan",
             "inventory_actual", "days_of_supply", "late_orders_plan"]
MTO_LINES = ["bookings_forecast", "bookings_actual", "bookings_diff", "bookings_cum_diff",
             "shipments_plan", "shipments_actual", "shipments_diff", "shipments_cum_diff",
             "backlog_plan", "backlog_actual", "weeks_of_backlog"]


@pytest.fixture(scope="module")
def company():
    """A (MTS: SKUs a1, a2) and B (MTO: b1), closed through 2024-06, 40 units on order for B."""
    flows = {"a1": ([55, 60, 70], [55, 60, 70]), "a2": ([35, 50, 40], [35, 50, 40]),
             "b1": ([20, 25, 15], [18, 22, 20])}
    return company_from_rows(
        families=[{"family": "A", "strategy": "MTS", "inventory_target_days": 30,
                   "service_target": 0.95},
                  {"family": "B", "strategy": "MTO", "backlog_target_weeks": 4,
                   "service_target": 0.9}],
        items=[{"sku": sku, "family": sku[0].upper(), "unit_price": 10, "standard_cost": 5,
                "status": "active"} for sku in flows],
        demand_history=[{"sku": sku, "month": month, "bookings": booked, "shipments": shipped}
                        for sku, (bookings, shipments) in flows.items()
                        for month, booked, shipped in zip(HISTORY, bookings, shipments)],
        inventory=[{"sku": sku, "month": month, "on_hand": units}
                   for sku, values in {"a1": [120, 130, 120], "a2": [80, 80, 70]}.items()
                   for month, units in zip(HISTORY, values)],
        production_history=[{"family": family, "month": month, "quantity": units}
                            for family, values in {"A": [95, 120, 100], "B": [18, 22, 20]}.items()
                            for month, units in zip(HISTORY, values)],
        open_orders=[{"sku": "b1", "due_month": "2024-07", "quantity": 30},
                     {"sku": "b1", "due_month": "2024-08", "quantity": 10}],
        resources=[{"resource": "R", "plant": "P", "available_hours": 1e6, "max_overtime_hours": 0,
                    "regular_cost_per_hour": 1, "overtime_cost_per_hour": 2}],
        bill_of_resources=[{"family": family, "resource": "R", "hours_per_unit": 0.1}
                           for family in ("A", "B")],
    )


@pytest.fixture(scope="module")
def demand():
    return pd.DataFrame({"family": ["A"] * 6 + ["B"] * 6, "month": pd.PeriodIndex(AHEAD * 2,
                                                                                 freq="M"),
                         "consensus": [100.0] * 6 + [20.0] * 6})


@pytest.fixture(scope="module")
def plan(company, demand):
    return supply_plan_frame(company, demand)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """Cycles 2024-04..06, each with its lag 1 plan and consensus."""
    root = tmp_path_factory.mktemp("reports")
    plans = {"A": {"production": [100, 120, 110], "inventory": [200, 210, 205]},
             "B": {"shipments": [20, 20, 24], "backlog": [40, 44, 38]}}
    consensus = {"a1": [60, 50, 70], "a2": [40, 50, 50], "b1": [22, 20, 18]}
    for position, cycle in enumerate(HISTORY):
        plan_rows = [{"family": family, "strategy": "MTS" if family == "A" else "MTO",
                      "month": cycle, "production": float("nan"), "shipments": float("nan"),
                      "inventory": float("nan"), "backlog": float("nan"),
                      **{line: values[position] for line, values in lines.items()}}
                     for family, lines in plans.items()]
        consensus_rows = [{"sku": sku, "family": sku[0].upper(), "month": cycle,
                           "consensus": values[position]} for sku, values in consensus.items()]
        write_artifact(root, cycle, "plan", plan_rows)
        write_artifact(root, cycle, "consensus", consensus_rows)
    return root


@pytest.fixture(scope="module")
def sheets(company, plan, demand, archive):
    return family_sheets(company, plan, demand, archive)


def write_artifact(root, cycle, name, rows):
    folder = root / cycle / "artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame(rows)
    frame["month"] = frame["month"].astype("period[M]")
    frame.to_parquet(folder / f"{name}.parquet", index=False)


def family_rows(sheets, family):
    rows = sheets[sheets["family"] == family]
    return rows.set_index(rows["month"].dt.strftime("%Y-%m"))


def test_rows_are_history_months_then_plan_months_per_family(sheets):
    assert list(sheets.columns) == ["family", "strategy", "period", "month", *MTS_LINES,
                                    *MTO_LINES, "note"]
    for family in ("A", "B"):
        rows = family_rows(sheets, family)
        assert rows.index.tolist() == HISTORY + AHEAD
        assert rows["period"].tolist() == ["history"] * 3 + ["plan"] * 6
    assert sheets["strategy"].tolist() == ["MTS"] * 9 + ["MTO"] * 9


def test_mts_sheet_history_against_the_archived_plans(sheets):
    rows = family_rows(sheets, "A").loc[HISTORY]

    assert rows["sales_forecast"].tolist() == [100, 100, 120]
    assert rows["sales_actual"].tolist() == [90, 110, 110]
    assert rows["sales_diff"].tolist() == [-10, 10, -10]
    assert rows["sales_cum_diff"].tolist() == [-10, 0, -10]
    assert rows["operations_plan"].tolist() == [100, 120, 110]
    assert rows["operations_actual"].tolist() == [95, 120, 100]
    assert rows["operations_diff"].tolist() == [-5, 0, -10]
    assert rows["operations_cum_diff"].tolist() == [-5, -5, -15]
    assert rows["inventory_plan"].tolist() == [200, 210, 205]
    assert rows["inventory_actual"].tolist() == [200, 210, 190]
    # inventory over the average daily demand of the next three months (bookings, then consensus)
    forward = [(110 + 110 + 100) / 3, (110 + 100 + 100) / 3, 100]
    assert rows["days_of_supply"].tolist() == pytest.approx(
        [stock / (units / DAYS_PER_MONTH) for stock, units in zip([200, 210, 190], forward)])
    assert set(rows["note"]) == {""}


def test_mts_sheet_plan_months_come_from_this_cycle(sheets, plan):
    rows = family_rows(sheets, "A").loc[AHEAD]
    planned = plan[plan["family"] == "A"]

    assert rows["sales_forecast"].tolist() == [100] * 6
    assert rows["operations_plan"].tolist() == planned["production"].tolist()
    assert rows["inventory_plan"].tolist() == planned["inventory"].tolist()
    assert rows["days_of_supply"].tolist() == planned["days_of_supply"].tolist()
    actuals = [f"{line}_{part}" for line in ("sales", "operations")
               for part in ("actual", "diff", "cum_diff")] + ["inventory_actual"]
    assert rows[actuals].isna().all().all()


def test_mto_sheet_history_rebuilds_the_backlog_from_open_orders(sheets):
    rows = family_rows(sheets, "B").loc[HISTORY]

    assert rows["bookings_forecast"].tolist() == [22, 20, 18]
    assert rows["bookings_actual"].tolist() == [20, 25, 15]
    assert rows["bookings_diff"].tolist() == [-2, 5, -3]
    assert rows["bookings_cum_diff"].tolist() == [-2, 3, 0]
    assert rows["shipments_plan"].tolist() == [20, 20, 24]
    assert rows["shipments_actual"].tolist() == [18, 22, 20]
    assert rows["shipments_diff"].tolist() == [-2, 2, -4]
    assert rows["shipments_cum_diff"].tolist() == [-2, 0, -4]
    assert rows["backlog_plan"].tolist() == [40, 44, 38]
    # June ends with the 40 units on order; May = 40 - 15 + 20; April = 45 - 25 + 22
    assert rows["backlog_actual"].tolist() == [42, 45, 40]
    weekly = [(20 + 25 + 15) / 3, (25 + 15 + 20) / 3, (15 + 20 + 20) / 3]
    assert rows["weeks_of_backlog"].tolist() == pytest.approx(
        [stock / (units / WEEKS_PER_MONTH) for stock, units in zip([42, 45, 40], weekly)])


def test_mto_backlog_identity_holds_through_history_and_plan(sheets):
    rows = family_rows(sheets, "B")
    history = rows["period"] == "history"
    backlog = rows["backlog_actual"].where(history, rows["backlog_plan"])
    bookings = rows["bookings_actual"].where(history, rows["bookings_forecast"])
    shipments = rows["shipments_actual"].where(history, rows["shipments_plan"])

    assert backlog.notna().all() and bookings.notna().all() and shipments.notna().all()
    expected = backlog.shift() + bookings - shipments
    assert backlog.iloc[1:].tolist() == pytest.approx(expected.iloc[1:].tolist())


def test_lines_of_the_other_strategy_are_empty(sheets):
    assert sheets.loc[sheets["family"] == "A", MTO_LINES].isna().all().all()
    assert sheets.loc[sheets["family"] == "B", MTS_LINES].isna().all().all()


def test_without_archive_history_shows_actuals_and_says_why_plans_are_missing(
        company, plan, demand, tmp_path):
    sheets = family_sheets(company, plan, demand, tmp_path / "reports", history_months=2)
    rows = family_rows(sheets, "A")

    assert rows.index.tolist() == HISTORY[1:] + AHEAD
    history = rows.loc[HISTORY[1:]]
    assert history["sales_actual"].tolist() == [110, 110]
    assert history["operations_actual"].tolist() == [120, 100]
    assert history[["sales_forecast", "sales_diff", "sales_cum_diff", "operations_plan",
                    "inventory_plan"]].isna().all().all()
    assert history["note"].str.contains("no archived consensus yet").all()
    assert history["note"].str.contains("no archived plan yet").all()
    assert family_rows(sheets, "B").loc[HISTORY[1:], "backlog_actual"].tolist() == [45, 40]


def test_a_fallback_plan_of_record_is_noted_on_the_sheet(company, plan, demand, archive,
                                                         tmp_path):
    partial = tmp_path / "reports"
    for cycle in ("2024-04", "2024-05"):
        (partial / cycle / "artifacts").mkdir(parents=True)
        for name in ("plan", "consensus"):
            source = archive / cycle / "artifacts" / f"{name}.parquet"
            frame = pd.read_parquet(source)
            if cycle == "2024-05":  # cycle 2024-05 also planned June
                frame = pd.concat([frame, frame.assign(month=frame["month"] + 1)])
            frame.to_parquet(partial / cycle / "artifacts" / f"{name}.parquet", index=False)

    rows = family_rows(family_sheets(company, plan, demand, partial), "A")

    assert rows.loc["2024-06", "operations_plan"] == 120
    assert "plan of cycle 2024-05 used (lag 2)" in rows.loc["2024-06", "note"]
    assert "consensus of cycle 2024-05 used (lag 2)" in rows.loc["2024-06", "note"]


def test_sheet_table_prints_the_classic_layout(sheets):
    table = sheet_table(sheets, "A")

    assert table.index.tolist() == [
        "Sales: forecast", "Sales: actual", "Sales: difference", "Sales: cumulative difference",
        "Operations: plan", "Operations: actual", "Operations: difference",
        "Operations: cumulative difference", "Inventory: plan", "Inventory: actual",
        "Inventory: days of supply", "Inventory: orders late (plan)"]
    assert table.columns.tolist() == HISTORY + AHEAD
    assert table.loc["Operations: cumulative difference", "2024-06"] == -15
    assert table.loc["Sales: forecast"].tolist()[2:] == [120] + [100] * 6
    assert [column for column, _ in LINES["MTS"]] == MTS_LINES


def test_sheet_table_of_an_mto_family_shows_bookings_shipments_backlog(sheets):
    table = sheet_table(sheets, "B")

    assert table.index.tolist() == [
        "Bookings: forecast", "Bookings: actual", "Bookings: difference",
        "Bookings: cumulative difference", "Shipments: plan", "Shipments: actual",
        "Shipments: difference", "Shipments: cumulative difference", "Backlog: plan",
        "Backlog: actual", "Backlog: weeks of backlog"]
    assert table.loc["Backlog: actual", HISTORY].tolist() == [42, 45, 40]
    assert [column for column, _ in LINES["MTO"]] == MTO_LINES


def test_sheet_table_of_an_unknown_family_names_the_known_ones(sheets):
    with pytest.raises(ParameterError, match="'Z'.*A, B"):
        sheet_table(sheets, "Z")


def test_a_plan_overlapping_the_closed_months_is_refused(company, plan, demand, archive):
    with pytest.raises(SopError, match="starts in 2024-06.*last closed month 2024-06"):
        family_sheets(company, plan.assign(month=plan["month"] - 1), demand, archive)


def test_orders_late_are_whole_orders_not_the_fraction_whole_shipments_leave(sample_cycle):
    _, artifacts = sample_cycle
    sheets, plan = artifacts["family_sheets"], artifacts["plan"]
    late = sheets.loc[sheets["strategy"] == "MTS", ["family", "month", "late_orders_plan"]]
    late = late.dropna().merge(plan[["family", "month", "backlog"]], on=["family", "month"])
    assert (late["late_orders_plan"] == late["late_orders_plan"].round()).all()
    assert (late["late_orders_plan"] <= late["backlog"] + 1e-6).all()
    assert (late["backlog"] - late["late_orders_plan"] < 1).all()
    assert (late["backlog"] > 0).mean() > 0.5 and (late["late_orders_plan"] == 0).mean() > 0.5
