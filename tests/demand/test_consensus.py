"""Tests of sop_lib.demand.consensus: overrides on the statistical forecast, audit, family
totals."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sop_lib.core.errors import DataError
from sop_lib.demand.consensus import (
    apply_override_log,
    apply_overrides,
    family_demand,
    horizon_totals,
    override_history,
    overrides_in_force,
)

JAN, FEB = pd.Period("2025-01", "M"), pd.Period("2025-02", "M")

# family F: A, B, C (January total 100, February 20 from A alone); family H: E, G with nothing.
STATISTICAL = {("A", JAN): 10.0, ("A", FEB): 20.0, ("B", JAN): 30.0, ("B", FEB): 0.0,
               ("C", JAN): 60.0, ("C", FEB): 0.0, ("E", JAN): 0.0, ("E", FEB): 0.0,
               ("G", JAN): 0.0, ("G", FEB): 0.0}
FAMILY = {"A": "F", "B": "F", "C": "F", "E": "H", "G": "H", "Z": "F"}
PRICE = {"A": 2.0, "B": 3.0, "C": 1.0, "E": 5.0, "G": 4.0, "Z": 1.0}


def make_forecast() -> pd.DataFrame:
    return pd.DataFrame({
        "sku": pd.Series([s for s, _ in STATISTICAL], dtype=str),
        "family": pd.Series([FAMILY[s] for s, _ in STATISTICAL], dtype=str),
        "month": pd.Series([m for _, m in STATISTICAL], dtype="period[M]"),
        "forecast": list(STATISTICAL.values()),
        "method": pd.Series(["test"] * len(STATISTICAL), dtype=str),
    })


def make_items() -> pd.DataFrame:
    """Items of the forecast plus Z, an inactive SKU (in items, without a forecast)."""
    return pd.DataFrame({
        "sku": pd.Series(list(FAMILY), dtype=str),
        "family": pd.Series(list(FAMILY.values()), dtype=str),
        "description": pd.Series([""] * len(FAMILY), dtype=str),
        "unit_price": [PRICE[s] for s in FAMILY], "standard_cost": 0.5,
        "status": pd.Series(["inactive" if s == "Z" else "active" for s in FAMILY], dtype=str),
        "end_of_life": pd.Series([pd.NaT] * len(FAMILY), dtype="period[M]"),
    })


def make_overrides(*rows) -> pd.DataFrame:
    """Overrides from (level, code, month, kind, value) tuples."""
    return pd.DataFrame({
        "level": pd.Series([r[0] for r in rows], dtype=str),
        "code": pd.Series([r[1] for r in rows], dtype=str),
        "month": pd.Series([pd.Period(r[2], "M") for r in rows], dtype="period[M]"),
        "kind": pd.Series([r[3] for r in rows], dtype=str),
        "value": pd.Series([r[4] for r in rows], dtype=float),
        "owner": pd.Series([f"owner {i}" for i in range(len(rows))], dtype=str),
        "reason": pd.Series([f"reason {i}" for i in range(len(rows))], dtype=str),
    })


def consensus_of(*rows) -> tuple[dict, pd.DataFrame]:
    consensus, audit = apply_overrides(make_forecast(), make_overrides(*rows), make_items())
    units = {(s, m): u for s, m, u in consensus[["sku", "month", "consensus"]].itertuples(
        index=False)}
    return units, audit


def changed(units: dict) -> dict:
    return {key: value for key, value in units.items() if value != STATISTICAL[key]}


def test_no_overrides_leaves_the_statistical_forecast():
    consensus, audit = apply_overrides(make_forecast(), make_overrides(), make_items())
    assert list(consensus.columns) == ["sku", "family", "month", "statistical", "consensus",
                                       "unit_price", "consensus_value"]
    assert (consensus["consensus"] == consensus["statistical"]).all()
    assert audit.empty
    assert list(audit.columns) == ["level", "code", "month", "kind", "value", "owner", "reason",
                                   "statistical", "consensus", "change", "note"]


def test_sku_absolute_and_percent():
    units, _ = consensus_of(("sku", "A", "2025-01", "absolute", 15),
                            ("sku", "B", "2025-01", "percent", 50))
    assert changed(units) == {("A", JAN): 15.0, ("B", JAN): 45.0}


def test_family_override_is_spread_by_statistical_share():
    units, audit = consensus_of(("family", "F", "2025-01", "percent", 20),
                                ("family", "F", "2025-02", "absolute", 50))
    # January: 100 -> 120, shares 10/100, 30/100, 60/100; February: only A has a forecast
    assert changed(units) == pytest.approx({("A", JAN): 12.0, ("B", JAN): 36.0,
                                            ("C", JAN): 72.0, ("A", FEB): 50.0})
    assert units[("B", FEB)] == 0 and units[("C", FEB)] == 0
    np.testing.assert_allclose(audit[["statistical", "consensus", "change"]].to_numpy(),
                               [[100.0, 120.0, 20.0], [20.0, 50.0, 30.0]])


def test_family_without_statistical_forecast_is_split_equally():
    units, audit = consensus_of(("family", "H", "2025-01", "absolute", 10))
    assert changed(units) == {("E", JAN): 5.0, ("G", JAN): 5.0}
    assert audit.loc[0, "note"] == "no statistical forecast: split equally over 2 SKUs"


def test_sku_override_wins_over_its_family_spread():
    units, audit = consensus_of(("sku", "A", "2025-01", "absolute", 15),
                                ("family", "F", "2025-01", "percent", 20),
                                ("sku", "B", "2025-01", "percent", 10))
    # family first: 12, 36, 72; then A set to 15 and B = 30 * 1.1 from its statistical forecast
    assert changed(units) == pytest.approx({("A", JAN): 15.0, ("B", JAN): 33.0,
                                            ("C", JAN): 72.0})
    family_row = audit.iloc[1]
    assert family_row["consensus"] == pytest.approx(15 + 33 + 72)
    assert family_row["note"] == "includes SKU override(s) on A, B"
    assert audit.loc[0, "note"] == "" and audit.loc[2, "note"] == ""


def test_negative_results_are_clipped_and_the_audit_says_so():
    units, audit = consensus_of(("sku", "A", "2025-01", "absolute", -5),
                                ("family", "F", "2025-02", "percent", -100))
    assert units[("A", JAN)] == 0.0 and units[("A", FEB)] == 0.0
    assert audit.loc[0, "note"] == "negative result clipped to 0"
    assert audit.loc[0, "change"] == -10.0
    assert audit.loc[1, "note"] == ""


def test_audit_records_each_override_with_its_units_before_and_after():
    overrides = make_overrides(("sku", "C", "2025-01", "percent", -25),
                               ("family", "H", "2025-02", "absolute", 8))
    _, audit = apply_overrides(make_forecast(), overrides, make_items())
    expected = overrides.assign(statistical=[60.0, 0.0], consensus=[45.0, 8.0],
                                change=[-15.0, 8.0],
                                note=["", "no statistical forecast: split equally over 2 SKUs"])
    pd.testing.assert_frame_equal(audit, expected, check_dtype=False)


def test_consensus_keeps_forecast_order_and_values_money_at_item_price():
    forecast = make_forecast().iloc[::-1].reset_index(drop=True)
    consensus, _ = apply_overrides(forecast, make_overrides(
        ("sku", "A", "2025-01", "absolute", 15)), make_items())
    assert list(consensus["sku"]) == list(forecast["sku"])
    assert list(consensus["month"]) == list(forecast["month"])
    assert list(consensus["statistical"]) == list(forecast["forecast"])
    assert list(consensus["unit_price"]) == [PRICE[s] for s in forecast["sku"]]
    np.testing.assert_allclose(consensus["consensus_value"],
                               consensus["consensus"] * consensus["unit_price"])
    a_jan = consensus[(consensus["sku"] == "A") & (consensus["month"] == JAN)].iloc[0]
    assert a_jan["consensus_value"] == 30.0


def test_bad_overrides_are_all_reported_with_their_spreadsheet_rows():
    overrides = make_overrides(("sku", "NOPE", "2025-01", "absolute", 1),
                               ("family", "X", "2025-01", "percent", 5),
                               ("sku", "A", "2025-06", "absolute", 1),
                               ("sku", "Z", "2025-01", "absolute", 1),
                               ("sku", "A", "2025-01", "absolute", 1),
                               ("sku", "A", "2025-01", "percent", 10))
    with pytest.raises(DataError) as raised:
        apply_overrides(make_forecast(), overrides, make_items())
    found = {(p.file, p.row, p.column, p.value) for p in raised.value.problems}
    assert found == {("overrides.csv", 2, "code", "NOPE"), ("overrides.csv", 3, "code", "X"),
                     ("overrides.csv", 4, "month", "2025-06"),
                     ("overrides.csv", 5, "code", "Z"), ("overrides.csv", 7, "code", "A")}
    messages = {p.row: p.expected for p in raised.value.problems}
    assert messages[2] == "a SKU defined in items"
    assert messages[3] == "a family defined in items"
    assert messages[4] == "a month of the forecast (2025-01 to 2025-02)"
    assert "inactive" in messages[5]
    assert "one override per level, code and month" in messages[7]


def test_family_demand_sums_the_skus_of_each_family_and_month():
    consensus, _ = apply_overrides(make_forecast(), make_overrides(
        ("family", "F", "2025-01", "percent", 20), ("sku", "E", "2025-02", "absolute", 4)),
        make_items())
    families = family_demand(consensus)
    assert list(families.columns) == ["family", "month", "statistical", "consensus",
                                      "consensus_value"]
    assert list(zip(families["family"], families["month"])) == [
        ("F", JAN), ("F", FEB), ("H", JAN), ("H", FEB)]
    np.testing.assert_allclose(
        families[["statistical", "consensus", "consensus_value"]].to_numpy(),
        [[100.0, 120.0, 12 * 2 + 36 * 3 + 72 * 1], [20.0, 20.0, 40.0], [0.0, 0.0, 0.0],
         [0.0, 4.0, 20.0]])
    by_sku = consensus.groupby(["family", "month"])["consensus"].sum()
    np.testing.assert_allclose(families.set_index(["family", "month"])["consensus"], by_sku)


def test_family_value_is_missing_when_a_sku_has_no_price():
    consensus, _ = apply_overrides(make_forecast(), make_overrides(), make_items())
    consensus.loc[consensus["sku"] == "B", "unit_price"] = np.nan
    consensus["consensus_value"] = consensus["consensus"] * consensus["unit_price"]
    families = family_demand(consensus).set_index(["family", "month"])
    assert np.isnan(families.loc[("F", JAN), "consensus_value"])
    assert families.loc[("H", JAN), "consensus_value"] == 0.0


def test_horizon_totals_sum_each_family_and_say_how_far_the_consensus_moved():
    months = pd.period_range("2026-01", periods=2, freq="M")
    demand = pd.DataFrame({"family": ["A", "A", "B", "B", "C", "C"],
                           "month": list(months) * 3,
                           "statistical": [10.0, 30.0, 5.0, 5.0, 0.0, 0.0],
                           "consensus": [20.0, 30.0, 5.0, 5.0, 3.0, 0.0],
                           "consensus_value": [200.0, 300.0, np.nan, 50.0, 30.0, 0.0]})
    totals = horizon_totals(demand).set_index("family")
    assert totals.loc["A", ["statistical", "consensus", "consensus_value"]].tolist() == [
        40.0, 50.0, 500.0]
    assert totals.loc["A", "change_pct"] == pytest.approx(0.25)
    assert np.isnan(totals.loc["B", "consensus_value"])  # a month without a value: not too low
    assert np.isnan(totals.loc["C", "change_pct"])  # no statistical forecast to move from


def test_the_log_applies_only_the_overrides_in_force_and_audits_every_row():
    log = make_overrides(("sku", "A", JAN, "absolute", 50), ("family", "F", FEB, "percent", 10),
                         ("sku", "A", JAN, "absolute", 70), ("family", "F", FEB, "percent", 10))
    log["action"] = pd.Series(["", "", "change", "withdraw"], dtype=str)
    log["entered"] = pd.Series(["", "", "2025-01-05 09:00", "2025-01-06 10:00"], dtype=str)
    consensus, audit = apply_override_log(make_forecast(), log, make_items())
    current, _ = apply_overrides(make_forecast(), log.iloc[[2]].reset_index(drop=True),
                                 make_items())
    pd.testing.assert_frame_equal(consensus, current)  # only A's change is in force
    assert audit["row"].tolist() == [3, 5, 2, 4]  # in key order: family F, then SKU A
    assert audit["status"].tolist() == ["withdrawn", "withdrawal", "changed", "in force"]
    assert audit["change"].tolist()[3] == 60.0 and audit["change"].isna().sum() == 3
    shown = overrides_in_force(audit)
    assert shown[["code", "value", "entered"]].values.tolist() == [["A", 70.0,
                                                                   "2025-01-05 09:00"]]
    assert override_history(audit)["what"].tolist() == [
        "withdrawn by row 5", "withdraws row 3", "changed by row 4"]


def test_a_log_without_action_and_entered_columns_is_all_adds():
    overrides = make_overrides(("sku", "A", JAN, "absolute", 50))
    consensus, audit = apply_override_log(make_forecast(), overrides, make_items())
    assert audit["status"].tolist() == ["in force"] and audit["entered"].tolist() == [""]
    pd.testing.assert_frame_equal(consensus, apply_overrides(make_forecast(), overrides,
                                                             make_items())[0])


def test_rows_of_months_before_the_forecast_are_history_and_not_applied():
    before = pd.Period("2024-12", "M")
    overrides = make_overrides(("sku", "A", before, "absolute", 99), ("sku", "A", JAN,
                                                                       "absolute", 50))
    consensus, audit = apply_override_log(make_forecast(), overrides, make_items())
    assert audit["month"].tolist() == [JAN] and audit["row"].tolist() == [3]
    pd.testing.assert_frame_equal(consensus, apply_overrides(
        make_forecast(), overrides.iloc[[1]].reset_index(drop=True), make_items())[0])
