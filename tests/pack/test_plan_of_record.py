import numpy as np
import pandas as pd
import pytest

from sop_lib.core.names import TOTAL
from sop_lib.data.sample import write_sample
from sop_lib.data.validation import load_company
from sop_lib.pack.plan_of_record import financial_plan, sku_plan, write_plan_of_record
from sop_lib.run.steps import STEPS
from sop_lib.store.cycle import PlanningCycle
from sop_lib.supply import rounding

M1, M2 = pd.Period("2026-11", "M"), pd.Period("2026-12", "M")
KEY = ["family", "month"]
MONEY = ["units", "revenue", "cogs", "margin", "inventory_value", "plan_revenue"]


def _consensus():
    return pd.DataFrame({
        "sku": ["a", "b", "a", "b", "c", "c"], "family": ["F", "F", "F", "F", "G", "G"],
        "month": [M1, M1, M2, M2, M1, M2], "consensus": [30.0, 10.0, 0.0, 0.0, 0.0, 0.0]})


def _plan():
    return pd.DataFrame({"family": ["F", "F", "G", "G"], "month": [M1, M2, M1, M2],
                         "demand": [40.5, 0.0, 0.0, 0.0], "production": [50.0, 8.0, 5.0, 0.0],
                         "shipments": [41.0, 0.0, 0.0, 0.0]})


def test_sku_plan_splits_by_month_mix_then_horizon_mix_then_equally_in_whole_units():
    plan = sku_plan(_plan(), _consensus()).set_index(["sku", "month"])
    # 50 units at 3/4 and 1/4: 37.5 and 12.5, the unit left to the tie's first SKU
    assert plan.loc[("a", M1), "production"] == 38 and plan.loc[("b", M1), "production"] == 12
    assert plan.loc[("a", M1), "shipments"] == 31 and plan.loc[("b", M1), "shipments"] == 10
    assert plan.loc[("a", M1), "demand"] == 30.375 and plan.loc[("b", M1), "share"] == 0.25
    assert plan.loc[("a", M2), "production"] == 6 and plan.loc[("b", M2), "production"] == 2
    assert plan.loc[("c", M1), "production"] == 5
    assert plan["production"].dtype == np.int64 and plan["shipments"].dtype == np.int64


def _check_sku_plan(skus: pd.DataFrame, plan: pd.DataFrame) -> None:
    """Whole SKU units that add up exactly to the family plan, demand to its decimals."""
    assert skus["production"].dtype == np.int64 and skus["shipments"].dtype == np.int64
    sums = skus.groupby(KEY)[["demand", "production", "shipments"]].sum()
    family = plan.set_index(KEY).loc[sums.index]
    assert (sums["production"] == family["production"]).all()
    assert (sums["shipments"] == family["shipments"]).all()
    counts = skus.groupby(KEY).size()
    assert ((sums["demand"] - family["demand"]).abs() <= 5e-5 * counts + 1e-9).all()
    exact = skus["share"].to_numpy() * skus[["family", "month"]].merge(
        plan, on=KEY, how="left")["production"].to_numpy()
    assert (np.abs(skus["production"] - exact) < 1 + 1e-6).all()  # floor or floor + 1


def test_sku_plan_sums_exactly_to_a_whole_family_plan():
    rng = np.random.default_rng(0)
    consensus = pd.DataFrame({"sku": np.repeat([f"s{i}" for i in range(7)], 3),
                              "family": np.repeat(list("FFFFGGG"), 3),
                              "month": [M1, M2, M2 + 1] * 7, "consensus": rng.random(21) * 50})
    plan = pd.DataFrame({"family": np.repeat(["F", "G"], 3), "month": [M1, M2, M2 + 1] * 2,
                         "demand": rng.random(6) * 99,
                         "production": rng.integers(0, 99, 6).astype(float),
                         "shipments": rng.integers(0, 99, 6).astype(float)})
    _check_sku_plan(sku_plan(plan, consensus), plan)


def test_financial_plan_adds_a_total_per_month_in_cents():
    money = pd.DataFrame({"family": ["F", "G"], "month": [M1, M1], "units": [2.0, 3.0],
                          "revenue": [20.004, 30.1], "cogs": [12.0, 15.0],
                          "margin": [8.004, 15.1], "inventory_value": [5.0, 1.0],
                          "plan_revenue": [25.0, np.nan]})
    table = financial_plan(money).set_index("family")
    assert table.loc["F", "revenue"] == 20.0
    total = table.loc[TOTAL]
    assert total[["revenue", "cogs", "margin", "inventory_value"]].tolist() == [50.1, 27, 23.1, 6]


