import numpy as np
import pandas as pd
import pytest

from sop_lib.core.errors import ParameterError, SopError
from sop_lib.demand.hierarchy import (
    MAX_MINT_NODES,
    family_intervals,
    reconcile,
    shrunk_covariance,
    summing_matrix,
)

MONTHS = pd.period_range("2025-01", periods=2, freq="M")
# Families deliberately out of order: summing_matrix sorts families, then SKUs within them.
SKU_FAMILY = pd.Series({"b2": "B", "a1": "A", "b1": "B", "c1": "C", "a2": "A", "b3": "B"})
NODES = [("total", "total"), ("family", "A"), ("family", "B"), ("family", "C"),
         ("sku", "a1"), ("sku", "a2"), ("sku", "b1"), ("sku", "b2"), ("sku", "b3"),
         ("sku", "c1")]
# Dense S in NODES order, columns a1 a2 b1 b2 b3 c1.
S_DENSE = np.array([[1, 1, 1, 1, 1, 1],
                    [1, 1, 0, 0, 0, 0], [0, 0, 1, 1, 1, 0], [0, 0, 0, 0, 0, 1],
                    *np.eye(6)])


def long_frame(values: np.ndarray, nodes=NODES, months=MONTHS) -> pd.DataFrame:
    """A base forecast frame from a nodes x months matrix."""
    return pd.DataFrame([{"level": level, "code": code, "month": month,
                          "forecast": values[i, j]}
                         for i, (level, code) in enumerate(nodes)
                         for j, month in enumerate(months)])


def as_matrix(result: pd.DataFrame, column="reconciled") -> np.ndarray:
    """reconcile's output as a nodes x months matrix (NODES order is reconcile's order)."""
    return result[column].to_numpy().reshape(-1, len(MONTHS))


