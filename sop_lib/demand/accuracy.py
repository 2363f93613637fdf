"""Forecast accuracy, bias and forecast value added, measured on the plan archive.

Lags (as in `sop_lib.store.archive`): cycle C has history through C-1 and forecasts months C ..
C+H-1; its forecast of month M has lag L = M - C + 1. Lag 1 accuracy of month M compares the
bookings of M with the forecast made in cycle M; lag 3 with the forecast made in cycle M-2.

The window of a lag is the last `months` months that have both an actual (up to the last month
of `actuals`) and an archived forecast at that lag. A row of the result measures one family (or
SKU) at one lag over that window, from its monthly totals:

- WAPE = sum |F - A| / sum A over the row's months (a share: 0.12 is 12 %);
- bias = (sum F - sum A) / sum A (positive: forecast too high);
- tracking signal = sum (F - A) / MAD, MAD the mean of |F - A| over the window's months; when
  |TS| > TRACKING_SIGNAL_LIMIT the forecast is biased beyond chance, and `tracking_alert` is
  raised when its bias is material too: |bias| > `bias_alert` (company.yaml
  `status_bands.bias_alert`, default 5 %), so a steady 0.3 % bias raises none. It tracks the
  statistical forecast, the one every archived cycle holds;
- naive forecast (the FVA baseline) of month M at lag L: by default ("last") the actual of
  month M-L, the last actual known when the forecast was made (random walk, the classic FVA
  baseline); "seasonal" takes the actual of the same month a year earlier that was known then
  (M - 12 * ceil(L / 12)), better for strongly seasonal families;
- forecast value added, a difference of WAPEs (0.05 = 5 percentage points, positive = the step
  made the forecast better): fva_statistical = wape_naive - wape_statistical;
  fva_consensus = WAPE of the statistical forecast - wape_consensus, both on the months that
  have a consensus (backfilled cycles have none).

The "Total" row of a lag pools every family-month (its WAPE is the demand-weighted average of
the families'); its tracking signal is that of the company's monthly total.
A figure that cannot be computed is NaN and the `note` column says why.

The headline (`accuracy_headline`) measures lag 1 at the level planners are judged on: the
absolute errors of every SKU-month added up, with the family-month errors (where SKUs' errors
offset) beside it, on the same rows and window.
"""
from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from sop_lib.core.errors import ParameterError
from sop_lib.core.frames import join_on_key
from sop_lib.core.names import TOTAL
from sop_lib.data.company import Company, StatusBands
from sop_lib.store.archive import forecast_cycle

TRACKING_SIGNAL_LIMIT = 4
SEASON = 12
NAIVE_METHODS = ("last", "seasonal")
BIAS_ALERT = StatusBands.bias_alert
SKU_LEVEL, FAMILY_LEVEL = "SKU", "family"

ACTUALS_COLUMNS = ["sku", "family", "month", "bookings"]
METRIC_DTYPES = {
    "lag": "int64", "months": "int64", "first_month": pd.PeriodDtype("M"),
    "last_month": pd.PeriodDtype("M"), "actual": float, "statistical": float,
    "consensus": float, "naive": float, "consensus_months": "int64", "wape_naive": float,
    "wape_statistical": float, "wape_consensus": float, "bias_statistical": float,
    "bias_consensus": float, "tracking_signal": float, "tracking_alert": bool,
    "fva_statistical": float, "fva_consensus": float, "note": str,
}
_FORECASTS = ["actual", "statistical", "consensus", "naive"]
HEADLINE_DTYPES = {
    "level": str, "lag": "int64", "months": "int64", "first_month": pd.PeriodDtype("M"),
    "last_month": pd.PeriodDtype("M"), "actual": float, "abs_error": float, "accuracy": float,
    "bias": float, "source": str, "replayed_cycles": "int64", "note": str,
}


def sku_actuals(company: Company) -> pd.DataFrame:
    """Bookings per SKU and month with the SKU's family: columns sku, family, month, bookings."""
    history = company.demand_history[["sku", "month", "bookings"]]
    return join_on_key(history, company.items, "sku", ["family"])[ACTUALS_COLUMNS]


