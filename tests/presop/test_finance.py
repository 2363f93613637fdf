"""Money view: mix-weighted prices, revenue, cost, margin, inventory value, fiscal-year outlook."""

import dataclasses

import pandas as pd
import pytest

from sop_lib.core.errors import SopError
from sop_lib.data.company import Company
from sop_lib.presop.finance import (
    OUTLOOK_COLUMNS,
    family_prices,
    fiscal_year,
    fiscal_year_outlook,
    money_by_family,
    money_view,
)
from tests.presop.builders import frame, make_company

MONTHS = ["2026-01", "2026-02", "2026-03"]


ITEMS = [
    {"sku": "A1", "family": "A", "unit_price": 10, "standard_cost": 6, "status": "active"},
    {"sku": "A2", "family": "A", "unit_price": 20, "standard_cost": 12, "status": "active"},
    {"sku": "B1", "family": "B", "unit_price": 100, "standard_cost": 70, "status": "active"},
]
PRICE = {item["sku"]: item["unit_price"] for item in ITEMS}
FAMILY = {item["sku"]: item["family"] for item in ITEMS}
CONSENSUS_UNITS = {"A1": [30, 10, 0], "A2": [10, 30, 0], "B1": [5, 0, 4]}
BUSINESS_PLAN = [
    {"family": "A", "month": "2025-05", "units": 20, "revenue": 300},
    {"family": "A", "month": "2026-01", "units": 45, "revenue": 540},
    {"family": "A", "month": "2026-02", "units": 40, "revenue": 700},
    {"family": "B", "month": "2026-01", "units": 5, "revenue": 500},
    {"family": "B", "month": "2026-02", "units": 2, "revenue": 200},
    {"family": "B", "month": "2026-03", "units": 4, "revenue": 400},
]
HISTORY = [  # sku, month, shipments
    ("A1", "2025-02", 100), ("A1", "2025-03", 10), ("A1", "2025-12", 5),
    ("A2", "2025-06", 3), ("B1", "2025-11", 2),
]


def company(**options) -> Company:
    history = [{"sku": sku, "month": month, "bookings": units, "shipments": units}
               for sku, month, units in HISTORY]
    return make_company(items=ITEMS, business_plan=BUSINESS_PLAN, demand_history=history,
                        **options)


def consensus() -> pd.DataFrame:
    rows = [{"sku": sku, "family": FAMILY[sku], "month": month, "statistical": units,
             "consensus": units, "unit_price": PRICE[sku], "consensus_value": units * PRICE[sku]}
            for sku, values in CONSENSUS_UNITS.items() for month, units in zip(MONTHS, values)]
    return frame(rows)


def plan() -> pd.DataFrame:
    """Family A (MTS) ships 40, 38, 0 holding 20, 10, 8; family B (MTO) ships 5, 1, 4."""
    rows = [{"family": "A", "strategy": "MTS", "month": month, "shipments": ship,
             "inventory": stock} for month, ship, stock in zip(MONTHS, [40, 38, 0], [20, 10, 8])]
    rows += [{"family": "B", "strategy": "MTO", "month": month, "shipments": ship,
              "inventory": float("nan")} for month, ship in zip(MONTHS, [5, 1, 4])]
    return frame(rows)


def test_family_prices_weight_skus_by_consensus_mix_and_fall_back_to_simple_average():
    prices = family_prices(company(), consensus()).set_index(["family", "month"])
    a = prices.loc["A"]
    # 2026-01: (30 x 10 + 10 x 20) / 40 and (30 x 6 + 10 x 12) / 40
    assert a.loc[pd.Period("2026-01", "M")].tolist() == pytest.approx([12.5, 7.5])
    # 2026-02: (10 x 10 + 30 x 20) / 40 and (10 x 6 + 30 x 12) / 40
    assert a.loc[pd.Period("2026-02", "M")].tolist() == pytest.approx([17.5, 10.5])
    # 2026-03: no consensus, so the plain average of 10 and 20, 6 and 12
    assert a.loc[pd.Period("2026-03", "M")].tolist() == pytest.approx([15.0, 9.0])
    assert prices.loc["B"]["unit_price"].tolist() == [100.0, 100.0, 100.0]
    assert list(prices.reset_index().columns) == ["family", "month", "unit_price", "unit_cost"]


