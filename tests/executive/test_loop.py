"""Tests of sop_lib.executive.loop: what the last meeting decided, and the closed month against the
previous pack's plan of record, on a hand-made archive and a company whose figures add up by
hand (closed month 2026-10, cycle 2026-11)."""
import json
import math

import pandas as pd
import pytest

from sop_lib.data.company import CompanyConfig
from sop_lib.executive.loop import (
    last_month_performance,
    loop_sentence,
    meeting_record,
    since_last_meeting,
)
from tests.builders import company_from_rows

CYCLE = pd.Period("2026-11", "M")
CLOSED = "2026-10"
APPROVAL = {"approved_by": "Jane Smith, VP S&OP", "approved_on": "2026-10-12",
            "scenario": "No overtime"}


def make_company(*, business_plan=True, fiscal_start=1, open_orders=None):
    """A (MTS: a1 at 10/6, a2 at 20/12 a unit) and B (MTO: b1 at 100/60).

    2026-10 ships 100 + 40 + 10 = 150 units for EUR 2,800 (2026-09: EUR 1,200); A produces 190,
    B 12; A ends the month with EUR 540 of stock at cost (b1's 3 units are MTO, left out).
    """
    history = [("a1", "2026-09", 50, 50), ("a2", "2026-09", 10, 10), ("b1", "2026-09", 5, 5),
               ("a1", CLOSED, 100, 100), ("a2", CLOSED, 50, 40), ("b1", CLOSED, 10, 10)]
    plan = [("A", "2026-09", 60, 900), ("A", CLOSED, 120, 1500), ("B", CLOSED, 10, 1000)]
    orders = [("a1", "2026-09", 10), ("b1", CLOSED, 5), ("a2", "2026-11", 20)]
    return company_from_rows(
        config=CompanyConfig("T", "EUR", fiscal_year_start_month=fiscal_start),
        items=[{"sku": "a1", "family": "A", "unit_price": 10, "standard_cost": 6},
               {"sku": "a2", "family": "A", "unit_price": 20, "standard_cost": 12},
               {"sku": "b1", "family": "B", "unit_price": 100, "standard_cost": 60}],
        families=[{"family": "A", "strategy": "MTS", "inventory_target_days": 30,
                   "service_target": 0.95},
                  {"family": "B", "strategy": "MTO", "backlog_target_weeks": 4,
                   "service_target": 0.90}],
        demand_history=[{"sku": s, "month": m, "bookings": b, "shipments": q}
                        for s, m, b, q in history],
        inventory=[{"sku": "a1", "month": CLOSED, "on_hand": 50},
                   {"sku": "a2", "month": CLOSED, "on_hand": 20},
                   {"sku": "b1", "month": CLOSED, "on_hand": 3},
                   {"sku": "a1", "month": "2026-09", "on_hand": 500}],
        open_orders=[{"sku": s, "due_month": m, "quantity": q}
                     for s, m, q in (orders if open_orders is None else open_orders)],
        production_history=[{"family": "A", "month": CLOSED, "quantity": 190},
                            {"family": "B", "month": CLOSED, "quantity": 12}],
        business_plan=[{"family": f, "month": m, "units": u, "revenue": r}
                       for f, m, u, r in plan] if business_plan else [])


