"""The demand review step end to end on a small generated company."""
import dataclasses

import numpy as np
import pandas as pd
import pytest

from sop_lib.core.errors import DataError
from sop_lib.data.sample import write_sample
from sop_lib.data.validation import load_company
from sop_lib.demand.accuracy import TRACKING_SIGNAL_LIMIT, plan_accuracy
from sop_lib.demand.backfill import truncate_history, with_replayed_cycles
from sop_lib.demand.forecast import statistical_forecast
from sop_lib.demand.review import review_demand
from sop_lib.store.archive import archive_rows, load_archive


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return load_company(write_sample(tmp_path_factory.mktemp("c"), seed=5, skus=14, months=30))


@pytest.fixture(scope="module")
def reviewed(small, tmp_path_factory):
    return review_demand(small, cycle=small.default_cycle, horizon=12,
                         archive_dir=tmp_path_factory.mktemp("archive"))


def test_family_plan_is_the_sum_of_its_skus_and_has_a_band(reviewed):
    sku_sum = reviewed["consensus"].groupby(["family", "month"])["statistical"].sum()
    demand = reviewed["demand"].set_index(["family", "month"])
    np.testing.assert_allclose(demand["statistical"], sku_sum.reindex(demand.index))
    np.testing.assert_allclose(demand["p50"], demand["statistical"])
    assert (demand["p10"] <= demand["p50"]).all() and (demand["p50"] <= demand["p90"]).all()


def test_wls_reconciliation_stays_coherent_and_moves_the_skus(small, reviewed, tmp_path):
    config = dataclasses.replace(small.config, reconciliation="wls_struct")
    wls = review_demand(dataclasses.replace(small, config=config), cycle=small.default_cycle,
                        horizon=12, archive_dir=tmp_path)
    sums = wls["consensus"].groupby(["family", "month"])["statistical"].sum()
    demand = wls["demand"].set_index(["family", "month"])["statistical"]
    np.testing.assert_allclose(demand, sums.reindex(demand.index))
    assert not np.allclose(wls["forecast"]["forecast"], reviewed["forecast"]["forecast"])


def test_an_empty_archive_is_replayed_from_history(small, reviewed):
    replayed = reviewed["replayed_cycles"]["cycle"]
    last = small.last_closed_month
    assert replayed.max() == last and replayed.min() == last - 13
    lag1 = reviewed["accuracy"].query("lag == 1 and family == 'Total'").iloc[0]
    assert lag1["months"] == 12 and 0 < lag1["wape_statistical"] < lag1["wape_naive"]
    assert set(reviewed["plan_accuracy"]["source"]) == {"statistical"}


def test_headline_accuracy_at_sku_and_family_level(small, reviewed):
    headline = reviewed["accuracy_headline"].set_index("level")
    total = reviewed["accuracy"].query("lag == 1 and family == 'Total'").iloc[0]
    assert list(headline.index) == ["SKU", "family"]
    assert (headline["months"] == 12).all() and (headline["lag"] == 1).all()
    assert (headline["first_month"] == total["first_month"]).all()
    assert (headline["last_month"] == small.last_closed_month).all()
    # the same SKU-months at both levels: same actual and bias, SKU errors do not offset
    assert (headline["actual"] == total["actual"]).all()
    np.testing.assert_allclose(headline["bias"], total["bias_statistical"])
    assert headline.loc["family", "accuracy"] == pytest.approx(1 - total["wape_statistical"])
    assert headline.loc["SKU", "abs_error"] > headline.loc["family", "abs_error"]
    assert headline.loc["SKU", "accuracy"] < headline.loc["family", "accuracy"]
    # a first cycle: every cycle of the window replayed, and the page is told so
    assert (headline["source"] == "statistical").all()
    assert (headline["replayed_cycles"] == 12).all()
    assert headline.loc["SKU", "note"].startswith(
        "Measured on statistical forecasts replayed from history for 12 of 12 cycles "
        "(no published pack yet)")


def test_the_bias_alert_threshold_is_read_from_company_yaml(reviewed, tmp_path):
    folder = write_sample(tmp_path / "company", seed=5, skus=14, months=30)
    with open(folder / "company.yaml", "a", encoding="utf-8") as config:
        config.write("status_bands:\n  bias_alert: 0.12\n")
    company = load_company(folder)
    assert company.config.status_bands.bias_alert == 0.12
    strict = review_demand(company, cycle=company.default_cycle, horizon=12,
                           archive_dir=tmp_path / "archive")["accuracy"]
    default = reviewed["accuracy"]
    persistent = default["tracking_signal"].abs() > TRACKING_SIGNAL_LIMIT
    bias = default["bias_statistical"].abs()
    assert default["tracking_alert"].tolist() == (persistent & (bias > 0.05)).tolist()
    assert strict["tracking_alert"].tolist() == (persistent & (bias > 0.12)).tolist()
    assert (persistent & bias.between(0.05, 0.12)).any()  # a row the setting silences


