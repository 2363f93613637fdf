"""Targets of the supply plan: the inventory (MTS) or backlog (MTO) each family plans toward.

Cover. A target of D days is run-out cover: the stock at the end of month t lasts through the
demand of the D days that follow it, walked month by month (a month is 30.4 days; demand is
spread evenly over its month). So a 45-day target at the end of March is all of April's demand
plus half of May's, and a seasonal build shows in the target before the season starts. An MTO
backlog target of W weeks is the same cover over 7 x W days: the order book holds the demand of
the next W weeks. `forward_daily_demand` is the average daily demand of the next D days (of the
next month when D is shorter than a month), so cover = D x forward_daily_demand, and
days of supply = inventory / forward_daily_demand reads exactly D at target. Months past the
horizon repeat the demand of the same month a year earlier (horizons of 12 months or more) or
else the horizon's last month.

Safety stock (MTS). safety_stock_t = z(service_target) x sigma_t, where sigma_t is the forecast
error of the month the stock protects (month t+1; the last month uses its own) read from the
demand band: for a normal error, sigma = (p90 - p10) / (2 x 1.2816). z is the standard normal
quantile of the service target, taken 0 below a 50% target and capped at 99.99% (z = 3.72).
MTO families hold no finished stock: no safety stock.

Combination: target = max(cover, safety stock). The days target is the planners' whole target
inventory: it holds the cycle stock and the buffer they chose. Safety stock floors it where the
forecast is too uncertain for the service target; adding the two would count the buffer twice.
`target_basis` says which one sets each month's target.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from sop_lib.data.company import Company
from sop_lib.supply.inputs import PlanInputs, read_inputs

DAYS_PER_MONTH = 30.4
SEASON = 12
Z_P90 = NormalDist().inv_cdf(0.9)  # 1.2816: p10 and p90 lie 1.2816 sigma either side
MAX_SERVICE = 0.9999
COVER, SAFETY_STOCK = "days of supply", "safety stock"
BACKLOG_COVER = "weeks of backlog"

TARGET_COLUMNS = ["family", "month", "strategy", "target_days_or_weeks", "forward_daily_demand",
                  "cover", "forecast_sigma", "safety_stock", "target", "target_basis"]


@dataclass(frozen=True)
class Targets:
    """Families x months arrays of the targets (see the module notes)."""

    forward_daily: np.ndarray
    cover: np.ndarray
    sigma: np.ndarray
    safety_stock: np.ndarray
    target: np.ndarray
    notes: list[str]


def targets(company: Company, demand: pd.DataFrame) -> pd.DataFrame:
    """The target of every family and month of `demand` (consensus, optionally p10 and p90).

    Columns `family, month, strategy, target_days_or_weeks, forward_daily_demand, cover,
    forecast_sigma, safety_stock, target, target_basis`: target_days_or_weeks is the family's
    inventory_target_days (MTS) or backlog_target_weeks (MTO); cover and target are units;
    forecast_sigma is NaN where the demand has no band; target_basis is "days of supply",
    "safety stock" or "weeks of backlog".
    """
    inputs = read_inputs(company, demand)
    result = compute_targets(inputs)
    count = len(inputs.months)
    settings = np.where(inputs.mts, inputs.cover_days, inputs.cover_days / 7.0)
    basis = np.where(~inputs.mts[:, None], BACKLOG_COVER,
                     np.where(result.safety_stock > result.cover, SAFETY_STOCK, COVER))
    return pd.DataFrame({
        "family": np.repeat(inputs.families.to_numpy(), count),
        "month": pd.PeriodIndex(np.tile(inputs.months, len(inputs.families)), freq="M"),
        "strategy": np.repeat(inputs.strategy, count),
        "target_days_or_weeks": np.repeat(settings, count),
        "forward_daily_demand": result.forward_daily.ravel(),
        "cover": result.cover.ravel(),
        "forecast_sigma": result.sigma.ravel(),
        "safety_stock": result.safety_stock.ravel(),
        "target": result.target.ravel(),
        "target_basis": basis.ravel(),
    })[TARGET_COLUMNS]


def compute_targets(inputs: PlanInputs) -> Targets:
    """Cover, safety stock and target of every family and month of `inputs`."""
    days = inputs.cover_days
    forward_daily = forward_demand(inputs.demand, np.maximum(days, DAYS_PER_MONTH)) / np.maximum(
        days, DAYS_PER_MONTH)[:, None]
    cover = days[:, None] * forward_daily
    sigma, notes = forecast_sigma(inputs)
    safety = np.where(inputs.mts[:, None],
                      service_z(inputs.service_target)[:, None] * np.nan_to_num(sigma), 0.0)
    return Targets(forward_daily=forward_daily, cover=cover, sigma=sigma, safety_stock=safety,
                   target=np.maximum(cover, safety), notes=notes)


def forward_demand(demand: np.ndarray, days: np.ndarray) -> np.ndarray:
    """For each family and month t, the demand of the `days[f]` days after the end of month t."""
    count = demand.shape[1]
    months_ahead = days / DAYS_PER_MONTH
    extended = extend(demand, math.ceil(months_ahead.max(initial=0.0)) + 2)
    cumulative = np.concatenate([np.zeros((len(demand), 1)), extended.cumsum(axis=1)], axis=1)
    end = np.arange(1, count + 1)[None, :] + months_ahead[:, None]
    whole = np.floor(end).astype(int)
    rows = np.arange(len(demand))[:, None]
    at_end = cumulative[rows, whole] + (end - whole) * extended[rows, whole]
    return at_end - cumulative[:, 1:count + 1]


def extend(demand: np.ndarray, months: int) -> np.ndarray:
    """The demand with `months` more months: a year earlier's month, or the last month when the
    horizon is shorter than a year."""
    extended = np.concatenate([demand, np.zeros((len(demand), months))], axis=1)
    count = demand.shape[1]
    for k in range(count, count + months):
        extended[:, k] = extended[:, k - SEASON] if count >= SEASON else demand[:, -1]
    return extended


def forecast_sigma(inputs: PlanInputs) -> tuple[np.ndarray, list[str]]:
    """Per family and month, the forecast error of the month the stock protects (t+1, the last
    month its own), from the p10-p90 band; NaN where there is none, with notes saying so."""
    shape = inputs.demand.shape
    if inputs.band is None:
        return np.full(shape, np.nan), [
            "The demand has no forecast band (p10, p90): safety stock is 0 and the targets are "
            "the days of supply alone."]
    low, high = inputs.band
    width = np.maximum(high - low, 0.0) / (2.0 * Z_P90)
    sigma = np.concatenate([width[:, 1:], width[:, -1:]], axis=1)
    lacking = inputs.families[(np.isnan(sigma) & inputs.mts[:, None]).any(axis=1)]
    notes = [f"Family {family} has months without a forecast band: its safety stock there is 0."
             for family in lacking]
    return sigma, notes


def service_z(service: np.ndarray) -> np.ndarray:
    """The standard normal quantile of each service target, 0 below 50%, capped at 99.99%."""
    normal = NormalDist()
    return np.array([max(0.0, normal.inv_cdf(min(max(s, 0.5), MAX_SERVICE))) for s in service])
