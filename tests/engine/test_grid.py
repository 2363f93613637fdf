"""Tests of sop_lib.engine.grid: parameter grids shared or per series, choosing per row,
varying a set, the coordinate search and snapshot plans."""
from __future__ import annotations

import numpy as np

from sop_lib.engine.grid import Grid, best_index, coordinate_search, snapshot_plan


def test_coordinate_search_keeps_the_best_set_and_never_gets_worse():
    target = {"a": np.array([0.2, 0.7]), "b": np.array([3.0, 1.0])}

    def sse(grid: Grid) -> np.ndarray:
        return ((grid["a"] - target["a"][:, None]) ** 2
                + (grid["b"] - target["b"][:, None]) ** 2)

    start = Grid.point(a=0.5, b=2.0)
    chosen = coordinate_search(sse, start, [{"a": (0.2, 0.7, 0.9)}, {"b": (1.0, 3.0, 5.0)}])
    np.testing.assert_array_equal(chosen["a"][:, 0], [0.2, 0.7])
    np.testing.assert_array_equal(chosen["b"][:, 0], [3.0, 1.0])
    stay = coordinate_search(sse, Grid.point(a=[0.2, 0.7], b=[3.0, 1.0]), [{"a": (0.9,)}])
    np.testing.assert_array_equal(stay["a"][:, 0], [0.2, 0.7])


def test_snapshot_plan_groups_cells_by_count():
    plan = snapshot_plan(np.array([[2, 5], [5, 0]]))
    assert sorted(plan) == [2, 5]
    np.testing.assert_array_equal(plan[2][0], [0])
    np.testing.assert_array_equal(plan[2][1], [0])
    np.testing.assert_array_equal(plan[5][0], [0, 1])
    np.testing.assert_array_equal(plan[5][1], [1, 0])


def test_product_is_every_combination_shared_by_all_series():
    grid = Grid.product(a=(1, 2, 3), b=(10, 20))
    assert grid.size == 6
    assert grid["a"].shape == grid["b"].shape == (1, 6)
    pairs = list(zip(grid["a"][0], grid["b"][0]))
    assert pairs == [(1, 10), (1, 20), (2, 10), (2, 20), (3, 10), (3, 20)]
    assert grid["a"].dtype == float


def test_point_takes_scalars_for_all_series_and_arrays_per_series():
    grid = Grid.point(a=0.3, b=[1.0, 2.0, 3.0])
    assert grid["a"].shape == (1, 1)
    np.testing.assert_array_equal(grid["b"], [[1.0], [2.0], [3.0]])
    assert grid.size == 1


def test_choose_gives_each_series_its_own_column():
    grid = Grid({"a": np.array([[0.1, 0.2, 0.3]]),  # shared by all series
                 "b": np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])})  # per series
    chosen = grid.choose(np.array([2, 0]))
    np.testing.assert_array_equal(chosen["a"], [[0.3], [0.1]])
    np.testing.assert_array_equal(chosen["b"], [[3.0], [4.0]])


def test_vary_puts_the_unchanged_set_first_then_every_combination():
    current = Grid.point(a=[0.5, 0.6], b=2.0)
    varied = current.vary(b=(1.0, 3.0))
    assert varied.size == 3
    np.testing.assert_array_equal(varied["a"], [[0.5, 0.5, 0.5], [0.6, 0.6, 0.6]])
    np.testing.assert_array_equal(varied["b"], [[2.0, 1.0, 3.0], [2.0, 1.0, 3.0]])
    both = Grid.point(a=0.5, b=2.0).vary(a=(0.1, 0.9), b=(1.0, 3.0))
    assert list(zip(both["a"][0], both["b"][0])) == [(0.5, 2.0), (0.1, 1.0), (0.1, 3.0),
                                                     (0.9, 1.0), (0.9, 3.0)]


def test_best_index_never_picks_a_non_finite_error_and_breaks_ties_to_the_first():
    errors = np.array([[3.0, 1.0, 1.0],
                       [np.nan, 5.0, 4.0],
                       [-np.inf, np.inf, 2.0],
                       [np.nan, np.nan, np.nan]])
    # a row with no finite error keeps the first column, as on a tie
    np.testing.assert_array_equal(best_index(errors), [1, 2, 2, 0])


def test_coordinate_search_per_series_stages_of_two_parameters():
    """The second stage tries every (b, c) pair with each series' a held at its best."""
    target = np.array([[0.1, 5.0, -1.0], [0.9, 1.0, 1.0]])

    def sse(grid: Grid) -> np.ndarray:
        return sum((grid[name] - target[:, k, None]) ** 2 for k, name in enumerate("abc"))

    chosen = coordinate_search(sse, Grid.point(a=0.5, b=3.0, c=0.0),
                               [{"a": (0.1, 0.9)}, {"b": (1.0, 5.0), "c": (-1.0, 1.0)}])
    for k, name in enumerate("abc"):
        np.testing.assert_array_equal(chosen[name][:, 0], target[:, k])


def test_snapshot_plan_of_no_positive_counts_is_empty():
    assert snapshot_plan(np.zeros((2, 3), dtype=int)) == {}
    assert snapshot_plan(np.zeros((0, 1), dtype=int)) == {}
