"""The plan-change bridge: drivers isolated one at a time, parts adding up, missing archives."""
import json

import numpy as np
import pandas as pd
import pytest

from sop_lib.bridge import DRIVERS, bridge_by_family, bridge_table
from sop_lib.errors import SopError

PREV, CYCLE = pd.Period("2026-01", "M"), pd.Period("2026-02", "M")
SKUS = {"A1": ("A", 10.0), "A2": ("A", 20.0), "B1": ("B", 100.0)}   # family, unit price
STRATEGY = {"A": "MTS", "B": "MTO", "C": "MTS"}
MONTHS = 6
BASE = {"A1": [30.0] * MONTHS, "A2": [10.0] * MONTHS, "B1": [10.0] * MONTHS}


def cycle_frames(start, stat=None, *, cons=None, shipped=None, opening=None,
                 skus=SKUS) -> dict:
    """A cycle's forecast, consensus and plan from `start`, from per-SKU monthly units.

    The consensus is the statistical forecast unless `cons` says otherwise; the plan's demand is
    the family consensus, it ships that demand unless `shipped` (per family) says otherwise, and
    its backlog follows the identity from `opening` (per family, default 0).
    """
    stat = stat or BASE
    cons = {**stat, **(cons or {})}
    rows = [{"sku": sku, "family": skus[sku][0], "month": start + i, "forecast": units,
             "statistical": units, "consensus": cons[sku][i], "unit_price": skus[sku][1]}
            for sku, values in stat.items() for i, units in enumerate(values)]
    consensus = pd.DataFrame(rows)
    consensus["consensus_value"] = consensus["consensus"] * consensus["unit_price"]
    forecast = consensus[["sku", "family", "month", "forecast"]].copy()
    consensus = consensus.drop(columns="forecast")
    demand = consensus.groupby(["family", "month"], as_index=False)["consensus"].sum()
    plans = []
    for family, rows in demand.groupby("family"):
        rows = rows.sort_values("month").reset_index(drop=True)
        ships = (shipped or {}).get(family, rows["consensus"].tolist())
        backlog = (opening or {}).get(family, 0.0) + np.cumsum(rows["consensus"] - ships)
        plans.append(pd.DataFrame({"family": family, "strategy": STRATEGY[family],
                                   "month": rows["month"], "demand": rows["consensus"],
                                   "shipments": ships, "backlog": backlog}))
    return {"forecast": forecast, "consensus": consensus,
            "plan": pd.concat(plans, ignore_index=True)}


def archive(root, cycle, frames: dict, *, backfilled=False):
    folder = root / cycle.strftime("%Y-%m") / "artifacts"
    folder.mkdir(parents=True)
    for name, frame in frames.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    if backfilled:
        (folder.parent / "backfill.json").write_text(json.dumps({"method": "replay"}))


def bridge(root, current: dict, **options) -> pd.DataFrame:
    return bridge_by_family(CYCLE, archive_dir=root, **current, **options)


def parts(result: pd.DataFrame, family: str, column: str = "units") -> dict:
    rows = result[result["family"] == family]
    return dict(zip(rows["driver"], rows[column], strict=True))


def test_an_unchanged_plan_has_no_driver(tmp_path):
    archive(tmp_path, PREV, cycle_frames(PREV))
    result = bridge(tmp_path, cycle_frames(CYCLE))
    assert list(result.columns) == ["family", "months", "driver", "units", "value", "note"]
    assert set(result["months"]) == {"2026-02 to 2026-06"}          # both cycles plan these
    a = parts(result, "A")
    assert a["previous plan"] == a["current plan"] == 200            # 5 months x 40
    assert [a[driver] for driver in DRIVERS] == [0] * 5
    assert result["driver"].tolist()[:7] == ["previous plan", *DRIVERS, "current plan"]
    assert result["family"].unique().tolist() == ["A", "B", "Total"]


def test_statistical_refresh_alone(tmp_path):
    archive(tmp_path, PREV, cycle_frames(PREV))
    result = bridge(tmp_path, cycle_frames(CYCLE, {**BASE, "A1": [30.0, 40.0, 30, 30, 30, 30]}))
    a = parts(result, "A")
    assert a["statistical refresh"] == 10
    assert [a[d] for d in DRIVERS if d != "statistical refresh"] == [0] * 4
    assert a["current plan"] == 210
    # A's price: its consensus value over the window / its units, A1 at EUR 10 and A2 at 20
    price = ((4 * 30 + 40) * 10 + 5 * 10 * 20) / 210
    assert parts(result, "A", "value")["statistical refresh"] == pytest.approx(10 * price)


