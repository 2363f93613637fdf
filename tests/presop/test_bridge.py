"""The plan-change bridge: drivers isolated one at a time, parts adding up to the money view,
the recommended scenario apart, missing archives."""
import json

import numpy as np
import pandas as pd
import pytest

from sop_lib.core.errors import SopError
from sop_lib.presop.bridge import DRIVERS, bridge_by_family, bridge_table
from sop_lib.presop.finance import money_view
from sop_lib.supply.plan import supply_plan_frame
from tests import scenario_builders as small
from tests.builders import company_from_rows

PREV, CYCLE = pd.Period("2026-01", "M"), pd.Period("2026-02", "M")
SKUS = {"A1": ("A", 10.0), "A2": ("A", 20.0), "B1": ("B", 100.0)}   # family, unit price
STRATEGY = {"A": "MTS", "B": "MTO", "C": "MTS"}
COMPANY = company_from_rows(items=[
    {"sku": sku, "family": family, "unit_price": price, "standard_cost": 0.6 * price,
     "status": "active"}
    for sku, (family, price) in {**SKUS, "C1": ("C", 3.0)}.items()])
MONTHS = 6
BASE = {"A1": [30.0] * MONTHS, "A2": [10.0] * MONTHS, "B1": [10.0] * MONTHS}