def test_family_prices_name_a_sku_without_cost():
    rows = consensus()
    rows.loc[0, "sku"] = "ZZ9"
    with pytest.raises(SopError, match="ZZ9"):
        family_prices(company(), rows)


def test_money_view_prices_units_and_compares_with_business_plan():
    money = money_view(company(), plan(), consensus())
    a = money[money["family"] == "A"].reset_index(drop=True)
    assert a["units"].tolist() == [40, 38, 0]
    assert a["revenue"].tolist() == pytest.approx([500, 665, 0])     # 40 x 12.5, 38 x 17.5
    assert a["cogs"].tolist() == pytest.approx([300, 399, 0])        # 40 x 7.5, 38 x 10.5
    assert a["margin"].tolist() == pytest.approx([200, 266, 0])
    assert a["margin_pct"].iloc[:2].tolist() == pytest.approx([0.4, 0.4])
    assert pd.isna(a["margin_pct"].iloc[2])                          # no revenue, no margin %
    assert a["inventory_value"].tolist() == pytest.approx([150, 105, 72])  # 20x7.5 10x10.5 8x9
    assert a["revenue_gap"].iloc[:2].tolist() == pytest.approx([-40, -35])
    assert a["units_gap"].iloc[:2].tolist() == pytest.approx([-5, -2])
    assert a[["plan_revenue", "revenue_gap", "units_gap"]].iloc[2].isna().all()  # no plan row
    b = money[money["family"] == "B"].reset_index(drop=True)
    assert b["revenue"].tolist() == pytest.approx([500, 100, 400])
    assert b["margin_pct"].tolist() == pytest.approx([0.3, 0.3, 0.3])
    assert b["inventory_units"].tolist() == [0, 0, 0]
    assert b["inventory_value"].tolist() == [0, 0, 0]
    assert b["revenue_gap"].tolist() == pytest.approx([0, -100, 0])
    assert (money["revenue"] == money["units"] * money["unit_price"]).all()
    assert (money["cogs"] == money["units"] * money["unit_cost"]).all()


def test_money_view_refuses_a_plan_month_the_consensus_does_not_price():
    extra = pd.concat([plan(), frame([{"family": "A", "strategy": "MTS", "month": "2026-04",
                                       "shipments": 1, "inventory": 0}])], ignore_index=True)
    with pytest.raises(SopError, match="A 2026-04"):
        money_view(company(), extra, consensus())


@pytest.mark.parametrize("month, start, label, first", [
    ("2026-02", 3, "FY2026", "2025-03"),
    ("2026-03", 3, "FY2027", "2026-03"),
    ("2026-05", 1, "FY2026", "2026-01"),
    ("2026-12", 12, "FY2027", "2026-12"),
])
def test_fiscal_year_is_named_for_the_year_it_ends_in(month, start, label, first):
    name, months = fiscal_year(pd.Period(month, "M"), start_month=start)
    assert name == label
    assert months[0] == pd.Period(first, "M") and len(months) == 12


