"""Statistical demand forecast per SKU: the segment picks the candidate methods, the batched
engine fits them all at once, chooses one per SKU by backtest and gives P10/P50/P90.

The demand signal is `bookings` (what customers ordered, i.e. true demand). Mature SKUs with
smooth or erratic demand get the smooth methods, intermittent or lumpy ones the intermittent
methods (Croston, SBA, TSB); new SKUs get a share of their family's forecast (`lifecycle`), with
the family's band scaled to that share; phase-out SKUs are forecast by their pattern and zeroed
after their end of life; inactive SKUs and SKUs without demand in the window get zero.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_lib import engine
from sop_lib.core.errors import ParameterError
from sop_lib.core.frames import positions, repeated
from sop_lib.core.months import month_range
from sop_lib.data.company import Company
from sop_lib.data.history_matrix import HistoryMatrix, started_series
from sop_lib.demand.lifecycle import apply_end_of_life, new_item_forecast
from sop_lib.demand.segments import (
    INTERMITTENT_METHODS,
    NEW_ITEM_METHODS,
    PHASE_OUT_METHODS,
    SMOOTH_METHODS,
    segment_items,
)
from sop_lib.engine.selection import MEAN

QUANTILES = (0.1, 0.5, 0.9)
BANDS = ("p10", "p50", "p90")
# The engine's options per method family: smooth SKUs get the mean of the smooth candidates;
# intermittent ones the best of Croston's family per SKU (on the intermittent SKUs of a
# generated company, MASE 0.956 chosen per SKU against 0.968 for the mean; docs/performance.md)
ENGINE_GROUPS = {SMOOTH_METHODS: {"methods": engine.SMOOTH_METHODS, "choice": "mean"},
                 INTERMITTENT_METHODS: {"methods": engine.INTERMITTENT_METHODS,
                                        "choice": "select"}}
ZERO, ZERO_LABEL = "zero", "zero: no demand in the window"
TEXT_COLUMNS = {"sku": str, "family": str, "method": str, "segment": str}
COLUMNS = ["sku", "family", "month", "forecast", *BANDS, "method", "segment"]


@dataclass(frozen=True)
class DemandForecast:
    """The statistical forecast per SKU, each family series' own forecast, and the scores."""

    sku: pd.DataFrame
    family: pd.DataFrame
    scores: pd.DataFrame
    segments: pd.DataFrame


def statistical_forecast(company: Company, *, cycle, horizon: int, measure: str = "wape",
                         bookings: HistoryMatrix | None = None) -> pd.DataFrame:
    """Forecast every SKU for months cycle .. cycle+horizon-1 (see `demand_forecast`)."""
    return demand_forecast(company, cycle=cycle, horizon=horizon, measure=measure,
                           bookings=bookings).sku


def demand_forecast(company: Company, *, cycle, horizon: int, measure: str = "wape",
                    bookings: HistoryMatrix | None = None) -> DemandForecast:
    """Forecast every SKU and every family series for months cycle .. cycle+horizon-1.

    Fitted on history up to the last closed month; months between it and the cycle are
    forecast too, then dropped. `sku` has columns sku, family, month, forecast, p10, p50, p90,
    method and segment (the SKU's method family); `family` has family, month, forecast, p10,
    p50, p90 and method (each family's own series, for new items and family intervals);
    `scores` has each SKU's backtest error per candidate method, in `measure`. `bookings` are
    `HistoryMatrix.of(company)` when the caller has them already.
    """
    cycle = pd.Period(cycle, freq="M")
    first = company.last_closed_month + 1
    if horizon < 1 or cycle < first:
        raise ParameterError(f"cannot forecast cycle {cycle} over {horizon} months: the cycle "
                             "must come after the last closed month and the horizon be 1 or more")
    steps = (cycle - first).n + horizon
    bookings = HistoryMatrix.of(company) if bookings is None else bookings
    segments = segment_items(company, cycle=cycle, horizon=horizon, bookings=bookings)
    route = _route(segments)
    matrix = bookings.series(segments["sku"])
    family = family_forecast(company, first=first, steps=steps, measure=measure,
                             bookings=bookings)
    frames, scores = [], []
    for group, options in ENGINE_GROUPS.items():
        rows = np.flatnonzero(route == group)
        if rows.size:
            result = engine.forecast_matrix(matrix[rows], steps, **options, measure=measure,
                                            quantiles=QUANTILES)
            frames.append(_long(segments.iloc[rows], result, first, steps))
            scores.append(result.scores.assign(sku=segments["sku"].iloc[rows].to_numpy()))
    frames.append(_new_items(company, segments, family, first, steps, bookings))
    frames.append(_zeros(segments[route == ZERO], first, steps))
    sku = apply_end_of_life(pd.concat(frames, ignore_index=True), company.items)
    sku.loc[sku["forecast"] == 0, list(BANDS)] = 0.0
    order = np.lexsort((sku["month"].array.asi8, positions(sku["sku"], segments["sku"])))
    return DemandForecast(
        sku=_from_cycle(sku.iloc[order][COLUMNS].astype(TEXT_COLUMNS), cycle),
        family=_from_cycle(family, cycle),
        scores=pd.concat(scores, ignore_index=True) if scores else pd.DataFrame(),
        segments=segments)


