"""Plan versus actual: production adherence and sales against the archived plans of record."""
import math

import pandas as pd
import pytest

from sop_lib.core.errors import ParameterError, SopError
from sop_lib.supply.adherence import (
    NO_PRODUCTION_NOTE,
    PLAN_ADHERENCE_TARGET,
    adherence_status,
    adherence_summary,
    production_adherence,
    sales_vs_plan,
)
from tests.builders import company_from_rows

WINDOW = ["2024-04", "2024-05", "2024-06"]


def company(production=None):
    """Families A (SKUs a1, a2) and B (b1), history closed through 2024-06."""
    bookings = {"a1": [50, 60, 70], "a2": [40, 50, 30], "b1": [20, 25, 15]}
    produced = production or {"A": [90, 120, 150], "B": [40, 39, 41]}
    return company_from_rows(
        families=[{"family": "A", "strategy": "MTS", "inventory_target_days": 30,
                   "service_target": 0.95},
                  {"family": "B", "strategy": "MTO", "backlog_target_weeks": 4,
                   "service_target": 0.9}],
        items=[{"sku": sku, "family": sku[0].upper(), "unit_price": 10, "standard_cost": 5,
                "status": "active"} for sku in bookings],
        demand_history=[{"sku": sku, "month": month, "bookings": units, "shipments": units}
                        for sku, values in bookings.items()
                        for month, units in zip(WINDOW, values)],
        production_history=[{"family": family, "month": month, "quantity": units}
                            for family, values in produced.items()
                            for month, units in zip(WINDOW, values) if units is not None],
    )


def write_artifact(archive, cycle, name, rows):
    folder = archive / cycle / "artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame(rows)
    frame["month"] = frame["month"].astype("period[M]")
    frame.to_parquet(folder / f"{name}.parquet", index=False)


def write_plan(archive, cycle, production):
    """A plan.parquet for `cycle`: production per family and month, {family: {month: units}}."""
    write_artifact(archive, cycle, "plan", [
        {"family": family, "strategy": "MTS" if family == "A" else "MTO", "month": month,
         "production": units}
        for family, months in production.items() for month, units in months.items()])


def by_key(frame):
    return frame.set_index(["family", frame["month"].dt.strftime("%Y-%m")])


def test_production_adherence_compares_each_month_with_its_lag_1_plan(tmp_path):
    write_plan(tmp_path, "2024-04", {"A": {"2024-04": 100, "2024-05": 999}, "B": {"2024-04": 40}})
    write_plan(tmp_path, "2024-05", {"A": {"2024-05": 100, "2024-06": 999}, "B": {"2024-05": 40}})
    write_plan(tmp_path, "2024-06", {"A": {"2024-06": 50}, "B": {"2024-06": 40}})

    result = production_adherence(company(), tmp_path)

    assert list(result.columns) == ["family", "month", "planned", "actual", "difference",
                                    "adherence", "cycle_used", "lag", "note"]
    rows = by_key(result)
    assert rows.loc[("A", "2024-04"), ["planned", "actual", "difference"]].tolist() == [100, 90,
                                                                                        -10]
    assert rows.loc[("A", "2024-04"), "adherence"] == pytest.approx(0.9)
    assert rows.loc[("A", "2024-05"), "adherence"] == pytest.approx(0.8)
    # 150 made against 50 planned: off by twice the plan, floored at 0
    assert rows.loc[("A", "2024-06"), "difference"] == 100
    assert rows.loc[("A", "2024-06"), "adherence"] == 0.0
    assert rows["lag"].tolist() == [1] * 6
    assert rows["cycle_used"].dt.strftime("%Y-%m").tolist() == WINDOW * 2
    assert set(rows["note"]) == {""}


