"""The sample company generator: determinism, sizes, the contract, and the traits it promises."""
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sop_lib.data.contract import CONFIG_FILE, TABLES
from sop_lib.data.sample import write_sample
from sop_lib.data.settings import COMPANY_SETTINGS
from sop_lib.data.validation import check_company
from tests import REPO

REPO_SAMPLE = REPO / "data" / "sample"
SMALL = {"seed": 3, "skus": 12, "months": 30}
LAST = pd.Period("2026-10", "M")


@pytest.fixture(scope="module")
def default(tmp_path_factory) -> Path:
    return write_sample(tmp_path_factory.mktemp("default") / "company")


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    return write_sample(tmp_path_factory.mktemp("small"), **SMALL)


@pytest.fixture(params=["default", "small"])
def folder(request) -> Path:
    return request.getfixturevalue(request.param)


def read(folder: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{table}.csv", keep_default_na=False, na_values=[""])


def history(folder: Path) -> pd.DataFrame:
    """demand_history with each SKU's family and status."""
    items = read(folder, "items")[["sku", "family", "status", "end_of_life"]]
    return read(folder, "demand_history").merge(items, on="sku")


def family_months(folder: Path) -> pd.DataFrame:
    """Bookings, shipments, on hand and production per family and month."""
    frame = history(folder).merge(read(folder, "inventory"), on=["sku", "month"])
    sums = frame.groupby(["family", "month"])[["bookings", "shipments", "on_hand"]].sum()
    production = read(folder, "production_history").set_index(["family", "month"])["quantity"]
    return sums.join(production.rename("production"))


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def typical_year_load(folder: Path) -> pd.DataFrame:
    """Resource x calendar month hours: the last two years' average bookings per calendar month
    of each family times its hours per unit."""
    demand = history(folder).groupby(["family", "month"], as_index=False)["bookings"].sum()
    demand = demand[demand["month"].isin(sorted(demand["month"].unique())[-24:])]
    demand["calendar"] = demand["month"].str[5:].astype(int)
    profile = demand.groupby(["family", "calendar"], as_index=False)["bookings"].mean()
    load = read(folder, "bill_of_resources").merge(profile, on="family")
    load["hours"] = load["bookings"] * load["hours_per_unit"]
    return load.pivot_table(index="resource", columns="calendar", values="hours", aggfunc="sum")


def test_same_seed_gives_identical_bytes(tmp_path):
    first = files(write_sample(tmp_path / "a", **SMALL))
    second = files(write_sample(tmp_path / "b", **SMALL))
    assert first == second
    assert set(first) == {CONFIG_FILE} | {f"{t.name}.csv" for t in TABLES}


def test_another_seed_gives_other_data(tmp_path, small):
    other = files(write_sample(tmp_path, **{**SMALL, "seed": SMALL["seed"] + 1}))
    assert other["demand_history.csv"] != files(small)["demand_history.csv"]


def test_repo_sample_is_a_fresh_default_sample(default):
    assert files(REPO_SAMPLE) == files(default), (
        "data/sample differs from write_sample's output; regenerate it with "
        "`python -c \"from sop_lib.data.sample import write_sample; write_sample('data/sample')\"`")


def test_files_are_utf8_with_newlines_and_fixed_number_formats(folder):
    number = re.compile(r"^-?\d+(\.\d{1,3})?$")
    for table in TABLES:
        text = (folder / f"{table.name}.csv").read_bytes().decode("utf-8")
        assert "\r" not in text and text.endswith("\n")
        frame = read(folder, table.name)
        for column in table.columns:
            cells = frame[column.name].dropna().astype(str)
            if column.kind == "number":
                assert cells.str.match(number).all(), (table.name, column.name)
            if column.kind == "month":
                assert cells.str.fullmatch(r"\d{4}-\d{2}").all(), (table.name, column.name)


def test_every_contract_table_and_column_is_written(folder):
    for table in TABLES:
        assert list(read(folder, table.name).columns) == table.column_names
    config = yaml.safe_load((folder / CONFIG_FILE).read_text(encoding="utf-8"))
    assert set(config) == {s.name for s in COMPANY_SETTINGS}  # the sample keeps the bands' defaults
    assert config == {"name": "Greenfield Outdoor Ltd", "currency": "EUR", "horizon_months": 18,
                      "fiscal_year_start_month": 1, "error_measure": "wape",
                      "reconciliation": "bottom_up", "frozen_months": 2,
                      "holding_cost_rate": 0.25, "backlog_cost_rate": 0.1}


def test_requested_sizes_and_months(tmp_path):
    folder = write_sample(tmp_path, seed=1, skus=15, months=26, last_closed="2024-06")
    items, demand = read(folder, "items"), history(folder)
    assert len(items) == 15 and items["sku"].is_unique
    months = sorted(demand["month"].unique())
    assert len(months) == 26 and (months[0], months[-1]) == ("2022-05", "2024-06")
    assert read(folder, "inventory")["month"].max() == "2024-06"
    assert read(folder, "open_orders")["due_month"].min() == "2024-07"


def test_family_count_scales_gently_and_every_family_has_skus(default, small):
    assert read(default, "families")["family"].tolist() == [
        "Garden Tools", "Custom Sheds", "Spare Parts", "Grills", "Outdoor Furniture", "Irrigation"]
    assert len(read(small, "families")) == 4
    for folder in (default, small):
        counts = read(folder, "items")["family"].value_counts()
        assert set(counts.index) == set(read(folder, "families")["family"])
    assert counts.max() >= 2 * counts.min()  # spread unevenly
    assert read(default, "items")["sku"].str.fullmatch(r"[A-Z]{2}-\d{3}").all()


def test_every_sku_has_one_row_per_month_from_its_first_month(folder):
    demand = history(folder)
    last = demand["month"].max()
    span = demand.groupby("sku")["month"].agg(["min", "count", "nunique"])
    expected = [(pd.Period(last, "M") - pd.Period(first, "M")).n + 1 for first in span["min"]]
    assert (span["count"] == expected).all() and (span["count"] == span["nunique"]).all()
    inventory = read(folder, "inventory").groupby("sku")["month"].agg(["min", "count"])
    assert inventory.equals(span[["min", "count"]])


def test_at_least_15_percent_of_skus_are_intermittent(folder):
    zero_share = history(folder).assign(zero=lambda f: f["bookings"] == 0).groupby("sku")["zero"]
    assert (zero_share.mean() >= 0.3).mean() >= 0.15


def test_one_launch_with_six_to_eight_months_of_history(folder):
    demand = history(folder)
    launch = demand[demand["status"] == "new"]
    assert launch["sku"].nunique() == 1
    assert 6 <= len(launch) <= 8 and launch["month"].max() == demand["month"].max()
    assert launch["bookings"].sum() > 0
    assert (demand[demand["status"] != "new"].groupby("sku")["month"].min()
            == demand["month"].min()).all()


def test_one_phase_out_declining_to_its_end_of_life_in_the_horizon(folder):
    demand = history(folder)
    fading = demand[demand["status"] == "phase_out"]
    assert fading["sku"].nunique() == 1
    end = pd.Period(fading["end_of_life"].iloc[0], "M")
    assert 2 <= (end - pd.Period(demand["month"].max(), "M")).n <= 6
    bookings = fading["bookings"].to_numpy()
    assert bookings[-12:].sum() < 0.8 * bookings[-24:-12].sum()
    items = read(folder, "items")
    dated = items.loc[items["end_of_life"].notna(), "status"]
    assert set(dated) <= {"phase_out", "inactive"} and "phase_out" in set(dated)


def test_inactive_sku_stopped_selling_more_than_a_year_ago(default):
    demand = history(default)
    stopped = demand[demand["status"] == "inactive"]
    assert stopped["sku"].nunique() == 1
    assert stopped.loc[stopped["month"] > stopped["end_of_life"], "bookings"].eq(0).all()
    assert stopped["end_of_life"].iloc[0] < str(LAST - 12)


def test_families_mto_and_mts_with_their_targets(folder):
    families = read(folder, "families")
    mto, mts = families[families["strategy"] == "MTO"], families[families["strategy"] == "MTS"]
    assert len(mto) >= 1 and len(mts) >= 1
    assert mto["backlog_target_weeks"].gt(0).all() and mto["inventory_target_days"].isna().all()
    assert mts["inventory_target_days"].gt(0).all() and mts["backlog_target_weeks"].isna().all()
    assert families["service_target"].between(0.9, 0.99).all()


def test_prices_and_costs_by_family(default):
    items = read(default, "items")
    assert (items["standard_cost"] / items["unit_price"]).between(0.549, 0.751).all()
    price = items.groupby("family")["unit_price"].median()
    assert price["Custom Sheds"] > 50 * price["Spare Parts"]


def test_mts_ships_close_to_bookings_and_mto_ships_later(default):
    families = read(default, "families").set_index("family")["strategy"]
    for family, frame in family_months(default).groupby(level="family"):
        ship, book = frame["shipments"].to_numpy(), frame["bookings"].to_numpy()
        if families[family] == "MTS":
            assert 0.97 <= ship.sum() / book.sum() <= 1.03, family
            assert (abs(ship / book - 1) < 0.15).mean() > 0.9, family
        else:
            assert np.abs(ship[2:] - book[:-2]).sum() < np.abs(ship[2:] - book[2:]).sum()
    demand = history(default)
    stock_outs = demand["shipments"] < 0.8 * demand["bookings"]
    assert 0 < stock_outs[demand["family"].map(families) == "MTS"].mean() < 0.05


def test_open_orders_substantial_for_mto_and_small_for_mts(folder):
    families = read(folder, "families").set_index("family")["strategy"]
    orders = read(folder, "open_orders").merge(read(folder, "items")[["sku", "family"]])
    demand = history(folder)
    monthly = demand[demand["month"] > str(LAST - 3)].groupby("family")["bookings"].sum() / 3
    cover = orders.groupby("family")["quantity"].sum().reindex(monthly.index, fill_value=0) \
        / monthly
    assert (cover[families[cover.index] == "MTO"] > 1).all()
    assert (cover[families[cover.index] == "MTS"] < 0.3).all()
    assert cover[families[cover.index] == "MTS"].sum() > 0
    assert orders["due_month"].between(str(LAST + 1), str(LAST + 3)).all()
    assert orders["quantity"].gt(0).all()


def test_inventory_and_production_balance_per_family(folder):
    sums = family_months(folder)
    assert (sums[["on_hand", "production"]] >= 0).all().all()
    change = sums["on_hand"].groupby(level="family").diff().dropna()
    flow = (sums["production"] - sums["shipments"]).loc[change.index]
    assert (change == flow).all()


def test_inventory_roughly_at_the_days_of_supply_target(default):
    targets = read(default, "families").set_index("family")["inventory_target_days"].dropna()
    sums = family_months(default)
    for family, target in targets.items():
        frame = sums.loc[family]
        days = frame["on_hand"].iloc[:-1].to_numpy() / frame["bookings"].iloc[1:].to_numpy() * 30.4
        assert 0.6 * target <= np.median(days) <= 1.6 * target, family
    assert read(default, "inventory").query("month == '2026-10'")["sku"].nunique() == 120


def test_two_plants_four_resources_and_one_to_three_per_family(folder):
    resources, bill = read(folder, "resources"), read(folder, "bill_of_resources")
    assert resources["plant"].nunique() >= 2 and len(resources) >= 4
    assert bill.groupby("family").size().between(1, 3).all()
    assert set(bill["family"]) == set(read(folder, "families")["family"])
    assert set(bill["resource"]) == set(resources["resource"])
    assert (resources["overtime_cost_per_hour"] > resources["regular_cost_per_hour"]).all()


@pytest.mark.parametrize("seed", [3, 11])
def test_one_resource_overloaded_in_peak_season(tmp_path, default, seed):
    for folder in (default, write_sample(tmp_path, seed=seed, skus=12, months=30)):
        load = typical_year_load(folder)
        resources = read(folder, "resources").set_index("resource").loc[load.index]
        ceiling = resources["available_hours"] + resources["max_overtime_hours"]
        overloaded_months = load.gt(ceiling, axis=0).sum(axis=1)
        assert (overloaded_months >= 2).sum() == 1
        others = overloaded_months.index[overloaded_months == 0]
        assert len(others) == len(load) - 1
        assert (load.loc[others].le(resources.loc[others, "available_hours"], axis=0)
                .sum(axis=1) >= 9).all()


def test_business_plan_covers_fiscal_years_and_one_family_falls_short(default):
    plan = read(default, "business_plan")
    months = plan.groupby("family")["month"].agg(["min", "max", "count"])
    assert (months["min"] == "2026-01").all() and (months["max"] == "2028-06").all()
    assert (months["count"] == 30).all() and len(months) == 6
    price = plan[plan["units"] > 0].assign(p=lambda f: f["revenue"] / f["units"])
    assert (price.groupby("family")["p"].agg(np.ptp) < 0.01).all()
    demand = history(default)
    recent = demand[demand["month"] > str(LAST - 12)].groupby("family")["bookings"].sum()
    ahead = plan[plan["month"].between(str(LAST + 1), str(LAST + 12))].groupby("family")["units"]
    ratio = ahead.sum() / recent
    assert (ratio >= 1.1).sum() >= 1
    assert ((ratio > 0.9) & (ratio < 1.1)).sum() >= 4


def test_business_plan_budgets_cost_of_goods_at_standard_cost_and_stock_at_target_days(folder):
    plan = read(folder, "business_plan")
    families = read(folder, "families").set_index("family")
    items = read(folder, "items")
    assert plan[["cost_of_goods", "inventory_value"]].notna().all().all()
    # cost of goods: the plan's units at one average standard cost per family, within the
    # range of its SKUs' costs, and the budget margin rate that of cost to price
    sold = plan[plan["units"] > 0].assign(cost=lambda f: f["cost_of_goods"] / f["units"])
    assert (sold.groupby("family")["cost"].agg(np.ptp) < 0.01).all()
    costs = items.groupby("family")["standard_cost"].agg(["min", "max"])
    unit_cost = sold.groupby("family")["cost"].mean()
    assert unit_cost.between(costs["min"] - 0.01, costs["max"] + 0.01).all()
    assert (sold["cost_of_goods"] / sold["revenue"]).between(0.549, 0.751).all()
    # inventory: an MTS family's target days of the next month's cost of goods, MTO none
    for family, rows in plan.groupby("family"):
        rows = rows.sort_values("month")
        if families.loc[family, "strategy"] == "MTO":
            assert rows["inventory_value"].eq(0).all()
            continue
        following = rows["cost_of_goods"].shift(-1).fillna(rows["cost_of_goods"])
        days = families.loc[family, "inventory_target_days"]
        assert rows["inventory_value"].to_numpy() == pytest.approx(
            (days * following / 30.4).to_numpy(), abs=0.006)


def test_overrides_with_owners_and_reasons_in_the_first_months(folder):
    overrides = read(folder, "overrides")
    assert 5 <= len(overrides) <= 8
    assert set(overrides["level"]) == {"sku", "family"}
    assert set(overrides["kind"]) == {"absolute", "percent"}
    assert not overrides.duplicated(["level", "code", "month"]).any()
    assert overrides["month"].between(str(LAST + 1), str(LAST + 6)).all()
    assert overrides["owner"].str.contains(r"\(").all()
    assert overrides["reason"].str.len().gt(3).all()
    items, families = read(folder, "items"), read(folder, "families")
    skus = overrides.loc[overrides["level"] == "sku", "code"]
    assert skus.isin(items.loc[items["status"].isin(["active", "new"]), "sku"]).all()
    assert overrides.loc[overrides["level"] == "family", "code"].isin(families["family"]).all()
    assert overrides["value"].ge(-100).all()


def test_generated_company_validates_without_any_problem(folder):
    company, problems = check_company(folder)
    assert [str(p) for p in problems] == []
    assert company.last_closed_month == LAST
    assert len(company.items) == len(read(folder, "items"))


@pytest.mark.parametrize("sizes", [{"skus": 5}, {"months": 11}])
def test_too_small_a_sample_is_refused(tmp_path, sizes):
    with pytest.raises(ValueError, match="at least 6 SKUs and 12 months"):
        write_sample(tmp_path, **sizes)