def cycle_frames(start, stat=None, *, cons=None, shipped=None, opening=None,
                 skus=SKUS) -> dict:
    """A cycle's forecast, consensus, plan and money view from `start`, from per-SKU units.

    The consensus is the statistical forecast unless `cons` says otherwise; the plan's demand is
    the family consensus, it ships that demand unless `shipped` (per family) says otherwise, and
    its backlog follows the identity from `opening` (per family, default 0). The money view is
    finance.money_view's, SKUs priced as `skus` says.
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
                                   "shipments": ships, "backlog": backlog, "inventory": 0.0}))
    plan = pd.concat(plans, ignore_index=True)
    return {"forecast": forecast, "consensus": consensus, "plan": plan,
            "money": money_view(COMPANY, plan, consensus)}


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
    assert result["driver"].tolist()[:8] == ["previous plan", *DRIVERS, "current plan",
                                             "recommended scenario"]
    assert result["family"].unique().tolist() == ["A", "B", "Total"]


def test_statistical_refresh_alone(tmp_path):
    archive(tmp_path, PREV, cycle_frames(PREV))
    result = bridge(tmp_path, cycle_frames(CYCLE, {**BASE, "A1": [30.0, 40.0, 30, 30, 30, 30]}))
    a = parts(result, "A")
    assert a["statistical refresh"] == 10
    assert [a[d] for d in DRIVERS if d != "statistical refresh"] == [0] * 4
    assert a["current plan"] == 210
    # valued at A's price in 2026-03, mix-weighted: (40 x EUR 10 + 10 x 20) / 50 = 12; the mix
    # moved from 12.5 (30 x 10 + 10 x 20) / 40, which revalues last cycle's 40 units there
    value = parts(result, "A", "value")
    assert value["statistical refresh"] == pytest.approx(10 * 12)
    assert value["price and mix"] == pytest.approx(40 * (12 - 12.5))
    assert value["previous plan"] == pytest.approx(200 * 12.5)
    assert value["current plan"] == pytest.approx(4 * 40 * 12.5 + 50 * 12)


def test_price_and_mix_alone(tmp_path):
    archive(tmp_path, PREV, cycle_frames(PREV))
    dearer = {**SKUS, "A2": ("A", 26.0)}
    result = bridge(tmp_path, cycle_frames(CYCLE, skus=dearer))
    assert [parts(result, "A")[d] for d in DRIVERS] == [0] * 5
    value = parts(result, "A", "value")
    assert value["price and mix"] == pytest.approx(5 * 10 * 6)      # A2's 50 units, EUR 6 dearer
    assert value["current plan"] == value["previous plan"] + value["price and mix"]
    assert [value[d] for d in DRIVERS[:4]] == [0] * 4


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


def test_the_recommended_scenario_is_shown_apart_from_the_current_plan(tmp_path):
    archive(tmp_path, PREV, cycle_frames(PREV))
    current = cycle_frames(CYCLE)
    chosen = current["plan"].copy()
    chosen.loc[chosen["family"] == "A", "shipments"] += 6.0
    chosen = chosen[chosen["family"] == "A"]
    scenario_money = money_view(COMPANY, chosen, current["consensus"])
    result = bridge(tmp_path, current, scenario_money=scenario_money)
    a, b = parts(result, "A"), parts(result, "B")
    assert a["current plan"] == 200 and [a[d] for d in DRIVERS] == [0] * 5
    assert a["recommended scenario"] == 230                          # 5 window months x 6 more
    assert parts(result, "A", "value")["recommended scenario"] == pytest.approx(
        scenario_money["revenue"].iloc[:5].sum())
    assert b["recommended scenario"] == b["current plan"] == 50
    notes = result.set_index(["family", "driver"])["note"]
    assert notes["B", "recommended scenario"] == "not in the scenario: the current plan"
    assert notes["A", "recommended scenario"] == ""
    table = bridge_table(result).set_index("family")
    assert list(table.columns[-4:]) == ["current", "check", "recommended_scenario", "note"]
    assert table.loc["Total", "recommended_scenario"] == 280 and (table["check"] == 0).all()


def test_without_a_scenario_the_note_says_current_plan(tmp_path):
    archive(tmp_path, PREV, cycle_frames(PREV))
    result = bridge(tmp_path, cycle_frames(CYCLE))
    notes = result.set_index(["family", "driver"])["note"]
    assert notes["A", "recommended scenario"] == "no scenario recommended: the current plan"
    a = parts(result, "A", "value")
    assert a["recommended scenario"] == a["current plan"]


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
    result = bridge(tmp_path, current, months=4,
                    scenario_money=money_view(COMPANY, scenario, current["consensus"]))
    assert set(result["months"]) == {"2026-02 to 2026-05"}
    for measure in ("units", "value"):
        table = bridge_table(result, measure=measure).set_index("family")
        total = table["previous"] + table[[d.replace(" ", "_") for d in DRIVERS]].sum(axis=1)
        assert total.to_numpy() == pytest.approx(table["current"].to_numpy())
        assert (table["check"] == 0).all()
        assert table.loc["Total", "current"] == pytest.approx(
            table.drop(index="Total")["current"].sum())
    window = pd.period_range(CYCLE, periods=4, freq="M")
    shipped = plan[plan["month"].isin(window)].groupby("family")["shipments"].sum()
    assert parts(result, "A")["current plan"] == pytest.approx(shipped["A"])
    shipped = scenario[scenario["month"].isin(window)].groupby("family")["shipments"].sum()
    assert parts(result, "A")["recommended scenario"] == pytest.approx(shipped["A"])


def planned_cycle(company, stat: dict, prices: dict, *, raised: dict | None = None) -> dict:
    """A cycle of scenario_builders' company planned by the supply module: the statistical
    forecast `stat` (SKU units over small.MONTHS), the consensus raised by the factor `raised` says
    (per SKU), SKUs at `prices`; its forecast, consensus, plan and money view."""
    consensus = pd.DataFrame([
        {"sku": sku, "family": small.FAMILY_OF[sku], "month": month, "statistical": units,
         "consensus": units * (raised or {}).get(sku, 1.0), "unit_price": prices[sku]}
        for sku, values in stat.items() for month, units in zip(small.MONTHS, values, strict=True)])
    consensus["month"] = consensus["month"].astype("period[M]")
    consensus["consensus_value"] = consensus["consensus"] * consensus["unit_price"]
    demand = consensus.groupby(["family", "month"], as_index=False)[
        ["statistical", "consensus", "consensus_value"]].sum()
    plan = supply_plan_frame(company, demand)
    forecast = consensus[["sku", "family", "month", "statistical"]].rename(
        columns={"statistical": "forecast"})
    return {"forecast": forecast, "consensus": consensus, "plan": plan,
            "money": money_view(company, plan, consensus)}


def test_a_real_plan_bridges_from_last_cycles_money_view_to_this_ones(tmp_path):
    rng = np.random.default_rng(7)

    def stat():
        return {sku: rng.uniform(20, 120, len(small.MONTHS)).round(1).tolist()
                for sku in small.FAMILY_OF}

    before = planned_cycle(small.small_company(r1=(150.0, 20.0)), stat(),
                           {"A1": 10.0, "A2": 20.0, "B1": 100.0})
    archive(tmp_path, small.MONTHS[0] - 1, before)
    company, roomy = small.small_company(r1=(120.0, 10.0)), small.small_company(r1=(500.0, 10.0))
    prices = {"A1": 10.5, "A2": 19.0, "B1": 104.0}
    forecast, raised = stat(), {"A2": 1.3}
    current = planned_cycle(company, forecast, prices, raised=raised)
    scenario = planned_cycle(roomy, forecast, prices, raised=raised)["money"]   # more capacity
    result = bridge_by_family(small.MONTHS[0], archive_dir=tmp_path, scenario_money=scenario,
                              **current)
    assert set(result["months"]) == {"2026-01 to 2026-12"}          # the plan's 12 months

    def by_family(money):
        sums = money.groupby("family")[["units", "revenue"]].sum()
        sums.loc["Total"] = money[["units", "revenue"]].sum()
        return sums

    def step(name):
        return result[result["driver"] == name].set_index("family")

    money = by_family(current["money"])
    now = step("current plan")
    assert (now["value"] - money["revenue"]).abs().max() < 0.005    # to the cent
    assert now["units"].to_numpy() == pytest.approx(money["units"].to_numpy(), abs=1e-9)
    then = step("previous plan")
    assert (then["value"] - by_family(before["money"])["revenue"]).abs().max() < 0.005
    elsewhere = step("recommended scenario")
    assert (elsewhere["value"] - by_family(scenario)["revenue"]).abs().max() < 0.005
    assert elsewhere.loc["Total", "value"] > now.loc["Total", "value"]
    for measure in ("units", "value"):
        table = bridge_table(result, measure=measure).set_index("family")
        assert (table["check"] == 0).all()
    assert step("overrides").loc["A", "units"] > 0                  # A2 raised by 30%
    assert step("constraints").loc["A", "units"] < 0                # R1 cut to 120 + 10 hours
    assert step("price and mix").loc["Total", "value"] != 0         # new prices and mix


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
    assert (b["current plan"], notes["B", "current plan"]) == (0, "not in this cycle's plan")
    assert notes["B", "price and mix"] == "valued at last cycle's price"
    assert b["statistical refresh"] == -50
    b_value = parts(result, "B", "value")
    assert b_value["previous plan"] == 5000                          # last cycle's EUR 100
    assert b_value["statistical refresh"] == -5000
    assert b_value["price and mix"] == 0 and b_value["current plan"] == 0
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
    assert all(np.isnan(a[step]) for step in ("previous plan", *DRIVERS))
    assert a["current plan"] == a["recommended scenario"] == 240     # all 6 months planned
    assert set(result["months"]) == {"2026-02 to 2026-07"}
    notes = result.set_index(["family", "driver"])["note"]
    assert notes["A", "overrides"] == "cycle 2026-01 is not in the archive"
    assert notes["Total", "previous plan"] == "cycle 2026-01 is not in the archive"
    table = bridge_table(result).set_index("family")
    assert table["check"].isna().all()
    assert table.loc["A", "note"] == ("cycle 2026-01 is not in the archive; no scenario "
                                      "recommended: the current plan")


def test_a_backfilled_last_cycle_still_shows_the_statistical_refresh(tmp_path):
    archive(tmp_path, PREV, {"forecast": cycle_frames(PREV)["forecast"]}, backfilled=True)
    result = bridge(tmp_path, cycle_frames(CYCLE, {**BASE, "B1": [12.0] * MONTHS}))
    b = parts(result, "B")
    assert b["statistical refresh"] == 10
    assert all(np.isnan(b[step]) for step in ("previous plan", "new actuals", "overrides",
                                               "constraints", "price and mix"))
    notes = result.set_index(["family", "driver"])["note"]
    assert notes["B", "constraints"] == ("cycle 2026-01 is backfilled: it has no consensus, plan "
                                         "or money")
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