def accuracy_by_family(archive: pd.DataFrame, actuals: pd.DataFrame, *,
                       lags: Iterable[int] = (1, 3), months: int = 12, naive: str = "last",
                       bias_alert: float = BIAS_ALERT) -> pd.DataFrame:
    """Accuracy, bias and FVA per family and lag, plus a "Total" row per lag.

    `archive` is `load_archive`'s frame, `actuals` has columns sku, family, month, bookings
    (`sku_actuals`). Family figures compare family totals per month: the forecast sums the
    family's archived SKU rows, the actual all of its SKUs' bookings. Returns columns family,
    lag, months (months compared), first_month, last_month, actual, statistical, consensus and
    naive (units summed over the months; consensus over the consensus_months only),
    consensus_months, wape_naive, wape_statistical, wape_consensus, bias_statistical,
    bias_consensus, tracking_signal, tracking_alert, fva_statistical, fva_consensus and note,
    sorted by lag then family, the Total row last. `tracking_alert` needs |bias_statistical|
    beyond `bias_alert` as well as the tracking signal beyond its limit.
    """
    lags = _checked(lags, months, naive)
    compared = _compared(archive, actuals, ["family"], lags=lags, months=months, naive=naive)
    names = sorted(set(archive["family"].unique()) | set(actuals["family"].unique()))
    families = _metrics(compared, ["family"], _all_rows(names, lags, "family"), months,
                        bias_alert)
    total = _metrics(compared.assign(family=TOTAL), ["family"],
                     _all_rows([TOTAL] if names else [], lags, "family"), months, bias_alert)
    result = pd.concat([families, total], ignore_index=True)
    result["_total"] = result["family"] == TOTAL
    result = result.sort_values(["lag", "_total", "family"], ignore_index=True)
    return result.drop(columns="_total")


def accuracy_by_sku(archive: pd.DataFrame, actuals: pd.DataFrame, *,
                    lags: Iterable[int] = (1, 3), months: int = 12, naive: str = "last",
                    bias_alert: float = BIAS_ALERT) -> pd.DataFrame:
    """The same figures per SKU and lag, for the SKUs the archive holds (no Total row).

    Returns columns family, sku and then those of `accuracy_by_family` from lag on, sorted by
    lag, family and SKU. A SKU booked in a month but absent from that month's archived
    forecast (launched later) is not compared there.
    """
    lags = _checked(lags, months, naive)
    keys = ["family", "sku"]
    compared = _compared(archive, actuals, keys, lags=lags, months=months, naive=naive)
    skus = archive[keys].drop_duplicates()
    frame = skus.merge(pd.DataFrame({"lag": lags}), how="cross")
    result = _metrics(compared, keys, frame, months, bias_alert)
    return result.sort_values(["lag", "family", "sku"], ignore_index=True)


def accuracy_headline(archive: pd.DataFrame, actuals: pd.DataFrame, *,
                      replayed: Iterable[pd.Period] = (), lag: int = 1,
                      months: int = 12) -> pd.DataFrame:
    """The headline forecast accuracy at one lag: a "SKU" row, then a "family" row.

    Both rows measure the same SKU-months, those of `accuracy_by_family`'s window at `lag`:
    every SKU each compared cycle forecast, plus every SKU booked in a family-month the cycle
    forecast but without a forecast of its own (forecast 0), so their family sums are the
    family-months `accuracy_by_family` compares. The SKU row adds up the absolute error of every
    SKU-month, the family row that of every family-month (where SKUs' errors offset), so both
    have the same actual and bias and the SKU abs_error is at least the family one.

    The forecast is the consensus (source "consensus") when every compared cycle holds its
    published consensus, else the statistical forecast. `replayed` are the cycles
    `backfill.with_replayed_cycles` replayed from history into `archive`; replayed_cycles
    counts those among the window's cycles, and `note` says in a sentence for the page what the
    figures rest on ("" when there is nothing to say). Columns level, lag, months, first_month,
    last_month, actual, abs_error (units), accuracy (1 - abs_error / actual), bias ((forecast -
    actual) / actual), source, replayed_cycles, note.
    """
    [lag] = _checked([lag], months, "last")
    compared = _compared(archive, actuals, ["family", "sku"], lags=[lag], months=months,
                         naive="last", unforecast=True)
    published = compared["consensus"].notna().groupby(compared["month"]).all()
    source = "consensus" if len(published) and published.all() else "statistical"
    cycles = {forecast_cycle(month, lag) for month in published.index}
    replayed_count = len(cycles & set(replayed))
    months_compared = len(published)
    common = {
        "lag": lag, "months": months_compared,
        "first_month": compared["month"].min(), "last_month": compared["month"].max(),
        "source": source, "replayed_cycles": replayed_count,
        "note": _headline_note(lag, months_compared, months, int((~published).sum()),
                               replayed_count),
    }
    rows = compared.rename(columns={source: "forecast"})[["family", "month", "forecast",
                                                           "actual"]]
    families = rows.groupby(["family", "month"], as_index=False)[["forecast", "actual"]].sum()
    result = pd.DataFrame([{"level": level, **common, **_headline_figures(level_rows)}
                           for level, level_rows in ((SKU_LEVEL, rows),
                                                     (FAMILY_LEVEL, families))])
    return result[list(HEADLINE_DTYPES)].astype(HEADLINE_DTYPES)


