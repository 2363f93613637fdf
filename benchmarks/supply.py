"""Speed of the supply plan: a large synthetic optimisation and the sample's supply step.

Run from the repository root:

    .venv/bin/python -m benchmarks.supply                  # 50 families x 20 resources x 24
    .venv/bin/python -m benchmarks.supply --families 100 --resources 30 --months 36 --runs 3

1. Synthetic: `supply_plan` for F families x R resources x T months. Families are 70% MTS
   optimised, 10% level, 10% chase and 10% MTO optimised; each uses 2 to 4 resources; demand is
   seasonal with a p10-p90 band; resources have 95% of the average chase load as regular hours
   plus 15% overtime, so the seasonal peaks need overtime, building ahead or backlog.
2. Sample: the supply step of `sop_lib.run.steps` on data/sample (the plan, its capacity loads and
   the Parquet artifacts), after the demand step has run once (not timed).
Each figure is the median of `--runs` runs (the first run included), in seconds.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from sop_lib.data.company import Company, CompanyConfig
from sop_lib.data.contract import TABLES_BY_NAME, typed_frame

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
LAST_CLOSED = pd.Period("2025-12", "M")
DEFAULT_SIZE = (50, 20, 24)  # families, resources, months: the size the 2 s target is for


def table(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A contract table typed as Company holds it (absent columns empty)."""
    return typed_frame(TABLES_BY_NAME[name], frame)


def synthetic(families: int, resources: int, months: int,
              seed: int = 11) -> tuple[Company, pd.DataFrame]:
    """A company and its family demand (with a band) of the sizes asked for."""
    rng = np.random.default_rng(seed)
    names = [f"F{i:03d}" for i in range(families)]
    kinds = rng.choice(["optimised", "level", "chase", "mto"], size=families,
                       p=[0.7, 0.1, 0.1, 0.1])
    mts = kinds != "mto"
    base = rng.uniform(200, 2000, families)
    phase = rng.uniform(0, 2 * np.pi, families)
    season = 1 + 0.35 * np.sin(2 * np.pi * np.arange(months)[None, :] / 12 + phase[:, None])
    demand = base[:, None] * season
    hours = np.zeros((families, resources))
    for f in range(families):
        used = rng.choice(resources, size=rng.integers(2, 5), replace=False)
        hours[f, used] = rng.uniform(0.05, 0.5, len(used))
    average_load = (base[:, None] * hours).sum(axis=0)
    month_grid = pd.period_range(LAST_CLOSED + 1, periods=months, freq="M")
    frames = {
        "families": pd.DataFrame({
            "family": names, "strategy": np.where(mts, "MTS", "MTO"),
            "inventory_target_days": np.where(mts, rng.choice([20, 30, 45, 60], families), np.nan),
            "backlog_target_weeks": np.where(mts, np.nan, rng.choice([2, 4, 8], families)),
            "service_target": rng.choice([0.9, 0.95, 0.98], families),
            "plan_strategy": np.where(kinds == "mto", "optimised", kinds)}),
        "items": pd.DataFrame({"sku": [f"{n}-1" for n in names], "family": names,
                               "unit_price": rng.uniform(20, 200, families),
                               "standard_cost": rng.uniform(10, 100, families),
                               "status": "active"}),
        "demand_history": pd.DataFrame({"sku": [f"{n}-1" for n in names], "month": LAST_CLOSED,
                                        "bookings": base, "shipments": base}),
        "inventory": pd.DataFrame({"sku": [f"{n}-1" for n in names], "month": LAST_CLOSED,
                                   "on_hand": np.where(mts, base, 0.0)}),
        "open_orders": pd.DataFrame({"sku": [f"{n}-1" for n, m in zip(names, mts) if not m],
                                     "due_month": LAST_CLOSED + 1,
                                     "quantity": base[~mts]}),
        "resources": pd.DataFrame({
            "resource": [f"R{r:02d}" for r in range(resources)], "plant": "P1",
            "available_hours": 0.95 * average_load, "max_overtime_hours": 0.15 * average_load,
            "regular_cost_per_hour": rng.uniform(30, 60, resources),
            "overtime_cost_per_hour": rng.uniform(45, 90, resources)}),
        "bill_of_resources": pd.DataFrame([
            {"family": names[f], "resource": f"R{r:02d}", "hours_per_unit": hours[f, r]}
            for f, r in zip(*np.nonzero(hours))]),
    }
    tables = {name: table(name, frames.get(name, pd.DataFrame())) for name in TABLES_BY_NAME}
    company = Company(folder=Path("."), config=CompanyConfig("Synthetic", "EUR"), **tables)
    width = 0.25 * demand
    demand_frame = pd.DataFrame({
        "family": np.repeat(names, months),
        "month": pd.PeriodIndex(np.tile(month_grid, families), freq="M"),
        "consensus": demand.ravel(), "p10": (demand - width).ravel(),
        "p90": (demand + width).ravel()})
    return company, demand_frame


def timed(function, runs: int) -> float:
    """The median seconds of `runs` calls."""
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def synthetic_seconds(families: int, resources: int, months: int, runs: int) -> tuple:
    from sop_lib.supply.plan import supply_plan
    company, demand = synthetic(families, resources, months)
    result = supply_plan(company, demand)
    overtime = result.plan["overtime_hours"].sum()
    late = result.plan["shortfall"].sum()
    return timed(lambda: supply_plan(company, demand), runs), overtime, late


def sample_seconds(runs: int) -> float:
    from sop_lib.data.validation import load_company
    from sop_lib.run.steps import run_step
    from sop_lib.store.artifacts import ArtifactStore
    from sop_lib.store.cycle import PlanningCycle
    company = load_company(SAMPLE)
    with tempfile.TemporaryDirectory() as folder:
        run = PlanningCycle(company, company.default_cycle, company.config.horizon_months,
                            Path(folder) / "archive")
        store = ArtifactStore(Path(folder) / "artifacts")
        run_step("demand", run, store)
        return timed(lambda: run_step("supply", run, store), runs)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=DEFAULT_SIZE[0])
    parser.add_argument("--resources", type=int, default=DEFAULT_SIZE[1])
    parser.add_argument("--months", type=int, default=DEFAULT_SIZE[2])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    seconds, overtime, late = synthetic_seconds(args.families, args.resources, args.months,
                                                args.runs)
    default = (args.families, args.resources, args.months) == DEFAULT_SIZE
    print("| case | seconds (median) | target |\n|---|---:|---:|")
    print(f"| optimised plan, {args.families} families x {args.resources} resources x "
          f"{args.months} months ({overtime:,.0f} overtime hours, {late:,.0f} units late) | "
          f"{seconds:.2f} | {'2' if default else '-'} |", flush=True)
    sample = sample_seconds(args.runs)
    print(f"| supply step of data/sample (sop_lib.run.steps) | {sample:.2f} | 3 |")


if __name__ == "__main__":
    main()