def test_fiscal_year_outlook_with_a_march_start():
    # FY2026 runs 2025-03 .. 2026-02: 2025-02 history and the 2026-03 plan month fall outside.
    owner = company(fiscal_start=3)
    outlook = fiscal_year_outlook(owner, money_view(owner, plan(), consensus())).set_index(
        "family")
    assert set(outlook["fiscal_year"]) == {"FY2026"}
    assert set(outlook["months"]) == {"2025-03 to 2026-02"}
    a, b, total = outlook.loc["A"], outlook.loc["B"], outlook.loc["Total"]
    assert a["actual_revenue"] == pytest.approx(210)      # (10 + 5) x 10 + 3 x 20
    assert a["outlook_revenue"] == pytest.approx(1165)    # 500 + 665
    assert a["forecast_revenue"] == pytest.approx(1375)
    assert a["plan_revenue"] == pytest.approx(1540)       # 300 + 540 + 700
    assert a["gap"] == pytest.approx(-165)
    assert a["gap_pct"] == pytest.approx(-165 / 1540)
    assert [b["actual_revenue"], b["outlook_revenue"], b["plan_revenue"], b["gap"]] == \
        pytest.approx([200, 600, 700, 100])
    assert [total["actual_revenue"], total["outlook_revenue"], total["forecast_revenue"],
            total["plan_revenue"], total["gap"]] == pytest.approx([410, 1765, 2175, 2240, -65])
    assert list(outlook.index) == ["A", "B", "Total"]


def test_fiscal_year_outlook_adds_cost_of_goods_and_margin():
    # FY2026 runs 2025-03 .. 2026-02 (March start).
    owner = company(fiscal_start=3)
    outlook = fiscal_year_outlook(owner, money_view(owner, plan(), consensus())).set_index(
        "family")
    a, b, total = outlook.loc["A"], outlook.loc["B"], outlook.loc["Total"]
    assert a["actual_cogs"] == pytest.approx(126)        # (10 + 5) x 6 + 3 x 12
    assert a["outlook_cogs"] == pytest.approx(699)       # 40 x 7.5 + 38 x 10.5
    assert a["forecast_cogs"] == pytest.approx(825)
    assert a["forecast_margin"] == pytest.approx(550)    # 1375 - 825
    assert a["forecast_margin_pct"] == pytest.approx(0.4)
    assert [b["actual_cogs"], b["outlook_cogs"], b["forecast_margin"]] == \
        pytest.approx([140, 420, 240])                   # 2 x 70; (5 + 1) x 70; 800 - 560
    assert [total["forecast_cogs"], total["forecast_margin"]] == pytest.approx([1385, 790])
    assert total["forecast_margin_pct"] == pytest.approx(790 / 2175)


def test_fiscal_year_outlook_margin_share_is_undefined_without_revenue():
    owner = company(fiscal_start=3)
    idle = plan().assign(shipments=0.0)
    owner = dataclasses.replace(owner, demand_history=owner.demand_history.iloc[0:0])
    outlook = fiscal_year_outlook(owner, money_view(owner, idle, consensus())).set_index(
        "family")
    assert outlook.loc["A", "forecast_margin"] == 0
    assert pd.isna(outlook.loc["A", "forecast_margin_pct"])


def test_fiscal_year_outlook_leaves_plan_empty_for_a_family_without_one():
    owner = company()
    owner = dataclasses.replace(
        owner, business_plan=owner.business_plan[owner.business_plan["family"] == "A"])
    outlook = fiscal_year_outlook(owner, money_view(owner, plan(), consensus())).set_index(
        "family")
    assert pd.isna(outlook.loc["B", "plan_revenue"]) and pd.isna(outlook.loc["B", "gap_pct"])
    assert outlook.loc["Total", "plan_revenue"] == pytest.approx(1240)  # A's plan in FY2026