def test_summary_pools_the_window_and_lights_it_against_the_target(tmp_path):
    for cycle in WINDOW:
        write_plan(tmp_path, cycle, {"A": {cycle: {"2024-06": 50}.get(cycle, 100)},
                                     "B": {cycle: 40}})

    summary = adherence_summary(production_adherence(company(), tmp_path)).set_index("family")

    # A: planned 250, made 360, |errors| 10 + 20 + 100 = 130 -> 1 - 130/250
    assert summary.loc["A", ["months", "planned", "actual", "difference"]].tolist() == [
        3, 250, 360, 110]
    assert summary.loc["A", "adherence"] == pytest.approx(0.48)
    assert summary.loc["A", "status"] == "red"
    # B: planned 120, made 120, |errors| 0 + 1 + 1 -> 1 - 2/120
    assert summary.loc["B", "adherence"] == pytest.approx(1 - 2 / 120)
    assert summary.loc["B", "status"] == "green"
    assert summary.loc["B", "target"] == PLAN_ADHERENCE_TARGET
    assert summary.loc["B", "note"] == ""


@pytest.mark.parametrize("value, status", [(1.0, "green"), (0.95, "green"), (0.9499, "amber"),
                                           (0.90, "amber"), (0.8999, "red"), (math.nan, "n/a")])
def test_adherence_status_thresholds(value, status):
    assert adherence_status(value) == status


def test_a_missing_cycle_falls_back_to_the_latest_earlier_plan_and_says_which(tmp_path):
    write_plan(tmp_path, "2024-03", {"A": {"2024-04": 80, "2024-05": 80}})
    write_plan(tmp_path, "2024-04", {"A": {"2024-04": 100, "2024-05": 110, "2024-06": 70},
                                     "B": {"2024-04": 40, "2024-05": 40, "2024-06": 40}})
    # cycle 2024-05 was only backfilled: a statistical forecast, no plan
    write_artifact(tmp_path, "2024-05", "forecast",
                   [{"sku": "a1", "family": "A", "month": "2024-05", "forecast": 1.0}])
    write_plan(tmp_path, "2024-06", {"A": {"2024-06": 50}})  # cycle 2024-06 lacks family B

    rows = by_key(production_adherence(company(), tmp_path))

    assert rows.loc[("A", "2024-04"), ["planned", "lag"]].tolist() == [100, 1]
    may = rows.loc[("A", "2024-05")]
    assert (may["planned"], may["lag"], may["cycle_used"].strftime("%Y-%m")) == (110, 2,
                                                                                "2024-04")
    assert "cycle 2024-05" in may["note"] and "cycle 2024-04" in may["note"]
    assert "lag 2" in may["note"]
    assert may["adherence"] == pytest.approx(1 - 10 / 110)
    assert rows.loc[("A", "2024-06"), ["planned", "lag"]].tolist() == [50, 1]
    assert rows.loc[("B", "2024-06"), ["planned", "lag"]].tolist() == [40, 3]
    assert "lag 3" in rows.loc[("B", "2024-06"), "note"]
    summary = adherence_summary(production_adherence(company(), tmp_path)).set_index("family")
    assert "2 month(s)" in summary.loc["B", "note"]


@pytest.mark.parametrize("archive", ["missing", "empty", None])
def test_a_new_adopter_without_archive_gets_rows_with_no_plan_and_a_note(tmp_path, archive):
    archive_dir = {"missing": tmp_path / "reports", "empty": tmp_path, None: None}[archive]

    result = production_adherence(company(), archive_dir)

    assert len(result) == 6
    assert result["planned"].isna().all() and result["adherence"].isna().all()
    assert result["actual"].tolist() == [90, 120, 150, 40, 39, 41]
    assert result["cycle_used"].isna().all() and result["lag"].isna().all()
    assert result["note"].str.startswith("no archived plan yet").all()
    summary = adherence_summary(result)
    assert summary["months"].tolist() == [0, 0]
    assert summary["status"].tolist() == ["n/a", "n/a"]
    assert summary["note"].str.contains("new adopter").all()
    assert sales_vs_plan(company(), archive_dir)["note"].str.startswith(
        "no archived consensus yet").all()


def test_a_family_no_archived_cycle_planned_is_said_per_month(tmp_path):
    write_plan(tmp_path, "2024-04", {"A": {"2024-04": 100, "2024-05": 100, "2024-06": 100}})

    rows = by_key(production_adherence(company(), tmp_path))

    assert rows.loc["B", "planned"].isna().all()
    assert rows.loc[("B", "2024-05"), "note"] == (
        "no archived cycle planned this family for 2024-05 (no plan.parquet)")


