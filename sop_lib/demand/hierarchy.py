"""Hierarchical reconciliation: SKU, family and total forecasts made to add up.

The hierarchy has three levels: the company total, its families and their SKUs. Base forecasts
made separately at each level rarely add up; reconciliation turns them into coherent ones (each
family = sum of its SKUs, total = sum of the families, every month) with the linear projection of
Wickramasuriya, Athanasopoulos & Hyndman (2019), written in its constraint form

    reconciled = y - W C' (C W C')^-1 C y,    C = [I | -S_aggregate]

where y stacks the base forecasts of every node (total, families, SKUs), S is the summing matrix
and W the weight (error covariance) matrix. This equals S (S'W^-1S)^-1 S'W^-1 y, but only needs
a solve with one row and column per aggregate node (1 + number of families), so it stays cheap for
100,000 SKUs. The reconciled SKU figures are then summed up the hierarchy, so coherence holds
exactly (to float rounding), also after negatives are set to 0.

Methods: "bottom_up" (SKU forecasts summed up; only SKU rows needed), "wls_struct" (W = number of
SKUs under each node, on a diagonal) and "mint_shrink" (W = the Schäfer-Strimmer shrinkage
estimate of the error covariance from `residuals`, for hierarchies up to MAX_MINT_NODES nodes).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.linalg import splu

from sop_lib.core.errors import ParameterError, SopError
from sop_lib.core.months import month_label

LEVELS = ("total", "family", "sku")
TOTAL_CODE = "total"
METHODS = ("bottom_up", "wls_struct", "mint_shrink")
MAX_MINT_NODES = 2000
BASE_COLUMNS = ["level", "code", "month", "forecast"]
RECONCILED_COLUMNS = BASE_COLUMNS + ["reconciled"]
RESIDUAL_COLUMNS = ["level", "code", "month", "error"]
QUANTILE_COLUMNS = ["family", "month", "p10", "p50", "p90"]
_SHOWN = 5


def summing_matrix(families: pd.Series) -> tuple[sparse.csr_array, pd.MultiIndex]:
    """The summing matrix S of the hierarchy total / families / SKUs, and its row labels.

    `families` maps SKU code (index) to family code (values). S is sparse, one column per SKU and
    one row per node: the total, each family (sorted by code), each SKU (sorted by family, then
    code; the columns follow the same order). Labels are a MultiIndex named level and code; the
    total's code is TOTAL_CODE.
    """
    skus, family_codes, family_of = _structure(families)
    n, m = len(skus), len(family_codes)
    rows = np.concatenate([np.zeros(n, dtype=int), 1 + family_of, 1 + m + np.arange(n)])
    columns = np.tile(np.arange(n), 3)
    matrix = sparse.csr_array((np.ones(3 * n), (rows, columns)), shape=(1 + m + n, n))
    labels = pd.MultiIndex.from_arrays(
        [np.repeat(LEVELS, [1, m, n]), np.concatenate([[TOTAL_CODE], family_codes, skus])],
        names=["level", "code"])
    return matrix, labels


def reconcile(base: pd.DataFrame, sku_family: pd.Series, *, method: str = "bottom_up",
              residuals: pd.DataFrame | None = None, nonnegative: bool = True) -> pd.DataFrame:
    """Coherent forecasts for every node and month from base forecasts at every level.

    `base` has columns level ("total", "family" or "sku"), code (TOTAL_CODE for the total),
    month and forecast; `sku_family` maps SKU code to family code and defines the hierarchy.
    The months are those in `base`; "bottom_up" needs a forecast for every SKU and month, the
    other methods for every node and month. "mint_shrink" also needs `residuals` (columns level,
    code, month, error: in-sample or backtest errors of every node); months where some node has
    no error are left out of the covariance estimate. With `nonnegative` (default) negative
    reconciled SKU figures are set to 0 before summing up, so coherence still holds but the
    result is no longer the exact projection.

    Returns columns level, code, month, forecast (the base figure; NaN where `base` has none)
    and reconciled, one row per node (in summing_matrix's order) and month.
    """
    if method not in METHODS:
        raise ParameterError(f"Unknown reconciliation method {method!r}; expected one of "
                             f"{', '.join(METHODS)}.")
    matrix, labels = summing_matrix(sku_family)
    aggregates = matrix.shape[0] - matrix.shape[1]
    if method == "mint_shrink":
        _check_mint_size(len(labels))
    months, forecasts = _node_month_matrix(base, "forecast", labels, "base forecasts")
    needed = forecasts[aggregates:] if method == "bottom_up" else forecasts
    _require_complete(needed, labels[len(labels) - len(needed):], months)
    if method == "bottom_up":
        bottom = forecasts[aggregates:]
    else:
        weights = (_structural_weights(matrix) if method == "wls_struct"
                   else _mint_covariance(residuals, labels))
        bottom = _projected_bottom(forecasts, matrix, weights)
    if nonnegative:
        bottom = np.maximum(bottom, 0.0)
    return _long_frame(labels, months, forecasts, matrix @ bottom)


def shrunk_covariance(errors: np.ndarray) -> tuple[np.ndarray, float]:
    """Schäfer-Strimmer shrinkage of an error covariance toward its diagonal; (covariance, lambda).

    `errors` has one row per time and one column per node. As in Wickramasuriya et al. (2019)
    and R's hts, the covariance is the uncentred one (errors are taken as zero-mean), the
    variances are kept and the correlations are shrunk toward 0 by the estimated intensity
    lambda in [0, 1]. Nodes whose errors are all zero get zero correlations.
    """
    times = errors.shape[0]
    covariance = errors.T @ errors / times
    std = np.sqrt(np.diag(covariance))
    scale = np.where(std > 0, std, np.inf)
    standardized = errors / scale
    correlation = covariance / np.outer(scale, scale)
    variance_of_correlation = ((standardized ** 2).T @ standardized ** 2
                               - (standardized.T @ standardized) ** 2 / times)
    variance_of_correlation /= times * (times - 1)
    off_diagonal = ~np.eye(len(std), dtype=bool)
    squared = (correlation[off_diagonal] ** 2).sum()
    intensity = 1.0 if squared == 0 else variance_of_correlation[off_diagonal].sum() / squared
    intensity = float(min(max(intensity, 0.0), 1.0))
    shrunk = covariance * (1 - intensity)
    np.fill_diagonal(shrunk, np.diag(covariance))
    return shrunk, intensity


def family_intervals(family_quantiles: pd.DataFrame, reconciled: pd.DataFrame) -> pd.DataFrame:
    """Each family's own forecast band moved so that it is centred on its reconciled figure.

    `family_quantiles` has columns family, month, p10, p50, p90 (quantiles of the family's own
    series); `reconciled` is reconcile's output. p50 becomes the reconciled figure and p10 and
    p90 move by the same difference, floored at 0. This is an approximation: it keeps the width
    of the family's base band, while a proper reconciled band would come from reconciling
    sample paths or quantiles of every node. Returns columns family, month, p10, p50, p90, one
    row per row of `family_quantiles`, in its order; raises SopError for a family-month that
    `reconciled` lacks.
    """
    families = reconciled[reconciled["level"] == "family"]
    points = families.rename(columns={"code": "family"})[["family", "month", "reconciled"]]
    merged = family_quantiles[QUANTILE_COLUMNS].merge(points, on=["family", "month"], how="left")
    missing = merged[merged["reconciled"].isna()]
    if len(missing):
        shown = ", ".join(f"{row.family} {month_label(row.month)}"
                          for row in missing.head(_SHOWN).itertuples())
        raise SopError(f"No reconciled figure for {len(missing)} family-month(s) of the family "
                       f"quantiles (e.g. {shown}); reconcile the same families and months.")
    shift = merged["reconciled"] - merged["p50"]
    return merged.assign(p10=(merged["p10"] + shift).clip(lower=0.0), p50=merged["reconciled"],
                         p90=(merged["p90"] + shift).clip(lower=0.0))[QUANTILE_COLUMNS]


def _structure(families: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """SKU codes (by family, then code), sorted family codes and each SKU's family position."""
    if families.empty:
        raise SopError("The SKU-to-family map is empty: there is no hierarchy to reconcile.")
    codes = families.index.astype(str)
    if codes.has_duplicates:
        repeated = sorted(set(codes[codes.duplicated()]))[:_SHOWN]
        raise SopError(f"The SKU-to-family map lists SKU(s) {', '.join(repeated)} more than "
                       f"once; each SKU belongs to exactly one family.")
    blank = families.isna().to_numpy() | (families.astype(str).str.strip() == "").to_numpy()
    if blank.any():
        raise SopError(f"SKU(s) {', '.join(codes[blank][:_SHOWN])} have no family in the "
                       f"SKU-to-family map; each SKU needs one.")
    family_of, family_codes = pd.factorize(families.astype(str).to_numpy(), sort=True)
    order = np.lexsort((codes.to_numpy(), family_of))
    return codes.to_numpy()[order], np.asarray(family_codes), family_of[order]


def _check_mint_size(nodes: int) -> None:
    if nodes > MAX_MINT_NODES:
        raise ParameterError(
            f"mint_shrink estimates a full error covariance and handles hierarchies of up to "
            f"{MAX_MINT_NODES:,} nodes (total, families and SKUs); this one has {nodes:,}. "
            f"Use method='wls_struct' instead.")


def _node_month_matrix(frame: pd.DataFrame, value: str, labels: pd.MultiIndex,
                       what: str) -> tuple[pd.PeriodIndex, np.ndarray]:
    """The months of a long level/code/month frame and its values as a nodes x months matrix."""
    missing = [c for c in ("level", "code", "month", value) if c not in frame.columns]
    if missing:
        raise SopError(f"The {what} lack column(s) {', '.join(missing)}; expected columns "
                       f"level, code, month, {value}.")
    if frame.empty:
        raise SopError(f"The {what} are empty: no month to reconcile.")
    if frame["month"].isna().any():
        _fail(what, frame[frame["month"].isna()], "has no month")
    month_of_row = pd.PeriodIndex(frame["month"], freq="M")
    months = month_of_row.unique().sort_values()
    node = _node_positions(frame, labels, what)
    month = months.get_indexer(month_of_row)
    cell = node * len(months) + month
    repeated = pd.Index(cell).duplicated()
    if repeated.any():
        _fail(what, frame[repeated], "repeats a level, code and month")
    matrix = np.full((len(labels), len(months)), np.nan)
    matrix.flat[cell] = frame[value].to_numpy(dtype=float)
    return months, matrix


def _node_positions(frame: pd.DataFrame, labels: pd.MultiIndex, what: str) -> np.ndarray:
    """Each row's position in `labels`; raise SopError for an unknown level or code."""
    level = frame["level"].astype(str).to_numpy()
    code = frame["code"].astype(str).to_numpy()
    position = np.full(len(frame), -1)
    start = 0
    for name in LEVELS:
        codes = pd.Index(labels.get_level_values("code")[labels.get_level_values("level") == name])
        rows = level == name
        found = codes.get_indexer(code[rows])
        position[rows] = np.where(found >= 0, found + start, -1)
        start += len(codes)
    unknown_level = ~np.isin(level, LEVELS)
    if unknown_level.any():
        _fail(what, frame[unknown_level], f"has a level other than {', '.join(LEVELS)}")
    if (position < 0).any():
        _fail(what, frame[position < 0], "names a node the SKU-to-family map does not have "
              f"(the total's code is {TOTAL_CODE!r})")
    return position


def _fail(what: str, rows: pd.DataFrame, problem: str) -> None:
    shown = "; ".join(f"row {index}: {row.level} {row.code!r} {row.month}"
                      for index, row in zip(rows.index[:_SHOWN],
                                            rows.head(_SHOWN).itertuples(index=False)))
    more = f" (and {len(rows) - _SHOWN} more)" if len(rows) > _SHOWN else ""
    raise SopError(f"{len(rows)} row(s) of the {what} {problem}: {shown}{more}.")


def _require_complete(matrix: np.ndarray, labels: pd.MultiIndex, months: pd.PeriodIndex) -> None:
    """Raise SopError naming node-months without a base figure."""
    node, month = np.nonzero(np.isnan(matrix))
    if len(node):
        shown = ", ".join(f"{labels[i][0]} {labels[i][1]!r} {month_label(months[j])}"
                          for i, j in zip(node[:_SHOWN], month[:_SHOWN]))
        more = f" (and {len(node) - _SHOWN} more)" if len(node) > _SHOWN else ""
        level = "SKU" if (labels.get_level_values("level") == "sku").all() else "node"
        raise SopError(f"No base forecast for {shown}{more}; this method needs a forecast for "
                       f"every {level} and month in the base forecasts.")


def _structural_weights(matrix: sparse.csr_array) -> sparse.dia_array:
    """W = diag(S 1): the number of SKUs under each node."""
    return sparse.diags_array(matrix.sum(axis=1))


def _mint_covariance(residuals: pd.DataFrame | None, labels: pd.MultiIndex) -> np.ndarray:
    """The shrunk error covariance of every node from the residuals' complete months."""
    if residuals is None:
        raise ParameterError("mint_shrink needs residuals (columns level, code, month, error: "
                             "in-sample or backtest errors of every node).")
    months, errors = _node_month_matrix(residuals, "error", labels, "residuals")
    absent = np.isnan(errors).all(axis=1)
    if absent.any():
        shown = ", ".join(f"{level} {code!r}" for level, code in labels[absent][:_SHOWN])
        raise SopError(f"The residuals have no error for {absent.sum()} node(s) ({shown}); "
                       f"mint_shrink needs errors of every node.")
    complete = ~np.isnan(errors).any(axis=0)
    if complete.sum() < 2:
        raise SopError(f"The residuals have {complete.sum()} month(s) with an error for every "
                       f"node; mint_shrink needs at least 2.")
    return shrunk_covariance(errors[:, complete].T)[0]


def _projected_bottom(forecasts: np.ndarray, matrix: sparse.csr_array, weights) -> np.ndarray:
    """Reconciled SKU figures: y - W C' (C W C')^-1 C y, SKU rows, with C = [I | -S_aggregate]."""
    aggregates = matrix.shape[0] - matrix.shape[1]
    constraints = sparse.hstack([sparse.eye_array(aggregates), -matrix[:aggregates]],
                                format="csr")
    weighted = (constraints @ weights).T
    system = constraints @ weighted
    incoherence = constraints @ forecasts
    if sparse.issparse(system):
        multipliers = splu(sparse.csc_array(system)).solve(incoherence)
        weighted = sparse.csr_array(weighted)
    else:
        try:
            multipliers = np.linalg.solve(system, incoherence)
        except np.linalg.LinAlgError as error:
            raise SopError("The residuals give a singular error covariance (some family and "
                           "its SKUs have no error variance); use method='wls_struct'.") from error
    return forecasts[aggregates:] - weighted[aggregates:] @ multipliers


def _long_frame(labels: pd.MultiIndex, months: pd.PeriodIndex, forecasts: np.ndarray,
                reconciled: np.ndarray) -> pd.DataFrame:
    """One row per node and month, nodes in label order, months ascending."""
    frame = labels.repeat(len(months)).to_frame(index=False)
    frame["month"] = months.take(np.tile(np.arange(len(months)), len(labels)))
    frame["forecast"] = forecasts.ravel()
    frame["reconciled"] = reconciled.ravel()
    return frame[RECONCILED_COLUMNS]