def test_money_by_family_sums_flows_and_averages_stock_over_the_window():
    money = money_view(company(), plan(), consensus())
    # A's business plan for 2026-02 is missing: its revenue gap compares 2026-01 only
    money.loc[(money["family"] == "A") & (money["month"] == pd.Period("2026-02", "M")),
              "plan_revenue"] = float("nan")
    table = money_by_family(money, months=2)
    assert list(table.columns) == ["family", "months", "revenue", "cogs", "margin", "margin_pct",
                                   "average_inventory_value", "plan_revenue", "revenue_gap",
                                   "revenue_gap_pct"]
    assert table["family"].tolist() == ["A", "B", "Total"]
    assert set(table["months"]) == {"2026-01 to 2026-02"}
    a, b, total = (table.set_index("family").loc[f] for f in ("A", "B", "Total"))
    assert [a["revenue"], a["cogs"], a["margin"]] == pytest.approx([1165, 699, 466])
    assert a["margin_pct"] == pytest.approx(0.4)
    assert a["average_inventory_value"] == pytest.approx((150 + 105) / 2)
    assert [a["plan_revenue"], a["revenue_gap"]] == pytest.approx([540, 500 - 540])
    assert a["revenue_gap_pct"] == pytest.approx(-40 / 540)
    assert [b["revenue"], b["cogs"], b["margin"], b["average_inventory_value"]] == \
        pytest.approx([600, 420, 180, 0])
    assert [b["plan_revenue"], b["revenue_gap"]] == pytest.approx([700, -100])
    assert [total["revenue"], total["cogs"], total["margin"]] == pytest.approx([1765, 1119, 646])
    assert total["margin_pct"] == pytest.approx(646 / 1765)
    assert total["average_inventory_value"] == pytest.approx(127.5)   # A's average + B's
    assert [total["plan_revenue"], total["revenue_gap"]] == pytest.approx([1240, 1100 - 1240])
    whole = money_by_family(money).set_index("family")               # all 3 months
    assert whole.loc["A", "months"] == "2026-01 to 2026-03"
    assert whole.loc["A", "average_inventory_value"] == pytest.approx((150 + 105 + 72) / 3)
    assert whole.loc["B", ["revenue", "plan_revenue"]].tolist() == pytest.approx([1000, 1100])


def test_money_by_family_without_a_business_plan_leaves_the_gap_empty():
    money = money_view(company(), plan(), consensus())
    money.loc[money["family"] == "B", "plan_revenue"] = float("nan")
    table = money_by_family(money, months=2).set_index("family")
    assert table.loc["B", ["plan_revenue", "revenue_gap", "revenue_gap_pct"]].isna().all()
    # the total compares only the revenue that has a plan: A's 1,165 against 1,240
    assert table.loc["Total", "revenue"] == pytest.approx(1765)
    assert table.loc["Total", ["plan_revenue", "revenue_gap"]].tolist() == \
        pytest.approx([1240, -75])


# --- the budget: cost of goods and inventory value in the business plan ----------------------

BUDGET = {  # (family, month): (cost_of_goods, inventory_value); None is an empty cell
    ("A", "2025-05"): (180, None), ("A", "2026-01"): (324, 100), ("A", "2026-02"): (420, 120),
    ("B", "2026-01"): (350, 0), ("B", "2026-02"): (None, 0), ("B", "2026-03"): (280, None),
}


def budgeted_company(**options) -> Company:
    owner = company(**options)
    plan_rows = owner.business_plan.copy()
    budget = [BUDGET[(f, m.strftime("%Y-%m"))] for f, m in
              zip(plan_rows["family"], plan_rows["month"])]
    plan_rows["cost_of_goods"] = [float("nan") if c is None else float(c) for c, _ in budget]
    plan_rows["inventory_value"] = [float("nan") if v is None else float(v) for _, v in budget]
    return dataclasses.replace(owner, business_plan=plan_rows)


def test_without_a_budget_the_money_tables_gain_no_column():
    owner = company(fiscal_start=3)
    assert owner.business_plan["cost_of_goods"].isna().all()     # the columns, all empty
    money = money_view(owner, plan(), consensus())
    assert not {"plan_margin", "margin_gap", "plan_inventory_value",
                "inventory_value_gap"} & set(money.columns)
    assert list(fiscal_year_outlook(owner, money).columns) == OUTLOOK_COLUMNS
    assert list(money_by_family(money).columns)[-1] == "revenue_gap_pct"
    # and a plan without the columns at all reads the same
    bare = dataclasses.replace(owner, business_plan=owner.business_plan[
        ["family", "month", "units", "revenue"]])
    pd.testing.assert_frame_equal(money_view(bare, plan(), consensus()), money)


