import numpy as np
import pandas as pd

from sop_lib.pack.plan_of_record import financial_plan, sku_plan, write_plan_of_record

M1, M2 = pd.Period("2026-11", "M"), pd.Period("2026-12", "M")


def _consensus():
    return pd.DataFrame({
        "sku": ["a", "b", "a", "b", "c", "c"], "family": ["F", "F", "F", "F", "G", "G"],
        "month": [M1, M1, M2, M2, M1, M2], "consensus": [30.0, 10.0, 0.0, 0.0, 0.0, 0.0]})


def _plan():
    return pd.DataFrame({"family": ["F", "F", "G", "G"], "month": [M1, M2, M1, M2],
                         "demand": [40.0, 0.0, 0.0, 0.0], "production": [50.0, 8.0, 5.0, 0.0],
                         "shipments": [40.0, 0.0, 0.0, 0.0]})


def test_sku_plan_splits_by_month_mix_then_horizon_mix_then_equally():
    plan = sku_plan(_plan(), _consensus()).set_index(["sku", "month"])
    assert plan.loc[("a", M1), "production"] == 37.5 and plan.loc[("b", M1), "production"] == 12.5
    assert plan.loc[("a", M2), "production"] == 6.0 and plan.loc[("b", M2), "production"] == 2.0
    assert plan.loc[("c", M1), "production"] == 5.0


def test_sku_plan_sums_to_the_family_plan():
    rng = np.random.default_rng(0)
    consensus = pd.DataFrame({"sku": np.repeat([f"s{i}" for i in range(7)], 3),
                              "family": np.repeat(list("FFFFGGG"), 3),
                              "month": [M1, M2, M2 + 1] * 7, "consensus": rng.random(21) * 50})
    plan = pd.DataFrame({"family": np.repeat(["F", "G"], 3), "month": [M1, M2, M2 + 1] * 2,
                         "demand": rng.random(6) * 99, "production": rng.random(6) * 99,
                         "shipments": rng.random(6) * 99})
    sums = sku_plan(plan, consensus).groupby(["family", "month"])[
        ["demand", "production", "shipments"]].sum()
    np.testing.assert_allclose(sums.to_numpy(),
                               plan.set_index(["family", "month"]).loc[sums.index].to_numpy(),
                               rtol=0, atol=1e-9)


def test_financial_plan_adds_a_total_per_month_and_files_are_written(tmp_path):
    money = pd.DataFrame({"family": ["F", "G"], "month": [M1, M1], "units": [2.0, 3.0],
                          "revenue": [20.0, 30.0], "cogs": [12.0, 15.0], "margin": [8.0, 15.0],
                          "inventory_value": [5.0, 1.0], "plan_revenue": [25.0, 25.0]})
    total = financial_plan(money).set_index("family").loc["Total"]
    assert total[["revenue", "cogs", "margin", "inventory_value"]].tolist() == [50, 27, 23, 6]
    written = write_plan_of_record(tmp_path, _plan(), _consensus(), money)
    assert sorted(p.name for p in written) == ["financial_plan.csv", "financial_plan.parquet",
                                               "sku_plan.csv", "sku_plan.parquet"]
    assert pd.read_csv(tmp_path / "sku_plan.csv")["month"].iloc[0] == "2026-11"
