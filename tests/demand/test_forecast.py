"""The SKU forecast: segments route each SKU to its methods; bands; new and ending items."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sop_lib import engine
from sop_lib.core.errors import ParameterError
from sop_lib.demand.forecast import (
    ZERO_LABEL,
    demand_forecast,
    method_summary,
    statistical_forecast,
)
from tests.builders import company_from_rows

LAST = pd.Period("2024-12", "M")


def seasonal(months: int, *, level=100.0, seed=0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(months)
    return np.round(level + 0.5 * t + 25 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 4, months))


def intermittent(months: int, seed=1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.where(rng.random(months) < 0.3, rng.integers(1, 20, months), 0).astype(float)


def company(histories: dict[str, np.ndarray], **items) -> object:
    """Family F; SKU rows from `items` (status, end_of_life) over the given histories."""
    item_rows = [{"sku": sku, "family": "F", "unit_price": 10, "standard_cost": 6,
                  "status": "active", **items.get(sku, {})} for sku in histories]
    history = [{"sku": sku, "month": LAST - (len(values) - 1) + k, "bookings": v,
                "shipments": v} for sku, values in histories.items()
               for k, v in enumerate(values)]
    return company_from_rows(items=item_rows, demand_history=history,
                             families=[{"family": "F", "strategy": "MTS",
                                        "inventory_target_days": 30, "service_target": 0.95}])


@pytest.fixture(scope="module")
def mixed():
    histories = {"SMOOTH": seasonal(36), "LUMPY": intermittent(36), "NEW": seasonal(4, level=30),
                 "ENDING": seasonal(36, seed=3), "GONE": seasonal(36, seed=4),
                 "QUIET": np.r_[seasonal(10), np.zeros(26)]}
    made = company(histories, NEW={"status": "new"}, GONE={"status": "inactive"},
                   ENDING={"status": "phase_out", "end_of_life": "2025-03"})
    return made, demand_forecast(made, cycle=LAST + 1, horizon=6)


def _method(result, sku):
    return result.sku.loc[result.sku["sku"] == sku, "method"].iloc[0]


def test_each_segment_gets_its_kind_of_method(mixed):
    _, result = mixed
    assert _method(result, "SMOOTH").replace("combo: ", "").split("+")[0] in engine.SMOOTH_METHODS
    lumpy = _method(result, "LUMPY").replace("combo: ", "").split("+")
    assert set(lumpy) <= set(engine.INTERMITTENT_METHODS)
    assert _method(result, "NEW").startswith("new item: family share")
    assert _method(result, "GONE") == "inactive: zero"
    assert _method(result, "QUIET") == ZERO_LABEL
    segments = result.sku.groupby("sku")["segment"].first()
    assert segments["SMOOTH"] == "smooth" and segments["LUMPY"] == "intermittent"


def test_every_sku_and_month_is_covered_and_bands_are_ordered(mixed):
    made, result = mixed
    frame = result.sku
    assert len(frame) == 6 * len(made.items)
    assert list(frame["month"].unique().strftime("%Y-%m")) == [
        "2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    assert (frame[["forecast", "p10", "p50", "p90"]] >= 0).all().all()
    assert (frame["p10"] <= frame["p90"]).all()
    zero = frame[frame["forecast"] == 0]
    assert (zero[["p10", "p50", "p90"]] == 0).all().all()


def test_phase_out_is_zero_after_its_end_of_life(mixed):
    _, result = mixed
    ending = result.sku[result.sku["sku"] == "ENDING"].set_index("month")["forecast"]
    assert (ending[:"2025-03"] > 0).all()
    assert (ending["2025-04":] == 0).all()


def test_new_item_band_is_its_share_of_the_family_band(mixed):
    _, result = mixed
    new = result.sku[result.sku["sku"] == "NEW"].set_index("month")
    family = result.family.set_index("month")
    np.testing.assert_allclose(new["p90"] / new["forecast"], family["p90"] / family["forecast"])


def test_family_series_forecast_covers_each_family_and_month(mixed):
    _, result = mixed
    assert result.family[["family", "month"]].drop_duplicates().shape[0] == 6
    assert result.family["method"].iloc[0] != ""


def test_a_later_cycle_forecasts_the_gap_and_keeps_the_cycle_months():
    made = company({"A": seasonal(36)})
    early = statistical_forecast(made, cycle=LAST + 1, horizon=5).set_index("month")["forecast"]
    late = statistical_forecast(made, cycle=LAST + 3, horizon=3).set_index("month")["forecast"]
    assert list(late.index.strftime("%Y-%m")) == ["2025-03", "2025-04", "2025-05"]
    np.testing.assert_allclose(late.to_numpy(), early["2025-03":"2025-05"].to_numpy())


def test_the_same_input_gives_the_same_forecast(mixed):
    made, result = mixed
    again = demand_forecast(made, cycle=LAST + 1, horizon=6)
    pd.testing.assert_frame_equal(result.sku, again.sku)


def test_a_cycle_already_closed_is_refused():
    with pytest.raises(ParameterError, match="must come after the last closed month"):
        statistical_forecast(company({"A": seasonal(30)}), cycle=LAST, horizon=3)


def test_method_summary_counts_skus_and_explains_each_method(mixed):
    _, result = mixed
    summary = method_summary(result.sku, result.scores).set_index("method")
    assert summary["skus"].sum() == result.sku["sku"].nunique()
    assert summary.loc["inactive: zero", "description"] == "inactive: zero"
    for method, row in summary.iterrows():
        if method in engine.METHODS:
            assert row["description"] == engine.describe(method) != method
            assert row["score"] == row["best_single"]


def test_method_summary_scores_the_mean_and_the_best_few_from_their_own_columns():
    """Smooth SKUs (the mean of all, column combo) and intermittent ones (the mean of their
    best 2, column combo2) in one scores table: each gets its own backtest error."""
    forecast = pd.DataFrame({"sku": ["S", "I"], "forecast": [10.0, 2.0],
                             "method": ["combo: theta+hw_add", "combo: sba+tsb"]})
    scores = pd.DataFrame({"theta": [0.3, np.nan], "hw_add": [0.2, np.nan],
                           "combo": [0.25, np.nan], "sba": [np.nan, 0.9],
                           "tsb": [np.nan, 0.8], "combo2": [np.nan, 0.7],
                           "combo3": [np.nan, np.nan], "sku": ["S", "I"]})
    summary = method_summary(forecast, scores).set_index("method")
    assert summary.loc["combo: theta+hw_add", "score"] == 0.25
    assert summary.loc["combo: sba+tsb", "score"] == 0.7
    assert summary["best_single"].to_dict() == {"combo: theta+hw_add": 0.2, "combo: sba+tsb": 0.8}


def test_describe_reads_combinations():
    assert engine.describe("combo: theta+damped") == "average of Theta and damped Holt"


def test_method_summary_names_wape_errors_as_wapes(mixed):
    _, result = mixed
    plain = method_summary(result.sku, result.scores)
    named = method_summary(result.sku, result.scores, measure="WAPE")
    assert list(named.columns) == [{"score": "wape_backtest", "best_single": "wape_best_single"}
                                   .get(c, c) for c in plain.columns]
    assert named["wape_backtest"].equals(plain["score"])
    assert method_summary(result.sku, result.scores, measure="mase").columns.equals(plain.columns)