def _headline_figures(rows: pd.DataFrame) -> dict:
    """Actual, absolute error, accuracy and bias of some forecast-actual rows."""
    actual = float(rows["actual"].sum())
    abs_error = float((rows["forecast"] - rows["actual"]).abs().sum())
    demand = actual if actual > 0 else math.nan
    return {"actual": actual, "abs_error": abs_error, "accuracy": 1 - abs_error / demand,
            "bias": (float(rows["forecast"].sum()) - actual) / demand}


def _headline_note(lag: int, months: int, window: int, unpublished: int, replayed: int) -> str:
    """What the headline rests on: too few months, or statistical forecasts in place of the
    consensus (`unpublished` cycles have none, `replayed` of them replayed from history)."""
    if months == 0:
        return f"No archived or replayed forecast at lag {lag} for a closed month yet."
    notes = [] if months == window else [f"Only {months} of {window} months compared."]
    if unpublished:
        if unpublished == replayed:
            published = months - unpublished
            notes.append(f"Measured on statistical forecasts replayed from history for "
                         f"{replayed} of {months} cycles ("
                         + ("no published pack yet" if not published else
                            f"{published} published") + ")")
        else:
            notes.append(f"Measured on statistical forecasts: {unpublished} of {months} cycles "
                         f"have no published consensus ({replayed} replayed from history, "
                         f"{unpublished - replayed} archived without one)")
        notes[-1] += "; the consensus used counts once the window's cycles are published."
    return " ".join(notes)


def _checked(lags: Iterable[int], months: int, naive: str) -> list[int]:
    lags = sorted(set(lags))
    if not lags or lags[0] < 1:
        raise ParameterError(f"lags must be whole months of 1 or more, got {lags}")
    if months < 1:
        raise ParameterError(f"months must be at least 1, got {months}")
    if naive not in NAIVE_METHODS:
        raise ParameterError(f"naive must be one of {', '.join(NAIVE_METHODS)}, got {naive!r}")
    return lags


def _all_rows(names: list[str], lags: list[int], key: str) -> pd.DataFrame:
    return pd.DataFrame([(name, lag) for lag in lags for name in names], columns=[key, "lag"])


def _naive_offset(lag: int, naive: str) -> int:
    """How many months before the forecast month the naive forecast's actual lies."""
    return lag if naive == "last" else SEASON * math.ceil(lag / SEASON)


def _compared(archive: pd.DataFrame, actuals: pd.DataFrame, keys: list[str], *,
              lags: list[int], months: int, naive: str,
              unforecast: bool = False) -> pd.DataFrame:
    """One row per key, lag and window month: actual, statistical, consensus and naive units.

    Forecast units are summed over the archive's SKU rows of the key; actual units over the
    actuals' rows of the key's last column (family or SKU), zero when it booked nothing.
    The naive forecast is NaN when its month lies before the first month of actuals.
    `unforecast` (keys family and sku) adds the SKUs booked in a compared family-month that
    the cycle did not forecast (`_unforecast`).
    """
    last_actual, first_actual = actuals["month"].max(), actuals["month"].min()
    rows = archive[archive["lag"].isin(lags) & (archive["month"] <= last_actual)]
    window = (rows[["lag", "month"]].drop_duplicates().sort_values("month")
              .groupby("lag").tail(months))
    rows = rows.merge(window, on=["lag", "month"])
    rows = (rows.groupby([*keys, "lag", "month"], sort=True)[["statistical", "consensus"]]
            .sum(skipna=False).reset_index())
    if unforecast:
        rows = pd.concat([rows, _unforecast(rows, actuals)], ignore_index=True)
    actual_key = keys[-1]
    booked = actuals.groupby([actual_key, "month"])["bookings"].sum()
    rows["actual"] = _lookup(booked, rows[actual_key], rows["month"])
    naive_month = rows["month"] - rows["lag"].map(lambda lag: _naive_offset(lag, naive))
    rows["naive"] = _lookup(booked, rows[actual_key], naive_month).where(
        naive_month >= first_actual)
    return rows[[*keys, "lag", "month", *_FORECASTS]]