def test_money_view_sets_margin_and_inventory_value_against_the_budget():
    money = money_view(budgeted_company(), plan(), consensus())
    a = money[money["family"] == "A"].reset_index(drop=True)
    assert a["plan_margin"].iloc[:2].tolist() == pytest.approx([216, 280])  # 540-324, 700-420
    assert a["margin_gap"].iloc[:2].tolist() == pytest.approx([200 - 216, 266 - 280])
    assert a["plan_inventory_value"].iloc[:2].tolist() == pytest.approx([100, 120])
    assert a["inventory_value_gap"].iloc[:2].tolist() == pytest.approx([150 - 100, 105 - 120])
    assert a[["plan_margin", "margin_gap", "plan_inventory_value",
              "inventory_value_gap"]].iloc[2].isna().all()             # no plan row in 2026-03
    b = money[money["family"] == "B"].reset_index(drop=True)
    assert b["margin"].tolist() == pytest.approx([150, 30, 120])
    assert b["plan_margin"].tolist() == pytest.approx([150, float("nan"), 120], nan_ok=True)
    assert b["margin_gap"].tolist() == pytest.approx([0, float("nan"), 0], nan_ok=True)
    assert b["inventory_value_gap"].tolist() == pytest.approx([0, 0, float("nan")], nan_ok=True)
    assert list(money.columns)[-4:] == ["plan_margin", "margin_gap", "plan_inventory_value",
                                        "inventory_value_gap"]


def test_fiscal_year_outlook_sets_the_years_margin_against_the_budget():
    # FY2026 runs 2025-03 .. 2026-02; forecast margins A 550, B 240 (see above)
    owner = budgeted_company(fiscal_start=3)
    outlook = fiscal_year_outlook(owner, money_view(owner, plan(), consensus()))
    assert list(outlook.columns) == OUTLOOK_COLUMNS + ["plan_margin", "margin_gap",
                                                       "margin_gap_pct"]
    a, b, total = (outlook.set_index("family").loc[f] for f in ("A", "B", "Total"))
    assert a["plan_margin"] == pytest.approx(120 + 216 + 280)       # 2025-05, 2026-01, 2026-02
    assert [a["margin_gap"], a["margin_gap_pct"]] == pytest.approx([550 - 616, -66 / 616])
    assert b["plan_margin"] == pytest.approx(150)                   # 2026-02 gives no cost
    assert [b["margin_gap"], b["margin_gap_pct"]] == pytest.approx([90, 0.6])
    assert [total["plan_margin"], total["margin_gap"]] == pytest.approx([766, 790 - 766])
    assert total["margin_gap_pct"] == pytest.approx(24 / 766)


def test_money_by_family_compares_margin_and_average_inventory_with_the_budget():
    table = money_by_family(money_view(budgeted_company(), plan(), consensus()), months=2)
    assert list(table.columns)[-5:] == ["plan_margin", "margin_gap", "margin_gap_pct",
                                        "average_plan_inventory_value",
                                        "average_inventory_value_gap"]
    a, b, total = (table.set_index("family").loc[f] for f in ("A", "B", "Total"))
    assert [a["plan_margin"], a["margin_gap"]] == pytest.approx([496, 466 - 496])
    assert a["margin_gap_pct"] == pytest.approx(-30 / 496)
    # B's 2026-02 has no budget margin: only 2026-01 is compared, 150 against 150
    assert [b["plan_margin"], b["margin_gap"], b["margin_gap_pct"]] == pytest.approx([150, 0, 0])
    assert [total["plan_margin"], total["margin_gap"]] == pytest.approx([646, -30])
    assert [a["average_plan_inventory_value"], a["average_inventory_value_gap"]] == \
        pytest.approx([110, (150 + 105) / 2 - 110])
    assert [b["average_plan_inventory_value"], b["average_inventory_value_gap"]] == \
        pytest.approx([0, 0])
    assert [total["average_plan_inventory_value"], total["average_inventory_value_gap"]] == \
        pytest.approx([110, 17.5])