def test_missing_production_row_and_nothing_planned_are_noted_not_guessed(tmp_path):
    write_plan(tmp_path, "2024-04", {"A": {"2024-04": 100, "2024-05": 0, "2024-06": 100},
                                     "B": {"2024-04": 40, "2024-05": 40, "2024-06": 40}})
    made = company(production={"A": [90, 0, None], "B": [40, 40, 40]})

    result = production_adherence(made, tmp_path)
    rows = by_key(result)

    june = rows.loc[("A", "2024-06")]
    assert math.isnan(june["actual"]) and math.isnan(june["adherence"])
    assert NO_PRODUCTION_NOTE in june["note"]
    may = rows.loc[("A", "2024-05")]
    assert may["difference"] == 0 and math.isnan(may["adherence"])
    assert "nothing planned" in may["note"]
    summary = adherence_summary(result).set_index("family")
    # April and May compared: |90 - 100| + |0 - 0| over 100 planned
    assert summary.loc["A", ["months", "planned", "actual"]].tolist() == [2, 100, 90]
    assert summary.loc["A", "adherence"] == pytest.approx(0.9)
    assert summary.loc["A", "status"] == "amber"
    # only cycle 2024-04 is archived: May was planned at lag 2
    assert summary.loc["A", "note"] == ("2 of 3 months compared; 1 month(s) compared with an "
                                        "earlier cycle's plan (lag 2 or more)")


def test_sales_vs_plan_sums_the_archived_consensus_of_the_family_skus(tmp_path):
    for cycle, (a1, a2, b1) in zip(WINDOW, [(55, 45, 22), (60, 40, 25), (60, 50, 10)]):
        write_artifact(tmp_path, cycle, "consensus", [
            {"sku": sku, "family": sku[0].upper(), "month": cycle, "consensus": units}
            for sku, units in (("a1", a1), ("a2", a2), ("b1", b1))])

    result = sales_vs_plan(company(), tmp_path, months=2)
    rows = by_key(result)

    assert rows.index.get_level_values(1).unique().tolist() == ["2024-05", "2024-06"]
    # A bookings: May 60 + 50, June 70 + 30; B: 25, 15
    assert rows.loc[("A", "2024-05"), ["planned", "actual", "difference"]].tolist() == [100, 110,
                                                                                        10]
    assert rows.loc[("A", "2024-06"), ["planned", "actual", "difference"]].tolist() == [110, 100,
                                                                                        -10]
    assert rows.loc[("B", "2024-06"), "adherence"] == pytest.approx(0.5)
    summary = adherence_summary(result).set_index("family")
    assert summary.loc["A", "adherence"] == pytest.approx(1 - 20 / 210)


def test_months_must_be_at_least_one(tmp_path):
    with pytest.raises(ParameterError, match="closed months.*got 0"):
        production_adherence(company(), tmp_path, months=0)


def test_an_unreadable_archived_plan_names_the_file(tmp_path):
    folder = tmp_path / "2024-06" / "artifacts"
    folder.mkdir(parents=True)
    (folder / "plan.parquet").write_text("not parquet")

    with pytest.raises(SopError, match="2024-06.*plan.parquet"):
        production_adherence(company(), tmp_path)


def test_adherence_kpi_pools_every_family_and_month():
    import numpy as np

    from sop_lib.supply.adherence import adherence_kpi

    comparison = pd.DataFrame({"family": ["A", "A", "B"], "month": pd.period_range(
        "2026-08", periods=3, freq="M"), "planned": [100.0, 100.0, np.nan],
        "actual": [90.0, 105.0, 50.0], "difference": [-10.0, 5.0, np.nan]})
    kpi, value, target, unit, status, comment = adherence_kpi(comparison)
    assert (kpi, unit, status) == ("Plan adherence (production)", "share", "amber")
    assert value == pytest.approx(0.925) and "2 closed month(s)" in comment
    assert adherence_kpi(comparison.assign(planned=np.nan))[4] == "n/a"