def _unforecast(rows: pd.DataFrame, actuals: pd.DataFrame) -> pd.DataFrame:
    """Rows (family, sku, lag, month, statistical, consensus) of the SKUs booked in a compared
    family-month without a forecast of their own that cycle (launched after it was made): their
    forecast is 0, and so is their consensus in a cycle whose every row holds one."""
    booked = actuals.loc[actuals["bookings"] > 0, ["family", "sku", "month"]].drop_duplicates()
    candidates = booked.merge(rows[["family", "lag", "month"]].drop_duplicates(),
                              on=["family", "month"])
    forecast = rows[["sku", "lag", "month"]].assign(_forecast=True)
    missing = candidates.merge(forecast, on=["sku", "lag", "month"], how="left")
    missing = missing[missing["_forecast"].isna()].drop(columns="_forecast")
    published = rows["consensus"].notna().groupby([rows["lag"], rows["month"]]).all()
    consensus = published.reindex(pd.MultiIndex.from_frame(missing[["lag", "month"]]))
    return missing.assign(statistical=0.0,
                          consensus=consensus.map({True: 0.0, False: math.nan}).to_numpy())


def _lookup(booked: pd.Series, codes: pd.Series, months: pd.Series) -> pd.Series:
    """Bookings of each (code, month) pair, zero when there is no row; indexed like `codes`."""
    values = booked.reindex(pd.MultiIndex.from_arrays([codes, months])).fillna(0.0)
    return pd.Series(values.to_numpy(), index=codes.index)


def _metrics(compared: pd.DataFrame, keys: list[str], frame: pd.DataFrame,
             months: int, bias_alert: float) -> pd.DataFrame:
    """The figures of every (keys, lag) row of `frame` from the compared months."""
    group = [*keys, "lag"]
    parts = _parts(compared)
    sums = parts.groupby(group).agg(
        months=("month", "nunique"), first_month=("month", "min"), last_month=("month", "max"),
        actual=("actual", "sum"), statistical=("statistical", "sum"),
        naive=("naive", "sum"), naive_missing=("naive_missing", "sum"),
        consensus=("consensus_part", "sum"), consensus_months=("consensus_month", "nunique"),
        actual_c=("actual_c", "sum"), error_statistical=("error_statistical", "sum"),
        error_naive=("error_naive", "sum"),
        error_statistical_c=("error_statistical_c", "sum"),
        error_consensus=("error_consensus", "sum"))
    monthly = parts.groupby([*group, "month"])["signed_error"].sum()
    sums["cumulative_error"] = monthly.groupby(level=group).sum()
    sums["mad"] = monthly.abs().groupby(level=group).mean()
    result = frame.merge(sums.reset_index(), on=group, how="left")
    counts = ["months", "consensus_months"]
    result[counts] = result[counts].fillna(0).astype("int64")
    return _figures(result, keys, months, set(compared["lag"]), bias_alert)


def _parts(compared: pd.DataFrame) -> pd.DataFrame:
    """Per compared row, the absolute and signed errors the figures add up."""
    actual, statistical = compared["actual"], compared["statistical"]
    has_consensus = compared["consensus"].notna()
    error_statistical = (statistical - actual).abs()
    return compared.assign(
        naive_missing=compared["naive"].isna(),
        consensus_month=compared["month"].where(has_consensus),
        consensus_part=compared["consensus"].where(has_consensus, 0.0),
        actual_c=actual.where(has_consensus, 0.0),
        error_statistical=error_statistical,
        error_naive=(compared["naive"] - actual).abs(),
        error_statistical_c=error_statistical.where(has_consensus, 0.0),
        error_consensus=(compared["consensus"] - actual).abs().where(has_consensus, 0.0),
        signed_error=statistical - actual)