def _months(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype({"month": "period[M]"})


def write_pack(archive, cycle: str, *, status="proposed", artifacts=None):
    """A published pack by hand: manifest.json and Parquet artifacts."""
    folder = archive / cycle
    (folder / "artifacts").mkdir(parents=True)
    manifest = {"cycle": cycle, "status": status}
    if status == "approved":
        manifest["approval"] = APPROVAL
    (folder / "manifest.json").write_text(json.dumps(manifest))
    for name, frame in (artifacts or {}).items():
        frame.to_parquet(folder / "artifacts" / f"{name}.parquet", index=False)


def forecasts(consensus: dict[str, float], statistical=200.0) -> dict[str, pd.DataFrame]:
    """A cycle's statistical forecast (200 a SKU unless given, to tell it from the consensus)
    and consensus of 2026-10, by SKU."""
    rows = pd.DataFrame({"sku": list(consensus), "family": [s[0].upper() for s in consensus],
                         "month": CLOSED})
    return {"forecast": _months(rows.assign(forecast=statistical)),
            "consensus": _months(rows.assign(consensus=list(consensus.values())))}


def previous_pack(*, revenue=3000.0, units=150.0, inventory=600.0) -> dict[str, pd.DataFrame]:
    """The 2026-10 pack's plan and money (A and B; 2026-11 rows that must not count) and its
    lag-1 forecast of 2026-10: errors 10 + 10 + 0 on 160 booked, accuracy 87.5%."""
    money = _months(pd.DataFrame({
        "family": ["A", "B", "A"], "month": [CLOSED, CLOSED, "2026-11"],
        "units": [units - 10, 10.0, 999.0], "revenue": [revenue - 1000, 1000.0, 9999.0],
        "inventory_value": [inventory, 0.0, 9999.0]}))
    plan = _months(pd.DataFrame({"family": ["A", "B", "A"], "month": [CLOSED, CLOSED, "2026-11"],
                                 "production": [200.0, 10.0, 999.0]}))
    return {"money": money, "plan": plan, **forecasts({"a1": 110, "a2": 40, "b1": 10})}


def meeting() -> dict[str, pd.DataFrame]:
    taken = pd.DataFrame({"rank": [1, 2], "family": ["A", "B"], "topic": ["Gap", "Stock-out"],
                          "impact": [100.0, 50.0], "outcome": ["accepted", "not decided"],
                          "note": ["Keep the plan", ""]})
    actions = pd.DataFrame({
        "action": ["Re-base A", "Check B", "Fix C"],
        "item": pd.array([1, None, 2], dtype="Int64"), "owner": ["Demand", "Sales", "Ops"],
        "due": pd.PeriodIndex(["2026-10", "2026-11", "2026-09"], freq="M"),
        "status": ["open", "open", "done"]})
    return {"decisions_taken": taken, "actions": actions}


@pytest.fixture
def approved(tmp_path):
    """2026-10 approved (its money the adopted plan, the proposed one kept aside) and 2026-08
    published, whose lag-3 forecast of 2026-10 errs by 60 on 160: accuracy 62.5%."""
    proposed = previous_pack()["money"].assign(revenue=1.0)
    write_pack(tmp_path, CLOSED, status="approved",
               artifacts={**previous_pack(), "proposed_money": proposed, **meeting()})
    write_pack(tmp_path, "2026-08", artifacts=forecasts({"a1": 40, "a2": 50, "b1": 10}))
    return tmp_path


def performance(archive, **company):
    table = last_month_performance(make_company(**company), archive, CYCLE)
    return table.set_index("measure")


# --- since last meeting ------------------------------------------------------------------

def test_an_approved_pack_says_who_approved_which_plan_with_its_decisions(approved):
    sentence, taken, actions = since_last_meeting(approved, CYCLE)
    assert sentence == ("The 2026-10 pack was approved by Jane Smith, VP S&OP on 2026-10-12, "
                        "adopting the No overtime scenario; this cycle measures against that "
                        "approved plan.")
    assert list(taken.columns) == ["rank", "family", "topic", "outcome", "note"]
    assert taken["outcome"].tolist() == ["accepted", "not decided"]
    assert list(actions.columns) == ["action", "item", "owner", "due", "status"]
    assert actions["item"].tolist() == ["1", "", "2"]


def test_an_open_action_due_before_the_cycle_is_overdue(approved):
    _, _, actions = since_last_meeting(approved, CYCLE)
    assert dict(zip(actions["action"], actions["status"])) == {
        "Re-base A": "overdue", "Check B": "open", "Fix C": "done"}


def test_a_pack_never_approved_says_so_and_has_no_decisions(tmp_path):
    write_pack(tmp_path, CLOSED, artifacts=previous_pack())
    sentence, taken, actions = since_last_meeting(tmp_path, CYCLE)
    assert sentence == ("The 2026-10 pack was published but never approved: no decision was "
                        "recorded, and this cycle measures against its proposed plan.")
    assert taken.empty and actions.empty


def test_without_a_previous_pack_there_is_no_meeting_to_report(tmp_path):
    write_pack(tmp_path, "2026-09", status="approved", artifacts=meeting())
    sentence, taken, actions = since_last_meeting(tmp_path, CYCLE)
    assert sentence == "No pack of 2026-10 in the archive."
    assert taken.empty and actions.empty


def test_the_meeting_record_holds_decisions_then_actions_and_round_trips(approved):
    _, taken, actions = since_last_meeting(approved, CYCLE)
    record = meeting_record(taken, actions)
    assert record["kind"].tolist() == ["decision"] * 2 + ["action"] * 3
    assert record.loc[record["kind"] == "action", "status"].tolist() == ["overdue", "open",
                                                                         "done"]
    record.to_parquet(approved / "record.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(approved / "record.parquet"), record)
    empty = meeting_record(*since_last_meeting(approved / "none", CYCLE)[1:])
    assert empty.empty and list(empty.columns) == list(record.columns)


# --- last month's performance ------------------------------------------------------------

def test_each_measure_of_the_closed_month_against_the_approved_plan(approved):
    table = performance(approved)
    assert table.index.tolist() == [
        "Revenue", "Revenue, FY2026 to date", "Units shipped", "Customer service",
        "Production (units)", "Inventory value, end of 2026-10",
        "Forecast accuracy, lag 1 (SKU level)", "Forecast accuracy, lag 3 (SKU level)"]
    assert (table["month"] == pd.Period(CLOSED, "M")).all()
    expected = {  # actual, plan, business plan, status
        "Revenue": (2800, 3000, 2500, "red"),  # 6.7% below plan
        "Revenue, FY2026 to date": (4000, math.nan, 3400, "green"),
        "Units shipped": (150, 150, 130, "green"),
        "Customer service": (150 / 165, math.nan, math.nan, "red"),
        "Production (units)": (202, 210, math.nan, "amber"),  # adherence 1 - 12 / 210
        "Inventory value, end of 2026-10": (540, 600, math.nan, "green"),  # 10% off: the edge
        "Forecast accuracy, lag 1 (SKU level)": (0.875, math.nan, math.nan, "green"),
        "Forecast accuracy, lag 3 (SKU level)": (0.625, math.nan, math.nan, "amber"),
    }
    for measure, (actual, plan, business, status) in expected.items():
        row = table.loc[measure]
        assert row["actual"] == pytest.approx(actual), measure
        assert row["plan"] == pytest.approx(plan, nan_ok=True), measure
        assert row["business_plan"] == pytest.approx(business, nan_ok=True), measure
        assert row["status"] == status, measure
    assert table["unit"].tolist() == ["EUR", "EUR", "count", "share", "count", "EUR", "share",
                                      "share"]


def test_the_comments_say_what_each_figure_is_measured_against(approved):
    comments = performance(approved)["comment"]
    assert "against the approved plan of 2026-10" in comments["Revenue"]
    assert "2026-01 to 2026-10, against the business plan" in comments["Revenue, FY2026 to date"]
    assert "target 94.5%" in comments["Customer service"]  # (0.95 x 150 + 0.90 x 15) / 165
    assert "Plan adherence 94.3%" in comments["Production (units)"]
    assert "consensus forecast made in 2026-10" in comments["Forecast accuracy, lag 1 (SKU level)"]
    assert "made in 2026-08" in comments["Forecast accuracy, lag 3 (SKU level)"]


@pytest.mark.parametrize("revenue, status", [(2850.0, "green"), (2900.0, "amber"),
                                             (3000.0, "red")])
def test_revenue_against_the_plan_on_the_revenue_bands(tmp_path, revenue, status):
    write_pack(tmp_path, CLOSED, artifacts=previous_pack(revenue=revenue))
    row = performance(tmp_path).loc["Revenue"]
    assert (row["plan"], row["status"]) == (revenue, status)


@pytest.mark.parametrize("inventory, status", [(540 / 1.1, "green"), (540 / 1.2, "amber"),
                                               (540 / 1.3, "red")])
def test_inventory_value_against_the_plan_on_the_position_bands(tmp_path, inventory, status):
    write_pack(tmp_path, CLOSED, artifacts=previous_pack(inventory=inventory))
    assert performance(tmp_path).loc["Inventory value, end of 2026-10", "status"] == status


@pytest.mark.parametrize("late, service, target, status", [
    (0, 1.0, "94.7%", "green"),  # (0.95 x 140 + 0.90 x 10) / 150
    (10, 0.9375, "94.7%", "amber"),  # 150 / 160, target (0.95 x 150 + 9) / 160 = 94.69%
    (15, 150 / 165, "94.7%", "red"),  # 90.9%, over 2 points below 94.70%
])
def test_service_is_shipped_against_shipped_plus_what_is_past_due(tmp_path, late, service,
                                                                  target, status):
    """A ships 140, B 10; a1's orders due in 2026-10 and still open are late; orders due
    later are not due yet."""
    orders = [("a1", CLOSED, late), ("a2", "2026-11", 50)] if late else []
    row = performance(tmp_path, open_orders=orders).loc["Customer service"]
    assert row["actual"] == pytest.approx(service)
    assert f"target {target}" in row["comment"]
    assert row["status"] == status


def test_a_pack_never_approved_is_measured_on_its_proposed_plan(tmp_path):
    write_pack(tmp_path, CLOSED, artifacts=previous_pack())
    table = performance(tmp_path)
    assert table.loc["Revenue", "plan"] == 3000
    assert "against the proposed plan of 2026-10 (never approved)" in table.loc["Revenue",
                                                                                "comment"]


def test_without_a_previous_pack_every_figure_needing_a_plan_is_n_a(tmp_path):
    table = performance(tmp_path)
    for measure in ("Revenue", "Units shipped", "Production (units)",
                    "Inventory value, end of 2026-10"):
        assert math.isnan(table.loc[measure, "plan"]), measure
        assert table.loc[measure, "status"] == "n/a", measure
        assert "no pack of 2026-10 in the archive" in table.loc[measure, "comment"], measure
    assert table.loc["Revenue", "actual"] == 2800  # the actuals are still shown
    for lag, made_in in ((1, "2026-10"), (3, "2026-08")):
        row = table.loc[f"Forecast accuracy, lag {lag} (SKU level)"]
        assert math.isnan(row["actual"]) and row["status"] == "n/a"
        assert row["comment"] == f"The archive holds no forecast of 2026-10 made in {made_in}."
    assert table.loc["Revenue, FY2026 to date", "status"] == "green"  # the business plan's


def test_without_a_business_plan_its_figures_are_n_a(approved):
    table = performance(approved, business_plan=False)
    assert table["business_plan"].isna().all()
    fiscal = table.loc["Revenue, FY2026 to date"]
    assert fiscal["status"] == "n/a"
    assert "no business plan for 2026-01 to 2026-10" in fiscal["comment"]
    assert table.loc["Revenue", "status"] == "red"  # still judged against the plan of record


def test_the_fiscal_year_to_date_starts_at_the_company_s_fiscal_year(approved):
    row = performance(approved, fiscal_start=10).loc["Revenue, FY2027 to date"]
    assert (row["actual"], row["business_plan"]) == (2800, 2500)  # 2026-10 alone


def test_a_backfilled_lag_3_cycle_is_measured_on_its_statistical_forecast(tmp_path):
    write_pack(tmp_path, CLOSED, artifacts=previous_pack())
    folder = tmp_path / "2026-08" / "artifacts"  # a backfilled cycle: no manifest, no consensus
    folder.mkdir(parents=True)
    backfilled = forecasts({"a1": 0, "a2": 0, "b1": 0}, statistical=[90.0, 50.0, 10.0])
    backfilled["forecast"].to_parquet(folder / "forecast.parquet")
    row = performance(tmp_path).loc["Forecast accuracy, lag 3 (SKU level)"]
    assert row["actual"] == pytest.approx(1 - 10 / 160)
    assert "statistical forecast made in 2026-08" in row["comment"]


def test_a_cycle_planned_past_the_closed_month_has_no_actuals_to_show(approved):
    table = last_month_performance(make_company(), approved, CYCLE + 1).set_index("measure")
    row = table.loc["Revenue"]
    assert math.isnan(row["actual"]) and row["status"] == "n/a"
    assert "no demand history for 2026-11" in row["comment"]
    assert table.loc["Customer service", "status"] == "n/a"
    assert math.isnan(table.loc["Revenue, FY2026 to date", "actual"])  # it would stop at 2026-10


# --- the loop in one sentence ----------------------------------------------------------------

def test_the_loop_sentence_counts_the_actions_and_quotes_last_month_s_revenue(approved):
    _, taken, actions = since_last_meeting(approved, CYCLE)
    month = performance(approved)
    sentence = loop_sentence(meeting_record(taken, actions), month.reset_index(), approved,
                             CYCLE)
    revenue = month.loc["Revenue"]
    assert sentence == (
        "Since the 2026-10 meeting (No overtime adopted): actions 1 open, 1 overdue, 1 done; "
        f"2026-10 revenue EUR {revenue['actual']:,.0f} against EUR {revenue['plan']:,.0f} "
        f"planned ({revenue['status']}).")


def test_the_loop_sentence_says_when_last_month_s_pack_was_never_approved(tmp_path):
    write_pack(tmp_path, CLOSED, artifacts=previous_pack())
    _, taken, actions = since_last_meeting(tmp_path, CYCLE)
    month = performance(tmp_path).reset_index()
    sentence = loop_sentence(meeting_record(taken, actions), month, tmp_path, CYCLE)
    assert sentence.startswith("The 2026-10 pack was never approved; 2026-10 revenue EUR ")
    assert sentence.endswith("in its proposed plan.")


def test_no_loop_sentence_without_last_month_s_pack(tmp_path):
    empty = meeting_record(*since_last_meeting(tmp_path, CYCLE)[1:])
    assert loop_sentence(empty, performance(tmp_path).reset_index(), tmp_path, CYCLE) is None
