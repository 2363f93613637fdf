"""Tests of sop_lib.demand.segments: ABC, XYZ, demand pattern, life cycle, method family,
summary."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from sop_lib.core.errors import ParameterError
from sop_lib.demand.segments import SEGMENT_RULES, lifecycle_summary, segment_items, segment_summary
from tests.demand.builders import series_company


def segments_of(series, items=(), **options):
    return segment_items(series_company(series, items), **options).set_index("sku")


# --- ABC -----------------------------------------------------------------------------------------

def test_abc_at_exact_boundaries():
    # values 960, 180, 60 of 1,200: the first reaches exactly 80 %, the first two exactly 95 %
    seg = segments_of({"S1": [1] * 12, "S2": [1] * 12, "S3": [1] * 12},
                      ({"sku": "S1", "unit_price": 80.0}, {"sku": "S2", "unit_price": 15.0},
                       {"sku": "S3", "unit_price": 5.0}))
    assert seg["annual_value"].tolist() == [960.0, 180.0, 60.0]
    assert seg["abc"].tolist() == ["A", "B", "C"]


def test_abc_sku_that_crosses_the_threshold_belongs_to_the_class():
    # 50 % then 90 %: the second SKU brings A past 80 %, the third B past 95 %
    seg = segments_of({"S1": [50], "S2": [40], "S3": [10]})
    assert seg["abc"].tolist() == ["A", "A", "B"]


def test_abc_thresholds_can_be_overridden():
    seg = segments_of({"S1": [50], "S2": [40], "S3": [10]}, a_share=0.5, b_share=0.9)
    assert seg["abc"].tolist() == ["A", "B", "C"]


def test_abc_equal_values_are_ranked_by_sku_not_by_item_order():
    # 70, 20 then two of 5 (cumulative 70, 90, 95, 100): T-1 is ranked before T-2, so it is B
    seg = segments_of({"T-2": [5], "T-9": [70], "T-1": [5], "T-5": [20]})
    assert seg["abc"].to_dict() == {"T-2": "C", "T-9": "A", "T-1": "B", "T-5": "A"}


def test_abc_value_uses_the_last_value_months_only():
    seg = segments_of({"S1": [100, 1, 2, 3], "S2": [0, 0, 0, 7]},
                      ({"sku": "S2", "unit_price": 5.0},), value_months=3)
    assert seg["annual_units"].tolist() == [6.0, 7.0]
    assert seg["annual_value"].tolist() == [6.0, 35.0]
    assert seg["abc"].tolist() == ["B", "A"]


def test_abc_without_any_value_is_all_c():
    seg = segments_of({"S1": [0, 0], "S2": [0, 0]})
    assert seg["abc"].tolist() == ["C", "C"]


# --- XYZ -----------------------------------------------------------------------------------------

def test_xyz_coefficient_of_variation_and_boundaries():
    seg = segments_of({
        "flat": [4] * 12,          # cv 0
        "low": [2, 4] * 6,         # mean 3, sd 1: cv 1/3
        "half": [1, 3] * 6,        # mean 2, sd 1: cv 0.5 exactly -> Y
        "one": [0, 2] * 6,         # mean 1, sd 1: cv 1.0 exactly -> Z
        "none": [0] * 12,
    })
    np.testing.assert_allclose(seg["cv"].iloc[:4], [0.0, 1 / 3, 0.5, 1.0])
    assert np.isnan(seg.loc["none", "cv"])
    assert seg["xyz"].tolist() == ["X", "X", "Y", "Z", "none"]


def test_xyz_window_is_the_last_variability_months_or_the_history_there_is():
    seg = segments_of({"old": [500] + [4] * 24,          # the spike is 25 months back
                       "young": [1, 3, 1, 3, 1, 3]})     # no zeros before its first month
    assert seg.loc["old", "cv"] == 0.0
    assert seg.loc["young", "cv"] == 0.5
    assert seg.loc["young", "adi"] == 1.0
    narrow = segments_of({"S": [1, 3, 8, 8]}, variability_months=2)
    assert narrow.loc["S", "cv"] == 0.0


# --- demand pattern (Syntetos-Boylan) ------------------------------------------------------------

def test_each_demand_pattern_from_adi_and_cv2():
    seg = segments_of({
        "smooth": [10] * 12,              # ADI 1, CV² 0
        "erratic": [3, 17] * 6,           # ADI 1, sizes mean 10 var 49: CV² 0.49 exactly
        "intermittent": [0, 4, 0, 6] * 3,  # ADI 2, sizes mean 5 var 1: CV² 0.04
        "lumpy": [0, 3, 0, 17] * 3,       # ADI 2, CV² 0.49
        "nothing": [0] * 12,
    })
    assert seg["adi"].iloc[:4].tolist() == [1.0, 1.0, 2.0, 2.0]
    np.testing.assert_allclose(seg["cv2"].iloc[:4], [0.0, 0.49, 0.04, 0.49])
    assert seg["pattern"].tolist() == ["smooth", "erratic", "intermittent", "lumpy", "no demand"]
    assert seg.loc["nothing", ["adi", "cv2"]].isna().all()


def test_adi_at_the_cut_off_is_intermittent():
    # 33 months, 25 of them with demand: ADI = 1.32 exactly; 24 of 33 gives 1.375
    at_cut = [0] * 8 + [5] * 25
    seg = segments_of({"at": at_cut, "below": [5] * 33, "above": [0] + at_cut[:-1]},
                      variability_months=33)
    assert seg.loc["at", "adi"] == 1.32
    assert seg["pattern"].tolist() == ["intermittent", "smooth", "intermittent"]


def test_single_demand_has_zero_cv2():
    seg = segments_of({"S": [0, 0, 0, 9]})
    assert seg.loc["S", "adi"] == 4.0
    assert seg.loc["S", "cv2"] == 0.0
    assert seg.loc["S", "pattern"] == "intermittent"


# --- life cycle and method family ----------------------------------------------------------------

def test_new_items_by_months_of_history_or_status():
    seg = segments_of({"m11": [5] * 11, "m12": [5] * 12, "old-new": [5] * 30},
                      ({"sku": "old-new", "status": "new"}, {"sku": "launch", "status": "new"}))
    assert seg["months_of_history"].tolist() == [11, 12, 30, 0]
    assert seg.loc["m11", "first_month"] == pd.Period("2024-02", "M")
    assert pd.isna(seg.loc["launch", "first_month"])
    assert seg["lifecycle"].tolist() == ["new", "mature", "new", "new"]
    assert seg.loc["launch", "pattern"] == "no demand"
    assert seg.loc["launch", "method_family"] == "new item"


def test_phase_out_by_status_or_end_of_life_in_the_horizon():
    # cycle 2025-01 and 18 months: the horizon ends 2026-06
    seg = segments_of({s: [5] * 24 for s in ("status", "at-end", "past", "after", "gone")},
                      ({"sku": "status", "status": "phase_out"},
                       {"sku": "at-end", "end_of_life": "2026-06"},
                       {"sku": "past", "end_of_life": "2023-01"},
                       {"sku": "after", "end_of_life": "2026-07"},
                       {"sku": "gone", "status": "inactive", "end_of_life": "2024-06"}),
                      cycle="2025-01", horizon=18)
    assert seg["lifecycle"].tolist() == ["phase-out", "phase-out", "phase-out", "mature",
                                         "inactive"]
    assert seg["method_family"].tolist() == ["phase-out", "phase-out", "phase-out", "smooth",
                                             "none"]


def test_horizon_follows_the_cycle_and_defaults_to_the_company_horizon():
    items = ({"sku": "S", "end_of_life": "2026-08"},)
    assert segments_of({"S": [5] * 24}, items).loc["S", "lifecycle"] == "mature"
    assert segments_of({"S": [5] * 24}, items, cycle="2025-03").loc["S", "lifecycle"] \
        == "phase-out"
    assert segments_of({"S": [5] * 24}, items, horizon=20).loc["S", "lifecycle"] == "phase-out"


def test_method_family_of_mature_items_follows_the_pattern():
    seg = segments_of({"smooth": [10] * 12, "erratic": [3, 17] * 6,
                       "intermittent": [0, 4, 0, 6] * 3, "lumpy": [0, 3, 0, 17] * 3,
                       "nothing": [0] * 12})
    assert seg["lifecycle"].eq("mature").all()
    assert seg["method_family"].tolist() == ["smooth", "smooth", "intermittent", "intermittent",
                                             "none"]


# --- frame, determinism, parameters --------------------------------------------------------------

def test_columns_types_and_item_order():
    seg = segment_items(series_company({"B": [1, 2], "A": [3, 4]},
                                       ({"sku": "A", "family": "G"},)))
    assert list(seg.columns) == ["sku", "family", "status", "first_month", "months_of_history",
                                 "annual_units", "annual_value", "abc", "xyz", "cv", "adi",
                                 "cv2", "pattern", "lifecycle", "method_family"]
    assert seg["sku"].tolist() == ["B", "A"]
    assert seg["family"].tolist() == ["F", "G"]
    assert seg["first_month"].dtype == "period[M]"
    assert seg["months_of_history"].dtype == "int64"


def test_same_inputs_in_any_row_order_give_the_same_segments():
    series = {f"S{k}": list(np.random.default_rng(k).poisson(3 + k, 30 - k)) for k in range(8)}
    items = tuple({"sku": f"S{k}", "unit_price": float(1 + k % 3)} for k in range(8))
    company = series_company(series, items)
    first = segment_items(company)
    shuffled = {name: table.sample(frac=1.0, random_state=1).reset_index(drop=True)
                for name, table in company.tables.items()}
    again = segment_items(dataclasses.replace(company, **shuffled))
    pd.testing.assert_frame_equal(segment_items(company), first)
    pd.testing.assert_frame_equal(
        again.sort_values("sku").reset_index(drop=True), first)


def test_cycle_must_come_after_the_last_closed_month():
    with pytest.raises(ParameterError, match="2024-12"):
        segments_of({"S": [1]}, cycle="2024-12")


def test_rules_table_names_every_class():
    rules = pd.DataFrame(SEGMENT_RULES)
    assert list(rules.columns) == ["classification", "class", "rule"]
    for name in ["A", "B", "C", "X", "Y", "Z", "smooth", "erratic", "intermittent", "lumpy",
                 "no demand", "new", "phase-out", "inactive", "mature", "new item"]:
        assert name in set(rules["class"])
    assert rules["rule"].str.contains("1.32").any()


# --- summary -------------------------------------------------------------------------------------

def test_summary_counts_and_value_per_cell_and_pattern():
    seg = segment_items(series_company(
        {"S1": [30] * 12, "S2": [1, 3] * 6, "S3": [0, 2] * 6, "S4": [0] * 12}))
    # values 360, 24, 12, 0 of 396: A-X, B-Y, C-Z, C-none
    summary = segment_summary(seg)
    assert list(summary.columns) == ["grouping", "segment", "skus", "sku_share", "annual_value",
                                     "value_share"]
    cells = summary[summary["grouping"] == "ABC-XYZ"].set_index("segment")
    assert list(cells.index) == ["A-X", "A-Y", "A-Z", "B-X", "B-Y", "B-Z", "C-X", "C-Y", "C-Z",
                                 "C-none"]
    assert cells["skus"].to_dict() == {"A-X": 1, "A-Y": 0, "A-Z": 0, "B-X": 0, "B-Y": 1,
                                       "B-Z": 0, "C-X": 0, "C-Y": 0, "C-Z": 1, "C-none": 1}
    assert cells.loc["B-Y", "annual_value"] == 24.0
    assert cells.loc["A-X", "value_share"] == pytest.approx(360 / 396)
    assert cells.loc["C-none", "sku_share"] == 0.25
    patterns = summary[summary["grouping"] == "pattern"].set_index("segment")
    assert patterns["skus"].to_dict() == {"smooth": 2, "erratic": 0, "intermittent": 1,
                                          "lumpy": 0, "no demand": 1}
    assert patterns.loc["intermittent", "annual_value"] == 12.0
    assert patterns["skus"].sum() == cells["skus"].sum() == 4


def test_lifecycle_summary_counts_skus_per_stage_and_method_family():
    segments = pd.DataFrame({"lifecycle": ["mature", "mature", "new", "mature"],
                             "method_family": ["smooth", "smooth", "new", "intermittent"]})
    summary = lifecycle_summary(segments)
    assert summary.values.tolist() == [["mature", "intermittent", 1], ["mature", "smooth", 2],
                                       ["new", "new", 1]]