def _figures(sums: pd.DataFrame, keys: list[str], months: int,
             compared_lags: set[int], bias_alert: float) -> pd.DataFrame:
    """Turn the summed errors into WAPE, bias, tracking signal, FVA and notes."""
    demand = sums["actual"].where(sums["actual"] > 0)
    demand_c = sums["actual_c"].where((sums["actual_c"] > 0) & (sums["consensus_months"] > 0))
    result = sums[[*keys, "lag", "months", "first_month", "last_month", "actual",
                   "statistical"]].copy()
    result["consensus"] = sums["consensus"].where(sums["consensus_months"] > 0)
    naive_known = sums["naive_missing"] == 0
    result["naive"] = sums["naive"].where(naive_known)
    result["consensus_months"] = sums["consensus_months"]
    result["wape_naive"] = sums["error_naive"].where(naive_known) / demand
    result["wape_statistical"] = sums["error_statistical"] / demand
    result["wape_consensus"] = sums["error_consensus"] / demand_c
    result["bias_statistical"] = (sums["statistical"] - sums["actual"]) / demand
    result["bias_consensus"] = (result["consensus"] - sums["actual_c"]) / demand_c
    result["tracking_signal"] = ((sums["cumulative_error"] / sums["mad"])
                                 .where(sums["mad"] > 0, 0.0).where(sums["months"] > 0))
    result["tracking_alert"] = ((result["tracking_signal"].abs() > TRACKING_SIGNAL_LIMIT)
                                & (result["bias_statistical"].abs() > bias_alert))
    result["fva_statistical"] = result["wape_naive"] - result["wape_statistical"]
    result["fva_consensus"] = sums["error_statistical_c"] / demand_c - result["wape_consensus"]
    level = "SKU" if "sku" in keys else "family"
    result["note"] = [_note(row, months, level, row.lag in compared_lags)
                      for row in result.itertuples(index=False)]
    return result.astype({**{key: str for key in keys}, **METRIC_DTYPES})


def _note(row, months: int, level: str, lag_compared: bool) -> str:
    """Why a figure of the row is missing, or what it rests on when it is partial."""
    if row.months == 0:
        if not lag_compared or row.family == TOTAL:
            return f"no archived forecast at lag {row.lag} for a closed month yet"
        return f"no archived forecast of this {level} at lag {row.lag} in these months"
    notes = []
    if row.months < months:
        notes.append(f"{row.months} of {months} months archived at lag {row.lag}")
    if row.actual <= 0:
        notes.append("no bookings in these months: WAPE, bias and FVA undefined")
    elif math.isnan(row.naive):
        notes.append("naive forecast needs bookings before the first month of history")
    if row.consensus_months == 0:
        notes.append("no consensus archived (backfilled cycles): statistical only")
    elif row.consensus_months < row.months:
        notes.append(f"consensus in {row.consensus_months} of {row.months} months "
                     "(the others backfilled)")
    return "; ".join(notes)


def plan_accuracy(accuracy: pd.DataFrame, *, lag: int = 1) -> pd.DataFrame:
    """Per family at one lag, the accuracy of the plan leadership saw: the consensus where every
    month of the window has one, else the statistical forecast.

    Columns family, months, actual, forecast, abs_error, wape, bias, source; no Total row.
    """
    rows = accuracy[(accuracy["lag"] == lag) & (accuracy["family"] != TOTAL)]
    full = rows["consensus_months"].eq(rows["months"]) & rows["months"].gt(0)
    forecast = rows["consensus"].where(full, rows["statistical"])
    wape = rows["wape_consensus"].where(full, rows["wape_statistical"])
    return pd.DataFrame({
        "family": rows["family"], "months": rows["months"], "actual": rows["actual"],
        "forecast": forecast, "abs_error": wape * rows["actual"], "wape": wape,
        "bias": rows["bias_consensus"].where(full, rows["bias_statistical"]),
        "source": full.map({True: "consensus", False: "statistical"}),
    }).reset_index(drop=True)