def test_overrides_alone(tmp_path):
    archive(tmp_path, PREV, cycle_frames(PREV))
    raised = [10.0, 10, 17, 10, 10, 10]
    result = bridge(tmp_path, cycle_frames(CYCLE, cons={"A2": raised}))
    a = parts(result, "A")
    assert a["overrides"] == 7
    assert [a[d] for d in DRIVERS if d != "overrides"] == [0] * 4
    assert a["current plan"] == 207


def test_a_kept_override_is_no_change(tmp_path):
    raised = {"A2": [17.0] * MONTHS}
    archive(tmp_path, PREV, cycle_frames(PREV, cons=raised))
    a = parts(bridge(tmp_path, cycle_frames(CYCLE, cons=raised)), "A")
    assert a["overrides"] == 0 and a["previous plan"] == a["current plan"] == 235


def test_constraints_alone(tmp_path):
    archive(tmp_path, PREV, cycle_frames(PREV))
    cut = cycle_frames(CYCLE, shipped={"A": [40.0, 40, 40, 20, 40, 40]})
    a = parts(bridge(tmp_path, cut), "A")
    assert a["constraints"] == -20                      # 20 units still owed at 2026-06's end
    assert [a[d] for d in DRIVERS if d != "constraints"] == [0] * 4


def test_new_actuals_alone(tmp_path):
    # B was planned to leave 10 units of backlog at the end of 2026-01; it left 15
    archive(tmp_path, PREV, cycle_frames(PREV, opening={"B": 10.0}))
    result = bridge(tmp_path, cycle_frames(CYCLE, opening={"B": 15.0},
                                           shipped={"B": [15.0] + [10.0] * 5}))
    b = parts(result, "B")
    assert b["new actuals"] == 5
    assert [b[d] for d in DRIVERS if d != "new actuals"] == [0] * 4
    assert (b["previous plan"], b["current plan"]) == (50, 55)
    assert parts(result, "B", "value")["new actuals"] == 500         # at EUR 100


def test_scenario_alone(tmp_path):
    archive(tmp_path, PREV, cycle_frames(PREV))
    current = cycle_frames(CYCLE)
    chosen = current["plan"].copy()
    chosen.loc[chosen["family"] == "A", "shipments"] += 6.0
    result = bridge(tmp_path, current, scenario=chosen[chosen["family"] == "A"])
    a, b = parts(result, "A"), parts(result, "B")
    assert a["scenario"] == 30 and a["current plan"] == 230          # 5 window months x 6
    assert [a[d] for d in DRIVERS if d != "scenario"] == [0] * 4
    assert b["scenario"] == 0
    notes = result.set_index(["family", "driver"])["note"]
    assert notes["B", "scenario"] == "not in the scenario: the baseline plan"
    assert notes["A", "scenario"] == ""


def test_without_a_scenario_the_note_says_baseline(tmp_path):
    archive(tmp_path, PREV, cycle_frames(PREV))
    notes = bridge(tmp_path, cycle_frames(CYCLE)).set_index(["family", "driver"])["note"]
    assert notes["A", "scenario"] == "no scenario chosen: the baseline plan"


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_parts_add_up_to_the_change_for_every_family(tmp_path, seed):
    rng = np.random.default_rng(seed)

    def units(count=MONTHS):
        return rng.integers(0, 60, count).astype(float).tolist()

    def frames(start):
        stat = {sku: units() for sku in SKUS}
        cons = {sku: units() for sku in SKUS if rng.random() < 0.7}
        ships = {family: units() for family in ("A", "B") if rng.random() < 0.7}
        opening = {family: float(rng.integers(0, 30)) for family in ("A", "B")}
        return cycle_frames(start, stat, cons=cons, shipped=ships, opening=opening)

    archive(tmp_path, PREV, frames(PREV))
    current = frames(CYCLE)
    plan = current["plan"]
    scenario = plan.assign(shipments=plan["shipments"] + units(len(plan)))
    result = bridge(tmp_path, current, scenario=scenario, months=4)
    assert set(result["months"]) == {"2026-02 to 2026-05"}
    for measure in ("units", "value"):
        table = bridge_table(result, measure=measure).set_index("family")
        total = table["previous"] + table[[d.replace(" ", "_") for d in DRIVERS]].sum(axis=1)
        assert total.to_numpy() == pytest.approx(table["current"].to_numpy())
        assert (table["check"] == 0).all()
        assert table.loc["Total", "current"] == pytest.approx(
            table.drop(index="Total")["current"].sum())
    shipped = scenario[scenario["month"] <= pd.Period("2026-05", "M")].groupby("family")[
        "shipments"].sum()
    assert parts(result, "A")["current plan"] == pytest.approx(shipped["A"])


