"""The demand review step: statistical forecast, reconciled hierarchy, consensus, accuracy."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from sop_lib.data.company import Company
from sop_lib.demand.accuracy import (
    accuracy_by_family,
    accuracy_headline,
    plan_accuracy,
    sku_actuals,
)
from sop_lib.demand.backfill import with_replayed_cycles
from sop_lib.demand.consensus import apply_override_log, family_demand
from sop_lib.demand.forecast import BANDS, demand_forecast
from sop_lib.demand.hierarchy import TOTAL_CODE, family_intervals, reconcile
from sop_lib.store.archive import load_archive
from sop_lib.store.cycle import PlanningCycle


def demand_review(run: PlanningCycle, inputs: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The demand review step of `run` (it reads no earlier artifact)."""
    return review_demand(run.company, cycle=run.cycle, horizon=run.horizon,
                         archive_dir=run.archive_dir)


def review_demand(company: Company, *, cycle: pd.Period, horizon: int,
                  archive_dir: Path) -> dict[str, pd.DataFrame]:
    """Every table of the demand review, by artifact name."""
    made = demand_forecast(company, cycle=cycle, horizon=horizon,
                           measure=company.config.error_measure)
    nodes = reconcile(_base(made.sku, made.family), made.sku.groupby("sku")["family"].first(),
                      method=company.config.reconciliation)
    statistical = _reconciled_skus(made.sku, nodes)
    sku_plan, audit = apply_override_log(statistical, company.overrides, company.items,
                                         origin=company.origin("overrides"))
    bands = family_intervals(made.family, nodes)
    archive, replayed = with_replayed_cycles(company, load_archive(archive_dir, before=cycle))
    actuals = sku_actuals(company)
    accuracy = accuracy_by_family(archive, actuals,
                                  bias_alert=company.config.status_bands.bias_alert)
    return {
        "segments": made.segments,
        "forecast": statistical,
        "family_forecast": made.family,
        "scores": made.scores,
        "consensus": sku_plan,
        "override_audit": audit,
        "demand": family_demand(sku_plan).merge(bands, on=["family", "month"], how="left"),
        "accuracy": accuracy,
        "plan_accuracy": plan_accuracy(accuracy),
        "accuracy_headline": accuracy_headline(archive, actuals, replayed=replayed),
        "replayed_cycles": pd.DataFrame({"cycle": pd.PeriodIndex(replayed, freq="M")}),
        "lag_one_forecast": lag_one_forecast(archive, replayed),
    }


def lag_one_forecast(archive: pd.DataFrame, replayed: list[pd.Period]) -> pd.DataFrame:
    """The statistical forecast each closed month had one month ahead, per family, from the
    archive completed with the replayed cycles: `family, month, cycle, statistical, replayed`
    (replayed: the cycle was not in the plan archive and was replayed from history)."""
    rows = archive[archive["lag"] == 1]
    sums = rows.groupby(["family", "month", "cycle"], as_index=False)["statistical"].sum()
    return sums.assign(replayed=sums["cycle"].isin(pd.PeriodIndex(replayed, freq="M")))


def _base(sku: pd.DataFrame, family: pd.DataFrame) -> pd.DataFrame:
    """Base forecasts of every node: SKUs, families (their own series) and the total."""
    total = family.groupby("month", as_index=False)["forecast"].sum().assign(code=TOTAL_CODE)
    return pd.concat([
        total.assign(level="total"),
        family.rename(columns={"family": "code"}).assign(level="family"),
        sku.rename(columns={"sku": "code"}).assign(level="sku"),
    ], ignore_index=True)[["level", "code", "month", "forecast"]]


def _reconciled_skus(sku: pd.DataFrame, nodes: pd.DataFrame) -> pd.DataFrame:
    """SKU forecasts replaced by their reconciled figures, bands moved by the same amount."""
    figures = nodes[nodes["level"] == "sku"].rename(columns={"code": "sku"})
    merged = sku.merge(figures[["sku", "month", "reconciled"]], on=["sku", "month"], how="left")
    shift = merged["reconciled"] - merged["forecast"]
    for band in BANDS:
        merged[band] = (merged[band] + shift).clip(lower=0.0)
    return merged.assign(forecast=merged["reconciled"]).drop(columns="reconciled")