def incoherent_base(seed=1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = S_DENSE @ rng.uniform(20, 60, (6, len(MONTHS)))
    return values * rng.uniform(0.8, 1.2, values.shape)


def residuals_frame(seed=2, times=8) -> tuple[pd.DataFrame, np.ndarray]:
    """Correlated errors of every node (rows times, columns nodes) and their long frame."""
    rng = np.random.default_rng(seed)
    errors = (S_DENSE @ rng.normal(0, 3, (6, times))).T + rng.normal(0, 2, (times, len(NODES)))
    months = pd.period_range("2023-01", periods=times, freq="M")
    frame = long_frame(errors.T, months=months).rename(columns={"forecast": "error"})
    return frame, errors


def dense_reconciled(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """S (S'W^-1 S)^-1 S'W^-1 y computed directly with dense matrices."""
    inverse = np.linalg.inv(weights)
    projection = np.linalg.solve(S_DENSE.T @ inverse @ S_DENSE, S_DENSE.T @ inverse)
    return S_DENSE @ projection @ values


def test_summing_matrix_rows_and_labels():
    matrix, labels = summing_matrix(SKU_FAMILY)
    assert list(labels) == NODES
    assert labels.names == ["level", "code"]
    np.testing.assert_array_equal(matrix.toarray(), S_DENSE)


def test_summing_matrix_rejects_repeated_sku_and_missing_family():
    with pytest.raises(SopError, match="a1 more than once"):
        summing_matrix(pd.Series(["A", "B"], index=["a1", "a1"]))
    with pytest.raises(SopError, match="a2 have no family"):
        summing_matrix(pd.Series(["A", ""], index=["a1", "a2"]))


def test_bottom_up_sums_skus_and_keeps_base_figures():
    base = long_frame(incoherent_base())
    sku_only = base[base["level"] == "sku"]
    result = reconcile(sku_only, SKU_FAMILY, method="bottom_up")
    assert list(result.columns) == ["level", "code", "month", "forecast", "reconciled"]
    assert list(zip(result["level"], result["code"]))[::2] == NODES
    sku = as_matrix(result)[4:]
    np.testing.assert_array_equal(sku, incoherent_base()[4:])
    np.testing.assert_array_equal(as_matrix(result)[1], sku[0] + sku[1])
    np.testing.assert_array_equal(as_matrix(result)[3], sku[5])
    assert result["forecast"].iloc[:8].isna().all()  # no family or total base given


@pytest.mark.parametrize("method", ["bottom_up", "wls_struct", "mint_shrink"])
def test_every_method_is_coherent(method):
    result = reconcile(long_frame(incoherent_base()), SKU_FAMILY, method=method,
                       residuals=residuals_frame()[0])
    sku = result[result["level"] == "sku"].assign(family=lambda f: f["code"].map(SKU_FAMILY))
    family = result[result["level"] == "family"].set_index(["code", "month"])["reconciled"]
    summed = sku.groupby(["family", "month"])["reconciled"].sum()
    np.testing.assert_allclose(family.to_numpy(), summed.to_numpy(), rtol=1e-12)
    total = result[result["level"] == "total"]["reconciled"].to_numpy()
    np.testing.assert_allclose(total, family.groupby("month").sum().to_numpy(), rtol=1e-12)


def test_wls_struct_matches_dense_projection():
    values = incoherent_base()
    result = reconcile(long_frame(values), SKU_FAMILY, method="wls_struct")
    weights = np.diag(S_DENSE.sum(axis=1))
    np.testing.assert_allclose(as_matrix(result), dense_reconciled(values, weights), rtol=1e-10)
    np.testing.assert_array_equal(as_matrix(result, "forecast"), values)


def test_mint_shrink_matches_dense_projection_with_its_covariance():
    values = incoherent_base()
    residuals, errors = residuals_frame()
    covariance, intensity = shrunk_covariance(errors)
    assert 0 < intensity < 1
    result = reconcile(long_frame(values), SKU_FAMILY, method="mint_shrink", residuals=residuals)
    np.testing.assert_allclose(as_matrix(result), dense_reconciled(values, covariance),
                               rtol=1e-10)


def test_mint_uses_only_months_with_every_error():
    values = incoherent_base()
    residuals, errors = residuals_frame()
    first_month = residuals["month"] == residuals["month"].min()
    partial = residuals[~(first_month & (residuals["code"] == "b2"))]
    result = reconcile(long_frame(values), SKU_FAMILY, method="mint_shrink", residuals=partial)
    covariance = shrunk_covariance(errors[1:])[0]
    np.testing.assert_allclose(as_matrix(result), dense_reconciled(values, covariance),
                               rtol=1e-10)


def test_shrunk_covariance_by_hand():
    # Uncentred covariance [[1, 1], [1, 2]], correlation 1/sqrt(2). Standardised errors
    # a = (1, -1, 1, -1), b = (r, -r, 0, 0) with r = sqrt(2): sum a^2 b^2 = 4, (sum a b)^2 / 4 = 2,
    # so var(corr) = (4 - 2) / (4 * 3) = 1/6 per off-diagonal cell; lambda = (2/6) / (2 * 1/2).
    errors = np.array([[1.0, 2.0], [-1.0, -2.0], [1.0, 0.0], [-1.0, 0.0]])
    covariance, intensity = shrunk_covariance(errors)
    assert intensity == pytest.approx(1 / 3)
    np.testing.assert_allclose(covariance, [[1, 2 / 3], [2 / 3, 2]])


@pytest.mark.parametrize("method", ["wls_struct", "mint_shrink"])
def test_coherent_forecasts_come_back_unchanged(method):
    values = S_DENSE @ np.random.default_rng(3).uniform(5, 50, (6, len(MONTHS)))
    result = reconcile(long_frame(values), SKU_FAMILY, method=method,
                       residuals=residuals_frame()[0])
    np.testing.assert_allclose(as_matrix(result), values, rtol=1e-12)


def test_nonnegative_clips_skus_then_sums_up():
    # One family F of SKUs a, b; W = diag(2, 2, 1, 1). By hand: S'W^-1 S = [[2, 1], [1, 2]],
    # S'W^-1 y = (10, 0), so (a, b) = (20/3, -10/3).
    nodes = [("total", "total"), ("family", "F"), ("sku", "a"), ("sku", "b")]
    base = long_frame(np.array([[0.0], [0.0], [10.0], [0.0]]), nodes=nodes, months=MONTHS[:1])
    sku_family = pd.Series({"a": "F", "b": "F"})
    raw = reconcile(base, sku_family, method="wls_struct", nonnegative=False)["reconciled"]
    np.testing.assert_allclose(raw, [10 / 3, 10 / 3, 20 / 3, -10 / 3])
    clipped = reconcile(base, sku_family, method="wls_struct")["reconciled"]
    np.testing.assert_allclose(clipped, [20 / 3, 20 / 3, 20 / 3, 0])


def test_mint_refuses_large_hierarchy_and_points_to_wls():
    sku_family = pd.Series("F", index=[f"s{i}" for i in range(MAX_MINT_NODES)])
    with pytest.raises(SopError, match="wls_struct"):
        reconcile(long_frame(incoherent_base()), sku_family, method="mint_shrink")


def test_mint_needs_residuals_of_every_node():
    base = long_frame(incoherent_base())
    with pytest.raises(ParameterError, match="needs residuals"):
        reconcile(base, SKU_FAMILY, method="mint_shrink")
    residuals = residuals_frame()[0]
    with pytest.raises(SopError, match="no error for 1 node.*'c1'"):
        reconcile(base, SKU_FAMILY, method="mint_shrink",
                  residuals=residuals[residuals["code"] != "c1"])


def test_missing_and_unknown_base_rows_are_named():
    base = long_frame(incoherent_base())
    with pytest.raises(SopError, match="No base forecast for family 'B' 2025-02"):
        reconcile(base.drop(index=5), SKU_FAMILY, method="wls_struct")
    with pytest.raises(SopError, match="No base forecast for sku 'b1' 2025-01.*every SKU"):
        reconcile(base[base["code"] != "b1"], SKU_FAMILY, method="bottom_up")
    unknown = pd.concat([base, base.iloc[[0]].assign(level="family", code="Z")],
                        ignore_index=True)
    with pytest.raises(SopError, match="row 20: family 'Z'"):
        reconcile(unknown, SKU_FAMILY)
    with pytest.raises(SopError, match="repeats a level, code and month"):
        reconcile(pd.concat([base, base.iloc[[7]]]), SKU_FAMILY)
    with pytest.raises(ParameterError, match="Unknown reconciliation method 'ols'"):
        reconcile(base, SKU_FAMILY, method="ols")


def test_family_intervals_centre_band_on_reconciled_figure():
    reconciled = pd.DataFrame({"level": ["total", "family", "family"],
                               "code": ["total", "A", "A"], "month": MONTHS[[0, 0, 1]],
                               "forecast": [0.0, 0.0, 0.0], "reconciled": [99.0, 110.0, 20.0]})
    quantiles = pd.DataFrame({"family": ["A", "A"], "month": MONTHS[[1, 0]],
                              "p10": [30.0, 80.0], "p50": [45.0, 100.0], "p90": [60.0, 130.0]})
    result = family_intervals(quantiles, reconciled)
    expected = pd.DataFrame({"family": ["A", "A"], "month": MONTHS[[1, 0]],
                             "p10": [5.0, 90.0], "p50": [20.0, 110.0], "p90": [35.0, 140.0]})
    pd.testing.assert_frame_equal(result, expected, check_dtype=False)
    quantiles.loc[0, "p10"] = 10.0  # 10 - 25 is floored at 0
    assert family_intervals(quantiles, reconciled)["p10"].iloc[0] == 0.0
    with pytest.raises(SopError, match="A 2025-03"):
        family_intervals(quantiles.assign(month=MONTHS[[1, 1]] + 1), reconciled)