def test_archived_cycles_are_not_replayed(small):
    cycle = small.last_closed_month
    forecast = pd.DataFrame({"sku": ["X"], "family": ["F"], "month": [cycle], "forecast": [1.0]})
    archive = archive_rows(forecast, cycle, (1, 3)).astype({"lag": "int64"})
    calls = []

    def forecaster(company, *, cycle, horizon):
        calls.append(cycle)
        return forecast.assign(month=cycle)

    combined, replayed = with_replayed_cycles(small, archive, forecaster=forecaster)
    assert cycle not in replayed and cycle not in calls and len(calls) == len(replayed) == 13
    assert (combined["cycle"] == cycle).sum() == 1


def test_each_replayed_cycle_is_that_cycles_own_statistical_forecast(small, tmp_path):
    # what `sop backfill --horizon 3` archives for the cycle, at lags 1 and 3
    combined, replayed = with_replayed_cycles(small, load_archive(tmp_path))
    assert len(replayed) == 14
    for cycle in replayed:
        alone = statistical_forecast(truncate_history(small, cycle), cycle=cycle, horizon=3)
        expected = archive_rows(alone, cycle, (1, 3)).reset_index(drop=True)
        rows = combined[combined["cycle"] == cycle].reset_index(drop=True)
        assert len(rows) == 2 * small.items["sku"].nunique()
        pd.testing.assert_frame_equal(rows, expected.astype(rows.dtypes.to_dict()))


def test_plan_accuracy_uses_consensus_only_when_every_month_has_one():
    accuracy = pd.DataFrame({
        "family": ["A", "B", "Total"], "lag": 1, "months": 3, "actual": [100.0, 50.0, 150.0],
        "statistical": [110.0, 40.0, 150.0], "consensus": [105.0, 45.0, 150.0],
        "consensus_months": [3, 2, 2], "wape_statistical": [0.1, 0.2, 0.13],
        "wape_consensus": [0.05, 0.1, 0.07], "bias_statistical": [0.1, -0.2, 0.0],
        "bias_consensus": [0.05, -0.1, 0.0]})
    table = plan_accuracy(accuracy).set_index("family")
    assert list(table.index) == ["A", "B"]
    assert table.loc["A", ["forecast", "wape", "source"]].tolist() == [105.0, 0.05, "consensus"]
    assert table.loc["B", ["forecast", "wape", "source"]].tolist() == [40.0, 0.2, "statistical"]
    assert table.loc["B", "abs_error"] == pytest.approx(10.0)


def test_an_override_that_cannot_apply_is_named_by_its_row_in_an_unsorted_file(tmp_path):
    folder = write_sample(tmp_path / "company", seed=5, skus=14, months=30)
    company = load_company(folder)
    sku, family = company.items[["sku", "family"]].iloc[0]
    beyond = (company.default_cycle + 15).strftime("%Y-%m")  # in the company horizon, not 12
    (folder / "overrides.csv").write_text(
        "level,code,month,kind,value,owner,reason\n"
        f"sku,{sku},{company.default_cycle.strftime('%Y-%m')},percent,5,A,fine\n"
        f"sku,{sku},{beyond},percent,5,A,too far\n"
        f"family,{family},{company.default_cycle.strftime('%Y-%m')},percent,5,A,fine\n")
    company = load_company(folder)
    assert company.overrides["level"].tolist() == ["family", "sku", "sku"]  # sorted by key
    with pytest.raises(DataError) as raised:
        review_demand(company, cycle=company.default_cycle, horizon=12, archive_dir=tmp_path)
    [problem] = raised.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "overrides.csv", 3, "month", beyond)


def test_a_truncated_table_is_not_named_by_the_rows_of_its_file(tmp_path):
    from sop_lib.demand.backfill import truncate_history
    company = load_company(write_sample(tmp_path / "company", seed=5, skus=14, months=30))
    file, rows = company.origin("demand_history")
    assert file == "demand_history.csv" and len(rows) == len(company.demand_history)
    earlier = truncate_history(company, company.default_cycle - 6)
    _, rows = earlier.origin("demand_history")
    assert rows.tolist() == list(range(2, len(earlier.demand_history) + 2))
