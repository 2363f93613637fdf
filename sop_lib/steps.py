"""The four steps of the monthly cycle: what each computes and which artifacts it writes."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from . import capacity, consensus, finance, forecast, kpis, presop, supply
from .artifacts import ArtifactStore
from .company import Company


@dataclass(frozen=True)
class Step:
    """One step: its notebook, the artifacts it reads and the ones it writes."""

    name: str
    notebook: str
    title: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    compute: Callable[..., dict[str, pd.DataFrame]]


def _demand(company: Company, cycle: pd.Period, horizon: int, inputs) -> dict:
    stat = forecast.statistical_forecast(company, cycle=cycle, horizon=horizon)
    sku_plan, audit = consensus.apply_overrides(stat, company.overrides, company.items)
    return {
        "forecast": stat,
        "consensus": sku_plan,
        "override_audit": audit,
        "demand": consensus.family_demand(sku_plan),
        "backtest": forecast.backtest(company),
    }


def _supply(company: Company, cycle: pd.Period, horizon: int, inputs) -> dict:
    plan = supply.plan_supply(company, inputs["demand"])
    required_load = capacity.capacity_load(company, plan, column="required")
    by_family = capacity.load_by_family(company, plan, column="required")
    return {
        "plan": plan,
        "load": capacity.capacity_load(company, plan),
        "required_load": required_load,
        "load_by_family": by_family,
        "overloads": capacity.overloads(required_load, by_family),
    }


def _presop(company: Company, cycle: pd.Period, horizon: int, inputs) -> dict:
    money = finance.money_view(company, inputs["plan"], inputs["consensus"])
    outlook = finance.fiscal_year_outlook(company, money)
    balance = presop.balance(inputs["plan"], money)
    return {
        "money": money,
        "outlook": outlook,
        "balance": balance,
        "balance_summary": presop.balance_summary(balance),
        "decisions": presop.decisions(company, inputs["plan"], inputs["required_load"], money,
                                        outlook),
    }


def _executive(company: Company, cycle: pd.Period, horizon: int, inputs) -> dict:
    plan, money, backtest = inputs["plan"], inputs["money"], inputs["backtest"]
    return {
        "kpis": kpis.headline_kpis(company, plan, inputs["required_load"], money, inputs["outlook"],
                                   backtest),
        "family_status": kpis.family_status(company, plan, money, backtest),
    }


STEPS: tuple[Step, ...] = (
    Step("demand", "01_demand_review", "Demand review", (),
         ("forecast", "consensus", "override_audit", "demand", "backtest"), _demand),
    Step("supply", "02_supply_review", "Supply review", ("demand",),
         ("plan", "load", "required_load", "load_by_family", "overloads"), _supply),
    Step("presop", "03_pre_sop", "Pre-S&OP", ("plan", "consensus", "required_load"),
         ("money", "outlook", "balance", "balance_summary", "decisions"), _presop),
    Step("executive", "04_executive_sop", "Executive S&OP",
         ("plan", "required_load", "money", "outlook", "backtest", "decisions"),
         ("kpis", "family_status"), _executive),
)
STEPS_BY_NAME = {s.name: s for s in STEPS}


def _producer(artifact: str) -> Step:
    return next(s for s in STEPS if artifact in s.writes)


def run_step(name: str, company: Company, cycle: pd.Period, horizon: int,
             store: ArtifactStore) -> dict[str, pd.DataFrame]:
    """Compute a step from its inputs, write its artifacts and return them.

    Inputs missing from the store are built first by the steps that produce them, so a
    notebook opened on its own still runs.
    """
    step = STEPS_BY_NAME[name]
    for artifact in step.reads:
        if not store.has(artifact):
            run_step(_producer(artifact).name, company, cycle, horizon, store)
    outputs = step.compute(company, cycle, horizon, store.read_all(step.reads))
    store.write_all(outputs)
    return outputs