def test_files_are_what_an_erp_import_takes_and_csv_equals_parquet(tmp_path):
    money = pd.DataFrame({"family": ["F", "G"], "month": [M1, M1], "units": [41.0, 0.0],
                          "revenue": [1234.5, 0.0], "cogs": [740.7, 0.0],
                          "margin": [493.8, 0.0], "inventory_value": [5.25, 1.0],
                          "plan_revenue": [1000.0, np.nan]})
    written = write_plan_of_record(tmp_path, _plan(), _consensus(), money)
    assert sorted(p.name for p in written) == ["financial_plan.csv", "financial_plan.parquet",
                                               "sku_plan.csv", "sku_plan.parquet"]
    lines = (tmp_path / "sku_plan.csv").read_text().splitlines()
    assert lines[0] == "sku,family,month,share,demand,production,shipments"
    assert lines[1] == "a,F,2026-11,0.750000,30.375000,38,31"
    assert (tmp_path / "financial_plan.csv").read_text().splitlines()[1] == \
        "F,2026-11,41,1234.50,740.70,493.80,5.25,1000.00"
    for name in ("sku_plan", "financial_plan"):
        parquet = pd.read_parquet(tmp_path / f"{name}.parquet")
        csv = pd.read_csv(tmp_path / f"{name}.csv", dtype={"sku": str, "family": str})
        assert parquet["month"].astype(str).tolist() == csv["month"].tolist()
        pd.testing.assert_frame_equal(csv.drop(columns="month"), parquet.drop(columns="month"),
                                      check_dtype=False, rtol=0, atol=0)


def _check_cycle(plan: pd.DataFrame, consensus: pd.DataFrame, money: pd.DataFrame) -> None:
    """The plan of record of a computed cycle: whole units summing to the family plan, and the
    financial plan equal to the money view to the cent."""
    assert (plan["production"] == plan["production"].round()).all()
    assert (plan["shipments"] == plan["shipments"].round()).all()
    _check_sku_plan(sku_plan(plan, consensus), plan)
    families = financial_plan(money).query("family != @TOTAL").reset_index(drop=True)
    view = money[KEY + MONEY].reset_index(drop=True)
    pd.testing.assert_frame_equal(families, view, check_dtype=False, rtol=0, atol=0)
    cents = view[["revenue", "cogs", "margin", "inventory_value"]] * 100
    assert ((cents - cents.round()).abs() < 1e-6).all().all()
    assert (money["units"] == plan.set_index(KEY).loc[
        pd.MultiIndex.from_frame(money[KEY]), "shipments"].to_numpy()).all()


def _drift(run: PlanningCycle, artifacts: dict) -> float:
    """The supply step run again, watching its rounding: the most the whole plan's production
    to date strays from the optimiser's in any family and month."""
    seen = []
    whole_production = rounding.whole_production

    def spy(production, inputs, caps):
        seen.append((production, whole_production(production, inputs, caps)))
        return seen[-1][1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rounding, "whole_production", spy)
        plan = STEPS[1].compute(run, {name: artifacts[name] for name in STEPS[1].reads})["plan"]
    production, whole = seen[-1]
    assert (plan["production"].to_numpy() == whole.ravel()).all()
    assert plan["production"].equals(artifacts["plan"]["production"])
    return float(np.abs(np.cumsum(whole, axis=1) - np.cumsum(production, axis=1)).max())


def test_the_sample_plan_of_record_is_whole_and_agrees_with_the_pack(sample_cycle):
    run, artifacts = sample_cycle
    _check_cycle(artifacts["plan"], artifacts["consensus"], artifacts["money"])
    assert _drift(run, artifacts) < 1


@pytest.fixture(scope="module")
def large_company(tmp_path_factory):
    """A generated company of 2,000 SKUs through demand, supply and pre-S&OP, in memory."""
    folder = tmp_path_factory.mktemp("large")
    write_sample(folder / "company", seed=11, skus=2000)
    company = load_company(folder / "company")
    run = PlanningCycle(company, company.default_cycle, 12, folder / "archive")
    artifacts = {}
    for step in STEPS[:3]:
        artifacts |= step.compute(run, {name: artifacts[name] for name in step.reads})
    return run, artifacts


def test_a_company_of_2000_skus_gets_a_whole_plan_of_record(large_company):
    run, artifacts = large_company
    assert artifacts["consensus"]["sku"].nunique() == 2000
    _check_cycle(artifacts["plan"], artifacts["consensus"], artifacts["money"])
    assert _drift(run, artifacts) < 1
