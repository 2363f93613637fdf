"""Demand segments per SKU: ABC by value, XYZ by variability, demand pattern, life-cycle stage.

The segments say which kind of forecast fits each SKU (`method_family`): a statistical method
for smooth demand, a Croston-type method for intermittent demand, a family share for a new item,
zero after end of life. The demand signal is `bookings`. Every window ends at the last closed
month; a SKU's history starts at its first month in demand_history (no earlier zeros).
`SEGMENT_RULES` states every rule with its thresholds, for a notebook to show.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sop_lib.core.errors import ParameterError
from sop_lib.core.months import month_label
from sop_lib.data.company import Company
from sop_lib.data.history_matrix import HistoryMatrix

VALUE_MONTHS = 12
VARIABILITY_MONTHS = 24
ABC_A_SHARE = 0.80
ABC_B_SHARE = 0.95
XYZ_X_CV = 0.5
XYZ_Y_CV = 1.0
ADI_CUTOFF = 1.32
CV2_CUTOFF = 0.49
NEW_ITEM_MONTHS = 12

NO_XYZ = "none"
SMOOTH, ERRATIC, INTERMITTENT, LUMPY, NO_DEMAND = (
    "smooth", "erratic", "intermittent", "lumpy", "no demand")
PATTERNS = (SMOOTH, ERRATIC, INTERMITTENT, LUMPY, NO_DEMAND)
NEW, PHASE_OUT, INACTIVE, MATURE = "new", "phase-out", "inactive", "mature"
SMOOTH_METHODS, INTERMITTENT_METHODS, NEW_ITEM_METHODS, PHASE_OUT_METHODS, NO_METHOD = (
    "smooth", "intermittent", "new item", "phase-out", "none")

SEGMENT_RULES = tuple(
    {"classification": classification, "class": name, "rule": rule}
    for classification, name, rule in (
        ("ABC (value)", "A", f"The fewest highest-value SKUs whose value reaches "
         f"{ABC_A_SHARE:.0%} of the total; value = bookings x unit price over the last "
         f"{VALUE_MONTHS} closed months; equal values are ranked by SKU code."),
        ("ABC (value)", "B", f"The next SKUs, until {ABC_B_SHARE:.0%} of the total value."),
        ("ABC (value)", "C", "All other SKUs, including those with no value."),
        ("XYZ (variability)", "X", f"Coefficient of variation (standard deviation / mean) of "
         f"monthly bookings over the last {VARIABILITY_MONTHS} closed months (or the SKU's "
         f"whole history if shorter) below {XYZ_X_CV:g}."),
        ("XYZ (variability)", "Y", f"Coefficient of variation from {XYZ_X_CV:g} to below "
         f"{XYZ_Y_CV:g}."),
        ("XYZ (variability)", "Z", f"Coefficient of variation {XYZ_Y_CV:g} or more."),
        ("XYZ (variability)", NO_XYZ, "No bookings in the window: variability is undefined."),
        ("pattern (Syntetos-Boylan)", SMOOTH, f"Same window. ADI (months / months with demand) "
         f"below {ADI_CUTOFF:g} and CV² of the non-zero monthly bookings below "
         f"{CV2_CUTOFF:g}."),
        ("pattern (Syntetos-Boylan)", ERRATIC, f"ADI below {ADI_CUTOFF:g}, CV² {CV2_CUTOFF:g} "
         f"or more."),
        ("pattern (Syntetos-Boylan)", INTERMITTENT, f"ADI {ADI_CUTOFF:g} or more, CV² below "
         f"{CV2_CUTOFF:g}."),
        ("pattern (Syntetos-Boylan)", LUMPY, f"ADI {ADI_CUTOFF:g} or more, CV² {CV2_CUTOFF:g} "
         f"or more."),
        ("pattern (Syntetos-Boylan)", NO_DEMAND, "No bookings in the window."),
        ("life cycle", INACTIVE, "Status inactive."),
        ("life cycle", PHASE_OUT, "Status phase_out, or an end of life no later than the last "
         "month of the plan horizon."),
        ("life cycle", NEW, f"Status new, or fewer than {NEW_ITEM_MONTHS} months of history."),
        ("life cycle", MATURE, "Every other SKU."),
        ("method family", SMOOTH_METHODS, "Mature SKUs with smooth or erratic demand: the "
         "mean of Theta, Holt-Winters and a model pooled over all SKUs."),
        ("method family", INTERMITTENT_METHODS, "Mature SKUs with intermittent or lumpy demand: "
         "Croston-type methods."),
        ("method family", NEW_ITEM_METHODS, "New SKUs: a share of the family forecast, an "
         "analog SKU or the family average."),
        ("method family", PHASE_OUT_METHODS, "Phase-out SKUs: forecast, zero after end of life."),
        ("method family", NO_METHOD, "Inactive SKUs and mature SKUs with no demand: zero."),
    )
)

SEGMENT_DTYPES = {
    "sku": str, "family": str, "status": str, "first_month": pd.PeriodDtype("M"),
    "months_of_history": "int64", "annual_units": float, "annual_value": float, "abc": str,
    "xyz": str, "cv": float, "adi": float, "cv2": float, "pattern": str, "lifecycle": str,
    "method_family": str,
}
SUMMARY_COLUMNS = ["grouping", "segment", "skus", "sku_share", "annual_value", "value_share"]
ABC_XYZ, PATTERN = "ABC-XYZ", "pattern"


def segment_items(company: Company, *, cycle=None, horizon: int | None = None,
                  value_months: int = VALUE_MONTHS, variability_months: int = VARIABILITY_MONTHS,
                  a_share: float = ABC_A_SHARE, b_share: float = ABC_B_SHARE,
                  bookings: HistoryMatrix | None = None) -> pd.DataFrame:
    """Segment every SKU of `company.items` (in its order); see SEGMENT_RULES.

    `cycle` (default: the month after the last closed month) and `horizon` (default: the
    company's horizon_months) only decide which end-of-life dates fall in the plan. Returns
    columns sku, family, status, first_month (Period[M], NaT with no history),
    months_of_history (first month to last closed month), annual_units and annual_value (sums
    over the last `value_months` closed months; value at unit_price), abc, xyz, cv (monthly
    bookings' coefficient of variation over the last `variability_months`), adi and cv2 (over
    the same window; NaN with no demand), pattern, lifecycle and method_family. Standard
    deviations divide by the number of months (population form), so a single month of demand
    has CV² 0, not an undefined value. `bookings` are `HistoryMatrix.of(company)` when the caller
    has them already.
    """
    if value_months < 1 or variability_months < 1:
        raise ParameterError(f"value_months and variability_months must be at least 1, got "
                             f"{value_months} and {variability_months}")
    if not 0 < a_share <= b_share <= 1:
        raise ParameterError(f"ABC shares must satisfy 0 < a_share <= b_share <= 1, got "
                             f"{a_share} and {b_share}")
    items = company.items
    history = company.demand_history
    if history.empty:
        raise ParameterError("demand_history is empty: there is no demand to segment")
    last_closed = company.last_closed_month
    horizon_end = _horizon_end(company, cycle, horizon)
    window = max(value_months, variability_months)
    matrix = HistoryMatrix.of(company) if bookings is None else bookings
    first_month, bookings = _window(matrix, window)
    # months as integers; a SKU with no history starts after every month
    first = np.where(first_month.isna(), np.iinfo(np.int64).max, first_month.asi8)
    months_of_history = np.maximum(last_closed.ordinal - first + 1, 0)
    window_months = last_closed.ordinal - np.arange(window)[::-1]
    existed = window_months >= first[:, None]
    annual_units = bookings[:, -value_months:].sum(axis=1)
    annual_value = annual_units * items["unit_price"].to_numpy(dtype=float)
    variability = _variability(bookings[:, -variability_months:],
                               existed[:, -variability_months:])
    lifecycle = _lifecycle(items, months_of_history, horizon_end)
    result = pd.DataFrame({
        "sku": items["sku"], "family": items["family"], "status": items["status"],
        "first_month": first_month, "months_of_history": months_of_history,
        "annual_units": annual_units, "annual_value": annual_value,
        "abc": _abc(items["sku"], annual_value, a_share, b_share), **variability,
        "lifecycle": lifecycle,
        "method_family": _method_family(lifecycle, variability["pattern"]),
    })
    return result.astype(SEGMENT_DTYPES)[list(SEGMENT_DTYPES)].reset_index(drop=True)


def segment_summary(segments: pd.DataFrame) -> pd.DataFrame:
    """SKU counts and annual value per ABC-XYZ cell and per demand pattern.

    Returns columns grouping ("ABC-XYZ" or "pattern"), segment ("A-X" ... "C-Z", plus e.g.
    "C-none" for SKUs with no demand; "smooth" ... "no demand"), skus, sku_share, annual_value
    and value_share (shares of all SKUs; NaN when there are none or no value). Every cell and
    pattern is listed, with zero counts too, so each grouping adds up to all SKUs.
    """
    cells = [f"{a}-{x}" for a in "ABC" for x in "XYZ"]
    labels = segments["abc"] + "-" + segments["xyz"]
    cells += sorted(set(labels) - set(cells))
    frames = [_tally(segments, ABC_XYZ, labels, cells),
              _tally(segments, PATTERN, segments["pattern"], PATTERNS)]
    return pd.concat(frames, ignore_index=True)[SUMMARY_COLUMNS]


def lifecycle_summary(segments: pd.DataFrame) -> pd.DataFrame:
    """SKUs per life-cycle stage and the method family it calls for (columns lifecycle,
    method_family, skus; only the pairs that occur)."""
    counts = segments.groupby(["lifecycle", "method_family"]).size()
    return counts.rename("skus").reset_index()


def _horizon_end(company: Company, cycle, horizon: int | None) -> pd.Period:
    """The last month of the plan horizon (cycle + horizon - 1)."""
    last_closed = company.last_closed_month
    cycle = last_closed + 1 if cycle is None else pd.Period(cycle, freq="M")
    if cycle <= last_closed:
        raise ParameterError(f"cycle {month_label(cycle)} must come after the last closed month "
                             f"{month_label(last_closed)}")
    horizon = company.config.horizon_months if horizon is None else horizon
    if horizon < 1:
        raise ParameterError(f"horizon must be at least 1 month, got {horizon}")
    return cycle + horizon - 1


def _window(bookings: HistoryMatrix, months: int) -> tuple[pd.PeriodIndex, np.ndarray]:
    """Each SKU's first month of history (NaT without any), and its bookings over the last
    `months` months (0 without a row)."""
    seen = ~np.isnan(bookings.values)
    first = bookings.months[seen.argmax(axis=1)].where(seen.any(axis=1))
    recent = np.nan_to_num(bookings.values[:, -months:])
    return first, np.pad(recent, ((0, 0), (months - recent.shape[1], 0)))


def _variability(bookings: np.ndarray, existed: np.ndarray) -> dict[str, np.ndarray]:
    """cv, xyz, adi, cv2 and pattern of each row's months that existed."""
    months = existed.sum(axis=1)
    demand = existed & (bookings > 0)
    demand_months = demand.sum(axis=1)
    mean, variance = _moments(bookings, existed)
    size_mean, size_variance = _moments(bookings, demand)
    with np.errstate(divide="ignore", invalid="ignore"):
        cv = np.where(mean > 0, np.sqrt(variance) / mean, np.nan)
        adi = np.where(demand_months > 0, months / demand_months, np.nan)
        cv2 = size_variance / size_mean**2
    xyz = np.select([np.isnan(cv), cv < XYZ_X_CV, cv < XYZ_Y_CV], [NO_XYZ, "X", "Y"], "Z")
    frequent, steady = adi < ADI_CUTOFF, cv2 < CV2_CUTOFF
    pattern = np.select(
        [demand_months == 0, frequent & steady, frequent, steady],
        [NO_DEMAND, SMOOTH, ERRATIC, INTERMITTENT], LUMPY)
    return {"xyz": xyz, "cv": cv, "adi": adi, "cv2": cv2, "pattern": pattern}


def _moments(values: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and population variance of each row's masked values (NaN for none)."""
    count = mask.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(mask, values, 0.0).sum(axis=1) / count
        deviation = np.where(mask, values - mean[:, None], 0.0)
        return mean, (deviation**2).sum(axis=1) / count


def _abc(skus: pd.Series, value: np.ndarray, a_share: float, b_share: float) -> np.ndarray:
    """A, B or C by each SKU's place in the value ranking (ties by SKU code)."""
    ranked = pd.DataFrame({"sku": skus.to_numpy(), "value": value}).sort_values(
        ["value", "sku"], ascending=[False, True], kind="stable")
    before = ranked["value"].cumsum().to_numpy() - ranked["value"].to_numpy()
    total = value.sum()
    tolerance = 1e-9 * total
    classes = np.select([before < a_share * total - tolerance,
                         before < b_share * total - tolerance], ["A", "B"], "C")
    return pd.Series(classes, index=ranked.index).sort_index().to_numpy()


def _lifecycle(items: pd.DataFrame, months_of_history: np.ndarray,
               horizon_end: pd.Period) -> np.ndarray:
    status = items["status"].to_numpy()
    ending = (items["end_of_life"] <= horizon_end).to_numpy()
    return np.select(
        [status == "inactive", (status == "phase_out") | ending,
         (status == "new") | (months_of_history < NEW_ITEM_MONTHS)],
        [INACTIVE, PHASE_OUT, NEW], MATURE)


def _method_family(lifecycle: np.ndarray, pattern: np.ndarray) -> np.ndarray:
    return np.select(
        [lifecycle == INACTIVE, lifecycle == PHASE_OUT, lifecycle == NEW, pattern == NO_DEMAND,
         np.isin(pattern, [SMOOTH, ERRATIC])],
        [NO_METHOD, PHASE_OUT_METHODS, NEW_ITEM_METHODS, NO_METHOD, SMOOTH_METHODS],
        INTERMITTENT_METHODS)


def _tally(segments: pd.DataFrame, grouping: str, labels: pd.Series, order) -> pd.DataFrame:
    """Counts and value per label, in `order`, with shares of the whole."""
    grouped = segments.groupby(labels.to_numpy())
    frame = pd.DataFrame({
        "skus": grouped.size(), "annual_value": grouped["annual_value"].sum()
    }).reindex(list(order), fill_value=0)
    frame = frame.astype({"skus": "int64", "annual_value": float})
    count, value = len(segments), segments["annual_value"].sum()
    frame["sku_share"] = frame["skus"] / count if count else np.nan
    frame["value_share"] = frame["annual_value"] / value if value > 0 else np.nan
    return frame.rename_axis("segment").reset_index().assign(grouping=grouping)
