import pandas as pd

from sop_lib.demand.changes import plan_changes, previous_plan


def _plan(rows, column):
    frame = pd.DataFrame(rows, columns=["sku", "family", "month", column])
    frame["month"] = frame["month"].astype("period[M]")
    return frame


def test_changes_over_the_months_both_plans_cover_largest_first():
    before = _plan([("a", "F", "2026-10", 99), ("a", "F", "2026-11", 10), ("b", "G", "2026-11", 50),
                    ("b", "G", "2026-12", 50)], "before")
    now = _plan([("a", "F", "2026-11", 16), ("b", "G", "2026-11", 40), ("b", "G", "2026-12", 45),
                 ("a", "F", "2027-01", 500)], "consensus")
    table = plan_changes(now, before)
    assert list(table["family"]) == ["G", "F"]
    assert table.loc[0, ["before", "now", "change"]].tolist() == [100, 85, -15]
    assert table.loc[1, "change_pct"] == 0.6
    assert table.loc[0, "months"] == "2026-11 to 2026-12"


def test_previous_plan_prefers_consensus_then_forecast(tmp_path):
    cycle = pd.Period("2026-11", "M")
    plan, what = previous_plan(tmp_path, cycle)
    assert plan is None and what == "no plan of cycle 2026-10 in the archive"
    folder = tmp_path / "2026-10" / "artifacts"
    folder.mkdir(parents=True)
    _plan([("a", "F", "2026-11", 7.0)], "forecast").to_parquet(folder / "forecast.parquet")
    plan, what = previous_plan(tmp_path, cycle)
    assert what == "forecast of cycle 2026-10" and plan["before"].tolist() == [7.0]
    _plan([("a", "F", "2026-11", 9.0)], "consensus").to_parquet(folder / "consensus.parquet")
    plan, what = previous_plan(tmp_path, cycle)
    assert what == "consensus of cycle 2026-10" and plan["before"].tolist() == [9.0]