def family_forecast(company: Company, *, first: pd.Period, steps: int, measure: str = "wape",
                    bookings: HistoryMatrix | None = None) -> pd.DataFrame:
    """Each family's bookings series forecast on its own with the smooth methods (`bookings`:
    `HistoryMatrix.of(company)` when the caller has them already)."""
    bookings = HistoryMatrix.of(company) if bookings is None else bookings
    families, totals = bookings.through(first - 1).family_totals()
    result = engine.forecast_matrix(started_series(totals), steps,
                                    methods=engine.SMOOTH_METHODS, measure=measure,
                                    quantiles=QUANTILES)
    frame = _long(pd.DataFrame({"sku": families, "family": families, "method_family": ""}),
                  result, first, steps)
    return frame.drop(columns=["sku", "segment"]).astype({"family": str, "method": str})


def _route(segments: pd.DataFrame) -> np.ndarray:
    """Which forecast each SKU gets: engine group, new item or zero."""
    family = segments["method_family"].to_numpy(dtype=object)
    pattern = segments["pattern"].to_numpy(dtype=object)
    by_pattern = np.select([np.isin(pattern, ["smooth", "erratic"]),
                            np.isin(pattern, ["intermittent", "lumpy"])],
                           [SMOOTH_METHODS, INTERMITTENT_METHODS], ZERO)
    return np.select([np.isin(family, [SMOOTH_METHODS, INTERMITTENT_METHODS, NEW_ITEM_METHODS]),
                      family == PHASE_OUT_METHODS], [family, by_pattern], ZERO)


def _long(rows: pd.DataFrame, result, first: pd.Period, steps: int) -> pd.DataFrame:
    """An engine result as long rows: one per series and month."""
    months = month_range(first, steps)
    count = len(rows)
    frame = pd.DataFrame({
        "sku": repeated(rows["sku"], steps),
        "family": repeated(rows["family"], steps),
        "month": _tiled(months, count),
        "forecast": result.point.ravel(),
        "method": repeated(result.method.astype(str), steps),
        "segment": repeated(rows["method_family"], steps),
    })
    for band, level in zip(BANDS, QUANTILES):
        frame[band] = result.quantiles[level].ravel()
    return frame


def _new_items(company, segments, family, first, steps, bookings) -> pd.DataFrame:
    """New SKUs: family share of the family forecast, the band scaled alike."""
    new = new_item_forecast(company, segments, family[["family", "month", "forecast"]],
                            cycle=first, horizon=steps, bookings=bookings)
    ratios = family.set_index(["family", "month"])
    keys = pd.MultiIndex.from_frame(new[["family", "month"]])
    for band in BANDS:
        ratio = (ratios[band] / ratios["forecast"].where(ratios["forecast"] > 0)).reindex(keys)
        new[band] = new["forecast"].to_numpy() * ratio.fillna(1.0).to_numpy()
    return new.assign(segment=NEW_ITEM_METHODS)


def _zeros(rows: pd.DataFrame, first: pd.Period, steps: int) -> pd.DataFrame:
    months = month_range(first, steps)
    frame = pd.DataFrame({"sku": repeated(rows["sku"], steps),
                          "family": repeated(rows["family"], steps),
                          "month": _tiled(months, len(rows)), "forecast": 0.0,
                          "method": ZERO_LABEL,
                          "segment": repeated(rows["method_family"], steps)})
    return frame.assign(**dict.fromkeys(BANDS, 0.0))


def _tiled(months: pd.PeriodIndex, count: int) -> pd.PeriodIndex:
    """The months repeated for `count` series, as a Period[M] index."""
    return pd.PeriodIndex.from_ordinals(np.tile(months.asi8, count), freq="M")


def _from_cycle(frame: pd.DataFrame, cycle: pd.Period) -> pd.DataFrame:
    return frame[frame["month"] >= cycle].reset_index(drop=True)


def method_summary(forecast: pd.DataFrame, scores: pd.DataFrame, *,
                   measure: str = "") -> pd.DataFrame:
    """Per method chosen: SKUs, units forecast, and the backtest error that won against the
    best single method it beat (scores in the company's error measure).

    With `measure` "wape" the two errors are named wape_backtest and wape_best_single, so that
    they read as a share of the bookings like every WAPE of the pack.
    """
    first = forecast.groupby("sku", sort=False).agg(method=("method", "first"),
                                                     units=("forecast", "sum"))
    table = first.join(scores.set_index("sku"), how="left")
    singles = [c for c in scores.columns if c != "sku" and not c.startswith("combo")]
    scored = [c for c in table.columns if c in scores.columns]
    mean = table[MEAN].notna() if MEAN in table else pd.Series(False, index=table.index)
    chosen = pd.Index(scored).get_indexer([_score_column(method, by_mean)
                                           for method, by_mean in zip(table["method"], mean)])
    values = np.column_stack([table[scored].to_numpy(dtype=float), np.full(len(table), np.nan)])
    table["score"] = values[np.arange(len(table)), chosen]  # -1, the last column: no score
    table["best_single"] = table[singles].min(axis=1) if singles else np.nan
    summary = table.groupby("method").agg(skus=("units", "size"), units=("units", "sum"),
                                          score=("score", "median"),
                                          best_single=("best_single", "median"))
    summary = summary.sort_values("skus", ascending=False).reset_index()
    summary.insert(1, "description", summary["method"].map(engine.describe))
    if measure.lower() == "wape":
        summary = summary.rename(columns={"score": "wape_backtest",
                                          "best_single": "wape_best_single"})
    return summary


def _score_column(method: str, by_mean: bool) -> str | None:
    """The scores column of a method label: the mean of all candidates (`by_mean`, the SKU was
    forecast with choice "mean") is scored as combo, the mean of a SKU's best N as combo<N>."""
    if method.startswith("combo: "):
        return MEAN if by_mean else f"combo{method.count('+') + 1}"
    return method if method in engine.METHODS else None