def test_the_window_is_what_both_cycles_plan(tmp_path):
    short = {sku: values[:3] for sku, values in BASE.items()}        # 2026-01 .. 2026-03
    archive(tmp_path, PREV, cycle_frames(PREV, short))
    result = bridge(tmp_path, cycle_frames(CYCLE))
    assert set(result["months"]) == {"2026-02 to 2026-03"}
    assert parts(result, "A")["current plan"] == 80


def test_new_and_dropped_families(tmp_path):
    # last cycle planned C, which this cycle drops with B; this cycle prices neither
    before = cycle_frames(PREV, {**BASE, "C1": [5.0] * MONTHS}, skus={**SKUS, "C1": ("C", 3.0)})
    archive(tmp_path, PREV, before)
    result = bridge(tmp_path, cycle_frames(CYCLE, {"A1": BASE["A1"], "A2": BASE["A2"]}))
    notes = result.set_index(["family", "driver"])["note"]
    b, c = parts(result, "B"), parts(result, "C")
    assert (b["current plan"], notes["B", "current plan"]) == (0, "not in this cycle's plan; "
                                                               "valued at last cycle's price")
    assert b["statistical refresh"] == -50
    assert parts(result, "B", "value")["previous plan"] == 5000      # last cycle's EUR 100
    assert c["previous plan"] == 25 and c["current plan"] == 0
    assert bridge_table(result).set_index("family")["check"].eq(0).all()


def test_a_family_new_this_cycle_starts_from_nothing(tmp_path):
    archive(tmp_path, PREV, cycle_frames(PREV, {"A1": BASE["A1"], "A2": BASE["A2"]}))
    result = bridge(tmp_path, cycle_frames(CYCLE))
    b = parts(result, "B")
    assert (b["previous plan"], b["statistical refresh"], b["current plan"]) == (0, 50, 50)
    notes = result.set_index(["family", "driver"])["note"]
    assert notes["B", "previous plan"] == "not in last cycle's plan"


def test_last_cycle_missing_from_the_archive(tmp_path):
    result = bridge(tmp_path, cycle_frames(CYCLE))
    a = parts(result, "A")
    assert all(np.isnan(a[step]) for step in ("previous plan", *DRIVERS[:4]))
    assert (a["scenario"], a["current plan"]) == (0, 240)            # all 6 months planned
    assert set(result["months"]) == {"2026-02 to 2026-07"}
    notes = result.set_index(["family", "driver"])["note"]
    assert notes["A", "overrides"] == "cycle 2026-01 is not in the archive"
    assert notes["Total", "previous plan"] == "cycle 2026-01 is not in the archive"
    table = bridge_table(result).set_index("family")
    assert table["check"].isna().all()
    assert table.loc["A", "note"] == ("cycle 2026-01 is not in the archive; no scenario chosen: "
                                      "the baseline plan")


def test_a_backfilled_last_cycle_still_shows_the_statistical_refresh(tmp_path):
    archive(tmp_path, PREV, {"forecast": cycle_frames(PREV)["forecast"]}, backfilled=True)
    result = bridge(tmp_path, cycle_frames(CYCLE, {**BASE, "B1": [12.0] * MONTHS}))
    b = parts(result, "B")
    assert b["statistical refresh"] == 10
    assert all(np.isnan(b[step]) for step in ("previous plan", "new actuals", "overrides",
                                               "constraints"))
    notes = result.set_index(["family", "driver"])["note"]
    assert notes["B", "constraints"] == "cycle 2026-01 is backfilled: it has no consensus or plan"
    assert notes["B", "statistical refresh"] == ""


def test_an_unreadable_archived_file_is_named(tmp_path):
    archive(tmp_path, PREV, cycle_frames(PREV))
    broken = tmp_path / "2026-01" / "artifacts" / "plan.parquet"
    broken.write_text("not parquet")
    with pytest.raises(SopError, match="plan.parquet cannot be read"):
        bridge(tmp_path, cycle_frames(CYCLE))


def test_bridge_table_refuses_an_unknown_measure(tmp_path):
    archive(tmp_path, PREV, cycle_frames(PREV))
    with pytest.raises(SopError, match="units or value"):
        bridge_table(bridge(tmp_path, cycle_frames(CYCLE)), measure="hours")
